-- Bounded memory (issue 18): handoff_summary and stage_stays past their
-- budget (work_mem x hash_mem_multiplier, or align.memory_budget) write
-- their rows to temporary files by partition of the lead hash, split a
-- partition again when it is still too large, and keep gaps and stays in
-- spools that spill too; funnel writes its table of open leads the same
-- way.  The answers are the unspilled ones (the funnel's text byte for
-- byte), against plain SQL, in serial and parallel plans.  temp_file_limit
-- stops them cleanly.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql
\i sql/include/plain_stats.sql

SELECT setseed(0.61);
CREATE TABLE sp_events AS
SELECT lead_id,
       timestamptz '2026-05-01' + date_trunc('second', k * interval '5 hours' * (0.1 + random())) AS at,
       CASE WHEN random() < 0.05 THEN NULL
            ELSE (ARRAY['marketing', 'sales', 'success', 'sales'])[1 + floor(random() * least(4, 1 + k))::int]
       END AS team,
       (ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'lost'])[1 + least(k, 6)]::lead_stage AS stage
FROM generate_series(1, 6000) lead_id, LATERAL generate_series(0, (random() * 9 + lead_id * 0)::int) k
ORDER BY at;
ANALYZE sp_events;
SELECT count(*) AS rows, count(DISTINCT lead_id) AS leads, pg_size_pretty(count(*) * 24) AS row_bytes FROM sp_events;

-- the plain-SQL answers
CREATE TEMP TABLE sp_plain_hs AS
SELECT count(*) AS handoffs,
       justify_hours(percentile_disc(0.5) WITHIN GROUP (ORDER BY gap)) AS median,
       justify_hours(percentile_disc(0.9) WITHIN GROUP (ORDER BY gap)) AS p90,
       avg((gap <= interval '6 hours')::int)::float8 AS met
FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
      FROM sp_events WHERE team IS NOT NULL
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
WHERE prev_team IS NOT NULL AND prev_team <> team;
CREATE TEMP TABLE sp_plain_stays AS
SELECT stage, count(*) AS stays,
       justify_hours(percentile_disc(0.5) WITHIN GROUP (ORDER BY stay)) AS median,
       justify_hours(percentile_disc(0.9) WITHIN GROUP (ORDER BY stay)) AS p90,
       pg_temp.plain_stay_stats(stage, array_agg(stay)) AS every_column
FROM (SELECT stage, lead(at) OVER (PARTITION BY lead_id ORDER BY at, stage) - at AS stay
      FROM sp_events) x
WHERE stay IS NOT NULL GROUP BY stage;
-- every column of handoff_stats (the quantiles also in hours and as
-- percentile_cont, which needs two neighbouring order statistics of the
-- spilled gaps)
CREATE TEMP TABLE sp_plain_hs_every_column AS
SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '6 hours') AS every_column
FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
      FROM sp_events WHERE team IS NOT NULL
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
WHERE prev_team IS NOT NULL AND prev_team <> team;

