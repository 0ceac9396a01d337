-- ---------------------------------------------------------------------------
-- Multi-touch attribution (src/attribution.c, issue 16): the conversions to
-- a stage credited to the touches before them, per channel; rollup and
-- attribution_rows.
-- ---------------------------------------------------------------------------

CREATE TYPE attribution;

CREATE FUNCTION attribution_in(cstring) RETURNS attribution
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_out(attribution) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_recv(internal) RETURNS attribution
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_send(attribution) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE attribution (
    INPUT = attribution_in,
    OUTPUT = attribution_out,
    RECEIVE = attribution_recv,
    SEND = attribution_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON FUNCTION attribution_in(cstring) IS 'attribution text input: the JSON attribution_out prints';
COMMENT ON FUNCTION attribution_out(attribution) IS 'attribution text output: canonical JSON';
COMMENT ON FUNCTION attribution_recv(internal) IS 'attribution binary input (versioned, validated)';
COMMENT ON FUNCTION attribution_send(attribution) IS 'attribution binary output (versioned)';
COMMENT ON TYPE attribution IS
    'multi-touch attribution: the model and its arguments, the conversions, and per channel its credit (exact units of 10^-12 conversion) and leads touched';

CREATE FUNCTION attribution_final(internal) RETURNS attribution
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION attribution_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE
    SUPPORT align_partial_merge_support;
CREATE FUNCTION attribution_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION attribution_final(internal) IS 'attribution() final: walk each lead in time order, credit its conversion (channels printed by their type''s output: STABLE)';
COMMENT ON FUNCTION attribution_combine(internal, internal) IS 'attribution() combine: concatenate rows';
COMMENT ON FUNCTION attribution_serialize(internal) IS 'attribution() partial state to bytea';
COMMENT ON FUNCTION attribution_deserialize(bytea, internal) IS 'attribution() partial state from bytea';

CREATE FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage) IS
    'attribution() transition: keep one touch or stage row';
CREATE AGGREGATE attribution(lead "any", at timestamptz, channel anyelement, stage lead_stage,
                             to_stage lead_stage) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final,
    COMBINEFUNC = attribution_combine,
    SERIALFUNC = attribution_serialize, DESERIALFUNC = attribution_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE attribution("any", timestamptz, anyelement, lead_stage, lead_stage) IS
    'multi-touch attribution of the conversions to to_stage (or higher) over touches (stage NULL) and stage rows, in any order; models first_touch, last_touch, linear (default), u_shaped, w_shaped, full_path, time_decay';

CREATE FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text) IS
    'attribution() transition: keep one touch or stage row';
CREATE AGGREGATE attribution(lead "any", at timestamptz, channel anyelement, stage lead_stage,
                             to_stage lead_stage, model text) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final,
    COMBINEFUNC = attribution_combine,
    SERIALFUNC = attribution_serialize, DESERIALFUNC = attribution_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE attribution("any", timestamptz, anyelement, lead_stage, lead_stage, text) IS
    'multi-touch attribution of the conversions to to_stage (or higher) over touches (stage NULL) and stage rows, in any order; models first_touch, last_touch, linear (default), u_shaped, w_shaped, full_path, time_decay';

CREATE FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text, interval) IS
    'attribution() transition: keep one touch or stage row';
CREATE AGGREGATE attribution(lead "any", at timestamptz, channel anyelement, stage lead_stage,
                             to_stage lead_stage, model text, lookback interval) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final,
    COMBINEFUNC = attribution_combine,
    SERIALFUNC = attribution_serialize, DESERIALFUNC = attribution_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE attribution("any", timestamptz, anyelement, lead_stage, lead_stage, text, interval) IS
    'multi-touch attribution of the conversions to to_stage (or higher) over touches (stage NULL) and stage rows, in any order; models first_touch, last_touch, linear (default), u_shaped, w_shaped, full_path, time_decay';

CREATE FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text, interval, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text, interval, interval) IS
    'attribution() transition: keep one touch or stage row';
CREATE AGGREGATE attribution(lead "any", at timestamptz, channel anyelement, stage lead_stage,
                             to_stage lead_stage, model text, lookback interval, half_life interval) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final,
    COMBINEFUNC = attribution_combine,
    SERIALFUNC = attribution_serialize, DESERIALFUNC = attribution_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE attribution("any", timestamptz, anyelement, lead_stage, lead_stage, text, interval, interval) IS
    'multi-touch attribution of the conversions to to_stage (or higher) over touches (stage NULL) and stage rows, in any order; models first_touch, last_touch, linear (default), u_shaped, w_shaped, full_path, time_decay';

CREATE FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text, interval, interval, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution_trans(internal, "any", timestamptz, anyelement, lead_stage, lead_stage, text, interval, interval, float8[]) IS
    'attribution() transition: keep one touch or stage row';
CREATE AGGREGATE attribution(lead "any", at timestamptz, channel anyelement, stage lead_stage,
                             to_stage lead_stage, model text, lookback interval, half_life interval, weights float8[]) (
    SFUNC = attribution_trans, STYPE = internal,
    FINALFUNC = attribution_final,
    COMBINEFUNC = attribution_combine,
    SERIALFUNC = attribution_serialize, DESERIALFUNC = attribution_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE attribution("any", timestamptz, anyelement, lead_stage, lead_stage, text, interval, interval, float8[]) IS
    'multi-touch attribution of the conversions to to_stage (or higher) over touches (stage NULL) and stage rows, in any order; models first_touch, last_touch, linear (default), u_shaped, w_shaped, full_path, time_decay';

CREATE FUNCTION attribution_add(attribution, attribution) RETURNS attribution
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION attribution_add(attribution, attribution) IS
    'add the credit of two attributions of disjoint lead sets (same model and arguments; rollup transition and combine)';
CREATE AGGREGATE rollup(attribution) (
    SFUNC = attribution_add, STYPE = attribution,
    COMBINEFUNC = attribution_add,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(attribution) IS 'add attributions of disjoint lead sets with the same model and arguments, exactly';

CREATE FUNCTION attribution_rows(a attribution)
    RETURNS TABLE(channel text, credited numeric, share numeric, leads_touched bigint)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION attribution_rows(attribution) IS
    'an attribution as rows: per channel (by text, then the NULL channel as NULL, then ''(none)''), the credited conversions (exact), their share of the conversions and the leads touched';
