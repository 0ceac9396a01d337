-- The indexes a skilled analyst builds for per-lead reports over these
-- tables, then VACUUM ANALYZE (statistics and the visibility map, so that
-- index-only scans are possible).  Both sides read the same tables and may
-- use the same indexes; the planner chooses.
SET client_min_messages = warning;
SET maintenance_work_mem = '1GB';
ALTER TABLE bench_leads ADD PRIMARY KEY (lead_id);
CREATE INDEX bench_events_lead_at ON bench_events (lead_id, at, stage);
CREATE INDEX bench_touches_lead_at ON bench_touches (lead_id, at) INCLUDE (team);
VACUUM ANALYZE bench_leads;
VACUUM ANALYZE bench_events;
VACUUM ANALYZE bench_touches;
RESET maintenance_work_mem;
RESET client_min_messages;
