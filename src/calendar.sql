-- ---------------------------------------------------------------------------
-- work_calendar: weekly working hours, a time zone and closed days, and the
-- working-time arithmetic (src/calendar.c)
-- ---------------------------------------------------------------------------

CREATE TYPE work_calendar;

CREATE FUNCTION work_calendar_in(cstring) RETURNS work_calendar
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION work_calendar_out(work_calendar) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION work_calendar_recv(internal) RETURNS work_calendar
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION work_calendar_send(work_calendar) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE work_calendar (
    INPUT = work_calendar_in,
    OUTPUT = work_calendar_out,
    RECEIVE = work_calendar_recv,
    SEND = work_calendar_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended,
    -- In the date/time category, not preferred: where an overload takes a
    -- calendar at the place another takes a timestamptz (sla_breached(at,
    -- owner, sla, as_of) and (at, owner, sla, cal)), an untyped literal
    -- there still means the timestamptz, as before calendars existed,
    -- instead of making the call ambiguous (42725).  No cast joins the
    -- category's types to work_calendar: a calendar is passed typed.
    CATEGORY = 'D'
);
COMMENT ON FUNCTION work_calendar_in(cstring) IS
    'work_calendar text input: weekly hours, tz and closed days, stored canonical';
COMMENT ON FUNCTION work_calendar_out(work_calendar) IS 'work_calendar text output: the canonical text';
COMMENT ON FUNCTION work_calendar_recv(internal) IS 'work_calendar binary input (validated, canonical only)';
COMMENT ON FUNCTION work_calendar_send(work_calendar) IS
    'work_calendar binary output: version, zone, weekly ranges, closed ranges';
COMMENT ON TYPE work_calendar IS
    'Business hours: weekly working hours, an IANA time zone and closed days, e.g. ''mon-fri 09:00-17:30; tz Europe/Berlin; closed 2026-12-25''';

CREATE FUNCTION work_calendar_eq(work_calendar, work_calendar) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION work_calendar_ne(work_calendar, work_calendar) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION work_calendar_hash(work_calendar) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION work_calendar_hash_extended(work_calendar, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION work_calendar_eq(work_calendar, work_calendar) IS
    'implementation of = for work_calendar: the same hours, zone and closed days';
COMMENT ON FUNCTION work_calendar_ne(work_calendar, work_calendar) IS 'implementation of <> for work_calendar';
COMMENT ON FUNCTION work_calendar_hash(work_calendar) IS 'hash support: 32-bit hash of a calendar';
COMMENT ON FUNCTION work_calendar_hash_extended(work_calendar, bigint) IS
    'hash support: seeded 64-bit hash of a calendar';

CREATE OPERATOR = (
    LEFTARG = work_calendar, RIGHTARG = work_calendar, FUNCTION = work_calendar_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
CREATE OPERATOR <> (
    LEFTARG = work_calendar, RIGHTARG = work_calendar, FUNCTION = work_calendar_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR CLASS work_calendar_hash_ops DEFAULT FOR TYPE work_calendar USING hash AS
    OPERATOR 1 = (work_calendar, work_calendar),
    FUNCTION 1 work_calendar_hash(work_calendar),
    FUNCTION 2 work_calendar_hash_extended(work_calendar, bigint);

CREATE FUNCTION working_time(cal work_calendar, from_at timestamptz, to_at timestamptz)
RETURNS interval
    AS 'MODULE_PATHNAME', 'calendar_working_time' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION working_time(work_calendar, timestamptz, timestamptz) IS
    'the working time of cal between from_at and to_at (NULL if to_at is earlier)';

CREATE FUNCTION working_seconds(cal work_calendar, from_at timestamptz, to_at timestamptz)
RETURNS float8
    AS 'MODULE_PATHNAME', 'calendar_working_seconds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION working_seconds(work_calendar, timestamptz, timestamptz) IS
    'the working time of cal between from_at and to_at, in seconds (NULL if to_at is earlier)';

CREATE FUNCTION working_deadline(cal work_calendar, at timestamptz, work interval)
RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'calendar_working_deadline' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION working_deadline(work_calendar, timestamptz, interval) IS
    'the earliest time by which work of cal''s working time has passed since at (an SLA deadline)';

CREATE FUNCTION is_working_time(cal work_calendar, at timestamptz)
RETURNS boolean
    AS 'MODULE_PATHNAME', 'calendar_is_working_time' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION is_working_time(work_calendar, timestamptz) IS
    'whether at is inside cal''s working hours and not closed';

CREATE FUNCTION next_opening(cal work_calendar, at timestamptz)
RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'calendar_next_opening' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION next_opening(work_calendar, timestamptz) IS
    'at if it is cal''s working time, else the start of the next working time (closed days skipped)';
