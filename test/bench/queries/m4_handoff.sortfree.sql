-- (4) Marketing -> sales handoff in the stage history, align without a
-- sort: the aggregate handoff_summary(lead, at, owner, sla, to_owner).
-- (It orders tied rows by owner: ORDER BY at, owner.)
-- needs: handoff_summary
SELECT (s).handoffs, (s).median_gap, (s).p90_gap, (s).sla_met
FROM (SELECT handoff_summary(lead_id, at, stage_team(stage), interval '2 days', 'sales'::text) AS s
      FROM bench_events) x;
