-- Sample CRM export generator, shared by the demo, the tests and the benchmark.
--
--   psql -v leads=10000 -v seed=0.42 -f test/data/generate.sql
--
-- Creates three plain tables, in the shape CRMs export them:
--   crm_leads(lead_id, channel, created_at)
--   crm_stage_history(lead_id, stage_label, changed_at, owner)   -- one row per stage change
--   crm_touches(lead_id, at, team, owner, channel, campaign)    -- activities
-- Stage labels are written the way HubSpot / Salesforce / Marketo write them
-- ('marketingqualifiedlead', 'Closed Won', 'SQO', ...).  Leads skip stages,
-- are recycled to nurture and re-enter, share timestamps (bulk imports), and a
-- few rows carry NULLs.  Rows are inserted in time order, not grouped by lead.
-- Everything is plain SQL, deterministic for a given seed.

\if :{?leads}
\else
\set leads 10000
\endif
\if :{?seed}
\else
\set seed 0.42
\endif

SET client_min_messages = warning;
DROP TABLE IF EXISTS crm_leads, crm_stage_history, crm_touches;
SELECT setseed(:seed);

CREATE TABLE crm_leads AS
SELECT g::bigint AS lead_id,
       (ARRAY['organic', 'paid_search', 'events', 'referral', 'outbound'])[1 + floor(random() * 5)::int] AS channel,
       date_trunc('second', timestamptz '2026-01-01 00:00:00+00' + random() * interval '240 days') AS created_at,
       random() AS r_start, random() AS r_depth, random() AS r_recycle, random() AS r_exit
FROM generate_series(1, :leads) AS g;

-- The path of each lead: a list of (step, stage, gap) before labels and times.
-- Ladder positions: 1 subscriber .. 8 evangelist; 9 recycled, 10 disqualified, 11 lost.
CREATE TEMP TABLE sample_path AS
WITH shape AS (
    SELECT lead_id, created_at, r_recycle, r_exit,
           CASE WHEN r_start < 0.15 THEN 1      -- newsletter subscriber
                WHEN r_start < 0.85 THEN 2      -- form fill
                WHEN r_start < 0.95 THEN 3      -- imported as an MQL
                ELSE 5                          -- imported straight into SQL
           END AS first_pos,
           floor(ln(greatest(r_depth, 1e-9)) / ln(0.62))::int AS climb
    FROM crm_leads
), bounds AS (
    SELECT *, least(8, first_pos + climb) AS last_pos FROM shape
), ladder AS (
    -- every ladder stage from first to last; middle stages are skipped 12% of the time
    SELECT b.lead_id, b.created_at, b.r_recycle, b.r_exit, b.first_pos, b.last_pos, p AS pos
    FROM bounds b, generate_series(b.first_pos, b.last_pos) AS p
    WHERE p = b.first_pos OR p = b.last_pos OR random() > 0.12
), with_cycles AS (
    -- recycled MQLs: nurture after the MQL, then the MQL again
    SELECT lead_id, created_at, pos::numeric AS step, pos FROM ladder
    UNION ALL
    SELECT lead_id, created_at, 3.3, 9 FROM ladder
     WHERE pos = 3 AND r_recycle < 0.14 AND last_pos > 3
    UNION ALL
    SELECT lead_id, created_at, 3.6, 3 FROM ladder
     WHERE pos = 3 AND r_recycle < 0.14 AND last_pos > 3
    UNION ALL
    -- recycled for good, disqualified, or lost at the end of the path
    SELECT lead_id, created_at, last_pos + 0.5,
           CASE WHEN last_pos <= 3 AND r_exit < 0.30 THEN 9
                WHEN last_pos <= 4 AND r_exit < 0.45 THEN 10
                WHEN last_pos = 6 AND r_exit < 0.60 THEN 11
           END
    FROM ladder
    WHERE pos = last_pos
      AND ((last_pos <= 3 AND r_exit < 0.30) OR (last_pos <= 4 AND r_exit < 0.45)
           OR (last_pos = 6 AND r_exit < 0.60))
)
SELECT lead_id, step, pos,
       created_at + sum(CASE WHEN step = min_step THEN interval '0'
                             WHEN random() < 0.06 THEN interval '0'          -- bulk-import tie
                             ELSE date_trunc('second', -ln(greatest(random(), 1e-9))
                                                       * interval '3 days')
                        END) OVER (PARTITION BY lead_id ORDER BY step) AS at
