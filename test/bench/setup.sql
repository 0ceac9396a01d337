-- The indexes a skilled analyst builds for per-lead reports over these
-- tables, then VACUUM ANALYZE (statistics and the visibility map, so that
-- index-only scans are possible).  Both sides read the same tables and may
-- use the same indexes; the planner chooses.
SET client_min_messages = warning;
SET maintenance_work_mem = '1GB';
ALTER TABLE bench_leads ADD PRIMARY KEY (lead_id);
CREATE INDEX bench_events_lead_at ON bench_events (lead_id, at, stage);
CREATE INDEX bench_touches_lead_at ON bench_touches (lead_id, at) INCLUDE (team);
-- The calendar table an analyst keeps for working-time reports (metric 7):
-- one row per working day of sales (mon-fri 09:00-17:30 in Berlin, the
-- 2026 public holidays closed, 24 December until 13:00), opening and
-- closing as instants.
CREATE TABLE bench_workday AS
SELECT (d + time '09:00') AT TIME ZONE 'Europe/Berlin' AS lo,
       (d + CASE WHEN d = '2026-12-24' THEN time '13:00' ELSE time '17:30' END) AT TIME ZONE 'Europe/Berlin' AS hi
FROM generate_series(timestamp '2025-01-01', timestamp '2029-12-31', interval '1 day') AS g(d)
WHERE extract(isodow FROM d) < 6
  AND d::date NOT IN ('2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25',
                      '2026-10-03', '2026-12-25', '2026-12-26');
CREATE INDEX bench_workday_lo ON bench_workday (lo) INCLUDE (hi);
VACUUM ANALYZE bench_workday;
VACUUM ANALYZE bench_leads;
VACUUM ANALYZE bench_events;
VACUUM ANALYZE bench_touches;
RESET maintenance_work_mem;
RESET client_min_messages;
