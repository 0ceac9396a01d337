-- (c) per rank: stage, team, leads and exits exact; rates equal up to float
-- rounding (1e-12 relative); median and p90 times within 1 % of DuckDB's
-- exact quantile_disc or 1 s, whichever is larger (align's sketch), NULL on
-- both sides or neither.
SELECT 'duckdb:' AS duckdb, d.*, 'align:' AS align, a.*
FROM duck_steps d FULL JOIN align_steps a ON d.rank = a.rank
WHERE d.rank IS NULL OR a.rank IS NULL
   OR d.stage IS DISTINCT FROM a.stage OR d.team IS DISTINCT FROM a.team
   OR d.leads IS DISTINCT FROM a.leads
   OR d.recycled <> a.recycled OR d.disqualified <> a.disqualified OR d.lost <> a.lost
   OR (d.rate_from_previous IS NULL) <> (a.rate_from_previous IS NULL)
   OR abs(d.rate_from_previous - a.rate_from_previous) > 1e-12 * abs(d.rate_from_previous)
   OR (d.rate_from_top IS NULL) <> (a.rate_from_top IS NULL)
   OR abs(d.rate_from_top - a.rate_from_top) > 1e-12 * abs(d.rate_from_top)
   OR (d.median_secs IS NULL) <> (a.median_secs IS NULL)
   OR abs(a.median_secs - d.median_secs) > greatest(0.01 * abs(d.median_secs), 1)
   OR (d.p90_secs IS NULL) <> (a.p90_secs IS NULL)
   OR abs(a.p90_secs - d.p90_secs) > greatest(0.01 * abs(d.p90_secs), 1);
