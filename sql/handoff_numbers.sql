-- The numbers of handoff_summary, stage_stays and the duration window
-- functions (issue 13, items 6 and 9): which quantile each column is
-- (percentile_disc, and percentile_cont beside it) and every duration also
-- as float8 hours, against plain SQL over the same rows.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql
\i sql/include/plain_stats.sql

-- four leads, each handed from marketing to sales after 1, 2, 10 and 30
-- hours (and a stay at mql as long): the medians differ, percentile_disc
-- picks the 2nd of 4 gaps (2 hours), percentile_cont goes halfway between
-- the 2nd and the 3rd (6 hours); the p90s are 30 and 24 hours
CREATE TABLE hn_small (lead int, at timestamptz, team text, stage lead_stage);
INSERT INTO hn_small
SELECT lead, timestamptz '2026-03-02 09:00' + h * interval '1 hour' * k, t, s
FROM (VALUES (1, 1), (2, 2), (3, 10), (4, 30)) AS g(lead, h),
     (VALUES (0, 'marketing', 'mql'::lead_stage), (1, 'sales', 'sql')) AS r(k, t, s);
SELECT handoffs, median_gap, median_gap_hours, median_gap_cont, median_gap_cont_hours,
       p90_gap, p90_gap_hours, p90_gap_cont, p90_gap_cont_hours
FROM (SELECT (handoff_summary(lead, at, team, interval '4 hours')).* FROM hn_small) s;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) AS plain_disc,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS plain_cont,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY gap) AS plain_p90_disc,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY gap) AS plain_p90_cont
FROM (SELECT at - lag(at) OVER (PARTITION BY lead ORDER BY at) AS gap FROM hn_small) x WHERE gap IS NOT NULL;
SELECT stage, stays, median_stay, median_stay_hours, median_stay_cont, median_stay_cont_hours,
       p90_stay, p90_stay_hours, p90_stay_cont, p90_stay_cont_hours
FROM unnest((SELECT stage_stays(lead, at, stage) FROM hn_small));
-- one gap: every quantile is that gap; no gap: handoffs 0 and NULLs
SELECT (handoff_summary(lead, at, team, interval '4 hours')).* FROM hn_small WHERE lead = 3;
SELECT (handoff_summary(lead, at, team, interval '4 hours')).* FROM hn_small WHERE team = 'sales';

-- generated streams, times to the second (so that hours are exact:
-- extract(epoch ...)::float8 / 3600 is the same float8), ties, NULL
-- owners and times, rows shuffled: every column equals plain SQL, per
-- group, for groups of 1 to hundreds of gaps
SELECT setseed(0.23);
CREATE TABLE hn_events AS
SELECT lead_id,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE timestamptz '2026-04-01' + date_trunc('second', k * interval '11 hours' * (0.2 + random()))
       END AS at,
       CASE WHEN random() < 0.05 THEN NULL
            ELSE (ARRAY['marketing', 'sales', 'success', 'sales'])[1 + floor(random() * least(4, 1 + k))::int]
       END AS team,
       (ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'lost'])[1 + least(k, 6)]::lead_stage AS stage
