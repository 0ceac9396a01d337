-- ---------------------------------------------------------------------------
-- window_funnel: furthest stage reached in order inside a window (src/window_funnel.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage, text) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) RETURNS anyenum
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) RETURNS anyenum
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION window_funnel_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION window_funnel_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage) IS 'window_funnel() transition: remember one event';
COMMENT ON FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage, text) IS 'window_funnel() transition: remember one event';
COMMENT ON FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) IS 'window_funnel() transition: remember one event';
COMMENT ON FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) IS 'window_funnel() transition: remember one event';
COMMENT ON FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage) IS 'window_funnel() final: furthest stage';
COMMENT ON FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage, text) IS 'window_funnel() final: furthest stage';
COMMENT ON FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) IS 'window_funnel() final: furthest stage';
COMMENT ON FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) IS 'window_funnel() final: furthest stage';
COMMENT ON FUNCTION window_funnel_combine(internal, internal) IS 'window_funnel() combine: concatenate events';
COMMENT ON FUNCTION window_funnel_serialize(internal) IS 'window_funnel() partial state to bytea';
COMMENT ON FUNCTION window_funnel_deserialize(bytea, internal) IS 'window_funnel() partial state from bytea';

CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage lead_stage) (
    SFUNC = window_funnel_trans, STYPE = internal,
    FINALFUNC = window_funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_combine,
    SERIALFUNC = window_funnel_serialize, DESERIALFUNC = window_funnel_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage lead_stage, mode text) (
    SFUNC = window_funnel_trans, STYPE = internal,
    FINALFUNC = window_funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_combine,
    SERIALFUNC = window_funnel_serialize, DESERIALFUNC = window_funnel_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage anyenum) (
    SFUNC = window_funnel_trans, STYPE = internal,
    FINALFUNC = window_funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_combine,
    SERIALFUNC = window_funnel_serialize, DESERIALFUNC = window_funnel_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, at timestamptz, stage anyenum, mode text) (
    SFUNC = window_funnel_trans, STYPE = internal,
    FINALFUNC = window_funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = window_funnel_combine,
    SERIALFUNC = window_funnel_serialize, DESERIALFUNC = window_funnel_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, lead_stage) IS
    'per lead: furthest ladder stage reached in order, each step within the window of the chain''s first event';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, lead_stage, text) IS
    'window_funnel with modes: strict, strict_order, strict_deduplication, strict_increase';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, anyenum) IS
    'window_funnel over a custom enum ladder';
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, anyenum, text) IS
    'window_funnel over a custom enum ladder, with modes';
