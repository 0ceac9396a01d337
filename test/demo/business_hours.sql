-- Speed to lead in business hours next to wall clock, per channel, over the
-- demo's CRM export (test/data/generate.sql); run after handoffs.sql, whose
-- lead_events view it reads.  The gap into sales is measured in sales'
-- working time: a calendar with the German public holidays of the export's
-- months (README: "Working time in the window functions").
\set QUIET on
SET TimeZone = 'UTC';

CREATE TEMP VIEW sales_handoffs AS
SELECT lead_id, channel, gap, working_gap, breached_wall, breached
FROM (SELECT e.lead_id, l.channel, e.team,
             handoff_gap(e.at, e.team) OVER w AS gap,
             handoff_gap(e.at, e.team, k.cal) OVER w AS working_gap,
             sla_breached(e.at, e.team, interval '4 hours') OVER w AS breached_wall,
             sla_breached(e.at, e.team, interval '4 hours', k.cal) OVER w AS breached
      FROM lead_events e
      JOIN crm_leads l USING (lead_id)
      CROSS JOIN (SELECT work_calendar 'mon-fri 09:00-17:30; tz Europe/Berlin;
                          closed 2026-01-01, 2026-04-03, 2026-04-06, 2026-05-01, 2026-05-14, 2026-05-25,
                                 2026-10-03, 2026-12-24 13:00-, 2026-12-25, 2026-12-26' AS cal) k
      WINDOW w AS (PARTITION BY e.lead_id ORDER BY e.at, e.kind, e.stage, e.team)) h
WHERE team = 'sales' AND gap IS NOT NULL;

\echo
\echo '== Speed to lead in business hours (sales: mon-fri 09:00-17:30 Berlin, public holidays closed) next to wall clock; SLA 4 hours'
SELECT channel, count(*) AS handoffs,
       justify_hours(date_trunc('minute', percentile_cont(0.5) WITHIN GROUP (ORDER BY gap))) AS median_wall_clock,
       justify_hours(date_trunc('minute', percentile_cont(0.5) WITHIN GROUP (ORDER BY working_gap))) AS median_working,
       round(100.0 * avg((NOT breached_wall)::int), 1) AS within_4h_wall_pct,
       round(100.0 * avg((NOT breached)::int), 1) AS within_4_working_h_pct
FROM sales_handoffs
GROUP BY ROLLUP (channel)
ORDER BY channel NULLS LAST;
