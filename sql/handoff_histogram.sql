-- handoff_histogram (issue 17): handoff_summary's gaps in fixed bins with
-- the SLA as an edge, against a plain-SQL oracle over the same rows (gaps
-- from lag() over each lead's owned rows in time order, ties in owner
-- order; bins by counting the edges below each gap), and against
-- handoff_summary's handoffs and sla_met.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET client_min_messages = warning;

\i sql/include/sqlstate_of.sql

-- the oracle: bin i holds the gaps above edge i - 1 (from 0 for the first)
-- and at most edge i; the edges are the fixed list and the SLA, each once,
-- ascending; the last bin is open (upper edge NULL)
CREATE FUNCTION pg_temp.plain_histogram(gaps interval[], sla interval) RETURNS handoff_histogram
LANGUAGE sql IMMUTABLE AS $$
WITH e AS (SELECT DISTINCT edge
           FROM unnest(ARRAY['1 minute', '5 minutes', '15 minutes', '30 minutes', '1 hour', '2 hours',
                             '4 hours', '8 hours', '1 day', '2 days', '3 days', '7 days', '14 days',
                             '30 days']::interval[] || sla) edge),
     b AS (SELECT row_number() OVER (ORDER BY edge) AS i, edge FROM e
           UNION ALL SELECT count(*) + 1, NULL FROM e),
     g AS (SELECT (SELECT count(*) FROM e WHERE e.edge < gap) + 1 AS i FROM unnest(gaps) gap)
SELECT ROW(sla, coalesce(cardinality(gaps), 0),
           (SELECT count(*) FROM unnest(gaps) gap WHERE gap <= sla),
           (SELECT array_agg(edge ORDER BY i) FROM b),
           (SELECT array_agg((SELECT count(*) FROM g WHERE g.i = b.i) ORDER BY i) FROM b))::handoff_histogram
$$;

-- generated streams: 700 leads of 1 to 8 rows, each row a step after the
-- previous one, half the steps exactly a bin edge or the SLA (12 hours) or
-- 0 (a tie) or more than 30 days, half random minutes; owners from four
-- teams (text, and the same as bigint ids in another order), some NULL;
-- a few NULL times and a NULL lead; rows shuffled
SELECT setseed(0.1717);
CREATE TABLE hh_events AS
SELECT lead_id, timestamptz '2026-01-05' + sum(step) OVER (PARTITION BY lead_id ORDER BY k) AS at, team,
       CASE team WHEN 'marketing' THEN 4 WHEN 'sdr' THEN 3 WHEN 'sales' THEN 2 WHEN 'success' THEN 1 END::bigint AS team_id
FROM (SELECT lead_id, k,
             CASE WHEN random() < 0.5
                  THEN (ARRAY['0', '1 minute', '5 minutes', '15 minutes', '30 minutes', '1 hour', '2 hours', '4 hours',
                              '8 hours', '12 hours', '1 day', '2 days', '3 days', '7 days', '14 days', '30 days',
                              '30 days 1 second', '45 days'])[1 + floor(random() * 18)::int]::interval
                  ELSE floor(random() * random() * 60 * 24 * 40) * interval '1 minute'
             END AS step,
             CASE WHEN random() < 0.07 THEN NULL
                  ELSE (ARRAY['marketing', 'sdr', 'sales', 'success'])[1 + floor(random() * 4)::int]
             END AS team
      FROM generate_series(1, 700) lead_id, generate_series(0, 7) k
      WHERE k <= lead_id % 8) s
ORDER BY random();
UPDATE hh_events SET at = NULL WHERE random() < 0.01;
INSERT INTO hh_events VALUES (NULL, '2026-01-05', 'sales', 2);
ANALYZE hh_events;

