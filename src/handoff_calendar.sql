-- ---------------------------------------------------------------------------
-- handoff_summary and stage_stays in working time (issue 14): the same
-- aggregates with a work_calendar as the last argument, one per group; the
-- gaps, the SLA and the stays are working time of that calendar
-- (src/handoff_summary.c).  The state keeps the calendar, so the combine,
-- serialize, deserialize and final functions are the calendar-less ones.
-- handoff_summary in working time always takes to_owner (NULL: every
-- owner): a five-argument form (lead, at, owner, sla, cal) would make an
-- untyped to_owner literal of 0.1.0's form ambiguous for owners that are
-- not text ('2' for an integer owner could be either).
-- ---------------------------------------------------------------------------

CREATE FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval, anyelement, work_calendar) RETURNS internal
    AS 'MODULE_PATHNAME', 'handoff_summary_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stage_stays_trans(internal, "any", timestamptz, lead_stage, work_calendar) RETURNS internal
    AS 'MODULE_PATHNAME', 'stage_stays_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stage_stays_trans(internal, "any", timestamptz, anyenum, work_calendar) RETURNS internal
    AS 'MODULE_PATHNAME', 'stage_stays_calendar_trans' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_summary_trans(internal, "any", timestamptz, anyelement, interval, anyelement, work_calendar) IS
    'handoff_summary() transition with a calendar: keep one row';
COMMENT ON FUNCTION stage_stays_trans(internal, "any", timestamptz, lead_stage, work_calendar) IS
    'stage_stays() transition with a calendar: keep one row';
COMMENT ON FUNCTION stage_stays_trans(internal, "any", timestamptz, anyenum, work_calendar) IS
    'stage_stays() transition with a calendar, enum ladder: keep one row';

CREATE AGGREGATE handoff_summary(lead "any", at timestamptz, owner anyelement, sla interval, to_owner anyelement,
                                 cal work_calendar) (
    SFUNC = handoff_summary_trans, STYPE = internal,
    FINALFUNC = handoff_summary_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE stage_stays(lead "any", at timestamptz, stage lead_stage, cal work_calendar) (
    SFUNC = stage_stays_trans, STYPE = internal,
    FINALFUNC = stage_stays_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE stage_stays(lead "any", at timestamptz, stage anyenum, cal work_calendar) (
    SFUNC = stage_stays_trans, STYPE = internal,
    FINALFUNC = enum_stage_stays_final,
    COMBINEFUNC = handoff_summary_combine,
    SERIALFUNC = handoff_summary_serialize, DESERIALFUNC = handoff_summary_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE handoff_summary("any", timestamptz, anyelement, interval, anyelement, work_calendar) IS
    'handoff_summary in working time: gaps, their quantiles and the SLA measured in the calendar''s working hours (one calendar per group); handoffs to to_owner only, or to every owner when it is NULL';
COMMENT ON AGGREGATE stage_stays("any", timestamptz, lead_stage, work_calendar) IS
    'stage_stays in working time: stays and their quantiles measured in the calendar''s working hours (one calendar per group)';
COMMENT ON AGGREGATE stage_stays("any", timestamptz, anyenum, work_calendar) IS
    'stage_stays of a custom enum ladder in working time (one calendar per group)';

-- over a handoff_state, for the concrete aggregates align_concrete_aggregates declares (Citus)
CREATE FUNCTION handoff_state_trans(handoff_state, "any", timestamptz, anyelement, interval, anyelement, work_calendar) RETURNS handoff_state
    AS 'MODULE_PATHNAME', 'handoff_state_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stays_state_trans(handoff_state, "any", timestamptz, lead_stage, work_calendar) RETURNS handoff_state
    AS 'MODULE_PATHNAME', 'stays_state_calendar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION stays_state_trans(handoff_state, "any", timestamptz, anyenum, work_calendar) RETURNS handoff_state
    AS 'MODULE_PATHNAME', 'stays_state_calendar_trans' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION handoff_state_trans(handoff_state, "any", timestamptz, anyelement, interval, anyelement, work_calendar) IS
    'handoff_summary() transition with a calendar over a handoff_state: keep one row';
COMMENT ON FUNCTION stays_state_trans(handoff_state, "any", timestamptz, lead_stage, work_calendar) IS
    'stage_stays() transition with a calendar over a handoff_state: keep one row';
COMMENT ON FUNCTION stays_state_trans(handoff_state, "any", timestamptz, anyenum, work_calendar) IS
    'stage_stays() transition with a calendar over a handoff_state, enum ladder: keep one row';
