-- ---------------------------------------------------------------------------
-- funnel: mergeable funnel summary, aggregates and accessors
-- (src/funnel.c, src/funnel_io.c, src/funnel_agg.c, src/funnel_access.c)
-- ---------------------------------------------------------------------------

CREATE TYPE funnel;

CREATE FUNCTION funnel_in(cstring) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_out(funnel) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_recv(internal) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_send(funnel) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE funnel (
    INPUT = funnel_in,
    OUTPUT = funnel_out,
    RECEIVE = funnel_recv,
    SEND = funnel_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON FUNCTION funnel_in(cstring) IS 'funnel text input: the JSON funnel_out prints';
COMMENT ON FUNCTION funnel_out(funnel) IS 'funnel text output: readable, canonical JSON';
COMMENT ON FUNCTION funnel_recv(internal) IS 'funnel binary input (versioned, validated)';
COMMENT ON FUNCTION funnel_send(funnel) IS 'funnel binary output (versioned)';
COMMENT ON TYPE funnel IS
    'mergeable summary of a set of leads moving through a stage ladder: reached, exits, time to convert';

CREATE FUNCTION funnel_to_jsonb(funnel) RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION funnel_to_jsonb(funnel) IS 'the funnel''s text form as a jsonb document';
CREATE CAST (funnel AS jsonb) WITH FUNCTION funnel_to_jsonb(funnel);
COMMENT ON CAST (funnel AS jsonb) IS 'the funnel''s text form as a jsonb document';

-- aggregate support: transition, combine and final functions

CREATE FUNCTION funnel_event_trans(funnel, "any", lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, "any", anyenum, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_stage_trans(funnel, lead_stage) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_stage_trans(funnel, anyenum) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_combine(funnel, funnel) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION funnel_final(funnel) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, lead_stage) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, anyenum) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION funnel_event_trans(funnel, "any", lead_stage, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, "any", anyenum, timestamptz) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval) IS 'funnel() transition: record one event';
COMMENT ON FUNCTION funnel_stage_trans(funnel, lead_stage) IS 'funnel(stage) transition: count one lead';
COMMENT ON FUNCTION funnel_stage_trans(funnel, anyenum) IS 'funnel(stage) transition: count one lead';
COMMENT ON FUNCTION funnel_combine(funnel, funnel) IS 'merge two funnels (combine function; rollup transition)';
COMMENT ON FUNCTION funnel_final(funnel) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, lead_stage) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, anyenum) IS 'close open leads into counts';

-- the aggregates

CREATE AGGREGATE funnel(lead "any", stage lead_stage, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead "any", stage anyenum, at timestamptz) (
    SFUNC = funnel_event_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead "any", stage lead_stage, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead "any", stage anyenum, at timestamptz, within interval) (
    SFUNC = funnel_event_within_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(stage lead_stage) (
    SFUNC = funnel_stage_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(stage anyenum) (
    SFUNC = funnel_stage_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE rollup(funnel) (
    SFUNC = funnel_combine, STYPE = funnel,
    FINALFUNC = funnel_final,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);

COMMENT ON AGGREGATE funnel("any", lead_stage, timestamptz) IS
    'funnel over raw stage events (lead, stage, at), leads deduplicated internally';
COMMENT ON AGGREGATE funnel("any", anyenum, timestamptz) IS
    'funnel over raw stage events of a custom enum ladder';
COMMENT ON AGGREGATE funnel("any", lead_stage, timestamptz, interval) IS
    'funnel over raw stage events, counting stages entered within the window of the lead''s first ladder event';
COMMENT ON AGGREGATE funnel("any", anyenum, timestamptz, interval) IS
    'funnel over raw stage events of a custom enum ladder, with a conversion window';
COMMENT ON AGGREGATE funnel(lead_stage) IS 'funnel over one row per lead (e.g. its furthest stage): counts only';
COMMENT ON AGGREGATE funnel(anyenum) IS 'funnel over one row per lead, custom enum ladder: counts only';
COMMENT ON AGGREGATE rollup(funnel) IS 'merge funnels of disjoint lead sets (daily cohorts into a month)';

-- funnel over raw events with a lead key of a concrete type (bigint, integer,
-- smallint, numeric, text, uuid), as Citus needs: declared at the end of the
-- script by align_concrete_aggregates (src/callerless.sql).

-- accessors: stages as lead_stage, as the funnel's enum, or as text ('mql')

CREATE FUNCTION reached(f funnel, stage lead_stage) RETURNS bigint
    AS 'MODULE_PATHNAME', 'funnel_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION reached(f funnel, stage anyenum) RETURNS bigint
    AS 'MODULE_PATHNAME', 'funnel_reached' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION reached(f funnel, stage text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'funnel_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION reached(funnel, lead_stage) IS 'leads that reached a ladder stage (or had an outcome)';
COMMENT ON FUNCTION reached(funnel, anyenum) IS 'leads that reached a stage of a custom enum ladder';
COMMENT ON FUNCTION reached(funnel, text) IS 'leads that reached a ladder stage (or had an outcome), stage given as text';

CREATE FUNCTION conversion(f funnel, from_stage lead_stage, to_stage lead_stage) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_conversion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion(f funnel, from_stage anyenum, to_stage anyenum) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_conversion' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion(f funnel, from_stage text, to_stage text) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_conversion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION conversion(funnel, lead_stage, lead_stage) IS 'reached(to) / reached(from); NULL when nothing reached from';
COMMENT ON FUNCTION conversion(funnel, anyenum, anyenum) IS 'reached(to) / reached(from) on a custom enum ladder';
COMMENT ON FUNCTION conversion(funnel, text, text) IS 'reached(to) / reached(from), stages given as text';

CREATE FUNCTION conversion_interval(f funnel, from_stage lead_stage, to_stage lead_stage,
                                    confidence float8 DEFAULT 0.95) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'funnel_conversion_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion_interval(f funnel, from_stage anyenum, to_stage anyenum,
                                    confidence float8 DEFAULT 0.95) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'funnel_conversion_interval' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion_interval(f funnel, from_stage text, to_stage text,
                                    confidence float8 DEFAULT 0.95) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'funnel_conversion_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION conversion_interval(funnel, lead_stage, lead_stage, float8) IS 'Wilson score interval {low, high} of conversion';
COMMENT ON FUNCTION conversion_interval(funnel, anyenum, anyenum, float8) IS 'Wilson score interval {low, high} of conversion on a custom enum ladder';
COMMENT ON FUNCTION conversion_interval(funnel, text, text, float8) IS 'Wilson score interval {low, high} of conversion, stages given as text';

CREATE FUNCTION time_to_convert(f funnel, from_stage lead_stage, to_stage lead_stage,
                                fraction float8) RETURNS interval
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_to_convert(f funnel, from_stage anyenum, to_stage anyenum,
                                fraction float8) RETURNS interval
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_to_convert(f funnel, from_stage text, to_stage text,
                                fraction float8) RETURNS interval
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- their comments (which quantile): src/quantiles.sql

-- funnel_steps and the accessors for reports and BI tools: src/funnel_report.sql
