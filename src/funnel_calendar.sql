-- ---------------------------------------------------------------------------
-- funnel in working time (issue 14): the raw-event funnel aggregate with a
-- conversion window (NULL: none) and a work_calendar last, one per group;
-- the times between stages (time_to_convert, time_sample, funnel_steps)
-- are working time of that calendar, the conversion window stays
-- wall-clock (src/funnel_agg.c).  The funnel keeps the calendar, so the
-- combine function is the calendar-less one.
--
-- No funnel(lead, stage, at, cal): funnel(lead, stage, at, within) exists
-- since 0.1.0, and an untyped literal in fourth place ('30 days') would be
-- ambiguous between interval (timespan category) and work_calendar
-- (date/time category, which the window functions' as_of needs).
-- ---------------------------------------------------------------------------

CREATE FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_event_within_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_event_within_calendar_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval, work_calendar) IS
    'funnel() transition with a window and a calendar: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval, work_calendar) IS
    'funnel() transition with a window and a calendar: record one event';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval, work_calendar) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval, work_calendar) IS 'close open leads into counts';

CREATE AGGREGATE funnel(lead "any", stage lead_stage, at timestamptz, within interval, cal work_calendar) (
    SFUNC = funnel_event_within_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead "any", stage anyenum, at timestamptz, within interval, cal work_calendar) (
    SFUNC = funnel_event_within_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
COMMENT ON AGGREGATE funnel("any", lead_stage, timestamptz, interval, work_calendar) IS
    'funnel over raw stage events with a wall-clock conversion window (NULL: none), times between stages in the calendar''s working time (one calendar per group)';
COMMENT ON AGGREGATE funnel("any", anyenum, timestamptz, interval, work_calendar) IS
    'funnel over raw stage events of a custom enum ladder with a wall-clock conversion window (NULL: none), times between stages in working time (one calendar per group)';

CREATE FUNCTION funnel_calendar(f funnel) RETURNS work_calendar
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION funnel_calendar(funnel) IS
    'the calendar a funnel''s times between stages are working time of; NULL for wall-clock time';
