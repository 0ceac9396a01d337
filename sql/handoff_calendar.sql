-- handoff_summary and stage_stays in working time (issue 14): gaps, the
-- SLA and stays measured with a work_calendar, against an independent
-- plain-SQL oracle.  Each calendar's weekly hours and closed days are also
-- written by hand as plain rows (hc_hours, hc_closed, never derived from the
-- calendar value); every real minute of March 2026 (both calendars' spring
-- DST changes) is converted AT TIME ZONE the calendar's zone and marked
-- working or not, and the working time between two minutes is the count of
-- working minutes between them.  Gaps and stays come from lag()/lead() over
-- the rows in time order, their statistics from percentile_disc/cont
-- (sql/include/plain_stats.sql).
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET client_min_messages = warning;

\i sql/include/sqlstate_of.sql
\i sql/include/plain_stats.sql
\i sql/include/debug_parallel.sql

\i sql/include/calendar_oracle.sql
-- the oracle sees the DST changes: a local hour skipped in each region
SELECT region, count(*) AS minutes, sum(working) AS working_minutes,
       count(DISTINCT m AT TIME ZONE (SELECT tz FROM hc_cal c WHERE c.region = o.region)) AS distinct_local
FROM hc_minute o GROUP BY region ORDER BY region;

-- events: 600 leads, 1 to 7 rows each at whole minutes of March (ties
-- included), owners from three teams, some NULL owners, times, stages and leads
SELECT setseed(0.1414);
CREATE TEMP TABLE hc_events AS
SELECT (ARRAY['emea', 'amer'])[1 + l % 2] AS region, l AS lead,
       timestamptz '2026-03-01 00:00+00' + floor(random() * 30 * 1440) * interval '1 minute' AS at,
       (ARRAY['marketing', 'sdr', 'sales', NULL])[1 + floor(random() * 3.3)::int] AS team,
       (ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'])[1 + floor(random() * 6)::int]::lead_stage AS stage
FROM generate_series(1, 600) l, generate_series(1, 1 + l % 7) i;
-- ties: a second row at the same minute for some leads
INSERT INTO hc_events
SELECT region, lead, at, CASE WHEN team = 'sales' THEN 'marketing' ELSE 'sales' END, 'sql'
FROM hc_events WHERE lead % 13 = 0 AND team IS NOT NULL;
INSERT INTO hc_events VALUES ('emea', NULL, '2026-03-02 10:00+00', 'sales', 'mql'),
                             ('emea', 3, NULL, 'sales', 'mql'), ('amer', 4, '2026-03-05 12:00+00', 'sales', NULL);
ANALYZE hc_events;
-- the rows with their region's calendar
CREATE TEMP VIEW hc_rows AS SELECT e.*, c.cal FROM hc_events e JOIN hc_cal c USING (region);

-- plain gaps: over the owned rows of a lead in time order (ties in owner
-- order), a row whose owner differs from the previous row's is a handoff,
-- its gap the working time since that row
CREATE TEMP TABLE hc_plain_gaps AS
SELECT region, team, pg_temp.plain_work(region, prev_at, at) AS gap
FROM (SELECT region, at, team, lag(team) OVER w AS prev_team, lag(at) OVER w AS prev_at
      FROM hc_events WHERE lead IS NOT NULL AND at IS NOT NULL AND team IS NOT NULL
      WINDOW w AS (PARTITION BY lead ORDER BY at, team)) s
WHERE prev_team <> team;
-- plain stays: a row followed by another of the same lead (ties in ladder
-- order) is a stay in its stage, as long as the working time until that row
CREATE TEMP TABLE hc_plain_stays AS
SELECT region, stage, pg_temp.plain_work(region, at, next_at) AS stay
FROM (SELECT region, at, stage, lead(at) OVER (PARTITION BY lead ORDER BY at, stage) AS next_at
      FROM hc_events WHERE lead IS NOT NULL AND at IS NOT NULL AND stage IS NOT NULL) s
WHERE next_at IS NOT NULL;
CREATE TEMP TABLE hc_plain AS
SELECT region,
       (SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '4 hours')
        FROM hc_plain_gaps g WHERE g.region = c.region) AS summary,
       (SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '4 hours')
        FROM hc_plain_gaps g WHERE g.region = c.region AND g.team = 'sales') AS into_sales,
       (SELECT array_agg(pg_temp.plain_stay_stats(stage, stays) ORDER BY stage)
        FROM (SELECT stage, array_agg(stay) AS stays FROM hc_plain_stays p
              WHERE p.region = c.region GROUP BY stage) x) AS stays
