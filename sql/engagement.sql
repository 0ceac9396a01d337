-- engagement_score: the decayed engagement score as an aggregate (as of a
-- time) and as a window function (as of each row), each checked against a
-- plain-SQL computation over the same rows:
--   sum(weight * power(2, -extract(epoch from as_of - at) / half_life_secs))
-- over the touches at or before as_of; kinds the weights do not name, and
-- NULL kinds, weigh default_weight (0 unless given).
\set SHOW_CONTEXT never
SET client_min_messages = warning;

-- 2000 leads, 0 to 11 touches each over a year, kinds with a NULL and an
-- unknown one, some NULL times, ties in time, and a lead with a 30-year gap.
CREATE TABLE eng_touch AS
SELECT l AS lead,
       (ARRAY['email_click', 'web_visit', 'event', 'call', NULL, 'webinar'])[1 + (l * 7 + i) % 6] AS kind,
       CASE WHEN (l + i) % 41 = 0 THEN NULL
            ELSE timestamptz '2026-01-01 00:00+00' + ((l * 131 + i * i * 977) % 8760) * interval '1 hour'
                 + ((l + i) % 3) * interval '17 minutes' END AS at
FROM generate_series(1, 2000) AS l, generate_series(1, l % 12) AS i;
INSERT INTO eng_touch VALUES (1, 'event', '1960-01-01 00:00+00'), (1, 'call', '1990-06-01 00:00+00'),
    (2, 'call', '2026-03-01 00:00+00'), (2, 'event', '2026-03-01 00:00+00');
CREATE TABLE eng_weights AS
SELECT '{"email_click": 1, "web_visit": 0.5, "event": 5, "call": 3}'::jsonb AS w;
ANALYZE eng_touch;

-- the plain-SQL reference: the weight of each touch
CREATE FUNCTION eng_weight(kind text, w jsonb, dflt float8) RETURNS float8
    LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce((w ->> kind)::float8, dflt) $$;

-- the plain-SQL reference: 2^(-age / half_life), 0 past 1000 half-lives
-- (float8's power() raises an error where it underflows)
CREATE FUNCTION eng_decay(age interval, half_life_secs float8) RETURNS float8
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN extract(epoch FROM age)::float8 / half_life_secs > 1000 THEN 0
                ELSE power(2::float8, -extract(epoch FROM age)::float8 / half_life_secs) END $$;

-- relative difference (0 when both are 0)
CREATE FUNCTION eng_rel(a float8, b float8) RETURNS float8
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN a = b THEN 0 ELSE abs(a - b) / greatest(abs(a), abs(b)) END $$;

-- 1. the aggregate, default half-life (7 days), as of mid-year: touches
-- after as_of do not count; every lead with touches gets a score
SELECT count(*) AS leads, count(*) FILTER (WHERE eng_rel(s, o) > 1e-9) AS differ,
       count(*) FILTER (WHERE s = 0) AS zero_scores
FROM (SELECT lead, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w) AS s
      FROM eng_touch, eng_weights GROUP BY lead) a
JOIN (SELECT lead, coalesce(sum(eng_weight(kind, w, 0)
                     * eng_decay(timestamptz '2026-07-01 00:00+00' - at, 7 * 86400))
                     FILTER (WHERE at <= timestamptz '2026-07-01 00:00+00'), 0) AS o
      FROM eng_touch, eng_weights GROUP BY lead) b USING (lead);

-- 2. half_life and default_weight given: unknown and NULL kinds weigh 0.25
SELECT count(*) AS leads, count(*) FILTER (WHERE eng_rel(s, o) > 1e-9) AS differ
FROM (SELECT lead, engagement_score(kind, at, timestamptz '2026-10-15 12:00+00', w, interval '36 hours', 0.25) AS s
      FROM eng_touch, eng_weights GROUP BY lead) a
