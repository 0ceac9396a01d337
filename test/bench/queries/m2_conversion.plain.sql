-- (2) Stage-to-stage conversion and median time between consecutive ladder
-- stages, plain SQL: one GROUP BY lead with min(at) FILTER per stage (the
-- entry time), then percentile_cont over the differences.
-- conversion(S, T) = leads that reached T / leads that reached S;
-- time S -> T = entered(T) - entered(S), over leads where both are known
-- and T is not earlier.
WITH per_lead AS (
    SELECT max(stage) FILTER (WHERE stage <= 'evangelist') AS furthest,
           min(at) FILTER (WHERE stage = 'subscriber')  AS t1,
           min(at) FILTER (WHERE stage = 'lead')        AS t2,
           min(at) FILTER (WHERE stage = 'mql')         AS t3,
           min(at) FILTER (WHERE stage = 'sal')         AS t4,
           min(at) FILTER (WHERE stage = 'sql')         AS t5,
           min(at) FILTER (WHERE stage = 'opportunity') AS t6,
           min(at) FILTER (WHERE stage = 'customer')    AS t7,
           min(at) FILTER (WHERE stage = 'evangelist')  AS t8
    FROM bench_events
    GROUP BY lead_id
), agg AS (
    SELECT count(*) FILTER (WHERE furthest >= 'subscriber')  AS n1,
           count(*) FILTER (WHERE furthest >= 'lead')        AS n2,
           count(*) FILTER (WHERE furthest >= 'mql')         AS n3,
           count(*) FILTER (WHERE furthest >= 'sal')         AS n4,
           count(*) FILTER (WHERE furthest >= 'sql')         AS n5,
           count(*) FILTER (WHERE furthest >= 'opportunity') AS n6,
           count(*) FILTER (WHERE furthest >= 'customer')    AS n7,
           count(*) FILTER (WHERE furthest >= 'evangelist')  AS n8,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t2 - t1) FILTER (WHERE t2 >= t1) AS d12,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t3 - t2) FILTER (WHERE t3 >= t2) AS d23,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t4 - t3) FILTER (WHERE t4 >= t3) AS d34,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t5 - t4) FILTER (WHERE t5 >= t4) AS d45,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t6 - t5) FILTER (WHERE t6 >= t5) AS d56,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t7 - t6) FILTER (WHERE t7 >= t6) AS d67,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t8 - t7) FILTER (WHERE t8 >= t7) AS d78
    FROM per_lead
)
SELECT v.from_stage, v.to_stage,
       v.n_to::float8 / nullif(v.n_from, 0) AS conversion,
       v.median_time
FROM agg, LATERAL (VALUES
    ('subscriber'::lead_stage, 'lead'::lead_stage, n1, n2, d12),
    ('lead', 'mql', n2, n3, d23),
    ('mql', 'sal', n3, n4, d34),
    ('sal', 'sql', n4, n5, d45),
    ('sql', 'opportunity', n5, n6, d56),
    ('opportunity', 'customer', n6, n7, d67),
    ('customer', 'evangelist', n7, n8, d78)
) AS v(from_stage, to_stage, n_from, n_to, median_time)
ORDER BY v.from_stage;
