-- (4) Marketing -> sales handoff in the stage history, plain SQL: the gap
-- between the first sales-team stage after another team's stage and that
-- previous stage (lag over each lead's history), its median, and the share
-- of handoffs within a 2-day SLA.  In this data every handoff into sales
-- comes from marketing.
SELECT count(*) AS handoffs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap,
       count(*) FILTER (WHERE gap <= interval '2 days')::float8 / count(*) AS sla_compliance
FROM (SELECT team, lag(team) OVER w AS prev_team, at - lag(at) OVER w AS gap
      FROM (SELECT lead_id, at, stage, stage_team(stage) AS team FROM bench_events) e
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) s
WHERE team = 'sales' AND prev_team <> 'sales';
