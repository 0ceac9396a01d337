-- Parallel = serial: every aggregate and window function gives exactly the
-- serial answer under forced parallel plans (Partial Aggregate in workers,
-- states shipped through Gather and merged by the combine function), with
-- hash aggregation spilling to disk, and inside a parallel worker
-- (debug_parallel_query, force_parallel_mode before PostgreSQL 16).  The
-- corpus covers empty input, one row, all-NULL groups, a FILTER that empties
-- a group and very many groups.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
\i sql/include/debug_parallel.sql

-- Deterministic events: 10000 leads, 1 to 6 events each, skips, outcomes,
-- NULL times, NULL stages, and one group whose rows are all NULL.
CREATE TABLE par_events AS
SELECT row_number() OVER () AS id, *
FROM (
    SELECT l AS lead,
           (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist',
                  'recycled', 'disqualified', 'lost', 'other'])[1 + (l + i * (1 + l % 3)) % 12]::lead_stage AS stage,
           CASE WHEN l % 53 = 0 AND i = 2 THEN NULL
                ELSE timestamptz '2026-01-01 00:00+00' + l * interval '37 minutes'
                     + i * (l % 97) * interval '1 hour' END AS at,
           'rep' || ((l * 31 + i / 2) % 7) AS owner,
           (ARRAY['organic', 'paid', 'events', 'referral'])[1 + l % 4] AS channel,
           l % 5 AS grp
    FROM generate_series(1, 10000) AS l, generate_series(1, 1 + (l * 7) % 6) AS i
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, 'organic', 99 FROM generate_series(1, 50)
    UNION ALL
    SELECT l, NULL, timestamptz '2026-02-01 00:00+00', 'rep1', 'paid', 98 FROM generate_series(1, 30) AS l
) AS e;
UPDATE par_events SET stage = NULL WHERE id % 71 = 0;
CREATE TYPE par_stage AS ENUM ('visit', 'signup', 'trial', 'paid', 'renewal');
ALTER TABLE par_events ADD COLUMN estage par_stage;
UPDATE par_events SET estage = (enum_range(NULL::par_stage))[1 + stage_rank(stage) % 5];
CREATE TABLE par_daily AS
SELECT date_trunc('day', at) AS day, funnel(lead, stage, at) AS f
FROM par_events GROUP BY 1;
-- statistics from every row, so that the plans are the same on every run
SET default_statistics_target = 1000;
ANALYZE par_events, par_daily;
RESET default_statistics_target;

-- Runs a query serially, with forced parallel plans, with a parallel plan
-- whose hash aggregation spills (work_mem 64kB), and inside a worker
-- (debug_parallel_query); says whether each gave the serial rows, whether the
-- parallel plan really split the work, and whether the spill happened.
CREATE FUNCTION pg_temp.compare(q text, OUT serial_rows bigint, OUT parallel_same bool,
                                OUT spill_same bool, OUT in_worker_same bool,
                                OUT parallel_plan text, OUT spilled bool)
LANGUAGE plpgsql AS $$
DECLARE
    wrapped text := format('SELECT count(*), md5(coalesce(string_agg(x::text, %L ORDER BY x::text), %L)) FROM (%s) x',
                           E'\n', '', q);
    serial text;
    result text;
    plan json;
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', '0', true);
    EXECUTE wrapped INTO serial_rows, serial;

    PERFORM set_config('max_parallel_workers_per_gather', '4', true);
    PERFORM set_config('parallel_setup_cost', '0', true);
    PERFORM set_config('parallel_tuple_cost', '0', true);
    PERFORM set_config('align.partial_merge_cost', '0', true);
    PERFORM set_config('min_parallel_table_scan_size', '0', true);
    PERFORM set_config('parallel_leader_participation', 'off', true);
    EXECUTE wrapped INTO STRICT serial_rows, result;
    parallel_same := result = serial;
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || q INTO plan;
    parallel_plan := CASE WHEN plan::text ~ '"Partial Mode": "Partial"' THEN 'partial aggregate'
                          WHEN plan::text ~ '"Node Type": "Gather' THEN 'gather'
                          ELSE 'serial' END;

    PERFORM set_config('work_mem', '64kB', true);
    PERFORM set_config('enable_sort', 'off', true);
    EXECUTE wrapped INTO STRICT serial_rows, result;
    spill_same := result = serial;
    EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO plan;
    spilled := plan::text ~ '"HashAgg Batches": ([2-9]|[1-9][0-9])';
    PERFORM set_config('work_mem', '4MB', true);
    PERFORM set_config('enable_sort', 'on', true);

    -- a serial plan (parallel made too costly) run whole in one worker: the
    -- planner adds a single-copy Gather only while parallel plans are
    -- allowed at all (max_parallel_workers_per_gather > 0)
    PERFORM set_config('max_parallel_workers_per_gather', '1', true);
    PERFORM set_config('parallel_setup_cost', '1e9', true);
    PERFORM set_config(current_setting('regress.debug_parallel'), 'on', true);
    EXECUTE wrapped INTO STRICT serial_rows, result;
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || wrapped INTO plan;
    -- NULL where the planner runs no part of the query in a worker (window
    -- functions are parallel restricted in PostgreSQL: they run in the leader)
    in_worker_same := CASE WHEN plan::text ~ '"Single Copy": true' THEN result = serial END;
    PERFORM set_config(current_setting('regress.debug_parallel'), 'off', true);
