-- Handoffs between teams, over the generated CRM export (test/data/generate.sql):
-- speed to lead and SLA compliance, time in stage, and leads bounced back to
-- marketing, with align's handoff-gap window functions.  Run after report.sql
-- by the demo; sql/window.sql checks these views against plain SQL.
--
-- The views are the canonical reports, ready for a BI tool; the SELECTs at
-- the end print the demo's summaries.  Months are calendar months in UTC.
\set QUIET on
SET TimeZone = 'UTC';

-- One stream per lead: stage changes (owned by the stage's team) and
-- touches (owned by the touching team).  Events without a time cannot be
-- placed in the stream; a stage label missing from the export gives a NULL
-- owner, which handoff_gap skips.
CREATE TEMP VIEW lead_events AS
SELECT lead_id, changed_at AS at, 'stage' AS kind,
       stage_label::lead_stage AS stage, stage_team(stage_label::lead_stage) AS team
FROM crm_stage_history
WHERE lead_id IS NOT NULL AND changed_at IS NOT NULL
UNION ALL
SELECT lead_id, at, 'touch', NULL, team
FROM crm_touches;

-- Every event with the handoff it completes, if any.  Ties are broken by
-- kind (stage changes first), ladder rank and team, so results are stable.
CREATE TEMP VIEW lead_handoffs AS
SELECT e.lead_id, l.channel, e.at, e.kind, e.stage, e.team,
       handoff_gap(e.at, e.team) OVER w AS gap,
       sla_breached(e.at, e.team, interval '24 hours') OVER w AS breached,
       handoff_count(e.team) OVER w AS handoffs
FROM lead_events e
JOIN crm_leads l USING (lead_id)
WINDOW w AS (PARTITION BY e.lead_id ORDER BY e.at, e.kind, e.stage, e.team);

-- Speed to lead: handoffs into sales per month and channel, with the median
-- and p90 gap and the share that met the 24-hour SLA.
CREATE TEMP VIEW speed_to_lead AS
SELECT date_trunc('month', at)::date AS month, channel,
       count(*) AS handoffs,
       justify_hours(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)) AS median_gap,
       justify_hours(percentile_cont(0.9) WITHIN GROUP (ORDER BY gap)) AS p90_gap,
       avg((NOT breached)::int)::float8 AS sla_met
FROM lead_handoffs
WHERE team = 'sales' AND gap IS NOT NULL
GROUP BY 1, 2;

-- Time in stage: every stage-history row with how long the lead stayed
-- (NULL while it is still there) and its stay until the export's last event.
CREATE TEMP VIEW stage_stays AS
SELECT h.lead_id, h.stage_label::lead_stage AS stage, h.changed_at,
       time_in_stage(h.changed_at) OVER w AS stay,
       time_in_stage(h.changed_at, x.as_of) OVER w AS stay_as_of
FROM crm_stage_history h,
     (SELECT max(changed_at) AS as_of FROM crm_stage_history) x
WHERE h.lead_id IS NOT NULL
WINDOW w AS (PARTITION BY h.lead_id ORDER BY h.changed_at, h.stage_label::lead_stage);

-- Per lead, on the stage history: did it leave marketing, and did it come
-- back to marketing afterwards (a marketing row after an ownership change)?
CREATE TEMP VIEW lead_bounces AS
SELECT lead_id, channel,
       bool_or(team <> 'marketing') AS left_marketing,
       bool_or(team = 'marketing' AND handoffs > 0) AS bounced_back
FROM (SELECT h.lead_id, l.channel, stage_team(h.stage_label::lead_stage) AS team,
             handoff_count(stage_team(h.stage_label::lead_stage))
                 OVER (PARTITION BY h.lead_id
                       ORDER BY h.changed_at, h.stage_label::lead_stage) AS handoffs
      FROM crm_stage_history h
      JOIN crm_leads l USING (lead_id)) s
GROUP BY lead_id, channel;

\echo
\echo '== Speed to lead: handoffs into sales, gap since marketing''s last event, SLA 24 hours'
SELECT channel, count(*) AS handoffs,
       justify_hours(date_trunc('minute', percentile_cont(0.5) WITHIN GROUP (ORDER BY gap))) AS median_gap,
       justify_hours(date_trunc('minute', percentile_cont(0.9) WITHIN GROUP (ORDER BY gap))) AS p90_gap,
       round(100.0 * avg((NOT breached)::int), 1) AS sla_met_pct
FROM lead_handoffs
WHERE team = 'sales' AND gap IS NOT NULL
GROUP BY ROLLUP (channel)
ORDER BY channel NULLS LAST;

\echo
\echo '== The speed_to_lead view, as a BI tool reads it: two months'
SELECT month, channel, handoffs, justify_hours(date_trunc('minute', median_gap)) AS median_gap,
       justify_hours(date_trunc('minute', p90_gap)) AS p90_gap, round(sla_met::numeric, 3) AS sla_met
FROM speed_to_lead
WHERE month IN ('2026-05-01', '2026-06-01')
ORDER BY month, channel;

\echo
\echo '== Time in stage: completed stays, and leads still in the stage at the end of the export'
SELECT stage, count(stay) AS completed,
       justify_hours(date_trunc('minute', percentile_cont(0.5) WITHIN GROUP (ORDER BY stay))) AS median_stay,
       justify_hours(date_trunc('minute', percentile_cont(0.9) WITHIN GROUP (ORDER BY stay))) AS p90_stay,
       count(*) FILTER (WHERE stay IS NULL AND stay_as_of IS NOT NULL) AS still_there,
       justify_hours(date_trunc('minute', percentile_cont(0.5) WITHIN GROUP (ORDER BY stay_as_of)
                                          FILTER (WHERE stay IS NULL))) AS median_age_now
FROM stage_stays
WHERE stage IS NOT NULL
GROUP BY stage
ORDER BY stage;

\echo
\echo '== Leads that left marketing and bounced back to it (rejected by sales, recycled)'
SELECT channel, count(*) FILTER (WHERE left_marketing) AS left_marketing,
       count(*) FILTER (WHERE left_marketing AND bounced_back) AS bounced_back,
       round(100.0 * count(*) FILTER (WHERE left_marketing AND bounced_back)
             / nullif(count(*) FILTER (WHERE left_marketing), 0), 1) AS bounced_pct
FROM lead_bounces
GROUP BY ROLLUP (channel)
ORDER BY channel NULLS LAST;