-- plain gaps, over the text owners (kind text) and over the bigint owners
-- (kind bigint: the same owners, ties in id order)
CREATE TEMP VIEW hh_plain_all_gaps AS
SELECT kind, lead_id, team, at - prev_at AS gap
FROM (SELECT kind, lead_id, team, at, lag(team) OVER w AS prev_team, lag(at) OVER w AS prev_at
      FROM hh_events, (VALUES ('text'), ('bigint')) k(kind)
      WHERE lead_id IS NOT NULL AND at IS NOT NULL AND team IS NOT NULL
      WINDOW w AS (PARTITION BY kind, lead_id ORDER BY at, CASE kind WHEN 'bigint' THEN team_id END, team)) x
WHERE prev_team <> team;
CREATE TEMP VIEW hh_plain_gaps AS SELECT lead_id, team, gap FROM hh_plain_all_gaps WHERE kind = 'text';
CREATE TEMP VIEW hh_plain_id_gaps AS SELECT lead_id, team, gap FROM hh_plain_all_gaps WHERE kind = 'bigint';

-- what the data covers: rows, leads, NULLs, tied handoffs (gap 0), gaps
-- exactly on a fixed edge, exactly the SLA, above 30 days
SELECT (SELECT count(*) FROM hh_events) AS rows,
       (SELECT count(DISTINCT lead_id) FROM hh_events) AS leads,
       (SELECT count(*) FROM hh_events WHERE team IS NULL) AS null_owners,
       (SELECT count(*) FROM hh_events WHERE at IS NULL) AS null_times,
       count(*) AS handoffs,
       count(*) FILTER (WHERE gap = '0') AS zero_gaps,
       count(*) FILTER (WHERE gap IN ('1 minute', '5 minutes', '15 minutes', '30 minutes', '1 hour', '2 hours',
                                      '4 hours', '8 hours', '1 day', '2 days', '3 days', '7 days', '14 days',
                                      '30 days')) AS on_fixed_edge,
       count(*) FILTER (WHERE gap = '12 hours') AS at_sla,
       count(*) FILTER (WHERE gap > '30 days') AS over_30_days
FROM hh_plain_gaps;

-- every bin, handoffs and within_sla against the oracle: text owners,
-- bigint owners, text and uuid lead keys, and to_owner
SELECT h.kind, h.hist = p.hist AS equal_oracle, (h.hist).handoffs, (h.hist).within_sla, (h.hist).counts
FROM (SELECT 'text owners' AS kind, handoff_histogram(lead_id, at, team, '12 hours') AS hist FROM hh_events
      UNION ALL
      SELECT 'bigint owners', handoff_histogram(lead_id, at, team_id, '12 hours') FROM hh_events
      UNION ALL
      SELECT 'text leads', handoff_histogram(lead_id::text, at, team, '12 hours') FROM hh_events
      UNION ALL
      SELECT 'uuid leads', handoff_histogram(md5(lead_id::text)::uuid, at, team, '12 hours') FROM hh_events
      UNION ALL
      SELECT 'to sales', handoff_histogram(lead_id, at, team, '12 hours', 'sales'::text) FROM hh_events
      UNION ALL
      SELECT 'to id 2', handoff_histogram(lead_id, at, team_id, '12 hours', 2::bigint) FROM hh_events) h
JOIN (SELECT 'text owners' AS kind, pg_temp.plain_histogram(array_agg(gap), '12 hours') AS hist FROM hh_plain_gaps
      UNION ALL
      SELECT 'bigint owners', pg_temp.plain_histogram(array_agg(gap), '12 hours') FROM hh_plain_id_gaps
      UNION ALL
      SELECT 'text leads', pg_temp.plain_histogram(array_agg(gap), '12 hours') FROM hh_plain_gaps
      UNION ALL
      SELECT 'uuid leads', pg_temp.plain_histogram(array_agg(gap), '12 hours') FROM hh_plain_gaps
      UNION ALL
      SELECT 'to sales', pg_temp.plain_histogram(array_agg(gap), '12 hours') FROM hh_plain_gaps WHERE team = 'sales'
      UNION ALL
      SELECT 'to id 2', pg_temp.plain_histogram(array_agg(gap), '12 hours') FROM hh_plain_id_gaps WHERE team = 'sales') p
