-- Property tests (issue 11), window functions and sort-free aggregates,
-- serial plans: handoff_gap, handoff_count, sla_breached, time_in_stage,
-- handoff_summary, stage_stays and window_funnel over the random histories
-- of sql/include/property_data.sql, against the model in
-- sql/include/property_model.sql, over every kind of owner and lead key;
-- then pairs of owners that must stay apart (or together), and intervals
-- that count by their total.  Every check prints checked / mismatches /
-- the first mismatches; mismatches must be 0.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;

\set ECHO none
\i sql/include/property_data.sql
\i sql/include/property_model.sql
\set ECHO all

-- the enum ladder of window_funnel, grown after it was created
ALTER TYPE prop_deal ADD VALUE 'lead' AFTER 'visit';
ALTER TYPE prop_deal ADD VALUE 'demo' BEFORE 'trial';
ALTER TYPE prop_deal ADD VALUE 'renewed';
DO $$ BEGIN PERFORM pg_temp.m_load_enum('e7', 'e2_label', 'prop_deal'); END $$;

-- what the owners hold: equal by value (1 and 1.0, ('sales', 1) and
-- ('sales', 1.0)), distinct by value (1 and 10000, 'sales' and 'Sales')
SELECT count(*) FILTER (WHERE o IS NULL) AS no_owner,
       count(DISTINCT o_text) AS text_owners, count(DISTINCT o_num) AS numeric_owners,
       count(DISTINCT o_num::text) AS numeric_spellings, count(DISTINCT o_enum) AS enum_owners,
       count(DISTINCT o_comp) AS composite_owners, count(DISTINCT sla) AS slas
FROM prop_ev;

\set ECHO none
\i sql/include/property_windows.sql
\i sql/include/property_summaries.sql
\set ECHO all

-- Owners kept apart: one lead per pair of owners (a, then b an hour
-- later), a handoff exactly when a and b differ by the owner type's
-- equality: numeric 1 and 10000 or -1 differ, 1 and 1.0 do not
CREATE TEMP TABLE op_numeric AS
SELECT row_number() OVER () AS lead, a, b
FROM (VALUES (1::numeric, 10000::numeric), (1, -1), (1, 1.0), (1, 1.000), (0.5, 5), (100, 1e2),
             (1e20, -1e20), (10000, 1e4), (0, -0.0), (2, 20000)) v(a, b);
CREATE TEMP TABLE op_text AS
SELECT row_number() OVER () AS lead, a, b
FROM (VALUES ('sales', 'Sales'), ('sales', 'sales '), ('sales', 'sales'), ('a', 'b'),
             (repeat('customer-success-', 4), repeat('customer-success-', 4) || 'x'),
             (repeat('customer-success-', 4), repeat('customer-success-', 4))) v(a, b);
CREATE TEMP TABLE op_enum AS
SELECT row_number() OVER () AS lead, a, b
FROM (VALUES ('sales'::prop_team, 'sdr'::prop_team), ('sales', 'sales'), ('marketing', 'partner')) v(a, b);
CREATE TEMP TABLE op_composite AS
SELECT row_number() OVER () AS lead, a, b
FROM (VALUES ('(sales,1)'::prop_owner, '(sales,1.0)'::prop_owner), ('(sales,1)', '(sales,10000)'),
             ('(sales,1)', '(sales,-1)'), ('(sales,1)', '(Sales,1)'), ('(sales,1e20)', '(sales,-1e20)'),
             ('(sales,2)', '(sales,2)')) v(a, b);
DO $do$
DECLARE k text;
BEGIN
    FOREACH k IN ARRAY ARRAY['numeric', 'text', 'enum', 'composite'] LOOP
        PERFORM pg_temp.run('owners kept apart', k || ' owners', format($q$
            WITH r AS (SELECT lead, timestamptz '2026-01-01 10:00+00' AS at, a AS o FROM %1$I
                       UNION ALL SELECT lead, '2026-01-01 11:00+00', b FROM %1$I),
            w AS (SELECT lead, handoff_count(o) OVER w AS c, handoff_gap(at, o) OVER w AS g,
                         sla_breached(at, o, '30 minutes') OVER w AS s
                  FROM r WINDOW w AS (PARTITION BY lead ORDER BY at)),
            got AS (SELECT lead, max(c) AS c, count(g) AS g, count(s) FILTER (WHERE s) AS s FROM w GROUP BY lead),
            hs AS (SELECT lead, (handoff_summary(lead, at, o, '30 minutes')).handoffs AS h FROM r GROUP BY lead)
            SELECT format('%%s -> %%s: %%s', p.a, p.b, f) AS item, want::text, v.got::text, v.got = want AS ok
            FROM %1$I p JOIN got USING (lead) JOIN hs USING (lead),
            LATERAL (SELECT (p.a IS DISTINCT FROM p.b)::int AS want) x,
            LATERAL (VALUES ('handoff_summary', hs.h), ('handoff_count', got.c), ('handoff_gap', got.g),
                            ('sla_breached', got.s)) v(f, got)$q$, 'op_' || k));
    END LOOP;
END $do$;
SELECT * FROM pg_temp.report('owners kept apart');

-- Intervals count by their total, as PostgreSQL orders them (a month is
-- 30 days): '-1 mon 31 days' is a day and gives what '1 day' gives;
-- '1 day -25 hours' and '1 mon -31 days' are negative: an error (22023)
CREATE FUNCTION pg_temp.with_interval(q text, w interval) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    got text;
    ref text;
BEGIN
    EXECUTE q INTO ref USING interval '1 day';
    BEGIN
        EXECUTE q INTO got USING w;
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE;
    END;
    RETURN CASE WHEN got IS NOT DISTINCT FROM ref THEN 'same as 1 day' ELSE 'different' END;
END $$;
SELECT * FROM pg_temp.check('intervals', NULL, $q$
    SELECT fname AS keys, w AS item, want, pg_temp.with_interval(q, w::interval) AS got,
           pg_temp.with_interval(q, w::interval) = want AS ok
    FROM (VALUES ('funnel', $$SELECT funnel(k_bigint, stage, at, $1)::text FROM prop_ev$$),
                 ('window_funnel', $$SELECT string_agg(f::text, ',' ORDER BY n)
                                     FROM (SELECT n, window_funnel($1, at, stage) AS f FROM prop_ev GROUP BY n) x$$),
                 ('handoff_summary', $$SELECT handoff_summary(k_bigint, at, o_text, $1)::text FROM prop_ev$$),
                 ('sla_breached', $$SELECT string_agg(b::text, ',' ORDER BY seq)
                                    FROM (SELECT seq, sla_breached(at, o_text, $1) OVER (PARTITION BY n ORDER BY at, seq) AS b
                                          FROM prop_ev) x$$)) f(fname, q),
    (VALUES ('-1 mon 31 days', 'same as 1 day'), ('1 day -25 hours', '22023'), ('1 mon -31 days', '22023')) v(w, want)$q$);

DROP TABLE prop_ev;
