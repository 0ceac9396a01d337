-- Pipeline over time and conversion for maturing cohorts, over the demo's
-- CRM export (test/data/generate.sql); run by the demo after the other
-- reports.  README: "Pipeline over time" and "Conversion for maturing
-- cohorts" show the plain SQL each query replaces.
\set QUIET on
SET TimeZone = 'UTC';
\set QUIET off
\echo
\echo '== Weekly pipeline waterfall, June to August (weeks ending Monday 00:00 UTC): leads in each stage, and the week''s moves'
\echo '   in: moves into the stage; up / down: moves out to a higher / lower stage; out: exits (recycled, disqualified, lost)'
WITH weekly AS (
    SELECT pipeline(lead_id, stage_label::lead_stage, changed_at,
                    timestamptz '2026-06-01 00:00+00', timestamptz '2026-08-31 00:00+00', interval '1 week') AS p
    FROM crm_stage_history
)
SELECT r.at::date AS week_end,
       sum(r.in_stage) FILTER (WHERE r.stage = 'mql') AS mql,
       sum(r.entered) FILTER (WHERE r.stage = 'mql') AS mql_in,
       sum(r.left_up) FILTER (WHERE r.stage = 'mql') AS mql_up,
       sum(r.left_down + r.exited) FILTER (WHERE r.stage = 'mql') AS mql_down_out,
       sum(r.in_stage) FILTER (WHERE r.stage = 'sql') AS sql,
       sum(r.entered) FILTER (WHERE r.stage = 'sql') AS sql_in,
       sum(r.left_up) FILTER (WHERE r.stage = 'sql') AS sql_up,
       sum(r.in_stage) FILTER (WHERE r.stage = 'opportunity') AS opportunity,
       sum(r.in_stage) FILTER (WHERE r.stage = 'customer') AS customers,
       sum(r.in_stage) FILTER (WHERE r.stage IN ('recycled', 'disqualified', 'lost')) AS exited_total
FROM weekly, pipeline_rows(weekly.p) r
GROUP BY r.at
ORDER BY r.at;
\echo
\echo '== MQL -> SQL within 30 days, the cohorts of the last three months by month of MQL, as the data stood on 2026-09-01'
\echo '   naive: converted so far / cohort (young leads look worse); Kaplan-Meier: leads not converted yet are censored at their age;'
\echo '   hindsight: the same rate from the whole export, which the analyst on 2026-09-01 could not see'
WITH first_mql AS (
    SELECT lead_id, min(changed_at) AS mql_at
    FROM crm_stage_history
    WHERE stage_label::lead_stage = 'mql' AND changed_at IS NOT NULL
    GROUP BY lead_id
), monthly AS (
    SELECT date_trunc('month', m.mql_at) AS cohort,
           funnel_as_of(h.lead_id, h.stage_label::lead_stage, h.changed_at, timestamptz '2026-09-01 00:00+00') AS f
    FROM crm_stage_history h
    JOIN first_mql m USING (lead_id)
    WHERE m.mql_at >= '2026-06-01' AND m.mql_at < '2026-09-01'
    GROUP BY 1
), hindsight AS (
    SELECT date_trunc('month', m.mql_at) AS cohort,
           avg((EXISTS (SELECT 1 FROM crm_stage_history h
                        WHERE h.lead_id = m.lead_id AND stage_rank(h.stage_label::lead_stage) >= stage_rank('sql')
                          AND h.changed_at >= m.mql_at AND h.changed_at <= m.mql_at + interval '30 days'))::int) AS rate
    FROM first_mql m
    WHERE m.mql_at >= '2026-06-01' AND m.mql_at < '2026-09-01'
    GROUP BY 1
)
SELECT to_char(c.cohort, 'YYYY-MM') AS cohort, k.cohort AS mqls, k.converted, k.at_risk AS still_at_risk_30d,
       round(k.naive::numeric, 3) AS naive_30d,
       round(k.conversion::numeric, 3) AS kaplan_meier_30d,
       format('%s - %s', round(k.conversion_low::numeric, 3), round(k.conversion_high::numeric, 3)) AS km_95,
       round(s.rate, 3) AS hindsight_30d
FROM monthly c
CROSS JOIN LATERAL conversion_curve(c.f, 'mql', 'sql', ARRAY[30]) k
JOIN hindsight s ON s.cohort = c.cohort
ORDER BY c.cohort;
