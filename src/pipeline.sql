-- ---------------------------------------------------------------------------
-- Pipeline over time (src/pipeline.c, issue 15): the stock of leads in each
-- stage at every point of a time grid and the flows between points, in one
-- aggregate over raw stage history; rollup(pipeline), pipeline_rows; and
-- stages_at, a lead's stage at many times.
-- ---------------------------------------------------------------------------

CREATE TYPE pipeline;

CREATE FUNCTION pipeline_in(cstring) RETURNS pipeline
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pipeline_out(pipeline) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pipeline_recv(internal) RETURNS pipeline
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pipeline_send(pipeline) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE pipeline (
    INPUT = pipeline_in,
    OUTPUT = pipeline_out,
    RECEIVE = pipeline_recv,
    SEND = pipeline_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON FUNCTION pipeline_in(cstring) IS 'pipeline text input: the JSON pipeline_out prints';
COMMENT ON FUNCTION pipeline_out(pipeline) IS 'pipeline text output: canonical JSON (grid points in UTC)';
COMMENT ON FUNCTION pipeline_recv(internal) IS 'pipeline binary input (versioned, validated)';
COMMENT ON FUNCTION pipeline_send(pipeline) IS 'pipeline binary output (versioned)';
COMMENT ON TYPE pipeline IS
    'stage counts over a time grid: per grid point and stage, the leads in the stage and the moves into it, up, down and out to an outcome since the previous point; the ladder by its stage names';

-- the aggregate: rows kept as stage_stays keeps them (internal state)
CREATE FUNCTION pipeline_trans(internal, "any", lead_stage, timestamptz, timestamptz, timestamptz, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION pipeline_trans(internal, "any", anyenum, timestamptz, timestamptz, timestamptz, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION pipeline_final(internal) RETURNS pipeline
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION pipeline_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION pipeline_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pipeline_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pipeline_trans(internal, "any", lead_stage, timestamptz, timestamptz, timestamptz, interval) IS
    'pipeline() transition: keep one row (the grid is worked out in the session''s TimeZone)';
COMMENT ON FUNCTION pipeline_trans(internal, "any", anyenum, timestamptz, timestamptz, timestamptz, interval) IS
    'pipeline() transition over an enum ladder: keep one row (the grid is worked out in the session''s TimeZone)';
COMMENT ON FUNCTION pipeline_final(internal) IS 'pipeline() final: walk each lead in time order, count stock and flows';
COMMENT ON FUNCTION pipeline_combine(internal, internal) IS 'pipeline() combine: concatenate rows';
COMMENT ON FUNCTION pipeline_serialize(internal) IS 'pipeline() partial state to bytea';
COMMENT ON FUNCTION pipeline_deserialize(bytea, internal) IS 'pipeline() partial state from bytea';

CREATE AGGREGATE pipeline(lead "any", stage lead_stage, at timestamptz,
                          grid_start timestamptz, grid_end timestamptz, step interval) (
    SFUNC = pipeline_trans, STYPE = internal,
    FINALFUNC = pipeline_final,
    COMBINEFUNC = pipeline_combine,
    SERIALFUNC = pipeline_serialize, DESERIALFUNC = pipeline_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE pipeline(lead "any", stage anyenum, at timestamptz,
                          grid_start timestamptz, grid_end timestamptz, step interval) (
    SFUNC = pipeline_trans, STYPE = internal,
    FINALFUNC = pipeline_final,
    COMBINEFUNC = pipeline_combine,
    SERIALFUNC = pipeline_serialize, DESERIALFUNC = pipeline_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pipeline("any", lead_stage, timestamptz, timestamptz, timestamptz, interval) IS
    'stage stock and flow over the grid generate_series(grid_start, grid_end, step), from raw stage history in any order';
COMMENT ON AGGREGATE pipeline("any", anyenum, timestamptz, timestamptz, timestamptz, interval) IS
    'stage stock and flow of a custom enum ladder (ladder_outcome declares its outcomes) over the grid generate_series(grid_start, grid_end, step)';

CREATE FUNCTION pipeline_add(pipeline, pipeline) RETURNS pipeline
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pipeline_add(pipeline, pipeline) IS
    'add the counts of two pipelines of disjoint lead sets (same grid and ladder; rollup transition and combine)';
CREATE AGGREGATE rollup(pipeline) (
    SFUNC = pipeline_add, STYPE = pipeline,
    COMBINEFUNC = pipeline_add,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(pipeline) IS 'add pipelines of disjoint lead sets with the same grid (per-channel views into a total), exactly; slices by event time are not disjoint lead sets';

CREATE FUNCTION pipeline_rows(p pipeline)
    RETURNS TABLE(at timestamptz, stage text, in_stage bigint, entered bigint,
                  left_up bigint, left_down bigint, exited bigint)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION pipeline_rows(pipeline) IS
    'a pipeline as rows: per grid point and stage (ladder stages by rank, then outcomes), the leads in the stage and the moves since the previous point; in_stage = previous in_stage + entered - left_up - left_down - exited';

-- stages_at: a lead's stage at many times (GROUP BY lead)
CREATE FUNCTION stages_at_trans(internal, lead_stage, timestamptz, timestamptz[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stages_at_trans(internal, anyenum, timestamptz, timestamptz[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION stages_at_final(internal) RETURNS lead_stage[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION enum_stages_at_final(internal, anyenum, timestamptz, timestamptz[]) RETURNS anyarray
    AS 'MODULE_PATHNAME', 'stages_at_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION stages_at_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stages_at_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION stages_at_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION stages_at_trans(internal, lead_stage, timestamptz, timestamptz[]) IS 'stages_at() transition: note the event at the first time of ts at or after it';
COMMENT ON FUNCTION stages_at_trans(internal, anyenum, timestamptz, timestamptz[]) IS 'stages_at() transition over an enum ladder: note the event at the first time of ts at or after it';
COMMENT ON FUNCTION stages_at_final(internal) IS 'stages_at() final: the stage at each time of ts';
COMMENT ON FUNCTION enum_stages_at_final(internal, anyenum, timestamptz, timestamptz[]) IS 'stages_at() final over an enum ladder: the stage at each time of ts';
COMMENT ON FUNCTION stages_at_combine(internal, internal) IS 'stages_at() combine: per time, the later event';
COMMENT ON FUNCTION stages_at_serialize(internal) IS 'stages_at() partial state to bytea';
COMMENT ON FUNCTION stages_at_deserialize(bytea, internal) IS 'stages_at() partial state from bytea';

CREATE AGGREGATE stages_at(stage lead_stage, at timestamptz, ts timestamptz[]) (
    SFUNC = stages_at_trans, STYPE = internal,
    FINALFUNC = stages_at_final,
    COMBINEFUNC = stages_at_combine,
    SERIALFUNC = stages_at_serialize, DESERIALFUNC = stages_at_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE stages_at(stage anyenum, at timestamptz, ts timestamptz[]) (
    SFUNC = stages_at_trans, STYPE = internal,
    FINALFUNC = enum_stages_at_final, FINALFUNC_EXTRA,
    COMBINEFUNC = stages_at_combine,
    SERIALFUNC = stages_at_serialize, DESERIALFUNC = stages_at_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE stages_at(lead_stage, timestamptz, timestamptz[]) IS
    'per lead (GROUP BY lead): the stage at each time of ts, the latest event at or before it (ties by ladder rank), NULL before the first';
COMMENT ON AGGREGATE stages_at(anyenum, timestamptz, timestamptz[]) IS
    'per lead (GROUP BY lead), custom enum ladder: the stage at each time of ts, the latest event at or before it (ties by sort order), NULL before the first';
