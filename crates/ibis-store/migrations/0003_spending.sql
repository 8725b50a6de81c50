-- Spending: agreements, visits, claims, the ledger (both engines; {{ID}} and {{BOOL}} are
-- filled in per engine).

-- An agreement between the person and a provider for a plan line.
CREATE TABLE agreements (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    decision_id BIGINT NOT NULL REFERENCES budget_decisions(id),
    plan_line BIGINT NOT NULL,
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    service TEXT NOT NULL,
    unit TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    data TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX agreements_by_provider ON agreements(provider_id);
CREATE INDEX agreements_by_plan ON agreements(plan_id, plan_line);

-- A visit, checked in and out; the person confirms or disputes it.
CREATE TABLE visits (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    specialist TEXT NOT NULL,
    start_at TEXT NOT NULL,
    end_at TEXT,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    confirmation TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX visits_by_specialist ON visits(provider_id, specialist, start_at);
CREATE INDEX visits_by_person ON visits(person_id, start_at);

-- Every claim line and the decision it got; a resend with the same key is answered from here.
CREATE TABLE claims (
    id {{ID}},
    provider_id BIGINT NOT NULL REFERENCES providers(id),
    idempotency_key TEXT NOT NULL,
    agreement_id BIGINT,
    person_id BIGINT,
    budget_line TEXT,
    service_date TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price_e4 BIGINT NOT NULL,
    visit_id BIGINT,
    accepted {{BOOL}} NOT NULL,
    needs_review {{BOOL}} NOT NULL,
    amount_cents BIGINT NOT NULL,
    co_payment_cents BIGINT NOT NULL,
    decision TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (provider_id, idempotency_key)
);
CREATE INDEX claims_by_agreement ON claims(agreement_id, service_date);
CREATE INDEX claims_by_line ON claims(budget_line);

-- The ledger: append-only; every balance is derived from it.
CREATE TABLE ledger_entries (
    id {{ID}},
    budget_line TEXT NOT NULL,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    ref_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ledger_by_line ON ledger_entries(budget_line, id);
