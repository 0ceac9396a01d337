-- align 0.1.0 -> 0.2.0
\echo Use "ALTER EXTENSION align UPDATE TO '0.2.0'" to load this file. \quit

-- Funnels over an enum ladder now keep the enum's name and labels, and the
-- functions that read an enum's values (to name stages, to follow a ladder
-- that grew) look at the catalog: STABLE, not IMMUTABLE.
ALTER FUNCTION funnel_event_trans(funnel, "any", anyenum, timestamptz) STABLE;
ALTER FUNCTION funnel_event_within_trans(funnel, "any", anyenum, timestamptz, interval) STABLE;
ALTER FUNCTION funnel_stage_trans(funnel, anyenum) STABLE;
ALTER FUNCTION funnel_combine(funnel, funnel) STABLE;
ALTER FUNCTION funnel_final(funnel, "any", anyenum, timestamptz) STABLE;
ALTER FUNCTION funnel_final(funnel, "any", anyenum, timestamptz, interval) STABLE;
ALTER FUNCTION funnel_final(funnel, anyenum) STABLE;
ALTER FUNCTION reached(funnel, anyenum) STABLE;
ALTER FUNCTION conversion(funnel, anyenum, anyenum) STABLE;
ALTER FUNCTION conversion_interval(funnel, anyenum, anyenum, float8) STABLE;
ALTER FUNCTION time_to_convert(funnel, anyenum, anyenum, float8) STABLE;
ALTER FUNCTION funnel_steps(funnel, anyenum) STABLE;
ALTER FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum) STABLE;
ALTER FUNCTION window_funnel_trans(internal, interval, timestamptz, anyenum, text) STABLE;
ALTER FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum) STABLE;
ALTER FUNCTION window_funnel_final(internal, interval, timestamptz, anyenum, text) STABLE;

-- Parallel plans (issue 12): the planner is told that merging a partial
-- state of funnel, handoff_summary, stage_stays or window_funnel costs about what reading
-- its rows did (align.partial_merge_cost), so the default settings no longer
-- pick a parallel plan slower than the serial one.
CREATE FUNCTION align_partial_merge_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION align_partial_merge_support(internal) IS
    'planner support of the funnel, handoff_summary, stage_stays and window_funnel combine functions: merging a partial state costs about what reading its rows did (align.partial_merge_cost)';
ALTER FUNCTION funnel_combine(funnel, funnel) SUPPORT align_partial_merge_support;
ALTER FUNCTION handoff_summary_combine(internal, internal) SUPPORT align_partial_merge_support;
ALTER FUNCTION window_funnel_combine(internal, internal) SUPPORT align_partial_merge_support;

-- The rest of this script, appended by the Makefile: src/window_funnel_state.sql
-- and align--0.1.0--0.2.0.window_funnel.part.sql (window_funnel's state as a
-- type), src/handoff_state.sql (handoff_summary and stage_stays over a state
-- type Citus can ship) and src/callerless.sql (align_concrete_aggregates, and
-- the aggregates over concrete types align ships: funnel, handoff_summary and
-- stage_stays by lead key and owner type), as the install script declares
-- them.
