-- (5) Speed to lead, align without a sort: handoff_summary per channel over
-- the same stream, rows in any order.
-- needs: handoff_summary
SELECT channel, (s).handoffs, (s).median_gap, (s).p90_gap, (s).sla_met
FROM (SELECT l.channel,
             handoff_summary(s.lead_id, s.at, s.team, interval '1 day', 'sales'::text) AS s
      FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
            UNION ALL
            SELECT lead_id, at, team FROM bench_touches) s
      JOIN bench_leads l USING (lead_id)
      GROUP BY 1) x
ORDER BY 1;
