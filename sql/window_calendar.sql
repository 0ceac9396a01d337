-- The handoff-gap window functions with a calendar (issue 14): handoff_gap,
-- handoff_gap_hours, time_in_stage, time_in_stage_hours and sla_breached
-- with a last work_calendar argument measure working time.  Checked against
-- an independent plain-SQL oracle: each calendar's weekly hours and closed
-- time are also written by hand as plain rows (wcal_hours, wcal_closed,
-- never derived from the calendar value), every real minute of two windows
-- (around the spring and autumn DST changes of 2026) is converted AT TIME
-- ZONE the calendar's zone and looked up in them, and working minutes
-- between two times are the difference of the running count of working
-- minutes.  Generated histories (per-row calendars joined from a team table,
-- a constant calendar, NULL times, owners and calendars) are compared row
-- by row with lag/lead over that count; a 24/7 calendar gives exactly the
-- wall-clock answers on sql/window.sql's histories; bad input.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

\i sql/include/sqlstate_of.sql

-- ---------------------------------------------------------------------------
-- The oracle: calendars as values and as plain rows
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE wcal (name text PRIMARY KEY, tz text, body work_calendar);
INSERT INTO wcal VALUES
 -- Berlin, a lunch break; a Sunday night shift 02:00-03:30 that DST cuts to
 -- 30 minutes on 2026-03-29 and stretches to 2h30 on 2026-10-25; closed
 -- days, an afternoon and a morning
 ('sales_de', 'Europe/Berlin',
  'mon-fri 08:30-12:00, 13:00-17:30; sun 02:00-03:30; tz Europe/Berlin;
   closed 2026-03-31 12:00-, 2026-04-03, 2026-04-06, 2026-10-30 -10:00'),
 -- New York, overnight shifts (Friday's runs into Saturday); DST on
 -- 2026-03-08 and 2026-11-01 inside Sunday's 01:00-03:00; a closed day and
 -- a closed evening
 ('support_us', 'America/New_York',
  'mon-fri 21:00-05:00; sun 01:00-03:00; tz America/New_York; closed 2026-03-16, 2026-11-02 22:00-'),
 -- Kolkata: a half-hour offset, no DST, six days a week
 ('office_in', 'Asia/Kolkata', 'mon-sat 09:30-18:00; tz Asia/Kolkata; closed 2026-03-04'),
 -- the README's calendars, for its example in December
 ('sales_xmas', 'Europe/Berlin',
  'mon-fri 09:00-17:30; tz Europe/Berlin; closed 2026-12-24 13:00-, 2026-12-25, 2026-12-26'),
 ('always', 'UTC', 'mon-sun 00:00-24:00');

-- the weekly hours as plain rows: ISO weekday, [start_min, end_min) of the
-- local day; an overnight shift is two rows
CREATE TEMP TABLE wcal_hours (name text, isodow int, start_min int, end_min int);
INSERT INTO wcal_hours
SELECT 'sales_de', d, s, e FROM generate_series(1, 5) AS d, (VALUES (510, 720), (780, 1050)) AS v(s, e)
UNION ALL VALUES ('sales_de', 7, 120, 210);
INSERT INTO wcal_hours
SELECT 'support_us', d, 1260, 1440 FROM generate_series(1, 5) AS d
UNION ALL SELECT 'support_us', d, 0, 300 FROM generate_series(2, 6) AS d
UNION ALL VALUES ('support_us', 7, 60, 180);
INSERT INTO wcal_hours SELECT 'office_in', d, 570, 1080 FROM generate_series(1, 6) AS d;
INSERT INTO wcal_hours SELECT 'sales_xmas', d, 540, 1050 FROM generate_series(1, 5) AS d;
INSERT INTO wcal_hours SELECT 'always', d, 0, 1440 FROM generate_series(1, 7) AS d;
-- the closed local time as plain rows [from_local, to_local)
CREATE TEMP TABLE wcal_closed (name text, from_local timestamp, to_local timestamp);
INSERT INTO wcal_closed VALUES
 ('sales_de', '2026-03-31 12:00', '2026-04-01 00:00'), ('sales_de', '2026-04-03', '2026-04-04'),
 ('sales_de', '2026-04-06', '2026-04-07'), ('sales_de', '2026-10-30 00:00', '2026-10-30 10:00'),
 ('support_us', '2026-03-16', '2026-03-17'), ('support_us', '2026-11-02 22:00', '2026-11-03 00:00'),
 ('office_in', '2026-03-04', '2026-03-05'),
 ('sales_xmas', '2026-12-24 13:00', '2026-12-25 00:00'), ('sales_xmas', '2026-12-25', '2026-12-27');

-- every real minute of the windows, working or not, for the calendars
-- used in each; level = the working minutes before it (the windows are
-- far apart: a span stays inside one)
CREATE TEMP TABLE wwin (w int, lo timestamptz, hi timestamptz, cals text[]);
INSERT INTO wwin VALUES
 (1, '2026-03-02 00:00+00', '2026-04-09 00:00+00', '{sales_de,support_us,office_in}'),
 (2, '2026-10-19 00:00+00', '2026-11-06 00:00+00', '{sales_de,support_us,office_in}'),
 (3, '2026-12-14 00:00+00', '2027-01-04 00:00+00', '{sales_xmas,always}');
CREATE TEMP TABLE wlevel AS
SELECT name, m, working,
       (sum(working) OVER (PARTITION BY name ORDER BY m) - working)::int AS level
FROM (SELECT c.name, m,
             (EXISTS (SELECT 1 FROM wcal_hours h
                      WHERE h.name = c.name AND h.isodow = extract(isodow FROM l.local)
                        AND l.local::time >= make_time(h.start_min / 60, h.start_min % 60, 0)
                        AND (h.end_min = 1440 OR l.local::time < make_time(h.end_min / 60, h.end_min % 60, 0)))
              AND NOT EXISTS (SELECT 1 FROM wcal_closed x
                              WHERE x.name = c.name AND l.local >= x.from_local AND l.local < x.to_local))::int AS working
      FROM wcal c JOIN wwin ON c.name = ANY (wwin.cals)
      CROSS JOIN LATERAL generate_series(wwin.lo, wwin.hi, interval '1 minute') AS m
      CROSS JOIN LATERAL (SELECT m AT TIME ZONE c.tz AS local) AS l) s;
CREATE UNIQUE INDEX ON wlevel (name, m);
ANALYZE wlevel;
-- Working minutes of calendar cal from a to b (both minutes of one window),
-- from the oracle; NULL if cal, a or b is NULL.
CREATE FUNCTION pg_temp.worked(cal text, a timestamptz, b timestamptz) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT (SELECT level FROM wlevel WHERE name = cal AND m = b) - (SELECT level FROM wlevel WHERE name = cal AND m = a)
$$;
-- what the oracle holds: working minutes per calendar and window, and the
-- local minutes DST repeats
SELECT o.name, wwin.w, count(*) AS minutes, sum(o.working) AS working_minutes,
       count(*) - count(DISTINCT o.m AT TIME ZONE c.tz) AS repeated_local
FROM wlevel o JOIN wcal c USING (name) JOIN wwin ON o.m BETWEEN wwin.lo AND wwin.hi
GROUP BY o.name, wwin.w ORDER BY o.name, wwin.w;

-- ---------------------------------------------------------------------------
-- Histories and their plain-SQL answers
-- ---------------------------------------------------------------------------
-- ev: one row per event of a history; mode names the histories ('example':
-- the README's; 'row': generated, each row with its team's calendar;
-- 'sales_de': the same generated rows, one calendar for all); cal_name is
-- the row's calendar (NULL: none).  pos is the window order.
CREATE TEMP TABLE ev (mode text, lead int, seq int, pos int, at timestamptz, owner text,
                      sla interval, as_of timestamptz, cal_name text);
-- The README's example: a lead that marketing qualifies on Friday at 17:55
-- in Berlin and sales calls on Monday at 09:30, then bounced to marketing
-- (24/7) and back to sales over Christmas; a second lead passes through a
-- partner team that has no calendar.
CREATE TEMP TABLE team_calendar (team text PRIMARY KEY, cal_name text);
INSERT INTO team_calendar VALUES ('sales', 'sales_xmas'), ('marketing', 'always'), ('partner', NULL);
INSERT INTO ev (mode, lead, seq, at, owner, sla, as_of, cal_name)
SELECT 'example', lead, seq, at, owner, interval '4 hours', timestamptz '2026-12-29 00:00+00', t.cal_name
FROM (VALUES (1, 1, timestamptz '2026-12-18 16:55+00', 'marketing'),   -- Friday 17:55 in Berlin
             (1, 2, '2026-12-21 08:30+00', 'sales'),        -- Monday 09:30: called
             (1, 3, '2026-12-21 09:30+00', 'sales'),
             (1, 4, '2026-12-23 15:00+00', 'marketing'),    -- bounced back
             (1, 5, '2026-12-28 08:15+00', 'sales'),        -- after Christmas: 24 Dec 09:00-13:00 worked
             (2, 6, '2026-12-21 10:00+00', 'marketing'),
             (2, 7, '2026-12-21 11:00+00', 'partner'),      -- no calendar: NULL
             (2, 8, '2026-12-21 12:00+00', 'sales')) AS v(lead, seq, at, owner)
LEFT JOIN team_calendar t ON t.team = v.owner;
-- Generated: 1200 leads with 1..12 events at random minutes of window 1 or
-- 2; 3 % NULL times, 8 % NULL owners, a fourth team (partner) without a
-- calendar; a per-lead sla (some NULL) and as_of (some NULL, some early).
SELECT setseed(0.14);
INSERT INTO ev (mode, lead, seq, at, owner, sla, as_of)
SELECT 'row', l, 0,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE wwin.lo + floor(random() * extract(epoch FROM wwin.hi - wwin.lo) / 60) * interval '1 minute' END,
       CASE WHEN random() < 0.08 THEN NULL
            ELSE (ARRAY['marketing', 'sales', 'success', 'partner'])[1 + floor(random() * 4)::int] END,
       CASE l % 4 WHEN 0 THEN interval '2 hours' WHEN 1 THEN interval '8 hours'
                  WHEN 2 THEN interval '1 day 6 hours' END,
       CASE l % 5 WHEN 0 THEN NULL WHEN 1 THEN wwin.lo + interval '3 days' ELSE wwin.hi END
FROM generate_series(1, 1200) AS l
JOIN wwin ON wwin.w = 1 + l % 2
CROSS JOIN LATERAL generate_series(1, CASE WHEN random() < 0.15 THEN 1 ELSE 1 + floor(random() * 12 + 0 * l)::int END) AS k;
UPDATE ev SET seq = s.seq, cal_name = CASE owner WHEN 'marketing' THEN 'support_us' WHEN 'sales' THEN 'sales_de'
                                                  WHEN 'success' THEN 'office_in' END
FROM (SELECT ctid, 100 + row_number() OVER (ORDER BY random()) AS seq FROM ev WHERE mode = 'row') s
WHERE ev.ctid = s.ctid;
INSERT INTO ev (mode, lead, seq, at, owner, sla, as_of, cal_name)
SELECT 'sales_de', lead, seq, at, owner, sla, as_of, 'sales_de' FROM ev WHERE mode = 'row';
UPDATE ev SET pos = s.pos
FROM (SELECT mode, seq, row_number() OVER (PARTITION BY mode, lead ORDER BY at, seq) AS pos FROM ev) s
WHERE ev.mode = s.mode AND ev.seq = s.seq;
ANALYZE ev;

-- The plain-SQL answers, in working minutes from the oracle.  Handoffs:
-- among the rows with an owner, a row whose owner differs from the
-- previous such row's (lag); the gap runs from that row's at to this one's
-- and is measured in this row's calendar.  time_in_stage: from at to the
-- next row's at (lead), on the last row to as_of, in this row's calendar.
-- sla_breached: the gap against the sla on handoff rows; with as_of, the
-- last row with an owner also judges its working time until as_of.
CREATE TEMP VIEW ev_ref AS
WITH owned AS (
    SELECT mode, seq,
           row_number() OVER o > 1 AND owner <> lag(owner) OVER o AS handoff,
           lag(at) OVER o AS prev_at,
           lead(seq) OVER o IS NULL AS last_owned
    FROM ev WHERE owner IS NOT NULL
    WINDOW o AS (PARTITION BY mode, lead ORDER BY pos)
), rows AS (
    SELECT e.*, coalesce(o.handoff, false) AS handoff, o.prev_at,
           coalesce(o.last_owned, false) AS last_owned,
           lead(e.at) OVER w AS next_at, lead(e.seq) OVER w IS NULL AS last_row
    FROM ev e LEFT JOIN owned o USING (mode, seq)
    WINDOW w AS (PARTITION BY e.mode, e.lead ORDER BY e.pos)
), minutes AS (
    SELECT r.*,
           CASE WHEN handoff THEN pg_temp.worked(cal_name, prev_at, at) END AS gap,
           CASE WHEN NOT last_row THEN pg_temp.worked(cal_name, at, next_at) END AS stay,
           CASE WHEN NOT last_row THEN pg_temp.worked(cal_name, at, next_at)
                WHEN as_of >= at THEN pg_temp.worked(cal_name, at, as_of) END AS stay_as_of,
           CASE WHEN last_owned AND as_of >= at THEN pg_temp.worked(cal_name, at, as_of) END AS open_wait
    FROM rows r
)
SELECT mode, seq, lead, pos, at, owner, cal_name, sla, as_of, handoff, prev_at, gap, stay, stay_as_of,
       CASE WHEN handoff THEN gap * interval '1 minute' > sla END AS breached,
       CASE WHEN handoff AND last_owned AND as_of >= at
                 THEN gap * interval '1 minute' > sla OR open_wait * interval '1 minute' > sla
            WHEN handoff THEN gap * interval '1 minute' > sla
            WHEN last_owned AND as_of >= at THEN open_wait * interval '1 minute' > sla
       END AS breached_as_of
FROM minutes;

-- align's answers: the calendar is a column of a joined table, per row
CREATE TEMP VIEW ev_align AS
SELECT e.mode, e.seq,
       handoff_gap(e.at, e.owner, c.body) OVER w AS gap,
       handoff_gap_hours(e.at, e.owner, c.body) OVER w AS gap_hours,
       time_in_stage(e.at, c.body) OVER w AS stay,
       time_in_stage(e.at, e.as_of, c.body) OVER w AS stay_as_of,
       time_in_stage_hours(e.at, c.body) OVER w AS stay_hours,
       time_in_stage_hours(e.at, e.as_of, c.body) OVER w AS stay_as_of_hours,
       sla_breached(e.at, e.owner, e.sla, c.body) OVER w AS breached,
       sla_breached(e.at, e.owner, e.sla, e.as_of, c.body) OVER w AS breached_as_of
FROM ev e LEFT JOIN wcal c ON c.name = e.cal_name
WINDOW w AS (PARTITION BY e.mode, e.lead ORDER BY e.pos);

-- The README's example, align next to the oracle: Friday 17:55 to Monday
-- 09:30 is 30 minutes of sales' working time (2 days 15:35 by the clock);
-- the bounce back into marketing is measured in marketing's 24/7 calendar;
-- 23 Dec 16:00 to 28 Dec 09:15 is 1h30 + 4h + 15 min of sales' time
SELECT r.lead, r.at, r.owner, r.cal_name,
       a.gap, r.gap AS oracle_gap_min, a.gap_hours,
       a.stay, r.stay AS oracle_stay_min, a.stay_as_of, r.stay_as_of AS oracle_stay_as_of_min,
       a.breached, r.breached AS oracle_breached, a.breached_as_of, r.breached_as_of AS oracle_breached_as_of
FROM ev_align a JOIN ev_ref r USING (mode, seq)
WHERE mode = 'example'
ORDER BY r.lead, r.pos;

-- Mismatches per function and history (every count must be 0); the
-- interval results compared with =, so '1 day 02:00:00' is 26 hours; the
-- hours as float8, exactly (both are a quotient of the same integers)
CREATE TEMP VIEW ev_check AS
SELECT mode, count(*) AS events,
       count(*) FILTER (WHERE a.gap IS DISTINCT FROM r.gap * interval '1 minute') AS gap_wrong,
       count(*) FILTER (WHERE a.gap_hours IS DISTINCT FROM r.gap::float8 / 60) AS gap_hours_wrong,
       count(*) FILTER (WHERE a.stay IS DISTINCT FROM r.stay * interval '1 minute') AS stay_wrong,
       count(*) FILTER (WHERE a.stay_as_of IS DISTINCT FROM r.stay_as_of * interval '1 minute') AS stay_as_of_wrong,
       count(*) FILTER (WHERE a.stay_hours IS DISTINCT FROM r.stay::float8 / 60
                           OR a.stay_as_of_hours IS DISTINCT FROM r.stay_as_of::float8 / 60) AS stay_hours_wrong,
       count(*) FILTER (WHERE a.breached IS DISTINCT FROM r.breached) AS breached_wrong,
       count(*) FILTER (WHERE a.breached_as_of IS DISTINCT FROM r.breached_as_of) AS breached_as_of_wrong
FROM ev_align a FULL JOIN ev_ref r USING (mode, seq)
GROUP BY mode;
SELECT * FROM ev_check ORDER BY mode;

-- what was compared: values on both sides, DST inside spans, zero gaps,
-- NULLs from a missing calendar, both verdicts
SELECT r.mode, count(r.gap) AS gaps,
       count(*) FILTER (WHERE r.gap > 0) AS gaps_with_work, count(*) FILTER (WHERE r.gap = 0) AS zero_gaps,
       count(*) FILTER (WHERE r.handoff AND r.gap IS NULL AND r.at IS NOT NULL AND r.prev_at IS NOT NULL)
           AS gaps_without_calendar,
       count(*) FILTER (WHERE r.gap IS NOT NULL
                          AND (r.at AT TIME ZONE c.tz) - (r.prev_at AT TIME ZONE c.tz) <> r.at - r.prev_at)
           AS gaps_across_dst,
       count(r.stay) AS stays, count(r.stay_as_of) - count(r.stay) AS open_stays,
       count(*) FILTER (WHERE r.breached) AS breached, count(*) FILTER (WHERE NOT r.breached) AS met,
       count(*) FILTER (WHERE r.breached_as_of AND NOT r.handoff) AS open_waits_breached,
       count(*) FILTER (WHERE r.handoff AND r.breached IS NULL AND r.sla IS NOT NULL AND r.at IS NOT NULL
                          AND r.prev_at IS NOT NULL) AS verdicts_without_calendar
FROM ev_ref r LEFT JOIN wcal c ON c.name = r.cal_name
WHERE r.mode <> 'example'
GROUP BY r.mode ORDER BY r.mode;
-- per calendar of the handoff row: gaps, and the median wall-clock and working gap
SELECT r.cal_name, count(r.gap) AS gaps,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY r.at - r.prev_at) FILTER (WHERE r.gap IS NOT NULL) AS median_wall,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY r.gap * interval '1 minute') AS median_working
FROM ev_ref r WHERE r.mode = 'row' AND r.handoff
GROUP BY r.cal_name ORDER BY r.cal_name;

