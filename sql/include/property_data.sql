-- Property tests (issue 11): the random histories every property test runs
-- on.  Seeded, so every run sees the same rows.  Creates the regular table
-- prop_ev (regular, not temporary, so that parallel workers can scan it) and
-- the types the lead keys, owners and enum ladders are made of.
--
-- One row per event.  n is the model's lead number (NULL: a row without a
-- lead); every lead key column is a function of n, chosen so that distinct n
-- give distinct keys except where the key type itself says two values are
-- equal (numeric 1 = 1.000).  seq orders tied rows for the window functions.
-- :prop_leads ordinary leads (1500 unless set), numbered from 1; the
-- hand-shaped leads are numbered from 1000001.
SET client_min_messages = warning;
DROP TABLE IF EXISTS prop_ev, prop_groups, prop_stored, prop_tops;
DROP TYPE IF EXISTS prop_org_lead, prop_owner, prop_team, prop_deal CASCADE;
DROP DOMAIN IF EXISTS prop_lead_id CASCADE;
RESET client_min_messages;

CREATE DOMAIN prop_lead_id AS bigint;
CREATE TYPE prop_org_lead AS (org_id int, lead_id bigint);
CREATE TYPE prop_team AS ENUM ('marketing', 'sales', 'success', 'partner', 'sdr');
CREATE TYPE prop_owner AS (team text, rep numeric);
-- a custom ladder; property_funnel grows it with ALTER TYPE ... ADD VALUE
CREATE TYPE prop_deal AS ENUM ('visit', 'signup', 'trial', 'paid');

