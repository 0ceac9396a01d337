-- (10) Speed to lead as a histogram, plain SQL: the stream of metric (5)
-- (stage changes, owner the stage's team, and touches), at every handoff
-- into sales the time since the other team's last row (lag), counted per
-- channel in the bins handoff_histogram documents (upper edges 1 min ...
-- 30 days and the 1-day SLA, the last bin open): width_bucket over the
-- negated edges puts a gap equal to an edge in the bin it closes.
SELECT channel, bin, count(*) AS n
FROM (SELECT l.channel,
             15 - width_bucket(-extract(epoch FROM h.gap),
                               ARRAY[-2592000, -1209600, -604800, -259200, -172800, -86400, -28800,
                                     -14400, -7200, -3600, -1800, -900, -300, -60]::numeric[]) AS bin
      FROM (SELECT lead_id, team, lag(team) OVER w AS prev_team, at - lag(at) OVER w AS gap
            FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
                  UNION ALL
                  SELECT lead_id, at, team FROM bench_touches) s
            WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) h
      JOIN bench_leads l USING (lead_id)
      WHERE h.team = 'sales' AND h.prev_team <> 'sales') z
GROUP BY 1, 2
ORDER BY 1, 2;