FROM hc_cal c;
-- what the oracle covers: gaps and stays across a DST change, spanning a
-- closed day, longer in wall-clock time than in working time, and zero
SELECT region, (summary).handoffs, (into_sales).handoffs AS into_sales, cardinality(stays) AS stages,
       (SELECT count(*) FROM hc_plain_gaps g WHERE g.region = p.region AND g.gap = '0') AS zero_gaps,
       (SELECT count(*) FROM hc_plain_stays s WHERE s.region = p.region AND s.stay = '0') AS zero_stays,
       (summary).median_gap, (summary).p90_gap, (summary).sla_met
FROM hc_plain p ORDER BY region;

-- handoff_summary and stage_stays with the region's calendar, grouped by
-- region, against the oracle, every column: through the concrete aggregates
-- (integer lead, text owner: a handoff_state) and the polymorphic ones with
-- an internal state (an oid lead)
SELECT s.region,
       s.summary = p.summary AS summary_equal, s.summary_oid = p.summary AS internal_summary_equal,
       s.into_sales = p.into_sales AS into_equal, s.into_sales_oid = p.into_sales AS internal_into_equal,
       s.stays = p.stays AS stays_equal, s.stays_oid = p.stays AS internal_stays_equal,
       (s.wall).median_gap AS wall_median_gap, (s.summary).median_gap, (s.wall).sla_met AS wall_sla_met,
       (s.summary).sla_met
FROM (SELECT region, handoff_summary(lead, at, team, interval '4 hours', NULL, cal) AS summary,
             handoff_summary(lead::oid, at, team, interval '4 hours', NULL, cal) AS summary_oid,
             handoff_summary(lead, at, team, interval '4 hours', 'sales'::text, cal) AS into_sales,
             handoff_summary(lead::oid, at, team, interval '4 hours', 'sales'::text, cal) AS into_sales_oid,
             stage_stays(lead, at, stage, cal) AS stays, stage_stays(lead::oid, at, stage, cal) AS stays_oid,
             handoff_summary(lead, at, team, interval '4 hours') AS wall
      FROM hc_rows GROUP BY region) s
JOIN hc_plain p USING (region) ORDER BY region;

-- a constant calendar, and the calendar from a table by a scalar subquery
SELECT handoff_summary(lead, at, team, '4 hours', NULL,
                       'mon-fri 09:00-17:30; sun 01:00-04:00; tz Europe/Berlin; closed 2026-03-13 13:00-, 2026-03-20'::work_calendar)
       = (SELECT summary FROM hc_plain WHERE region = 'emea') AS constant_equal,
       stage_stays(lead, at, stage, (SELECT cal FROM hc_cal WHERE region = 'emea'))
       = (SELECT stays FROM hc_plain WHERE region = 'emea') AS subquery_equal
FROM hc_events WHERE region = 'emea';

-- stage_stays over an enum ladder with a calendar: per label, the oracle's stays
CREATE TYPE hc_stage AS ENUM ('lead', 'mql', 'sal', 'sql', 'opportunity', 'customer');
SELECT s.region, count(*) AS stages,
       count(*) FILTER (WHERE ROW(e.stays, e.median_stay, e.p90_stay, e.median_stay_hours, e.p90_stay_hours,
                                  e.median_stay_cont, e.p90_stay_cont, e.median_stay_cont_hours, e.p90_stay_cont_hours)::text
                              = ROW(p.stays, p.median_stay, p.p90_stay, p.median_stay_hours, p.p90_stay_hours,
                                    p.median_stay_cont, p.p90_stay_cont, p.median_stay_cont_hours, p.p90_stay_cont_hours)::text
                              AND e.rank = stage_rank(p.stage) - 1) AS equal
FROM (SELECT region, stage_stays(lead, at, stage::text::hc_stage, cal) AS es FROM hc_rows GROUP BY region) s
CROSS JOIN LATERAL unnest(s.es) e
JOIN hc_plain hp USING (region)
CROSS JOIN LATERAL unnest(hp.stays) p
WHERE p.stage::text = e.stage
GROUP BY s.region ORDER BY s.region;

