-- The policy simulator: draft policy and tariff files kept as data, and their adoption as a
-- new policy version from a day (both engines). Drafts and adoptions are never changed or
-- deleted; a draft never overwrites a policy: adoption adds a version from its day.

CREATE TABLE policy_drafts (
    id {{ID}},
    title TEXT NOT NULL,
    -- JSON: [[file name, file text], ...] in the format of policies/.
    files TEXT NOT NULL,
    created_by BIGINT,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE policy_adoptions (
    id {{ID}},
    draft_id BIGINT NOT NULL UNIQUE REFERENCES policy_drafts(id),
    valid_from TEXT NOT NULL,
    -- JSON: what the adoption put in force (policy versions, prices).
    summary TEXT NOT NULL,
    adopted_by BIGINT,
    adopted_by_name TEXT NOT NULL,
    adopted_at TEXT NOT NULL
);
