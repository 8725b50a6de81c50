-- Monitoring at national scale, the two reads migration 8 left (docs/benchmarks.md,
-- Dashboards): the anomalies of held claims were counted by reading every held claim's decision
-- text, and the service gaps by reading the text of every plan in force. These tables hold the
-- same facts, kept by the store in the transaction that writes the rows they come from
-- (crates/ibis-store/src/sums.rs); each engine's guards file fills them from the rows already
-- there.
--
-- The anomalies of claims held for review (accepted, needs review), counted by person, month of
-- the day of service and anomaly code (one count per anomaly, as a claim's decision lists them).
CREATE TABLE monthly_anomalies (
    person_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    code TEXT NOT NULL,
    anomalies BIGINT NOT NULL,
    PRIMARY KEY (person_id, month, code)
);
-- The lines of each plan version not received (needed but not available, or available but not
-- received), with the plan's period: `line_no` is the line's place in the plan (from 0),
-- `period_to` is '' when open, `barrier` NULL when none was recorded.
CREATE TABLE plan_gaps (
    plan_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    line_no BIGINT NOT NULL,
    service TEXT NOT NULL,
    status TEXT NOT NULL,
    barrier TEXT,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    PRIMARY KEY (plan_id, version, line_no)
);
-- The approved claims' sums carry the agreement's service (an agreement's service never
-- changes), so a dashboard sums them by person, service and provider without joining every
-- agreement and grouping twice; the index holds them in that order with the sums, so both
-- engines group them as they read the index, without a sort. The table is made anew rather
-- than updated in place: an update of every row left PostgreSQL's table twice its size.
CREATE TABLE monthly_spending_9 (
    person_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    agreement_id BIGINT NOT NULL,
    provider_id BIGINT NOT NULL,
    service TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    co_payment_cents BIGINT NOT NULL,
    claims BIGINT NOT NULL,
    PRIMARY KEY (person_id, month, agreement_id, provider_id)
);
INSERT INTO monthly_spending_9 (person_id, month, agreement_id, provider_id, service, amount_cents, co_payment_cents, claims)
SELECT m.person_id, m.month, m.agreement_id, m.provider_id, a.service, m.amount_cents, m.co_payment_cents, m.claims
FROM monthly_spending m JOIN agreements a ON a.id = m.agreement_id;
DROP TABLE monthly_spending;
ALTER TABLE monthly_spending_9 RENAME TO monthly_spending;
CREATE INDEX monthly_spending_by_service ON monthly_spending(person_id, service, provider_id, month, amount_cents, co_payment_cents, claims);
-- The budgets of a period with what a dashboard reads of them, so the people served are found
-- without reading the decisions' rows (each with its explanation and notice texts).
CREATE INDEX decisions_in_period ON budget_decisions(person_id, period_from, period_to, id, budget_group, level);
