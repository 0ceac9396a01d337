-- (b) align's median comes from a sketch with at most 1 % relative error over
-- whole seconds: within 1 % of DuckDB's exact median, or 1 s, whichever is
-- larger; NULL (no lead with both times) on both sides or neither.
SELECT d.median_secs AS duckdb_secs, a.median_secs AS align_secs
FROM duck_mql_sql d FULL JOIN align_mql_sql a ON true
WHERE (d.median_secs IS NULL) <> (a.median_secs IS NULL)
   OR abs(a.median_secs - d.median_secs) > greatest(0.01 * abs(d.median_secs), 1)
   OR (SELECT count(*) FROM duck_mql_sql) <> 1 OR (SELECT count(*) FROM align_mql_sql) <> 1;
