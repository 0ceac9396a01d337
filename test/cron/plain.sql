-- Every (day, channel) of daily_funnels with the leads reaching each ladder
-- stage, one line each: from the view through align's reached(), and from
-- the base table in plain SQL (reached = an event at the stage or a later
-- one: a lead's highest rank; ranks from the labels, not from align).
-- test/cron.sh compares the two outputs.
\set ON_ERROR_STOP 1
\if :{?plain}
WITH ladder(stage, rank) AS (
    VALUES ('subscriber', 1), ('lead', 2), ('mql', 3), ('sal', 4), ('sql', 5),
           ('opportunity', 6), ('customer', 7), ('evangelist', 8)),
leads AS (
    SELECT h.lead_id, min(h.at) AS first_at, min(h.channel) AS channel, max(l.rank) AS top
    FROM stage_history h JOIN ladder l ON l.stage = h.stage::text
    GROUP BY h.lead_id)
SELECT to_char(day, 'YYYY-MM-DD') || ' ' || channel || ' ' || string_agg(n::text, ',' ORDER BY rank)
FROM (SELECT date_trunc('day', x.first_at) AS day, x.channel, l.rank,
             count(*) FILTER (WHERE x.top >= l.rank) AS n
      FROM leads x CROSS JOIN ladder l GROUP BY 1, 2, 3) c
GROUP BY day, channel ORDER BY 1;
\else
SELECT to_char(day, 'YYYY-MM-DD') || ' ' || channel || ' ' ||
       string_agg(reached(f, s)::text, ',' ORDER BY stage_rank(s))
FROM daily_funnels, unnest(ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity',
                                 'customer', 'evangelist']::lead_stage[]) s
GROUP BY day, channel ORDER BY 1;
\endif
