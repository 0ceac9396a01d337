-- The 1 GB cliff of partial states, crossed with a lowered limit
-- (align.max_partial_state): the planner keeps an aggregate serial when it
-- expects a worker's state to be larger, whatever the other settings, and
-- the answer is the serial one; a state that grows larger anyway (the
-- planner misled) is a clean 54000 error when it is handed over, not a
-- failed allocation.  The default limit, 512 MB, sits under PostgreSQL's
-- 1 GB for a value (and under it for the base64 text Citus ships).
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- (the library defines the setting when it loads)
SELECT 'mql'::lead_stage;
SHOW align.max_partial_state;
SELECT pg_temp.sqlstate_of($$SET align.max_partial_state = '2GB'$$) AS over_1gb,
       pg_temp.sqlstate_of($$SET align.max_partial_state = '8kB'$$) AS under_64kb;

SELECT setseed(0.23);
CREATE TABLE cap_events AS
SELECT lead_id,
       timestamptz '2026-04-01' + k * interval '13 hours' + (lead_id % 97) * interval '1 minute' AS at,
       (ARRAY['mql', 'sal', 'sql', 'opportunity', 'customer'])[1 + k]::lead_stage AS stage,
       'owner-' || ((lead_id + k) % 3) AS owner
FROM generate_series(1, 20000) lead_id, generate_series(0, 4) k;
ANALYZE cap_events;

-- every cost that keeps a small table serial set to nothing, and no charge
-- for merging states: the planner picks parallel partial aggregates...
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET align.partial_merge_cost = 0;
CREATE FUNCTION pg_temp.partial(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        IF line ~ 'Partial Aggregate' THEN
            RETURN true;
        END IF;
    END LOOP;
    RETURN false;
END $$;
SELECT pg_temp.partial($$SELECT funnel(lead_id, stage, at) FROM cap_events$$) AS funnel,
       pg_temp.partial($$SELECT handoff_summary(lead_id, at, owner, '1 day') FROM cap_events$$) AS handoff_summary,
       pg_temp.partial($$SELECT stage_stays(lead_id, at, stage) FROM cap_events$$) AS stage_stays;

-- ...unless a worker's state could be larger than the limit: 100,000 rows
-- are 5.6 MB of funnel (56 bytes a row at most), 2.4 MB of handoff_summary
SET align.max_partial_state = '1MB';
SELECT pg_temp.partial($$SELECT funnel(lead_id, stage, at) FROM cap_events$$) AS funnel,
       pg_temp.partial($$SELECT handoff_summary(lead_id, at, owner, '1 day') FROM cap_events$$) AS handoff_summary,
       pg_temp.partial($$SELECT stage_stays(lead_id, at, stage) FROM cap_events$$) AS stage_stays;
-- and the answers are the serial ones, against plain SQL
SELECT reached(f, 'mql') = (SELECT count(DISTINCT lead_id) FROM cap_events) AS mql,
       reached(f, 'customer') = (SELECT count(DISTINCT lead_id) FROM cap_events WHERE stage = 'customer') AS customer,
       reached(f, 'customer')
FROM (SELECT funnel(lead_id, stage, at) AS f FROM cap_events) x;
SELECT (h).handoffs = p.n AS same_count, (h).handoffs
FROM (SELECT handoff_summary(lead_id, at, owner, '1 day') AS h FROM cap_events) s,
     (SELECT count(*) AS n
      FROM (SELECT owner, lag(owner) OVER (PARTITION BY lead_id ORDER BY at, owner) AS prev
            FROM cap_events) x
      WHERE prev IS NOT NULL AND prev <> owner) p;

-- a state handed over anyway (the planner misled: here an aggregate with no
-- final function, whose state is the result) is a clean error past the limit.
-- pg_column_size asks for the size of the flat form, as a worker handing its
-- state over does; a funnel's cast to text reads the expanded state as it
-- is, and since PostgreSQL 18 the result of such an aggregate reaches it
-- unflattened
CREATE AGGREGATE cap_funnel_state(bigint, lead_stage, timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel);
CREATE AGGREGATE cap_handoff_state(integer, timestamptz, text, interval) (
    SFUNC = handoff_state_trans, STYPE = handoff_state);
SET align.max_partial_state = '64kB';
SELECT pg_temp.sqlstate_of($$SELECT pg_column_size(cap_funnel_state(lead_id, stage, at)) FROM cap_events$$) AS funnel_over,
       pg_temp.sqlstate_of($$SELECT cap_handoff_state(lead_id, at, owner, '1 day')::text FROM cap_events$$) AS handoff_over,
       pg_temp.sqlstate_of($$SELECT pg_column_size(cap_funnel_state(lead_id, stage, at)) FROM cap_events WHERE lead_id <= 100$$) AS funnel_small,
       pg_temp.sqlstate_of($$SELECT cap_handoff_state(lead_id, at, owner, '1 day')::text FROM cap_events WHERE lead_id <= 100$$) AS handoff_small;
DO $$
BEGIN
    PERFORM pg_column_size(cap_funnel_state(lead_id, stage, at)) FROM cap_events;
EXCEPTION WHEN program_limit_exceeded THEN
    RAISE NOTICE '%', regexp_replace(SQLERRM, '[0-9]+ bytes is', 'N bytes is');
END $$;
RESET align.max_partial_state;
SELECT pg_temp.sqlstate_of($$SELECT pg_column_size(cap_funnel_state(lead_id, stage, at)) FROM cap_events$$) AS funnel_default_limit;

RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;
DROP AGGREGATE cap_funnel_state(bigint, lead_stage, timestamptz), cap_handoff_state(integer, timestamptz, text, interval);
DROP TABLE cap_events;