USING (kind) ORDER BY 1;
-- the whole value once, as text
SELECT handoff_histogram(lead_id, at, team, '12 hours') FROM hh_events;

-- per group (lead_id % 5, and every SLA of a list), against the oracle
SELECT count(*) AS groups, count(*) FILTER (WHERE h.hist = p.hist) AS equal_oracle
FROM (SELECT lead_id % 5 AS grp, sla, handoff_histogram(lead_id, at, team, sla) AS hist
      FROM hh_events, unnest('{0, 30 seconds, 1 minute, 12 hours, 24 hours, 1 mon, 40 days}'::interval[]) sla
      WHERE lead_id IS NOT NULL GROUP BY 1, 2) h
JOIN (SELECT lead_id % 5 AS grp, sla, pg_temp.plain_histogram(array_agg(gap), sla) AS hist
      FROM hh_plain_gaps, unnest('{0, 30 seconds, 1 minute, 12 hours, 24 hours, 1 mon, 40 days}'::interval[]) sla
      GROUP BY 1, 2) p USING (grp, sla);

-- handoff_summary's handoffs and sla_met on the same rows
SELECT h.kind, (h.hist).handoffs = (h.stats).handoffs AS same_handoffs,
       (h.hist).within_sla = round((h.stats).sla_met * (h.stats).handoffs) AS same_within_sla
FROM (SELECT 'all' AS kind, handoff_histogram(lead_id, at, team, '12 hours') AS hist,
             handoff_summary(lead_id, at, team, '12 hours') AS stats FROM hh_events
      UNION ALL
      SELECT 'to sales', handoff_histogram(lead_id, at, team, '1 hour', 'sales'::text),
             handoff_summary(lead_id, at, team, '1 hour', 'sales'::text) FROM hh_events
      UNION ALL
      SELECT 'bigint owners', handoff_histogram(lead_id, at, team_id, '3 days'),
             handoff_summary(lead_id, at, team_id, '3 days') FROM hh_events) h
ORDER BY 1;

-- the edges: the SLA once, also when it is a fixed edge written another
-- way (60 minutes, 24 hours, 1 mon = 30 days); an SLA of 0 is the first
-- edge, one above 30 days the last; returned by align's interval rule
SELECT sla, (h).sla AS returned_sla, cardinality((h).bin_upper) AS bins, (h).bin_upper[1] AS first_edge,
       (h).bin_upper[cardinality((h).bin_upper) - 1] AS last_edge,
       (SELECT count(DISTINCT u) FROM unnest((h).bin_upper) u) = cardinality((h).bin_upper) - 1 AS each_once
FROM (SELECT sla, handoff_histogram(1, now(), 'a'::text, sla) AS h
      FROM unnest('{0, 45 minutes, 60 minutes, 24 hours, 1 mon, 40 days, 2 mon 3 days}'::interval[]) sla
      GROUP BY sla) x
ORDER BY sla;

-- empty input: no rows at all; rows without a handoff (a NULL lead, one
-- row per lead, one owner per lead)
SELECT (handoff_histogram(lead_id, at, team, '12 hours')).* FROM hh_events WHERE false;
SELECT (handoff_histogram(lead_id, at, team, '45 minutes')).* FROM hh_events WHERE lead_id IS NULL;
SELECT (handoff_histogram(lead, at, team, '12 hours', 'sales'::text)).*
FROM (VALUES (1, timestamptz '2026-01-01', 'sales'), (2, '2026-01-01', 'sdr'), (2, '2026-01-02', 'sdr')) v(lead, at, team);

-- a gap exactly on an edge counts in the bin it closes; exactly at the SLA
-- it is within it: lead 1 hands off after 1 hour (SLA 1 hour, one edge),
-- lead 2 after 1 hour and 1 microsecond, lead 3 after 0 (a tie, first bin)
SELECT h.counts[1:7] AS first_bins, h.within_sla, h.bin_upper[5:6] AS edges,
       h = pg_temp.plain_histogram('{1 hour, 01:00:00.000001, 0}', '1 hour') AS equal_oracle
