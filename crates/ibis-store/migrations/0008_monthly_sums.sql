-- Monitoring from monthly sums (docs/benchmarks.md, Dashboards): a dashboard over a year read
-- every claim and every ledger entry of the period. These tables hold the same sums by month,
-- kept in step in the transaction that writes the rows they sum (crates/ibis-store/src/sums.rs),
-- so a dashboard reads the whole months here and the raw rows only for the partial months at
-- the edges of its period.
--
-- Approved claims by month of the day of service: accepted and not held, or held and approved
-- at review (an `approved-claim` entry with the claim's reference), as monitoring counts them.
CREATE TABLE monthly_spending (
    person_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    agreement_id BIGINT NOT NULL,
    provider_id BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    co_payment_cents BIGINT NOT NULL,
    claims BIGINT NOT NULL,
    PRIMARY KEY (person_id, month, agreement_id, provider_id)
);
-- Ledger entries by budget line, month of the day booked, and kind.
CREATE TABLE monthly_ledger (
    budget_line TEXT NOT NULL,
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    PRIMARY KEY (budget_line, month, kind)
);
-- The sums of the rows already there.
INSERT INTO monthly_spending (person_id, month, agreement_id, provider_id, amount_cents, co_payment_cents, claims)
SELECT c.person_id, substr(c.service_date, 1, 7) || '-01', c.agreement_id, c.provider_id,
    CAST(SUM(c.amount_cents) AS BIGINT), CAST(SUM(c.co_payment_cents) AS BIGINT), COUNT(*)
FROM claims c
WHERE c.person_id IS NOT NULL AND c.agreement_id IS NOT NULL AND c.accepted = TRUE
    AND (c.needs_review = FALSE OR EXISTS (SELECT 1 FROM ledger_entries l
        WHERE l.budget_line = c.budget_line AND l.kind = 'approved-claim'
        AND l.ref_id = 'claim:' || CAST(c.provider_id AS TEXT) || ':' || c.idempotency_key))
GROUP BY c.person_id, substr(c.service_date, 1, 7), c.agreement_id, c.provider_id;
INSERT INTO monthly_ledger (budget_line, month, kind, amount_cents, entries)
SELECT l.budget_line, substr(l.on_date, 1, 7) || '-01', l.kind, CAST(SUM(l.amount_cents) AS BIGINT), COUNT(*)
FROM ledger_entries l
GROUP BY l.budget_line, substr(l.on_date, 1, 7), l.kind;
