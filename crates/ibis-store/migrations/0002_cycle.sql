-- The cycle: assessments, budget decisions, requests for review, support plans with every
-- version kept, signatures and goal reviews (both engines; {{ID}} and {{BOOL}} are filled in per engine).

CREATE TABLE assessments (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    next_review_on TEXT NOT NULL,
    data TEXT NOT NULL,
    assessors TEXT NOT NULL,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    signed_by BIGINT,
    signed_at TEXT,
    superseded_by BIGINT
);
CREATE INDEX assessments_by_person ON assessments(person_id, assessed_on);

-- Decisions are never changed: a new decision from a later date supersedes from that date.
CREATE TABLE budget_decisions (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    assessment_id BIGINT NOT NULL REFERENCES assessments(id),
    budget_group TEXT NOT NULL,
    level TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    proposed_cents BIGINT NOT NULL,
    monthly_cents BIGINT NOT NULL,
    override_reason TEXT,
    policy_id TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    explanation TEXT NOT NULL,
    notice TEXT NOT NULL,
    decided_by BIGINT,
    decided_on TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX decisions_by_person ON budget_decisions(person_id, period_from);

CREATE TABLE review_requests (
    id {{ID}},
    decision_id BIGINT NOT NULL REFERENCES budget_decisions(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    requested_on TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    outcome TEXT NOT NULL,
    outcome_on TEXT,
    outcome_note TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE plans (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    decision_id BIGINT NOT NULL REFERENCES budget_decisions(id),
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plans_by_person ON plans(person_id);

-- Every version of every plan, append-only.
CREATE TABLE plan_versions (
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    version BIGINT NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL,
    monthly_cost_cents BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE plan_signatures (
    id {{ID}},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    version BIGINT NOT NULL,
    signer_name TEXT NOT NULL,
    role TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE goal_reviews (
    id {{ID}},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    goal_index BIGINT NOT NULL,
    attainment BIGINT NOT NULL,
    note TEXT NOT NULL,
    reviewed_on TEXT NOT NULL,
    reviewed_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
