-- funnel in working time (issue 14): funnel(lead, stage, at, within, cal)
-- measures the times between stages in the calendar's working time, against
-- an independent plain-SQL oracle (sql/include/calendar_oracle.sql: the
-- calendars' hours and closed days as plain rows, every real minute of
-- March 2026 in the calendar's zone, working minutes counted).  Events are
-- on whole minutes, so the minute walk is exact.  The funnel's times come
-- from a sketch within 1 % of the exact value; counts are exact, and do not
-- depend on a calendar; the conversion window stays wall-clock.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET client_min_messages = warning;

\i sql/include/sqlstate_of.sql
\i sql/include/debug_parallel.sql
\i sql/include/calendar_oracle.sql

-- events: 900 leads over lead, mql, sql, opportunity at whole minutes of
-- March, in random order (some enter a later stage first), repeated entries
-- (the first counts), some at an unknown time
SELECT setseed(0.1414);
CREATE TEMP TABLE fc_events AS
SELECT (ARRAY['emea', 'amer'])[1 + l % 2] AS region, l AS lead,
       (ARRAY['lead', 'mql', 'sql', 'opportunity'])[s]::lead_stage AS stage,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE timestamptz '2026-03-01 00:00+00'
                 + floor(random() * (30 * 24 * 60 + 1439))::int * interval '1 minute' END AS at
FROM generate_series(1, 900) l,
     LATERAL generate_series(1, 1 + (l / 2) % 4) s,
     LATERAL generate_series(1, 1 + (l + s) % 3 / 2) r;
SELECT count(*) AS events, count(DISTINCT lead) AS leads, count(*) FILTER (WHERE at IS NULL) AS unknown_times
FROM fc_events;
CREATE TEMP TABLE fc_rows AS SELECT e.*, c.cal FROM fc_events e JOIN hc_cal c USING (region);

-- the oracle: each lead's first known time per stage, the pairs of stages
-- up the ladder with both times known: working time when the later stage
-- is not earlier, else left out as earlier
CREATE TEMP TABLE fc_first AS
SELECT region, lead, stage, min(at) AS at FROM fc_events GROUP BY region, lead, stage;
CREATE TEMP TABLE fc_pairs AS
SELECT a.region, a.stage AS from_stage, b.stage AS to_stage, a.lead,
       CASE WHEN b.at >= a.at THEN pg_temp.plain_work(a.region, a.at, b.at) END AS work,
       b.at < a.at AS earlier
FROM fc_first a JOIN fc_first b ON a.region = b.region AND a.lead = b.lead
                                AND stage_rank(a.stage) < stage_rank(b.stage)
WHERE a.at IS NOT NULL AND b.at IS NOT NULL;
CREATE TEMP TABLE fc_plain AS
SELECT region, from_stage, to_stage, count(work) AS timed, count(*) FILTER (WHERE earlier) AS earlier,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY work) AS median,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY work) AS p90,
       percentile_disc(1) WITHIN GROUP (ORDER BY work) AS max
FROM fc_pairs GROUP BY region, from_stage, to_stage;

CREATE TEMP TABLE fc_funnel AS
SELECT region, funnel(lead, stage, at, NULL, cal) AS f, funnel(lead, stage, at) AS wall
FROM fc_rows GROUP BY region;

-- within 1 % of the plain percentiles (and a few of them, with wall clock
-- beside), time_sample exact, for every pair of stages
CREATE FUNCTION pg_temp.near(got interval, want interval) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
SELECT abs(extract(epoch FROM got) - extract(epoch FROM want)) <= 0.01 * extract(epoch FROM want)
$$;
SELECT p.region, count(*) AS pairs,
       count(*) FILTER (WHERE (time_sample(f, p.from_stage, p.to_stage)).timed_leads = p.timed
                          AND (time_sample(f, p.from_stage, p.to_stage)).left_out_earlier = p.earlier) AS samples_exact,
       count(*) FILTER (WHERE pg_temp.near(time_to_convert(f, p.from_stage, p.to_stage, 0.5), p.median)
                          AND pg_temp.near(time_to_convert(f, p.from_stage, p.to_stage, 0.9), p.p90)
                          AND pg_temp.near(time_to_convert(f, p.from_stage, p.to_stage, 1), p.max)) AS times_within_1pct,
       count(*) FILTER (WHERE pg_temp.near(time_to_convert_days(f, p.from_stage, p.to_stage, 0.5) * interval '1 day',
                                           p.median)) AS days_within_1pct