FROM generate_series(1, 2500) lead_id, LATERAL generate_series(0, (random() * 7 + lead_id * 0)::int) k
ORDER BY random();
UPDATE hn_events SET at = date_trunc('hour', at) WHERE random() < 0.1;
-- groups of 1, 2, 3, ... leads (lead_id's triangular root), so of every size
CREATE TEMP VIEW hn_grouped AS
SELECT *, floor(sqrt(2 * lead_id))::int AS grp FROM hn_events;
CREATE TEMP TABLE hn_plain_hs AS
SELECT grp, pg_temp.plain_handoff_stats(array_agg(gap), interval '12 hours') AS want
FROM (SELECT grp, team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
      FROM hn_grouped WHERE at IS NOT NULL AND team IS NOT NULL
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
WHERE prev_team IS NOT NULL AND prev_team <> team GROUP BY grp;
CREATE TEMP TABLE hn_plain_stays AS
SELECT grp, stage, pg_temp.plain_stay_stats(stage, array_agg(stay)) AS want
FROM (SELECT grp, stage, lead(at) OVER (PARTITION BY lead_id ORDER BY at, stage) - at AS stay
      FROM hn_grouped WHERE at IS NOT NULL) x
WHERE stay IS NOT NULL GROUP BY grp, stage;
CREATE FUNCTION pg_temp.hn_check(label text, OUT label text, OUT groups bigint, OUT same_handoffs bigint,
                                 OUT stay_rows bigint, OUT same_stays bigint,
                                 OUT disc_differs_from_cont bigint)
LANGUAGE sql AS $$
    SELECT label, count(*), count(*) FILTER (WHERE s.h::text = p.want::text),
           (SELECT count(*) FROM hn_plain_stays),
           (SELECT count(*) FROM (SELECT grp, stage_stays(lead_id, at, stage) AS st FROM hn_grouped GROUP BY grp) g
                   CROSS JOIN LATERAL unnest(g.st) u JOIN hn_plain_stays p ON p.grp = g.grp AND p.stage = u.stage
            WHERE u::text = p.want::text),
           count(*) FILTER (WHERE (s.h).median_gap <> (s.h).median_gap_cont)
    FROM (SELECT grp, handoff_summary(lead_id, at, team, interval '12 hours') AS h FROM hn_grouped GROUP BY grp) s
    JOIN hn_plain_hs p USING (grp)
$$;
SELECT * FROM pg_temp.hn_check('serial');
-- past the memory budget: the gaps and stays spill, and the two order
-- statistics percentile_cont needs are selected from the files
SET align.memory_budget = '16kB';
SELECT * FROM pg_temp.hn_check('16kB');
SELECT (SELECT handoff_summary(lead_id, at, team, interval '12 hours') FROM hn_events)::text
     = (SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '12 hours')::text
        FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
              FROM hn_events WHERE at IS NOT NULL AND team IS NOT NULL
              WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
        WHERE prev_team IS NOT NULL AND prev_team <> team) AS spilled_whole_table_as_plain;
RESET align.memory_budget;
-- a parallel plan (partial states serialized and combined) gives the same
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET align.partial_merge_cost = 0;
EXPLAIN (COSTS OFF)
SELECT handoff_summary(lead_id, at, team, interval '12 hours') FROM hn_events;
SELECT (SELECT handoff_summary(lead_id, at, team, interval '12 hours') FROM hn_events)::text
     = (SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '12 hours')::text
        FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
              FROM hn_events WHERE at IS NOT NULL AND team IS NOT NULL
              WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
        WHERE prev_team IS NOT NULL AND prev_team <> team) AS parallel_as_plain,
       (SELECT stage_stays(lead_id, at, stage) FROM hn_events)::text
     = (SELECT array_agg(want ORDER BY stage)::text
        FROM (SELECT stage, pg_temp.plain_stay_stats(stage, array_agg(stay)) AS want
              FROM (SELECT stage, lead(at) OVER (PARTITION BY lead_id ORDER BY at, stage) - at AS stay
                    FROM hn_events WHERE at IS NOT NULL) x
              WHERE stay IS NOT NULL GROUP BY stage) y) AS parallel_stays_as_plain;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;

-- times to the microsecond: the hours are the exact quotient rounded once
-- to float8 (the float8 nearest the numeric extract(epoch ...) / 3600,
-- taken to 20 decimals: numeric's default 16 digits are too few), the
-- percentile_cont interval is PostgreSQL's interpolation to the
-- microsecond, and its hours PostgreSQL's float8 interpolation (here over
-- hours from float8 seconds, so within a few units in the last place)
CREATE TABLE hn_micro AS
SELECT lead_id, timestamptz '2026-05-01' + k * interval '1 hour' * (0.5 + random()) AS at,
       CASE WHEN k % 2 = 0 THEN 'marketing' ELSE 'sales' END AS team,
       (ARRAY['mql', 'sql'])[1 + k % 2]::lead_stage AS stage
FROM generate_series(1, 300) lead_id, generate_series(0, 3) k;
SELECT count(*) FILTER (WHERE extract(microseconds FROM at)::bigint % 1000000 <> 0) > 0 AS sub_second_times
FROM hn_micro;
WITH s AS (SELECT (handoff_summary(lead_id, at, team, interval '1 hour')).* FROM hn_micro),
p AS (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) AS disc50,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY gap) AS disc90,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS cont50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY gap) AS cont90,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM gap)::float8 / 3600) AS cont50_hours,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM gap)::float8 / 3600) AS cont90_hours
      FROM (SELECT team, lag(team) OVER w AS prev_team, at - lag(at) OVER w AS gap
            FROM hn_micro WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
      WHERE prev_team <> team)
