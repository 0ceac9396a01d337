-- (5) Speed to lead, plain SQL: stage changes (owner: the stage's team) and
-- touches (owner: the touching team) in one stream per lead, in time order
-- (ties by team); at every handoff into sales, the time since the other
-- team's last row (lag).  Per channel: the number of handoffs, median and
-- p90 gap (percentile_disc), share within a 1-day SLA.
SELECT l.channel, count(*) AS handoffs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY h.gap) AS median_gap,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY h.gap) AS p90_gap,
       count(*) FILTER (WHERE h.gap <= interval '1 day')::float8 / count(*) AS sla_met
FROM (SELECT lead_id, team, lag(team) OVER w AS prev_team, at - lag(at) OVER w AS gap
      FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
            UNION ALL
            SELECT lead_id, at, team FROM bench_touches) s
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) h
JOIN bench_leads l USING (lead_id)
WHERE h.team = 'sales' AND h.prev_team <> 'sales'
GROUP BY 1
ORDER BY 1;
