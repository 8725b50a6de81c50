-- Payment runs (both engines; {{ID}} and {{BOOL}} are filled in per engine).

CREATE TABLE payment_runs (
    id {{ID}},
    municipality_code TEXT NOT NULL REFERENCES municipalities(code),
    msg_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    execution_date TEXT NOT NULL,
    debtor_name TEXT NOT NULL,
    debtor_iban TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    payments_count BIGINT NOT NULL,
    prepared_by TEXT NOT NULL,
    reviewed_by TEXT,
    released_by TEXT,
    created_at TEXT NOT NULL,
    released_at TEXT,
    xml TEXT
);

-- The approved claims a run pays: a claim is in at most one run that is not cancelled.
CREATE TABLE run_items (
    run_id BIGINT NOT NULL REFERENCES payment_runs(id),
    budget_line TEXT NOT NULL,
    ref_id TEXT NOT NULL UNIQUE,
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (run_id, ref_id)
);
