-- Context for (3): the window alone, without the per-stage aggregation on
-- top (which both formulations share): time_in_stage(at) over every row.
-- needs: time_in_stage
SELECT count(d)
FROM (SELECT time_in_stage(at) OVER (PARTITION BY lead_id ORDER BY at, stage) AS d
      FROM bench_events) s;
