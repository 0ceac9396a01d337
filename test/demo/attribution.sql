-- Which touches earned the pipeline (multi-touch attribution), and one
-- engagement score for marketing and sales, over the demo's CRM export
-- (test/data/generate.sql); run by the demo after the other reports.
-- README: "Attribution" and "Engagement score" show the plain SQL each
-- query replaces.
\set QUIET on
SET TimeZone = 'UTC';
CREATE TEMP VIEW touches_and_stages AS
SELECT lead_id, at, campaign, NULL::lead_stage AS stage FROM crm_touches
UNION ALL
SELECT lead_id, changed_at, NULL, stage_label::lead_stage FROM crm_stage_history
WHERE lead_id IS NOT NULL AND changed_at IS NOT NULL;
\set QUIET off

\echo
\echo '== Credit for opportunities by campaign, share per model (each converted lead credits exactly 1)'
\echo '   first / last: the first or last touch before the opportunity; u_shaped: 40 % first, 40 % lead creation, 20 % between;'
\echo '   time_decay: half-life 7 days before the opportunity; (none): opportunities without a touch before them'
WITH models(model) AS (VALUES ('first_touch'), ('last_touch'), ('linear'), ('u_shaped'), ('w_shaped'), ('time_decay')),
credit AS (
    SELECT m.model, r.channel AS campaign, r.share
    FROM models m
    CROSS JOIN LATERAL (SELECT attribution(lead_id, at, campaign, stage, 'opportunity', m.model) AS a
                        FROM touches_and_stages) x
    CROSS JOIN LATERAL attribution_rows(x.a) r
)
SELECT campaign,
       round(100 * max(share) FILTER (WHERE model = 'first_touch'), 1) AS first_pct,
       round(100 * max(share) FILTER (WHERE model = 'last_touch'), 1) AS last_pct,
       round(100 * max(share) FILTER (WHERE model = 'linear'), 1) AS linear_pct,
       round(100 * max(share) FILTER (WHERE model = 'u_shaped'), 1) AS u_shaped_pct,
       round(100 * max(share) FILTER (WHERE model = 'w_shaped'), 1) AS w_shaped_pct,
       round(100 * max(share) FILTER (WHERE model = 'time_decay'), 1) AS time_decay_pct
FROM credit
GROUP BY campaign
ORDER BY campaign = '(none)', linear_pct DESC;

\echo
\echo '== The ten most engaged open leads on 2026-09-01: one score, touches weighted by campaign, half-life 14 days'
SELECT t.lead_id, l.channel,
       round(engagement_score(t.campaign, t.at, timestamptz '2026-09-01 00:00+00',
                              '{"pricing-page": 5, "spring-webinar": 3, "partner-day": 3, "q2-ebook": 2, "cold-sequence": 1}'::jsonb,
                              interval '14 days')::numeric, 2) AS score,
       count(*) FILTER (WHERE t.at <= '2026-09-01') AS touches,
       max(t.at) FILTER (WHERE t.at <= '2026-09-01')::date AS last_touch
FROM crm_touches t
JOIN crm_leads l USING (lead_id)
WHERE NOT EXISTS (SELECT FROM crm_stage_history h
                  WHERE h.lead_id = t.lead_id AND h.changed_at <= '2026-09-01'
                    AND h.stage_label::lead_stage IN ('opportunity', 'customer', 'evangelist', 'disqualified', 'lost'))
GROUP BY t.lead_id, l.channel
ORDER BY score DESC, t.lead_id
LIMIT 10;
