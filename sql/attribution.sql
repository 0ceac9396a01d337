-- attribution(lead, at, channel, stage, to_stage [, model [, lookback
-- [, half_life [, weights]]]]): multi-touch attribution (issue 16), checked
-- against a plain-SQL oracle for every model, over generated touches and
-- stage history with ties, touches after the conversion, leads with one
-- touch and with none, NULL channels and a lookback window.
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;
\i sql/include/sqlstate_of.sql

-- a small example, by hand: lead 1 has five touches before its opportunity
-- (two tied at 2026-01-02, taken in channel order), one after; lead 2 one
-- NULL-channel touch at the time it became a customer; lead 3 converted
-- without touches; lead 4 never converted
CREATE TABLE at_small (lead_id int, at timestamptz, channel text, stage lead_stage);
INSERT INTO at_small VALUES
    (1, '2026-01-01', 'email', NULL), (1, '2026-01-02', 'webinar', NULL),
    (1, '2026-01-02', 'ads', NULL), (1, '2026-01-02 12:00', 'call', NULL),
    (1, '2026-01-03', 'web', NULL), (1, '2026-01-06', 'late', NULL),
    (1, '2026-01-02', NULL, 'lead'), (1, '2026-01-05', NULL, 'opportunity'),
    (2, '2026-01-01', NULL, NULL), (2, '2026-01-01', NULL, 'customer'),
    (3, '2026-01-01', NULL, 'opportunity'),
    (4, '2026-01-01', 'email', NULL);
SELECT m AS model, r.*
FROM unnest(ARRAY['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path', 'time_decay']) m,
     LATERAL attribution_rows((SELECT attribution(lead_id, at, channel, stage, 'opportunity', m) FROM at_small)) r;
SELECT attribution(lead_id, at, channel, stage, 'opportunity') FROM at_small;
-- weights as parameters: U-shaped with no middle share
SELECT * FROM attribution_rows((SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped',
                                                   NULL, NULL, ARRAY[1, 1, 0]) FROM at_small));

-- generated data: 400 leads, 0 to 5 touches each (lead % 6 = 0: none) on
-- whole days or a few hours past (ties), channels of five kinds and NULL;
-- stage history that skips stages, converts to opportunity for two leads
-- in three, to customer for some, and ends lost for others
CREATE TABLE at_touches AS
SELECT l AS lead_id,
       '2026-01-01'::timestamptz + ((l * 7 + j * 13) % 30) * interval '1 day'
           + CASE WHEN j % 3 = 0 THEN interval '0' ELSE ((j * 5) % 3) * interval '1 hour' END AS at,
       (ARRAY['email', 'ads', 'web', 'event', NULL])[1 + (l + j * 3) % 5] AS channel
FROM generate_series(1, 400) l, generate_series(1, 5) j
WHERE j <= l % 6;
-- tied touches of two channels at one time
INSERT INTO at_touches
SELECT lead_id, at, 'partner' FROM at_touches WHERE lead_id % 11 = 0 AND channel = 'email';
CREATE TABLE at_stages (lead_id int, at timestamptz, stage lead_stage);
INSERT INTO at_stages
SELECT l, '2026-01-01'::timestamptz + ((l * 3) % 20) * interval '1 day', 'lead'
FROM generate_series(1, 400) l WHERE l % 4 <> 3;
INSERT INTO at_stages
SELECT l, '2026-01-01'::timestamptz + ((l * 3) % 20 + 2) * interval '1 day', 'mql'
FROM generate_series(1, 400) l WHERE l % 2 = 0;
INSERT INTO at_stages
SELECT l, '2026-01-01'::timestamptz + ((l * 11) % 35) * interval '1 day', 'opportunity'
FROM generate_series(1, 400) l WHERE l % 3 <> 0 AND l % 13 <> 0;
INSERT INTO at_stages
SELECT l, '2026-01-01'::timestamptz + ((l * 11) % 35) * interval '1 day', 'sql'
FROM generate_series(1, 400) l WHERE l % 13 = 0;
INSERT INTO at_stages
SELECT l, '2026-01-01'::timestamptz + ((l * 11) % 35 + l % 4) * interval '1 day', 'customer'
FROM generate_series(1, 400) l WHERE l % 3 <> 0 AND l % 5 = 0;
INSERT INTO at_stages
SELECT l, '2026-01-01'::timestamptz + 40 * interval '1 day', 'lost'
FROM generate_series(1, 400) l WHERE l % 7 = 0;
-- the customer straight from a touch: lead 400 skips to customer
INSERT INTO at_stages VALUES (401, '2026-01-10', 'customer');
INSERT INTO at_touches VALUES (401, '2026-01-10', 'event');
CREATE VIEW at_rows AS
SELECT lead_id, at, channel, NULL::lead_stage AS stage FROM at_touches
UNION ALL
SELECT lead_id, at, 'ignored', stage FROM at_stages;

