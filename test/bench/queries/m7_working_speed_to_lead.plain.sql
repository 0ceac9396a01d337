-- (7) Speed to lead in working time, plain SQL: the stream and handoffs of
-- (5); each gap's working time from the analyst's calendar table
-- bench_workday (one row per working day: its opening and closing instant,
-- holidays left out, setup.sql), summing the overlap of the gap with the
-- working days it touches (an index range scan on the days of the gap).
-- Per channel: handoffs, median and p90 working gap, share within 4 working hours.
SELECT l.channel, count(*) AS handoffs,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY w.work) AS median_gap,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY w.work) AS p90_gap,
       count(*) FILTER (WHERE w.work <= interval '4 hours')::float8 / count(*) AS sla_met
FROM (SELECT lead_id, team, lag(team) OVER w AS prev_team, lag(at) OVER w AS prev_at, at
      FROM (SELECT lead_id, at, stage_team(stage) AS team FROM bench_events
            UNION ALL
            SELECT lead_id, at, team FROM bench_touches) s
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) h
CROSS JOIN LATERAL (
    SELECT justify_hours(coalesce(sum(least(h.at, d.hi) - greatest(h.prev_at, d.lo)), interval '0')) AS work
    FROM bench_workday d
    WHERE d.lo > h.prev_at - interval '1 day' AND d.lo < h.at AND d.hi > h.prev_at) w
JOIN bench_leads l USING (lead_id)
WHERE h.team = 'sales' AND h.prev_team <> 'sales'
GROUP BY 1
ORDER BY 1;
