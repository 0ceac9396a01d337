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
    creating boolean;
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
              'funnel_event_within_trans', 'funnel', 'funnel_final', 'FINALFUNC_EXTRA,', 'funnel_combine']];
    IF stage = format('%I.lead_stage', s)::regtype THEN
        specs := specs || ARRAY[
            ARRAY['stage_stays', 'lead,at,stage', format('%s,%s,%s', lead::oid, 'timestamptz'::regtype::oid, stage::oid),
                  'stays_state_trans', 'handoff_state', 'stays_state_final', '', 'handoff_state_combine']];
    END IF;
    IF owner IS NOT NULL THEN
        specs := specs || ARRAY[
            ARRAY['handoff_summary', 'lead,at,owner,sla', format('%s,%s,%s,%s', lead::oid, 'timestamptz'::regtype::oid, owner::oid, 'interval'::regtype::oid),
                  'handoff_state_trans', 'handoff_state', 'handoff_state_final', '', 'handoff_state_combine'],
            ARRAY['handoff_summary', 'lead,at,owner,sla,to_owner',
                  format('%s,%s,%s,%s,%s', lead::oid, 'timestamptz'::regtype::oid, owner::oid, 'interval'::regtype::oid, owner::oid),
                  'handoff_state_trans', 'handoff_state', 'handoff_state_final', '', 'handoff_state_combine']];
    END IF;
    EXECUTE format('SELECT %I.align_creating_extension()', s) INTO creating;
    FOREACH spec SLICE 1 IN ARRAY specs LOOP
        -- the types as regtype prints them (quoted where needed)
        types := (SELECT array_agg(t::oid::regtype::text ORDER BY n)
                  FROM unnest(string_to_array(spec[3], ',')) WITH ORDINALITY AS u(t, n));
        sig := format('%I.%I(%s)', s, spec[1], array_to_string(types, ', '));
        made := to_regprocedure(sig);
        IF made IS NOT NULL THEN
            -- an aggregate of that signature exists: it must be one of these,
            -- over align's own support functions; while the extension's own
            -- script runs, one it made itself (else it is someone else's)
            IF NOT EXISTS (
                SELECT 1 FROM pg_aggregate a
                WHERE a.aggfnoid = made
                  AND (SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                       WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e' AND e.extname = 'align'
                         AND d.objid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn)) = 3)
               OR (creating AND NOT EXISTS (
                SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                WHERE d.classid = 'pg_proc'::regclass AND d.objid = made AND d.deptype = 'e'
                  AND e.extname = 'align')) THEN
                RAISE EXCEPTION 'align_concrete_aggregates: % exists and is not an aggregate align declared', sig
                    USING ERRCODE = 'duplicate_function',
                          HINT = 'Drop or rename it, then run align_concrete_aggregates again.';
            END IF;
        ELSE
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
        RETURN NEXT made;
    END LOOP;
END
$body$;
COMMENT ON FUNCTION align_concrete_aggregates(regtype, regtype, regtype) IS
    'declare funnel (and handoff_summary, stage_stays) over concrete lead, stage and owner types, as Citus needs; returns them';

-- the concrete aggregates align ships: the common lead key and owner types
SELECT count(*) FROM unnest(ARRAY['bigint', 'integer', 'smallint', 'numeric', 'text', 'uuid']::regtype[]) AS l,
    unnest(ARRAY['text', 'bigint', 'integer', 'uuid']::regtype[]) AS o,
    LATERAL align_concrete_aggregates(l, 'lead_stage', o);
