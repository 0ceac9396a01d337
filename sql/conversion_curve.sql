-- Conversion for maturing cohorts (issue 15): funnel_as_of and
-- conversion_curve against an independent plain-SQL Kaplan-Meier, on
-- generated data whose true curve is known by construction.
\set SHOW_CONTEXT never
\i sql/include/sqlstate_of.sql

-- 8000 leads enter mql at a time spread over January to June 2026; with
-- probability 0.4 a lead reaches sql after a delay uniform over (0, 60)
-- days, with probability 0.2 it is disqualified after a uniform delay,
-- else nothing happens.  The data is taken as of 2026-07-01: later events
-- have not happened yet.  The true probability of reaching sql within
-- t days of entering mql is 0.4 * min(t / 60, 1): 0.2 at 30 days.
SELECT setseed(0.15);
CREATE TABLE km_leads AS
SELECT g AS lead, timestamptz '2026-01-01 00:00+00' + random() * interval '181 days' AS t0,
       random() AS u, random() * interval '60 days' AS delay
FROM generate_series(1, 8000) g;
CREATE TABLE km_events AS
SELECT lead, 'mql'::lead_stage AS stage, t0 AS at FROM km_leads
UNION ALL
SELECT lead, CASE WHEN u < 0.4 THEN 'sql' ELSE 'disqualified' END::lead_stage, t0 + delay
FROM km_leads WHERE u < 0.6;
ANALYZE km_events;
CREATE TABLE km_grid AS SELECT unnest(ARRAY[0, 1, 7, 14, 30, 45, 60, 90]::float8[]) AS days;

-- The plain-SQL Kaplan-Meier, written independently of align: per lead its
-- exact time from mql to sql in seconds if it reached sql by as_of, else
-- censored at its age at as_of (disqualified leads too: they stay at risk,
-- exits are a competing risk); the product-limit estimate over distinct
-- times (conversions before censorings at a tie), Greenwood's variance and
-- the log-log interval, read at t seconds.
CREATE FUNCTION pg_temp.km_of(times float8[], events int[], t float8,
    OUT cohort bigint, OUT at_risk bigint, OUT converted bigint, OUT censored bigint,
    OUT conversion float8, OUT conversion_low float8, OUT conversion_high float8, OUT naive float8)
LANGUAGE sql IMMUTABLE AS $$
WITH per_lead AS (
    SELECT time, event FROM unnest(times, events) u(time, event)),
times AS (
    SELECT time, sum(event) AS d, count(*) AS n_here FROM per_lead GROUP BY time),
risk AS (
    SELECT time, d, sum(n_here) OVER (ORDER BY time DESC) AS n FROM times),
steps AS (
    SELECT time, d, n,
           sum(CASE WHEN d = n THEN '-Infinity'::float8 ELSE ln(1 - d::float8 / n) END)
               OVER (ORDER BY time) AS log_s,
           sum(CASE WHEN d > 0 AND n > d THEN d::float8 / (n * (n - d)) ELSE 0 END)
               OVER (ORDER BY time) AS greenwood
    FROM risk),
at_t AS (
    SELECT coalesce((SELECT exp(log_s) FROM steps WHERE time <= t ORDER BY time DESC LIMIT 1), 1) AS s,
           coalesce((SELECT greenwood FROM steps WHERE time <= t ORDER BY time DESC LIMIT 1), 0) AS g)
SELECT (SELECT count(*) FROM per_lead),
       (SELECT count(*) FROM per_lead WHERE time >= t),
       (SELECT count(*) FROM per_lead WHERE time <= t AND event = 1),
       (SELECT count(*) FROM per_lead WHERE time <= t AND event = 0),
       1 - s,
       CASE WHEN s = 1 THEN 0 ELSE 1 - s ^ exp(-1.959963984540054 * sqrt(g) / abs(ln(s))) END,
       CASE WHEN s = 1 THEN 0 ELSE 1 - s ^ exp(1.959963984540054 * sqrt(g) / abs(ln(s))) END,
       (SELECT count(*) FROM per_lead WHERE time <= t AND event = 1)::float8
           / nullif((SELECT count(*) FROM per_lead), 0)