JOIN (SELECT lead, coalesce(sum(eng_weight(kind, w, 0.25)
                     * eng_decay(timestamptz '2026-10-15 12:00+00' - at, 36 * 3600))
                     FILTER (WHERE at <= timestamptz '2026-10-15 12:00+00'), 0) AS o
      FROM eng_touch, eng_weights GROUP BY lead) b USING (lead);

-- a touch exactly at as_of counts whole; one a half-life before, half;
-- one after as_of not at all; a NULL time is skipped; an unknown kind is 0
SELECT engagement_score(kind, at, timestamptz '2026-01-08 00:00+00', '{"a": 2, "b": 4}'::jsonb)
FROM (VALUES ('a', timestamptz '2026-01-08 00:00+00'), ('b', '2026-01-01 00:00+00'),
             ('a', '2026-01-08 00:00:01+00'), ('a', NULL), ('zz', '2026-01-07 00:00+00')) AS t(kind, at);
-- the same kinds match exactly: 'A' is not 'a'; '1.0' and '1' are one weight
SELECT engagement_score(kind, at, timestamptz '2026-01-08 00:00+00', w)
FROM (VALUES ('A', timestamptz '2026-01-08 00:00+00', '{"a": 1}'::jsonb),
             ('a', '2026-01-08 00:00+00', '{"a": 1.0}')) AS t(kind, at, w);

-- NULLs: no rows gives NULL; only NULL times gives 0; a NULL parameter on
-- every row gives NULL
SELECT engagement_score(kind, at, now(), '{}'::jsonb) FROM eng_touch WHERE false;
SELECT engagement_score('call', NULL::timestamptz, timestamptz '2026-01-01 00:00+00', '{"call": 1}'::jsonb);
SELECT engagement_score(kind, at, NULL, w) IS NULL AS null_as_of,
       engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', NULL) IS NULL AS null_weights,
       engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w, NULL) IS NULL AS null_half_life,
       engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w, '1 day', NULL) IS NULL AS null_default
FROM eng_touch, eng_weights WHERE lead = 5;
-- a 30-year-old touch underflows to 0, no NaN or inf: lead 1's score is its
-- recent touches' alone
SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w, interval '1 hour')
       = coalesce(sum(eng_weight(kind, w, 0) * eng_decay(timestamptz '2026-07-01 00:00+00' - at, 3600))
                  FILTER (WHERE at BETWEEN '2000-01-01' AND '2026-07-01 00:00+00'), 0) AS underflow_is_zero
FROM eng_touch, eng_weights WHERE lead = 1;

-- 3. the window function: on each row, the score as of its at over the
-- partition's rows at or before it (peers included); NULL at gives NULL
SELECT count(*) AS rows_, count(*) FILTER (WHERE s IS NULL) AS null_rows,
       count(*) FILTER (WHERE eng_rel(s, o) > 1e-9 OR (s IS NULL) <> (o IS NULL)) AS differ
FROM (SELECT t.lead, t.at, t.kind,
             engagement_score(t.kind, t.at, w) OVER (PARTITION BY t.lead ORDER BY t.at) AS s,
             CASE WHEN t.at IS NOT NULL THEN
               (SELECT sum(eng_weight(u.kind, w, 0) * eng_decay(t.at - u.at, 7 * 86400))
                FROM eng_touch u WHERE u.lead = t.lead AND u.at <= t.at) END AS o
      FROM eng_touch t, eng_weights) x;
-- a short half-life (rebasing the running sum often) and a default weight
SELECT count(*) FILTER (WHERE eng_rel(s, o) > 1e-9 OR (s IS NULL) <> (o IS NULL)) AS differ
FROM (SELECT t.lead, t.at,
             engagement_score(t.kind, t.at, w, interval '2 hours', 0.25) OVER (PARTITION BY t.lead ORDER BY t.at) AS s,
             CASE WHEN t.at IS NOT NULL THEN
               (SELECT sum(eng_weight(u.kind, w, 0.25) * eng_decay(t.at - u.at, 7200))
                FROM eng_touch u WHERE u.lead = t.lead AND u.at <= t.at) END AS o
      FROM eng_touch t, eng_weights) x;