-- the oracle's ladder
CREATE TABLE at_ladder (stage lead_stage PRIMARY KEY, rank int);
INSERT INTO at_ladder VALUES ('subscriber', 1), ('lead', 2), ('mql', 3), ('sal', 4), ('sql', 5),
    ('opportunity', 6), ('customer', 7), ('evangelist', 8), ('recycled', NULL),
    ('disqualified', NULL), ('lost', NULL), ('other', NULL);

-- plain SQL: per channel (NULL as '<null>', leads converted without a
-- counted touch as '(none)'), the credit of the model and the leads
-- touched.  A lead converts at its first row at to_stage's rank or above;
-- its touches at or before then (and, with lookback, not before then -
-- lookback) count, numbered in time then channel order (NULLs first); the
-- milestones are the last counted touch at or before the lead first
-- reached lead, opportunity and customer (at or before the conversion);
-- a touch's credit: first/last/linear as named; positional models sum the
-- weights of the positions the touch holds, the middle share split over
-- the touches holding none, divided by the weights present; time decay
-- 2^(-(last touch - at) / half_life) over their sum.  Leads touched:
-- counted touches of converted leads, every touch of the others.
CREATE FUNCTION pg_temp.oracle(model text, to_stage lead_stage, lookback interval,
                               half_life interval, w numeric[])