-- overload resolution: handoff_summary in working time always takes
-- to_owner (NULL: every owner), so 0.1.0's five-argument call with an
-- untyped to_owner literal still means to_owner, for text and integer
-- owners alike (a five-argument calendar form made it ambiguous for the
-- latter); a NULL to_owner counts every handoff, as leaving it out does
SELECT (handoff_summary(lead, at, team, '4 hours', 'sales')).handoffs AS untyped_to_owner_text,
       (handoff_summary(lead, at, team_no, '4 hours', '2')).handoffs AS untyped_to_owner_integer,
       (handoff_summary(lead, at, team, '4 hours', 'sales'::text)).handoffs AS typed_to_owner,
       (handoff_summary(lead, at, team, '4 hours', NULL, 'mon-sun 00:00-24:00; tz UTC'::work_calendar)).handoffs
           AS every_owner_24_7,
       (handoff_summary(lead, at, team, '4 hours')).handoffs AS wall_clock
FROM (SELECT *, CASE team WHEN 'marketing' THEN 1 WHEN 'sales' THEN 2 WHEN 'sdr' THEN 3 END AS team_no
      FROM hc_events) e;
SELECT pg_temp.sqlstate_of($$SELECT handoff_summary(lead, at, team, '4 hours', NULL, cal)
                             FROM hc_rows WHERE lead = 1$$) AS null_to_owner,
       pg_temp.sqlstate_of($$SELECT handoff_summary(lead, at, team, '4 hours', CASE WHEN lead = 1 THEN 'sales' END, cal)
                             FROM hc_rows WHERE region = 'amer'$$) AS null_and_not_null_to_owner;
CREATE TEMP VIEW hc_resolved AS
SELECT handoff_summary(lead::oid, at, team, '4 hours', NULL, cal) AS a,
       handoff_summary(lead::oid, at, team, '4 hours', 'sales'::text, cal) AS b,
       stage_stays(lead::oid, at, stage, cal) AS c, stage_stays(lead::oid, at, stage::text::hc_stage, cal) AS d
FROM hc_rows;
SELECT p.oid::regprocedure AS resolved
FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_proc'::regclass
  AND d.objid = (SELECT oid FROM pg_rewrite WHERE ev_class = 'hc_resolved'::regclass)
ORDER BY 1::text;

-- 24/7 gives exactly the wall-clock results: microsecond times over a
-- century, in UTC and in a zone with DST (a repeated hour counts twice, a
-- skipped one not at all: as in real time)
SELECT setseed(0.2424);
CREATE TEMP TABLE hc_wide AS
SELECT l % 40 AS lead, timestamptz '1950-01-01 00:00+00' + random() * interval '110 years' AS at,
       (ARRAY['marketing', 'sales', 'success', NULL])[1 + floor(random() * 4)::int] AS team,
       (ARRAY['lead', 'mql', 'sal', 'sql', 'customer'])[1 + floor(random() * 5)::int]::lead_stage AS stage
FROM generate_series(1, 4000) l;
SELECT z AS zone,
       handoff_summary(lead, at, team, '30 days', NULL, c) = handoff_summary(lead, at, team, '30 days') AS summary_equal,
       handoff_summary(lead::oid, at, team, '30 days', 'sales'::text, c)
         = handoff_summary(lead::oid, at, team, '30 days', 'sales'::text) AS into_equal,
       stage_stays(lead, at, stage, c) = stage_stays(lead, at, stage) AS stays_equal,
       stage_stays(lead::oid, at, stage::text::hc_stage, c)::text
         = stage_stays(lead::oid, at, stage::text::hc_stage)::text AS enum_stays_equal,
       (handoff_summary(lead, at, team, '30 days', NULL, c)).handoffs
FROM hc_wide,
     LATERAL (VALUES ('UTC'), ('Europe/Berlin')) AS v(z),
     LATERAL (SELECT format('mon-sun 00:00-24:00; tz %s', z)::work_calendar AS c) cc
GROUP BY z ORDER BY z;

-- a parallel plan (partial aggregates in workers, states serialized with
-- their calendar, combined in the leader) gives the serial answer
CREATE TEMP TABLE hc_big AS
SELECT e.region, e.lead + k * 1000 AS lead, e.at + k * interval '1 minute' AS at, e.team, e.stage
FROM hc_events e, generate_series(0, 39) k
WHERE e.at < '2026-03-31';
ANALYZE hc_big;
CREATE TEMP TABLE hc_serial AS
SELECT region, handoff_summary(lead::oid, at, team, '4 hours', NULL, cal)::text AS summary,
       stage_stays(lead::oid, at, stage, cal)::text AS stays
