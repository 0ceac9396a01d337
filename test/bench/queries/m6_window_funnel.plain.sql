-- (6) window_funnel with a 30-day window, plain SQL: per lead, the furthest
-- ladder stage reached in order within 30 days of a chain's start, counted
-- per stage.  window_funnel's default mode: a chain starts at every event of
-- the lead's entry stage (the stage of its first ladder event, ties by rank)
-- and steps to any higher ladder stage within the window.  So per event, the
-- highest ladder stage in the next 30 days (a RANGE frame); per lead, the
-- best of those over the events at its entry stage.
SELECT furthest, count(*) AS leads
FROM (SELECT max(reach) FILTER (WHERE stage = entry) AS furthest
      FROM (SELECT lead_id, stage, reach,
                   max(stage) FILTER (WHERE ladder_seq = 1 AND stage <= 'evangelist')
                       OVER (PARTITION BY lead_id) AS entry
            FROM (SELECT lead_id, stage,
                         max(stage) FILTER (WHERE stage <= 'evangelist')
                             OVER (PARTITION BY lead_id ORDER BY at
                                   RANGE BETWEEN CURRENT ROW AND interval '30 days' FOLLOWING) AS reach,
                         count(*) FILTER (WHERE stage <= 'evangelist')
                             OVER (PARTITION BY lead_id ORDER BY at, stage ROWS UNBOUNDED PRECEDING) AS ladder_seq
                  FROM bench_events) e) f
      GROUP BY lead_id) per_lead
GROUP BY furthest
ORDER BY furthest;