SELECT s.median_gap = p.disc50 AND s.p90_gap = p.disc90 AS same_disc,
       s.median_gap_cont = p.cont50 AND s.p90_gap_cont = p.cont90 AS same_cont,
       s.median_gap_hours = (round(extract(epoch FROM p.disc50), 20) / 3600)::float8
       AND s.p90_gap_hours = (round(extract(epoch FROM p.disc90), 20) / 3600)::float8 AS disc_hours_rounded_once,
       abs(s.median_gap_cont_hours - p.cont50_hours) <= p.cont50_hours * 1e-15
       AND abs(s.p90_gap_cont_hours - p.cont90_hours) <= p.cont90_hours * 1e-15 AS cont_hours_within_float8
FROM s, p;

-- the window functions in hours: handoff_gap_hours and time_in_stage_hours
-- are NULL exactly where the interval forms are, and otherwise their
-- extract(epoch ...) / 3600 rounded once to float8; against plain SQL too
-- (lag over the rows with an owner, lead over all rows)
CREATE TEMP TABLE hn_window AS
SELECT lead_id, at, team,
       handoff_gap(at, team) OVER w AS gap, handoff_gap_hours(at, team) OVER w AS gap_hours,
       time_in_stage(at) OVER w AS stay, time_in_stage_hours(at) OVER w AS stay_hours,
       time_in_stage(at, timestamptz '2026-06-01') OVER w AS stay_as_of,
       time_in_stage_hours(at, timestamptz '2026-06-01') OVER w AS stay_as_of_hours
FROM (SELECT * FROM hn_events UNION ALL SELECT lead_id + 10000, at, team, stage FROM hn_micro) e
WINDOW w AS (PARTITION BY lead_id ORDER BY at, team);
CREATE FUNCTION pg_temp.same_hours(i interval, h float8) RETURNS boolean LANGUAGE sql AS $$
    SELECT CASE WHEN i IS NULL OR h IS NULL THEN i IS NULL AND h IS NULL
                ELSE h = (round(extract(epoch FROM i), 20) / 3600)::float8 END
$$;
SELECT count(*) AS rows, count(gap_hours) AS gaps, count(stay_hours) AS stays, count(stay_as_of_hours) AS stays_as_of,
       bool_and(pg_temp.same_hours(gap, gap_hours)) AS gap_hours_as_gap,
       bool_and(pg_temp.same_hours(stay, stay_hours)) AS stay_hours_as_stay,
       bool_and(pg_temp.same_hours(stay_as_of, stay_as_of_hours)) AS as_of_hours_as_stay
FROM hn_window;
SELECT (SELECT array_agg(gap_hours ORDER BY gap_hours) FROM hn_window WHERE gap_hours IS NOT NULL AND lead_id < 10000)
     = (SELECT array_agg(extract(epoch FROM gap)::float8 / 3600 ORDER BY gap)
        FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
              FROM hn_events WHERE team IS NOT NULL
              WINDOW w AS (PARTITION BY lead_id ORDER BY at NULLS LAST, team)) x
        WHERE prev_team <> team AND gap IS NOT NULL) AS gap_hours_as_plain_whole_seconds;
SELECT (SELECT array_agg(stay_hours ORDER BY stay_hours) FROM hn_window WHERE stay_hours IS NOT NULL AND lead_id < 10000)
     = (SELECT array_agg(extract(epoch FROM stay)::float8 / 3600 ORDER BY stay)
        FROM (SELECT lead(at) OVER (PARTITION BY lead_id ORDER BY at, team) - at AS stay FROM hn_events) x
        WHERE stay IS NOT NULL) AS stay_hours_as_plain_whole_seconds;

-- bad input: the errors name the hours functions
SELECT pg_temp.sqlstate_of($$SELECT handoff_gap_hours(at, team) OVER (PARTITION BY lead ORDER BY team DESC) FROM hn_small$$) AS gap_out_of_order,
       pg_temp.sqlstate_of($$SELECT time_in_stage_hours(at) OVER (ORDER BY team) FROM hn_small$$) AS stay_out_of_order,
       pg_temp.sqlstate_of($$SELECT time_in_stage_hours(at, 'infinity') OVER (ORDER BY at) FROM hn_small$$) AS infinite_as_of,
       pg_temp.sqlstate_of($$SELECT handoff_gap_hours(at, NULL::json) OVER (ORDER BY at) FROM hn_small$$) AS owner_without_equality;
SELECT time_in_stage_hours(at) OVER (ORDER BY team) FROM hn_small;
SELECT handoff_gap_hours(timestamptz '0018-03-01', 'x'::text) OVER ();

DROP VIEW hn_grouped;
DROP TABLE hn_small, hn_events, hn_micro;
