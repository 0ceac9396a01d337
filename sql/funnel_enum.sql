-- Custom vocabularies: a funnel over a user enum, whose sort order is the
-- whole ladder (no outcomes), against plain SQL; wrong-vocabulary errors.
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

\set ECHO none
\i sql/include/funnel_oracle.sql
\i sql/include/funnel_data.sql
\set ECHO all

-- An eight-value ladder built with ADD VALUE BEFORE/AFTER, so that its sort
-- order is not the order of its OIDs.
CREATE TYPE deal_stage AS ENUM ('visit', 'engaged', 'paid');
ALTER TYPE deal_stage ADD VALUE 'signup' BEFORE 'engaged';
ALTER TYPE deal_stage ADD VALUE 'activated' BEFORE 'engaged';
ALTER TYPE deal_stage ADD VALUE 'trial' AFTER 'engaged';
ALTER TYPE deal_stage ADD VALUE 'quote' BEFORE 'paid';
ALTER TYPE deal_stage ADD VALUE 'renewed' AFTER 'paid';
SELECT enum_range(NULL::deal_stage) AS ladder,
       (SELECT array_agg(enumlabel ORDER BY oid) FROM pg_enum
         WHERE enumtypid = 'deal_stage'::regtype) AS by_oid;

-- The generated data set's ladder rows, with rank r mapped to the r-th enum
-- value (outcomes and 'other' dropped: an enum ladder has none).
CREATE TEMP TABLE dx AS
SELECT lead, (enum_range(NULL::deal_stage))[stage_rank(stage)] AS s, stage, at
FROM fx WHERE stage IS NULL OR stage_rank(stage) IS NOT NULL;
INSERT INTO oracle_events SELECT lead::text, stage, at FROM dx;
CREATE TEMP TABLE dx_f AS SELECT funnel(lead, s, at) AS f FROM dx;
SELECT f::jsonb - 'times' AS counts,
       (SELECT count(*) FROM jsonb_object_keys(f::jsonb -> 'times')) AS timed_pairs
FROM dx_f;
SELECT * FROM funnel_steps((SELECT f FROM dx_f), NULL::deal_stage);

-- enum accessors against the oracle, value by value
CREATE TEMP TABLE o_stages AS SELECT * FROM pg_temp.oracle_stages(NULL);
CREATE TEMP TABLE o_times AS SELECT * FROM pg_temp.oracle_times(NULL);
CREATE TEMP VIEW deal_ladder AS
SELECT v, rank::int AS rank FROM unnest(enum_range(NULL::deal_stage)) WITH ORDINALITY AS u(v, rank);
SELECT 'reached' AS kind, count(*) AS checked,
       count(*) FILTER (WHERE reached(f, d.v) <> o.reached
                           OR (f::jsonb -> 'known' ->> (o.rank - 1))::bigint <> o.known) AS mismatches
FROM dx_f, deal_ladder d JOIN o_stages o USING (rank)
UNION ALL
SELECT 'conversion', count(*),
       count(*) FILTER (WHERE conversion(f, a.v, b.v) IS DISTINCT FROM ob.reached::float8 / nullif(oa.reached, 0)
           OR abs((conversion_interval(f, a.v, b.v))[1] - (pg_temp.wilson(ob.reached, oa.reached, 1.959963984540054))[1]) > 1e-9
           OR abs((conversion_interval(f, a.v, b.v, 0.99))[2] - (pg_temp.wilson(ob.reached, oa.reached, 2.5758293035489))[2]) > 1e-9)
FROM dx_f, deal_ladder a JOIN deal_ladder b ON a.rank <= b.rank
     JOIN o_stages oa ON oa.rank = a.rank
     JOIN o_stages ob ON ob.rank = b.rank
UNION ALL
SELECT 'time_to_convert', count(*),
       count(*) FILTER (WHERE CASE WHEN t.secs IS NULL THEN g IS NOT NULL
                                   ELSE NOT pg_temp.close_enough(g, t.secs) END)