-- DST: the Sunday shift 02:00-03:30 in Berlin, from Saturday noon to
-- Monday 06:00 (local) around each change: 30 minutes, then 2h30
SELECT k, at, o, handoff_gap(at, o, c.body) OVER w AS working_gap,
       pg_temp.worked('sales_de', lag(at) OVER w, at) AS oracle_minutes
FROM (VALUES (1, timestamptz '2026-03-28 11:00+00', 'a'), (1, '2026-03-30 04:00+00', 'b'),
             (2, '2026-10-24 10:00+00', 'a'), (2, '2026-10-26 05:00+00', 'b')) AS v(k, at, o)
CROSS JOIN wcal c WHERE c.name = 'sales_de'
WINDOW w AS (PARTITION BY k ORDER BY at);

-- one calendar for every row, given once for the query (an initplan), gives
-- the answers of the per-row column holding that calendar on every row
SELECT count(*) AS events,
       count(*) FILTER (WHERE a.gap IS DISTINCT FROM b.gap OR a.stay_as_of IS DISTINCT FROM b.stay_as_of
                           OR a.breached_as_of IS DISTINCT FROM b.breached_as_of) AS mismatches
FROM ev_align a
JOIN (SELECT seq, handoff_gap(at, owner, (SELECT body FROM wcal WHERE name = 'sales_de')) OVER w AS gap,
             time_in_stage(at, as_of, (SELECT body FROM wcal WHERE name = 'sales_de')) OVER w AS stay_as_of,
             sla_breached(at, owner, sla, as_of, (SELECT body FROM wcal WHERE name = 'sales_de')) OVER w AS breached_as_of
      FROM ev WHERE mode = 'sales_de'
      WINDOW w AS (PARTITION BY lead ORDER BY pos)) b USING (seq)
