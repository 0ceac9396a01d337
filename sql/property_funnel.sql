-- Property tests (issue 11), funnels, serial plans: random histories
-- (sql/include/property_data.sql) through a brute-force model of the README's
-- rules (sql/include/property_model.sql), every accessor of every funnel
-- compared with it, over every kind of lead key, with conversion windows,
-- rollups, funnel(stage) and custom enum ladders (one grown with ALTER TYPE
-- after funnels were stored).  Every check prints checked / mismatches /
-- the first mismatches; mismatches must be 0.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;

\i sql/include/sqlstate_of.sql
\set ECHO none
\i sql/include/property_data.sql
\i sql/include/property_model.sql
\set ECHO all

-- What the histories hold, so that no rule goes untested.
SELECT count(*) AS events,
       count(DISTINCT n) AS leads,
       count(*) FILTER (WHERE n IS NULL) AS no_lead,
       count(*) FILTER (WHERE stage IS NULL) AS no_stage,
       count(*) FILTER (WHERE at IS NULL) AS no_time,
       count(*) FILTER (WHERE stage = 'other') AS other
FROM prop_ev;
SELECT (SELECT count(*) FROM (SELECT lead FROM m_ev WHERE part = 'n' GROUP BY lead
                              HAVING count(rank) = 0) x) AS only_outcomes,
       (SELECT count(DISTINCT o.lead) FROM m_ev o
        WHERE o.part = 'n' AND o.outcome IS NOT NULL AND o.at IS NOT NULL
          AND NOT EXISTS (SELECT FROM m_ev l WHERE l.part = 'n' AND l.lead = o.lead AND l.rank IS NOT NULL
                                                 AND (l.at IS NULL OR l.at <= o.at))) AS outcome_before_ladder,
       (SELECT count(*) FROM (SELECT lead, at FROM m_ev WHERE part = 'n' AND at IS NOT NULL
                              GROUP BY lead, at HAVING count(*) > 1) x) AS tied_times,
       (SELECT count(*) FROM (SELECT lead, pg_temp.m_secs(at) FROM m_ev WHERE part = 'n' AND at IS NOT NULL
                              GROUP BY 1, 2 HAVING count(DISTINCT at) > 1) x) AS same_second,
       (SELECT count(DISTINCT lead) FROM m_ev WHERE part = 'num') AS numeric_leads;

-- funnel(lead, stage, at [, within]) over every kind of lead key, and the
-- rollup of per-group funnels: reached (ladder stages, text and lead_stage
-- arguments, and outcomes), known, funnel_steps (leads, rates, exits,
-- median / p90 times), conversion and conversion_interval, time_to_convert
-- at nine fractions (within 1 % of the exact percentile_disc)
\set ECHO none
\i sql/include/property_funnels.sql
DO $$ BEGIN PERFORM pg_temp.m_compute('n'); PERFORM pg_temp.m_compute('num'); END $$;
\set ECHO all
SELECT * FROM pg_temp.check_funnels();

-- Distinct keys are distinct leads, equal keys (by the key type's
-- equality) one lead: small sets of keys, read from tables, that differ
-- only above bit 32, in sign, in case or white space, in one byte, or only
-- in how they are written
CREATE TEMP TABLE ks_bigint AS
SELECT unnest(ARRAY[1, 4294967297, 4294967296, 0, -1, 4294967295, -4294967296, -4294967297,
                    8589934593, 9223372036854775807, -9223372036854775808]::bigint[]) AS v;
CREATE TEMP TABLE ks_int AS SELECT unnest(ARRAY[1, -1, 0, 65536, 65537, 2147483647, -2147483648]::int[]) AS v;
CREATE TEMP TABLE ks_domain AS SELECT v::prop_lead_id AS v FROM ks_bigint;
CREATE TEMP TABLE ks_composite AS
SELECT unnest(ARRAY[ROW(1, 5), ROW(2, 5), ROW(5, 1), ROW(1, 4294967301), ROW(0, 1), ROW(0, 4294967296),
                    ROW(0, 0), ROW(0, 4294967297), ROW(0, -1), ROW(-1, -5)]::prop_org_lead[]) AS v;
