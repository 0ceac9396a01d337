-- (8) Pipeline snapshot, align: one pipeline aggregate over the raw events,
-- any row order, on the same 52-week grid; its rows with a stock.
-- needs: pipeline pipeline_rows
SELECT r.at, r.stage, r.in_stage
FROM (SELECT pipeline(lead_id, stage, at, timestamptz '2026-01-05 00:00+00',
                      timestamptz '2026-12-28 00:00+00', interval '1 week') AS p
      FROM bench_events) s,
     pipeline_rows(s.p) r
WHERE r.in_stage > 0
ORDER BY 1, 2;
