-- Property tests: the funnels align computes over prop_ev, under whatever
-- plan settings are in force (property_funnel: serial; property_parallel:
-- forced parallel plans), into got_f (see pg_temp.got_funnel).
-- Windows (m_windows): none, '1 day -1 hour' (23 hours), '3 days',
-- '1 mon -29 days' (1 day: a month is 30 days); lead keys: m_kinds.  Each
-- funnel is one statement, so that an error loses only that funnel.
SET client_min_messages = warning;
DROP TABLE IF EXISTS prop_groups;
RESET client_min_messages;
DO $do$
DECLARE
    k record;
    w record;
BEGIN
    FOR k IN SELECT * FROM m_kinds LOOP
        FOR w IN SELECT * FROM m_windows ORDER BY wname LOOP
            PERFORM pg_temp.got_funnel(k.keys, coalesce('within ' || w.lit, 'no window'), k.part, w.wname, NULL,
                                       format('funnel(%I, stage, at%s) FROM prop_ev', k.col,
                                              coalesce(format(', %L::interval', w.lit), '')));
        END LOOP;
    END LOOP;
    -- a NULL window is no window
    PERFORM pg_temp.got_funnel('bigint', 'within NULL', 'n', 'none', NULL,
                               'funnel(k_bigint, stage, at, NULL::interval) FROM prop_ev')
    FROM m_kinds WHERE keys = 'bigint';

    -- rollup of per-group funnels (groups of whole leads) = the funnel over
    -- the union
    FOR k IN SELECT * FROM m_kinds LOOP
        PERFORM pg_temp.got('prop_groups', 'funnel: query', k.keys, format($q$
            SELECT %L::text AS keys, %s AS g, funnel(%I, stage, at) AS f,
                   funnel(%I, stage, at, '3 days') AS f3
            FROM prop_ev GROUP BY 2$q$,
            k.keys, CASE k.part WHEN 'num' THEN 'g_num' ELSE 'g' END, k.col, k.col));
        PERFORM pg_temp.got_funnel(k.keys, 'rollup, no window', k.part, 'none', NULL,
                                   format('rollup(f) FROM prop_groups WHERE keys = %L', k.keys));
        PERFORM pg_temp.got_funnel(k.keys, 'rollup, within 3 days', k.part, '3 days', NULL,
                                   format('rollup(f3) FROM prop_groups WHERE keys = %L', k.keys));
    END LOOP;
END $do$;