CREATE TEMP TABLE ks_text AS
SELECT unnest(ARRAY['a', 'A', 'a ', ' a', '', 'é', 'e', repeat('x', 200), repeat('x', 199) || 'y']) AS v;
CREATE TEMP TABLE ks_uuid AS
SELECT unnest(ARRAY['00000000-0000-0000-0000-000000000001', '01000000-0000-0000-0000-000000000001',
                    '00000000-0000-0000-0000-000000000100', '00000000-0000-0001-0000-000000000001',
                    'ffffffff-ffff-ffff-ffff-ffffffffffff']::uuid[]) AS v;
CREATE TEMP TABLE ks_numeric AS
SELECT unnest(ARRAY[1, -1, 10000, 1.0, 1.000, 0, -0.0, 0.5, 5, 1e20, -1e20, 100000000, 'NaN']::numeric[]) AS v;
SELECT * FROM pg_temp.check('funnel: keys kept apart', NULL, $q$
    SELECT keys, 'leads' AS item, want::text, got::text, want = got AS ok
    FROM (SELECT 'bigint' AS keys, count(DISTINCT v) AS want, reached(funnel(v, 'mql'::lead_stage, NULL), 'mql') AS got
          FROM ks_bigint
          UNION ALL SELECT 'int', count(DISTINCT v), reached(funnel(v, 'mql'::lead_stage, NULL), 'mql') FROM ks_int
          UNION ALL SELECT 'domain', count(DISTINCT v), reached(funnel(v, 'mql'::lead_stage, NULL), 'mql') FROM ks_domain
          UNION ALL SELECT 'composite', count(DISTINCT v), reached(funnel(v, 'mql'::lead_stage, NULL), 'mql')
                    FROM ks_composite
          UNION ALL SELECT 'text', count(DISTINCT v), reached(funnel(v, 'mql'::lead_stage, NULL), 'mql') FROM ks_text
          UNION ALL SELECT 'uuid', count(DISTINCT v), reached(funnel(v, 'mql'::lead_stage, NULL), 'mql') FROM ks_uuid
          UNION ALL SELECT 'numeric', count(DISTINCT v), reached(funnel(v, 'mql'::lead_stage, NULL), 'mql')
                    FROM ks_numeric) s$q$);

-- rollup merges exactly: the rollup of per-group funnels is the funnel
-- over all the rows, byte for byte
SELECT * FROM pg_temp.check('rollup = funnel over the union', NULL, $q$
    SELECT r.keys, r.wname AS item, 'equal' AS want,
           CASE WHEN r.f::text = u.f::text THEN 'equal' ELSE 'different' END AS got, r.f::text = u.f::text AS ok
    FROM (SELECT keys, 'none' AS wname, rollup(f) AS f FROM prop_groups GROUP BY 1
          UNION ALL SELECT keys, '3 days', rollup(f3) FROM prop_groups GROUP BY 1) r
    JOIN (SELECT 'bigint' AS keys, 'none' AS wname, funnel(k_bigint, stage, at) AS f FROM prop_ev
          UNION ALL SELECT 'bigint', '3 days', funnel(k_bigint, stage, at, '3 days') FROM prop_ev
          UNION ALL SELECT 'text', 'none', funnel(k_text, stage, at) FROM prop_ev
          UNION ALL SELECT 'composite', '3 days', funnel(k_comp, stage, at, '3 days') FROM prop_ev
          UNION ALL SELECT 'numeric', 'none', funnel(k_num, stage, at) FROM prop_ev) u USING (keys, wname)$q$);

-- funnel(stage) over one row per lead (its highest ladder stage): reached
-- counts the leads at or above each stage
CREATE TABLE prop_tops AS
SELECT n, (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist'])[
              max(pg_temp.m_code(stage::text)) FILTER (WHERE pg_temp.m_code(stage::text) <= 8)]::lead_stage AS top
FROM prop_ev WHERE n IS NOT NULL GROUP BY n;
DO $$ BEGIN PERFORM pg_temp.got('got_tops', 'funnel(stage)', 'one row per lead',
                                'SELECT funnel(top) AS f FROM prop_tops'); END $$;
