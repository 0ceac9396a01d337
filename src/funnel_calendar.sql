-- ---------------------------------------------------------------------------
-- funnel in working time (issue 14): the raw-event funnel aggregates with a
-- work_calendar as the last argument, one per group; the times between
-- stages (time_to_convert, time_sample, funnel_steps) are working time of
-- that calendar, the conversion window stays wall-clock (src/funnel_agg.c).
-- The funnel keeps the calendar, so the combine and final functions are the
-- calendar-less ones.
-- ---------------------------------------------------------------------------

CREATE FUNCTION funnel_event_trans(funnel, "any", lead_stage, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_event_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_trans(funnel, "any", anyenum, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_event_calendar_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_event_within_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME', 'funnel_event_within_calendar_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval, work_calendar) RETURNS funnel
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_event_trans(funnel, "any", lead_stage, timestamptz, work_calendar) IS
    'funnel() transition with a calendar: record one event';
COMMENT ON FUNCTION funnel_event_trans(funnel, "any", anyenum, timestamptz, work_calendar) IS
    'funnel() transition with a calendar: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, "any", lead_stage, timestamptz, interval, work_calendar) IS
    'funnel() transition with a calendar: record one event';
COMMENT ON FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval, work_calendar) IS
    'funnel() transition with a calendar: record one event';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, work_calendar) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, work_calendar) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", lead_stage, timestamptz, interval, work_calendar) IS 'close open leads into counts';
COMMENT ON FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval, work_calendar) IS 'close open leads into counts';

CREATE AGGREGATE funnel(lead "any", stage lead_stage, at timestamptz, cal work_calendar) (
    SFUNC = funnel_event_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
CREATE AGGREGATE funnel(lead "any", stage anyenum, at timestamptz, cal work_calendar) (
    SFUNC = funnel_event_trans, STYPE = funnel,
    FINALFUNC = funnel_final, FINALFUNC_EXTRA,
    COMBINEFUNC = funnel_combine, PARALLEL = SAFE
);
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
COMMENT ON AGGREGATE funnel("any", lead_stage, timestamptz, work_calendar) IS
    'funnel over raw stage events, times between stages in the calendar''s working time (one calendar per group)';
COMMENT ON AGGREGATE funnel("any", anyenum, timestamptz, work_calendar) IS
    'funnel over raw stage events of a custom enum ladder, times between stages in working time (one calendar per group)';
COMMENT ON AGGREGATE funnel("any", lead_stage, timestamptz, interval, work_calendar) IS
    'funnel over raw stage events with a (wall-clock) conversion window, times between stages in working time';
COMMENT ON AGGREGATE funnel("any", anyenum, timestamptz, interval, work_calendar) IS
    'funnel over raw stage events of a custom enum ladder with a (wall-clock) conversion window, times in working time';

CREATE FUNCTION funnel_calendar(f funnel) RETURNS work_calendar
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION funnel_calendar(funnel) IS
    'the calendar a funnel''s times between stages are working time of; NULL for wall-clock time';
