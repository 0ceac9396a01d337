-- One time range for every function that takes a time (issue 13): what a
-- funnel's slot holds, 1931-12-13 20:45:53 UTC up to 2068-01-19 03:14:07 UTC
-- (excluded).  Inside it every function answers, and the widest gap is
-- exactly timestamptz - timestamptz; outside it (one microsecond out, year
-- 18, 4713 BC, 294276 AD, infinities) every function raises 22008 with the
-- same message, for event times and for as_of alike.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

CREATE TYPE tr_ladder AS ENUM ('visit', 'demo', 'paid');

-- the two edges of the range, one lead and two owners
CREATE TEMP TABLE edge (lead int, at timestamptz, o text, stage lead_stage, deal tr_ladder);
INSERT INTO edge VALUES (1, '1931-12-13 20:45:53+00', 'a', 'subscriber', 'visit'),
                        (1, '2068-01-19 03:14:06.999999+00', 'b', 'customer', 'paid');
SELECT max(at) - min(at) AS widest FROM edge;

-- the window functions: the widest gap, exactly as timestamptz - timestamptz
SELECT at, handoff_gap(at, o) OVER w AS gap, time_in_stage(at) OVER w AS stay,
       time_in_stage(at, '2068-01-19 03:14:06.999999+00') OVER w AS stay_as_of,
       sla_breached(at, o, '1 day', '2068-01-19 03:14:06.999999+00') OVER w AS breached,
       handoff_gap(at, o) OVER w IS NOT DISTINCT FROM
           CASE WHEN o = 'b' THEN (SELECT max(at) - min(at) FROM edge) END AS gap_exact,
       time_in_stage(at) OVER w IS NOT DISTINCT FROM
           CASE WHEN o = 'a' THEN (SELECT max(at) - min(at) FROM edge) END AS stay_exact
FROM edge WINDOW w AS (PARTITION BY lead ORDER BY at);
-- the sort-free aggregates, "any" and concrete lead types
SELECT (s).median_gap = (SELECT max(at) - min(at) FROM edge) AS summary_exact,
       (s).handoffs
FROM (SELECT handoff_summary(lead, at, o, '1 day') AS s FROM edge) x;
SELECT (s).median_gap = (SELECT max(at) - min(at) FROM edge) AS summary_any_exact
FROM (SELECT handoff_summary(lead::float8, at, o, '1 day') AS s FROM edge) x;
SELECT (s[1]).stage, (s[1]).median_stay = (SELECT max(at) - min(at) FROM edge) AS stays_exact
FROM (SELECT stage_stays(lead, at, stage) AS s FROM edge) x;
SELECT (s[1]).median_stay = (SELECT max(at) - min(at) FROM edge) AS stays_any_exact
FROM (SELECT stage_stays(lead::float8, at, stage) AS s FROM edge) x;
-- window_funnel: a window of the whole range reaches the top, a day does not
SELECT window_funnel((SELECT max(at) - min(at) FROM edge), at, stage) AS whole_range,
       window_funnel(interval '1 day', at, stage) AS one_day,
       window_funnel((SELECT max(at) - min(at) FROM edge), at, deal) AS whole_range_enum
FROM edge;
-- funnel: both edges are entered at known times
SELECT reached(f, 'customer') AS customers, (f::jsonb -> 'known') AS known
FROM (SELECT funnel(lead, stage, at) AS f FROM edge) x;
SELECT reached(funnel(lead, deal, at), 'paid'::tr_ladder) AS paid,
       reached(funnel(lead, stage, at, interval '200 years'), 'customer') AS within
FROM edge;

-- Outside the range: every function, every kind of time, 22008.  %1$s is
-- the time; the window functions get it as the second of two rows (the
-- first row reads it ahead) and as as_of.
CREATE TEMP TABLE outside (t text);
INSERT INTO outside VALUES ('1931-12-13 20:45:52.999999+00'), ('2068-01-19 03:14:07+00'),
    ('0018-03-01 00:00+00'), ('4713-01-01 00:00+00 BC'), ('294276-12-31 00:00+00'),
    ('infinity'), ('-infinity');