FROM hc_big JOIN hc_cal USING (region) GROUP BY region;
CREATE TABLE hc_par AS SELECT * FROM hc_big;
ANALYZE hc_par;
SET max_parallel_workers_per_gather = 4;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET align.partial_merge_cost = 0;
EXPLAIN (COSTS OFF)
SELECT handoff_summary(lead::oid, at, team, '4 hours', NULL, 'mon-fri 09:00-17:00; tz UTC'::work_calendar),
       stage_stays(lead::oid, at, stage, 'mon-fri 09:00-17:00; tz UTC'::work_calendar)
FROM hc_par;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.summary = s.summary AND p.stays = s.stays) AS parallel_equal
FROM (SELECT region, handoff_summary(lead::oid, at, team, '4 hours', NULL, c.cal)::text AS summary,
             stage_stays(lead::oid, at, stage, c.cal)::text AS stays
      FROM hc_par JOIN LATERAL (SELECT cal FROM hc_cal WHERE hc_cal.region = hc_par.region) c ON true
      GROUP BY region) p
JOIN hc_serial s USING (region);
-- one calendar for the whole table: every worker's state carries it
SELECT handoff_summary(lead::oid, at, team, '4 hours', NULL, (SELECT cal FROM hc_cal WHERE region = 'amer'))::text
       = (SELECT summary FROM hc_serial WHERE region = 'amer') AS parallel_one_group_equal
FROM hc_par WHERE region = 'amer';
-- a parallel plan over rows of two calendars in one group: 22023
SELECT pg_temp.sqlstate_of($$SELECT handoff_summary(lead::oid, at, team, '4 hours', NULL, c.cal)
                             FROM hc_par JOIN hc_cal c USING (region)$$) AS parallel_mixed;

-- spilled: a 16 kB budget writes the rows to temporary files; same answer
CREATE FUNCTION pg_temp.temp_files() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
SET max_parallel_workers_per_gather = 0;
SET align.memory_budget = '16kB';
SELECT pg_temp.temp_files() AS files_before \gset
CREATE TEMP TABLE hc_spilled AS
SELECT region, handoff_summary(lead::oid, at, team, '4 hours', NULL, cal)::text AS summary,
       stage_stays(lead::oid, at, stage, cal)::text AS stays
FROM hc_big JOIN hc_cal USING (region) GROUP BY region;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS wrote_temp_files,
       count(*) FILTER (WHERE p.summary = s.summary AND p.stays = s.stays) AS spilled_equal
FROM hc_spilled p JOIN hc_serial s USING (region);
-- spilled in parallel workers too
SET max_parallel_workers_per_gather = 4;
SELECT count(*) FILTER (WHERE p.summary = s.summary AND p.stays = s.stays) AS parallel_spilled_equal
FROM (SELECT region, handoff_summary(lead::oid, at, team, '4 hours', NULL, c.cal)::text AS summary,
             stage_stays(lead::oid, at, stage, c.cal)::text AS stays
      FROM hc_par JOIN LATERAL (SELECT cal FROM hc_cal WHERE hc_cal.region = hc_par.region) c ON true
      GROUP BY region) p
JOIN hc_serial s USING (region);
RESET align.memory_budget;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
RESET align.partial_merge_cost;

-- partial states as Citus ships them (handoff_state text): a state keeps
-- its calendar; shards' states merge to the direct answer; states of two
-- calendars do not merge (22023)
CREATE AGGREGATE hc_partial(integer, timestamptz, text, interval, work_calendar) (
    SFUNC = handoff_state_trans, STYPE = handoff_state);
CREATE AGGREGATE hc_stays_partial(integer, timestamptz, lead_stage, work_calendar) (
    SFUNC = stays_state_trans, STYPE = handoff_state);
CREATE AGGREGATE hc_merge(handoff_state) (
    SFUNC = handoff_state_combine, STYPE = handoff_state, FINALFUNC = handoff_state_final);
CREATE AGGREGATE hc_stays_merge(handoff_state) (
    SFUNC = handoff_state_combine, STYPE = handoff_state, FINALFUNC = stays_state_final);
CREATE TEMP TABLE hc_states AS
SELECT region, lead % 3 AS shard, hc_partial(lead, at, team, '4 hours', cal)::text AS summary_state,
       hc_stays_partial(lead, at, stage, cal)::text AS stays_state
FROM hc_rows GROUP BY region, lead % 3;
SELECT region, hc_merge(summary_state::handoff_state) = p.summary AS merged_summary_equal,
       hc_stays_merge(stays_state::handoff_state) = p.stays AS merged_stays_equal