WHERE a.mode = 'sales_de';

-- ---------------------------------------------------------------------------
-- A 24/7 calendar gives exactly today's wall-clock answers, as text, on
-- sql/window.sql's generated histories (ties, NULL times and owners,
-- per-lead sla and as_of); in UTC and in a zone with DST
-- ---------------------------------------------------------------------------
CREATE SCHEMA window_calendar;
SET search_path = window_calendar, public;
\i sql/include/window_hist.sql
SELECT cal, count(*) AS events,
       count(*) FILTER (WHERE (a.gap, a.gap_hours, a.stay, a.stay_as_of, a.stay_hours, a.stay_as_of_hours,
                               a.breached, a.breached_as_of)::text
                              IS DISTINCT FROM
                              (b.gap, b.gap_hours, b.stay, b.stay_as_of, b.stay_hours, b.stay_as_of_hours,
                               b.breached, b.breached_as_of)::text) AS mismatches,
       count(b.gap) AS gaps, count(b.stay_as_of) AS stays_as_of,
       count(*) FILTER (WHERE b.breached_as_of) AS breached, count(*) FILTER (WHERE NOT b.breached_as_of) AS met
FROM (VALUES ('mon-sun 00:00-24:00'::work_calendar), ('mon-sun 00:00-24:00; tz Europe/Berlin')) AS c(cal)
CROSS JOIN LATERAL (
    SELECT seq, handoff_gap(at, owner, c.cal) OVER w AS gap, handoff_gap_hours(at, owner, c.cal) OVER w AS gap_hours,
           time_in_stage(at, c.cal) OVER w AS stay, time_in_stage(at, as_of, c.cal) OVER w AS stay_as_of,
           time_in_stage_hours(at, c.cal) OVER w AS stay_hours,
           time_in_stage_hours(at, as_of, c.cal) OVER w AS stay_as_of_hours,
           sla_breached(at, owner, sla, c.cal) OVER w AS breached,
           sla_breached(at, owner, sla, as_of, c.cal) OVER w AS breached_as_of
    FROM hist WINDOW w AS (PARTITION BY lead ORDER BY pos)) a