\if :{?prop_leads}
\else
\set prop_leads 1500
\endif
DO $$ BEGIN PERFORM setseed(0.20261111); END $$;
CREATE TABLE prop_ev AS
WITH
-- ordinary histories: 1 to 8 events per lead, mostly climbing the ladder
-- with skips, going back, re-entering; outcomes and 'other' anywhere; gaps
-- log-uniform from 1 second to 30 days, some exactly 0 (tied timestamps),
-- some under a second (same whole second, different microseconds)
ordinary AS (
    SELECT n, k,
           CASE WHEN r_kind < 0.12 THEN 9 + floor(r_code * 3)::int
                WHEN r_kind < 0.15 THEN 12
                ELSE 1 + least(7, floor(k * 0.9 + r_code * 2.5)::int) END AS code,
           CASE WHEN r_gap < 0.15 THEN 0
                WHEN r_gap < 0.20 THEN floor(r_len * 999999)::bigint
                ELSE floor(exp(r_len * ln(2592000)))::bigint * 1000000
                     + CASE WHEN r_frac < 0.3 THEN floor(r_frac * 3333333)::bigint ELSE 0 END
           END AS gap_us
    FROM (SELECT n, k, random() AS r_kind, random() AS r_code, random() AS r_gap,
                 random() AS r_len, random() AS r_frac
          FROM generate_series(1, :prop_leads) n,
               generate_series(0, (random() * 7 + n * 0)::int) k) r
),
timed AS (
    SELECT n, k, code,
           timestamptz '2026-01-05 00:00:00+00' + (n % 53) * interval '1 day 1 hour 1 minute 1 second'
           + make_interval(secs => sum(gap_us) OVER (PARTITION BY n ORDER BY k) / 1e6) AS at
    FROM ordinary
),
-- hand-shaped leads, each group aimed at one rule
special (n, k, code, at) AS (
    -- the only event is an outcome (a quarter of them at an unknown time)
    SELECT 1000000 + i, 0, 9 + i % 3,
           CASE WHEN i % 4 <> 0 THEN timestamptz '2026-02-01 10:00+00' + i * interval '5 hours' END
    FROM generate_series(1, 40) i
    UNION ALL
    -- an outcome before any ladder stage: lost (recycled, disqualified)
    -- first, then mql an hour later, sql two days later
    SELECT 1000100 + i, j, (ARRAY[9 + i % 3, 3, 5])[j + 1],
           timestamptz '2026-02-03 08:00:00+00' + i * interval '3 hours 7 seconds'
           + (ARRAY[interval '0', '1 hour', '2 days'])[j + 1]
    FROM generate_series(1, 40) i, generate_series(0, 2) j
    UNION ALL
    -- an outcome tied with a ladder event (same microsecond, or the same
    -- whole second with an earlier fraction): the ladder stage comes first
    SELECT 1000200 + i, j, (ARRAY[2, 9 + i % 3, 1 + i % 8])[j + 1],
           timestamptz '2026-02-10 00:00:00.5+00' + i * interval '1 day 1 second'
           + (ARRAY[interval '0', CASE WHEN i % 2 = 0 THEN interval '0' ELSE interval '-0.4 s' END + interval '1 hour',
                    interval '1 hour'])[j + 1]
    FROM generate_series(1, 40) i, generate_series(0, 2) j
    UNION ALL
    -- two ladder stages at the same time, the higher one first in the table,
    -- then a later stage
    SELECT 1000300 + i, j, (ARRAY[5, 3, 6])[j + 1],
           timestamptz '2026-02-12 12:00+00' + i * interval '1 hour 1 minute'
           + (ARRAY[interval '0', '0', '9 days 3 hours'])[j + 1]
    FROM generate_series(1, 40) i, generate_series(0, 2) j
    UNION ALL
    -- unknown times: a ladder stage at an unknown time, known stages, an outcome
    SELECT 1000400 + i, j, (ARRAY[2, 3, 4 + i % 3, 9 + i % 3, 5])[j + 1],
           CASE WHEN j = 2 OR (j = 0 AND i % 3 = 0) THEN NULL
                ELSE timestamptz '2026-02-15 00:00+00' + i * interval '7 hours' + j * interval '17 hours' END
    FROM generate_series(1, 30) i, generate_series(0, 4) j
    UNION ALL
    -- every event at an unknown time
    SELECT 1000500 + i, j, 1 + (i + j * 3) % 11, NULL::timestamptz
    FROM generate_series(1, 20) i, generate_series(0, 2) j
    UNION ALL
    -- long journeys: every stage, months apart
    SELECT 1000600 + i, j, j + 1,
           timestamptz '2026-01-02 00:00+00' + i * interval '1 day' + j * (i % 5 + 1) * interval '19 days 7 hours'
    FROM generate_series(1, 20) i, generate_series(0, 7) j
),
events AS (
    SELECT n, k, code, at FROM timed
    UNION ALL SELECT * FROM special
    -- rows without a lead
    UNION ALL
    SELECT NULL, i, 1 + i % 12, timestamptz '2026-01-20 00:00+00' + i * interval '9 hours'
    FROM generate_series(1, 40) i
),
labelled AS (
    SELECT n, k, at,
           CASE WHEN random() < 0.02 THEN NULL ELSE code END AS code,
           random() < 0.03 AND n < 1000000 AS null_time,
           CASE WHEN random() < 0.08 THEN NULL ELSE 1 + floor(random() * 5)::int END AS o
    FROM events
    ORDER BY n, k
),
shuffled AS (
    SELECT row_number() OVER (ORDER BY random()) AS seq, n, k, code,
           CASE WHEN null_time THEN NULL ELSE at END AS at, o
    FROM labelled
),
keyed AS (
    SELECT seq, n, k,
           (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer',
                  'evangelist', 'recycled', 'disqualified', 'lost', 'other'])[code]::lead_stage AS stage,
           at, o,
           -- the same ladder rows as labels of the custom enum ladders (outcomes
           -- and 'other' have none): before and after the enum grows
           (ARRAY['visit', 'visit', 'signup', 'signup', 'trial', 'trial', 'paid', 'paid'])[code] AS e_label,
           (ARRAY['visit', 'lead', 'signup', 'demo', 'trial', 'paid', 'renewed', 'renewed'])[code] AS e2_label,
           -- lead keys
           CASE WHEN n % 7 = 3 THEN -1 ELSE 1 END * ((n / 97) * 4294967296 + n % 97) AS k_bigint,
           ((n * 2654435761) % 4294967296 - 2147483648)::int AS k_int,
           (CASE WHEN n % 7 = 3 THEN -1 ELSE 1 END * ((n / 97) * 4294967296 + n % 97))::prop_lead_id AS k_dom,
           CASE WHEN n IS NOT NULL
                THEN ROW((n % 3)::int, (n / 3) % 40 + (n / 3 / 40) * 4294967296)::prop_org_lead END AS k_comp,
           CASE WHEN n = 1 THEN '' WHEN n = 2 THEN ' '
                WHEN n % 8 = 0 THEN 'L' || n / 8 WHEN n % 8 = 4 THEN 'l' || n / 8
                WHEN n % 4 = 1 THEN repeat('x', 130) || n
                WHEN n % 4 = 2 THEN lpad(n::text, 12, '0')
                ELSE 'lead ' || n || ' é' END AS k_text,
           CASE WHEN n % 10 = 0 THEN ('00000000-0000-0000-0000-' || lpad(to_hex(n / 10), 12, '0'))::uuid
                WHEN n % 10 = 5 THEN ('01000000-0000-0000-0000-' || lpad(to_hex(n / 10), 12, '0'))::uuid
                ELSE md5(n::text)::uuid END AS k_uuid,
           CASE WHEN n = 1000601 THEN 'NaN'::numeric
                WHEN n % 6 = 0 THEN (n / 6)::numeric
                WHEN n % 6 = 1 THEN (n / 6) * 10000::numeric
                WHEN n % 6 = 2 THEN (n / 6) + 0.5
                WHEN n % 6 = 3 THEN -(n / 6)::numeric
                WHEN n % 6 = 4 THEN (n / 6) * 1e20
                ELSE (n / 6)::numeric(20, 3) END AS k_num,
           -- owners: 1 and 1.0 are one owner by value, as are ('sales', 1) and ('sales', 1.0);
           -- 'sales', 'Sales' and 'sales ' are three; one text owner is 68 bytes long
           (ARRAY['marketing', 'sales', 'Sales', 'sales ', repeat('customer-success-', 4)])[o] AS o_text,
           (ARRAY[1, 10000, 1.0, 100, 0.01])[o] AS o_num,
           (ARRAY['marketing', 'sales', 'success', 'partner', 'sdr'])[o]::prop_team AS o_enum,
           (ARRAY[ROW('sales', 1), ROW('sales', 1.0), ROW('sales', 10000), ROW('marketing', 1),
                  ROW('success', 2)]::prop_owner[])[o] AS o_comp,
           -- an SLA per row for sla_breached: 23 hours, 5 days, sometimes NULL
           CASE WHEN seq % 17 = 0 THEN NULL WHEN seq % 2 = 0 THEN interval '1 day -1 hour'
                ELSE interval '1 mon -25 days' END AS sla
    FROM shuffled
)
-- m_num: the model's lead of a numeric key (equal numerics such as 1 and
-- 1.000 are one lead); g, g_num: 50 groups of whole leads (for rollups and
-- window_funnel over groups of leads)
SELECT *, CASE WHEN k_num = 'NaN' THEN 'NaN' ELSE trim_scale(k_num)::text END AS m_num,
       n % 50 AS g, (abs(hashtext(CASE WHEN k_num = 'NaN' THEN 'NaN' ELSE trim_scale(k_num)::text END)) % 50)::int AS g_num
FROM keyed
ORDER BY seq;
-- statistics from every row, so that plans are the same on every run
SET default_statistics_target = 1000;
ANALYZE prop_ev;
RESET default_statistics_target;
