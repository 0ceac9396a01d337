-- ---------------------------------------------------------------------------
-- The handoff-gap window functions with a calendar (src/window.c): the same
-- rows and rules as without one, every duration measured as working time in
-- the work_calendar of the row the result is on (the handoff row for
-- handoff_gap and sla_breached, the row whose stay is measured for
-- time_in_stage); the sla is working time too.  A NULL calendar gives NULL
-- where a duration would be measured.
-- ---------------------------------------------------------------------------

CREATE FUNCTION handoff_gap(at timestamptz, owner anyelement, cal work_calendar) RETURNS interval
    AS 'MODULE_PATHNAME', 'handoff_gap_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_gap(timestamptz, anyelement, work_calendar) IS
    'window function: handoff_gap in working time: on the first row of a new owner, the working time of that row''s calendar since the previous owner''s last at; NULL on other rows and where cal is NULL';

CREATE FUNCTION handoff_gap_hours(at timestamptz, owner anyelement, cal work_calendar) RETURNS float8
    AS 'MODULE_PATHNAME', 'handoff_gap_hours_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_gap_hours(timestamptz, anyelement, work_calendar) IS
    'window function: handoff_gap(at, owner, cal) in working hours (float8); NULL where it is NULL';

CREATE FUNCTION time_in_stage(at timestamptz, cal work_calendar) RETURNS interval
    AS 'MODULE_PATHNAME', 'time_in_stage_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage(timestamptz, work_calendar) IS
    'window function: time_in_stage in working time: the working time of the row''s calendar until the next row; NULL on the last row and where cal is NULL';

CREATE FUNCTION time_in_stage(at timestamptz, as_of timestamptz, cal work_calendar) RETURNS interval
    AS 'MODULE_PATHNAME', 'time_in_stage_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage(timestamptz, timestamptz, work_calendar) IS
    'window function: time_in_stage(at, as_of) in working time of the row''s calendar; NULL where cal is NULL';

CREATE FUNCTION time_in_stage_hours(at timestamptz, cal work_calendar) RETURNS float8
    AS 'MODULE_PATHNAME', 'time_in_stage_hours_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage_hours(timestamptz, work_calendar) IS
    'window function: time_in_stage(at, cal) in working hours (float8)';

CREATE FUNCTION time_in_stage_hours(at timestamptz, as_of timestamptz, cal work_calendar) RETURNS float8
    AS 'MODULE_PATHNAME', 'time_in_stage_hours_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_stage_hours(timestamptz, timestamptz, work_calendar) IS
    'window function: time_in_stage(at, as_of, cal) in working hours (float8)';

CREATE FUNCTION sla_breached(at timestamptz, owner anyelement, sla interval, cal work_calendar) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sla_breached_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sla_breached(timestamptz, anyelement, interval, work_calendar) IS
    'window function: on a handoff row, whether handoff_gap(at, owner, cal) exceeded sla (working time); NULL on other rows and where cal is NULL';

CREATE FUNCTION sla_breached(at timestamptz, owner anyelement, sla interval, as_of timestamptz, cal work_calendar) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sla_breached_cal'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sla_breached(timestamptz, anyelement, interval, timestamptz, work_calendar) IS
    'window function: like sla_breached(at, owner, sla, cal), and the last row with an owner also judges the working time still open at as_of';
