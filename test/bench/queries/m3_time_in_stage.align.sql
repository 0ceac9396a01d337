-- (3) Time in stage, per stage, align: the window function time_in_stage(at).
-- needs: time_in_stage
SELECT stage, count(d) AS stays,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY d) AS median_stay,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY d) AS p90_stay
FROM (SELECT stage, time_in_stage(at) OVER w AS d
      FROM bench_events
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) s
WHERE d IS NOT NULL
GROUP BY stage
ORDER BY stage;
