-- (9) Multi-touch attribution, align: one attribution aggregate over the
-- touches and the stage history in any row order, linear model.
-- needs: attribution attribution_rows
SELECT r.channel AS campaign, round(r.credited, 3) AS credited, r.leads_touched
FROM (SELECT attribution(lead_id, at, campaign, stage, 'opportunity', 'linear') AS a
      FROM (SELECT lead_id, at, campaign, NULL::lead_stage AS stage FROM bench_touches
            UNION ALL
            SELECT lead_id, at, NULL, stage FROM bench_events) s) x,
     attribution_rows(x.a) r
ORDER BY 1;
