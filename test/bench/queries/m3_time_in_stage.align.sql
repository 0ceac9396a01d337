-- (3) Time in stage, per stage, align: time_in_stage(at).
-- needs: time_in_stage(timestamptz)
SELECT stage, count(d) AS stints, avg(d) AS avg_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS median_time
FROM (SELECT stage, time_in_stage(at) OVER w AS d
      FROM bench_events
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) s
WHERE d IS NOT NULL
GROUP BY stage
ORDER BY stage;
