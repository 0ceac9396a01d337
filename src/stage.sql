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
