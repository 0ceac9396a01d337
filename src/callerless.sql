-- ---------------------------------------------------------------------------
-- align_concrete_aggregates: aggregates over concrete types, for callers
-- that check declared argument types (Citus) (src/callerless.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION align_concrete_aggregates(lead regtype, stage regtype DEFAULT 'lead_stage',
                                          owner regtype DEFAULT NULL)
RETURNS SETOF regprocedure
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
    s text := '@extschema@';
    sig text;
    made regprocedure;
    specs text[][];
    spec text[];
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

    -- name, arguments, transition function, state, final function, final extra, combine
    specs := ARRAY[
        ARRAY['funnel', format('lead %s, stage %s, at timestamptz', lead, stage),
              'funnel_event_trans', 'funnel', 'funnel_final', 'FINALFUNC_EXTRA,', 'funnel_combine'],
        ARRAY['funnel', format('lead %s, stage %s, at timestamptz, within interval', lead, stage),
              'funnel_event_within_trans', 'funnel', 'funnel_final', 'FINALFUNC_EXTRA,', 'funnel_combine']];
    IF stage = format('%I.lead_stage', s)::regtype THEN
        specs := specs || ARRAY[
            ARRAY['stage_stays', format('lead %s, at timestamptz, stage %s', lead, stage),
                  'stays_state_trans', 'handoff_state', 'stays_state_final', '', 'handoff_state_combine']];
    END IF;
    IF owner IS NOT NULL THEN
        specs := specs || ARRAY[
            ARRAY['handoff_summary', format('lead %s, at timestamptz, owner %s, sla interval', lead, owner),
                  'handoff_state_trans', 'handoff_state', 'handoff_state_final', '', 'handoff_state_combine'],
            ARRAY['handoff_summary', format('lead %s, at timestamptz, owner %s, sla interval, to_owner %s', lead, owner, owner),
                  'handoff_state_trans', 'handoff_state', 'handoff_state_final', '', 'handoff_state_combine']];
    END IF;
    FOREACH spec SLICE 1 IN ARRAY specs LOOP
        -- the signature without argument names, to look it up
        sig := format('%I.%I(%s)', s, spec[1],
                      regexp_replace(spec[2], '(^|, )[a-z_]+ ', '\1', 'g'));
        IF to_regprocedure(sig) IS NULL THEN
            EXECUTE format('CREATE AGGREGATE %I.%I(%s) (SFUNC = %I.%I, STYPE = %I.%I, '
                           'FINALFUNC = %I.%I, %s COMBINEFUNC = %I.%I, PARALLEL = SAFE)',
                           s, spec[1], spec[2], s, spec[3], s, spec[4], s, spec[5], spec[6], s, spec[7]);
            EXECUTE format('COMMENT ON AGGREGATE %s IS %L', sig,
                           format('%s over concrete types (made by align_concrete_aggregates), as Citus needs',
                                  spec[1]));
        END IF;
        made := to_regprocedure(sig);
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
