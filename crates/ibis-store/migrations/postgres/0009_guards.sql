-- PostgreSQL: nothing to guard (sums kept by the store); the sums of the rows already there,
-- read from the JSON texts with PostgreSQL's JSON functions.
INSERT INTO monthly_anomalies (person_id, month, code, anomalies)
SELECT c.person_id, substr(c.service_date, 1, 7) || '-01', a.value ->> 'code', COUNT(*)
FROM claims c CROSS JOIN LATERAL jsonb_array_elements(CAST(c.decision AS JSONB) -> 'anomalies') AS a(value)
WHERE c.person_id IS NOT NULL AND c.accepted = TRUE AND c.needs_review = TRUE
    AND a.value ->> 'code' IS NOT NULL
GROUP BY c.person_id, substr(c.service_date, 1, 7), a.value ->> 'code';
INSERT INTO plan_gaps (plan_id, version, line_no, service, status, barrier, period_from, period_to)
SELECT v.plan_id, v.version, l.n - 1, l.value ->> 'service', l.value ->> 'status', l.value ->> 'barrier',
    CAST(v.data AS JSONB) #>> '{period,from}', COALESCE(CAST(v.data AS JSONB) #>> '{period,to}', '')
FROM plan_versions v
    CROSS JOIN LATERAL jsonb_array_elements(CAST(v.data AS JSONB) -> 'lines') WITH ORDINALITY AS l(value, n)
WHERE l.value ->> 'status' <> 'received';
-- The planner's statistics for the tables made or filled here (autovacuum would gather them
-- later; until then it plans a national dashboard on guesses).
ANALYZE monthly_spending;
ANALYZE monthly_anomalies;
ANALYZE plan_gaps;
