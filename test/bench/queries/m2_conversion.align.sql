-- (2) Stage-to-stage conversion and median time between consecutive ladder
-- stages, align: one funnel, read with conversion() and time_to_convert().
-- needs: funnel(anyelement,lead_stage,timestamptz) conversion time_to_convert
SELECT p.from_stage, p.to_stage,
       conversion(f, p.from_stage, p.to_stage) AS conversion,
       time_to_convert(f, p.from_stage, p.to_stage, 0.5) AS median_time
FROM (SELECT funnel(lead_id, stage, at) AS f FROM bench_events) a,
     (VALUES ('subscriber'::lead_stage, 'lead'::lead_stage), ('lead', 'mql'), ('mql', 'sal'),
             ('sal', 'sql'), ('sql', 'opportunity'), ('opportunity', 'customer'),
             ('customer', 'evangelist')) AS p(from_stage, to_stage)
ORDER BY p.from_stage;
