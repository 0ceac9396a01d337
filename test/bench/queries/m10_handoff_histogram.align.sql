-- (10) Speed to lead as a histogram, align: one handoff_histogram per
-- channel over the same stream, rows in any order; its non-empty bins.
-- needs: handoff_histogram
SELECT x.channel, u.bin::int AS bin, u.n
FROM (SELECT l.channel,
             handoff_histogram(s.lead_id, s.at, s.team, interval '1 day', 'sales'::text) AS h
      FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
            UNION ALL
            SELECT lead_id, at, team FROM bench_touches) s
      JOIN bench_leads l USING (lead_id)
      GROUP BY 1) x,
     unnest((x.h).counts) WITH ORDINALITY AS u(n, bin)
WHERE u.n > 0
ORDER BY 1, 2;