FROM (SELECT (handoff_histogram(lead, at, team, '1 hour')).*
      FROM (VALUES (1, timestamptz '2026-01-01 10:00', 'sdr'), (1, '2026-01-01 11:00', 'sales'),
                   (2, '2026-01-01 10:00', 'sdr'), (2, '2026-01-01 11:00:00.000001', 'sales'),
                   (3, '2026-01-01 10:00', 'sdr'), (3, '2026-01-01 10:00', 'sales')) v(lead, at, team)) h;

-- a forced parallel plan gives the serial answer
CREATE TABLE hh_big AS SELECT lead_id + 10000 * g AS lead_id, at, team, team_id FROM hh_events, generate_series(0, 9) g;
ANALYZE hh_big;
SELECT handoff_histogram(lead_id, at, team, '12 hours')::text AS serial,
       handoff_histogram(lead_id, at, team_id, '2 hours', 2::bigint)::text AS serial_to
FROM hh_big \gset
\i sql/include/parallel_plan.sql
SELECT count(*) FILTER (WHERE l ~ 'Partial Aggregate') > 0 AS partial_plan,
       count(*) FILTER (WHERE l ~ 'Gather') > 0 AS gather
FROM pg_temp.plan_lines($$SELECT handoff_histogram(lead_id, at, team, '12 hours') FROM hh_big$$) l;
SELECT handoff_histogram(lead_id, at, team, '12 hours')::text = :'serial' AS parallel_equals_serial,
       handoff_histogram(lead_id, at, team_id, '2 hours', 2::bigint)::text = :'serial_to' AS parallel_to_equals_serial,
       (handoff_histogram(lead_id, at, team, '12 hours')).handoffs
FROM hh_big;

-- past a tiny memory budget the rows spill to temporary files: the same
-- answer, serial and in parallel workers
CREATE FUNCTION pg_temp.temp_files() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
SET align.memory_budget = '16kB';
SELECT pg_temp.temp_files() AS files_before \gset
SELECT handoff_histogram(lead_id, at, team, '12 hours')::text = :'serial' AS parallel_spilled_equal FROM hh_big;
SET max_parallel_workers_per_gather = 0;
SELECT handoff_histogram(lead_id, at, team, '12 hours')::text = :'serial' AS spilled_equal,
       handoff_histogram(lead_id, at, team_id, '2 hours', 2::bigint)::text = :'serial_to' AS spilled_to_equal
FROM hh_big;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS wrote_temp_files;
RESET align.memory_budget;