CREATE TEMP TABLE call (f text, stmt text);
INSERT INTO call VALUES
    ('funnel', $$SELECT funnel(1, 'mql'::lead_stage, %1$L::timestamptz)$$),
    ('funnel any key', $$SELECT funnel(1.5::float8, 'mql'::lead_stage, %1$L::timestamptz)$$),
    ('funnel within', $$SELECT funnel(1, 'mql'::lead_stage, %1$L::timestamptz, '1 day')$$),
    ('funnel enum', $$SELECT funnel(1, 'demo'::tr_ladder, %1$L::timestamptz)$$),
    ('window_funnel', $$SELECT window_funnel('1 day', %1$L::timestamptz, 'mql'::lead_stage)$$),
    ('window_funnel enum', $$SELECT window_funnel('1 day', %1$L::timestamptz, 'demo'::tr_ladder)$$),
    ('handoff_gap', $$SELECT handoff_gap(at, o) OVER (ORDER BY at) FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'a'), (%1$L, 'b')) v(at, o)$$),
    ('time_in_stage', $$SELECT time_in_stage(at) OVER (ORDER BY at) FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'a'), (%1$L, 'b')) v(at, o)$$),
    ('time_in_stage as_of', $$SELECT time_in_stage(at, %1$L) OVER () FROM (VALUES ('2026-01-01 00:00+00'::timestamptz)) v(at)$$),
    ('sla_breached', $$SELECT sla_breached(at, o, '1 day') OVER (ORDER BY at) FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'a'), (%1$L, 'b')) v(at, o)$$),
    ('sla_breached ahead', $$SELECT sla_breached(at, o, '1 day', '2026-02-01 00:00+00') OVER (ORDER BY at NULLS FIRST) FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'a'), (%1$L, NULL)) v(at, o)$$),
    ('sla_breached as_of', $$SELECT sla_breached(at, o, '1 day', %1$L) OVER () FROM (VALUES ('2026-01-01 00:00+00'::timestamptz, 'a')) v(at, o)$$),
    ('handoff_summary', $$SELECT handoff_summary(1, %1$L::timestamptz, 'a'::text, '1 day')$$),
    ('handoff_summary any key', $$SELECT handoff_summary(1.5::float8, %1$L::timestamptz, 'a'::text, '1 day')$$),
    ('stage_stays', $$SELECT stage_stays(1, %1$L::timestamptz, 'mql'::lead_stage)$$),
    ('stage_stays any key', $$SELECT stage_stays(1.5::float8, %1$L::timestamptz, 'mql'::lead_stage)$$);
SELECT c.f, count(*) AS times,
       string_agg(DISTINCT pg_temp.sqlstate_of(format(c.stmt, o.t)), ', ') AS sqlstates
FROM call c, outside o GROUP BY c.f ORDER BY c.f;
-- the same statements one microsecond inside the range: no error
SELECT c.f, string_agg(DISTINCT pg_temp.sqlstate_of(format(c.stmt, i.t)), ', ') AS sqlstates
FROM call c, (VALUES ('1931-12-13 20:45:53+00'), ('2068-01-19 03:14:06.999999+00')) i(t)
GROUP BY c.f ORDER BY c.f;

-- the same message from every function; the issue's year 18 first
SELECT handoff_gap(at, o) OVER (ORDER BY at)
FROM (VALUES ('0018-03-01 00:00+00'::timestamptz, 'a'), ('2026-03-01 00:00+00', 'b')) v(at, o);
SELECT funnel(1, 'mql'::lead_stage, '0018-03-01 00:00+00');
SELECT window_funnel('1 day', '0018-03-01 00:00+00'::timestamptz, 'mql'::lead_stage);
SELECT handoff_summary(1, '0018-03-01 00:00+00'::timestamptz, 'a'::text, '1 day');
SELECT stage_stays(1, 'infinity'::timestamptz, 'mql'::lead_stage);
SELECT time_in_stage(at, 'infinity') OVER () FROM (VALUES ('2026-01-01 00:00+00'::timestamptz)) v(at);