SELECT * FROM pg_temp.check('funnel(stage)', 'one row per lead', $q$
    SELECT l.name AS item, m.reached::text AS want, reached(g.f, l.name)::text AS got,
           reached(g.f, l.name) IS NOT DISTINCT FROM m.reached AS ok
    FROM m_ladder l JOIN m_stage_t m ON m.part = l.part AND m.rank = l.rank AND m.wname = 'none'
    LEFT JOIN got_tops g ON true
    WHERE l.part = 'n'$q$);

-- A custom ladder (an enum): funnels stored, then the enum grows.
-- Before: visit < signup < trial < paid.
DO $$ BEGIN PERFORM pg_temp.m_load_enum('e4', 'e_label', 'prop_deal'); PERFORM pg_temp.m_compute('e4'); END $$;
CREATE TABLE prop_stored AS
SELECT n % 5 AS g, funnel(k_bigint, e_label::prop_deal, at) AS f,
       funnel(k_bigint, e_label::prop_deal, at, '3 days') AS fw
FROM prop_ev GROUP BY 1;
DO $$
BEGIN
    PERFORM pg_temp.got_funnel('enum', 'before ALTER TYPE, no window', 'e4', 'none', 'prop_deal',
                               'funnel(k_bigint, e_label::prop_deal, at) FROM prop_ev');
    PERFORM pg_temp.got_funnel('enum', 'before ALTER TYPE, within ' || lit, 'e4', wname, 'prop_deal',
                               format('funnel(k_bigint, e_label::prop_deal, at, %L) FROM prop_ev', lit))
    FROM m_windows WHERE lit IS NOT NULL;
    PERFORM pg_temp.got_funnel('enum', 'before ALTER TYPE, rollup', 'e4', 'none', 'prop_deal',
                               'rollup(f) FROM prop_stored');
END $$;
SELECT * FROM pg_temp.check_funnels();
CREATE TEMP TABLE stored_text AS SELECT g, f::text AS f, fw::text AS fw FROM prop_stored;

-- The enum grows: a value between two, one at the start's side, one at the end.
ALTER TYPE prop_deal ADD VALUE 'lead' AFTER 'visit';
ALTER TYPE prop_deal ADD VALUE 'demo' BEFORE 'trial';
ALTER TYPE prop_deal ADD VALUE 'renewed';
SELECT enum_range(NULL::prop_deal) AS grown_ladder;
DO $$ BEGIN PERFORM pg_temp.m_load_enum('e7', 'e2_label', 'prop_deal'); PERFORM pg_temp.m_compute('e7'); END $$;
DO $$
BEGIN
    PERFORM pg_temp.got_funnel('enum', 'after ALTER TYPE, no window', 'e7', 'none', 'prop_deal',
                               'funnel(k_bigint, e2_label::prop_deal, at) FROM prop_ev');
    PERFORM pg_temp.got_funnel('enum', 'after ALTER TYPE, within ' || lit, 'e7', wname, 'prop_deal',
                               format('funnel(k_bigint, e2_label::prop_deal, at, %L) FROM prop_ev', lit))
    FROM m_windows WHERE lit IS NOT NULL;
    PERFORM pg_temp.got_funnel('enum', 'after ALTER TYPE, rollup', 'e7', 'none', 'prop_deal',
                               'rollup(f) FROM (SELECT funnel(k_bigint, e2_label::prop_deal, at) AS f
                                                FROM prop_ev GROUP BY n % 3) g');
END $$;
SELECT * FROM pg_temp.check_funnels();
-- funnel(stage) over the grown enum: one row per lead, its highest value
CREATE TABLE prop_etops AS
SELECT n, max(e2_label::prop_deal) AS top FROM prop_ev WHERE n IS NOT NULL GROUP BY n;
DO $$ BEGIN PERFORM pg_temp.got('got_etops', 'funnel(stage)', 'enum, after ALTER TYPE',
                                'SELECT funnel(top) AS f FROM prop_etops'); END $$;
SELECT * FROM pg_temp.check('funnel(stage)', 'enum, after ALTER TYPE', $q$
    SELECT l.name AS item, m.reached::text AS want, reached(g.f, l.name::prop_deal)::text AS got,
           reached(g.f, l.name::prop_deal) IS NOT DISTINCT FROM m.reached AS ok
    FROM m_ladder l JOIN m_stage_t m ON m.part = l.part AND m.rank = l.rank AND m.wname = 'none'
    LEFT JOIN got_etops g ON true
    WHERE l.part = 'e7'$q$);
