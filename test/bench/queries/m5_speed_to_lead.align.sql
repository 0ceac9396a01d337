-- (5) Speed to lead, align: the same stream, the window functions
-- handoff_gap and sla_breached.
-- needs: handoff_gap sla_breached
SELECT l.channel, count(*) AS handoffs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY h.gap) AS median_gap,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY h.gap) AS p90_gap,
       count(*) FILTER (WHERE NOT h.breached)::float8 / count(*) AS sla_met
FROM (SELECT lead_id, team,
             handoff_gap(at, team) OVER w AS gap,
             sla_breached(at, team, interval '1 day') OVER w AS breached
      FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
            UNION ALL
            SELECT lead_id, at, team FROM bench_touches) s
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) h
JOIN bench_leads l USING (lead_id)
WHERE h.team = 'sales' AND h.gap IS NOT NULL
GROUP BY 1
ORDER BY 1;
