-- align 0.1.0 -> 0.2.0
\echo Use "ALTER EXTENSION align UPDATE TO '0.2.0'" to load this file. \quit

-- Funnels over an enum ladder now keep the enum's name and labels, and the
-- functions that read an enum's values (to name stages, to follow a ladder
-- that grew) look at the catalog: STABLE, not IMMUTABLE.
ALTER FUNCTION funnel_event_trans(funnel, "any", anyenum, timestamptz) STABLE;
ALTER FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval) STABLE;
ALTER FUNCTION funnel_stage_trans(funnel, anyenum) STABLE;
ALTER FUNCTION funnel_combine(funnel, funnel) STABLE;
ALTER FUNCTION funnel_final(funnel, "any", anyenum, timestamptz) STABLE;
ALTER FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval) STABLE;
ALTER FUNCTION funnel_final(funnel, anyenum) STABLE;
ALTER FUNCTION reached(funnel, anyenum) STABLE;
ALTER FUNCTION conversion(funnel, anyenum, anyenum) STABLE;
ALTER FUNCTION conversion_interval(funnel, anyenum, anyenum, float8) STABLE;
ALTER FUNCTION time_to_convert(funnel, anyenum, anyenum, float8) STABLE;
ALTER FUNCTION funnel_steps(funnel, anyenum) STABLE;
ALTER FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) STABLE;
ALTER FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) STABLE;
ALTER FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) STABLE;
ALTER FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) STABLE;

-- Parallel plans (issue 12): the planner is told that merging a partial
-- state of funnel, handoff_summary, stage_stays or window_funnel costs about what reading
-- its rows did (align.partial_merge_cost), so the default settings no longer
-- pick a parallel plan slower than the serial one.
CREATE FUNCTION align_partial_merge_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION align_partial_merge_support(internal) IS
    'planner support of the funnel, handoff_summary, stage_stays and window_funnel combine functions: merging a partial state costs about what reading its rows did (align.partial_merge_cost)';
ALTER FUNCTION funnel_combine(funnel, funnel) SUPPORT align_partial_merge_support;
ALTER FUNCTION handoff_summary_combine(internal, internal) SUPPORT align_partial_merge_support;
ALTER FUNCTION window_funnel_combine(internal, internal) SUPPORT align_partial_merge_support;

-- Citus (issue 12): funnel over raw events with a lead key of a concrete type, for callers that
-- check the declared argument types and call the transition function
-- without a call expression (Citus' worker_partial_agg, which rejects
-- "any"); the transition functions read the key type from their declared
-- signature then.  Other key types take the "any" aggregates above.
CREATE FUNCTION funnel_event_trans(funnel, bigint, lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, bigint, lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, integer, lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, integer, lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, smallint, lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, smallint, lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, numeric, lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, numeric, lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, text, lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, text, lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, uuid, lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, uuid, lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_event_trans(funnel, bigint, lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, bigint, lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, integer, lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, integer, lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, smallint, lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, smallint, lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, numeric, lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, numeric, lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, text, lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, text, lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, uuid, lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, uuid, lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';

CREATE AGGREGATE funnel(lead bigint, stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead bigint, stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead integer, stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead integer, stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead smallint, stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead smallint, stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead numeric, stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead numeric, stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead text, stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead text, stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead uuid, stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead uuid, stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel, FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE funnel(bigint, lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally; a bigint lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(bigint, lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event; a bigint lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(integer, lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally; a integer lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(integer, lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event; a integer lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(smallint, lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally; a smallint lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(smallint, lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event; a smallint lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(numeric, lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally; a numeric lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(numeric, lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event; a numeric lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(text, lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally; a text lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(text, lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event; a text lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(uuid, lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally; a uuid lead key, as Citus needs';
COMMENT ON AGGREGATE funnel(uuid, lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event; a uuid lead key, as Citus needs';
