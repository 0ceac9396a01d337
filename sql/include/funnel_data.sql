-- The funnel tests' generated data set: plain SQL, fixed seed, TEMP tables.
-- 2500 leads climb the ladder from a random start, skipping middle stages;
-- gaps from 0 (ties) to about a month, with fractional seconds; times unknown
-- now and then; re-entries later and earlier; outcomes anywhere in the
-- history (some tied with an entry, some unknown); leads with only outcomes,
-- only 'other', or only unknown times; NULL leads (at evangelist) and NULL
-- stages; rows shuffled.
SELECT setseed(0.2024);
CREATE TEMP TABLE fx_leads AS
SELECT g AS lead,
       1 + floor(random() * 5)::int AS s0,
       floor(ln(greatest(random(), 1e-9)) / ln(0.55))::int AS climb,
       timestamptz '2026-02-01 09:00:00+00' + random() * interval '180 days' AS t0
FROM generate_series(1, 2500) g;
CREATE TEMP TABLE fx_steps AS
SELECT lead, rank, t0 + sum(gap) OVER (PARTITION BY lead ORDER BY rank) AS at
FROM (SELECT l.lead, r AS rank, l.t0,
             CASE WHEN r = l.s0 OR random() < 0.1 THEN interval '0'
                  ELSE exp(random() * 15) * interval '1 second' END AS gap
      FROM fx_leads l, generate_series(l.s0, least(8, l.s0 + l.climb)) AS r
      WHERE r = l.s0 OR r = least(8, l.s0 + l.climb) OR random() > 0.2) s;
CREATE TEMP TABLE fx_raw AS
SELECT lead, (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity',
                    'customer', 'evangelist'])[rank]::lead_stage AS stage, at
FROM (SELECT lead, rank, CASE WHEN random() < 0.04 THEN NULL ELSE at END AS at FROM fx_steps
      UNION ALL
      SELECT lead, rank, at + random() * interval '20 days' FROM fx_steps WHERE random() < 0.15
      UNION ALL
      SELECT lead, rank, at - random() * interval '10 days' FROM fx_steps WHERE random() < 0.08
      UNION ALL
      SELECT lead, rank, NULL FROM fx_steps WHERE random() < 0.03) e
UNION ALL
SELECT lead, outcome,
       CASE WHEN u < 0.1 THEN NULL WHEN u < 0.4 THEN at
            ELSE at + (random() * 7 - 2) * interval '1 day' END
FROM (SELECT lead, at, random() AS u,
             (ARRAY['recycled', 'disqualified', 'lost'])[1 + floor(random() * 3)::int]::lead_stage AS outcome
      FROM fx_steps WHERE random() < 0.12) o
UNION ALL
SELECT lead, 'other', at FROM fx_steps WHERE random() < 0.05
UNION ALL
SELECT 2500 + g, (ARRAY['recycled', 'lost', 'other'])[1 + g % 3]::lead_stage,
       CASE WHEN g % 4 = 0 THEN NULL ELSE timestamptz '2026-03-01+00' + g * interval '1 hour' END
FROM generate_series(1, 60) g
UNION ALL
SELECT 2600 + g, (ARRAY['lead', 'mql', 'sql', 'recycled'])[1 + g % 4]::lead_stage, NULL
FROM generate_series(1, 40) g
UNION ALL
SELECT NULL, 'evangelist', timestamptz '2026-03-01+00' + g * interval '1 day'
FROM generate_series(1, 30) g
UNION ALL
SELECT 1 + (g * 37) % 2500, NULL, timestamptz '2026-03-01+00' FROM generate_series(1, 30) g;
-- the same rows shuffled, with the lead under five key types: bigint, int,
-- text (case matters: 'k1' and 'K1' are different leads), uuid, and a bigint
-- that differs only in its high 32 bits
CREATE TEMP TABLE fx AS
SELECT lead::bigint AS lead, lead::int AS lead_int,
       CASE WHEN lead % 2 = 0 THEN 'k' ELSE 'K' END || (lead / 2) AS lead_text,
       md5(lead::text)::uuid AS lead_uuid, lead::bigint << 32 AS lead_hi,
       stage, at
FROM fx_raw ORDER BY random();

