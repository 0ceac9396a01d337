-- (1) Leads reaching each ladder stage, plain SQL.
-- A lead reached S if it has an event at S or at a later ladder stage: take
-- each lead's furthest ladder stage, count leads per furthest stage, and sum
-- those counts from the top of the ladder down.
WITH per_lead AS (
    SELECT max(stage) AS furthest
    FROM bench_events
    WHERE stage <= 'evangelist'            -- the ladder; outcomes sort after it
    GROUP BY lead_id
), hist AS (
    SELECT furthest, count(*) AS n FROM per_lead GROUP BY furthest
)
SELECT l.stage, coalesce(sum(h.n), 0)::bigint AS leads
FROM lead_stages() l LEFT JOIN hist h ON h.furthest >= l.stage
WHERE l.rank IS NOT NULL
GROUP BY l.stage
ORDER BY l.stage;
