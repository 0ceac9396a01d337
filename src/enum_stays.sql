-- ---------------------------------------------------------------------------
-- stage_stays over an enum ladder (src/handoff_summary.c): a composite type
-- cannot be polymorphic, so the stays of an enum's stages come as the
-- stage's label (text, which casts back to the enum) and its rank
-- ---------------------------------------------------------------------------

CREATE TYPE enum_stage_stay_stats AS (
    stage text,
    rank integer,
    stays bigint,
    median_stay interval,
    p90_stay interval,
    median_stay_hours float8,
    p90_stay_hours float8,
    median_stay_cont interval,
    p90_stay_cont interval,
    median_stay_cont_hours float8,
    p90_stay_cont_hours float8
);
COMMENT ON TYPE enum_stage_stay_stats IS
    'stage_stays element over an enum ladder: the stage''s label and rank (its place in the enum''s sort order), completed stays; the median and p90 stay, exact, as stage_stay_stats has them: percentile_disc (median_stay, p90_stay; in hours the _hours columns) and percentile_cont (the _cont and _cont_hours columns)';

CREATE FUNCTION stage_stays_trans(internal, "any", timestamptz, anyenum) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION enum_stage_stays_final(internal) RETURNS enum_stage_stay_stats[]
    AS 'MODULE_PATHNAME', 'stage_stays_final' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION stage_stays_trans(internal, "any", timestamptz, anyenum) IS 'stage_stays() transition over an enum ladder: keep one row';
COMMENT ON FUNCTION enum_stage_stays_final(internal) IS 'stage_stays() final over an enum ladder: stays per stage, by label and rank';

CREATE AGGREGATE stage_stays(lead "any", at timestamptz, stage anyenum) (
    SFUNC = stage_stays_trans, STYPE = internal,
    FINALFUNC = enum_stage_stays_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE stage_stays("any", timestamptz, anyenum) IS
    'time in stage of a custom enum ladder without a sort: per stage (label and rank), completed stays with median and p90';

-- over a handoff_state, for the concrete aggregates align_concrete_aggregates
-- declares for an enum ladder (Citus)
CREATE FUNCTION stays_state_trans(handoff_state, "any", timestamptz, anyenum) RETURNS handoff_state
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION enum_stays_state_final(handoff_state) RETURNS enum_stage_stay_stats[]
    AS 'MODULE_PATHNAME', 'stays_state_final' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION stays_state_trans(handoff_state, "any", timestamptz, anyenum) IS 'stage_stays() transition over a handoff_state, enum ladder: keep one row';
COMMENT ON FUNCTION enum_stays_state_final(handoff_state) IS 'stage_stays() final over a handoff_state, enum ladder: stays per stage, by label and rank';