FROM at_t
$$;
-- The plain-SQL Kaplan-Meier of the leads of km_events that entered mql in [lo, hi).
CREATE FUNCTION pg_temp.km_sql(lo timestamptz, hi timestamptz, t float8,
    OUT cohort bigint, OUT at_risk bigint, OUT converted bigint, OUT censored bigint,
    OUT conversion float8, OUT conversion_low float8, OUT conversion_high float8, OUT naive float8)
LANGUAGE sql STABLE AS $$
SELECT k.*
FROM (SELECT array_agg(extract(epoch FROM coalesce(s.at, timestamptz '2026-07-01 00:00+00') - m.at)::float8) AS times,
             array_agg((s.at IS NOT NULL)::int) AS events
      FROM km_events m
      LEFT JOIN km_events s ON s.lead = m.lead AND s.stage = 'sql' AND s.at <= '2026-07-01 00:00+00'
      WHERE m.stage = 'mql' AND m.at >= lo AND m.at < hi AND m.at <= '2026-07-01 00:00+00') x,
     pg_temp.km_of(x.times, x.events, t) k
$$;

-- align, all leads
CREATE TABLE km_funnel AS
SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00') AS f FROM km_events;
CREATE TABLE km_curve AS
SELECT c.* FROM km_funnel, conversion_curve(f, 'mql', 'sql', (SELECT array_agg(days) FROM km_grid)) c;

