-- A parallel plan for a small table: partial states in two workers,
-- combined in the leader (align's merge cost not charged), and
-- pg_temp.plan_lines(query), the lines of its EXPLAIN (COSTS OFF).
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET align.partial_merge_cost = 0;
CREATE FUNCTION pg_temp.plan_lines(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;
