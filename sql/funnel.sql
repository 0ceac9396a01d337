-- funnel(lead, stage, at): hand-worked cases, then a generated data set with
-- skips, recycles, re-entry, ties, NULLs and shuffled rows, checked value by
-- value against plain SQL (sql/include/funnel_oracle.sql); lead key types;
-- row order; time bounds; accessors' text overloads.
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

\set ECHO none
\i sql/include/funnel_oracle.sql
\set ECHO all

-- ---------------------------------------------------------------------------
-- Hand-worked: four leads whose every number is worked out in the comments.
--  a: subscriber 10:00:00.9, mql 10:00:01.1 (skips lead), sql at an unknown
--     time, recycled 10:00:30.  top = sql.  subscriber->mql = 1 s (whole
--     seconds: 10:00:00 -> 10:00:01).  Recycled exits at sql (unknown time).
--  b: lead 2026-01-02, lead again 2026-01-01 (the first entry counts), mql
--     2026-01-02 (a tie with the later lead row), lost 2025-12-30 (before
--     any entry: no exit).  top = mql; lead->mql = 86400 s.
--  c: opportunity at an unknown time only, disqualified at an unknown time:
--     reaches subscriber..opportunity, no known time, exits at opportunity.
--  d: only 'other' and recycled: reaches nothing, no exit.
--  NULL lead and NULL stage rows are skipped (the NULL lead is at evangelist).
-- reached: 3 3 3 2 2 1 0 0; known: 1 1 2 0 0 0 0 0
CREATE TABLE hand (lead text, stage lead_stage, at timestamptz);
INSERT INTO hand VALUES
    ('a', 'recycled', '2026-01-05 10:00:30+00'),
    ('b', 'mql', '2026-01-02 00:00:00+00'),
    ('a', 'sql', NULL),
    ('c', 'disqualified', NULL),
    ('b', 'lead', '2026-01-02 00:00:00+00'),
    ('a', 'subscriber', '2026-01-05 10:00:00.9+00'),
    ('d', 'other', '2026-01-01 00:00:00+00'),
    ('b', 'lost', '2025-12-30 00:00:00+00'),
    ('c', 'opportunity', NULL),
    ('a', 'mql', '2026-01-05 10:00:01.1+00'),
    ('d', 'recycled', '2026-01-01 00:00:00+00'),
    ('b', 'lead', '2026-01-01 00:00:00+00'),
    (NULL, 'evangelist', '2026-01-01 00:00:00+00'),
    ('a', NULL, '2026-01-01 00:00:00+00');
CREATE TABLE hand_f AS SELECT funnel(lead, stage, at) AS f FROM hand;
SELECT f FROM hand_f;
SELECT * FROM funnel_steps((SELECT f FROM hand_f));
SELECT reached(f, 'mql') AS mql, reached(f, 'lost') AS lost, reached(f, 'recycled') AS recycled,
       reached(f, 'disqualified') AS disqualified,
       conversion(f, 'lead', 'mql') AS lead_mql, conversion(f, 'mql', 'sal') AS mql_sal,
       conversion(f, 'customer', 'evangelist') AS nobody,
       conversion(f, 'sql', 'sql') AS same_stage
FROM hand_f;
-- Wilson 95 % for 2 of 3: {0.2076, 0.9385} (centre 0.5731, half 0.3654)
SELECT conversion_interval(f, 'mql', 'sal') AS ci95,
       conversion_interval(f, 'mql', 'sal', 0.99) AS ci99,
       pg_temp.wilson(2, 3, 1.959963984540054) AS wilson95
FROM hand_f;
-- 1 s and 86400 s, each reported within 1 %; nothing measured lead->sql
SELECT time_to_convert(f, 'subscriber', 'mql', 0.5) AS sub_mql,
       pg_temp.close_enough(time_to_convert(f, 'subscriber', 'mql', 0.5), 1) AS sub_mql_ok,
       time_to_convert(f, 'lead', 'mql', 1) AS lead_mql,
       pg_temp.close_enough(time_to_convert(f, 'lead', 'mql', 1), 86400) AS lead_mql_ok,
       time_to_convert(f, 'lead', 'sql', 0.5) AS lead_sql
