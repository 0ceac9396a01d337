-- ---------------------------------------------------------------------------
-- align_concrete_aggregates: aggregates over concrete types, for callers
-- that check declared argument types (Citus) (src/callerless.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION align_creating_extension() RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION align_creating_extension() IS
    'true while CREATE or ALTER EXTENSION align runs its script (align_concrete_aggregates then declares only new aggregates)';

CREATE FUNCTION align_concrete_aggregates(lead regtype, stage regtype DEFAULT 'lead_stage',
                                          owner regtype DEFAULT NULL)
RETURNS SETOF regprocedure
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    s name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
               WHERE e.extname = 'align');
    ns oid := (SELECT e.extnamespace FROM pg_extension e WHERE e.extname = 'align');
    calendar_type oid := format('%I.work_calendar', s)::regtype::oid;
    -- align's library, as its C functions name it
    lib text := (SELECT probin FROM pg_proc
                 WHERE oid = format('%I.align_creating_extension()', s)::regprocedure);
    creating boolean;
    made_now boolean;
    sig text;
    made regprocedure;
    specs text[][];
    spec text[];
    types text[];
BEGIN
    IF lead IS NULL OR stage IS NULL THEN
        RAISE EXCEPTION 'align_concrete_aggregates needs a lead type and a stage type'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'e.g. align_concrete_aggregates(''bigint'', ''deal_stage'')';
    END IF;
    IF lead IN ('"any"'::regtype, 'anyelement'::regtype, 'anyenum'::regtype, 'unknown'::regtype)
       OR (SELECT typtype = 'p' FROM pg_type WHERE oid = lead) THEN
        RAISE EXCEPTION 'align_concrete_aggregates: lead type % is not a concrete type', lead
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Name the lead key column''s type, e.g. bigint, text or uuid.';
    END IF;
    IF stage <> format('%I.lead_stage', s)::regtype
       AND NOT EXISTS (SELECT 1 FROM pg_type WHERE oid = stage AND typtype = 'e') THEN
        RAISE EXCEPTION 'align_concrete_aggregates: stage type % is neither lead_stage nor an enum', stage
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'A ladder is lead_stage or an enum whose sort order is the ladder.';
    END IF;
    IF owner IS NOT NULL AND (SELECT typtype = 'p' FROM pg_type WHERE oid = owner) THEN
        RAISE EXCEPTION 'align_concrete_aggregates: owner type % is not a concrete type', owner
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Name the owner column''s type, e.g. text.';
    END IF;

    -- name, argument names, argument type OIDs, transition function, state,
    -- final function, final extra, combine
    specs := ARRAY[
        ARRAY['funnel', 'lead,stage,at', format('%s,%s,%s', lead::oid, stage::oid, 'timestamptz'::regtype::oid),
              'funnel_event_trans', 'funnel', 'funnel_final', 'FINALFUNC_EXTRA,', 'funnel_combine'],
        ARRAY['funnel', 'lead,stage,at,within', format('%s,%s,%s,%s', lead::oid, stage::oid, 'timestamptz'::regtype::oid, 'interval'::regtype::oid),
              'funnel_event_within_trans', 'funnel', 'funnel_final', 'FINALFUNC_EXTRA,', 'funnel_combine'],
        ARRAY['funnel_as_of', 'lead,stage,at,as_of', format('%s,%s,%s,%s', lead::oid, stage::oid, 'timestamptz'::regtype::oid, 'timestamptz'::regtype::oid),
              'funnel_as_of_trans', 'funnel', 'funnel_final', 'FINALFUNC_EXTRA,', 'funnel_combine']];
    specs := specs || ARRAY[
        ARRAY['stage_stays', 'lead,at,stage', format('%s,%s,%s', lead::oid, 'timestamptz'::regtype::oid, stage::oid),
              'stays_state_trans', 'handoff_state',
              CASE WHEN stage = format('%I.lead_stage', s)::regtype THEN 'stays_state_final'
                   ELSE 'enum_stays_state_final' END,
              '', 'handoff_state_combine']];
    IF owner IS NOT NULL THEN
        specs := specs || ARRAY[
            ARRAY['handoff_summary', 'lead,at,owner,sla', format('%s,%s,%s,%s', lead::oid, 'timestamptz'::regtype::oid, owner::oid, 'interval'::regtype::oid),
                  'handoff_state_trans', 'handoff_state', 'handoff_state_final', '', 'handoff_state_combine'],
            ARRAY['handoff_summary', 'lead,at,owner,sla,to_owner',
                  format('%s,%s,%s,%s,%s', lead::oid, 'timestamptz'::regtype::oid, owner::oid, 'interval'::regtype::oid, owner::oid),
                  'handoff_state_trans', 'handoff_state', 'handoff_state_final', '', 'handoff_state_combine']];
    END IF;
    -- stage_stays, handoff_summary with to_owner, funnel with a window and
    -- funnel_as_of also in working time: a work_calendar last (src/handoff_calendar.sql,
    -- src/funnel_calendar.sql; no calendar form beside a form whose last
    -- argument an untyped literal fills, which would make it ambiguous)
    FOREACH spec SLICE 1 IN ARRAY specs LOOP
        IF spec[1] = 'stage_stays' OR spec[2] = 'lead,at,owner,sla,to_owner'
           OR spec[4] IN ('funnel_event_within_trans', 'funnel_as_of_trans') THEN
            specs := specs || ARRAY[ARRAY[spec[1], spec[2] || ',cal', spec[3] || ',' || calendar_type,
                                          spec[4], spec[5], spec[6], spec[7], spec[8]]];
        END IF;
    END LOOP;
    EXECUTE format('SELECT %I.align_creating_extension()', s) INTO creating;
    FOREACH spec SLICE 1 IN ARRAY specs LOOP
        -- the types as regtype prints them (quoted where needed)
        types := (SELECT array_agg(t::oid::regtype::text ORDER BY n)
                  FROM unnest(string_to_array(spec[3], ',')) WITH ORDINALITY AS u(t, n));
        sig := format('%I.%I(%s)', s, spec[1], array_to_string(types, ', '));
        made := to_regprocedure(sig);
        made_now := made IS NULL;
        IF made_now THEN
            EXECUTE format('CREATE AGGREGATE %I.%I(%s) (SFUNC = %I.%I, STYPE = %I.%I, '
                           'FINALFUNC = %I.%I, %s COMBINEFUNC = %I.%I, PARALLEL = SAFE)',
                           s, spec[1],
                           (SELECT string_agg(format('%I %s', a.name, types[a.n]), ', ' ORDER BY a.n)
                            FROM unnest(string_to_array(spec[2], ',')) WITH ORDINALITY AS a(name, n)),
                           s, spec[4], s, spec[5], s, spec[6], spec[7], s, spec[8]);
            EXECUTE format('COMMENT ON AGGREGATE %s IS %L', sig,
                           format('%s over concrete types (made by align_concrete_aggregates), as Citus needs',
                                  spec[1]));
            made := to_regprocedure(sig);
        END IF;
        -- Found or just made, the aggregate must be the one this function
        -- declares: its transition, final and combine functions align's own
        -- C functions of those names (no one else can make a C function),
        -- nothing else set.  CREATE AGGREGATE picks the support function
        -- that best matches the argument types, so an overload someone
        -- planted in align's schema (say handoff_state_trans(anyelement,
        -- bigint, timestamptz, text, interval)) would otherwise be bound into
        -- an aggregate everyone calls.  While the extension's own script
        -- runs, an aggregate it did not just make must be the extension's.
        IF NOT EXISTS (
            SELECT 1 FROM pg_aggregate a
            WHERE a.aggfnoid = made AND a.aggkind = 'n'
              AND a.aggtranstype = format('%I.%I', s, spec[5])::regtype
              AND a.aggserialfn = 0 AND a.aggdeserialfn = 0 AND a.aggmtransfn = 0
              AND a.aggminvtransfn = 0 AND a.aggmfinalfn = 0 AND a.agginitval IS NULL
              AND (SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                   WHERE l.lanname = 'c' AND p.probin = lib AND p.pronamespace = ns
                     AND (p.oid, p.proname) IN ((a.aggtransfn, spec[4]), (a.aggfinalfn, spec[6]),
                                                (a.aggcombinefn, spec[8]))) = 3) THEN
            IF made_now THEN
                RAISE EXCEPTION 'align_concrete_aggregates: % would call a function that is not align''s own', sig
                    USING ERRCODE = 'ambiguous_function',
                          DETAIL = format('CREATE AGGREGATE chose %s, %s and %s.',
                                          (SELECT aggtransfn::regprocedure FROM pg_aggregate WHERE aggfnoid = made),
                                          (SELECT aggfinalfn::regprocedure FROM pg_aggregate WHERE aggfnoid = made),
                                          (SELECT aggcombinefn::regprocedure FROM pg_aggregate WHERE aggfnoid = made)),
                          HINT = format('Drop or rename the functions named %s, %s or %s in schema %s that align did not declare.',
                                        spec[4], spec[6], spec[8], s);
            END IF;
            RAISE EXCEPTION 'align_concrete_aggregates: % exists and is not an aggregate align declared', sig
                USING ERRCODE = 'duplicate_function',
                      HINT = 'Drop or rename it, then run align_concrete_aggregates again.';
        END IF;
        IF creating AND NOT made_now AND NOT EXISTS (
            SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
            WHERE d.classid = 'pg_proc'::regclass AND d.objid = made AND d.deptype = 'e'
              AND e.extname = 'align') THEN
            RAISE EXCEPTION 'align_concrete_aggregates: % exists and is not an aggregate align declared', sig
                USING ERRCODE = 'duplicate_function',
                      HINT = 'Drop or rename it, then run align_concrete_aggregates again.';
        END IF;
        RETURN NEXT made;
    END LOOP;
END
$body$;
COMMENT ON FUNCTION align_concrete_aggregates(regtype, regtype, regtype) IS
    'declare funnel (also with a window and a work_calendar), funnel_as_of (also with a work_calendar), handoff_summary and stage_stays (also with a work_calendar) over concrete lead, stage and owner types, as Citus needs; returns them';

-- the concrete aggregates align ships: the common lead key and owner types
-- (every name qualified and every argument of its exact type: as a trusted
-- extension this runs as the bootstrap superuser, in a schema the installing
-- role may have filled with better-matching overloads, such as
-- unnest(regtype[]) or align_concrete_aggregates(regtype, text, regtype))
SELECT pg_catalog.count(*)
FROM pg_catalog.unnest(ARRAY['bigint', 'integer', 'smallint', 'numeric', 'text', 'uuid']::pg_catalog.regtype[]) AS l,
    pg_catalog.unnest(ARRAY['text', 'bigint', 'integer', 'uuid']::pg_catalog.regtype[]) AS o,
    LATERAL @extschema@.align_concrete_aggregates(l, 'lead_stage'::pg_catalog.regtype, o);
