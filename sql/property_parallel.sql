-- Property tests (issue 11) under forced parallel plans: the checks of
-- property_funnel and property_window again, with every answer of align
-- computed by a parallel plan (workers scan prop_ev, partial aggregates
-- are shipped to the leader and combined), then a subset inside a parallel
-- worker (debug_parallel_query, force_parallel_mode before PostgreSQL 16).
-- The answers must be the model's, as in the serial tests; the last checks
-- say that the plans really were parallel.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\set ECHO none
\i sql/include/property_data.sql
\i sql/include/property_model.sql
\set ECHO all

-- the enum ladder, grown
ALTER TYPE prop_deal ADD VALUE 'lead' AFTER 'visit';
ALTER TYPE prop_deal ADD VALUE 'demo' BEFORE 'trial';
ALTER TYPE prop_deal ADD VALUE 'renewed';
DO $$
BEGIN
    PERFORM pg_temp.m_load_enum('e7', 'e2_label', 'prop_deal');
    PERFORM pg_temp.m_compute(p) FROM unnest(ARRAY['n', 'num', 'e7']) p;
END $$;
-- (the funnels over raw events: no window and '1 day -1 hour'; the
-- rollups: no window and '3 days')
DELETE FROM m_windows WHERE wname IN ('3 days', '1 day');
CREATE TABLE prop_tops AS
SELECT n, (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist'])[
              max(pg_temp.m_code(stage::text)) FILTER (WHERE pg_temp.m_code(stage::text) <= 8)]::lead_stage AS top
FROM prop_ev WHERE n IS NOT NULL GROUP BY n;
ANALYZE prop_tops;

-- forced parallel plans, as in sql/parallel.sql; every answer of align is
-- computed under EXPLAIN ANALYZE, which records the plan it ran
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET align.partial_merge_cost = 0;  -- merging partial states not charged: the planner picks them
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET prop.explain = on;

-- funnels over every kind of lead key, windows, rollups; over the grown enum
\set ECHO none
\i sql/include/property_funnels.sql
\set ECHO all
DO $$
BEGIN
    PERFORM pg_temp.got_funnel('enum', 'no window', 'e7', 'none', 'prop_deal',
                               'funnel(k_bigint, e2_label::prop_deal, at) FROM prop_ev');
    PERFORM pg_temp.got_funnel('enum', 'within ' || lit, 'e7', wname, 'prop_deal',
                               format('funnel(k_text, e2_label::prop_deal, at, %L) FROM prop_ev', lit))
    FROM m_windows WHERE lit IS NOT NULL;
    PERFORM pg_temp.got('prop_enum_groups', 'funnel: query', 'enum',
                        'SELECT funnel(k_uuid, e2_label::prop_deal, at) AS f FROM prop_ev GROUP BY g');
    PERFORM pg_temp.got_funnel('enum', 'rollup', 'e7', 'none', 'prop_deal', 'rollup(f) FROM prop_enum_groups');
END $$;
SELECT * FROM pg_temp.check_funnels();

DO $$ BEGIN PERFORM pg_temp.got('got_tops', 'funnel(stage)', 'one row per lead',
                                'SELECT funnel(top) AS f FROM prop_tops'); END $$;
SELECT * FROM pg_temp.check('funnel(stage)', 'one row per lead', $q$
    SELECT l.name AS item, m.reached::text AS want, reached(g.f, l.name)::text AS got,
           reached(g.f, l.name) IS NOT DISTINCT FROM m.reached AS ok
    FROM m_ladder l JOIN m_stage_t m ON m.part = l.part AND m.rank = l.rank AND m.wname = 'none'
    LEFT JOIN got_tops g ON true
    WHERE l.part = 'n'$q$);

