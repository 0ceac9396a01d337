-- (6) window_funnel with a 30-day window, align: window_funnel per lead
-- (GROUP BY lead), counted per stage.
-- needs: window_funnel
SELECT furthest, count(*) AS leads
FROM (SELECT window_funnel(interval '30 days', at, stage) AS furthest
      FROM bench_events
      GROUP BY lead_id) per_lead
GROUP BY furthest
ORDER BY furthest;