RETURNS TABLE (channel text, credited numeric, leads bigint) LANGUAGE sql AS $$
WITH ranked AS (
    SELECT s.lead_id, s.at, l.rank FROM at_stages s JOIN at_ladder l USING (stage)
), conv AS (
    SELECT lead_id,
           min(at) FILTER (WHERE rank >= (SELECT rank FROM at_ladder WHERE stage = to_stage)) AS conv,
           min(at) FILTER (WHERE rank >= 2) AS e_lead,
           min(at) FILTER (WHERE rank >= 6) AS e_opp,
           min(at) FILTER (WHERE rank >= 7) AS e_cust
    FROM ranked GROUP BY lead_id
), leads AS (
    SELECT lead_id FROM at_touches UNION SELECT lead_id FROM at_stages
), c AS (
    SELECT k.lead_id, conv,
           CASE WHEN e_lead <= conv THEN e_lead END AS e_lead,
           CASE WHEN e_opp <= conv THEN e_opp END AS e_opp,
           CASE WHEN e_cust <= conv THEN e_cust END AS e_cust
    FROM leads k LEFT JOIN conv USING (lead_id)
), counted AS (
    SELECT t.lead_id, t.at, t.channel, c.e_lead, c.e_opp, c.e_cust,
           row_number() OVER w AS idx,
           count(*) OVER (PARTITION BY t.lead_id) AS n,
           max(t.at) OVER (PARTITION BY t.lead_id) AS last_at
    FROM at_touches t JOIN c USING (lead_id)
    WHERE c.conv IS NOT NULL AND t.at <= c.conv AND (lookback IS NULL OR t.at >= c.conv - lookback)
    WINDOW w AS (PARTITION BY t.lead_id ORDER BY t.at, t.channel NULLS FIRST)
), pos AS (
    SELECT lead_id,
           (ARRAY[1, max(idx) FILTER (WHERE at <= e_lead), max(idx) FILTER (WHERE at <= e_opp),
                  max(idx) FILTER (WHERE at <= e_cust)])[1:coalesce(array_length(w, 1), 1) - 1] AS p
    FROM counted GROUP BY lead_id
), raw AS (
    SELECT k.lead_id, k.channel, k.idx, k.n,
           CASE model
               WHEN 'first_touch' THEN (k.idx = 1)::int::numeric
               WHEN 'last_touch' THEN (k.idx = k.n)::int::numeric
               WHEN 'linear' THEN 1
               WHEN 'time_decay' THEN power(2::float8, -extract(epoch FROM k.last_at - k.at)
                                                        / extract(epoch FROM half_life))::numeric
               ELSE (SELECT coalesce(sum(w[i]), 0) FROM generate_subscripts(p.p, 1) i WHERE p.p[i] = k.idx)
                    + CASE WHEN k.idx <> ALL (array_remove(p.p, NULL))
                           THEN w[array_length(w, 1)]
                                / (k.n - (SELECT count(DISTINCT x) FROM unnest(p.p) x WHERE x IS NOT NULL))
                           ELSE 0 END
           END AS r
    FROM counted k JOIN pos p USING (lead_id)
), credit AS (
    SELECT lead_id, channel,
           CASE WHEN sum(r) OVER (PARTITION BY lead_id) = 0 THEN 1.0 / n
                ELSE r / sum(r) OVER (PARTITION BY lead_id) END AS credit
    FROM raw
), touched AS (
    SELECT DISTINCT lead_id, coalesce(channel, '<null>') AS channel FROM counted
    UNION
    SELECT DISTINCT t.lead_id, coalesce(t.channel, '<null>') FROM at_touches t JOIN c USING (lead_id)
    WHERE c.conv IS NULL
), no_touch AS (
    SELECT count(*) AS n FROM c WHERE conv IS NOT NULL
        AND NOT EXISTS (SELECT FROM counted k WHERE k.lead_id = c.lead_id)
)
SELECT channel, coalesce(cr, 0), coalesce(ld, 0)
FROM (SELECT coalesce(channel, '<null>') AS channel, sum(credit) AS cr FROM credit GROUP BY 1) x
FULL JOIN (SELECT channel, count(*) AS ld FROM touched GROUP BY 1) y USING (channel)
UNION ALL
SELECT '(none)', n, n FROM no_touch WHERE n > 0
$$;

-- every model, with and without a lookback, to opportunity and to customer:
-- the same channels, credit within 10^-9 (the aggregate rounds each lead
-- to 10^-12), the same leads touched; and the credit sums exactly to the
-- conversions (counted by plain SQL)
CREATE TABLE at_cases (model text, to_stage lead_stage, lookback interval, half_life interval, w numeric[]);
INSERT INTO at_cases VALUES
    ('first_touch', 'opportunity', NULL, NULL, NULL), ('last_touch', 'opportunity', NULL, NULL, NULL),
    ('linear', 'opportunity', NULL, NULL, NULL), ('u_shaped', 'opportunity', NULL, NULL, '{0.4,0.4,0.2}'),
    ('w_shaped', 'opportunity', NULL, NULL, '{0.3,0.3,0.3,0.1}'),
    ('full_path', 'opportunity', NULL, NULL, '{0.225,0.225,0.225,0.225,0.1}'),
    ('full_path', 'customer', NULL, NULL, '{0.225,0.225,0.225,0.225,0.1}'),
    ('time_decay', 'opportunity', NULL, '7 days', NULL), ('time_decay', 'customer', NULL, '2 days', NULL),
    ('linear', 'opportunity', '10 days', NULL, NULL), ('u_shaped', 'customer', '10 days', NULL, '{0.4,0.4,0.2}'),
    ('w_shaped', 'opportunity', '5 days', NULL, '{0.3,0.3,0.3,0.1}'),
    ('last_touch', 'mql', '3 days', NULL, NULL),
    ('time_decay', 'opportunity', '10 days', '1 day', NULL),
    ('u_shaped', 'opportunity', NULL, NULL, '{0.5,0.2,0.3}'),
    ('full_path', 'customer', NULL, NULL, '{0,0,0,0,1}');