-- window functions (two kinds of owner: they run in the leader, above a
-- Gather Merge), handoff_summary, stage_stays, window_funnel
DELETE FROM m_win_kinds WHERE owners NOT IN ('text', 'composite');
\set ECHO none
\i sql/include/property_windows.sql
\i sql/include/property_summaries.sql
\set ECHO all

-- window_funnel over groups of whole leads (50 groups): the planner
-- aggregates partially in the workers, so a group's events are split
-- between partial states and combined
DO $$
BEGIN
    PERFORM pg_temp.got('got_wf_groups', 'window_funnel, groups of leads', 'lead_stage, within 3 days', $q$
        SELECT g, m AS mode, window_funnel('3 days', at, stage, m)::text AS f
        FROM prop_ev, unnest(ARRAY['', 'strict_order, strict_increase', 'strict_deduplication', 'strict_observed, start=mql', 'strict']) m
        GROUP BY g, m$q$);
END $$;
SELECT * FROM pg_temp.check('window_funnel, groups of leads', 'lead_stage, within 3 days', $q$
    SELECT format('mode %s, group %s', coalesce(m.mode, g.mode), coalesce(m.g, g.g, -1)) AS item,
           m.f AS want, g.f AS got, m.mode IS NOT NULL AND g.f IS NOT DISTINCT FROM m.f AS ok
    FROM (SELECT x.g, v.mode,
                 (SELECT name FROM m_ladder WHERE part = 'n'
                                              AND rank = pg_temp.m_window_funnel(x.ranks, x.ats, '3 days', v.mode)) AS f
          FROM (SELECT g, array_agg(CASE WHEN code <= 8 THEN code ELSE 0 END ORDER BY at, code) AS ranks,
                       array_agg(at ORDER BY at, code) AS ats
                FROM prop_ev, LATERAL (SELECT pg_temp.m_code(stage::text) AS code) c
                WHERE at IS NOT NULL AND code <= 11 GROUP BY g) x,
               unnest(ARRAY['', 'strict_order, strict_increase', 'strict_deduplication', 'strict_observed, start=mql', 'strict']) v(mode)) m
    FULL JOIN got_wf_groups g ON coalesce(g.g, -1) = coalesce(m.g, -1) AND g.mode = m.mode$q$);

-- every answer above came from a plan that launched workers; the
-- aggregates were partial in the workers and combined in the leader
-- (window functions: a Gather Merge below the window; window_funnel per
-- lead: partial or not, as the planner finds cheaper)
SELECT * FROM pg_temp.check('parallel plans', NULL, $q$
    SELECT target AS keys, keys AS item,
           CASE WHEN target IN ('got_win', 'got_wf') THEN 'workers' ELSE 'workers, partial aggregate' END AS want,
           concat_ws(', ', CASE WHEN workers_launched THEN 'workers' END,
                     CASE WHEN partial_aggregate AND target NOT IN ('got_win', 'got_wf')
                          THEN 'partial aggregate' END) AS got,
           workers_launched AND (partial_aggregate OR target IN ('got_win', 'got_wf')) AS ok
    FROM plans$q$);

