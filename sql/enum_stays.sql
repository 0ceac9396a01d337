-- stage_stays over an enum ladder (issue 13, item 8): per stage of the enum
-- (its label and rank), completed stays with the median and p90, against
-- plain SQL (lead() over each lead's rows in (at, stage) order: ties in
-- ladder order, percentile_disc), in memory, past a small memory budget, in
-- a parallel plan, and through handoff_state as Citus ships it.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- A Salesforce-like ladder built with ADD VALUE BEFORE/AFTER, so that its
-- sort order is not the order of its OIDs
CREATE TYPE es_stage AS ENUM ('Prospect', 'Proposal', 'Closed Won');
ALTER TYPE es_stage ADD VALUE 'Qualified' BEFORE 'Proposal';
ALTER TYPE es_stage ADD VALUE 'Negotiation' AFTER 'Proposal';
ALTER TYPE es_stage ADD VALUE 'Closed Lost' AFTER 'Closed Won';
SELECT enum_range(NULL::es_stage) AS ladder;

-- 3000 leads, 1 to 8 rows each in random order, stages in any order, times
-- whole hours (many ties), a few NULL leads, stages and times
SELECT setseed(0.71);
CREATE TABLE es_events AS
SELECT CASE WHEN random() < 0.005 THEN NULL ELSE lead_id END AS lead_id,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE (enum_range(NULL::es_stage))[1 + floor(random() * 6)::int] END AS stage,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE timestamptz '2026-01-01' + date_trunc('hour', k * interval '2 days' * random()) END AS at
FROM generate_series(1, 3000) lead_id, generate_series(0, (random() * 7)::int) k
ORDER BY random();
ANALYZE es_events;

-- the plain-SQL answer over a table of events, in rank order: every
-- column (percentile_disc and percentile_cont, intervals and hours) from
-- sql/include/plain_stats.sql
\i sql/include/plain_stats.sql
CREATE FUNCTION pg_temp.plain_stays(events regclass) RETURNS SETOF enum_stage_stay_stats
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        SELECT s.stage::text, s.rank, cardinality(s.ds)::bigint, q.*
        FROM (SELECT stage, array_position(enum_range(NULL::es_stage), stage) AS rank, array_agg(d) AS ds
              FROM (SELECT stage, lead(at) OVER w - at AS d
                    FROM %s WHERE lead_id IS NOT NULL AND at IS NOT NULL AND stage IS NOT NULL
                    WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) x
              WHERE d IS NOT NULL GROUP BY 1, 2) s,
             pg_temp.plain_quantiles(s.ds) q
        ORDER BY s.rank$q$, events);