-- the defaults of u_shaped, w_shaped and full_path are the oracle's weights
CREATE TABLE at_results AS
SELECT k.*, (SELECT attribution(lead_id, at, channel, stage, k.to_stage, k.model, k.lookback,
                                coalesce(k.half_life, '7 days'),
                                CASE WHEN k.w IN ('{0.4,0.4,0.2}', '{0.3,0.3,0.3,0.1}', '{0.225,0.225,0.225,0.225,0.1}')
                                     THEN NULL ELSE k.w::float8[] END)
             FROM at_rows) AS a
FROM at_cases k;
SELECT r.model, r.to_stage, r.lookback, r.half_life, r.w, x.*,
       x.credited = (SELECT count(*) FROM (SELECT s.lead_id FROM at_stages s JOIN at_ladder l USING (stage)
                                           WHERE l.rank >= (SELECT rank FROM at_ladder WHERE stage = r.to_stage)
                                           GROUP BY s.lead_id) y) AS sums_to_conversions
FROM at_results r
CROSS JOIN LATERAL (
    SELECT count(*) AS channels,
           bool_and(a.credited IS NOT NULL AND o.credited IS NOT NULL
                    AND abs(a.credited - o.credited) < 1e-9 AND a.leads_touched = o.leads) AS same,
           sum(a.credited) AS credited
    FROM (SELECT coalesce(channel, '<null>') AS channel, credited, leads_touched FROM attribution_rows(r.a)) a
    FULL JOIN (SELECT * FROM pg_temp.oracle(r.model, r.to_stage, r.lookback, r.half_life, r.w)) o
        USING (channel)) x
ORDER BY 1, 2, 3, 4, 5;

-- the (none) bucket and the NULL channel, as attribution_rows shows them
SELECT * FROM attribution_rows((SELECT a FROM at_results WHERE model = 'linear' AND lookback IS NULL));

-- channels of other types: integer ids and a domain give the same credit
-- as their text (the tie order of integers is numeric: 10 after 9)
CREATE DOMAIN at_channel AS text;
SELECT (SELECT attribution(lead_id, at, channel::at_channel, stage, 'opportunity', 'u_shaped') FROM at_rows)::text
     = (SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped') FROM at_rows)::text AS domain_same;
SELECT count(*) AS channels,
       bool_and(i.credited = t.credited AND i.leads_touched = t.leads_touched) AS int_same_as_text
FROM attribution_rows((SELECT attribution(lead_id, at, length(channel), stage, 'opportunity', 'u_shaped')
                       FROM at_rows)) i
FULL JOIN attribution_rows((SELECT attribution(lead_id, at, length(channel)::text, stage, 'opportunity', 'u_shaped')
                            FROM at_rows)) t USING (channel);
-- lead keys of other types
SELECT (SELECT attribution(lead_id::text, at, channel, stage, 'opportunity', 'w_shaped') FROM at_rows)::text
     = (SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'w_shaped') FROM at_rows)::text AS text_keys_same;

-- rollup: attributions of disjoint lead sets add up to the whole, exactly
SELECT (SELECT rollup(h) FROM (SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'time_decay') AS h
                               FROM at_rows GROUP BY lead_id % 2) x)::text
     = (SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'time_decay') FROM at_rows)::text AS halves_add_up,
       (SELECT rollup(h) FROM (SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'full_path') AS h
                               FROM at_rows GROUP BY lead_id % 7) x)::text
     = (SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'full_path') FROM at_rows)::text AS sevenths_add_up;
SELECT pg_temp.sqlstate_of($$SELECT rollup(a) FROM at_results$$) AS rollup_of_different_models;

