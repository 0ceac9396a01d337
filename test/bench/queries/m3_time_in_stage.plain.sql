-- (3) Time in stage, per stage, plain SQL: lead(at) over each lead's
-- history in time order (ties by ladder rank); the last event of a lead has
-- no next event and no completed stay.  Per stage: stays, median and p90
-- (percentile_disc: an observed duration, as align's quantiles are).
SELECT stage, count(d) AS stays,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY d) AS median_stay,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY d) AS p90_stay
FROM (SELECT stage, lead(at) OVER w - at AS d
      FROM bench_events
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) s
WHERE d IS NOT NULL
GROUP BY stage
ORDER BY stage;
