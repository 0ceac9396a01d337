-- align 0.1.0: the install script of the first release, kept unchanged so that
-- test/upgrade.sh can install it and ALTER EXTENSION align UPDATE from it.

\echo Use "CREATE EXTENSION align" to load this file. \quit
-- ---------------------------------------------------------------------------
-- lead_stage: the stage ladder as a one-byte, pass-by-value type (src/stage.c)
-- ---------------------------------------------------------------------------

CREATE TYPE lead_stage;

CREATE FUNCTION lead_stage_in(cstring) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_stage_out(lead_stage) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_stage_recv(internal) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_stage_send(lead_stage) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE lead_stage (
    INPUT = lead_stage_in,
    OUTPUT = lead_stage_out,
    RECEIVE = lead_stage_recv,
    SEND = lead_stage_send,
    INTERNALLENGTH = 1,
    PASSEDBYVALUE,
    ALIGNMENT = char,
    STORAGE = plain
);
COMMENT ON FUNCTION lead_stage_in(cstring) IS 'lead_stage text input: CRM label or alias';
COMMENT ON FUNCTION lead_stage_out(lead_stage) IS 'lead_stage text output: canonical lower-case name';
COMMENT ON FUNCTION lead_stage_recv(internal) IS 'lead_stage binary input (validated)';
COMMENT ON FUNCTION lead_stage_send(lead_stage) IS 'lead_stage binary output: one byte';
COMMENT ON TYPE lead_stage IS
    'A stage of the demand waterfall (subscriber .. evangelist), or an outcome (recycled, disqualified, lost, other)';

