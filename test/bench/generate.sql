-- Benchmark data generator: a CRM export at scale, set-based, seeded.
--
--   psql -v leads=1000000 -v seed=0.42 -f test/bench/generate.sql
--
-- Needs the align extension (the stage column is a lead_stage).  Creates:
--   bench_leads(lead_id, channel, created_at)
--   bench_events(lead_id, stage lead_stage, at, owner)   -- one row per stage change
--   bench_touches(lead_id, at, team, owner, channel, campaign)
-- Same shape as test/data/generate.sql (the demo's sample export): leads enter
-- as subscribers, form fills, imported MQLs or imported SQLs; climb the ladder
-- skipping middle stages 12% of the time; MQLs are recycled to nurture and
-- come back (once or twice); leads end recycled, disqualified or lost; 6% of
-- steps share the previous step's timestamp (bulk imports).  It differs in
-- scale: leads climb further and recycle more often, so that 1 M leads give
-- about 4.5 M stage events and 5 M touches (test/data/generate.sql gives
-- 2.9 M events and 1 M touches at 1 M leads, because its touch count is drawn
-- once for the whole table), and in that the stage labels are already parsed
-- into lead_stage (as a loader would do once) and there are no NULLs: this
-- is a benchmark, NULL semantics are covered by the tests.  Rows are stored
-- in time order, not grouped by lead.  Everything is deterministic for a
-- given seed (generation runs without parallel workers).

\if :{?leads}
\else
\set leads 1000000
\endif
\if :{?seed}
\else
\set seed 0.42
\endif

SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET work_mem = '512MB';
DROP TABLE IF EXISTS bench_leads, bench_events, bench_touches;
SELECT setseed(:seed) \gset

CREATE TABLE bench_leads AS
SELECT g::bigint AS lead_id,
       (ARRAY['organic', 'paid_search', 'events', 'referral', 'outbound'])[1 + floor(random() * 5)::int] AS channel,
       date_trunc('second', timestamptz '2026-01-01 00:00:00+00' + random() * interval '240 days') AS created_at
FROM generate_series(1, :leads) AS g;

-- The path of each lead as (step, pos); positions 1 subscriber .. 8 evangelist,
-- 9 recycled, 10 disqualified, 11 lost.  step orders the path.
CREATE TEMP TABLE bench_path AS
WITH shape AS (
    SELECT lead_id, created_at,
           CASE WHEN r_start < 0.15 THEN 1      -- newsletter subscriber
                WHEN r_start < 0.85 THEN 2      -- form fill
                WHEN r_start < 0.95 THEN 3      -- imported as an MQL
                ELSE 5                          -- imported straight into SQL
           END AS first_pos,
           floor(ln(greatest(r_depth, 1e-9)) / ln(0.76))::int AS climb,
           r_recycle, r_exit
    FROM (SELECT lead_id, created_at, random() AS r_start, random() AS r_depth,
                 random() AS r_recycle, random() AS r_exit
          FROM bench_leads) r
), bounds AS (
    SELECT *, least(8, first_pos + climb) AS last_pos,
           CASE WHEN r_recycle < 0.15 THEN 2 WHEN r_recycle < 0.45 THEN 1 ELSE 0 END AS cycles
    FROM shape
), ladder AS (
    -- every ladder stage from first to last; middle stages are skipped 12% of the time
    SELECT b.lead_id, b.created_at, b.first_pos, b.last_pos, b.cycles, b.r_exit, p AS pos
    FROM bounds b, generate_series(b.first_pos, b.last_pos) AS p
    WHERE p = b.first_pos OR p = b.last_pos OR random() > 0.12
), steps AS (
    SELECT lead_id, created_at, pos::numeric AS step, pos FROM ladder
    UNION ALL
    -- a second form fill: the lead stage entered again, a quarter of the time
    SELECT lead_id, created_at, 2.5, 2 FROM ladder
    WHERE pos = 2 AND last_pos > 2 AND (r_exit * 7) - floor(r_exit * 7) < 0.25
    UNION ALL
    -- recycled MQLs: nurture after the MQL, then the MQL again (re-entry), once or twice
    SELECT l.lead_id, l.created_at, 3 + c * 0.2 + k * 0.1, CASE k WHEN 0 THEN 9 ELSE 3 END
    FROM ladder l, generate_series(1, l.cycles) AS c, generate_series(0, 1) AS k
    WHERE l.pos = 3 AND l.last_pos > 3
    UNION ALL
    -- recycled for good, disqualified, or lost at the end of the path
    SELECT lead_id, created_at, last_pos + 0.5,
           CASE WHEN last_pos <= 3 AND r_exit < 0.30 THEN 9
                WHEN last_pos <= 4 AND r_exit < 0.45 THEN 10
                ELSE 11
           END
    FROM ladder
    WHERE pos = last_pos
      AND ((last_pos <= 3 AND r_exit < 0.30) OR (last_pos <= 4 AND r_exit < 0.45)
           OR (last_pos = 6 AND r_exit < 0.60))
)
SELECT lead_id, pos,
       created_at + sum(CASE WHEN first THEN interval '0'
                             WHEN random() < 0.06 THEN interval '0'          -- bulk-import tie
                             ELSE date_trunc('second', -ln(greatest(random(), 1e-9))
                                                       * interval '3 days')
                        END) OVER (PARTITION BY lead_id ORDER BY step) AS at
FROM (SELECT *, row_number() OVER (PARTITION BY lead_id ORDER BY step) = 1 AS first
      FROM steps) s;

-- Stage changes: owners per team, rows in time order (ties in random order).
CREATE TABLE bench_events AS
SELECT lead_id,
       ((ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer',
               'evangelist', 'recycled', 'disqualified', 'lost'])[pos])::lead_stage AS stage,
       at,
       CASE WHEN pos IN (1, 2, 3, 9, 10) THEN 'mkt-' || (lead_id % 5)
            WHEN pos IN (4, 5) THEN 'sdr-' || (lead_id % 7)
            WHEN pos IN (6, 11) THEN 'ae-' || (lead_id % 4)
            ELSE 'csm-' || (lead_id % 3)
       END AS owner
FROM bench_path
ORDER BY at, random();

-- Touches: marketing emails over the first 30 days, sales calls and meetings
-- after the hand-off (the first sales-team stage).  1 to 9 touches per lead.
CREATE TABLE bench_touches AS
WITH handoff AS (
    SELECT lead_id, min(at) FILTER (WHERE pos >= 4) AS sales_at
    FROM bench_path GROUP BY lead_id
), t AS (
    SELECT l.lead_id, l.channel, l.created_at, h.sales_at, k
    FROM bench_leads l JOIN handoff h USING (lead_id)
         CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 9)::int + 0 * l.lead_id::int) AS k
)
SELECT lead_id,
       CASE WHEN sales THEN sales_at + date_trunc('second', -ln(greatest(random(), 1e-9)) * interval '20 hours')
            ELSE created_at + date_trunc('second', random() * interval '30 days')
       END AS at,
       CASE WHEN sales THEN 'sales' ELSE 'marketing' END AS team,
       CASE WHEN sales THEN 'sdr-' || (lead_id % 7) ELSE 'mkt-' || (lead_id % 5) END AS owner,
       channel,
       (ARRAY['spring-webinar', 'pricing-page', 'q2-ebook', 'cold-sequence', 'partner-day'])[1 + (k % 5)] AS campaign
FROM (SELECT *, sales_at IS NOT NULL AND k % 2 = 0 AS sales FROM t) t
ORDER BY at, random();

DROP TABLE bench_path;
RESET work_mem;
RESET max_parallel_workers_per_gather;
RESET client_min_messages;