FROM dx_f, deal_ladder a JOIN deal_ladder b ON a.rank < b.rank
     CROSS JOIN unnest(pg_temp.oracle_fractions()) q(fraction)
     LEFT JOIN o_times t ON t.a = a.rank AND t.b = b.rank AND t.fraction = q.fraction,
     LATERAL (SELECT time_to_convert(f, a.v, b.v, q.fraction) AS g) x
UNION ALL
SELECT 'steps', count(*),
       count(*) FILTER (WHERE s.stage <> d.v OR s.leads <> o.reached OR s.team IS NOT NULL
           OR s.recycled IS NOT NULL OR s.disqualified IS NOT NULL OR s.lost IS NOT NULL
           OR s.rate_from_top IS DISTINCT FROM o.reached::float8 / nullif((SELECT reached FROM o_stages WHERE rank = 1), 0)
           OR s.rate_from_previous IS DISTINCT FROM o.reached::float8 / nullif((SELECT reached FROM o_stages WHERE rank = s.rank - 1), 0)
           OR CASE WHEN m.secs IS NULL THEN s.median_time_from_previous IS NOT NULL
                   ELSE NOT pg_temp.close_enough(s.median_time_from_previous, m.secs) END
           OR CASE WHEN p.secs IS NULL THEN s.p90_time_from_previous IS NOT NULL
                   ELSE NOT pg_temp.close_enough(s.p90_time_from_previous, p.secs) END)
FROM dx_f, funnel_steps(f, NULL::deal_stage) s JOIN deal_ladder d USING (rank)
     JOIN o_stages o USING (rank)
     LEFT JOIN o_times m ON m.a = s.rank - 1 AND m.b = s.rank AND m.fraction = 0.5
     LEFT JOIN o_times p ON p.a = s.rank - 1 AND p.b = s.rank AND p.fraction = 0.9;
-- the same rows over lead_stage give the same counts and sketches
SELECT f::jsonb - ARRAY['vocabulary', 'ladder', 'labels', 'recycled', 'disqualified', 'lost', 'before_ladder']
         = (SELECT funnel(lead, stage, at) FROM dx)::jsonb - ARRAY['vocabulary', 'ladder', 'labels', 'recycled', 'disqualified', 'lost', 'before_ladder']
         AS same_as_lead_stage,
       (SELECT funnel(lead, s, at, '1 day') FROM dx)::jsonb - ARRAY['vocabulary', 'ladder', 'labels', 'recycled', 'disqualified', 'lost', 'before_ladder']
         = (SELECT funnel(lead, stage, at, '1 day') FROM dx)::jsonb - ARRAY['vocabulary', 'ladder', 'labels', 'recycled', 'disqualified', 'lost', 'before_ladder']
         AS same_within,
       (SELECT funnel(top) FROM (SELECT max(s) AS top FROM dx WHERE lead IS NOT NULL GROUP BY lead) t)::jsonb -> 'reached'
         = f::jsonb -> 'reached' AS stage_only_same_reached,
       f::text::funnel::text = f::text AS text_round_trip
FROM dx_f;
-- rollup of enum funnels over disjoint leads
SELECT rollup(f)::text = (SELECT f::text FROM dx_f) AS rollup_same
FROM (SELECT funnel(lead, s, at) AS f FROM dx GROUP BY lead % 5) p;

-- a one-value ladder; 64 values is the most a ladder holds
CREATE TYPE one_stage AS ENUM ('only');
SELECT funnel(l, 'only'::one_stage, now()) FROM generate_series(1, 3) l;
SELECT format('CREATE TYPE big%s AS ENUM (%s)', n,
              (SELECT string_agg(format('%L', 'v' || i), ', ') FROM generate_series(1, n) i))