FROM hc_states JOIN hc_plain p USING (region) GROUP BY region, p.summary, p.stays ORDER BY region;
-- the binary form round-trips, with the calendar in it
SELECT bool_and(handoff_state_recv_check) AS binary_round_trip
FROM (SELECT encode(handoff_state_send(summary_state::handoff_state), 'base64')::handoff_state::text
             = summary_state AS handoff_state_recv_check FROM hc_states) x;
SELECT pg_temp.sqlstate_of($$SELECT hc_merge(summary_state::handoff_state) FROM hc_states$$) AS merge_two_calendars,
       pg_temp.sqlstate_of($$SELECT hc_stays_merge(stays_state::handoff_state) FROM hc_states$$) AS stays_merge_two_calendars;
-- hostile states: the calendar's bytes are checked as work_calendar_recv
-- checks binary input (22P03: another version, a wrong length, a zone
-- unknown here), its length against the state (XX001); a version 6 state
-- read as version 5 is corrupt (XX001)
CREATE TEMP TABLE hc_bytes AS
SELECT decode(summary_state, 'base64') AS b FROM hc_states WHERE region = 'emea' AND shard = 0;
-- the calendar comes after version, form, sla, has_into and into: its
-- length in bytes 15 to 18, its binary form from byte 19
SELECT get_byte(b, 0) AS version, chr(get_byte(b, 1)) AS form,
       (get_byte(b, 15) << 24) + (get_byte(b, 16) << 16) + (get_byte(b, 17) << 8) + get_byte(b, 18) AS calendar_length,
       get_byte(b, 19) AS calendar_version
FROM hc_bytes;
SELECT pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(set_byte(b, 19, 9), 'base64'))) AS calendar_version_9,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(set_byte(b, 18, 255), 'base64'))) AS calendar_too_long,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(set_byte(b, 18, 0), 'base64'))) AS calendar_empty,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state',
                                  encode(overlay(b PLACING convert_to('Europe/Berlim', 'UTF8') FROM 22 FOR 13), 'base64'))) AS unknown_zone,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(set_byte(b, 0, 5), 'base64'))) AS as_version_5
FROM hc_bytes;

-- bad input: a NULL calendar (22004: a calendar-less call is the wall
-- clock), calendars that differ inside a group (22023), and the same for
-- stage_stays; a group without rows is still empty
SELECT pg_temp.sqlstate_of($$SELECT handoff_summary(lead, at, team, '4 hours', NULL, NULL::work_calendar) FROM hc_events$$) AS null_calendar,
       pg_temp.sqlstate_of($$SELECT handoff_summary(lead::oid, at, team, '4 hours', 'sales'::text, NULL::work_calendar) FROM hc_events$$) AS null_calendar_into,
       pg_temp.sqlstate_of($$SELECT stage_stays(lead, at, stage, NULL::work_calendar) FROM hc_events$$) AS stays_null_calendar,
       pg_temp.sqlstate_of($$SELECT handoff_summary(lead, at, team, '4 hours', NULL, cal) FROM hc_rows$$) AS mixed_calendars,
       pg_temp.sqlstate_of($$SELECT handoff_summary(lead::oid, at, team, '4 hours', NULL, cal) FROM hc_rows$$) AS internal_mixed,
       pg_temp.sqlstate_of($$SELECT stage_stays(lead, at, stage, cal) FROM hc_rows$$) AS stays_mixed,
       pg_temp.sqlstate_of($$SELECT stage_stays(lead::oid, at, stage::text::hc_stage, cal) FROM hc_rows$$) AS enum_stays_mixed;
SELECT handoff_summary(lead, at, team, '4 hours', NULL, cal) FROM hc_rows WHERE region = 'amer' AND lead = 1;
SELECT handoff_summary(lead::oid, at, team, '4 hours', NULL, NULL::work_calendar) FROM hc_rows WHERE lead = 1;
SELECT stage_stays(lead::oid, at, stage, cal) FROM hc_rows WHERE false;

DROP VIEW hc_resolved;
DROP TABLE hc_par;
DROP AGGREGATE hc_partial(integer, timestamptz, text, interval, work_calendar),
    hc_stays_partial(integer, timestamptz, lead_stage, work_calendar), hc_merge(handoff_state),
    hc_stays_merge(handoff_state);
DROP TYPE hc_stage;