END $$;

CREATE TEMP TABLE par_results AS
SELECT name, c.*
FROM (VALUES
    ('empty input', $$SELECT funnel(lead, stage, at)::text FROM par_events WHERE at < '2000-01-01'$$),
    ('empty input, grouped', $$SELECT grp, funnel(lead, stage, at)::text FROM par_events WHERE at < '2000-01-01' GROUP BY grp$$),
    ('one row', $$SELECT funnel(lead, stage, at)::text, funnel(stage)::text FROM par_events WHERE id = 2$$),
    ('all-NULL groups', $$SELECT grp, funnel(lead, stage, at)::text, funnel(stage)::text FROM par_events GROUP BY grp$$),
    ('FILTER empties a group', $$SELECT channel, funnel(lead, stage, at) FILTER (WHERE channel = 'events' AND lead % 2 = 0)::text FROM par_events GROUP BY channel$$),
    ('funnel(lead, stage, at)', $$SELECT funnel(lead, stage, at)::text FROM par_events$$),
    ('funnel(..., within)', $$SELECT channel, funnel(lead, stage, at, '2 days')::text FROM par_events GROUP BY channel$$),
    ('funnel(stage)', $$SELECT channel, funnel(stage)::text FROM par_events GROUP BY channel$$),
    ('funnel over an enum', $$SELECT grp, funnel(lead, estage, at)::text FROM par_events GROUP BY grp$$),
    ('text lead keys', $$SELECT funnel('L' || lead, stage, at)::text FROM par_events$$),
    ('very many groups', $$SELECT lead % 5000, funnel(lead, stage, at)::text FROM par_events GROUP BY 1$$),
    ('accessors', $$SELECT channel, reached(f, 'mql'), conversion(f, 'lead', 'customer'), time_to_convert(f, 'lead', 'sql', 0.5)
                   FROM (SELECT channel, funnel(lead, stage, at) AS f FROM par_events GROUP BY channel) s$$),
    ('rollup', $$SELECT rollup(f)::text FROM par_daily$$),
    ('rollup by month', $$SELECT date_trunc('month', day), rollup(f)::text FROM par_daily GROUP BY 1$$),
    ('window_funnel', $$SELECT lead, window_funnel('7 days', at, stage) FROM par_events GROUP BY lead$$),
    ('window_funnel, modes', $$SELECT lead, window_funnel('30 days', at, stage, 'strict_order, strict_increase') FROM par_events GROUP BY lead$$),
    ('window_funnel over an enum', $$SELECT lead % 100, window_funnel('3 days', at, estage) FROM par_events GROUP BY 1$$),
    ('window_funnel, partial', $$SELECT grp, window_funnel('3 days', at, stage), window_funnel('1 hour', at, estage, 'strict')
                                 FROM par_events WHERE lead IS NULL OR lead < 3000 GROUP BY grp$$),
    ('window_funnel, strict_observed, start=', $$SELECT grp, window_funnel('3 days', at, stage, 'strict_observed, start=mql'),
                                                         window_funnel('1 hour', at, estage, 'START=signup, strict_observed')
                                                  FROM par_events WHERE lead IS NULL OR lead < 3000 GROUP BY grp$$),
    ('window_funnel, one group', $$SELECT window_funnel('12 hours', at, stage, 'strict_deduplication') FROM par_events WHERE lead < 500$$),
    ('window_funnel, empty', $$SELECT window_funnel('1 day', at, stage) FROM par_events WHERE lead < 0$$),
    ('min/max stage', $$SELECT grp, min(stage), max(stage) FROM par_events GROUP BY grp$$),
    ('window functions', $$SELECT lead, id, handoff_gap(at, owner) OVER w, time_in_stage(at) OVER w,
                                  sla_breached(at, owner, '1 day') OVER w, handoff_count(owner) OVER w
                           FROM par_events WHERE lead IS NOT NULL
                           WINDOW w AS (PARTITION BY lead ORDER BY at, id)$$)
) AS q(name, sql), LATERAL pg_temp.compare(sql) AS c;

SELECT name, serial_rows, parallel_same, spill_same, in_worker_same, parallel_plan FROM par_results;
-- hash aggregation did spill under work_mem = 64kB (which queries spill
-- depends on memory accounting, so only "some" is checked)
SELECT bool_or(spilled) AS some_spilled, count(*) FILTER (WHERE spilled) > 5 AS several_spilled FROM par_results;
