-- (9) Multi-touch attribution, plain SQL: linear credit for reaching
-- opportunity (or a stage above it), per touch campaign.  A lead converts at
-- its first stage event at opportunity or above; its touches at or before
-- that time share its conversion equally (count(*) over the lead's counted
-- touches); converted leads without a counted touch credit '(none)'.
-- leads_touched: leads with a counted touch in the campaign (all touches of
-- leads that never convert).  Credit rounded to 3 decimals on both sides.
WITH conv AS (
    SELECT lead_id, min(at) AS conv_at
    FROM bench_events
    WHERE stage IN ('opportunity', 'customer', 'evangelist')
    GROUP BY lead_id
), counted AS (
    SELECT t.lead_id, t.campaign, c.conv_at,
           count(*) OVER (PARTITION BY t.lead_id) AS n
    FROM bench_touches t
    LEFT JOIN conv c USING (lead_id)
    WHERE c.conv_at IS NULL OR t.at <= c.conv_at
)
SELECT campaign, round(sum(CASE WHEN conv_at IS NOT NULL THEN 1.0 / n ELSE 0 END), 3) AS credited,
       count(DISTINCT lead_id) AS leads_touched
FROM counted
GROUP BY campaign
UNION ALL
SELECT '(none)', count(*), count(*)
FROM conv c
WHERE NOT EXISTS (SELECT FROM bench_touches t WHERE t.lead_id = c.lead_id AND t.at <= c.conv_at)
ORDER BY 1;
