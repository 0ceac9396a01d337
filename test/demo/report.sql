-- The demo report over the generated CRM export (see test/data/generate.sql).
\pset footer off

\echo
\echo '== Stage distribution: every stage-history row, CRM labels mapped onto the ladder'
SELECT stage_label::lead_stage AS stage,
       stage_rank(stage_label::lead_stage) AS rank,
       stage_team(stage_label::lead_stage) AS team,
       count(*) AS events,
       count(DISTINCT lead_id) AS leads
FROM crm_stage_history
WHERE stage_label IS NOT NULL
GROUP BY 1
ORDER BY 1;

\echo
\echo '== Spellings found in the export, per stage'
SELECT stage_label::lead_stage AS stage,
       string_agg(DISTINCT stage_label, ', ' ORDER BY stage_label) AS crm_labels
FROM crm_stage_history
WHERE stage_label IS NOT NULL
GROUP BY 1
ORDER BY 1;

\echo
\echo '== Furthest ladder stage per lead, by owning team'
SELECT stage_team(furthest) AS team, count(*) AS leads,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM (SELECT lead_id, max(stage_label::lead_stage) FILTER (WHERE stage_rank(stage_label::lead_stage) IS NOT NULL) AS furthest
      FROM crm_stage_history
      WHERE lead_id IS NOT NULL AND stage_label IS NOT NULL
      GROUP BY lead_id) per_lead
WHERE furthest IS NOT NULL
GROUP BY 1
ORDER BY min(stage_rank(furthest));
\ir funnel.sql
\ir handoffs.sql
\ir business_hours.sql
\ir pipeline.sql
\ir attribution.sql