-- (a) align against the plain-SQL Kaplan-Meier, every column.  Within t
-- counts every time <= t and the times of t's sketch bucket above it
-- (less than a bucket's width, gamma = 1.0192, above t); at risk counts
-- every time >= t and those of t's bucket below it.  So converted and
-- censored lie between the exact counts at t and at t * gamma, at risk
-- between those at t and at t / gamma, and a probability within 0.005 of
-- the exact one (a few leads' times in the bucket that straddles t).
SELECT a.days, a.cohort = e.cohort AS cohort_ok,
       a.at_risk BETWEEN e.at_risk AND lo.at_risk AS at_risk_ok,
       a.converted BETWEEN e.converted AND hi.converted AS converted_ok,
       a.censored BETWEEN e.censored AND hi.censored AS censored_ok,
       abs(a.conversion - e.conversion) < 0.005 AS conversion_ok,
       abs(a.conversion_low - e.conversion_low) < 0.005 AS low_ok,
       abs(a.conversion_high - e.conversion_high) < 0.005 AS high_ok,
       abs(a.naive - e.naive) < 0.005 AS naive_ok,
       a.left_out = 0 AS left_out_ok
FROM km_curve a,
     LATERAL pg_temp.km_sql('-infinity', 'infinity', a.days * 86400) e,
     LATERAL pg_temp.km_sql('-infinity', 'infinity', a.days * 86400 / 1.0192) lo,
     LATERAL pg_temp.km_sql('-infinity', 'infinity', a.days * 86400 * 1.0192) hi
ORDER BY a.days;
-- and the estimate recovers the truth, 0.4 * min(t / 60, 1), within its interval
SELECT days, round(conversion::numeric, 2) AS conversion,
       0.4 * least(days / 60, 1) BETWEEN conversion_low AND conversion_high AS truth_inside
FROM km_curve WHERE days > 0 ORDER BY days;

-- (b) the question of the issue: a young cohort (entered in the 45 days
-- before as_of, so part of it is younger than 30 days) and an old one
-- (January).  Kaplan-Meier at 30 days covers the truth, 0.2, for both;
-- the naive rate of the young cohort at 30 days is far below it, and so is
-- its overall rate (conversion()), the "March is worse than January".
CREATE TABLE km_cohorts AS
SELECT CASE WHEN l.t0 >= '2026-05-17 00:00+00' THEN 'young' WHEN l.t0 < '2026-02-01 00:00+00' THEN 'old' END AS cohort,
       funnel_as_of(e.lead, e.stage, e.at, '2026-07-01 00:00+00') AS f
FROM km_events e JOIN km_leads l USING (lead)
WHERE l.t0 >= '2026-05-17 00:00+00' OR l.t0 < '2026-02-01 00:00+00'
GROUP BY 1;
SELECT k.cohort, c.cohort > 1000 AS large, 0.2 BETWEEN c.conversion_low AND c.conversion_high AS km_covers_truth,
       c.naive < 0.16 AS naive_far_below, round(c.naive::numeric, 2) AS naive,
       round(conversion(k.f, 'mql', 'sql')::numeric, 2) AS overall_naive
FROM km_cohorts k, conversion_curve(k.f, 'mql', 'sql', ARRAY[30]) c
ORDER BY 1;
-- the cohorts' curves against the plain-SQL Kaplan-Meier of their leads
SELECT k.cohort, abs(c.conversion - e.conversion) < 0.005 AS conversion_ok,
       abs(c.conversion_low - e.conversion_low) < 0.005 AS low_ok,
       abs(c.conversion_high - e.conversion_high) < 0.005 AS high_ok, c.cohort = e.cohort AS cohort_ok
FROM km_cohorts k, conversion_curve(k.f, 'mql', 'sql', ARRAY[30]) c,
     LATERAL pg_temp.km_sql(CASE k.cohort WHEN 'young' THEN timestamptz '2026-05-17 00:00+00' ELSE '-infinity' END,
                            CASE k.cohort WHEN 'young' THEN timestamptz 'infinity' ELSE '2026-02-01 00:00+00' END,
                            30 * 86400) e
ORDER BY 1;

-- (c) rollup of monthly cohorts is the funnel of the union, byte for byte
SELECT (SELECT rollup(f)::text FROM (
            SELECT date_trunc('month', l.t0, 'UTC'), funnel_as_of(e.lead, e.stage, e.at, '2026-07-01 00:00+00') AS f
            FROM km_events e JOIN km_leads l USING (lead) GROUP BY 1) m)
       = (SELECT f::text FROM km_funnel) AS rollup_is_union;

-- text and binary round trips keep it
CREATE TABLE km_load (f funnel);
\i sql/include/load_binary.sql
SELECT f::text::funnel::text = f::text AS text_round_trip,
       (f::text)::jsonb ->> 'as_of' AS as_of,
       funnel_send(f::text::funnel) = funnel_send(f) AS text_same_bytes,
       pg_temp.load_binary('km_load', funnel_send(f)) AS binary_loads
FROM km_funnel;
SELECT (SELECT f::text FROM km_load) = (SELECT f::text FROM km_funnel) AS binary_round_trip;

-- a parallel plan (Partial Aggregate under Gather) gives the same funnel
SET align.partial_merge_cost = 0;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00') FROM km_events;
SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00')::text = (SELECT f::text FROM km_funnel) AS parallel_same
FROM km_events;
RESET align.partial_merge_cost;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- a tiny memory budget (the open leads spill to temporary files): the same funnel
SET align.memory_budget = '64kB';
SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00')::text = (SELECT f::text FROM km_funnel) AS spilled_same
FROM km_events;
RESET align.memory_budget;

-- Small cases whose answer is plain to see.  Lead 1 converts in 2 days;
-- lead 2 is still open, 30 days old; lead 3 is disqualified after 1 day
-- and stays at risk up to its age, 27 days; lead 4 skips to opportunity
-- after 10 days (reaching sql or beyond); lead 5 reaches sql after as_of
-- (not yet: censored at 31 days); lead 6 reached sql before mql (left
-- out); lead 7 has an mql at an unknown time (not in the cohort).
CREATE TABLE km_small (lead text, stage lead_stage, at timestamptz);
INSERT INTO km_small VALUES
    ('1', 'mql', '2026-01-01'), ('1', 'sql', '2026-01-03'), ('2', 'mql', '2026-01-02'),
    ('3', 'mql', '2026-01-05'), ('3', 'disqualified', '2026-01-06'),
    ('4', 'mql', '2026-01-01'), ('4', 'opportunity', '2026-01-11'),
    ('5', 'mql', '2026-01-01'), ('5', 'sql', '2026-03-01'),
    ('6', 'sql', '2026-01-01'), ('6', 'mql', '2026-01-04'), ('7', 'mql', NULL);
SET TimeZone = 'UTC';
SELECT days, cohort, at_risk, converted, censored, round(conversion::numeric, 4) AS conversion,
       round(naive::numeric, 4) AS naive, left_out
FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small),
                      'mql', 'sql', ARRAY[0, 1.9, 2, 9.9, 10, 10.5, 26, 28, 30, 40]);