CREATE FUNCTION lead_stage_eq(lead_stage, lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_ne(lead_stage, lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_lt(lead_stage, lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_le(lead_stage, lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_gt(lead_stage, lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_ge(lead_stage, lead_stage) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_cmp(lead_stage, lead_stage) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_hash(lead_stage) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_hash_extended(lead_stage, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION lead_stage_smaller(lead_stage, lead_stage) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lead_stage_larger(lead_stage, lead_stage) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_stage_eq(lead_stage, lead_stage) IS 'implementation of = for lead_stage';
COMMENT ON FUNCTION lead_stage_ne(lead_stage, lead_stage) IS 'implementation of <> for lead_stage';
COMMENT ON FUNCTION lead_stage_lt(lead_stage, lead_stage) IS 'implementation of < for lead_stage';
COMMENT ON FUNCTION lead_stage_le(lead_stage, lead_stage) IS 'implementation of <= for lead_stage';
COMMENT ON FUNCTION lead_stage_gt(lead_stage, lead_stage) IS 'implementation of > for lead_stage';
COMMENT ON FUNCTION lead_stage_ge(lead_stage, lead_stage) IS 'implementation of >= for lead_stage';
COMMENT ON FUNCTION lead_stage_cmp(lead_stage, lead_stage) IS 'btree support: compare two stages in ladder order';
COMMENT ON FUNCTION lead_stage_hash(lead_stage) IS 'hash support: 32-bit hash of a stage';
COMMENT ON FUNCTION lead_stage_hash_extended(lead_stage, bigint) IS 'hash support: seeded 64-bit hash of a stage';
COMMENT ON FUNCTION lead_stage_smaller(lead_stage, lead_stage) IS 'the lower of two stages (min support)';
COMMENT ON FUNCTION lead_stage_larger(lead_stage, lead_stage) IS 'the higher of two stages (max support)';

CREATE OPERATOR = (
    LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = lead_stage_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
    HASHES, MERGES
);
CREATE OPERATOR <> (
    LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = lead_stage_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
    LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = lead_stage_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
    LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = lead_stage_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
    LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = lead_stage_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
    LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = lead_stage_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR = (lead_stage, lead_stage) IS 'same stage';
COMMENT ON OPERATOR <> (lead_stage, lead_stage) IS 'different stages';
COMMENT ON OPERATOR < (lead_stage, lead_stage) IS 'earlier in ladder order';
COMMENT ON OPERATOR <= (lead_stage, lead_stage) IS 'earlier in ladder order or the same';
COMMENT ON OPERATOR > (lead_stage, lead_stage) IS 'later in ladder order';
COMMENT ON OPERATOR >= (lead_stage, lead_stage) IS 'later in ladder order or the same';

CREATE OPERATOR CLASS lead_stage_ops
    DEFAULT FOR TYPE lead_stage USING btree AS
        OPERATOR 1 <,
        OPERATOR 2 <=,
        OPERATOR 3 =,
        OPERATOR 4 >=,
        OPERATOR 5 >,
        FUNCTION 1 lead_stage_cmp(lead_stage, lead_stage);

CREATE OPERATOR CLASS lead_stage_hash_ops
    DEFAULT FOR TYPE lead_stage USING hash AS
        OPERATOR 1 =,
        FUNCTION 1 lead_stage_hash(lead_stage),
        FUNCTION 2 lead_stage_hash_extended(lead_stage, bigint);

CREATE AGGREGATE min(lead_stage) (
    SFUNC = lead_stage_smaller,
    STYPE = lead_stage,
    COMBINEFUNC = lead_stage_smaller,
    SORTOP = <,
    PARALLEL = SAFE
);
CREATE AGGREGATE max(lead_stage) (
    SFUNC = lead_stage_larger,
    STYPE = lead_stage,
    COMBINEFUNC = lead_stage_larger,
    SORTOP = >,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE min(lead_stage) IS 'lowest stage in ladder order';
COMMENT ON AGGREGATE max(lead_stage) IS 'highest stage in ladder order (outcomes sort after the ladder)';

CREATE CAST (text AS lead_stage) WITH INOUT AS ASSIGNMENT;
CREATE CAST (lead_stage AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS lead_stage) IS 'parse a CRM stage label or alias';
COMMENT ON CAST (lead_stage AS text) IS 'canonical lower-case stage name';

CREATE FUNCTION stage_rank(lead_stage) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION stage_rank(lead_stage) IS
    'ladder rank 1 (subscriber) .. 8 (evangelist); NULL for recycled, disqualified, lost, other';

CREATE FUNCTION stage_team(lead_stage) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION stage_team(lead_stage) IS
    'team that owns a stage: marketing, sales or success; NULL for other';

CREATE FUNCTION lead_stages(
    OUT stage lead_stage, OUT rank integer, OUT team text, OUT aliases text[])
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION lead_stages() IS
    'every stage with its rank, team and accepted aliases, in sort order';
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
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_stage_trans(funnel, lead_stage) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_stage_trans(funnel, anyenum) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_combine(funnel, funnel) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, lead_stage) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, anyenum) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

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

-- accessors: stages as lead_stage, as the funnel's enum, or as text ('mql')

CREATE FUNCTION reached(f funnel, stage lead_stage) RETURNS bigint
    AS 'MODULE_PATHNAME', 'funnel_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION reached(f funnel, stage anyenum) RETURNS bigint
    AS 'MODULE_PATHNAME', 'funnel_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION reached(f funnel, stage text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'funnel_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION reached(funnel, lead_stage) IS 'leads that reached a ladder stage (or had an outcome)';
COMMENT ON FUNCTION reached(funnel, anyenum) IS 'leads that reached a stage of a custom enum ladder';
COMMENT ON FUNCTION reached(funnel, text) IS 'leads that reached a ladder stage (or had an outcome), stage given as text';

CREATE FUNCTION conversion(f funnel, from_stage lead_stage, to_stage lead_stage) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_conversion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion(f funnel, from_stage anyenum, to_stage anyenum) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_conversion' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
    AS 'MODULE_PATHNAME', 'funnel_conversion_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_to_convert(f funnel, from_stage text, to_stage text,
                                fraction float8) RETURNS interval
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION time_to_convert(funnel, lead_stage, lead_stage, float8) IS 'quantile of the time from entering one stage to entering a later one (within 1 %)';
COMMENT ON FUNCTION time_to_convert(funnel, anyenum, anyenum, float8) IS 'quantile of the time between two stages of a custom enum ladder (within 1 %)';
COMMENT ON FUNCTION time_to_convert(funnel, text, text, float8) IS 'quantile of the time between two stages given as text (within 1 %)';

CREATE FUNCTION funnel_steps(f funnel,
    OUT stage lead_stage, OUT rank integer, OUT team text, OUT leads bigint,
    OUT rate_from_previous float8, OUT rate_from_top float8,
    OUT median_time_from_previous interval, OUT p90_time_from_previous interval,
    OUT recycled bigint, OUT disqualified bigint, OUT lost bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
CREATE FUNCTION funnel_steps(f funnel, vocabulary anyenum,
    OUT stage anyenum, OUT rank integer, OUT team text, OUT leads bigint,
    OUT rate_from_previous float8, OUT rate_from_top float8,
    OUT median_time_from_previous interval, OUT p90_time_from_previous interval,
    OUT recycled bigint, OUT disqualified bigint, OUT lost bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION funnel_steps(funnel) IS
    'one row per ladder stage: leads, rates from previous and top, median and p90 time from previous, exits by outcome';
COMMENT ON FUNCTION funnel_steps(funnel, anyenum) IS
    'funnel_steps of a custom enum ladder: funnel_steps(f, NULL::my_stage)';
-- ---------------------------------------------------------------------------
-- window_funnel: furthest stage reached in order inside a window (src/window_funnel.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, lead_stage, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, lead_stage, text) RETURNS lead_stage
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) RETURNS anyenum
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) RETURNS anyenum
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
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

-- ---------------------------------------------------------------------------
-- Handoff-gap window functions (src/window.c), used as
--   f(...) OVER (PARTITION BY lead ORDER BY at)
-- Like PostgreSQL's own lag() and row_number(), they are IMMUTABLE: the
-- result depends only on the rows of the window.  They are not STRICT:
-- NULL times and owners have their own meaning (see window.c).
-- ---------------------------------------------------------------------------

CREATE FUNCTION handoff_gap(at timestamptz, owner anyelement) RETURNS interval
    AS 'MODULE_PATHNAME', 'handoff_gap'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_gap(timestamptz, anyelement) IS
    'window function: on the first row of a new owner, at minus the previous owner''s last at; NULL on other rows. NULL owners are skipped; rows must be in time order';

CREATE FUNCTION time_in_stage(at timestamptz) RETURNS interval
    AS 'MODULE_PATHNAME', 'time_in_stage'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage(timestamptz) IS
    'window function: time until the next row of the partition; NULL on the last row; rows must be in time order';

CREATE FUNCTION time_in_stage(at timestamptz, as_of timestamptz) RETURNS interval
    AS 'MODULE_PATHNAME', 'time_in_stage'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage(timestamptz, timestamptz) IS
    'window function: time until the next row of the partition; on the last row, until as_of (NULL if as_of is before at); rows must be in time order';

CREATE FUNCTION sla_breached(at timestamptz, owner anyelement, sla interval) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sla_breached'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sla_breached(timestamptz, anyelement, interval) IS
    'window function: on a handoff row, whether handoff_gap exceeded sla; NULL on other rows';

CREATE FUNCTION sla_breached(at timestamptz, owner anyelement, sla interval, as_of timestamptz) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sla_breached'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sla_breached(timestamptz, anyelement, interval, timestamptz) IS
    'window function: like sla_breached(at, owner, sla), and the last row with an owner also judges the wait still open at as_of';

CREATE FUNCTION handoff_count(owner anyelement) RETURNS integer
    AS 'MODULE_PATHNAME', 'handoff_count'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_count(anyelement) IS
    'window function: ownership changes up to and including this row (0 on the first); NULL owners are skipped';
-- ---------------------------------------------------------------------------
-- handoff_summary: speed to lead without a sort (src/handoff_summary.c)
-- ---------------------------------------------------------------------------

CREATE TYPE handoff_stats AS (
    handoffs bigint,
    median_gap interval,
    p90_gap interval,
    sla_met float8
);
COMMENT ON TYPE handoff_stats IS
    'handoff_summary result: handoffs, median and p90 gap (percentile_disc), share within the SLA';

CREATE FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval, anyelement) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_summary_final(internal) RETURNS handoff_stats
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION handoff_summary_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
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
COMMENT ON AGGREGATE handoff_summary("any", timestamptz, anyelement, interval) IS
    'speed to lead without a sort: handoffs, median and p90 gap, share within the SLA, over any row order';
COMMENT ON AGGREGATE handoff_summary("any", timestamptz, anyelement, interval, anyelement) IS
    'handoff_summary counting only handoffs to one owner (e.g. into sales)';

-- stage_stays: time in stage without a sort

CREATE TYPE stage_stay_stats AS (
    stage lead_stage,
    stays bigint,
    median_stay interval,
    p90_stay interval
);
COMMENT ON TYPE stage_stay_stats IS
    'stage_stays element: completed stays in a stage, median and p90 (percentile_disc)';

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
COMMENT ON AGGREGATE stage_stays("any", timestamptz, lead_stage) IS
    'time in stage without a sort: per stage, completed stays with median and p90, over any row order';