FROM unnest(ARRAY[64, 65]) n \gexec
SELECT reached(f, 'v64'::big64) AS top_reached, reached(f, 'v1'::big64) AS bottom_reached,
       time_to_convert(f, 'v1'::big64, 'v64'::big64, 0.5) AS v1_v64,
       (SELECT count(*) FROM funnel_steps(f, NULL::big64)) AS steps
FROM (SELECT funnel(lead, s, at) AS f
      FROM (VALUES (1, 'v64'::big64, timestamptz '2026-01-02+00'), (1, 'v1', '2026-01-01+00'),
                   (2, 'v2', '2026-01-01+00')) v(lead, s, at)) x;
-- 65 values: 54000 (program_limit_exceeded), with rows or without
SELECT funnel(1, 'v1'::big65, now());
SELECT stmt, pg_temp.sqlstate_of(stmt)
FROM unnest(ARRAY[
    $$SELECT funnel(1, 'v1'::big65, now())$$,
    $$SELECT funnel(1, 'v1'::big65, now(), '1 day')$$,
    $$SELECT funnel('v1'::big65)$$,
    $$SELECT funnel(1, s, now()) FROM (SELECT 'v1'::big65 AS s WHERE false) e$$,
    $$SELECT reached(funnel(1, 'v1'::big64, now()), 'v1'::big65)$$,
    $$SELECT funnel_steps(funnel(1, 'v1'::big64, now()), NULL::big65)$$
]) AS stmt;

-- wrong vocabulary: lead_stage stages on an enum funnel, enum stages on a
-- lead_stage funnel, an enum of another length, funnel_steps without (or
-- with the wrong) enum: all 42804 (datatype_mismatch); text stages on an
-- enum funnel name its labels (sql/enum_text_stages.sql)
CREATE TYPE other_stage AS ENUM ('a', 'b', 'c');
CREATE TEMP TABLE ls_f AS SELECT funnel(1, 'mql'::lead_stage, now()) AS f;
SELECT stmt, pg_temp.sqlstate_of(stmt)
FROM unnest(ARRAY[
    $$SELECT reached(f, 'mql'::lead_stage) FROM dx_f$$,
    $$SELECT reached(f, 'b'::other_stage) FROM dx_f$$,
    $$SELECT conversion(f, 'a'::other_stage, 'b'::other_stage) FROM dx_f$$,
    $$SELECT funnel_steps(f) FROM dx_f$$,
    $$SELECT funnel_steps(f, NULL::other_stage) FROM dx_f$$,
    $$SELECT reached(f, 'paid'::deal_stage) FROM ls_f$$,
    $$SELECT conversion(f, 'visit'::deal_stage, 'paid'::deal_stage) FROM ls_f$$,
    $$SELECT time_to_convert(f, 'visit'::deal_stage, 'paid'::deal_stage, 0.5) FROM ls_f$$,
    $$SELECT funnel_steps(f, NULL::deal_stage) FROM ls_f$$,
    $$SELECT conversion(f, 'paid'::deal_stage, 'visit'::deal_stage) FROM dx_f$$,
    $$SELECT time_to_convert(f, 'paid'::deal_stage, 'paid'::deal_stage, 0.5) FROM dx_f$$,
    $$SELECT rollup(f) FROM (SELECT f FROM dx_f UNION ALL SELECT f FROM ls_f) u$$
]) AS stmt;
SELECT funnel_steps(f) FROM dx_f;
SELECT reached(f, 'b'::other_stage) FROM dx_f;
SELECT rollup(f) FROM (SELECT f FROM dx_f UNION ALL SELECT f FROM ls_f) u;
-- an empty funnel of either vocabulary rolls up with anything
SELECT rollup(f)::text = (SELECT f::text FROM dx_f) AS empty_is_identity
FROM (SELECT f FROM dx_f
      UNION ALL SELECT funnel(1, 'mql'::lead_stage, now()) FROM generate_series(1, 0)
      UNION ALL SELECT funnel(1, 'a'::other_stage, now()) FROM generate_series(1, 0)) u;
