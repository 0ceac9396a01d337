-- funnel over raw events with lead keys of concrete types (issue 12, Citus):
-- funnel(bigint | integer | smallint | numeric | text | uuid, lead_stage,
-- timestamptz [, interval]) are aggregates of their own, which Citus can
-- push to its workers; every other key type takes funnel("any", ...).
-- Which overload a call resolves to, and that all of them give the same
-- funnel, byte for byte, serial and under a parallel plan.
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

CREATE DOMAIN keys_id AS bigint;
CREATE TYPE keys_pair AS (a int, b int);
CREATE TABLE keys_events AS
SELECT (g / 3)::bigint AS b, (g / 3)::int AS i, (g / 3)::smallint AS s, (g / 3)::numeric AS n,
       'L' || g / 3 AS t, ('L' || g / 3)::varchar AS v, md5((g / 3)::text)::uuid AS u,
       (g / 3)::oid AS o, (g / 3)::keys_id AS d, ROW(g / 3, 0)::keys_pair AS r,
       (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'lost',
              'recycled'])[1 + (g * 7) % 9]::lead_stage AS stage,
       CASE WHEN g % 101 = 0 THEN NULL
            ELSE timestamptz '2026-03-01 00:00+00' + ((g * 7919) % 100000) * interval '1 minute' END AS at
FROM generate_series(1, 30000) g;

-- The aggregate a call over keys_events resolves to.
CREATE FUNCTION pg_temp.resolves_to(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE 'CREATE TEMP VIEW keys_call AS SELECT ' || call || ' AS f FROM keys_events';
    SELECT string_agg(d.refobjid::regprocedure::text, ', ') INTO result
    FROM pg_depend d JOIN pg_rewrite w ON w.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
    JOIN pg_proc p ON p.oid = d.refobjid AND d.refclassid = 'pg_proc'::regclass
    WHERE w.ev_class = 'keys_call'::regclass AND p.prokind = 'a';
    DROP VIEW keys_call;
    RETURN result;
END $$;

SELECT call, pg_temp.resolves_to(call) AS aggregate
FROM unnest(ARRAY['funnel(b, stage, at)', 'funnel(i, stage, at)', 'funnel(s, stage, at)',
                  'funnel(n, stage, at)', 'funnel(t, stage, at)', 'funnel(v, stage, at)',
                  'funnel(u, stage, at)', 'funnel(d, stage, at)', 'funnel(o, stage, at)',
                  'funnel(r, stage, at)', 'funnel(b, stage, at, ''1 day'')',
                  'funnel(t, stage, at, ''1 day'')', 'funnel(o, stage, at, ''1 day'')',
                  'funnel(''x'', stage, at)', 'funnel(stage)']) AS call;

-- a "char" key (implicitly text, but not of the string category) is
-- ambiguous between the text and the "any" overloads: cast it
SELECT pg_temp.sqlstate_of($$SELECT funnel('a'::"char", 'mql'::lead_stage, now())$$) AS char_key,
       pg_temp.sqlstate_of($$SELECT funnel('a'::"char"::text, 'mql'::lead_stage, now())$$) AS char_key_cast;

-- every key type gives the same funnel as the "any" aggregate (oid keys)
CREATE TABLE keys_results AS
SELECT funnel(o, stage, at)::text AS any_key, funnel(o, stage, at, '2 days')::text AS any_within,
       funnel(b, stage, at)::text AS b, funnel(i, stage, at)::text AS i, funnel(n, stage, at)::text AS n,
       funnel(t, stage, at)::text AS t, funnel(v, stage, at)::text AS v, funnel(u, stage, at)::text AS u,
       funnel(d, stage, at)::text AS d, funnel(r, stage, at)::text AS r,
       funnel(b, stage, at, '2 days')::text AS b_within, funnel(i, stage, at, '2 days')::text AS i_within,
       funnel(n, stage, at, '2 days')::text AS n_within, funnel(t, stage, at, '2 days')::text AS t_within,
       funnel(u, stage, at, '2 days')::text AS u_within
FROM keys_events;
SELECT b = any_key AS b, i = any_key AS i, n = any_key AS n, t = any_key AS t, v = any_key AS v,
       u = any_key AS u, d = any_key AS d, r = any_key AS r,
       b_within = any_within AS b_within, i_within = any_within AS i_within,
       n_within = any_within AS n_within, t_within = any_within AS t_within,
       u_within = any_within AS u_within, any_key <> any_within AS window_matters
FROM keys_results;
-- smallint keys
SELECT (SELECT funnel(s, stage, at)::text FROM keys_events)
     = (SELECT funnel(s::int, stage, at)::text FROM keys_events) AS smallint_key;
SELECT reached(f, 'mql'), reached(f, 'customer'), conversion(f, 'lead', 'sql')
FROM (SELECT funnel(b, stage, at) AS f FROM keys_events) x;

-- the same under a forced parallel plan (partial states merged by key)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET align.partial_merge_cost = 0;
EXPLAIN (COSTS OFF) SELECT funnel(t, stage, at), funnel(u, stage, at, '2 days') FROM keys_events;
CREATE TABLE keys_parallel AS
SELECT funnel(b, stage, at)::text AS b, funnel(t, stage, at)::text AS t,
       funnel(u, stage, at, '2 days')::text AS u_within, funnel(n, stage, at, '2 days')::text AS n_within
FROM keys_events;
SELECT p.b = r.any_key AS b, p.t = r.any_key AS t,
       p.u_within = r.any_within AS u_within, p.n_within = r.any_within AS n_within
FROM keys_parallel p, keys_results r;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;