-- Times exactly on whole days (daily data): every lead converting in
-- exactly d days counts within d days, and every lead exactly d days old
-- at as_of is censored within d days and at risk at d.  Per d in 1, 10,
-- 14, 30, 90, two leads convert in exactly d days and one is exactly d days
-- old; their times are in distinct sketch buckets, so the curve equals the
-- plain-SQL Kaplan-Meier exactly, on every whole day from 1 to 90.
CREATE TABLE km_days (lead text, stage lead_stage, at timestamptz);
INSERT INTO km_days
SELECT d || '-' || k, 'mql', timestamptz '2026-01-01 00:00+00' + k * interval '1 hour'
FROM unnest(ARRAY[1, 10, 14, 30, 90]) d, generate_series(1, 2) k
UNION ALL
SELECT d || '-' || k, 'sql', timestamptz '2026-01-01 00:00+00' + k * interval '1 hour' + d * interval '1 day'
FROM unnest(ARRAY[1, 10, 14, 30, 90]) d, generate_series(1, 2) k
UNION ALL
SELECT d || '-open', 'mql', timestamptz '2026-07-01 00:00+00' - d * interval '1 day'
FROM unnest(ARRAY[1, 10, 14, 30, 90]) d;
CREATE TABLE km_days_exact AS
SELECT array_agg(extract(epoch FROM coalesce(s.at, timestamptz '2026-07-01 00:00+00') - m.at)::float8) AS times,
       array_agg((s.at IS NOT NULL)::int) AS events
FROM km_days m LEFT JOIN km_days s ON s.lead = m.lead AND s.stage = 'sql'
WHERE m.stage = 'mql';
SELECT a.days, a.cohort, a.at_risk, a.converted, a.censored, round(a.conversion::numeric, 4) AS conversion
FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00') FROM km_days),
                      'mql', 'sql', ARRAY[1, 10, 14, 30, 90]) a
ORDER BY a.days;
SELECT count(*) AS days_checked,
       count(*) FILTER (WHERE (a.cohort, a.at_risk, a.converted, a.censored) = (e.cohort, e.at_risk, e.converted, e.censored)
                          AND abs(a.conversion - e.conversion) < 1e-12 AND abs(a.naive - e.naive) < 1e-12
                          AND abs(a.conversion_low - e.conversion_low) < 1e-12
                          AND abs(a.conversion_high - e.conversion_high) < 1e-12) AS days_equal
FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00') FROM km_days),
                      'mql', 'sql', (SELECT array_agg(g::float8) FROM generate_series(1, 90) g)) a,
     km_days_exact x, LATERAL pg_temp.km_of(x.times, x.events, a.days * 86400) e;
-- and funnel(..., within) agrees: every lead converting in exactly 30 days is within 30 days
SELECT conversion(f, 'mql', 'sql') AS within_30, c.naive * c.cohort / reached(f, 'mql') AS curve_30
FROM (SELECT funnel(lead, stage, at, interval '30 days') AS f FROM km_days WHERE lead NOT LIKE '%-open') x,
     conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-07-01 00:00+00') FROM km_days WHERE lead NOT LIKE '%-open'),
                      'mql', 'sql', ARRAY[30]) c;
-- the stages as lead_stage values: the same curve as given as text
SELECT (SELECT string_agg(c::text, ' ') FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small),
                                                              'mql'::lead_stage, 'sql'::lead_stage, ARRAY[2, 10, 40]) c)
       = (SELECT string_agg(c::text, ' ') FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small),
                                                                'mql', 'sql', ARRAY[2, 10, 40]) c) AS lead_stage_args_same;
-- the funnel's counts are those of funnel() over the rows up to as_of
SELECT funnel_as_of(lead, stage, at, '2026-02-01')::jsonb -> 'reached' AS as_of_reached,
       (funnel(lead, stage, at) FILTER (WHERE at <= '2026-02-01' OR at IS NULL))::jsonb -> 'reached' AS funnel_reached
FROM km_small;
-- other lead key types: the same funnel
SELECT (SELECT funnel_as_of(lead::bigint, stage, at, '2026-02-01')::text FROM km_small)
       = (SELECT funnel_as_of(lead, stage, at, '2026-02-01')::text FROM km_small) AS bigint_same,
       (SELECT funnel_as_of(lead::numeric, stage, at, '2026-02-01')::text FROM km_small)
       = (SELECT funnel_as_of(lead, stage, at, '2026-02-01')::text FROM km_small) AS numeric_same;

