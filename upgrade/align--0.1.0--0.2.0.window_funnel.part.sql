
-- window_funnel's state was internal in 0.1.0; over lead_stage it is
-- window_funnel_state now (src/window_funnel_state.sql, above), so that
-- Citus can push the aggregate to its shards; over anyenum it stays
-- internal, with new support functions (src/window_funnel_enum.sql).  An
-- aggregate's state type cannot be altered, and dropping the four
-- aggregates would fail (or, with CASCADE, drop the user's views
-- that call them), so they are repointed in the catalog: same OIDs, new
-- transition, final and combine functions (serial ones for an internal state), the new
-- state type, and their dependencies moved from the old support functions
-- to the new; their pg_proc rows are touched so that cached plans are made
-- again; then the old functions go.  test/upgrade.sh checks the result
-- against a fresh install, property by property.  This runs as the
-- bootstrap superuser when the extension's owner (any role with CREATE on
-- the database: align is trusted) updates it, with align's schema, which
-- that role may fill, on the search_path: every function and operator it
-- calls is pg_catalog's by name (an overload such as format(text, text) or
-- =(oid, regclass) planted there would otherwise be a better match), and it
-- changes only aggregates that are the extension's own (test/trusted.sh).
DO $update$
DECLARE
    agg record;
    old_fns regprocedure[];
    new_fns regprocedure[];
BEGIN
    -- each aggregate, the prefix of its new support functions and its new
    -- state type (over anyenum internal, with serial functions)
    FOR agg IN
        SELECT pg_catalog.format('window_funnel(%s)', args)::pg_catalog.regprocedure AS oid, args, prefix, stype
        FROM (VALUES ('interval, timestamptz, lead_stage', 'window_funnel', 'window_funnel_state'),
                     ('interval, timestamptz, lead_stage, text', 'window_funnel', 'window_funnel_state'),
                     ('interval, timestamptz, anyenum', 'window_funnel_enum', 'internal'),
                     ('interval, timestamptz, anyenum, text', 'window_funnel_enum', 'internal')) AS v(args, prefix, stype)
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
                       WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                         AND d.objid OPERATOR(pg_catalog.=) agg.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
                         AND e.extname OPERATOR(pg_catalog.=) 'align') THEN
            RAISE EXCEPTION 'align update: % is not the extension''s own aggregate', agg.oid;
        END IF;
        old_fns := ARRAY[pg_catalog.format('window_funnel_trans(internal, %s)', agg.args),
                         pg_catalog.format('window_funnel_final(internal, %s)', agg.args),
                         'window_funnel_combine(internal, internal)',
                         'window_funnel_serialize(internal)',
                         'window_funnel_deserialize(bytea, internal)']::pg_catalog.regprocedure[];
        new_fns := ARRAY[pg_catalog.format('%s_trans(%s, %s)', agg.prefix, agg.stype, agg.args),
                         pg_catalog.format('%s_final(%s, %s)', agg.prefix, agg.stype, agg.args),
                         pg_catalog.format('%s_combine(%s, %s)', agg.prefix, agg.stype, agg.stype)]::pg_catalog.regprocedure[];
        IF agg.stype OPERATOR(pg_catalog.=) 'internal' THEN
            new_fns := new_fns || ARRAY[pg_catalog.format('%s_serialize(internal)', agg.prefix),
                                        pg_catalog.format('%s_deserialize(bytea, internal)', agg.prefix)]::pg_catalog.regprocedure[];
        END IF;
        UPDATE pg_catalog.pg_aggregate
        SET aggtransfn = new_fns[1], aggfinalfn = new_fns[2], aggcombinefn = new_fns[3],
            aggserialfn = COALESCE(new_fns[4], 0::pg_catalog.oid::pg_catalog.regprocedure),
            aggdeserialfn = COALESCE(new_fns[5], 0::pg_catalog.oid::pg_catalog.regprocedure),
            aggtranstype = agg.stype::pg_catalog.regtype
        WHERE aggfnoid OPERATOR(pg_catalog.=) agg.oid;
        DELETE FROM pg_catalog.pg_depend
        WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND objid OPERATOR(pg_catalog.=) agg.oid AND objsubid OPERATOR(pg_catalog.=) 0
          AND refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND refobjid OPERATOR(pg_catalog.=) ANY (old_fns);
        INSERT INTO pg_catalog.pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
        SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, agg.oid, 0, 'pg_catalog.pg_proc'::pg_catalog.regclass, fn, 0, 'n'
        FROM pg_catalog.unnest(new_fns) AS fn;
        -- plans cached before the update (prepared statements, PL/pgSQL, in
        -- this session or another) carry the old state type: changing
        -- pg_aggregate sends no invalidation they listen to, but changing the
        -- aggregate's pg_proc row does, and they are planned again
        UPDATE pg_catalog.pg_proc SET proname = proname WHERE oid OPERATOR(pg_catalog.=) agg.oid;
    END LOOP;
END
$update$;

DROP FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage);
DROP FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage, text);
DROP FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum);
DROP FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text);
DROP FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage);
DROP FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage, text);
DROP FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum);
DROP FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text);
DROP FUNCTION window_funnel_combine(internal, internal);
DROP FUNCTION window_funnel_serialize(internal);
DROP FUNCTION window_funnel_deserialize(bytea, internal);
