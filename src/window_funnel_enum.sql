-- ---------------------------------------------------------------------------
-- window_funnel over an enum ladder: the support functions of its internal
-- state (src/window_funnel.c).  A pseudo state type makes Citus gather the
-- rows of a table not distributed by lead, instead of pushing the aggregate
-- down with worker_partial_agg, whose type check an aggregate over anyenum
-- cannot pass; the same state as window_funnel_state's inside, so it keeps
-- to the memory budget, and parallel plans serialize it.  The update from
-- 0.1.0 repoints the aggregates over anyenum to these functions (upgrade/
-- align--0.1.0--0.2.0.window_funnel.part.sql), as those over lead_stage.
-- ---------------------------------------------------------------------------

CREATE FUNCTION window_funnel_enum_trans(internal, interval, timestamptz, anyenum) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_enum_trans(internal, interval, timestamptz, anyenum, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_enum_final(internal, interval, timestamptz, anyenum) RETURNS anyenum
    AS 'MODULE_PATHNAME', 'window_funnel_state_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_enum_final(internal, interval, timestamptz, anyenum, text) RETURNS anyenum
    AS 'MODULE_PATHNAME', 'window_funnel_state_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_enum_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION window_funnel_enum_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'window_funnel_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION window_funnel_enum_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION window_funnel_enum_trans(internal, interval, timestamptz, anyenum) IS 'window_funnel() transition over an enum: remember one event';
COMMENT ON FUNCTION window_funnel_enum_trans(internal, interval, timestamptz, anyenum, text) IS 'window_funnel() transition over an enum: remember one event';
COMMENT ON FUNCTION window_funnel_enum_final(internal, interval, timestamptz, anyenum) IS 'window_funnel() final over an enum: furthest stage';
COMMENT ON FUNCTION window_funnel_enum_final(internal, interval, timestamptz, anyenum, text) IS 'window_funnel() final over an enum: furthest stage';
COMMENT ON FUNCTION window_funnel_enum_combine(internal, internal) IS 'window_funnel() combine over an enum: concatenate events';
COMMENT ON FUNCTION window_funnel_enum_serialize(internal) IS 'window_funnel() partial state over an enum to bytea (window_funnel_state''s portable form)';
COMMENT ON FUNCTION window_funnel_enum_deserialize(bytea, internal) IS 'window_funnel() partial state over an enum from bytea, checked';
