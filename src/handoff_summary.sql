-- ---------------------------------------------------------------------------
-- handoff_summary: speed to lead without a sort (src/handoff_summary.c)
-- ---------------------------------------------------------------------------

CREATE TYPE handoff_stats AS (
    handoffs bigint,
    median_gap interval,
    p90_gap interval,
    sla_met float8
);
-- 0.2.0 adds columns, and the comment: src/quantiles.sql

CREATE FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval, anyelement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_summary_final(internal) RETURNS handoff_stats
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_summary_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION handoff_summary_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION handoff_summary_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval) IS 'handoff_summary() transition: keep one row';
COMMENT ON FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval, anyelement) IS 'handoff_summary() transition: keep one row';
COMMENT ON FUNCTION handoff_summary_final(internal) IS 'handoff_summary() final: walk each lead in time order';
COMMENT ON FUNCTION handoff_summary_combine(internal, internal) IS 'handoff_summary() combine: concatenate rows';
COMMENT ON FUNCTION handoff_summary_serialize(internal) IS 'handoff_summary() partial state to bytea';
COMMENT ON FUNCTION handoff_summary_deserialize(bytea, internal) IS 'handoff_summary() partial state from bytea';

CREATE AGGREGATE handoff_summary(lead "any", at timestamptz, owner anyelement, sla interval) (
    SFUNC = handoff_summary_trans, STYPE = internal,
    FINALFUNC = handoff_summary_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE handoff_summary(lead "any", at timestamptz, owner anyelement, sla interval, to_owner anyelement) (
    SFUNC = handoff_summary_trans, STYPE = internal,
    FINALFUNC = handoff_summary_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE handoff_summary("any", timestamptz, anyelement, interval, anyelement) IS
    'handoff_summary counting only handoffs to one owner (e.g. into sales)';
-- handoff_summary(lead, at, owner, sla)'s comment (which quantile): src/quantiles.sql

-- stage_stays: time in stage without a sort

CREATE TYPE stage_stay_stats AS (
    stage lead_stage,
    stays bigint,
    median_stay interval,
    p90_stay interval
);
-- 0.2.0 adds columns, and the comment: src/quantiles.sql

CREATE FUNCTION stage_stays_trans(internal, "any", timestamptz, lead_stage) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stage_stays_final(internal) RETURNS stage_stay_stats[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION stage_stays_trans(internal, "any", timestamptz, lead_stage) IS 'stage_stays() transition: keep one row';
COMMENT ON FUNCTION stage_stays_final(internal) IS 'stage_stays() final: stays per stage';

CREATE AGGREGATE stage_stays(lead "any", at timestamptz, stage lead_stage) (
    SFUNC = stage_stays_trans, STYPE = internal,
    FINALFUNC = stage_stays_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
-- stage_stays' comment (which quantile): src/quantiles.sql
