-- (c) The whole funnel report, align: funnel_steps over one funnel; the
-- times in seconds.
-- needs: funnel(anyelement,lead_stage,timestamptz) funnel_steps
SELECT rank, stage::text AS stage, team, leads, rate_from_previous, rate_from_top,
       extract(epoch FROM median_time_from_previous)::float8 AS median_secs,
       extract(epoch FROM p90_time_from_previous)::float8 AS p90_secs,
       recycled, disqualified, lost
FROM funnel_steps((SELECT funnel(lead_id, stage, at) FROM bench_events))
ORDER BY rank;