-- The funnels stored before are unchanged and their counts are those of the
-- old ladder (read as jsonb, which needs no enum).
SELECT * FROM pg_temp.check('enum: stored before ALTER TYPE', 'enum', $q$
    SELECT w || ': ' || l.name AS item, format('%s/%s', m.reached, m.known) AS want,
           format('%s/%s', j -> 'reached' ->> (l.rank - 1), j -> 'known' ->> (l.rank - 1)) AS got,
           (j -> 'reached' ->> (l.rank - 1))::bigint = m.reached
           AND (j -> 'known' ->> (l.rank - 1))::bigint = m.known
           AND jsonb_array_length(j -> 'reached') = 4 AS ok
    FROM (SELECT 'none' AS w, rollup(f)::jsonb AS j FROM prop_stored
          UNION ALL SELECT '3 days', rollup(fw)::jsonb FROM prop_stored) s
    JOIN m_ladder l ON l.part = 'e4'
    JOIN m_stage_t m ON m.part = 'e4' AND m.wname = s.w AND m.rank = l.rank
    UNION ALL
    SELECT 'stored text, group ' || g, 'unchanged', CASE WHEN s.f::text = t.f AND s.fw::text = t.fw
                                                         THEN 'unchanged' ELSE 'changed' END,
           s.f::text = t.f AND s.fw::text = t.fw
    FROM prop_stored s JOIN stored_text t USING (g)$q$);
-- Read with the grown enum, a stored funnel is the funnel of the same rows
-- over the grown ladder (model 'e4g': the old labels' events, the grown
-- enum's order): a stage added since counts the leads that reached a later
-- one.  Stored funnels of some groups roll up with funnels built now over the
-- grown enum for the others, to the funnel of all the rows.
DO $$ BEGIN PERFORM pg_temp.m_load_enum('e4g', 'e_label', 'prop_deal'); PERFORM pg_temp.m_compute('e4g'); END $$;
DO $$
BEGIN
    PERFORM pg_temp.got_funnel('enum', 'stored before ALTER TYPE, read with the grown enum', 'e4g', 'none',
                               'prop_deal', 'rollup(f) FROM prop_stored');
    PERFORM pg_temp.got_funnel('enum', 'stored before ALTER TYPE, read with the grown enum, within 3 days', 'e4g',
                               '3 days', 'prop_deal', 'rollup(fw) FROM prop_stored');
    PERFORM pg_temp.got_funnel('enum', 'stored before ALTER TYPE rolled up with funnels built after', 'e4g', 'none',
                               'prop_deal', 'rollup(f) FROM (SELECT f FROM prop_stored WHERE g < 2 UNION ALL
                                    SELECT funnel(k_bigint, e_label::prop_deal, at) FROM prop_ev
                                    WHERE n % 5 >= 2 GROUP BY n % 5) u');
END $$;
SELECT * FROM pg_temp.check_funnels();
-- Another enum, even of the stored funnels' size, is not their ladder:
-- reading with it is an error (42804), merging with its funnels too (22023).
CREATE TYPE prop_other AS ENUM ('visit', 'signup', 'trial', 'paid');
SELECT * FROM pg_temp.check('enum: another ladder', 'enum', $q$
    SELECT stmt AS item, want, pg_temp.sqlstate_of(stmt) AS got, pg_temp.sqlstate_of(stmt) = want AS ok
    FROM (VALUES
        ('42804', $$SELECT reached(f, 'visit'::prop_other) FROM prop_stored$$),
        ('42804', $$SELECT conversion(f, 'visit'::prop_other, 'paid'::prop_other) FROM prop_stored$$),
        ('42804', $$SELECT time_to_convert(f, 'visit'::prop_other, 'paid'::prop_other, 0.5) FROM prop_stored$$),
        ('42804', $$SELECT funnel_steps(f, NULL::prop_other) FROM prop_stored$$),
        ('22023', $$SELECT rollup(f) FROM (SELECT f FROM prop_stored UNION ALL
                                           SELECT funnel(1, 'visit'::prop_other, now())) u$$)
    ) v(want, stmt)$q$);
DROP TYPE prop_other;

DROP TABLE prop_stored, prop_groups, prop_tops, prop_etops, prop_ev;
