-- What test/render.sh expects the demo page's pictures to show, as one JSON
-- object, from plain SQL over the rows test/demo/pictures.sql drew them
-- from; never from the pictures or from funnel_steps:
--   funnel: the ladder of lead_stage (PRODUCT.md's eight stages, in rank
--     order): "stages": "all" draws every one, observed or not;
--   funnel-events: the ladder stages the events channel's leads have
--     stage-history rows at ("stages": "observed");
--   handoffs: as many bins as the histogram's bin_upper has edges, and the
--     share of handoffs into sales within 24 hours, from lag() over each
--     lead's events ordered by time and owner, NULL owners left out (the
--     rule of handoff_gap and handoff_summary), in per cent: the picture
--     must show it to one decimal ("62.5 %"; either neighbour on a tie).
WITH ladder(rank, stage) AS (
    VALUES (1, 'subscriber'), (2, 'lead'), (3, 'mql'), (4, 'sal'),
           (5, 'sql'), (6, 'opportunity'), (7, 'customer'), (8, 'evangelist')
), events_channel AS (
    SELECT DISTINCT h.stage_label::lead_stage::text AS stage
    FROM crm_stage_history h
    JOIN crm_leads l USING (lead_id)
    WHERE l.channel = 'events' AND h.stage_label IS NOT NULL
), gaps AS (
    SELECT at - prev_at AS gap
    FROM (SELECT team, at, lag(team) OVER w AS prev_team, lag(at) OVER w AS prev_at
          FROM demo_handoff_events
          WHERE lead_id IS NOT NULL AND at IS NOT NULL AND team IS NOT NULL
          WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
    WHERE team = 'sales' AND prev_team IS NOT NULL AND prev_team <> team
)
SELECT json_build_object(
    'funnel', (SELECT json_agg(stage ORDER BY rank) FROM ladder),
    'funnel-events', (SELECT json_agg(stage ORDER BY rank)
                      FROM ladder JOIN events_channel USING (stage)),
    'handoffs', json_build_object(
        'bins', (SELECT array_length((h).bin_upper, 1) FROM demo_speed_to_lead),
        'handoffs', (SELECT count(*) FROM gaps),
        'share_pct', (SELECT 100.0 * count(*) FILTER (WHERE gap <= interval '24 hours') / count(*)
                      FROM gaps)));