-- an enum ladder with a declared outcome
CREATE TYPE km_deal AS ENUM ('open', 'proposal', 'won', 'lost deal');
INSERT INTO ladder_outcome VALUES ('km_deal', 'lost deal', 'lost');
CREATE TABLE km_deals (id uuid, stage km_deal, at timestamptz);
INSERT INTO km_deals VALUES
    ('00000000-0000-0000-0000-000000000001', 'open', '2026-01-01'), ('00000000-0000-0000-0000-000000000001', 'won', '2026-01-05'),
    ('00000000-0000-0000-0000-000000000002', 'open', '2026-01-01'), ('00000000-0000-0000-0000-000000000002', 'lost deal', '2026-01-02'),
    ('00000000-0000-0000-0000-000000000003', 'open', '2026-01-20');
SELECT days, cohort, at_risk, converted, censored, round(conversion::numeric, 4) AS conversion, left_out
FROM conversion_curve((SELECT funnel_as_of(id, stage, at, '2026-02-01') FROM km_deals),
                      'open', 'won', ARRAY[3, 5, 20, 40]);
SELECT reached(f, 'lost deal') AS lost, reached(f, 'won') AS won
FROM (SELECT funnel_as_of(id, stage, at, '2026-02-01') AS f FROM km_deals) x;

-- Rollup across an enum that gained a value: funnels stored before it
-- roll up with funnels built after it, and the curve of the sum is the
-- curve rebuilt from all the events.  Lead 1 converts from open to won in
-- 4 days, lead 2 stays open, lead 3 tops out at proposal; then 'demo' is
-- added before 'won' and lead 4 reaches it in 2 days: lead 1 reached demo
-- (it is beyond it) in 4 days, leads 2 and 3 are censored.  Then 'signed'
-- is appended above every stage: nobody reached it, every lead of open is
-- censored, the lead that topped out at the old top (won) too.
CREATE TYPE km_rd AS ENUM ('open', 'proposal', 'won');
CREATE TABLE km_rd_events (id int, stage km_rd, at timestamptz);
INSERT INTO km_rd_events VALUES (1, 'open', '2026-01-01'), (1, 'won', '2026-01-05'), (2, 'open', '2026-01-01'),
                                (3, 'open', '2026-01-10'), (3, 'proposal', '2026-01-12');
CREATE TABLE km_rd_funnels AS SELECT funnel_as_of(id, stage, at, '2026-02-01') AS f FROM km_rd_events;
ALTER TYPE km_rd ADD VALUE 'demo' BEFORE 'won';
INSERT INTO km_rd_events VALUES (4, 'open', '2026-01-01'), (4, 'demo', '2026-01-03');
INSERT INTO km_rd_funnels SELECT funnel_as_of(id, stage, at, '2026-02-01') FROM km_rd_events WHERE id = 4;
SELECT days, cohort, at_risk, converted, censored, round(conversion::numeric, 4) AS conversion, left_out
FROM conversion_curve((SELECT rollup(f) FROM km_rd_funnels), 'open', 'demo', ARRAY[1, 2, 4, 40]);
-- the same curves as the funnel rebuilt from the events, for every pair, and the same funnel
CREATE FUNCTION pg_temp.km_rd_curves(f funnel) RETURNS TABLE (from_stage text, to_stage text, c text)
LANGUAGE sql STABLE AS $$
SELECT a::text, b::text, (SELECT string_agg(x::text, ' ') FROM conversion_curve(f, a::text, b::text, ARRAY[0, 1, 2, 3, 4, 40]) x)
FROM unnest(enum_range(NULL::km_rd)) a, unnest(enum_range(NULL::km_rd)) b WHERE a < b
$$;
SELECT count(*) AS pairs, count(*) FILTER (WHERE r.c = e.c) AS pairs_equal,
       (SELECT rollup(f)::text FROM km_rd_funnels) = (SELECT funnel_as_of(id, stage, at, '2026-02-01')::text FROM km_rd_events) AS same_funnel
