-- (3) Time in stage, per stage, plain SQL: lead(at) over each lead's
-- history in time order (ties by ladder rank); the last event of a lead has
-- no next event and is left out.
SELECT stage, count(d) AS stints, avg(d) AS avg_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS median_time
FROM (SELECT stage, lead(at) OVER w - at AS d
      FROM bench_events
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) s
WHERE d IS NOT NULL
GROUP BY stage
ORDER BY stage;
