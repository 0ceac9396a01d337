-- (c) The whole funnel report align's funnel_steps gives, DuckDB: per ladder
-- stage the leads that reached it, the rates from the previous stage and from
-- the top, the median and p90 time from the previous stage (exact,
-- quantile_disc, seconds), and the exits by outcome; a first row of rank 0
-- for exits before the ladder, when there are any.  The rules (README, "What
-- the numbers mean"): a lead reached S if it has an event at S or a later
-- ladder stage; a stage is entered at its first event; the time from S to T
-- counts leads that entered both, T not earlier; a lead's first event of an
-- outcome is an exit at the highest ladder stage it had entered by then (at
-- the same second counts as before), or before the ladder if none.
-- (The benchmark's events have no NULL times; NULL times would need counts
-- beside the min(ts) below.)  The stage literals are cast to the ENUM: compared
-- with a plain string literal, DuckDB compares the stage as text.
WITH per_lead AS (
    SELECT max(stage) FILTER (WHERE stage <= 'evangelist'::lead_stage) AS top,
           min(ts) FILTER (WHERE stage = 'subscriber'::lead_stage)     AS t1,
           min(ts) FILTER (WHERE stage = 'lead'::lead_stage)           AS t2,
           min(ts) FILTER (WHERE stage = 'mql'::lead_stage)            AS t3,
           min(ts) FILTER (WHERE stage = 'sal'::lead_stage)            AS t4,
           min(ts) FILTER (WHERE stage = 'sql'::lead_stage)            AS t5,
           min(ts) FILTER (WHERE stage = 'opportunity'::lead_stage)    AS t6,
           min(ts) FILTER (WHERE stage = 'customer'::lead_stage)       AS t7,
           min(ts) FILTER (WHERE stage = 'evangelist'::lead_stage)     AS t8,
           min(ts) FILTER (WHERE stage = 'recycled'::lead_stage)       AS recycled,
           min(ts) FILTER (WHERE stage = 'disqualified'::lead_stage)   AS disqualified,
           min(ts) FILTER (WHERE stage = 'lost'::lead_stage)           AS lost
    FROM events
    GROUP BY lead_id
), tops AS (
    SELECT enum_code(top) + 1 AS rank, count(*) AS n FROM per_lead WHERE top IS NOT NULL GROUP BY top
), times AS (
    -- one pass: both quantiles of the time between each pair of consecutive stages
    SELECT unnest(range(2, 9)) AS rank,
           unnest([quantile_disc(date_diff('second', t1, t2), [0.5, 0.9]) FILTER (WHERE t2 >= t1),
                   quantile_disc(date_diff('second', t2, t3), [0.5, 0.9]) FILTER (WHERE t3 >= t2),
                   quantile_disc(date_diff('second', t3, t4), [0.5, 0.9]) FILTER (WHERE t4 >= t3),
                   quantile_disc(date_diff('second', t4, t5), [0.5, 0.9]) FILTER (WHERE t5 >= t4),
                   quantile_disc(date_diff('second', t5, t6), [0.5, 0.9]) FILTER (WHERE t6 >= t5),
                   quantile_disc(date_diff('second', t6, t7), [0.5, 0.9]) FILTER (WHERE t7 >= t6),
                   quantile_disc(date_diff('second', t7, t8), [0.5, 0.9]) FILTER (WHERE t8 >= t7)]) AS q
    FROM per_lead
), outcomes AS (
    -- one row per lead and outcome it had, at the time of its first such event
    UNPIVOT per_lead ON recycled, disqualified, lost INTO NAME outcome VALUE ts
), exits AS (
    -- the highest ladder stage entered at or before the outcome; 0: none
    SELECT greatest(0, CASE WHEN t1 <= ts THEN 1 END, CASE WHEN t2 <= ts THEN 2 END,
                       CASE WHEN t3 <= ts THEN 3 END, CASE WHEN t4 <= ts THEN 4 END,
                       CASE WHEN t5 <= ts THEN 5 END, CASE WHEN t6 <= ts THEN 6 END,
                       CASE WHEN t7 <= ts THEN 7 END, CASE WHEN t8 <= ts THEN 8 END) AS rank,
           count(*) FILTER (WHERE outcome = 'recycled')     AS recycled,
           count(*) FILTER (WHERE outcome = 'disqualified') AS disqualified,
           count(*) FILTER (WHERE outcome = 'lost')         AS lost
    FROM outcomes
    GROUP BY 1
), steps AS (
    SELECT l.rank, l.stage::VARCHAR AS stage, l.team,
           coalesce(sum(t.n) OVER (ORDER BY l.rank DESC), 0)::BIGINT AS leads,
           q[1]::DOUBLE AS median_secs, q[2]::DOUBLE AS p90_secs
    FROM ladder l LEFT JOIN tops t USING (rank) LEFT JOIN times USING (rank)
)
SELECT rank, stage, team, leads,
       leads / nullif(lag(leads) OVER (ORDER BY rank), 0) AS rate_from_previous,
       leads / nullif(first(leads) OVER (ORDER BY rank), 0) AS rate_from_top,
       median_secs, p90_secs,
       coalesce(x.recycled, 0) AS recycled, coalesce(x.disqualified, 0) AS disqualified,
       coalesce(x.lost, 0) AS lost
FROM steps LEFT JOIN exits x USING (rank)
UNION ALL
SELECT 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, recycled, disqualified, lost
FROM exits WHERE rank = 0
ORDER BY rank;
