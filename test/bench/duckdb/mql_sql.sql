-- (b) The median MQL -> SQL time, DuckDB: per lead the first time at mql and
-- the first at sql; leads with both, sql not earlier; the exact median as
-- quantile_disc (the time of one lead, as align's test oracle defines it;
-- median() would interpolate between the two middle leads), in seconds.
WITH per_lead AS (
    SELECT min(ts) FILTER (WHERE stage = 'mql'::lead_stage) AS t_mql,
           min(ts) FILTER (WHERE stage = 'sql'::lead_stage) AS t_sql
    FROM events
    WHERE stage IN ('mql'::lead_stage, 'sql'::lead_stage)
    GROUP BY lead_id
)
SELECT quantile_disc(date_diff('second', t_mql, t_sql), 0.5)::DOUBLE AS median_secs
FROM per_lead
WHERE t_sql >= t_mql;
