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