JOIN (SELECT seq, handoff_gap(at, owner) OVER w AS gap, handoff_gap_hours(at, owner) OVER w AS gap_hours,
             time_in_stage(at) OVER w AS stay, time_in_stage(at, as_of) OVER w AS stay_as_of,
             time_in_stage_hours(at) OVER w AS stay_hours, time_in_stage_hours(at, as_of) OVER w AS stay_as_of_hours,
             sla_breached(at, owner, sla) OVER w AS breached, sla_breached(at, owner, sla, as_of) OVER w AS breached_as_of
      FROM hist WINDOW w AS (PARTITION BY lead ORDER BY pos)) b USING (seq)
GROUP BY cal ORDER BY cal::text;
RESET search_path;
DROP SCHEMA window_calendar CASCADE;

-- ---------------------------------------------------------------------------
-- NULLs, overloads and bad input
-- ---------------------------------------------------------------------------
-- a NULL calendar gives NULL wherever a duration is measured; handoff_count
-- and the time order are unaffected
SELECT at, o, handoff_gap(at, o, NULL::work_calendar) OVER w AS gap,
       time_in_stage(at, '2026-03-03', NULL::work_calendar) OVER w AS stay,
       sla_breached(at, o, '1 hour', '2026-03-03', NULL::work_calendar) OVER w AS breached,
       handoff_count(o) OVER w AS handoffs