-- ties: both touches of lead 2 at 2026-03-01 count on both rows; the frame
-- clause is ignored
SELECT kind, engagement_score(kind, at, '{"call": 3, "event": 5}'::jsonb)
             OVER (ORDER BY at, kind ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS s
FROM eng_touch WHERE lead = 2 AND at = '2026-03-01 00:00+00' ORDER BY kind;
-- the window's last row agrees with the aggregate as of that row
SELECT count(*) AS leads, count(*) FILTER (WHERE eng_rel(s, a) > 1e-9) AS differ
FROM (SELECT DISTINCT ON (lead) lead, at,
             engagement_score(kind, at, w) OVER (PARTITION BY lead ORDER BY at) AS s
      FROM eng_touch, eng_weights WHERE at IS NOT NULL ORDER BY lead, at DESC) x
JOIN LATERAL (SELECT engagement_score(u.kind, u.at, x.at, w) AS a
              FROM eng_touch u, eng_weights WHERE u.lead = x.lead) y ON true;

-- 3b. in working time (the last argument, a work_calendar): ages and the
-- half-life count only working hours.  The reference measures working time
-- with working_seconds(), align's calendar arithmetic, tested on its own
-- (sql/calendar.sql); the score's own arithmetic is what is checked here.
CREATE TABLE eng_cal AS SELECT 'mon-fri 09:00-17:30; tz Europe/Berlin; closed 2026-05-01'::work_calendar AS cal;
SELECT count(*) AS leads, count(*) FILTER (WHERE eng_rel(s, o) > 1e-9) AS differ
FROM (SELECT lead, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w, interval '20 hours', 0.1, cal) AS s
      FROM eng_touch, eng_weights, eng_cal GROUP BY lead) a
JOIN (SELECT lead, coalesce(sum(eng_weight(kind, w, 0.1)
                     * CASE WHEN working_seconds(cal, at, timestamptz '2026-07-01 00:00+00') / (20 * 3600) > 1000 THEN 0
                            ELSE power(2::float8, -working_seconds(cal, at, timestamptz '2026-07-01 00:00+00') / (20 * 3600)) END)
                     FILTER (WHERE at <= timestamptz '2026-07-01 00:00+00'), 0) AS o
      FROM eng_touch, eng_weights, eng_cal GROUP BY lead) b USING (lead);
SELECT count(*) AS rows_, count(*) FILTER (WHERE eng_rel(s, o) > 1e-9 OR (s IS NULL) <> (o IS NULL)) AS differ
FROM (SELECT t.lead, t.at,
             engagement_score(t.kind, t.at, w, interval '4 hours', 0, cal) OVER (PARTITION BY t.lead ORDER BY t.at) AS s,
             CASE WHEN t.at IS NOT NULL THEN
               (SELECT sum(eng_weight(u.kind, w, 0)
                           * CASE WHEN working_seconds(cal, u.at, t.at) / (4 * 3600) > 1000 THEN 0
                                  ELSE power(2::float8, -working_seconds(cal, u.at, t.at) / (4 * 3600)) END)
                FROM eng_touch u WHERE u.lead = t.lead AND u.at <= t.at) END AS o
      FROM eng_touch t, eng_weights, eng_cal WHERE t.lead <= 400) x;
-- a NULL calendar is wall clock: the same numbers as without one
SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) AS differ
FROM (SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w, interval '7 days', 0, NULL) AS a,
             engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w) AS b
      FROM eng_touch, eng_weights GROUP BY lead) x;
SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) AS differ
FROM (SELECT engagement_score(kind, at, w, interval '7 days', 0, NULL) OVER (PARTITION BY lead ORDER BY at) AS a,
             engagement_score(kind, at, w) OVER (PARTITION BY lead ORDER BY at) AS b
      FROM eng_touch, eng_weights) x;

-- 4. a forced parallel plan: Partial Aggregate and Gather, the serial answer
CREATE TABLE eng_serial AS
SELECT lead % 7 AS g, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w) AS s
FROM eng_touch, eng_weights GROUP BY 1;
CREATE TABLE eng_serial_all AS
SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w, interval '3 days', 0.1) AS s
FROM eng_touch, eng_weights;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT lead % 7 AS g, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', '{"email_click": 1, "web_visit": 0.5, "event": 5, "call": 3}'::jsonb)
FROM eng_touch GROUP BY 1;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.s IS DISTINCT FROM e.s) AS differ
FROM (SELECT lead % 7 AS g, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00',
                                              '{"email_click": 1, "web_visit": 0.5, "event": 5, "call": 3}'::jsonb) AS s
      FROM eng_touch GROUP BY 1) p JOIN eng_serial e USING (g);
RESET enable_hashagg;
EXPLAIN (COSTS OFF)
SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', '{"email_click": 1, "web_visit": 0.5, "event": 5, "call": 3}'::jsonb, interval '3 days', 0.1)
FROM eng_touch;
SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', '{"email_click": 1, "web_visit": 0.5, "event": 5, "call": 3}'::jsonb, interval '3 days', 0.1)
       = (SELECT s FROM eng_serial_all) AS parallel_equals_serial
FROM eng_touch;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- 5. a tiny memory budget changes nothing: the state is eight numbers
CREATE TABLE eng_by_lead AS
SELECT lead, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w) AS s
FROM eng_touch, eng_weights GROUP BY lead;
SET align.memory_budget = '64kB';
SET work_mem = '64kB';
SELECT count(*) AS leads, count(*) FILTER (WHERE a.s IS DISTINCT FROM b.s) AS differ
FROM (SELECT lead, engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', w) AS s
      FROM eng_touch, eng_weights GROUP BY lead) a
JOIN eng_by_lead b USING (lead);
RESET align.memory_budget;
RESET work_mem;

-- 6. bad input, with its SQLSTATE
\set VERBOSITY sqlstate
-- weights not an object, a weight not a number, a weight beyond float8
SELECT engagement_score('a', now(), now(), '[1, 2]'::jsonb);
SELECT engagement_score('a', now(), now(), '{"a": "1"}'::jsonb);
SELECT engagement_score('a', now(), now(), '{"a": {"b": 1}}'::jsonb);
SELECT engagement_score('a', now(), now(), '{"a": 1e400}'::jsonb);
SELECT engagement_score('a', now(), now(), '3'::jsonb);
-- half_life zero or negative, default_weight not finite
SELECT engagement_score('a', now(), now(), '{}'::jsonb, interval '0');
SELECT engagement_score('a', now(), now(), '{}'::jsonb, interval '-1 day');
SELECT engagement_score('a', now(), now(), '{}'::jsonb, interval '1 day', 'infinity');
SELECT engagement_score('a', now(), '{}'::jsonb, interval '0') OVER ();
-- parameters that differ between rows of a group or partition
SELECT engagement_score(kind, at, at, w) FROM eng_touch, eng_weights WHERE lead = 3;
SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', jsonb_build_object(kind, 1)) FROM eng_touch WHERE lead = 3;
SELECT engagement_score(kind, at, CASE WHEN kind IS NULL THEN NULL ELSE now() END, '{}'::jsonb) FROM eng_touch WHERE lead = 3;
SELECT engagement_score(kind, at, '{}'::jsonb, at - timestamptz '2025-01-01 00:00+00') OVER (ORDER BY at)
FROM eng_touch WHERE lead = 3;
-- calendars that differ in a group or partition
SELECT engagement_score(kind, at, timestamptz '2026-07-01 00:00+00', '{}'::jsonb, interval '1 day', 0,
                        CASE WHEN kind IS NULL THEN NULL ELSE 'mon-fri 09:00-17:00; tz UTC'::work_calendar END)
