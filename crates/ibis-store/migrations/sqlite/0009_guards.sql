-- SQLite: nothing to guard (sums kept by the store); the sums of the rows already there, read
-- from the JSON texts with SQLite's JSON functions.
INSERT INTO monthly_anomalies (person_id, month, code, anomalies)
SELECT c.person_id, substr(c.service_date, 1, 7) || '-01', json_extract(a.value, '$.code'), COUNT(*)
FROM claims c, json_each(c.decision, '$.anomalies') a
WHERE c.person_id IS NOT NULL AND c.accepted = 1 AND c.needs_review = 1
    AND json_extract(a.value, '$.code') IS NOT NULL
GROUP BY c.person_id, substr(c.service_date, 1, 7), json_extract(a.value, '$.code');
INSERT INTO plan_gaps (plan_id, version, line_no, service, status, barrier, period_from, period_to)
SELECT v.plan_id, v.version, CAST(l.key AS INTEGER), json_extract(l.value, '$.service'),
    json_extract(l.value, '$.status'), json_extract(l.value, '$.barrier'),
    json_extract(v.data, '$.period.from'), COALESCE(json_extract(v.data, '$.period.to'), '')
FROM plan_versions v, json_each(v.data, '$.lines') l
WHERE json_extract(l.value, '$.status') <> 'received';