-- text and binary round trips
SELECT bool_and(a::text::attribution::text = a::text) AS text_round_trip FROM at_results;
CREATE TEMP TABLE at_copy (model text, to_stage lead_stage, lookback interval, half_life interval, w numeric[], a attribution);
COPY at_results TO PROGRAM 'cat > attribution_copy.bin' (FORMAT binary);
COPY at_copy FROM PROGRAM 'cat attribution_copy.bin' (FORMAT binary);
SELECT count(*) AS values, bool_and(c.a::text = r.a::text AND attribution_send(c.a) = attribution_send(r.a)) AS binary_round_trip
FROM at_copy c JOIN at_results r ON c.model = r.model AND c.to_stage = r.to_stage
    AND c.lookback IS NOT DISTINCT FROM r.lookback AND c.half_life IS NOT DISTINCT FROM r.half_life
    AND c.w IS NOT DISTINCT FROM r.w;

-- past the memory budget: the rows go to temporary files, the answer is the same
CREATE TABLE at_big AS
SELECT lead_id + 1000 * k AS lead_id, at + k * interval '1 minute' AS at, channel, stage
FROM at_rows, generate_series(0, 29) k;
CREATE TABLE at_big_whole AS
SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'w_shaped')::text AS a FROM at_big;
SET align.memory_budget = '16kB';
SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'w_shaped')::text = a AS same_at_16kB
FROM at_big, at_big_whole GROUP BY a;
RESET align.memory_budget;

-- a parallel plan: partial states in the workers, combined in the leader
\i sql/include/parallel_plan.sql
SELECT count(*) FILTER (WHERE l ~ 'Partial Aggregate') > 0 AS partial_plan,
       count(*) FILTER (WHERE l ~ 'Gather') > 0 AS gather
FROM pg_temp.plan_lines($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'w_shaped') FROM at_big$$) l;
SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'w_shaped')::text = a AS parallel_same
FROM at_big, at_big_whole GROUP BY a;
SET align.memory_budget = '16kB';
SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'w_shaped')::text = a AS parallel_spilling_same
FROM at_big, at_big_whole GROUP BY a;
RESET align.memory_budget;
SET max_parallel_workers_per_gather = 0;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;

-- empty input: NULL; rows without a conversion: no credit
SELECT attribution(lead_id, at, channel, stage, 'opportunity') IS NULL AS empty_is_null FROM at_small WHERE false;
SELECT * FROM attribution_rows((SELECT attribution(lead_id, at, channel, stage, 'opportunity') FROM at_small
                                WHERE lead_id = 4));

-- bad arguments (22023)
SELECT pg_temp.sqlstate_of(q) AS state, what
FROM (VALUES
    ($$SELECT attribution(lead_id, at, channel, stage, NULL) FROM at_small$$, 'to_stage NULL'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'lost') FROM at_small$$, 'to_stage an outcome'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'v_shaped') FROM at_small$$, 'unknown model'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', NULL) FROM at_small$$, 'model NULL'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'linear', '-1 day') FROM at_small$$, 'negative lookback'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'time_decay', NULL, '0') FROM at_small$$, 'zero half-life'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'linear', NULL, NULL, '{1,1}') FROM at_small$$, 'weights for linear'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped', NULL, NULL, '{1,1}') FROM at_small$$, 'two weights for u_shaped'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped', NULL, NULL, '{1,-1,1}') FROM at_small$$, 'a negative weight'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped', NULL, NULL, '{0,0,0}') FROM at_small$$, 'zero weights'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped', NULL, NULL, '{1,NaN,1}') FROM at_small$$, 'a NaN weight'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped', NULL, NULL, '{1,NULL,1}') FROM at_small$$, 'a NULL weight'),
    ($$SELECT attribution(lead_id, at, channel, stage, CASE WHEN lead_id = 1 THEN 'opportunity' ELSE 'customer' END::lead_stage) FROM at_small$$, 'to_stage varies'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'linear', '1 month') FROM at_small$$, 'a lookback of a month (30 days, by align''s interval rule)'),
    ($$SELECT attribution(lead_id, at, channel, stage, 'opportunity', 'linear', '-1 month 40 days') FROM at_small$$, 'a lookback of -1 month 40 days (10 days)')
) v(q, what);

