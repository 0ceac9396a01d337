-- Context for (3): the window alone, without the per-stage aggregation on
-- top (which both formulations share): lead(at) - at over every row.
SELECT count(d)
FROM (SELECT lead(at) OVER (PARTITION BY lead_id ORDER BY at, stage) - at AS d
      FROM bench_events) s;