FROM pg_temp.km_rd_curves((SELECT rollup(f) FROM km_rd_funnels)) r
JOIN pg_temp.km_rd_curves((SELECT funnel_as_of(id, stage, at, '2026-02-01') FROM km_rd_events)) e USING (from_stage, to_stage);
ALTER TYPE km_rd ADD VALUE 'signed';
SELECT days, cohort, at_risk, converted, censored, conversion, left_out
FROM conversion_curve((SELECT rollup(f) FROM km_rd_funnels), 'open', 'signed', ARRAY[4, 40]);
SELECT count(*) AS pairs, count(*) FILTER (WHERE r.c = e.c) AS pairs_equal,
       (SELECT rollup(f)::text FROM km_rd_funnels) = (SELECT funnel_as_of(id, stage, at, '2026-02-01')::text FROM km_rd_events) AS same_funnel
FROM pg_temp.km_rd_curves((SELECT rollup(f) FROM km_rd_funnels)) r
JOIN pg_temp.km_rd_curves((SELECT funnel_as_of(id, stage, at, '2026-02-01') FROM km_rd_events)) e USING (from_stage, to_stage);
-- the stages as the enum's values: the same curve as given as text
SELECT (SELECT string_agg(c::text, ' ') FROM conversion_curve((SELECT rollup(f) FROM km_rd_funnels), 'open'::km_rd, 'demo'::km_rd, ARRAY[2, 4, 40]) c)
       = (SELECT string_agg(c::text, ' ') FROM conversion_curve((SELECT rollup(f) FROM km_rd_funnels), 'open', 'demo', ARRAY[2, 4, 40]) c) AS enum_args_same;
-- the ages: per stage entered and highest stage reached ("1-3": entered open, topped out at demo)
SELECT (SELECT rollup(f) FROM km_rd_funnels)::jsonb -> 'ages' AS ages;
DROP TABLE km_rd_events, km_rd_funnels;
DROP TYPE km_rd;

-- In working time (a calendar last): lead A enters mql on Friday
-- 2026-01-02 16:00 and sql on Monday 10:00, 2 working hours later (16:00 to
-- 17:00 Friday, 09:00 to 10:00 Monday); lead B enters mql on Monday
-- 2026-01-05 09:00 and is open on Wednesday 09:00 (as_of): censored at 16
-- working hours.  By the wall clock they would be 2.75 and 2 days.
CREATE TABLE km_hours (lead text, stage lead_stage, at timestamptz);
INSERT INTO km_hours VALUES ('A', 'mql', '2026-01-02 16:00+00'), ('A', 'sql', '2026-01-05 10:00+00'),
                            ('B', 'mql', '2026-01-05 09:00+00');
SELECT days, days * 24 AS hours, cohort, at_risk, converted, censored, conversion
FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-01-07 09:00+00', 'mon-fri 09:00-17:00; tz UTC')
                       FROM km_hours), 'mql', 'sql', ARRAY[1.5 / 24, 2.5 / 24, 15.5 / 24, 16.5 / 24]);
-- its text and binary forms keep the calendar and as_of
CREATE TABLE km_hours_funnel AS
SELECT funnel_as_of(lead, stage, at, '2026-01-07 09:00+00', 'mon-fri 09:00-17:00; tz UTC') AS f FROM km_hours;
SELECT f::text::funnel::text = f::text AS text_round_trip, pg_temp.load_binary('km_load', funnel_send(f)) AS binary_loads
FROM km_hours_funnel;
SELECT (SELECT k.f::text FROM km_load k WHERE (k.f::jsonb) ? 'calendar') = (SELECT f::text FROM km_hours_funnel)
       AS binary_round_trip;
-- a calendar of every hour gives the calendar-less sketches
SELECT (SELECT f::jsonb - 'calendar' FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01', 'mon-sun 00:00-24:00; tz UTC') AS f FROM km_small) x)
       = (SELECT f::jsonb FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x) AS every_hour_same,
       pg_temp.sqlstate_of($$SELECT funnel_as_of(lead, stage, at, '2026-02-01', NULL) FROM km_small$$) AS null_calendar,
       pg_temp.sqlstate_of($$SELECT rollup(f) FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01', 'mon-fri 09:00-17:00; tz UTC') FROM km_small
                                                  UNION ALL SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small) x(f)$$) AS rollup_calendar_and_none;

-- an empty input gives an empty funnel, and an empty curve
SELECT cohort, at_risk, conversion, naive
FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, now()) FROM km_small WHERE false),
                      'mql', 'sql', ARRAY[30]);