-- hostile text input (22P02)
CREATE TABLE at_text AS
SELECT a::text AS t FROM at_results WHERE model = 'u_shaped' AND lookback IS NULL AND w = '{0.4,0.4,0.2}';
SELECT t FROM at_text;
SELECT pg_temp.sqlstate_of(format('SELECT %L::attribution', replace(t, a, b))) AS state, what
FROM at_text, (VALUES ('"version": 1', '"version": 2', 'version 2'),
                      ('"u_shaped"', '"v_shaped"', 'unknown model'),
                      ('"opportunity"', '"lost"', 'to_stage an outcome'),
                      ('"weights": [400000000', '"weights": [-400000000', 'a negative weight'),
                      ('"weights": [400000000, ', '"weights": [', 'two weights'),
                      ('"conversions": 252', '"conversions": 253', 'credit not the conversions'),
                      ('"units": "', '"units": "-', 'negative units'),
                      ('"units": "', '"units": "9', 'too many units'),
                      ('"channel": "ads"', '"channel": "web"', 'channels repeated'),
                      ('"channel": "ads"', '"channel": "zzz"', 'channels out of order'),
                      ('"channel": null', '"channel": 5', 'a number channel'),
                      ('"none": true', '"none": false', 'none false'),
                      ('"leads": 401', '"leads": 1', 'fewer leads than conversions'),
                      ('"version": 1', '"version": 1, "extra": 0', 'unknown key'),
                      ('"half_life_us": 0', '"half_life_us": 5', 'half-life without time decay'),
                      ('"lookback_us": null', '"lookback_us": -5', 'negative lookback')) r(a, b, what)
ORDER BY what;
SELECT pg_temp.sqlstate_of($$SELECT '[]'::attribution$$) AS not_an_object,
       pg_temp.sqlstate_of($$SELECT 'x'::attribution$$) AS not_json;

-- hostile binary input: attribution_send's bytes, changed, read back through
-- a binary COPY (attribution_recv); the layout: version, model, to_stage,
-- has_lookback, nweights, lookback (8), half-life (8), weights (8 each),
-- conversions (8), leads (8), channels (4), per channel kind, text, units
-- (16), leads (8)
CREATE TEMP TABLE at_one (a attribution);
CREATE FUNCTION pg_temp.recv_state(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT %L::bytea) TO PROGRAM %L (FORMAT binary)', b, 'cat > attribution_bad.bin');
    RETURN pg_temp.sqlstate_of($q$COPY at_one FROM PROGRAM 'cat attribution_bad.bin' (FORMAT binary)$q$);
END $$;
CREATE TABLE at_bytes AS
SELECT attribution_send(attribution(lead_id, at, channel, stage, 'opportunity', 'u_shaped')) AS b FROM at_small;
SELECT pg_temp.recv_state(x) AS state, what
FROM at_bytes, LATERAL (VALUES (b, 'unchanged'),
    (set_byte(b, 0, 2), 'version 2'),
    (set_byte(b, 1, 9), 'model 9'),
    (set_byte(b, 2, 11), 'to_stage lost'),
    (set_byte(b, 3, 2), 'has_lookback 2'),
    (set_byte(b, 4, 6), 'six weights'),
    (set_byte(b, 52, 9), 'conversions 9'),
    (set_byte(b, 61 + 3, 200), 'too many channels'),
    (substring(b from 1 for length(b) - 8), 'a count missing (08P01: the message ends)'),
    (b || '\x00'::bytea, 'a byte too many')) v(x, what);

-- Channels that are unequal but print alike (float8 with extra_float_digits
-- = 0) are one channel, and a lead touching both counts once in it.
SET extra_float_digits = 0;
SELECT r.channel, r.credited, r.leads_touched
FROM attribution_rows((SELECT attribution(1, t, c, s, 'opportunity')
                       FROM (VALUES ('2026-01-01'::timestamptz, 0.1::float8, NULL::lead_stage),
                                    ('2026-01-02', 0.1000000000000001::float8, NULL),
                                    ('2026-01-03', NULL, 'opportunity')) v(t, c, s))) r;
RESET extra_float_digits;
