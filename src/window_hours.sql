
-- ---------------------------------------------------------------------------
-- The durations of the window functions as float8 hours (src/window.c), for
-- BI tools that read an interval as text: the same rows, the same rules.
-- ---------------------------------------------------------------------------

CREATE FUNCTION handoff_gap_hours(at timestamptz, owner anyelement) RETURNS float8
    AS 'MODULE_PATHNAME', 'handoff_gap_hours'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_gap_hours(timestamptz, anyelement) IS
    'window function: handoff_gap in hours (float8, exact but for float8 rounding); NULL where handoff_gap is NULL';

CREATE FUNCTION time_in_stage_hours(at timestamptz) RETURNS float8
    AS 'MODULE_PATHNAME', 'time_in_stage_hours'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage_hours(timestamptz) IS
    'window function: time_in_stage in hours (float8, exact but for float8 rounding); NULL on the last row';

CREATE FUNCTION time_in_stage_hours(at timestamptz, as_of timestamptz) RETURNS float8
    AS 'MODULE_PATHNAME', 'time_in_stage_hours'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage_hours(timestamptz, timestamptz) IS
    'window function: time_in_stage(at, as_of) in hours (float8, exact but for float8 rounding)';