-- the temporary files this database wrote so far: the backend reports its
-- statistics when a statement ends, forced by pg_stat_force_next_flush()
-- in the statement before
CREATE FUNCTION pg_temp.temp_files() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
CREATE FUNCTION pg_temp.plan_lines(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;
CREATE FUNCTION pg_temp.check(label text)
RETURNS TABLE (budget text, same_handoffs boolean, same_stays boolean,
               handoffs_every_column boolean, stays_every_column boolean)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT label,
           (SELECT (h).handoffs = p.handoffs AND (h).median_gap = p.median AND (h).p90_gap = p.p90
                   AND (h).sla_met = p.met
            FROM (SELECT handoff_summary(lead_id, at, team, interval '6 hours') AS h FROM sp_events) s,
                 sp_plain_hs p),
           (SELECT bool_and(s.stays = p.stays AND s.median_stay = p.median AND s.p90_stay = p.p90)
                   AND count(*) = (SELECT count(*) FROM sp_plain_stays)
            FROM unnest((SELECT stage_stays(lead_id, at, stage) FROM sp_events)) s
            JOIN sp_plain_stays p USING (stage)),
           (SELECT h::text = p.every_column::text
            FROM (SELECT handoff_summary(lead_id, at, team, interval '6 hours') AS h FROM sp_events) s,
                 sp_plain_hs_every_column p),
           (SELECT bool_and(s::text = p.every_column::text)
                   AND count(*) = (SELECT count(*) FROM sp_plain_stays)
            FROM unnest((SELECT stage_stays(lead_id, at, stage) FROM sp_events)) s
            JOIN sp_plain_stays p USING (stage));
END $$;

-- serial plans
SET max_parallel_workers_per_gather = 0;
-- in memory (the default budget: 4 MB x 2)
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT * FROM pg_temp.check('default');
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before AS new_temp_files;
-- work_mem = 64kB: the rows spill several times
SET work_mem = '64kB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT * FROM pg_temp.check('work_mem 64kB');
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS wrote_temp_files;
RESET work_mem;
-- align.memory_budget overrides it: 16kB also splits every partition again
SET align.memory_budget = '16kB';
SELECT * FROM pg_temp.check('16kB');
-- grouped: many states, each within the budget
SELECT count(*) AS groups,
       count(*) FILTER (WHERE (h).handoffs = p.handoffs) AS same_handoffs
FROM (SELECT lead_id % 7 AS g, handoff_summary(lead_id, at, team, interval '6 hours') AS h
      FROM sp_events GROUP BY 1) s
JOIN (SELECT lead_id % 7 AS g, count(*) AS handoffs
      FROM (SELECT lead_id, team, lag(team) OVER w AS prev_team
            FROM sp_events WHERE team IS NOT NULL
            WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
      WHERE prev_team IS NOT NULL AND prev_team <> team GROUP BY 1) p USING (g);
RESET align.memory_budget;

-- funnel: its table of open leads spills by partition too; the funnel's
-- text is byte for byte the unspilled one, with and without a window, and
-- reached() matches plain SQL
SET align.memory_budget = '1GB';
CREATE TEMP TABLE sp_funnel_memory AS
SELECT funnel(lead_id, stage, at)::text AS f, funnel(lead_id, stage, at, '3 days')::text AS fw,
       funnel(lead_id::text, stage, at)::text AS ft
FROM sp_events;
CREATE TEMP TABLE sp_funnel_groups AS
SELECT lead_id % 5 AS g, funnel(lead_id, stage, at)::text AS f FROM sp_events GROUP BY 1;
SET align.memory_budget = '16kB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT s.f = m.f AS same_funnel, s.fw = m.fw AS same_within, s.ft = m.ft AS same_text_keys
FROM (SELECT funnel(lead_id, stage, at)::text AS f, funnel(lead_id, stage, at, '3 days')::text AS fw,
             funnel(lead_id::text, stage, at)::text AS ft
      FROM sp_events) s, sp_funnel_memory m;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS funnel_wrote_temp_files;
SELECT s.stage, s.leads = p.leads AS same_reached, s.leads
FROM funnel_steps((SELECT funnel(lead_id, stage, at) FROM sp_events)) s
JOIN (SELECT st AS stage, count(DISTINCT lead_id) FILTER (WHERE furthest >= st) AS leads
      FROM (SELECT lead_id, max(stage) FILTER (WHERE stage_rank(stage) IS NOT NULL) AS furthest
            FROM sp_events GROUP BY lead_id) l,
           unnest(ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer']::lead_stage[]) st
      GROUP BY st) p USING (stage)
ORDER BY s.rank;
-- grouped, every group's funnel the unspilled one
SELECT count(*) AS groups, count(*) FILTER (WHERE s.f = m.f) AS same
FROM (SELECT lead_id % 5 AS g, funnel(lead_id, stage, at)::text AS f FROM sp_events GROUP BY 1) s
JOIN sp_funnel_groups m USING (g);
-- a table large enough to keep its table of recent leads (from 2^19 index
-- slots on) when it spills: 400,000 leads at a 16 MB budget
CREATE TEMP TABLE sp_many AS
SELECT g AS lead_id, (ARRAY['mql', 'sql', 'customer']::lead_stage[])[1 + g % 3] AS stage,
       timestamptz '2026-06-01' + g * interval '1 minute' AS at
FROM generate_series(1, 400000) g;
SET align.memory_budget = '1GB';
SELECT md5(funnel(lead_id, stage, at)::text) AS in_memory FROM sp_many \gset
SET align.memory_budget = '16MB';
SELECT md5(funnel(lead_id, stage, at)::text) = :'in_memory' AS same_with_recent_leads_table FROM sp_many;
DROP TABLE sp_many;
RESET align.memory_budget;

-- window_funnel: a group's events past half the budget go to PostgreSQL's
-- sort, which spills in turn; every mode's answer is the in-memory one,
-- and the default mode's is plain SQL's (the highest ladder stage within
-- the window after an event at the entry stage, the first event's).  Times
-- are whole hours, so that many events tie (ties go in ladder order); the
-- four large groups (8000 events) climb to different stages.
SELECT setseed(0.37);
CREATE TABLE sp_wf AS
SELECT lead_id,
       timestamptz '2000-01-01' + floor(random() * CASE WHEN lead_id <= 4 THEN 8000 ELSE 1500 END) * interval '1 hour' AS at,
       CASE WHEN random() < 0.05 THEN 'lost'
            ELSE (ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'])
                 [1 + floor(CASE WHEN lead_id <= 4 THEN lead_id + 1 ELSE 6 END * random() ^ 3)::int]
       END::lead_stage AS stage
FROM generate_series(1, 200) lead_id,
     LATERAL generate_series(1, CASE WHEN lead_id <= 4 THEN 8000 ELSE 20 END) k;
-- and lead 201, whose answer hangs on one tie: 3000 'lead' events two days
-- apart, then 'mql' and 'lead' at the same time (stored in that order): in
-- ladder order the last 'lead' starts a chain that steps to 'mql'
INSERT INTO sp_wf
SELECT 201, timestamptz '2001-01-01' + k * interval '2 days', 'lead' FROM generate_series(1, 3000) k
UNION ALL SELECT 201, timestamptz '2001-01-01' + 3001 * interval '2 days', 'mql'
UNION ALL SELECT 201, timestamptz '2001-01-01' + 3001 * interval '2 days', 'lead';
ANALYZE sp_wf;
CREATE TEMP TABLE sp_wf_modes (mode text);
INSERT INTO sp_wf_modes VALUES (''), ('strict'), ('strict_order'), ('strict_increase'),
    ('strict_deduplication'), ('strict_order, strict_increase'), ('strict_observed'),
    ('start=mql, strict_observed');
CREATE TEMP TABLE sp_wf_plain AS
SELECT e1.lead_id, max(e2.stage) AS furthest
FROM sp_wf e1
JOIN (SELECT DISTINCT ON (lead_id) lead_id, stage AS entry
      FROM sp_wf WHERE stage_rank(stage) IS NOT NULL ORDER BY lead_id, at, stage) f
  ON f.lead_id = e1.lead_id AND e1.stage = f.entry
JOIN sp_wf e2 ON e2.lead_id = e1.lead_id AND e2.at BETWEEN e1.at AND e1.at + interval '1 hour'
             AND stage_rank(e2.stage) IS NOT NULL AND e2.stage >= f.entry
GROUP BY e1.lead_id;
SET align.memory_budget = '1GB';
CREATE TEMP TABLE sp_wf_memory AS
SELECT lead_id, mode, window_funnel(interval '1 hour', at, stage, mode) AS furthest
FROM sp_wf, sp_wf_modes GROUP BY lead_id, mode;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT window_funnel(interval '1 hour', at, stage, 'strict_increase') AS one_group_in_memory
FROM sp_wf WHERE lead_id = 1 \gset
SELECT window_funnel(interval '1 hour', at, stage) AS lead2_in_memory
FROM sp_wf WHERE lead_id = 2 \gset
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before AS in_memory_temp_files;
SET align.memory_budget = '16kB';
-- one group, no sort or hash table of PostgreSQL's: the temporary files are the group's sort
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT window_funnel(interval '1 hour', at, stage, 'strict_increase') = :'one_group_in_memory' AS same_one_group
FROM sp_wf WHERE lead_id = 1;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS window_funnel_wrote_temp_files;
-- a budget of 0 (every event goes to the sort, through a buffer of 4)
SET align.memory_budget = 0;
SELECT window_funnel(interval '1 hour', at, stage, 'strict_increase') = :'one_group_in_memory' AS same_budget_0
FROM sp_wf WHERE lead_id = 1;
SET align.memory_budget = '16kB';
-- sorted and hashed grouping, with work_mem large enough that PostgreSQL's
-- own sort and hash table stay in memory: the files are window_funnel's
SET work_mem = '1GB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SET enable_hashagg = off;
CREATE TEMP TABLE sp_wf_sorted AS
SELECT lead_id, mode, window_funnel(interval '1 hour', at, stage, mode) AS furthest
FROM sp_wf, sp_wf_modes GROUP BY lead_id, mode;
RESET enable_hashagg;
SET enable_sort = off;
CREATE TEMP TABLE sp_wf_hashed AS
SELECT lead_id, mode, window_funnel(interval '1 hour', at, stage, mode) AS furthest
FROM sp_wf, sp_wf_modes GROUP BY lead_id, mode;
RESET enable_sort;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before >= 8 AS large_groups_wrote_temp_files;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE s.furthest IS NOT DISTINCT FROM m.furthest) AS same_sorted,
       count(*) FILTER (WHERE h.furthest IS NOT DISTINCT FROM m.furthest) AS same_hashed,
       count(DISTINCT m.furthest) AS distinct_answers,
       count(DISTINCT m.furthest) FILTER (WHERE lead_id <= 4) AS distinct_large_group_answers
FROM sp_wf_memory m JOIN sp_wf_sorted s USING (lead_id, mode) JOIN sp_wf_hashed h USING (lead_id, mode);
SELECT count(*) AS leads, count(*) FILTER (WHERE s.furthest = p.furthest) AS same_as_plain_sql,
       count(*) FILTER (WHERE (s.lead_id <= 4 OR s.lead_id = 201) AND s.furthest = p.furthest) AS same_large_groups,
       min(s.furthest) FILTER (WHERE s.lead_id = 201) AS lead_201
FROM sp_wf_sorted s JOIN sp_wf_plain p USING (lead_id) WHERE s.mode = '';
RESET work_mem;
-- over an enum ladder (its internal state holds the same value): the same
-- events as an enum whose 'lost' is a declared outcome give the lead_stage
-- answers, the large groups through their sort, sorted and hashed
CREATE TYPE sp_wf_stage AS ENUM ('lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'lost');
INSERT INTO ladder_outcome VALUES ('sp_wf_stage', 'lost', 'lost');
SET work_mem = '1GB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SET enable_sort = off;
CREATE TEMP TABLE sp_wf_enum AS
SELECT lead_id, mode, window_funnel(interval '1 hour', at, stage::text::sp_wf_stage, mode) AS furthest
FROM sp_wf, sp_wf_modes GROUP BY lead_id, mode;
RESET enable_sort;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before >= 8 AS enum_large_groups_wrote_temp_files;
SET enable_hashagg = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE e.furthest::text IS NOT DISTINCT FROM m.furthest::text) AS same_as_lead_stage,
       count(*) FILTER (WHERE e.lead_id <= 4 AND e.furthest::text IS NOT DISTINCT FROM m.furthest::text) AS same_large_groups
FROM (SELECT lead_id, mode, window_funnel(interval '1 hour', at, stage::text::sp_wf_stage, mode) AS furthest
      FROM sp_wf, sp_wf_modes GROUP BY lead_id, mode) e
JOIN sp_wf_enum h USING (lead_id, mode) JOIN sp_wf_memory m USING (lead_id, mode)
WHERE e.furthest IS NOT DISTINCT FROM h.furthest;
RESET enable_hashagg;
RESET work_mem;
DELETE FROM ladder_outcome WHERE ladder = 'sp_wf_stage'::regtype;

-- a sparse group past the budget (issue 13): 3000 mql events three hours
-- apart and customer events two hours after each (outside the hour),
-- but one, an hour after its mql.  strict stops at mql and says so (its
-- NOTICE walks the sort again, as strict_observed); strict_observed and
-- start=mql reach customer through that one pair (plain SQL: the pairs an
-- hour or less apart); start=customer starts at customer.
CREATE TEMP TABLE sp_wf_sparse AS
SELECT 'mql'::lead_stage AS stage, timestamptz '2001-01-01' + k * interval '3 hours' AS at
FROM generate_series(1, 3000) k
UNION ALL
SELECT 'customer', timestamptz '2001-01-01' + k * interval '3 hours'
                   + CASE WHEN k = 2500 THEN interval '1 hour' ELSE interval '2 hours' END
FROM generate_series(1, 3000) k;
SELECT count(*) AS pairs_within_the_hour
FROM sp_wf_sparse m JOIN sp_wf_sparse c ON m.stage::text = 'mql' AND c.stage::text = 'customer'
                                        AND c.at >= m.at AND c.at - m.at <= interval '1 hour';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT window_funnel(interval '1 hour', at, stage, 'strict') AS strict,
       window_funnel(interval '1 hour', at, stage, 'strict_observed') AS strict_observed,
       window_funnel(interval '1 hour', at, stage, 'start=mql, strict_observed') AS start_mql,
       window_funnel(interval '1 hour', at, stage, 'start=customer, strict') AS start_customer,
       window_funnel(interval '59 minutes', at, stage, 'strict_observed') AS within_59_minutes
FROM sp_wf_sparse;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS sparse_group_wrote_temp_files;
RESET align.memory_budget;

-- parallel plans: the workers' states spill, the leader's too
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET align.partial_merge_cost = 0;
SET work_mem = '64kB';
SELECT count(*) > 0 AS partial_plan
FROM (SELECT 1 FROM pg_temp.plan_lines(
          $$SELECT handoff_summary(lead_id, at, team, interval '6 hours') FROM sp_events$$) l
      WHERE l ~ 'Partial Aggregate') x;
SELECT * FROM pg_temp.check('parallel, work_mem 64kB');
-- window_funnel: the workers' partial states are handed over whole (within
-- align.max_partial_state); the leader's combined state spills
SET align.memory_budget = '16kB';
SELECT count(*) > 0 AS partial_plan
FROM (SELECT 1 FROM pg_temp.plan_lines(
          $$SELECT window_funnel(interval '1 hour', at, stage) FROM sp_wf WHERE lead_id = 2$$) l
      WHERE l ~ 'Partial Aggregate') x;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT window_funnel(interval '1 hour', at, stage) = :'lead2_in_memory' AS same_combined
FROM sp_wf WHERE lead_id = 2;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS combined_state_wrote_temp_files;
SELECT count(*) AS leads, count(*) FILTER (WHERE s.furthest IS NOT DISTINCT FROM m.furthest) AS same
FROM (SELECT lead_id, window_funnel(interval '1 hour', at, stage, 'strict_order') AS furthest
      FROM sp_wf GROUP BY lead_id) s
JOIN sp_wf_memory m USING (lead_id) WHERE m.mode = 'strict_order';
RESET align.memory_budget;
RESET work_mem;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;

-- temp_file_limit: a clean error (53400), and the session goes on
SET max_parallel_workers_per_gather = 0;
SET align.memory_budget = '16kB';
SET temp_file_limit = '64kB';
SELECT pg_temp.sqlstate_of($$SELECT handoff_summary(lead_id, at, team, interval '6 hours') FROM sp_events$$) AS handoff_summary,
       pg_temp.sqlstate_of($$SELECT stage_stays(lead_id, at, stage) FROM sp_events$$) AS stage_stays,
       pg_temp.sqlstate_of($$SELECT window_funnel(interval '1 hour', at, stage) FROM sp_wf WHERE lead_id = 3$$) AS window_funnel;
RESET temp_file_limit;
-- statement_timeout cancels a spilling aggregate (57014), as in
-- hardening.sql: retried once as a new statement if the timer never fired
-- (the rows come from a set-returning function in the select list, which
-- PostgreSQL does not store: the temporary files are the aggregate's)
\i sql/include/cancelled.sql
SET statement_timeout = '300ms';
\set q 'SELECT stage_stays(i % 100000, timestamptz ''2026-01-01'' + i * interval ''1 minute'', ''mql'') FROM (SELECT generate_series(1, 20000000) i) s'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
\set q 'SELECT funnel(i % 1000000, ''mql''::lead_stage, timestamptz ''2026-01-01'')::text FROM (SELECT generate_series(1, 20000000) i) s'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
RESET statement_timeout;
-- no file is left behind by the errors and cancels above
SELECT count(*) AS temporary_files_left FROM pg_ls_tmpdir();
RESET align.memory_budget;
SELECT * FROM pg_temp.check('after the error');
RESET max_parallel_workers_per_gather;

DROP TABLE sp_events;
DROP TABLE sp_wf;
