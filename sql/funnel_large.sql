-- A funnel of 300,000 leads in one group, rows in time order: large enough
-- that the aggregate starts its table of recent leads (FUNNEL_HOT_BITS, from
-- about 200,000 leads) beside the index, and grows the index while leads keep
-- arriving.  Every number is checked against plain SQL over the same rows.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

-- lead i starts at i * 10 s and climbs 1 + (i * 7 % 8) stages, one every
-- (1 + i % 5) hours and (i % 13) * 7 minutes, so about 15,000 leads are active at any time; a fifth of
-- the leads see their second stage twice (a recycle), a tenth arrive out of
-- order (their second row comes first)
CREATE TEMP TABLE big_events AS
WITH ladder AS (SELECT array_agg(stage ORDER BY rank) AS s FROM lead_stages() WHERE rank IS NOT NULL)
SELECT i AS lead_id, ladder.s[j] AS stage,
       timestamptz '2026-01-01' + i * interval '10 seconds'
           + CASE WHEN i % 10 = 3 AND j = 2 THEN interval '0'
                  ELSE (j - 1) * ((1 + i % 5) * interval '1 hour' + (i % 13) * interval '7 minutes') END
           + CASE WHEN i % 10 = 3 AND j = 1 THEN interval '30 minutes' ELSE interval '0' END AS at
FROM ladder, generate_series(1, 300000) i, generate_series(1, 8) j
WHERE j <= 1 + (i * 7) % 8
UNION ALL
SELECT i, 'lead', timestamptz '2026-01-01' + i * interval '10 seconds' + interval '3 days'
FROM generate_series(1, 300000) i WHERE i % 5 = 0 AND (i * 7) % 8 >= 1
ORDER BY at;
SELECT count(*) AS events, count(DISTINCT lead_id) AS leads FROM big_events;

CREATE TEMP TABLE big_f AS SELECT funnel(lead_id, stage, at) AS f FROM big_events;

-- entry time per lead and stage (the earliest), in plain SQL
CREATE TEMP TABLE big_entry AS
SELECT lead_id, stage_rank(stage) AS rank, min(at) AS t
FROM big_events GROUP BY 1, 2;

-- leads reaching each stage: a lead reaches every stage up to its furthest
SELECT l.stage, reached(f, l.stage) AS align, p.leads AS plain, reached(f, l.stage) = p.leads AS same
FROM big_f, lead_stages() l
JOIN (SELECT r.rank, count(*) AS leads
      FROM (SELECT lead_id, max(rank) AS furthest FROM big_entry GROUP BY 1) m,
           generate_series(1, 8) r(rank)
      WHERE r.rank <= m.furthest GROUP BY 1) p ON p.rank = l.rank
ORDER BY l.rank;

-- median and p90 time between consecutive stages, over leads that entered
-- both in order: within the sketch's 1 %
SELECT l.stage AS from_stage, n.stage AS to_stage,
       abs(extract(epoch FROM time_to_convert(f, l.stage, n.stage, 0.5)) - extract(epoch FROM p.median))
           <= 0.01 * extract(epoch FROM p.median) + 1 AS median_within_1_percent,
       abs(extract(epoch FROM time_to_convert(f, l.stage, n.stage, 0.9)) - extract(epoch FROM p.p90))
           <= 0.01 * extract(epoch FROM p.p90) + 1 AS p90_within_1_percent,
       p.median, p.p90
FROM big_f, lead_stages() l
JOIN lead_stages() n ON n.rank = l.rank + 1
JOIN (SELECT a.rank, percentile_disc(0.5) WITHIN GROUP (ORDER BY b.t - a.t) AS median,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY b.t - a.t) AS p90
      FROM big_entry a JOIN big_entry b ON b.lead_id = a.lead_id AND b.rank = a.rank + 1
      WHERE b.t >= a.t GROUP BY 1) p ON p.rank = l.rank
ORDER BY l.rank;