FROM hand_f;
INSERT INTO oracle_events SELECT * FROM hand;
SELECT * FROM pg_temp.check_funnel((SELECT f FROM hand_f), NULL);

-- pairs of stages, one rule for every pair accessor: to not below from.  The
-- same stage twice is the trivial pair: conversion 1 (NULL when nobody
-- reached it), its Wilson interval, and a time of exactly 0 for the leads
-- that entered it at a known time (NULL when none did), from the oracle.
SELECT o.rank, l.stage,
       conversion(f, l.stage, l.stage) AS conv,
       conversion(f, l.stage, l.stage) IS NOT DISTINCT FROM
           CASE WHEN o.reached > 0 THEN 1.0::float8 END AS conv_ok,
       conversion_interval(f, l.stage, l.stage) AS ci,
       CASE WHEN o.reached = 0 THEN conversion_interval(f, l.stage, l.stage) IS NULL
            ELSE (SELECT bool_and(abs(got - want) < 1e-12)
                  FROM unnest(conversion_interval(f, l.stage, l.stage),
                              pg_temp.wilson(o.reached, o.reached, 1.959963984540054)) u(got, want))
       END AS ci_ok,
       time_to_convert(f, l.stage, l.stage, 0.5) AS median,
       time_to_convert(f, l.stage, l.stage, 1) IS NOT DISTINCT FROM
           CASE WHEN o.known > 0 THEN interval '0' END AS time_ok
FROM hand_f, lead_stages() l JOIN pg_temp.oracle_stages(NULL) o USING (rank)
ORDER BY o.rank;
-- to below from: the same error (22023) from every pair accessor
SELECT stmt, pg_temp.sqlstate_of(format('SELECT %s FROM hand_f', stmt)) AS sqlstate
FROM unnest(ARRAY[$$conversion(f, 'sql', 'mql')$$,
                  $$conversion_interval(f, 'sql', 'mql')$$,
                  $$time_to_convert(f, 'sql', 'mql', 0.5)$$]) AS stmt;
SELECT time_to_convert(f, 'customer', 'lead', 0.5) FROM hand_f;

-- ties: two stages at the same second convert in exactly 0 s
SELECT time_to_convert(funnel(lead, stage, at), 'mql', 'sql', 0.5) AS zero,
       time_to_convert(funnel(lead, stage, at), 'mql', 'sql', 0.5) = interval '0' AS is_zero
FROM (VALUES (1, 'mql'::lead_stage, timestamptz '2026-03-01 12:00:00.2+00'),
             (1, 'sql', '2026-03-01 12:00:00.9+00')) v(lead, stage, at);