FROM (SELECT *, min(step) OVER (PARTITION BY lead_id) AS min_step FROM with_cycles) s;

-- The export itself: CRM spellings, owners, a few NULLs, rows in time order.
CREATE TABLE crm_stage_history AS
SELECT CASE WHEN random() < 0.0005 THEN NULL ELSE lead_id END AS lead_id,
       CASE WHEN random() < 0.001 THEN NULL
            ELSE (CASE pos
                    WHEN 1 THEN ARRAY['subscriber', 'Subscriber', 'SUBSCRIBER']
                    WHEN 2 THEN ARRAY['lead', 'Lead', 'inquiry']
                    WHEN 3 THEN ARRAY['marketingqualifiedlead', 'MQL', 'Marketing Qualified Lead']
                    WHEN 4 THEN ARRAY['salesacceptedlead', 'SAL', 'Sales Accepted Lead']
                    WHEN 5 THEN ARRAY['salesqualifiedlead', 'SQL', 'Sales Qualified Lead']
                    WHEN 6 THEN ARRAY['opportunity', 'SQO', 'Opportunity']
                    WHEN 7 THEN ARRAY['customer', 'Closed Won', 'closed_won']
                    WHEN 8 THEN ARRAY['evangelist', 'Evangelist', 'advocate']
                    WHEN 9 THEN ARRAY['Nurture', 'recycled', 'RECYCLED']
                    WHEN 10 THEN ARRAY['Unqualified', 'disqualified', 'Rejected']
                    ELSE ARRAY['Closed Lost', 'lost', 'closed-lost']
                  END)[1 + floor(random() * 3)::int]
       END AS stage_label,
       CASE WHEN random() < 0.002 THEN NULL ELSE at END AS changed_at,
       CASE WHEN pos IN (1, 2, 3, 9, 10) THEN 'mkt-' || (lead_id % 5)
            WHEN pos IN (4, 5) THEN 'sdr-' || (lead_id % 7)
            WHEN pos IN (6, 11) THEN 'ae-' || (lead_id % 4)
            ELSE 'csm-' || (lead_id % 3)
       END AS owner
FROM sample_path
ORDER BY at, random();

-- Touches: marketing emails before the hand-off, sales calls and meetings after it.
CREATE TABLE crm_touches AS
WITH handoff AS (
    SELECT lead_id, min(at) FILTER (WHERE pos >= 4) AS sales_at,
           min(at) FILTER (WHERE pos = 3) AS mql_at
    FROM sample_path GROUP BY lead_id
), t AS (
    SELECT l.lead_id, l.channel, l.created_at, h.sales_at, h.mql_at, k
    FROM crm_leads l JOIN handoff h USING (lead_id)
    -- LATERAL, so that the touch count is drawn per lead, not once for the table
    CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 9 + 0 * l.lead_id)::int) AS k
)
SELECT lead_id,
       CASE WHEN sales_at IS NOT NULL AND k % 2 = 0
            THEN sales_at + date_trunc('second', -ln(greatest(random(), 1e-9)) * interval '20 hours')
            ELSE created_at + date_trunc('second', random() * interval '30 days')
       END AS at,
       CASE WHEN sales_at IS NOT NULL AND k % 2 = 0 THEN 'sales' ELSE 'marketing' END AS team,
       CASE WHEN sales_at IS NOT NULL AND k % 2 = 0 THEN 'sdr-' || (lead_id % 7)
            ELSE 'mkt-' || (lead_id % 5) END AS owner,
       channel,
       (ARRAY['spring-webinar', 'pricing-page', 'q2-ebook', 'cold-sequence', 'partner-day'])[1 + (k % 5)] AS campaign
FROM t
ORDER BY at, random();

ALTER TABLE crm_leads DROP COLUMN r_start, DROP COLUMN r_depth,
    DROP COLUMN r_recycle, DROP COLUMN r_exit;
ANALYZE crm_leads, crm_stage_history, crm_touches;
RESET client_min_messages;
