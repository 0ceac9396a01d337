
-- ---------------------------------------------------------------------------
-- The decayed engagement score (src/engagement.c): an aggregate as of a
-- time, and a window function as of each row
-- ---------------------------------------------------------------------------

CREATE FUNCTION engagement_score_trans(state float8[], kind text, at timestamptz, as_of timestamptz,
                                       weights jsonb) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'engagement_score_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score_trans(float8[], text, timestamptz, timestamptz, jsonb) IS
    'transition function of engagement_score(kind, at, as_of, weights)';

CREATE FUNCTION engagement_score_trans(state float8[], kind text, at timestamptz, as_of timestamptz,
                                       weights jsonb, half_life interval) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'engagement_score_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score_trans(float8[], text, timestamptz, timestamptz, jsonb, interval) IS
    'transition function of engagement_score(kind, at, as_of, weights, half_life)';

CREATE FUNCTION engagement_score_trans(state float8[], kind text, at timestamptz, as_of timestamptz,
                                       weights jsonb, half_life interval, default_weight float8) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'engagement_score_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score_trans(float8[], text, timestamptz, timestamptz, jsonb, interval, float8) IS
    'transition function of engagement_score(kind, at, as_of, weights, half_life, default_weight)';

CREATE FUNCTION engagement_score_trans(state float8[], kind text, at timestamptz, as_of timestamptz,
                                       weights jsonb, half_life interval, default_weight float8,
                                       cal work_calendar) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'engagement_score_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score_trans(float8[], text, timestamptz, timestamptz, jsonb, interval, float8, work_calendar) IS
    'transition function of engagement_score(kind, at, as_of, weights, half_life, default_weight, cal)';

CREATE FUNCTION engagement_score_combine(a float8[], b float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'engagement_score_combine'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score_combine(float8[], float8[]) IS
    'combine function of engagement_score: adds two partial sums of one group (the same as_of)';

CREATE FUNCTION engagement_score_final(state float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'engagement_score_final'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score_final(float8[]) IS
    'final function of engagement_score: the score; NULL without rows or with NULL parameters';

CREATE AGGREGATE engagement_score(kind text, at timestamptz, as_of timestamptz, weights jsonb) (
    SFUNC = engagement_score_trans, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0}',
    FINALFUNC = engagement_score_final, COMBINEFUNC = engagement_score_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE engagement_score(text, timestamptz, timestamptz, jsonb) IS
    'decayed engagement score as of as_of: sum of weights->>kind * 2^(-(as_of - at) / 7 days) over the touches at or before as_of; unnamed kinds weigh 0';

CREATE AGGREGATE engagement_score(kind text, at timestamptz, as_of timestamptz, weights jsonb,
                                  half_life interval) (
    SFUNC = engagement_score_trans, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0}',
    FINALFUNC = engagement_score_final, COMBINEFUNC = engagement_score_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE engagement_score(text, timestamptz, timestamptz, jsonb, interval) IS
    'decayed engagement score as of as_of: sum of weights->>kind * 2^(-(as_of - at) / half_life) over the touches at or before as_of; unnamed kinds weigh 0';

CREATE AGGREGATE engagement_score(kind text, at timestamptz, as_of timestamptz, weights jsonb,
                                  half_life interval, default_weight float8) (
    SFUNC = engagement_score_trans, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0}',
    FINALFUNC = engagement_score_final, COMBINEFUNC = engagement_score_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE engagement_score(text, timestamptz, timestamptz, jsonb, interval, float8) IS
    'decayed engagement score as of as_of: sum of weight(kind) * 2^(-(as_of - at) / half_life) over the touches at or before as_of; unnamed and NULL kinds weigh default_weight';

CREATE AGGREGATE engagement_score(kind text, at timestamptz, as_of timestamptz, weights jsonb,
                                  half_life interval, default_weight float8, cal work_calendar) (
    SFUNC = engagement_score_trans, STYPE = float8[], INITCOND = '{0,0,0,0,0,0,0,0}',
    FINALFUNC = engagement_score_final, COMBINEFUNC = engagement_score_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE engagement_score(text, timestamptz, timestamptz, jsonb, interval, float8, work_calendar) IS
    'decayed engagement score as of as_of, ages and half_life in cal''s working time (NULL cal: wall clock)';

CREATE FUNCTION engagement_score(kind text, at timestamptz, weights jsonb,
                                 half_life interval DEFAULT '7 days', default_weight float8 DEFAULT 0,
                                 cal work_calendar DEFAULT NULL)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'engagement_score_window'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION engagement_score(text, timestamptz, jsonb, interval, float8, work_calendar) IS
    'window function: the decayed engagement score as of this row''s at, over the partition''s rows at or before it (the frame is ignored); with cal, ages in its working time';