-- whole seconds are rounded down, also before 2000 (the funnel's epoch):
-- 23:59:59.5 -> 23:59:59 and 00:00:00.4 -> 00:00:00 are 1 s apart, not 0
SELECT time_to_convert(funnel(lead, stage, at), 'mql', 'sql', 0.5) AS one_second,
       pg_temp.close_enough(time_to_convert(funnel(lead, stage, at), 'mql', 'sql', 0.5), 1) AS within_1pct
FROM (VALUES (1, 'mql'::lead_stage, timestamptz '1999-12-31 23:59:59.5+00'),
             (1, 'sql', '2000-01-01 00:00:00.4+00')) v(lead, stage, at);

-- a later stage entered before an earlier one: counted as reached, not timed
SELECT reached(f, 'mql') AS mql, reached(f, 'sql') AS sql,
       time_to_convert(f, 'mql', 'sql', 0.5) AS no_time,
       f::jsonb -> 'known' AS known
FROM (SELECT funnel(lead, stage, at) AS f
      FROM (VALUES (1, 'sql'::lead_stage, timestamptz '2026-03-01+00'),
                   (1, 'mql', '2026-03-02+00')) v(lead, stage, at)) s;

-- durations read like t2 - t1: days and hh:mm:ss, never months
SELECT time_to_convert(f, 'lead', 'customer', 0.5) AS ttc,
       time_to_convert(f, 'lead', 'customer', 0.5)::text
         = justify_hours(time_to_convert(f, 'lead', 'customer', 0.5))::text AS justified,
       pg_temp.close_enough(time_to_convert(f, 'lead', 'customer', 0.5), 95 * 86400 + 3 * 3600) AS within_1pct
FROM (SELECT funnel(lead, stage, at) AS f
      FROM (VALUES (1, 'lead'::lead_stage, timestamptz '2026-01-01 00:00+00'),
                   (1, 'customer', '2026-04-06 03:00+00')) v(lead, stage, at)) s;

-- empty input, all rows skipped, only 'other': empty funnels
SELECT funnel(lead, stage, at) AS empty FROM hand WHERE false;
SELECT funnel(lead, stage, at)::text = (SELECT funnel(lead, stage, at)::text FROM hand WHERE false)
       AS all_skipped_is_empty
FROM hand WHERE lead IS NULL OR stage IS NULL OR stage = 'other';
-- only outcomes (lead d): no ladder stage, one recycle before the ladder
SELECT reached(f, 'subscriber') AS subscriber, reached(f, 'recycled') AS recycled,
       (SELECT recycled FROM funnel_steps(f) WHERE rank = 0) AS recycled_before_ladder
FROM (SELECT funnel(lead, stage, at) AS f FROM hand WHERE lead = 'd') d;
SELECT s.* FROM (SELECT funnel(lead, stage, at) AS f FROM hand WHERE false) e,
    LATERAL funnel_steps(e.f) s WHERE s.rank IN (1, 8);
SELECT reached(f, 'subscriber') AS reached, conversion(f, 'lead', 'mql') AS conversion,
       conversion_interval(f, 'lead', 'mql') AS ci, time_to_convert(f, 'lead', 'mql', 0.5) AS ttc
FROM (SELECT funnel(lead, stage, at) AS f FROM hand WHERE false) e;

-- ---------------------------------------------------------------------------
-- The generated data set (sql/include/funnel_data.sql, shown here once).
\i sql/include/funnel_data.sql
SELECT count(*) AS events, count(DISTINCT lead) AS leads,
       count(*) FILTER (WHERE lead IS NULL) AS null_lead,
       count(*) FILTER (WHERE stage IS NULL) AS null_stage,
       count(*) FILTER (WHERE at IS NULL) AS null_at,
       count(*) FILTER (WHERE stage = 'other') AS other,
       count(*) FILTER (WHERE stage_rank(stage) IS NULL AND stage <> 'other') AS outcomes,
       count(DISTINCT lead_text) = count(DISTINCT lead) AS text_keys_distinct,
       count(DISTINCT lead_hi) = count(DISTINCT lead) AS hi_keys_distinct
FROM fx;
-- what the data set exercises, per (lead, stage): re-entries, stages skipped
-- below the top, entries with only unknown times, equal timestamps, and later
-- stages entered before earlier ones
WITH e AS (
    SELECT lead, stage, count(*) AS n, min(at) AS first_at, bool_and(at IS NULL) AS unknown
    FROM fx WHERE lead IS NOT NULL AND stage_rank(stage) IS NOT NULL GROUP BY 1, 2),
top AS (SELECT lead, max(stage_rank(stage)) AS top, count(*) AS entered FROM e GROUP BY lead)
SELECT (SELECT count(*) FROM e WHERE n > 1) AS reentries,
       (SELECT count(*) FROM top WHERE entered < top) AS leads_with_skips,
       (SELECT count(*) FROM e WHERE unknown) AS unknown_entries,
       (SELECT count(*) FROM e x JOIN e y ON x.lead = y.lead AND x.stage < y.stage
         AND x.first_at = y.first_at) AS tied_pairs,
       (SELECT count(*) FROM e x JOIN e y ON x.lead = y.lead AND x.stage < y.stage
         AND x.first_at > y.first_at) AS backward_pairs;

TRUNCATE oracle_events;
INSERT INTO oracle_events SELECT lead::text, stage, at FROM fx;
CREATE TABLE fx_f AS SELECT funnel(lead, stage, at) AS f FROM fx;

-- the funnel, its steps, and every accessor against the oracle (0 mismatches)
SELECT * FROM funnel_steps((SELECT f FROM fx_f));
SELECT o.*, s.leads = o.reached AND s.recycled = o.recycled AND s.lost = o.lost
            AND s.disqualified = o.disqualified AS same
FROM pg_temp.oracle_stages(NULL) o JOIN funnel_steps((SELECT f FROM fx_f)) s USING (rank);
SELECT * FROM pg_temp.check_funnel((SELECT f FROM fx_f), NULL);

-- a few time-to-convert values next to the exact percentile_disc
SELECT t.a, t.b, t.fraction, t.n, t.secs AS exact_secs,
       round(extract(epoch FROM time_to_convert(f, la.stage, lb.stage, t.fraction)), 1) AS got_secs,
       round(100 * (extract(epoch FROM time_to_convert(f, la.stage, lb.stage, t.fraction)) - t.secs)
             / nullif(t.secs, 0), 3) AS error_pct
FROM pg_temp.oracle_times(NULL) t
JOIN oracle_ladder la ON la.rank = t.a JOIN oracle_ladder lb ON lb.rank = t.b, fx_f
WHERE (t.a, t.b) IN ((1, 2), (2, 3), (3, 5), (1, 8)) AND t.fraction IN (0, 0.5, 0.9, 1)
ORDER BY 1, 2, 3;
-- the worst relative error over every pair and fraction (must stay below 1 %)
SELECT count(*) AS values_compared,
       max(abs(extract(epoch FROM time_to_convert(f, la.stage, lb.stage, t.fraction)) - t.secs)
           / nullif(t.secs, 0)) < 0.01 AS max_error_below_1pct,
       count(*) FILTER (WHERE t.secs = 0) AS exact_zeros,
       count(*) FILTER (WHERE t.secs = 0
                          AND time_to_convert(f, la.stage, lb.stage, t.fraction) <> interval '0')
         AS zeros_not_zero
FROM pg_temp.oracle_times(NULL) t
JOIN oracle_ladder la ON la.rank = t.a JOIN oracle_ladder lb ON lb.rank = t.b, fx_f;
-- Wilson intervals next to the SQL formula
SELECT la.stage AS from_stage, lb.stage AS to_stage,
       conversion(f, la.stage, lb.stage) AS conversion,
       conversion_interval(f, la.stage, lb.stage) AS ci95,
       pg_temp.wilson(reached(f, lb.stage), reached(f, la.stage), 1.959963984540054) AS wilson95
FROM fx_f, oracle_ladder la JOIN oracle_ladder lb ON lb.rank = la.rank + 1
WHERE la.rank IN (1, 4, 7);

-- ---------------------------------------------------------------------------
-- Lead key types: the same leads as bigint, int, text, uuid and high-bit
-- bigint give the same funnel, and each matches the oracle on its own keys.
SELECT (SELECT funnel(lead_int, stage, at) FROM fx)::text = f::text AS int_same,
       (SELECT funnel(lead_text, stage, at) FROM fx)::text = f::text AS text_same,
       (SELECT funnel(lead_uuid, stage, at) FROM fx)::text = f::text AS uuid_same,
       (SELECT funnel(lead_hi, stage, at) FROM fx)::text = f::text AS hi_bits_same,
       (SELECT funnel(lead::numeric, stage, at) FROM fx)::text = f::text AS numeric_same,
       (SELECT funnel(lead_text::varchar, stage, at) FROM fx)::text = f::text AS varchar_same
FROM fx_f;
TRUNCATE oracle_events;
INSERT INTO oracle_events SELECT lead_text, stage, at FROM fx;
SELECT * FROM pg_temp.check_funnel((SELECT funnel(lead_text, stage, at) FROM fx), NULL);
-- text keys that differ only in case are different leads ('k1' and 'K1')
SELECT reached(funnel(lead, stage, at), 'subscriber') AS two_leads,
       reached(funnel(lower(lead), stage, at), 'subscriber') AS one_lead
FROM (VALUES ('k1', 'mql'::lead_stage, now()), ('K1', 'sql', now())) v(lead, stage, at);
-- a bigint lead and an int lead of the same value are the same lead; smallint too
SELECT reached(funnel(lead, stage, at), 'subscriber') AS leads
FROM (VALUES (7::smallint, 'mql'::lead_stage, now()), (7::smallint, 'sql', now()),
             (8::smallint, 'lead', now())) v(lead, stage, at);

-- Issue 11, bug 1: distinct keys never merge when they are integer-like
-- (integers, domains over them, timestamps, time, money, date, oid, enums,
-- intervals by their span), nor when they are composites or arrays that
-- differ in an integer-like field.  Each pair below is two values whose
-- PostgreSQL extended hash is the same (hashint8extended folds 64 bits to
-- 32: 1 and 2^32 collide), so each used to count as one lead; the expected
-- count is count(DISTINCT) over the same values.
CREATE DOMAIN pg_temp.lead_id AS bigint;
CREATE TYPE pg_temp.org_lead AS (org_id int, lead_id bigint);
-- Counts the leads of a funnel over the keys k of query q, and the
-- distinct keys by plain SQL: 'leads of expected'.
CREATE FUNCTION pg_temp.keys_reached(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    got bigint;
    expected bigint;
BEGIN
    EXECUTE format('SELECT reached(funnel(k, ''mql''::lead_stage, timestamptz ''2026-01-01''), ''mql''), count(DISTINCT k)
                    FROM (%s) AS keys(k)', q) INTO got, expected;
    RETURN format('%s of %s', got, expected);
END $$;
SELECT q, pg_temp.keys_reached(q) AS leads
FROM unnest(ARRAY[
    $$SELECT unnest(ARRAY[1, 4294967296]::pg_temp.lead_id[])$$,
    $$SELECT unnest(ARRAY[-1, -4294967296, 4294967295]::pg_temp.lead_id[])$$,
    $$SELECT unnest(ARRAY[ROW(7, 1), ROW(7, 4294967296)]::pg_temp.org_lead[])$$,
    $$SELECT unnest(ARRAY[ROW(7, 1), ROW(7, 4294967296), ROW(NULL, 1), ROW(7, NULL), ROW(NULL, NULL)]::pg_temp.org_lead[])$$,
    $$VALUES (ARRAY[1]::bigint[]), (ARRAY[4294967296]), (ARRAY[1, 4294967296]), (ARRAY[4294967296, 1]), (ARRAY[NULL, 1])$$,
    $$SELECT unnest(ARRAY['2000-01-01 00:00:00.000001', '2000-01-01 01:11:34.967296']::timestamp[])$$,
    $$SELECT unnest(ARRAY['2000-01-01 00:00:00.000001+00', '2000-01-01 01:11:34.967296+00']::timestamptz[])$$,
    $$SELECT unnest(ARRAY['00:00:00.000001', '01:11:34.967296']::time[])$$,
    $$SELECT unnest(ARRAY['0.01', '42949672.96']::money[])$$,
    $$SELECT unnest(ARRAY['00:00:00.000001', '01:11:34.967296', '1 mon', '30 days', '720:00:00']::interval[])$$,
    $$SELECT unnest(ARRAY['2000-01-02', '2000-01-03']::date[])$$]) AS q;
-- an anonymous record: (org_id, lead_id) pairs
SELECT reached(funnel((org, lead), 'mql'::lead_stage, timestamptz '2026-01-01'), 'mql') AS leads,
       count(DISTINCT (org, lead)) AS expected
FROM (VALUES (7, 1::bigint), (7, 4294967296), (7, 1), (8, 1)) AS v(org, lead);
-- equal values are one lead: a domain as its base type, numeric 1.0 and
-- 1.00, float 0 and -0, text under a case-insensitive collation, '1 mon'
-- and '30 days' (above), records and arrays of such values
CREATE COLLATION pg_temp.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT (SELECT funnel(lead::pg_temp.lead_id, stage, at) FROM fx)::text = f::text AS domain_same,
       (SELECT funnel(CASE WHEN lead IS NOT NULL THEN ROW(1, lead)::pg_temp.org_lead END, stage, at) FROM fx)::text = f::text AS composite_same,
       (SELECT reached(funnel(k, 'mql'::lead_stage, now()), 'mql') FROM unnest(ARRAY[1.0, 1.00, 1]) k) AS numerics,
       (SELECT reached(funnel(k, 'mql'::lead_stage, now()), 'mql') FROM unnest(ARRAY[0, '-0']::float8[]) k) AS floats,
       (SELECT reached(funnel(k COLLATE pg_temp.ci, 'mql'::lead_stage, now()), 'mql') FROM unnest(ARRAY['Ab', 'aB', 'ab']) k) AS ci_texts,
       (SELECT reached(funnel(ROW(k, 1.0::numeric), 'mql'::lead_stage, now()), 'mql') FROM unnest(ARRAY[0, '-0']::float8[]) k) AS records,
       (SELECT reached(funnel(ARRAY[k], 'mql'::lead_stage, now()), 'mql') FROM unnest(ARRAY[1.0, 1.00]) k) AS arrays
FROM fx_f;
-- 200,000 distinct 64-bit ids under a domain (g times an odd constant
-- modulo 2^63: a bijection, so all distinct; folded to 32 bits, about five
-- pairs would collide): every one is a lead
SELECT reached(funnel(k::pg_temp.lead_id, 'mql'::lead_stage, timestamptz '2026-01-01'), 'mql') AS leads,
       count(DISTINCT k) AS expected
FROM (SELECT ((g * 11400714819323198485::numeric) % 9223372036854775808)::bigint AS k
      FROM generate_series(1, 200000) g) ids;

-- ---------------------------------------------------------------------------
-- Row order does not matter: the aggregate fed in four different orders.
SELECT (SELECT funnel(lead, stage, at ORDER BY at, lead) FROM fx)::text = f::text AS by_time,
       (SELECT funnel(lead, stage, at ORDER BY at DESC, lead DESC) FROM fx)::text = f::text AS by_time_desc,
       (SELECT funnel(lead, stage, at ORDER BY lead, stage DESC) FROM fx)::text = f::text AS by_lead,
       (SELECT funnel(lead, stage, at ORDER BY md5(lead::text || at::text)) FROM fx)::text = f::text AS hashed
FROM fx_f;

-- ---------------------------------------------------------------------------
-- Time bounds: 1931-12-13 20:45:53 .. 2068-01-19 03:14:06 UTC (whole seconds),
-- align's one time range (sql/time_range.sql: every function).
SET timezone = 'UTC';
SELECT t, pg_temp.sqlstate_of(format($q$SELECT funnel(1, 'mql'::lead_stage, %L::timestamptz)$q$, t))
FROM unnest(ARRAY['1931-12-13 20:45:53', '1931-12-13 20:45:52.999999', '1900-01-01',
                  '2068-01-19 03:14:06.999999', '2068-01-19 03:14:07', '2100-01-01',
                  'infinity', '-infinity']) AS t;
SELECT funnel(1, 'mql'::lead_stage, 'infinity');
SELECT funnel(1, 'mql'::lead_stage, '2068-01-19 03:14:07+00');
-- the longest duration a funnel holds (about 136 years), within 1 %
SELECT time_to_convert(f, 'subscriber', 'evangelist', 0.5) AS longest,
       pg_temp.close_enough(time_to_convert(f, 'subscriber', 'evangelist', 0.5),
           extract(epoch FROM timestamptz '2068-01-19 03:14:06' - '1931-12-13 20:45:53')::bigint)
         AS within_1pct
FROM (SELECT funnel(lead, stage, at) AS f
      FROM (VALUES (1, 'subscriber'::lead_stage, timestamptz '1931-12-13 20:45:53'),
                   (1, 'evangelist', '2068-01-19 03:14:06')) v(lead, stage, at)) s;
RESET timezone;

-- ---------------------------------------------------------------------------
-- Stage arguments: lead_stage values, unknown literals (the text overload,
-- aliases accepted) and text expressions all agree.
SELECT reached(f, 'Marketing Qualified Lead') = reached(f, 'mql'::lead_stage) AS alias,
       reached(f, 'SQO') = reached(f, 'opportunity'::lead_stage) AS sqo,
       conversion(f, 'inquiry', 'Closed Won') = conversion(f, 'lead'::lead_stage, 'customer'::lead_stage) AS conv,
       conversion_interval(f, 'mql', 'sql') = conversion_interval(f, 'mql'::lead_stage, 'sql'::lead_stage) AS ci,
       conversion_interval(f, 'mql', 'sql', 0.9) = conversion_interval(f, 'mql'::lead_stage, 'sql'::lead_stage, 0.9) AS ci90,
       time_to_convert(f, 'aql', 'salesqualifiedlead', 0.5) = time_to_convert(f, 'mql'::lead_stage, 'sql'::lead_stage, 0.5) AS ttc,
       reached(f, 'Nurture') = reached(f, 'recycled'::lead_stage) AS outcome_alias
FROM fx_f;
