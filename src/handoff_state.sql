-- ---------------------------------------------------------------------------
-- handoff_state: the state of handoff_summary and stage_stays as a type, for
-- aggregates over concrete types that Citus pushes to its workers
-- (src/handoff_state.c)
-- ---------------------------------------------------------------------------

CREATE TYPE handoff_state;
CREATE FUNCTION handoff_state_in(cstring) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION handoff_state_out(handoff_state) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION handoff_state_recv(internal) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION handoff_state_send(handoff_state) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE TYPE handoff_state (
    INPUT = handoff_state_in,
    OUTPUT = handoff_state_out,
    RECEIVE = handoff_state_recv,
    SEND = handoff_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE handoff_state IS
    'partial state of handoff_summary and stage_stays (rows kept so far), as Citus ships it between nodes';
COMMENT ON FUNCTION handoff_state_in(cstring) IS 'handoff_state text input: base64, checked';
COMMENT ON FUNCTION handoff_state_out(handoff_state) IS 'handoff_state text output: base64 of the portable serialized state';
COMMENT ON FUNCTION handoff_state_recv(internal) IS 'handoff_state binary input (versioned, checked)';
COMMENT ON FUNCTION handoff_state_send(handoff_state) IS 'handoff_state binary output (versioned)';

CREATE FUNCTION handoff_state_trans(handoff_state, "any", timestamptz, anyelement, interval) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_state_trans(handoff_state, "any", timestamptz, anyelement, interval, anyelement) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stays_state_trans(handoff_state, "any", timestamptz, lead_stage) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_state_combine(handoff_state, handoff_state) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION handoff_state_final(handoff_state) RETURNS handoff_stats
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stays_state_final(handoff_state) RETURNS stage_stay_stats[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_state_trans(handoff_state, "any", timestamptz, anyelement, interval) IS 'handoff_summary() transition over a handoff_state: keep one row';
COMMENT ON FUNCTION handoff_state_trans(handoff_state, "any", timestamptz, anyelement, interval, anyelement) IS 'handoff_summary() transition over a handoff_state: keep one row';
COMMENT ON FUNCTION stays_state_trans(handoff_state, "any", timestamptz, lead_stage) IS 'stage_stays() transition over a handoff_state: keep one row';
COMMENT ON FUNCTION handoff_state_combine(handoff_state, handoff_state) IS 'handoff_summary() and stage_stays() combine over a handoff_state: concatenate rows';
COMMENT ON FUNCTION handoff_state_final(handoff_state) IS 'handoff_summary() final over a handoff_state: walk each lead in time order';
COMMENT ON FUNCTION stays_state_final(handoff_state) IS 'stage_stays() final over a handoff_state: stays per stage';