FROM fc_plain p JOIN fc_funnel USING (region)
GROUP BY p.region ORDER BY p.region;
SELECT p.region, p.from_stage, p.to_stage, p.median AS plain_median,
       justify_hours(date_trunc('second', time_to_convert(f, p.from_stage, p.to_stage, 0.5))) AS working_median,
       justify_hours(date_trunc('second', time_to_convert(wall, p.from_stage, p.to_stage, 0.5))) AS wall_median
FROM fc_plain p JOIN fc_funnel USING (region)
WHERE p.to_stage = 'mql' ORDER BY p.region, p.from_stage;
-- funnel_steps: its times are working time (from the previous stage), its
-- samples exact
SELECT s.region, count(*) AS steps,
       count(*) FILTER (WHERE s.timed_leads = p.timed AND s.left_out_earlier = p.earlier
                          AND pg_temp.near(s.median_time_from_previous, p.median)
                          AND pg_temp.near(s.p90_time_from_previous, p.p90)) AS steps_as_plain
FROM (SELECT region, (funnel_steps(f)).* FROM fc_funnel) s
JOIN fc_plain p ON p.region = s.region AND p.from_stage = s.previous_stage AND p.to_stage = s.stage
GROUP BY s.region ORDER BY s.region;
-- the counts do not depend on the calendar: only the times differ
SELECT region, f::jsonb - '{calendar,times}'::text[] = wall::jsonb - 'times' AS counts_unchanged,
       funnel_calendar(f) = (SELECT cal FROM hc_cal c WHERE c.region = fc_funnel.region) AS keeps_calendar,
       funnel_calendar(wall) IS NULL AS wall_clock_has_none
FROM fc_funnel ORDER BY region;

-- the conversion window is wall-clock: the same leads and stages counted as
-- without a calendar; the times of the pairs inside it are working time
SELECT region,
       funnel(lead, stage, at, interval '3 days', cal)::jsonb - '{calendar,times}'::text[]
         = funnel(lead, stage, at, interval '3 days')::jsonb - 'times' AS window_counts_unchanged,
       (time_sample(funnel(lead, stage, at, interval '3 days', cal), 'lead', 'opportunity')).timed_leads
         = (time_sample(funnel(lead, stage, at, interval '3 days'), 'lead', 'opportunity')).timed_leads AS window_samples_unchanged
FROM fc_rows GROUP BY region ORDER BY region;
-- the window's pairs against the oracle: a lead enters a stage inside the
-- window when its first time there is at most 3 days (wall clock) after
-- its first known time at any stage
SELECT w.region, (time_sample(w.f, 'lead', 'mql')).timed_leads = o.timed AS timed_exact,
       pg_temp.near(time_to_convert(w.f, 'lead', 'mql', 0.5), o.median) AS median_within_1pct
FROM (SELECT region, funnel(lead, stage, at, interval '3 days', cal) AS f FROM fc_rows GROUP BY region) w
JOIN (SELECT p.region, count(p.work) AS timed, percentile_disc(0.5) WITHIN GROUP (ORDER BY p.work) AS median
      FROM fc_pairs p
      JOIN (SELECT region, lead, min(at) AS first_at FROM fc_first GROUP BY region, lead) l
        ON l.region = p.region AND l.lead = p.lead
      JOIN fc_first a ON a.region = p.region AND a.lead = p.lead AND a.stage = 'lead'
      JOIN fc_first b ON b.region = p.region AND b.lead = p.lead AND b.stage = 'mql'
      WHERE p.from_stage = 'lead' AND p.to_stage = 'mql'
        AND a.at - l.first_at <= interval '3 days' AND b.at - l.first_at <= interval '3 days'
      GROUP BY p.region) o USING (region)
ORDER BY w.region;