FROM (VALUES (timestamptz '2026-03-02 09:00+00', 'a'), ('2026-03-02 10:00+00', 'b')) AS v(at, o)
WINDOW w AS (ORDER BY at);
-- work_calendar is in the date/time category and not preferred: an untyped
-- literal where an overload takes a calendar and another a timestamptz is
-- the timestamptz, as before calendars existed; a calendar is passed typed
SELECT typcategory, typispreferred FROM pg_type WHERE oid = 'work_calendar'::regtype;
SELECT at, o, sla_breached(at, o, '1 hour', '2026-03-03') OVER w AS untyped_as_of,
       sla_breached(at, o, '1 hour', NULL) OVER w AS null_as_of,
       time_in_stage(at, '2026-03-03') OVER w AS untyped_as_of_stay,
       sla_breached(at, o, '1 hour', 'mon-fri 09:00-17:00'::work_calendar) OVER w AS typed_calendar
FROM (VALUES (timestamptz '2026-03-02 09:00+00', 'a'), ('2026-03-02 11:00+00', 'b')) AS v(at, o)
WINDOW w AS (ORDER BY at);
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (ORDER BY at) FROM (VALUES %s) AS v(at, o)', f, v)) AS sqlstate
FROM unnest(ARRAY[
    -- an untyped calendar is read as the timestamptz: 22007
    'time_in_stage(at, ''mon-fri 09:00-17:00'')',
    'sla_breached(at, o, ''1 hour'', ''mon-fri 09:00-17:00'')',
    -- a bad calendar: 22P02
    'handoff_gap(at, o, ''mon-fri 09:00-25:00''::work_calendar)',
    -- not a calendar: 42883
    'handoff_gap(at, o, 42)',
    'time_in_stage(at, now(), ''x''::text)',
    -- a negative sla: 22023
    'sla_breached(at, o, ''-1 hour'', ''mon-fri 09:00-17:00''::work_calendar)']) AS f,
     unnest(ARRAY[$$('2026-03-02 09:00+00'::timestamptz, 'a'), ('2026-03-02 10:00+00', 'b')$$]) AS v
