
-- The new funnel_steps definitions onto the 0.1.0 rows (see
-- align--0.1.0--0.2.0.funnel_steps.part.sql): each new function's
-- arguments, columns, defaults and comment are copied onto the old row, the
-- new function dropped first (a row per name and arguments), and the old
-- row's change invalidates plans cached before the update.  Every name and
-- operator is qualified: the script runs as the bootstrap superuser on
-- behalf of a database owner who may have planted look-alikes in the
-- schema (test/trusted.sh).
DO $update$
DECLARE
    pair record;
    fresh pg_catalog.pg_proc;
    note text;
BEGIN
    FOR pair IN
        SELECT * FROM (VALUES
            ('@extschema@.align_old_funnel_steps(@extschema@.funnel)'::pg_catalog.regprocedure,
             '@extschema@.funnel_steps(@extschema@.funnel, boolean)'::pg_catalog.regprocedure),
            ('@extschema@.align_old_funnel_steps(@extschema@.funnel, anyenum)'::pg_catalog.regprocedure,
             '@extschema@.funnel_steps(@extschema@.funnel, anyenum, boolean)'::pg_catalog.regprocedure)) AS v(old, new)
    LOOP
        SELECT * INTO STRICT fresh FROM pg_catalog.pg_proc WHERE oid OPERATOR(pg_catalog.=) pair.new;
        note := pg_catalog.obj_description(pair.new, 'pg_proc');
        EXECUTE pg_catalog.format('DROP FUNCTION %s', pair.new);
        UPDATE pg_catalog.pg_proc
        SET proname = fresh.proname, pronargs = fresh.pronargs, pronargdefaults = fresh.pronargdefaults,
            proargtypes = fresh.proargtypes, proallargtypes = fresh.proallargtypes,
            proargmodes = fresh.proargmodes, proargnames = fresh.proargnames,
            proargdefaults = fresh.proargdefaults, prorows = fresh.prorows,
            proisstrict = fresh.proisstrict, provolatile = fresh.provolatile
        WHERE oid OPERATOR(pg_catalog.=) pair.old;
        EXECUTE pg_catalog.format('COMMENT ON FUNCTION %s IS %L', pair.old, note);
    END LOOP;
END
$update$;
