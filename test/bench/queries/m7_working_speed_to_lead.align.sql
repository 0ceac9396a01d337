-- (7) Speed to lead in working time, align: the stream of (5), handoff_gap
-- and sla_breached with sales' calendar (the hours and holidays of
-- bench_workday in setup.sql) as a constant argument.
-- needs: handoff_gap sla_breached work_calendar_in
SELECT l.channel, count(*) AS handoffs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY h.gap) AS median_gap,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY h.gap) AS p90_gap,
       count(*) FILTER (WHERE NOT h.breached)::float8 / count(*) AS sla_met
FROM (SELECT lead_id, team,
             handoff_gap(at, team, k.cal) OVER w AS gap,
             sla_breached(at, team, interval '4 hours', k.cal) OVER w AS breached
      FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
            UNION ALL
            SELECT lead_id, at, team FROM bench_touches) s,
           (SELECT work_calendar 'mon-fri 09:00-17:30; tz Europe/Berlin;
                   closed 2026-01-01, 2026-04-03, 2026-04-06, 2026-05-01, 2026-05-14, 2026-05-25,
                          2026-10-03, 2026-12-24 13:00-, 2026-12-25, 2026-12-26' AS cal) k
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) h
JOIN bench_leads l USING (lead_id)
WHERE h.team = 'sales' AND h.gap IS NOT NULL
GROUP BY 1
ORDER BY 1;
