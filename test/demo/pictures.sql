-- The pictures of the demo page (bash test/demo.sh --html FILE), run in the
-- session that ran report.sql: it reads channel_funnels (funnel.sql) and
-- lead_events (handoffs.sql) and crm_stage_history.  Keeps what the pictures are drawn from in
-- tables, so test/render.sh can check the page against plain SQL over the
-- same rows, and returns one row per picture, in page order: name, caption
-- and the SVG document in base64 (one line; the page shows it as an image).
\set QUIET on
SET TimeZone = 'UTC';
SET client_min_messages = warning;
DROP TABLE IF EXISTS demo_handoff_events, demo_speed_to_lead, demo_sparse_export;

-- The event stream of the handoff report, and speed to lead drawn from it:
-- handoffs into sales against the demo's 24-hour SLA.
CREATE TABLE demo_handoff_events AS
SELECT lead_id, at, team FROM lead_events;
CREATE TABLE demo_speed_to_lead AS
SELECT handoff_histogram(lead_id, at, team, interval '24 hours', 'sales'::text) AS h
FROM demo_handoff_events;
-- A sparse export, as real ones are: the events channel's stage history
-- with only the rows at mql, sql and customer.
CREATE TABLE demo_sparse_export AS
SELECT h.lead_id, h.stage_label::lead_stage::text AS stage, h.changed_at AS at
FROM crm_stage_history h JOIN crm_leads l USING (lead_id)
WHERE l.channel = 'events' AND h.stage_label IS NOT NULL
  AND h.stage_label::lead_stage IN ('mql', 'sql', 'customer');
\set QUIET off

SELECT name, caption,
       translate(encode(convert_to(picture, 'UTF8'), 'base64'), E'\n', '') AS svg_base64
FROM (SELECT 1 AS ord, 'funnel' AS name,
             'The funnel of the whole export: leads per stage, the conversion from the previous stage, the median time between stages, and exits as side marks.' AS caption,
             funnel_svg((SELECT rollup(f) FROM channel_funnels),
                        '{"title": "The funnel, all channels"}') AS picture
      UNION ALL
      SELECT 2, 'handoffs',
             'Speed to lead: the gaps between marketing''s last event and sales taking the lead, against the 24-hour SLA.',
             handoff_svg(h, '{"title": "Speed to lead: handoffs into sales, SLA 24 hours"}')
      FROM demo_speed_to_lead
      UNION ALL
      SELECT 3, 'funnel-events',
             'A sparse export (the events channel''s rows at mql, sql and customer only), drawn with "stages": "observed": only the stages it has rows at, each measured from the previous one.',
             funnel_svg(funnel(lead_id, stage::lead_stage, at),
                        '{"title": "A sparse export: observed stages only", "stages": "observed"}')
      FROM demo_sparse_export) pictures
ORDER BY ord;