END $$;
CREATE TEMP TABLE es_plain AS SELECT * FROM pg_temp.plain_stays('es_events');
-- true when stays (stage_stays' array) has exactly es_plain's rows
CREATE FUNCTION pg_temp.same_as_plain(stays enum_stage_stay_stats[]) RETURNS boolean
LANGUAGE sql AS $$
    SELECT count(*) = count(*) FILTER (WHERE a = p)
    FROM unnest(stays) a FULL JOIN es_plain p USING (stage) $$;
CREATE FUNCTION pg_temp.temp_files() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;

-- serial, in memory: align's rows beside plain SQL's
SET max_parallel_workers_per_gather = 0;
SELECT a.stage, a.rank, a.stays, a.median_stay, a.p90_stay, a.median_stay_cont,
       a = p AS same_as_plain
FROM unnest((SELECT stage_stays(lead_id, at, stage) FROM es_events)) a FULL JOIN es_plain p USING (stage)
ORDER BY p.rank;
-- the label casts back to the enum
SELECT bool_and(s.stage::es_stage = (enum_range(NULL::es_stage))[s.rank]) AS label_is_the_rank
FROM unnest((SELECT stage_stays(lead_id, at, stage) FROM es_events)) s;
-- other lead key types, and an empty input
SELECT pg_temp.same_as_plain(stage_stays(lead_id::text, at, stage)) AS text_keys,
       pg_temp.same_as_plain(stage_stays(lead_id::numeric, at, stage)) AS numeric_keys
FROM es_events;
SELECT stage_stays(lead_id, at, stage) = '{}' AS empty_input FROM es_events WHERE false;
-- grouped: every group against plain SQL over its leads
SELECT count(*) AS group_stages, count(*) FILTER (WHERE a.stays = p.stays AND a.median_stay = p.median
                                                     AND a.p90_stay = p.p90 AND a.rank = p.rank) AS same
FROM (SELECT lead_id % 4 AS g, (unnest(stage_stays(lead_id, at, stage))).*
      FROM es_events GROUP BY 1) a
FULL JOIN (SELECT g, stage::text AS stage, array_position(enum_range(NULL::es_stage), stage) AS rank,
                  count(*) AS stays,
                  justify_hours(percentile_disc(0.5) WITHIN GROUP (ORDER BY d)) AS median,
                  justify_hours(percentile_disc(0.9) WITHIN GROUP (ORDER BY d)) AS p90
           FROM (SELECT lead_id % 4 AS g, stage, lead(at) OVER w - at AS d
                 FROM es_events WHERE lead_id IS NOT NULL AND at IS NOT NULL AND stage IS NOT NULL
                 WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) x
           WHERE d IS NOT NULL GROUP BY 1, 2, 3) p USING (g, stage);

-- past the memory budget: the rows go to temporary files, the answer is
-- the same
SET align.memory_budget = '16kB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT pg_temp.same_as_plain(stage_stays(lead_id, at, stage)) AS same_at_16kB FROM es_events;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS wrote_temp_files;
RESET align.memory_budget;

-- a parallel plan: partial states in the workers, combined in the leader,
-- with and without spilling (work_mem 64kB)
\i sql/include/parallel_plan.sql
SELECT count(*) > 0 AS partial_plan
FROM pg_temp.plan_lines($$SELECT stage_stays(lead_id, at, stage) FROM es_events$$) l
WHERE l ~ 'Partial Aggregate';
SELECT pg_temp.same_as_plain(stage_stays(lead_id, at, stage)) AS parallel_same FROM es_events;
SET work_mem = '64kB';
SELECT pg_temp.same_as_plain(stage_stays(lead_id, at, stage)) AS parallel_spilling_same FROM es_events;
RESET work_mem;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;

-- over 65,536 rows in one group (rows kept per bucket of the lead hash):
-- 25 copies of every lead
CREATE TEMP TABLE es_big AS
SELECT lead_id + 10000 * g AS lead_id, stage, at FROM es_events, generate_series(0, 24) g;
SELECT count(*) > 65536 AS many_rows,
       (SELECT stage_stays(lead_id, at, stage) FROM es_big)
       = (SELECT array_agg(p ORDER BY rank) FROM pg_temp.plain_stays('es_big') p)
           AS same_as_plain
FROM es_big;

-- Citus: align_concrete_aggregates declares stage_stays over a concrete
-- lead type and the enum, with a handoff_state; it is the aggregate a
-- bigint lead resolves to, and gives the same answer
SELECT * FROM align_concrete_aggregates('bigint', 'es_stage') ORDER BY 1::text;
SELECT a.aggtranstype::regtype AS state, a.aggfinalfn::regproc AS final
FROM pg_aggregate a WHERE a.aggfnoid = 'stage_stays(bigint, timestamptz, es_stage)'::regprocedure;
SELECT pg_temp.same_as_plain(stage_stays(lead_id::bigint, at, stage)) AS concrete_same FROM es_events;
-- partial states as Citus makes them: each "shard" a random part of the
-- rows (a lead's rows on several), its state through text, merged by the
-- combine function and read by the final function
CREATE AGGREGATE es_partial(bigint, timestamptz, es_stage) (
    SFUNC = stays_state_trans, STYPE = handoff_state);
CREATE AGGREGATE es_merge(handoff_state) (
    SFUNC = handoff_state_combine, STYPE = handoff_state, FINALFUNC = enum_stays_state_final);
CREATE TEMP TABLE es_states AS
SELECT shard, es_partial(lead_id, at, stage)::text AS state_text
FROM (SELECT floor(random() * 4)::int AS shard, * FROM es_events) e GROUP BY 1;
SELECT count(*) AS shards, bool_and(state_text::handoff_state::text = state_text) AS round_trip
FROM es_states;
SELECT pg_temp.same_as_plain(es_merge(state_text::handoff_state)) AS shards_same FROM es_states;

-- errors: a state given to the final function of the other ladder kind
-- (XX001); a state whose enum is not an enum here (XX001) or does not
-- exist (42704); a ladder of 65 values (54000; over no rows the empty
-- array, the ladder is never read); a state made before a value of the
-- enum was renamed or added (42804: its stage codes are positions in the
-- enum's order, read only by the same labels in the same order)
CREATE AGGREGATE es_ls_partial(bigint, timestamptz, lead_stage) (
    SFUNC = stays_state_trans, STYPE = handoff_state);
CREATE FUNCTION pg_temp.renamed(state text, from_name text, to_name text) RETURNS text LANGUAGE sql AS $$
    SELECT encode(overlay(decode(state, 'base64') PLACING convert_to(to_name, 'UTF8')
                          FROM position(convert_to(from_name, 'UTF8') IN decode(state, 'base64'))), 'base64') $$;
DO $$ BEGIN
    EXECUTE (SELECT format('CREATE TYPE es_big65 AS ENUM (%s)', string_agg(quote_literal('v' || g), ', ' ORDER BY g))
             FROM generate_series(1, 65) g);
END $$;
SELECT stmt, pg_temp.sqlstate_of(stmt)
FROM unnest(ARRAY[
    $$SELECT stays_state_final(es_partial(lead_id, at, stage)) FROM es_events$$,
    $$SELECT enum_stays_state_final(es_ls_partial(lead_id, at, 'mql')) FROM es_events$$,
    $$SELECT enum_stays_state_final(pg_temp.renamed(state_text, 'public.es_stage', 'pg_catalog.int8')::handoff_state) FROM es_states WHERE shard = 0$$,
    $$SELECT enum_stays_state_final(pg_temp.renamed(state_text, 'public.es_stage', 'public.es_stagx')::handoff_state) FROM es_states WHERE shard = 0$$,
    $$SELECT stage_stays(1, now(), 'v1'::es_big65)$$,
    $$SELECT stage_stays(1, now(), s) FROM (SELECT 'v1'::es_big65 AS s WHERE false) e$$
]) AS stmt;
SELECT enum_stays_state_final(es_ls_partial(lead_id, at, 'mql')) FROM es_events;
SELECT stage_stays(1, now(), 'v1'::es_big65);
ALTER TYPE es_stage RENAME VALUE 'Proposal' TO 'Quote';
SELECT es_merge(state_text::handoff_state) FROM es_states;
ALTER TYPE es_stage RENAME VALUE 'Quote' TO 'Proposal';
SELECT pg_temp.same_as_plain(es_merge(state_text::handoff_state)) AS renamed_back FROM es_states;
ALTER TYPE es_stage ADD VALUE 'Churned' BEFORE 'Closed Won';
SELECT pg_temp.sqlstate_of($$SELECT es_merge(state_text::handoff_state) FROM es_states$$) AS after_add_value;
SELECT es_merge(state_text::handoff_state) FROM es_states;

SET client_min_messages = warning;
DROP TABLE es_events;
DROP TYPE es_big65;
DROP TYPE es_stage CASCADE;
RESET client_min_messages;
