-- (4) Marketing -> sales handoff in the stage history, align: the window
-- functions handoff_gap and sla_breached, the stage's team as the owner
-- (tied rows in team order, as in the plain and sort-free forms).
-- needs: handoff_gap sla_breached
SELECT count(*) AS handoffs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY gap) AS p90_gap,
       count(*) FILTER (WHERE NOT breached)::float8 / count(*) AS sla_met
FROM (SELECT stage_team(stage) AS team,
             handoff_gap(at, stage_team(stage)) OVER w AS gap,
             sla_breached(at, stage_team(stage), interval '2 days') OVER w AS breached
      FROM bench_events
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage_team(stage))) s
WHERE team = 'sales' AND gap IS NOT NULL;
