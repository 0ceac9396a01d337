-- ---------------------------------------------------------------------------
-- conversion for maturing cohorts (issue 15): funnel_as_of, a funnel over
-- the rows up to a time that keeps, per stage pair, the times to convert
-- and the ages of the leads that had not converted by then; and
-- conversion_curve, the Kaplan-Meier conversion it gives
-- (src/funnel_agg.c, src/funnel.c, src/conversion_curve.c).
--
-- A name of its own, not funnel(lead, stage, at, as_of): funnel(lead,
-- stage, at, within) exists since 0.1.0, and an untyped literal in fourth
-- place ('30 days') must keep meaning the window.  With a work_calendar
-- last, the times to convert and the ages are working time of it (one
-- calendar per group), as funnel's (src/funnel_calendar.sql).
-- ---------------------------------------------------------------------------

CREATE FUNCTION funnel_as_of_trans(funnel, "any", lead_stage, timestamptz, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_as_of_trans(funnel, "any", anyenum, timestamptz, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_as_of_trans(funnel, "any", lead_stage, timestamptz, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_as_of_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_as_of_trans(funnel, "any", anyenum, timestamptz, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_as_of_calendar_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, timestamptz) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_as_of_trans(funnel, "any", lead_stage, timestamptz, timestamptz) IS
    'funnel_as_of() transition: record one event at or before as_of';
COMMENT ON FUNCTION funnel_as_of_trans(funnel, "any", anyenum, timestamptz, timestamptz) IS
    'funnel_as_of() transition: record one event at or before as_of';
COMMENT ON FUNCTION funnel_as_of_trans(funnel, "any", lead_stage, timestamptz, timestamptz, work_calendar) IS
    'funnel_as_of() transition with a calendar: record one event at or before as_of';
COMMENT ON FUNCTION funnel_as_of_trans(funnel, "any", anyenum, timestamptz, timestamptz, work_calendar) IS
    'funnel_as_of() transition with a calendar: record one event at or before as_of';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, timestamptz, work_calendar) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, timestamptz, work_calendar) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, timestamptz) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, timestamptz) IS 'close open leads into counts';

CREATE AGGREGATE funnel_as_of(lead "any", stage lead_stage, at timestamptz, as_of timestamptz) (
    SFUNC = funnel_as_of_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel_as_of(lead "any", stage anyenum, at timestamptz, as_of timestamptz) (
    SFUNC = funnel_as_of_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel_as_of(lead "any", stage lead_stage, at timestamptz, as_of timestamptz, cal work_calendar) (
    SFUNC = funnel_as_of_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel_as_of(lead "any", stage anyenum, at timestamptz, as_of timestamptz, cal work_calendar) (
    SFUNC = funnel_as_of_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE funnel_as_of("any", lead_stage, timestamptz, timestamptz, work_calendar) IS
    'funnel over the raw stage events up to as_of, times to convert and ages in the calendar''s working time (one calendar per group)';
COMMENT ON AGGREGATE funnel_as_of("any", anyenum, timestamptz, timestamptz, work_calendar) IS
    'funnel over the raw stage events of a custom enum ladder up to as_of, times to convert and ages in working time (one calendar per group)';
COMMENT ON AGGREGATE funnel_as_of("any", lead_stage, timestamptz, timestamptz) IS
    'funnel over the raw stage events up to as_of (one as_of per group), keeping what conversion_curve needs';
COMMENT ON AGGREGATE funnel_as_of("any", anyenum, timestamptz, timestamptz) IS
    'funnel over the raw stage events of a custom enum ladder up to as_of, keeping what conversion_curve needs';

-- The stages as lead_stage, as an enum's values (STABLE: it reads the
-- enum's labels) or as text, as conversion() takes them.
CREATE FUNCTION conversion_curve(f funnel, from_stage lead_stage, to_stage lead_stage, days float8[])
RETURNS TABLE (days float8, cohort bigint, at_risk bigint, converted bigint, censored bigint,
               conversion float8, conversion_low float8, conversion_high float8,
               naive float8, left_out bigint)
    AS 'MODULE_PATHNAME', 'funnel_conversion_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION conversion_curve(f funnel, from_stage anyenum, to_stage anyenum, days float8[])
RETURNS TABLE (days float8, cohort bigint, at_risk bigint, converted bigint, censored bigint,
               conversion float8, conversion_low float8, conversion_high float8,
               naive float8, left_out bigint)
    AS 'MODULE_PATHNAME', 'funnel_conversion_curve' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION conversion_curve(f funnel, from_stage text, to_stage text, days float8[])
RETURNS TABLE (days float8, cohort bigint, at_risk bigint, converted bigint, censored bigint,
               conversion float8, conversion_low float8, conversion_high float8,
               naive float8, left_out bigint)
    AS 'MODULE_PATHNAME', 'funnel_conversion_curve' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION conversion_curve(funnel, lead_stage, lead_stage, float8[]) IS
    'Kaplan-Meier conversion from one stage to a later one (or beyond) within each number of days, with its 95 % log-log interval, the leads at risk and the naive rate, from a funnel_as_of';
COMMENT ON FUNCTION conversion_curve(funnel, anyenum, anyenum, float8[]) IS
    'Kaplan-Meier conversion between two stages of a custom enum ladder within each number of days, with its 95 % log-log interval, from a funnel_as_of';
COMMENT ON FUNCTION conversion_curve(funnel, text, text, float8[]) IS
    'Kaplan-Meier conversion within each number of days, stages given as text, with its 95 % log-log interval, the leads at risk and the naive rate, from a funnel_as_of';
