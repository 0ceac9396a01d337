-- The funnel, over the generated CRM export (test/data/generate.sql):
-- reached, conversion with its 95 % interval, median and p90 time between
-- stages and exits by outcome, for all leads and per channel, from one pass
-- over the raw stage history.  Run by the demo after report.sql.
\set QUIET on
SET TimeZone = 'UTC';

-- One funnel per channel; a materialized view is how a dashboard would keep it.
CREATE MATERIALIZED VIEW channel_funnels AS
SELECT l.channel,
       funnel(h.lead_id, h.stage_label::lead_stage, h.changed_at) AS f
FROM crm_stage_history h
JOIN crm_leads l USING (lead_id)
GROUP BY l.channel;
\set QUIET off

\echo
\echo '== The funnel, all channels (rollup of the per-channel funnels)'
SELECT coalesce(stage::text, '(before the ladder)') AS stage, leads,
       round(rate_from_previous::numeric, 3) AS from_previous,
       round(rate_from_top::numeric, 3) AS from_top,
       date_trunc('minute', median_time_from_previous) AS median_from_previous,
       date_trunc('minute', p90_time_from_previous) AS p90_from_previous,
       recycled, disqualified, lost
FROM funnel_steps((SELECT rollup(f) FROM channel_funnels));

\echo
\echo '== What each row rests on: observed stages, and the leads behind each time'
SELECT stage, observed, previous_stage AS "from", timed_leads AS timed,
       left_out_earlier AS earlier, left_out_no_time AS no_time,
       median_days_from_previous AS median_days,
       CASE WHEN rate_low IS NOT NULL
            THEN format('%s - %s', round(rate_low::numeric, 3), round(rate_high::numeric, 3)) END AS rate_95
FROM funnel_steps((SELECT rollup(f) FROM channel_funnels))
WHERE rank > 0;

\echo
\echo '== MQL -> SQL conversion per channel, with its 95 % Wilson interval'
SELECT channel,
       reached(f, 'mql') AS mqls,
       reached(f, 'sql') AS sqls,
       round(conversion(f, 'mql', 'sql')::numeric, 3) AS conversion,
       (SELECT format('%s - %s', round(i[1]::numeric, 3), round(i[2]::numeric, 3))
        FROM (SELECT conversion_interval(f, 'mql', 'sql') AS i) x) AS interval_95,
       date_trunc('minute', time_to_convert(f, 'mql', 'sql', 0.5)) AS median_mql_to_sql,
       date_trunc('minute', time_to_convert(f, 'mql', 'sql', 0.9)) AS p90_mql_to_sql
FROM channel_funnels
ORDER BY conversion DESC;

\echo
\echo '== Leads that reached each stage within 30 days of entering the funnel'
SELECT stage, leads, round(rate_from_top::numeric, 3) AS from_top
FROM funnel_steps((SELECT funnel(lead_id, stage_label::lead_stage, changed_at, interval '30 days')
                   FROM crm_stage_history))
WHERE rank > 0;

\echo
\echo '== Furthest stage reached in order within 30 days (window_funnel, per lead)'
SELECT furthest, count(*) AS leads,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM (SELECT lead_id, window_funnel(interval '30 days', changed_at, stage_label::lead_stage) AS furthest
      FROM crm_stage_history
      WHERE lead_id IS NOT NULL
      GROUP BY lead_id) per_lead
GROUP BY 1
ORDER BY 1;
