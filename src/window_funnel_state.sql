-- ---------------------------------------------------------------------------
-- window_funnel's state and support functions (src/window_funnel.c)
-- ---------------------------------------------------------------------------

-- the state: the group's events, as a value parallel workers and Citus'
-- shards can ship (text form: base64); the aggregates are in window_funnel.sql
CREATE TYPE window_funnel_state;
CREATE FUNCTION window_funnel_state_in(cstring) RETURNS window_funnel_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION window_funnel_state_out(window_funnel_state) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION window_funnel_state_recv(internal) RETURNS window_funnel_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION window_funnel_state_send(window_funnel_state) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE window_funnel_state (
    INPUT = window_funnel_state_in,
    OUTPUT = window_funnel_state_out,
    RECEIVE = window_funnel_state_recv,
    SEND = window_funnel_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE window_funnel_state IS
    'partial state of window_funnel (one group''s events), as parallel workers and Citus ship it';
COMMENT ON FUNCTION window_funnel_state_in(cstring) IS 'window_funnel_state text input: base64, checked';
COMMENT ON FUNCTION window_funnel_state_out(window_funnel_state) IS 'window_funnel_state text output: base64 of the portable form';
COMMENT ON FUNCTION window_funnel_state_recv(internal) IS 'window_funnel_state binary input (versioned, checked)';
COMMENT ON FUNCTION window_funnel_state_send(window_funnel_state) IS 'window_funnel_state binary output (versioned)';

CREATE FUNCTION window_funnel_trans(window_funnel_state, interval, timestamptz, lead_stage) RETURNS window_funnel_state
    AS 'MODULE_PATHNAME', 'window_funnel_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(window_funnel_state, interval, timestamptz, lead_stage, text) RETURNS window_funnel_state
    AS 'MODULE_PATHNAME', 'window_funnel_state_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(window_funnel_state, interval, timestamptz, lead_stage) RETURNS lead_stage
    AS 'MODULE_PATHNAME', 'window_funnel_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(window_funnel_state, interval, timestamptz, lead_stage, text) RETURNS lead_stage
    AS 'MODULE_PATHNAME', 'window_funnel_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_combine(window_funnel_state, window_funnel_state) RETURNS window_funnel_state
    AS 'MODULE_PATHNAME', 'window_funnel_state_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;

COMMENT ON FUNCTION window_funnel_trans(window_funnel_state, interval, timestamptz, lead_stage) IS 'window_funnel() transition: remember one event';
COMMENT ON FUNCTION window_funnel_trans(window_funnel_state, interval, timestamptz, lead_stage, text) IS 'window_funnel() transition: remember one event';
COMMENT ON FUNCTION window_funnel_final(window_funnel_state, interval, timestamptz, lead_stage) IS 'window_funnel() final: furthest stage';
COMMENT ON FUNCTION window_funnel_final(window_funnel_state, interval, timestamptz, lead_stage, text) IS 'window_funnel() final: furthest stage';
COMMENT ON FUNCTION window_funnel_combine(window_funnel_state, window_funnel_state) IS 'window_funnel() combine: concatenate events';
