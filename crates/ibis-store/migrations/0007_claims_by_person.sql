-- Monitoring at national scale (docs/benchmarks.md, Dashboards). A dashboard sums the claims of
-- an area's people by day of service, and the ledger of their budget lines by kind and day.
-- Without these indexes a municipality's dashboard read every claim row in the country, whole
-- (each with its decision and receipt texts), and every ledger entry by a table lookup.
--
-- Claims by person and day, carrying every column the sums read, so both engines answer them
-- from the index alone; the claim row is read only for the few held claims.
CREATE INDEX claims_by_person ON claims(person_id, service_date, agreement_id, provider_id, accepted, needs_review, amount_cents, co_payment_cents);
-- A budget line's ledger by kind, with the reference, day and amount: the sums by kind need no
-- row, and whether a held claim was approved at review (its `approved-claim` entry, found by
-- reference) is one index lookup instead of a walk through the line's entries.
CREATE INDEX ledger_sums ON ledger_entries(budget_line, kind, ref_id, on_date, amount_cents);
