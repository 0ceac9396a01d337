-- The calendar oracle shared by sql/handoff_calendar.sql and
-- sql/funnel_calendar.sql: two regions' calendars (hc_cal), their weekly
-- hours and closed days written by hand as plain rows (hc_hours,
-- hc_closed, never derived from the calendar value), every real minute of
-- March 2026 marked working or not in the calendar's zone (hc_minute), the
-- working minutes before each (hc_oracle), and plain_work(region, a, b):
-- the working time between two minutes of March.
-- two regions, each with its calendar: Berlin (DST 2026-03-29 02:00 -> 03:00
-- inside Sunday's 01:00-04:00, a half day, a closed day); New York
-- (overnight shifts, DST 2026-03-08 02:00 inside Sunday's 00:30-03:00, two
-- closed days)
CREATE TEMP TABLE hc_cal (region text PRIMARY KEY, tz text, cal work_calendar);
INSERT INTO hc_cal VALUES
 ('emea', 'Europe/Berlin',
  'mon-fri 09:00-17:30; sun 01:00-04:00; tz Europe/Berlin; closed 2026-03-13 13:00-, 2026-03-20'),
 ('amer', 'America/New_York',
  'mon-thu 22:00-06:00; fri 22:00-02:30; sun 00:30-03:00; tz America/New_York; closed 2026-03-10..2026-03-11');

-- the same hours as plain rows: ISO weekday, minutes of the local day
-- [start_min, end_min); a shift past midnight is two rows
CREATE TEMP TABLE hc_hours (region text, isodow int, start_min int, end_min int);
INSERT INTO hc_hours
SELECT 'emea', d, 540, 1050 FROM generate_series(1, 5) d
UNION ALL VALUES ('emea', 7, 60, 240);
INSERT INTO hc_hours
SELECT 'amer', d, 1320, 1440 FROM generate_series(1, 5) d
UNION ALL SELECT 'amer', d, 0, 360 FROM generate_series(2, 5) d
UNION ALL VALUES ('amer', 6, 0, 150), ('amer', 7, 30, 180);
-- closed local time as plain rows [from_local, to_local)
CREATE TEMP TABLE hc_closed (region text, from_local timestamp, to_local timestamp);
INSERT INTO hc_closed VALUES
 ('emea', '2026-03-13 13:00', '2026-03-14 00:00'), ('emea', '2026-03-20', '2026-03-21'),
 ('amer', '2026-03-10', '2026-03-12');

-- the oracle: every real minute of March 2026; before = working minutes
-- of the month before it
CREATE TEMP TABLE hc_minute AS
SELECT c.region, m,
       (EXISTS (SELECT 1 FROM hc_hours h
                WHERE h.region = c.region
                  AND h.isodow = extract(isodow FROM m AT TIME ZONE c.tz)
                  AND extract(hour FROM m AT TIME ZONE c.tz) * 60 + extract(minute FROM m AT TIME ZONE c.tz)
                      BETWEEN h.start_min AND h.end_min - 1)
        AND NOT EXISTS (SELECT 1 FROM hc_closed x
                        WHERE x.region = c.region
                          AND m AT TIME ZONE c.tz >= x.from_local AND m AT TIME ZONE c.tz < x.to_local))::int AS working
FROM hc_cal c, generate_series(timestamptz '2026-03-01 00:00+00', '2026-04-01 00:00+00', interval '1 minute') m;
CREATE TEMP TABLE hc_oracle AS
SELECT region, m, coalesce(sum(working) OVER (PARTITION BY region ORDER BY m
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS before
FROM hc_minute;
CREATE UNIQUE INDEX ON hc_oracle (region, m);
ANALYZE hc_oracle;
-- plain working time between two minutes of March in a region
CREATE FUNCTION pg_temp.plain_work(r text, a timestamptz, b timestamptz) RETURNS interval
LANGUAGE sql STABLE AS $$
SELECT ((SELECT before FROM hc_oracle WHERE region = r AND m = b)
        - (SELECT before FROM hc_oracle WHERE region = r AND m = a)) * interval '1 minute'
$$;