FROM eng_touch WHERE lead = 3;
SELECT engagement_score(kind, at, '{}'::jsonb, interval '1 day', 0,
                        CASE WHEN kind IS NULL THEN 'mon 09:00-17:00; tz UTC'::work_calendar
                             ELSE 'mon-fri 09:00-17:00; tz UTC' END) OVER (ORDER BY at)
FROM eng_touch WHERE lead = 3;
-- rows out of time order in a partition
SELECT engagement_score(kind, at, '{}'::jsonb) OVER (ORDER BY at DESC) FROM eng_touch WHERE lead = 3;
-- times outside align's range
SELECT engagement_score('a', timestamptz '1900-01-01 00:00+00', now(), '{}'::jsonb);
SELECT engagement_score('a', now(), 'infinity', '{}'::jsonb);
-- a sum beyond float8
SELECT engagement_score(kind, at, timestamptz '2026-07-01', '{"a": 1e308}'::jsonb)
FROM (VALUES ('a', timestamptz '2026-07-01'), ('a', '2026-07-01')) AS t(kind, at);
-- states that are not engagement_score states
SELECT engagement_score_final('{1, 2}');
SELECT engagement_score_final('{5, 0, 0, 0, 0, 0, 0, -1}');
SELECT engagement_score_combine('{1, 2, 0, 0, 604800000000, 0, 1, -1}', '{1, 2, 0, 0, 3600000000, 0, 1, -1}');
\set VERBOSITY default

\i sql/include/sqlstate_of.sql
-- Two weight objects of 17 kinds that differ in two weights are told apart
-- (jsonb's own hash, used first, took them as the same).
WITH o AS (SELECT (SELECT jsonb_object_agg(format('kind_%s', chr(97 + i)), 1) FROM generate_series(0, 16) i) AS a,
                  (SELECT jsonb_object_agg(format('kind_%s', chr(97 + i)), CASE WHEN i IN (0, 16) THEN 2 ELSE 1 END)
                   FROM generate_series(0, 16) i) AS b)
SELECT jsonb_hash_extended(a, 0) = jsonb_hash_extended(b, 0) AS jsonb_hashes_alike,
       pg_temp.sqlstate_of(format($q$SELECT engagement_score(k, timestamptz '2026-07-01', timestamptz '2026-07-01', w)
                                      FROM (VALUES ('kind_a', %L::jsonb), ('kind_a', %L::jsonb)) v(k, w)$q$, a, b)) AS mixed
FROM o;
-- A huge weight in the window form: the score the aggregate gives (1e300), not 22003.
SELECT at, engagement_score('a', at, '{"a": 1e300}'::jsonb, interval '1 day') OVER (ORDER BY at) AS running,
       (SELECT engagement_score('a', t.at, timestamptz '2026-03-02', '{"a": 1e300}'::jsonb, interval '1 day')
        FROM (VALUES (timestamptz '2026-03-02')) t(at)) AS aggregate_at_last
FROM (VALUES (timestamptz '2026-01-01'), (timestamptz '2026-03-02')) t(at);
-- The window form's four-argument call with untyped weights and half-life
-- is ambiguous beside the aggregate (42725); typed weights settle it.
SELECT pg_temp.sqlstate_of($q$SELECT engagement_score(k, at, '{"a": 1}', '2 days') OVER (ORDER BY at)
                              FROM (VALUES ('a', timestamptz '2026-03-02')) t(k, at)$q$) AS untyped;
SELECT engagement_score(k, at, '{"a": 1}'::jsonb, '2 days') OVER (ORDER BY at) AS typed
FROM (VALUES ('a', timestamptz '2026-03-02')) t(k, at);
