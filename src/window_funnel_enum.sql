-- ---------------------------------------------------------------------------
-- window_funnel over an enum ladder: the support functions of its internal
-- state (src/window_funnel.c).  A pseudo state type makes Citus gather the
-- rows of a table not distributed by lead, instead of pushing the aggregate
-- down with worker_partial_agg, whose type check an aggregate over anyenum
-- cannot pass; the same state as window_funnel_state's inside, so it keeps
-- to the memory budget, and parallel plans serialize it.  CREATE OR REPLACE:
-- the update from 0.1.0 repoints 0.1.0's functions of these signatures,
-- which the aggregates over anyenum keep.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) RETURNS anyenum
    AS 'MODULE_PATHNAME', 'window_funnel_state_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) RETURNS anyenum
    AS 'MODULE_PATHNAME', 'window_funnel_state_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION window_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE OR REPLACE FUNCTION window_funnel_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'window_funnel_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION window_funnel_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'window_funnel_internal_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) IS 'window_funnel() transition over an enum: remember one event';
COMMENT ON FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) IS 'window_funnel() transition over an enum: remember one event';
COMMENT ON FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) IS 'window_funnel() final over an enum: furthest stage';
COMMENT ON FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) IS 'window_funnel() final over an enum: furthest stage';
COMMENT ON FUNCTION window_funnel_combine(internal, internal) IS 'window_funnel() combine over an enum: concatenate events';
COMMENT ON FUNCTION window_funnel_serialize(internal) IS 'window_funnel() partial state over an enum to bytea (window_funnel_state''s portable form)';
COMMENT ON FUNCTION window_funnel_deserialize(bytea, internal) IS 'window_funnel() partial state over an enum from bytea, checked';
