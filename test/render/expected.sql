-- What test/render.sh expects the demo page's pictures to show, as one JSON
-- object, from plain SQL over the rows test/demo/pictures.sql drew them
-- from; never from the pictures or from funnel_steps:
--   funnel: the ladder of lead_stage (PRODUCT.md's eight stages, in rank
--     order): "stages": "all" draws every one, observed or not;
--   funnel-events: the ladder stages the sparse export (the events
--     channel's rows at mql, sql and customer) has rows at ("stages":
--     "observed");
--   handoffs: one bin per edge of the documented list (1 min to 30 days)
--     and the 24-hour SLA, each once, and one above them; and the
--     share of handoffs into sales within 24 hours, from lag() over each
--     lead's events ordered by time and owner, NULL owners left out (the
--     rule of handoff_gap and handoff_summary), in per cent: the picture
--     must show it to one decimal ("62.5 %"; either neighbour on a tie).
WITH ladder(rank, stage) AS (
    VALUES (1, 'subscriber'), (2, 'lead'), (3, 'mql'), (4, 'sal'),
           (5, 'sql'), (6, 'opportunity'), (7, 'customer'), (8, 'evangelist')
), events_channel AS (
    SELECT DISTINCT stage FROM demo_sparse_export
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
        'bins', (SELECT count(DISTINCT e) + 1
                 FROM unnest(ARRAY['1 min', '5 min', '15 min', '30 min', '1 hour', '2 hours', '4 hours',
                                   '8 hours', '1 day', '2 days', '3 days', '7 days', '14 days', '30 days',
                                   '24 hours']::interval[]) e),
        'handoffs', (SELECT count(*) FROM gaps),
        'share_pct', (SELECT 100.0 * count(*) FILTER (WHERE gap <= interval '24 hours') / count(*)
                      FROM gaps)));