-- over an enum ladder: the same time sketches (pairs numbered by the
-- enum's ranks: the same order)
CREATE TYPE fc_stage AS ENUM ('lead', 'mql', 'sql', 'opportunity');
SELECT region,
       jsonb_path_query_array(funnel(lead, stage::text::fc_stage, at, NULL, cal)::jsonb -> 'times', '$.*')
         = jsonb_path_query_array(funnel(lead, stage, at, NULL, cal)::jsonb -> 'times', '$.*') AS enum_times_equal,
       funnel_calendar(funnel(lead, stage::text::fc_stage, at, NULL, cal)) = cal AS enum_keeps_calendar,
       time_to_convert(funnel(lead, stage::text::fc_stage, at, NULL, cal), 'lead'::fc_stage, 'mql', 0.5)
         = time_to_convert(funnel(lead, stage, at, NULL, cal), 'lead', 'mql', 0.5) AS enum_median_equal
FROM fc_rows GROUP BY region, cal ORDER BY region;

-- 24/7 (in UTC and in a zone with DST) is exactly the calendar-less funnel,
-- on every accessor
CREATE TEMP TABLE fc_247 AS
SELECT z AS zone, funnel(lead, stage, at, NULL, c) AS f, funnel(lead, stage, at) AS wall,
       funnel(lead, stage, at, interval '5 days', c) AS fw, funnel(lead, stage, at, interval '5 days') AS wallw
FROM fc_events, LATERAL (VALUES ('UTC'), ('Europe/Berlin')) AS v(z),
     LATERAL (SELECT format('mon-sun 00:00-24:00; tz %s', z)::work_calendar AS c) cc
GROUP BY z;
SELECT zone, f::jsonb - 'calendar' = wall::jsonb AS same_value, fw::jsonb - 'calendar' = wallw::jsonb AS same_within,
       NOT EXISTS (SELECT (funnel_steps(f)).* EXCEPT ALL SELECT (funnel_steps(wall)).*) AS same_steps,
       NOT EXISTS (SELECT (funnel_steps(fw)).* EXCEPT ALL SELECT (funnel_steps(wallw)).*) AS same_steps_within,
       (SELECT bool_and(time_to_convert(f, a, b, q) IS NOT DISTINCT FROM time_to_convert(wall, a, b, q)
                        AND time_to_convert_days(f, a, b, q) IS NOT DISTINCT FROM time_to_convert_days(wall, a, b, q)
                        AND time_sample(f, a, b) = time_sample(wall, a, b)
                        AND conversion(f, a, b) IS NOT DISTINCT FROM conversion(wall, a, b)
                        AND conversion_interval(f, a, b) IS NOT DISTINCT FROM conversion_interval(wall, a, b)
                        AND reached(f, b) = reached(wall, b))
        FROM unnest('{lead,mql,sql,opportunity}'::lead_stage[]) a, unnest('{lead,mql,sql,opportunity}'::lead_stage[]) b,
             unnest('{0,0.25,0.5,0.9,1}'::float8[]) q
        WHERE stage_rank(a) < stage_rank(b)) AS same_accessors
FROM fc_247 ORDER BY zone;

-- times that are not whole minutes: a funnel keeps whole seconds (rounded
-- down), and working time between whole seconds is whole seconds, also in
-- Amsterdam before 1937 (UTC+00:19:32, so local minutes start at :28 UTC
-- seconds).  24/7 there equals the wall clock at microsecond times from
-- 1932 to 2068; per lead, the sketch is within 1 % of working_seconds
-- between the times rounded down to the second.
SELECT setseed(0.1932);
CREATE TEMP TABLE fc_sec AS
SELECT l AS lead, s AS stage,
       timestamptz '1932-01-01 00:00+00' + random() * (CASE WHEN l <= 40 THEN interval '5 years' ELSE interval '136 years' END) AS at
FROM generate_series(1, 300) l, unnest('{lead,mql}'::lead_stage[]) s;
SELECT funnel(lead, stage, at, NULL, 'mon-sun 00:00-24:00; tz Europe/Amsterdam')::jsonb - 'calendar'
       = funnel(lead, stage, at)::jsonb AS amsterdam_247_equal
FROM fc_sec;
SELECT count(*) AS leads,
       count(*) FILTER (WHERE abs(extract(epoch FROM time_to_convert(f, 'lead', 'mql', 1)) - w) <= 0.01 * w) AS within_1pct
FROM (SELECT lead, funnel(lead, stage, at, NULL, 'mon-fri 09:00-17:00; tz Europe/Amsterdam'::work_calendar) AS f,
             working_seconds('mon-fri 09:00-17:00; tz Europe/Amsterdam'::work_calendar,
                             date_trunc('second', min(at) FILTER (WHERE stage = 'lead')),
                             date_trunc('second', min(at) FILTER (WHERE stage = 'mql'))) AS w
      FROM fc_sec WHERE lead <= 40 GROUP BY lead) x
WHERE w IS NOT NULL;

-- rollup of per-day funnels (leads by the day of their first event) is the
-- whole; an empty funnel (no rows: no calendar) merges with anything
CREATE TEMP TABLE fc_day AS
SELECT region, lead, (SELECT date_trunc('day', min(at)) FROM fc_events x WHERE x.lead = e.lead) AS day
FROM fc_events e GROUP BY region, lead;
SELECT region, rollup(f)::text = (SELECT f::text FROM fc_funnel w WHERE w.region = d.region) AS rollup_equal,
       count(*) AS days
FROM (SELECT region, day, funnel(lead, stage, at, NULL, cal) AS f
      FROM fc_rows JOIN fc_day USING (region, lead) GROUP BY region, day
      UNION ALL
      SELECT region, NULL, (SELECT funnel(lead, stage, at, NULL, cal) FROM fc_rows WHERE false)
      FROM hc_cal) d
GROUP BY region ORDER BY region;

-- text and binary (COPY) round trips keep the calendar, exactly
CREATE TEMP TABLE fc_copy (region text, f funnel);
COPY (SELECT region, f FROM fc_funnel ORDER BY region) TO PROGRAM 'cat > funnel_calendar_copy.bin' (FORMAT binary);
COPY fc_copy FROM PROGRAM 'cat funnel_calendar_copy.bin' (FORMAT binary);
COPY (SELECT) TO PROGRAM 'rm -f funnel_calendar_copy.bin; cat >/dev/null';
SELECT region, f::text::funnel::text = f::text AS text_round_trip,
       funnel_send(f::text::funnel) = funnel_send(f) AS text_same_bytes,
       (SELECT c.f::text FROM fc_copy c WHERE c.region = fc_funnel.region) = f::text AS binary_round_trip,
       f::jsonb ->> 'calendar' = (SELECT cal::text FROM hc_cal c WHERE c.region = fc_funnel.region) AS text_names_calendar
FROM fc_funnel ORDER BY region;
-- partial states as Citus ships them (the funnel's text, open leads in
-- it): shards' states merge to the direct answer
CREATE AGGREGATE fc_partial(integer, lead_stage, timestamptz, interval, work_calendar) (
    SFUNC = funnel_event_within_trans, STYPE = funnel);
SELECT region, rollup(state::funnel)::text = (SELECT f::text FROM fc_funnel w WHERE w.region = s.region) AS shards_equal
FROM (SELECT region, fc_partial(lead, stage, at, NULL, cal)::text AS state
      FROM fc_rows GROUP BY region, lead % 3) s
GROUP BY region ORDER BY region;

-- a parallel plan (workers' partial states flattened with the calendar,
-- combined in the leader) and a spilled one equal the serial answer
CREATE TABLE fc_par AS
SELECT e.region, e.lead + k * 1000 AS lead, e.stage, e.at FROM fc_events e, generate_series(0, 19) k;
ANALYZE fc_par;
CREATE TEMP TABLE fc_serial AS
SELECT region, funnel(lead, stage, at, NULL, cal)::text AS f FROM fc_par JOIN hc_cal USING (region) GROUP BY region;
SET max_parallel_workers_per_gather = 4;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET align.partial_merge_cost = 0;
EXPLAIN (COSTS OFF)
SELECT funnel(lead, stage, at, NULL, 'mon-fri 09:00-17:00; tz UTC'::work_calendar) FROM fc_par;
SELECT count(*) FILTER (WHERE p.f = s.f) AS parallel_equal
FROM (SELECT region, funnel(lead, stage, at, NULL, c.cal)::text AS f
      FROM fc_par JOIN LATERAL (SELECT cal FROM hc_cal WHERE hc_cal.region = fc_par.region) c ON true
      GROUP BY region) p
JOIN fc_serial s USING (region);
SELECT pg_temp.sqlstate_of($$SELECT funnel(lead, stage, at, NULL, c.cal) FROM fc_par JOIN hc_cal c USING (region)$$)
       AS parallel_mixed;
RESET max_parallel_workers_per_gather;
CREATE FUNCTION pg_temp.temp_files() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
SET max_parallel_workers_per_gather = 0;
SET align.memory_budget = '16kB';
SELECT pg_temp.temp_files() AS files_before \gset
CREATE TEMP TABLE fc_spilled AS
SELECT region, funnel(lead, stage, at, NULL, cal)::text AS f FROM fc_par JOIN hc_cal USING (region) GROUP BY region;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS wrote_temp_files,
       count(*) FILTER (WHERE p.f = s.f) AS spilled_equal
FROM fc_spilled p JOIN fc_serial s USING (region);
RESET align.memory_budget;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
RESET align.partial_merge_cost;
DROP TABLE fc_par;

-- bad input: a NULL calendar (22004: leave it out for wall-clock time),
-- calendars that differ inside a group (22023), funnels of different
-- calendars, or with and without one, merged (22023, naming both)
SELECT pg_temp.sqlstate_of($$SELECT funnel(lead, stage, at, NULL, NULL::work_calendar) FROM fc_events$$) AS null_calendar,
       pg_temp.sqlstate_of($$SELECT funnel(lead, stage::text::fc_stage, at, '1 day', NULL::work_calendar) FROM fc_events$$) AS enum_null_calendar,
       pg_temp.sqlstate_of($$SELECT funnel(lead, stage, at, NULL, cal) FROM fc_rows$$) AS mixed_calendars,
       pg_temp.sqlstate_of($$SELECT rollup(f) FROM fc_funnel$$) AS rollup_two_calendars,
       pg_temp.sqlstate_of($$SELECT rollup(x) FROM fc_funnel, LATERAL (VALUES (f), (wall)) v(x) WHERE region = 'emea'$$) AS rollup_with_and_without;
SELECT rollup(x) FROM fc_funnel, LATERAL (VALUES (f), (wall)) v(x) WHERE region = 'emea';
-- no rows: an empty funnel, no calendar
SELECT funnel_calendar(funnel(lead, stage, at, NULL, cal)) AS empty_calendar FROM fc_rows WHERE false;
-- an untyped literal in fifth place is the calendar
SELECT funnel_calendar(funnel(lead, stage, at, NULL, 'mon-fri 09:00-17:00; tz UTC')) AS untyped_calendar FROM fc_events;

-- hostile text: the calendar is read as work_calendar text input (22P02)
CREATE TEMP TABLE fc_text AS SELECT f::text AS t FROM fc_funnel WHERE region = 'emea';
SELECT pg_temp.sqlstate_of(format('SELECT %L::funnel', replace(t, 'tz Europe/Berlin', 'tz Europe/Berlim'))) AS unknown_zone,
       pg_temp.sqlstate_of(format('SELECT %L::funnel', replace(t, 'mon-fri', 'mon-xyz'))) AS bad_day,
       pg_temp.sqlstate_of(format('SELECT %L::funnel', regexp_replace(t, '"calendar": "[^"]*"', '"calendar": 5'))) AS calendar_number,
       pg_temp.sqlstate_of(format('SELECT %L::funnel', regexp_replace(t, '"calendar": "[^"]*"', '"calendar": null'))) AS calendar_null,
       pg_temp.sqlstate_of(format('SELECT %L::funnel', replace(t, '"version": 3', '"version": 2'))) AS calendar_in_version_2,
       pg_temp.sqlstate_of(format('SELECT %L::funnel', t)) AS unchanged
FROM fc_text;
-- hostile binary (through COPY): the calendar's bytes are checked as
-- work_calendar_recv checks binary input (22P03).  A lead_stage funnel's
-- binary form: version, flags, stages, outcomes, the window (8 bytes), the
-- calendar's length (bytes 12 to 15), its binary form from byte 16.
CREATE TEMP TABLE fc_load (f funnel);
\i sql/include/load_binary.sql
CREATE TEMP TABLE fc_bytes AS SELECT funnel_send(f) AS b FROM fc_funnel WHERE region = 'amer';
SELECT get_byte(b, 1) AS flags,
       (get_byte(b, 12) << 24) + (get_byte(b, 13) << 16) + (get_byte(b, 14) << 8) + get_byte(b, 15) AS calendar_length,
       get_byte(b, 16) AS calendar_version, convert_from(substr(b, 19, get_byte(b, 17)), 'UTF8') AS calendar_zone
FROM fc_bytes;
SELECT pg_temp.load_binary('pg_temp.fc_load', b) AS unchanged,
       pg_temp.load_binary('pg_temp.fc_load', set_byte(b, 16, 9)) AS calendar_version_9,
       pg_temp.load_binary('pg_temp.fc_load', set_byte(b, 15, 255)) AS calendar_too_long,
       pg_temp.load_binary('pg_temp.fc_load', set_byte(b, 15, 0)) AS calendar_empty,
       pg_temp.load_binary('pg_temp.fc_load', overlay(b PLACING convert_to('America/New_Yorj', 'UTF8') FROM 19 FOR 16)) AS unknown_zone,
       pg_temp.load_binary('pg_temp.fc_load', set_byte(b, 1, 0)) AS calendar_without_flag,
       pg_temp.load_binary('pg_temp.fc_load', set_byte(b, 0, 2)) AS calendar_in_version_2
FROM fc_bytes;
SELECT (SELECT f::text FROM fc_load) = (SELECT f::text FROM fc_funnel WHERE region = 'amer') AS loaded_same;
SELECT pg_temp.load_binary('pg_temp.fc_load', set_byte(funnel_send(wall), 1, 8)) AS flag_without_calendar FROM fc_funnel WHERE region = 'amer';
