-- (1) Leads reaching each ladder stage, align.
-- needs: funnel(anyelement,lead_stage,timestamptz) reached
SELECT l.stage, reached(f, l.stage) AS leads
FROM (SELECT funnel(lead_id, stage, at) AS f FROM bench_events) a,
     lead_stages() l
WHERE l.rank IS NOT NULL
ORDER BY l.stage;