-- errors
SELECT pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel(lead, stage, at) FROM km_small), 'mql', 'sql', ARRAY[30])$$) AS not_as_of,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'sql', 'mql', ARRAY[30])$$) AS backwards,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'mql', ARRAY[30])$$) AS same_stage,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'disqualified', ARRAY[30])$$) AS outcome,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'nonsense', ARRAY[30])$$) AS unknown_stage,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'sql', ARRAY[-1])$$) AS negative_days,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'sql', ARRAY['NaN'::float8])$$) AS nan_days,
       pg_temp.sqlstate_of($$SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'sql', ARRAY[1, NULL])$$) AS null_days;
SELECT pg_temp.sqlstate_of($$SELECT funnel_as_of(lead, stage, at, NULL) FROM km_small$$) AS null_as_of,
       pg_temp.sqlstate_of($$SELECT funnel_as_of(lead, stage, at, CASE WHEN lead = '3' THEN timestamptz '2026-03-01' ELSE '2026-02-01' END) FROM km_small$$) AS as_of_varies,
       pg_temp.sqlstate_of($$SELECT funnel_as_of(lead, stage, at, 'infinity') FROM km_small$$) AS infinite_as_of,
       pg_temp.sqlstate_of($$SELECT rollup(f) FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small UNION ALL SELECT funnel_as_of(lead, stage, at, '2026-03-01') FROM km_small) x(f)$$) AS rollup_other_as_of,
       pg_temp.sqlstate_of($$SELECT rollup(f) FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small UNION ALL SELECT funnel(lead, stage, at) FROM km_small) x(f)$$) AS rollup_with_funnel;
\set VERBOSITY default
SELECT * FROM conversion_curve((SELECT funnel(lead, stage, at) FROM km_small), 'mql', 'sql', ARRAY[30]);
SELECT rollup(f) FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small
                       UNION ALL SELECT funnel_as_of(lead, stage, at, '2026-03-01') FROM km_small) x(f);
SELECT * FROM conversion_curve((SELECT funnel_as_of(lead, stage, at, '2026-02-01') FROM km_small), 'mql', 'sql', ARRAY[1, 'NaN'::float8]);
\set VERBOSITY terse
-- corrupt text: an as_of not written as funnel_out writes it
SELECT pg_temp.sqlstate_of($$SELECT replace(f::text, '2026-02-01T00:00:00.000000Z', '2026-02-01 00:00:00+00')::funnel
                             FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x$$) AS as_of_spelling,
       pg_temp.sqlstate_of($$SELECT replace(f::text, '"left_out": {"3-4": 1', '"left_out": {"3-4": 99')::funnel
                             FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x$$) AS too_many_left_out;
-- corrupt text: ages of a stage with no known entry, ages down the ladder,
-- a conversion from a stage to itself, and an age moved from one highest
-- stage to another (the censored of a pair no longer add up)
SELECT pg_temp.sqlstate_of($$SELECT replace(f::text, '"ages": {', '"ages": {"1-1": [[1, 1]], ')::funnel
                             FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x$$) AS age_without_lead,
       pg_temp.sqlstate_of($$SELECT replace(f::text, '"ages": {', '"ages": {"4-3": [[1, 1]], ')::funnel
                             FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x$$) AS age_down,
       pg_temp.sqlstate_of($$SELECT replace(f::text, '"converted": {', '"converted": {"3-3": [[1, 1]], ')::funnel
                             FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x$$) AS converted_to_itself,
       pg_temp.sqlstate_of($$SELECT replace(f::text, '"ages": {"3-3":', '"ages": {"3-7":')::funnel
                             FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x$$) AS age_moved,
       (SELECT (f::jsonb -> 'ages') ? '3-3' FROM (SELECT funnel_as_of(lead, stage, at, '2026-02-01') AS f FROM km_small) x) AS has_3_3;
RESET TimeZone;
DROP TABLE km_days, km_days_exact, km_leads, km_events, km_grid, km_funnel, km_curve, km_cohorts, km_small, km_deals, km_load, km_hours, km_hours_funnel;
DELETE FROM ladder_outcome WHERE ladder = 'km_deal'::regtype;
DROP TYPE km_deal;
