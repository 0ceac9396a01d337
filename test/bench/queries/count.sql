-- The floor: one scan of the events table, nothing computed.
SELECT count(*) FROM bench_events;