ORDER BY 1;
-- infinite times, in at or in as_of: 22008
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (ORDER BY at) FROM (VALUES %s) AS v(at, o)', f, v)) AS sqlstate
FROM unnest(ARRAY['handoff_gap(at, o, ''mon-sun 00:00-24:00''::work_calendar)',
                  'time_in_stage(at, ''mon-sun 00:00-24:00''::work_calendar)',
                  'time_in_stage_hours(at, ''infinity'', ''mon-sun 00:00-24:00''::work_calendar)',
                  'sla_breached(at, o, ''1 hour'', ''infinity'', ''mon-sun 00:00-24:00''::work_calendar)']) AS f,
     unnest(ARRAY[$$('2026-03-02 09:00+00'::timestamptz, 'a'), ('-infinity', 'b')$$,
                  $$('2026-03-02 09:00+00'::timestamptz, 'a'), ('2026-03-02 10:00+00', 'b')$$]) AS v
ORDER BY 1, 2;
-- rows out of time order are an error with a calendar too (22000)
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (ORDER BY k) FROM (VALUES %s) AS v(k, at, o)', f, v)) AS sqlstate
FROM unnest(ARRAY['handoff_gap(at, o, ''mon-sun 00:00-24:00''::work_calendar)',
                  'handoff_gap_hours(at, o, ''mon-sun 00:00-24:00''::work_calendar)',
                  'time_in_stage(at, ''mon-sun 00:00-24:00''::work_calendar)',
                  'time_in_stage_hours(at, ''2026-04-01'', ''mon-sun 00:00-24:00''::work_calendar)',
                  'sla_breached(at, o, ''1 hour'', ''mon-sun 00:00-24:00''::work_calendar)',
                  'sla_breached(at, o, ''1 hour'', ''2026-04-01'', ''mon-sun 00:00-24:00''::work_calendar)']) AS f,
     unnest(ARRAY[$$(1, timestamptz '2026-03-02 10:00+00', 'a'), (2, '2026-03-02 09:00+00', 'b')$$]) AS v
ORDER BY 1;
-- not a window
SELECT handoff_gap(now(), 'a'::text, 'mon 09:00-10:00'::work_calendar);
