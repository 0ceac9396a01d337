-- (3) Time in stage, per stage, align without a sort: the aggregate
-- stage_stays(lead, at, stage) over the rows in any order.
-- needs: stage_stays
SELECT u.stage, u.stays, u.median_stay, u.p90_stay
FROM (SELECT stage_stays(lead_id, at, stage) AS s FROM bench_events) x,
     unnest(x.s) AS u
ORDER BY u.stage;