-- inside a parallel worker (debug_parallel_query, with the default costs,
-- under which these small scans get no parallel plan of their own): whole
-- statements run in one worker, their results (funnel values included) are
-- sent to the leader
RESET parallel_leader_participation;
RESET parallel_setup_cost;
RESET align.partial_merge_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
\i sql/include/debug_parallel.sql
SET :debug_parallel = on;
DELETE FROM plans;
DO $$
BEGIN
    PERFORM pg_temp.got_funnel(keys, 'in a worker, no window', part, 'none', NULL,
                               format('funnel(%I, stage, at) FROM prop_ev', col))
    FROM m_kinds WHERE keys IN ('bigint', 'composite', 'text');
    PERFORM pg_temp.got_funnel('numeric', 'in a worker, within 1 day -1 hour', 'num', '23 hours', NULL,
                               'funnel(k_num, stage, at, ''1 day -1 hour'') FROM prop_ev');
    PERFORM pg_temp.got_funnel('enum', 'in a worker', 'e7', 'none', 'prop_deal',
                               'funnel(k_bigint, e2_label::prop_deal, at) FROM prop_ev');
    PERFORM pg_temp.got_funnel('text', 'in a worker, rollup', 'n', 'none', NULL,
                               'rollup(f) FROM prop_groups WHERE keys = ''text''');
    PERFORM pg_temp.got('got_worker_hs', 'in a worker: handoff_summary', 'keys: text', $q$
        SELECT handoff_summary(k_text, at, o_text, '1 day -1 hour') AS s FROM prop_ev$q$);
    PERFORM pg_temp.got('got_worker_ss', 'in a worker: stage_stays', 'keys: uuid', $q$
        SELECT stage_stays(k_uuid, at, stage) AS s FROM prop_ev$q$);
    PERFORM pg_temp.got('got_worker_wf', 'in a worker: window_funnel', 'lead_stage, within 3 days', $q$
        SELECT n, window_funnel('3 days', at, stage, 'strict_order')::text AS f FROM prop_ev GROUP BY n$q$);
END $$;
SELECT * FROM pg_temp.check_funnels();
SELECT * FROM pg_temp.check('in a worker: handoff_summary', 'keys: text', $q$
    SELECT v.item, v.want, v.got,
           v.want IS NOT DISTINCT FROM v.got
           OR (v.item = 'sla_met' AND abs(v.want::float8 - v.got::float8) <= 1e-12) AS ok
    FROM pg_temp.m_summary('n', 'o_text', '1 day -1 hour', NULL) m
    LEFT JOIN got_worker_hs g ON true,
    LATERAL (VALUES ('handoffs', m.handoffs::text, (g.s).handoffs::text),
                    ('median_gap', justify_hours(m.median_gap)::text, justify_hours((g.s).median_gap)::text),
                    ('p90_gap', justify_hours(m.p90_gap)::text, justify_hours((g.s).p90_gap)::text),
                    ('sla_met', m.sla_met::text, (g.s).sla_met::text)) v(item, want, got)$q$);
SELECT * FROM pg_temp.check('in a worker: stage_stays', 'keys: uuid', $q$
    SELECT coalesce(m.stage, a.stage::text) AS item,
           format('%s %s %s', m.stays, justify_hours(m.median_stay), justify_hours(m.p90_stay)) AS want,
           format('%s %s %s', a.stays, justify_hours(a.median_stay), justify_hours(a.p90_stay)) AS got,
           m.stays = a.stays AND m.median_stay = a.median_stay AND m.p90_stay = a.p90_stay AS ok
    FROM pg_temp.m_stays('n') m
    FULL JOIN (SELECT u.* FROM got_worker_ss, unnest(s) u) a ON a.stage::text = m.stage$q$);
SELECT * FROM pg_temp.check('in a worker: window_funnel', 'lead_stage, within 3 days', $q$
    SELECT format('lead %s', coalesce(m.n, g.n, -1)) AS item, m.f AS want, g.f AS got,
           m.ladder IS NOT NULL AND g.f IS NOT DISTINCT FROM m.f AS ok
    FROM (SELECT * FROM m_wf WHERE ladder = 'lead_stage' AND win = '3 days' AND mode = 'strict_order') m
    FULL JOIN got_worker_wf g ON coalesce(g.n, -1) = coalesce(m.n, -1)$q$);
SELECT * FROM pg_temp.check('in a worker: plans', NULL, $q$
    SELECT target AS keys, keys AS item, 'workers' AS want,
           CASE WHEN workers_launched THEN 'workers' ELSE 'none' END AS got, workers_launched AS ok
    FROM plans$q$);

RESET :debug_parallel;
RESET max_parallel_workers_per_gather;
RESET prop.explain;
DROP TABLE prop_groups, prop_enum_groups, prop_tops, prop_ev;
