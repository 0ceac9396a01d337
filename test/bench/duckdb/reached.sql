-- (a) Leads reaching each ladder stage, DuckDB: the plain SQL of metric 1
-- (each lead's furthest ladder stage, counted, summed from the top down).
-- The literal is cast to the ENUM: compared with a plain string literal,
-- DuckDB would compare the stage as text.
WITH per_lead AS (
    SELECT max(stage) AS furthest
    FROM events
    WHERE stage <= 'evangelist'::lead_stage  -- the ladder; outcomes sort after it
    GROUP BY lead_id
), hist AS (
    SELECT furthest, count(*) AS n FROM per_lead GROUP BY furthest
)
SELECT l.stage::VARCHAR AS stage, coalesce(sum(h.n), 0)::BIGINT AS leads
FROM ladder l LEFT JOIN hist h ON h.furthest >= l.stage
GROUP BY l.stage
ORDER BY l.stage;
