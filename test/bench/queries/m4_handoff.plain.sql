-- (4) Marketing -> sales handoff in the stage history, plain SQL: at the
-- first sales-team stage after another team's stage, the gap since that
-- previous stage (lag over each lead's history, tied rows in team order: a
-- handoff is between teams, and handoff_summary orders ties by owner); the
-- number of handoffs, median and p90 gap (percentile_disc), and the share
-- within a 2-day SLA.  In this data every handoff into sales comes from
-- marketing.
SELECT count(*) AS handoffs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY gap) AS p90_gap,
       count(*) FILTER (WHERE gap <= interval '2 days')::float8 / count(*) AS sla_met
FROM (SELECT team, lag(team) OVER w AS prev_team, at - lag(at) OVER w AS gap
      FROM (SELECT lead_id, at, stage, stage_team(stage) AS team FROM bench_events) e
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) s
WHERE team = 'sales' AND prev_team <> 'sales';