-- in working time: the calendar oracle of handoff_calendar (every minute
-- of March 2026 in two regions' calendars), gaps as working time between
-- owned rows, the SLA in working time; grouped by region, polymorphic
-- aggregate, in parallel and serially
\i sql/include/calendar_oracle.sql
SELECT setseed(0.1718);
CREATE TEMP TABLE hc_events AS
SELECT (ARRAY['emea', 'amer'])[1 + l % 2] AS region, l AS lead,
       timestamptz '2026-03-01 00:00+00' + floor(random() * 30 * 1440) * interval '1 minute' AS at,
       (ARRAY['marketing', 'sdr', 'sales', NULL])[1 + floor(random() * 3.3)::int] AS team
FROM generate_series(1, 400) l, generate_series(1, 1 + l % 6) i;
ANALYZE hc_events;
CREATE TEMP TABLE hc_plain_gaps AS
SELECT region, team, pg_temp.plain_work(region, prev_at, at) AS gap
FROM (SELECT region, at, team, lag(team) OVER w AS prev_team, lag(at) OVER w AS prev_at
      FROM hc_events WHERE team IS NOT NULL
      WINDOW w AS (PARTITION BY lead ORDER BY at, team)) s
WHERE prev_team <> team;
SELECT region, count(*) AS handoffs, count(*) FILTER (WHERE gap <= '4 hours') AS within_sla,
       count(*) FILTER (WHERE gap = '0') AS zero_gaps
FROM hc_plain_gaps GROUP BY region ORDER BY region;
CREATE TEMP TABLE hc_calendar_results AS
SELECT region, handoff_histogram(lead, at, team, '4 hours', NULL, cal) AS hist,
       handoff_histogram(lead, at, team, '4 hours', 'sales'::text, cal) AS to_sales,
       handoff_histogram(lead, at, team, '4 hours') AS wall
FROM hc_events JOIN hc_cal USING (region) GROUP BY region;
SELECT c.region, c.hist = p.hist AS equal_oracle, c.to_sales = p.to_sales AS to_sales_equal_oracle,
       c.hist = c.wall AS same_as_wall_clock, (c.hist).counts
FROM hc_calendar_results c
JOIN (SELECT region, pg_temp.plain_histogram(array_agg(gap), '4 hours') AS hist,
             pg_temp.plain_histogram(array_agg(gap) FILTER (WHERE team = 'sales'), '4 hours') AS to_sales
      FROM hc_plain_gaps GROUP BY region) p USING (region)
ORDER BY 1;
-- in parallel (a temporary table is never scanned in parallel: a copy)
CREATE TABLE hh_cal_events AS SELECT * FROM hc_events;
ANALYZE hh_cal_events;
SET max_parallel_workers_per_gather = 2;
SELECT count(*) FILTER (WHERE l ~ 'Partial Aggregate') > 0 AS calendar_partial_plan
FROM pg_temp.plan_lines($$SELECT handoff_histogram(lead, at, team, '4 hours', NULL, (SELECT cal FROM hc_cal WHERE region = 'amer')) FROM hh_cal_events WHERE region = 'amer'$$) l;
SELECT handoff_histogram(lead, at, team, '4 hours', NULL, (SELECT cal FROM hc_cal WHERE region = 'amer'))
       = (SELECT hist FROM hc_calendar_results WHERE region = 'amer') AS calendar_parallel_equal
FROM hh_cal_events WHERE region = 'amer';
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;

-- bad arguments: the SQLSTATE handoff_summary gives for the same call
CREATE TEMP TABLE hh_case (lead int, at timestamptz, team text);
INSERT INTO hh_case VALUES (1, '2026-01-01', 'sdr'), (1, '2026-01-02', 'sales'), (2, '2026-01-01', 'sdr');
SELECT what, pg_temp.sqlstate_of(format(stmt, 'handoff_histogram')) AS histogram,
       pg_temp.sqlstate_of(format(stmt, 'handoff_summary')) AS summary
FROM (VALUES ('negative sla', $$SELECT %s(lead, at, team, '-1 minute') FROM hh_case$$),
             ('negative sla by days', $$SELECT %s(lead, at, team, '1 day -25 hours') FROM hh_case$$),
             ('null sla', $$SELECT %s(lead, at, team, NULL) FROM hh_case$$),
             ('null to_owner', $$SELECT %s(lead, at, team, '1 hour', NULL::text) FROM hh_case$$),
             ('sla varies in a group', $$SELECT %s(lead, at, team, lead * interval '1 hour') FROM hh_case$$),
             ('infinite time', $$SELECT %s(lead, 'infinity', team, '1 hour') FROM hh_case$$),
             ('time out of range', $$SELECT %s(lead, '2100-01-01', team, '1 hour') FROM hh_case$$),
             ('unhashable owner', $$SELECT %s(lead, at, '{}'::json, '1 hour') FROM hh_case$$),
             ('two calendars in a group', $$SELECT %s(lead, at, team, '1 hour', NULL, c.cal) FROM hh_case, hc_cal c$$))
     v(what, stmt)
ORDER BY what;
-- the errors name the aggregate called
SELECT handoff_histogram(lead, at, team, '-1 minute') FROM hh_case;
SELECT handoff_histogram(lead, at, team, NULL) FROM hh_case;
SELECT handoff_histogram(lead, at, team, '1 hour', NULL::text) FROM hh_case;
SELECT handoff_histogram(lead, 'infinity', team, '1 hour') FROM hh_case;
SELECT handoff_histogram(lead, at, team, '1 hour', NULL, c.cal) FROM hh_case, hc_cal c;
