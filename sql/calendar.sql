-- work_calendar and working-time arithmetic (issue 14), against an
-- independent plain-SQL oracle: each calendar's weekly hours and closed
-- days are also written by hand as plain rows (cal_hours, cal_closed, never
-- derived from the calendar value), and working minutes are counted with
-- generate_series over the real minutes of two windows around the 2026 DST
-- changes, each minute converted AT TIME ZONE the calendar's zone.  Spans of
-- a year or more are checked per local day instead.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- the calendars under test
CREATE TEMP TABLE cal (name text PRIMARY KEY, tz text, body work_calendar);
INSERT INTO cal VALUES
 -- Berlin: DST 2026-03-29 02:00 -> 03:00 and 2026-10-25 03:00 -> 02:00, both
 -- on a Sunday, inside Sunday's 01:00-04:00; a half day, closed days, a
 -- closed morning and a closed hour and a half
 ('berlin', 'Europe/Berlin',
  'Mon-Fri 09:00-17:30; sat 10:00-14:00; sunday 01:00-04:00; tz Europe/Berlin;
   closed 2026-03-27 13:00-, 2026-04-03, 2026-04-06, 2026-10-26 -12:00, 2026-11-02 10:00-11:30'),
 -- New York: overnight shifts (one shortened on Friday), DST 2026-03-08 and
 -- 2026-11-01 at 02:00 inside Sunday's 00:30-03:00; two closed days, a closed night
 ('newyork', 'America/New_York',
  'mon-thu 22:00-06:00; fri 22:00-02:30; sun 00:30-03:00, 12:00-13:00; tz America/New_York;
   closed 2026-03-10..2026-03-11, 2026-11-03 01:00-05:00'),
 -- Kolkata: no DST, a half-hour offset, a lunch break
 ('kolkata', 'Asia/Kolkata',
  'mon-fri 10:00-13:00, 14:00-19:00; tz Asia/Kolkata; closed 2026-03-04, 2026-10-20 15:00-'),
 -- UTC: a shift over the end of the week (Sunday into Monday), closed inside it
 ('weekend', 'UTC',
  'sun 20:00-04:00; wed 12:00-12:30; closed 2026-03-15 22:00-23:00, 2026-11-08 23:30-, 2026-11-09 -01:00');

-- the same hours as plain rows: ISO weekday, minutes of the local day
-- [start_min, end_min); a shift past midnight is two rows
CREATE TEMP TABLE cal_hours (name text, isodow int, start_min int, end_min int);
INSERT INTO cal_hours
SELECT 'berlin', d, 540, 1050 FROM generate_series(1, 5) d
UNION ALL VALUES ('berlin', 6, 600, 840), ('berlin', 7, 60, 240);
INSERT INTO cal_hours
SELECT 'newyork', d, 1320, 1440 FROM generate_series(1, 5) d
UNION ALL SELECT 'newyork', d, 0, 360 FROM generate_series(2, 5) d
UNION ALL VALUES ('newyork', 6, 0, 150), ('newyork', 7, 30, 180), ('newyork', 7, 720, 780);
INSERT INTO cal_hours
SELECT 'kolkata', d, s, e FROM generate_series(1, 5) d, (VALUES (600, 780), (840, 1140)) v(s, e);
INSERT INTO cal_hours VALUES ('weekend', 7, 1200, 1440), ('weekend', 1, 0, 240), ('weekend', 3, 720, 750);

-- closed local time as plain rows [from_local, to_local)
CREATE TEMP TABLE cal_closed (name text, from_local timestamp, to_local timestamp);
INSERT INTO cal_closed VALUES
 ('berlin', '2026-03-27 13:00', '2026-03-28 00:00'), ('berlin', '2026-04-03', '2026-04-04'),
 ('berlin', '2026-04-06', '2026-04-07'), ('berlin', '2026-10-26 00:00', '2026-10-26 12:00'),
 ('berlin', '2026-11-02 10:00', '2026-11-02 11:30'),
 ('newyork', '2026-03-10', '2026-03-12'), ('newyork', '2026-11-03 01:00', '2026-11-03 05:00'),
 ('kolkata', '2026-03-04', '2026-03-05'), ('kolkata', '2026-10-20 15:00', '2026-10-21 00:00'),
 ('weekend', '2026-03-15 22:00', '2026-03-15 23:00'), ('weekend', '2026-11-08 23:30', '2026-11-09 01:00');

-- the canonical text
SELECT name, body FROM cal ORDER BY name;

-- the oracle: every real minute of two windows (around the spring and the
-- autumn DST changes of 2026), working when its local time is inside a
-- plain hours row and outside every plain closed row; before = working
-- minutes of the window before it
CREATE TEMP TABLE win (w int, lo timestamptz, hi timestamptz);
INSERT INTO win VALUES (1, '2026-03-01 00:00+00', '2026-04-10 00:00+00'),
                       (2, '2026-10-18 00:00+00', '2026-11-12 00:00+00');
CREATE TEMP TABLE minute AS
SELECT c.name, win.w, m,
       (EXISTS (SELECT 1 FROM cal_hours h
                WHERE h.name = c.name
                  AND h.isodow = extract(isodow FROM m AT TIME ZONE c.tz)
                  AND extract(hour FROM m AT TIME ZONE c.tz) * 60 + extract(minute FROM m AT TIME ZONE c.tz)
                      BETWEEN h.start_min AND h.end_min - 1)
        AND NOT EXISTS (SELECT 1 FROM cal_closed x
                        WHERE x.name = c.name
                          AND m AT TIME ZONE c.tz >= x.from_local AND m AT TIME ZONE c.tz < x.to_local))::int AS working
FROM cal c, win, generate_series(win.lo, win.hi, interval '1 minute') m;
CREATE TEMP TABLE oracle AS
SELECT name, w, m, working,
       coalesce(sum(working) OVER (PARTITION BY name, w ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS before
FROM minute;
CREATE INDEX ON oracle (name, m);
CREATE INDEX ON oracle (name, working, m);
CREATE INDEX ON oracle (name, w, before, m);
ANALYZE oracle;
-- the oracle sees the DST changes: local hours skipped and repeated
SELECT name, w, count(*) AS minutes, sum(working) AS working_minutes,
       count(DISTINCT m AT TIME ZONE (SELECT tz FROM cal c WHERE c.name = o.name)) AS distinct_local
FROM oracle o GROUP BY name, w ORDER BY name, w;

-- 3,200 random spans with minute ends inside one window
SELECT setseed(0.14);
CREATE TEMP TABLE span AS
SELECT c.name, win.w, least(a, b) AS from_at, greatest(a, b) AS to_at
FROM cal c CROSS JOIN generate_series(1, 800) i
CROSS JOIN LATERAL (SELECT * FROM win WHERE win.w = 1 + (i % 2)) win
CROSS JOIN LATERAL (SELECT win.lo + floor(random() * extract(epoch FROM win.hi - win.lo) / 60) * interval '1 minute' AS a,
                           win.lo + floor(random() * extract(epoch FROM win.hi - win.lo) / 60) * interval '1 minute' AS b
                    WHERE i > 0) r;
-- short spans as well: up to two days
INSERT INTO span
SELECT c.name, 1, a, a + floor(random() * 2880) * interval '1 minute'
FROM cal c CROSS JOIN generate_series(1, 200) i
CROSS JOIN LATERAL (SELECT timestamptz '2026-03-01' + floor(random() * 38 * 1440) * interval '1 minute' AS a
                    WHERE i > 0) r;
SELECT count(*) AS spans,
       count(*) FILTER (WHERE (s.to_at AT TIME ZONE c.tz) - (s.from_at AT TIME ZONE c.tz) <> s.to_at - s.from_at) AS across_dst,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cal_closed x
                                      WHERE x.name = s.name
                                        AND (s.from_at AT TIME ZONE c.tz >= x.from_local AND s.from_at AT TIME ZONE c.tz < x.to_local
                                             OR s.to_at AT TIME ZONE c.tz >= x.from_local AND s.to_at AT TIME ZONE c.tz < x.to_local))) AS end_in_closed
FROM span s JOIN cal c USING (name);

-- working_seconds and working_time against the minute count, span by span
SELECT s.name, count(*) AS spans,
       count(*) FILTER (WHERE working_seconds(c.body, s.from_at, s.to_at) <> 60 * (b.before - a.before)) AS seconds_wrong,
       count(*) FILTER (WHERE working_time(c.body, s.from_at, s.to_at)
                              <> (b.before - a.before) * interval '1 minute') AS interval_wrong,
       count(*) FILTER (WHERE b.before > a.before) AS with_work,
       count(*) FILTER (WHERE b.before = a.before AND s.to_at > s.from_at) AS without_work
FROM span s JOIN cal c USING (name)
JOIN oracle a ON a.name = s.name AND a.m = s.from_at
JOIN oracle b ON b.name = s.name AND b.m = s.to_at
GROUP BY s.name ORDER BY s.name;

-- is_working_time against the minute table, at the minute and 30 s into it
SELECT o.name, count(*) AS minutes,
       count(*) FILTER (WHERE is_working_time(c.body, o.m) <> (o.working = 1)) AS wrong_at_minute,
       count(*) FILTER (WHERE is_working_time(c.body, o.m + interval '30 seconds') <> (o.working = 1)) AS wrong_inside
FROM oracle o JOIN cal c USING (name)
WHERE o.m < (SELECT hi FROM win WHERE win.w = o.w)
GROUP BY o.name ORDER BY o.name;

-- next_opening: the first working minute at or after each span start
SELECT s.name, count(*) AS checked,
       count(*) FILTER (WHERE next_opening(c.body, s.from_at)
                              <> (SELECT min(o.m) FROM oracle o WHERE o.name = s.name AND o.working = 1
                                  AND o.m >= s.from_at)) AS wrong,
       count(*) FILTER (WHERE next_opening(c.body, s.from_at) > s.from_at) AS waited
FROM span s JOIN cal c USING (name)
WHERE EXISTS (SELECT 1 FROM oracle o WHERE o.name = s.name AND o.working = 1 AND o.m >= s.from_at
              AND o.w = s.w)
GROUP BY s.name ORDER BY s.name;

-- working_deadline: k working minutes from each span start.  The oracle
-- property: exactly k minutes of work up to the deadline, less a minute
-- before it; and the minute walk: the first minute at which k minutes have passed
CREATE TEMP TABLE deadline AS
SELECT s.name, s.from_at, k, working_deadline(c.body, s.from_at, k * interval '1 minute') AS d, c.body
FROM span s JOIN cal c USING (name)
CROSS JOIN LATERAL (SELECT (floor(random() * 3000))::int AS k WHERE s.to_at IS NOT NULL) r;
SELECT name, count(*) AS deadlines,
       count(*) FILTER (WHERE working_seconds(body, from_at, d) <> 60 * k) AS work_wrong,
       count(*) FILTER (WHERE k > 0 AND working_seconds(body, from_at, d - interval '1 minute') >= 60 * k) AS not_earliest,
       count(*) FILTER (WHERE k = 0 AND d <> from_at) AS zero_wrong
FROM deadline GROUP BY name ORDER BY name;
SELECT d.name, count(*) AS walked, count(*) FILTER (WHERE d.d <> walk.m) AS wrong
FROM deadline d
JOIN oracle a ON a.name = d.name AND a.m = d.from_at
CROSS JOIN LATERAL (SELECT min(o.m) AS m FROM oracle o
                    WHERE o.name = d.name AND o.w = a.w AND o.before = a.before + d.k AND o.m >= d.from_at) walk
WHERE walk.m IS NOT NULL
GROUP BY d.name ORDER BY d.name;

-- spans of a year or more, per local day: the real length of each plain
-- hours row on each local day, less its overlap with plain closed rows
-- (all hours and closed rows start and end outside the hours a DST change
-- skips or repeats, so each local time maps to one instant)
CREATE TEMP TABLE long_span (name text, from_day date, to_day date);
INSERT INTO long_span SELECT name, f, t FROM cal,
    (VALUES (date '2026-01-01', date '2027-03-01'), (date '1990-06-01', date '2026-01-01'),
            (date '2026-02-14', date '2066-02-14')) v(f, t);
SELECT l.name, l.from_day, l.to_day,
       working_seconds(c.body, l.from_day::timestamp AT TIME ZONE c.tz, l.to_day::timestamp AT TIME ZONE c.tz)
       = (SELECT sum(extract(epoch FROM ((d + h.end_min * interval '1 minute') AT TIME ZONE c.tz)
                                      - ((d + h.start_min * interval '1 minute') AT TIME ZONE c.tz)))
                 - coalesce(sum((SELECT sum(extract(epoch FROM (least(d + h.end_min * interval '1 minute', x.to_local) AT TIME ZONE c.tz)
                                                     - (greatest(d + h.start_min * interval '1 minute', x.from_local) AT TIME ZONE c.tz)))
                                 FROM cal_closed x
                                 WHERE x.name = l.name AND x.from_local < d + h.end_min * interval '1 minute'
                                   AND x.to_local > d + h.start_min * interval '1 minute')), 0)
          FROM generate_series(l.from_day::timestamp, l.to_day::timestamp - interval '1 day', interval '1 day') d
          JOIN cal_hours h ON h.name = l.name AND h.isodow = extract(isodow FROM d)) AS per_day_equal,
       working_time(c.body, l.from_day::timestamp AT TIME ZONE c.tz, l.to_day::timestamp AT TIME ZONE c.tz) AS working
FROM long_span l JOIN cal c USING (name) ORDER BY l.name, l.from_day;

-- 24/7: exactly to_at - from_at, at microsecond ends, over the whole range
SELECT count(*) AS spans,
       count(*) FILTER (WHERE working_time('mon-sun 00:00-24:00', a, b) <> b - a) AS interval_wrong,
       count(*) FILTER (WHERE working_seconds('mon-sun 00:00-24:00', a, b) <> extract(epoch FROM b - a)) AS seconds_wrong,
       count(*) FILTER (WHERE working_deadline('mon-sun 00:00-24:00', a, b - a) <> b) AS deadline_wrong,
       count(*) FILTER (WHERE NOT is_working_time('mon-sun 00:00-24:00', a) OR next_opening('mon-sun 00:00-24:00', a) <> a) AS open_wrong
FROM (SELECT least(x, y) AS a, greatest(x, y) AS b
      FROM (SELECT timestamptz '1931-12-14' + random() * (timestamptz '2068-01-18' - timestamptz '1931-12-14') AS x,
                   timestamptz '1931-12-14' + random() * (timestamptz '2068-01-18' - timestamptz '1931-12-14') AS y
            FROM generate_series(1, 2000)) r) s;
SELECT working_time('mon-sun 00:00-24:00', '1931-12-13 20:45:53+00', '2068-01-19 03:14:06.999999+00')
       = timestamptz '2068-01-19 03:14:06.999999+00' - timestamptz '1931-12-13 20:45:53+00' AS whole_range;

-- the issue's example: a lead on Friday 17:55 with a 4-hour SLA
SELECT working_time(body, '2026-12-18 17:55', '2026-12-19 09:00') AS by_saturday_9,
       working_deadline(body, '2026-12-18 17:55', '4 hours') AT TIME ZONE 'Europe/Berlin' AS deadline_berlin,
       next_opening(body, '2026-12-24 13:00') AT TIME ZONE 'Europe/Berlin' AS after_christmas_eve
FROM (SELECT 'mon-fri 09:00-17:30; sat 10:00-14:00; tz Europe/Berlin;
              closed 2026-12-24 13:00-, 2026-12-25, 2026-12-26'::work_calendar AS body) c;

-- a span outside working time with no working time between is zero; a
-- backwards span is NULL; an empty span zero; NULLs are NULL
SELECT working_time(body, '2026-03-07 18:00+01', '2026-03-07 19:00+01') AS saturday_evening,
       working_time(body, '2026-03-09 12:00', '2026-03-09 11:00') AS backwards,
       working_seconds(body, '2026-03-09 12:00', '2026-03-09 11:00') AS backwards_seconds,
       working_time(body, '2026-03-09 12:00', '2026-03-09 12:00') AS empty,
       working_time(NULL, '2026-03-09 12:00', '2026-03-09 13:00') AS null_cal,
       working_seconds(body, NULL, '2026-03-09 13:00') AS null_from,
       working_deadline(body, '2026-03-09 12:00', NULL) AS null_work,
       is_working_time(body, NULL) AS null_at,
       next_opening(body, NULL) AS null_opening
FROM cal WHERE name = 'berlin';
-- a backwards span is left out by aggregates
SELECT count(working_time(c.body, a, b)) AS counted, sum(working_time(c.body, a, b)) AS total
FROM cal c, (VALUES (timestamptz '2026-03-09 08:00+00', timestamptz '2026-03-09 10:00+00'),
                    ('2026-03-09 10:00+00', '2026-03-09 08:00+00')) v(a, b)
WHERE c.name = 'berlin';

-- times outside align's range and infinities: 22008
SELECT f, pg_temp.sqlstate_of(f) AS sqlstate FROM (VALUES
    ($$SELECT working_time('mon 09:00-17:00', '-infinity', now())$$),
    ($$SELECT working_seconds('mon 09:00-17:00', now(), 'infinity')$$),
    ($$SELECT working_seconds('mon 09:00-17:00', '1931-12-13 20:45:52.999999+00', now())$$),
    ($$SELECT working_time('mon 09:00-17:00', now(), '2068-01-19 03:14:07+00')$$),
    ($$SELECT working_deadline('mon 09:00-17:00', 'infinity', '1 hour')$$),
    ($$SELECT is_working_time('mon 09:00-17:00', '-infinity')$$),
    ($$SELECT next_opening('mon 09:00-17:00', 'infinity')$$),
    ($$SELECT working_deadline('mon 09:00-17:00', '2068-01-16 10:00+00', '1 hour')$$),
    ($$SELECT working_deadline('mon 09:00-17:00', '2026-01-01', '100 years')$$),
    ($$SELECT working_deadline('mon 09:00-17:00', '2026-01-01', '300000 years')$$),
    ($$SELECT next_opening('mon 09:00-17:00', '2068-01-17 10:00+00')$$),
    ($$SELECT working_deadline('mon 09:00-17:00', '2026-01-01', '-1 second')$$),
    ($$SELECT working_deadline('mon 09:00-17:00', '2026-01-01', '1 mon -31 days')$$)
) v(f);
-- the last opening and deadline inside the range
SELECT working_deadline('mon 09:00-17:00', '2068-01-16 10:00+00', '7 hours') AS last_deadline,
       next_opening('mon 09:00-17:00', '2068-01-09 17:00+00') AS last_opening;

-- syntax: case, full day names, day lists, ranges over the week's end,
-- spaces, clauses in any order, touching hours merged, overnight shifts,
-- closed items sorted and merged (overlaps and duplicates are no error)
SELECT t AS input, t::work_calendar AS canonical FROM (VALUES
    ('MON-FRI 09:00-17:30;SAT 10:00-14:00;TZ europe/berlin'),
    ('monday 9:00 - 12:00 , 13:00-17:00 ; Friday,Wed 8:00-9:00'),
    ('fri-mon 10:00-11:00'),
    ('sat-sun 00:00-24:00; mon 00:00-06:00'),
    ('mon 09:00-12:00; mon 12:00-17:00; tue 00:00-24:00'),
    ('fri 22:00-06:00'),
    ('sun 22:00-06:00; mon 06:00-08:00'),
    ('mon 22:00-24:00; tue 00:00-06:00'),
    ('tue-sun 00:00-24:00; mon 00:00-23:59'),
    ('closed 2026-12-26, 2026-12-25; tz UTC; mon 09:00-17:00; closed 2026-12-25 10:00-11:00, 2026-12-24 13:00-'),
    ('mon 09:00-17:00; closed 2026-01-01 10:00-12:00, 2026-01-01 11:00-13:00, 2026-01-01 13:00-14:00'),
    ('mon 09:00-17:00; closed 2026-01-01 22:00-, 2026-01-02..2026-01-04, 2026-01-05 -06:00'),
    ('mon 09:00-17:00; closed 2026-01-01 00:00-24:00, 2026-01-03 -24:00, 2026-01-05 00:00-'),
    ('mon 09:00-17:00;;  ; tz UTC;')
) v(t);

-- in(out(x)) = x, byte for byte, and out(in(out(x))) = out(x)
SELECT name, work_calendar_send(body::text::work_calendar) = work_calendar_send(body) AS bytes_equal,
       body::text::work_calendar::text = body::text AS text_equal,
       body::text::work_calendar = body AS equal
FROM cal ORDER BY name;

-- equality is sameness of hours, zone and closed time, however written;
-- GROUP BY and DISTINCT hash on it
SELECT 'mon-fri 09:00-17:00'::work_calendar = 'Monday-Friday 9:00-12:00, 12:00-17:00; tz UTC' AS same,
       'mon-fri 09:00-17:00'::work_calendar <> 'mon-fri 09:00-17:00; tz Etc/UTC' AS other_zone_name,
       'mon 09:00-17:00; closed 2026-01-01, 2026-01-02'::work_calendar = 'mon 09:00-17:00; closed 2026-01-01..2026-01-02' AS same_closed;
SELECT count(*) AS distinct_calendars
FROM (SELECT DISTINCT c FROM (SELECT body AS c FROM cal UNION ALL SELECT body::text::work_calendar FROM cal) u) s;
SELECT c, count(*) FROM (VALUES ('mon 09:00-17:00'::work_calendar), ('MON 9:00-17:00'), ('tue 09:00-17:00')) v(c)
GROUP BY c ORDER BY count(*) DESC;

-- stored in a table, joined per team, a calendar column that changes per row
CREATE TEMP TABLE team_cal (team text, cal work_calendar);
INSERT INTO team_cal SELECT name, body FROM cal;
SELECT t.team, sum(working_seconds(t.cal, s.from_at, s.to_at)) = sum(60 * (b.before - a.before)) AS sums_match
FROM span s JOIN team_cal t ON t.team = s.name
JOIN oracle a ON a.name = s.name AND a.m = s.from_at
JOIN oracle b ON b.name = s.name AND b.m = s.to_at
GROUP BY t.team ORDER BY t.team;
-- the same spans interleaved across the four calendars, row by row
SELECT count(*) FILTER (WHERE s.ws <> 60 * (b.before - a.before)) AS interleaved_wrong
FROM (SELECT s.*, working_seconds(t.cal, s.from_at, s.to_at) AS ws
      FROM span s JOIN team_cal t ON t.team = s.name ORDER BY s.from_at) s
JOIN oracle a ON a.name = s.name AND a.m = s.from_at
JOIN oracle b ON b.name = s.name AND b.m = s.to_at;

-- binary round trip through COPY BINARY: the same bytes and the same text
CREATE TEMP TABLE cal_copy (c work_calendar);
COPY (SELECT body FROM cal ORDER BY name) TO PROGRAM 'cat > calendar_copy.bin' (FORMAT binary);
COPY cal_copy FROM PROGRAM 'cat calendar_copy.bin' (FORMAT binary);
SELECT count(*) AS copied, count(*) FILTER (WHERE c::text IN (SELECT body::text FROM cal)) AS same_text,
       count(*) FILTER (WHERE work_calendar_send(c) IN (SELECT work_calendar_send(body) FROM cal)) AS same_bytes
FROM cal_copy;
SELECT work_calendar_send('mon 09:00-17:00; closed 2026-01-01'::work_calendar) AS binary_form;

-- Loads bytes as the one field of a binary COPY into cal_copy: 'ok' or the SQLSTATE.
CREATE FUNCTION pg_temp.recv(field bytea) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT %L::bytea) TO PROGRAM %L (FORMAT binary)', field, 'cat > calendar_bad.bin');
    TRUNCATE pg_temp.cal_copy;
    BEGIN
        COPY pg_temp.cal_copy FROM PROGRAM 'cat calendar_bad.bin' (FORMAT binary);
        RETURN 'ok';
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE;
    END;
END $$;
-- bad binary: 22P03, never a value (UTC, mon 09:00-17:00, 2026-01-01 closed is
-- 01 03 555443 0001 021c 03fc 00000001 00d0aca0 00d0b240)
SELECT what, pg_temp.recv(field) AS sqlstate FROM (VALUES
    ('good', '\x01035554430001021c03fc0000000100d0aca000d0b240'::bytea),
    ('empty', '\x'),
    ('version 2', '\x02035554430001021c03fc00000000'),
    ('ends early', '\x01035554430001021c03'),
    ('trailing byte', '\x01035554430001021c03fc0000000000'),
    ('unknown zone', '\x0103585858 0001021c03fc00000000'),
    ('zone not canonical', '\x01037574630001021c03fc00000000'),
    ('zone with NUL', '\x010455544300 0001021c03fc00000000'),
    ('zone path', '\x010b2e2e2f2e2e2f6574632f55 0001021c03fc00000000'),
    ('no hours', '\x010355544300 0000000000'),
    ('empty hours', '\x01035554430001021c021c00000000'),
    ('hours backwards', '\x010355544300 0103fc021c00000000'),
    ('hours past the week', '\x0103555443000127602761 00000000'),
    ('negative minute', '\x01035554430001ffff021c00000000'),
    ('hours touching', '\x0103555443 0002 021c 0300 0300 03fc 00000000'),
    ('hours unsorted', '\x0103555443 0002 0600 0700 021c 03fc 00000000'),
    ('too many hours', '\x0103555443 03e9 021c 03fc 00000000'),
    ('closed count negative', '\x01035554430001021c03fcffffffff'),
    ('closed count huge', '\x01035554430001021c03fc7fffffff'),
    ('closed touching', '\x01035554430001021c03fc0000000200d0aca000d0b24000d0b24000d0b7e0'),
    ('closed empty', '\x01035554430001021c03fc0000000100d0aca000d0aca0'),
    ('closed before 1900', '\x01035554430001021c03fc000000018000000080000010'),
    ('closed after 2100', '\x01035554430001021c03fc000000017f0000007f000010')
) v(what, field);

-- bad text: 22P02 naming the bad part; limits: 54000
SELECT left(t, 60) AS input, length(t) AS length, pg_temp.sqlstate_of(format('SELECT %L::work_calendar', t)) AS sqlstate FROM (VALUES
    ('mon 09:00-17:00; mon 16:00-18:00'), ('fri 22:00-06:00; sat 05:00-10:00'),
    ('sun 23:00-01:00; mon 00:30-02:00'), ('mon-fri 09:00-17:00; wed 08:00-09:30'),
    ('mon 09:00-24:01'), ('mon 25:00-26:00'), ('mon 24:00-05:00'), ('mon 09:60-10:00'),
    ('mon 9-17'), ('mon 09:00-09:00'), ('mon 09:00 17:00'), ('mon 09:00-17:00 extra'),
    ('mon 09:00-17:00; tz Mars/Olympus'), ('mon 09:00-17:00; tz ../../etc/passwd'), ('mon 09:00-17:00; tz'),
    ('mon 09:00-17:00; tz UTC; tz UTC'), ('mun 09:00-17:00'), ('mon-fry 09:00-17:00'), ('mon'),
    ('monday, 09:00-17:00'), ('09:00-17:00'), ('tz UTC'), (''), ('closed 2026-12-25'),
    ('mon 09:00-17:00; closed 2026-02-30'), ('mon 09:00-17:00; closed 2026-13-01'),
    ('mon 09:00-17:00; closed 1899-12-31'), ('mon 09:00-17:00; closed 2026-12-25..2026-12-24'),
    ('mon 09:00-17:00; closed 2026-12-24 13:00-12:00'), ('mon 09:00-17:00; closed 2026-12-24 -00:00'),
    ('mon 09:00-17:00; closed 2026-12-24 13:00'), ('mon 09:00-17:00; closed 26-12-24'), ('mon 09:00-17:00; closed 2026-12-2-'),
    ('mon 09:00-17:00; closed'), ('mon 09:00-17:00; open 2026-12-24'),
    ('mon 09:00-17:00; closed 2026-12-24 24:00-'),
    ('mon 09:00-17:00; closed ' || (SELECT string_agg(to_char(date '2030-01-01' + 2 * i, 'YYYY-MM-DD'), ', ') FROM generate_series(1, 10001) i)),
    ((SELECT string_agg(d || format(' %s:%s-%s:%s', lpad((i / 60)::text, 2, '0'), lpad((i % 60)::text, 2, '0'),
                                    lpad(((i + 1) / 60)::text, 2, '0'), lpad(((i + 1) % 60)::text, 2, '0')), '; ')
      FROM unnest('{mon,tue,wed,thu,fri,sat,sun}'::text[]) d, generate_series(0, 290, 2) i)),
    (repeat(' ', 1000001) || 'mon 09:00-17:00')
) v(t) ORDER BY sqlstate, length(t), t;
-- the messages point at the bad part
\set VERBOSITY default
SELECT 'mon 09:00-17:00; mon 16:00-18:00'::work_calendar;
SELECT 'fri 22:00-06:00; sat 05:00-10:00'::work_calendar;
SELECT 'mon 09:00-17:00; tz Mars/Olympus'::work_calendar;
SELECT 'mun-fri 09:00-17:00'::work_calendar;
SELECT 'mon 09:75-17:00'::work_calendar;
SELECT 'mon 09:00-24:30'::work_calendar;
SELECT 'tz Europe/Berlin; closed 2026-12-25'::work_calendar;
SELECT 'mon 09:00-17:00; closed 2026-12-24 13:00-12:00'::work_calendar;
SELECT ('mon 09:00-17:00; closed ' || (SELECT string_agg(to_char(date '2030-01-01' + 2 * i, 'YYYY-MM-DD'), ', ')
                                      FROM generate_series(1, 10001) i))::work_calendar;
-- 10,000 closed items are accepted
SELECT length(('mon 09:00-17:00; closed ' || (SELECT string_agg(to_char(date '2030-01-01' + 2 * i, 'YYYY-MM-DD'), ', ')
                                             FROM generate_series(1, 10000) i))::work_calendar::text) AS canonical_length;
-- after the cold review: a deadline past the time range in a zone whose
-- offset never changes again (the weeks multiplied past int64) is 22008;
-- zone names that are not IANA zones (a POSIX specification, where UTC+3
-- means UTC-03; localtime, the host's zone) are 22P02; an error quotes
-- whole characters (its text stays valid under any client encoding)
SELECT pg_temp.sqlstate_of($$SELECT working_deadline('mon 09:00-09:01; tz UTC'::work_calendar,
                                                     '1932-01-01', '50 years')$$) AS deadline_beyond_range,
       pg_temp.sqlstate_of($$SELECT working_deadline('mon 09:00-09:01; tz Asia/Tokyo'::work_calendar,
                                                     '1952-01-01', '100 years')$$) AS deadline_beyond_range_tokyo;
SELECT working_deadline('mon 09:00-09:01; tz UTC'::work_calendar, '2026-01-05 09:00+00', '10 minutes')
       = timestamptz '2026-03-09 09:01+00' AS ten_weeks_of_one_minute;
SELECT t AS zone, pg_temp.sqlstate_of(format('SELECT %L::work_calendar', 'mon 09:00-17:00; tz ' || t)) AS sqlstate
FROM unnest(ARRAY['UTC+3', 'ABC-3DEF', 'localtime', 'posixrules', 'Factory', 'UTC0',
                  'UTC', 'Etc/GMT+5', 'EST5EDT', 'America/New_York']) t;
SET client_encoding = 'LATIN1';
\set VERBOSITY default
SELECT (repeat('a', 159) || 'éé; mon 09:00-17:00')::work_calendar;
\set VERBOSITY terse
RESET client_encoding;

-- leave no temporary objects behind for the backend's exit to drop
DISCARD TEMP;
