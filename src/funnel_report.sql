
-- ---------------------------------------------------------------------------
-- funnel_steps, the one-call report, and the accessors for reports and BI
-- tools: the leads a time rests on, the Wilson bounds as two columns, times
-- as days (src/funnel_access.c)
-- ---------------------------------------------------------------------------

CREATE FUNCTION funnel_steps(f funnel, observed_only boolean DEFAULT false,
    OUT stage lead_stage, OUT rank integer, OUT team text, OUT leads bigint,
    OUT rate_from_previous float8, OUT rate_from_top float8,
    OUT median_time_from_previous interval, OUT p90_time_from_previous interval,
    OUT recycled bigint, OUT disqualified bigint, OUT lost bigint,
    OUT observed boolean, OUT previous_stage lead_stage,
    OUT timed_leads bigint, OUT left_out_earlier bigint, OUT left_out_no_time bigint,
    OUT median_days_from_previous float8, OUT p90_days_from_previous float8,
    OUT rate_low float8, OUT rate_high float8, OUT label text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 8;
CREATE FUNCTION funnel_steps(f funnel, vocabulary anyenum, observed_only boolean DEFAULT false,
    OUT stage anyenum, OUT rank integer, OUT team text, OUT leads bigint,
    OUT rate_from_previous float8, OUT rate_from_top float8,
    OUT median_time_from_previous interval, OUT p90_time_from_previous interval,
    OUT recycled bigint, OUT disqualified bigint, OUT lost bigint,
    OUT observed boolean, OUT previous_stage anyenum,
    OUT timed_leads bigint, OUT left_out_earlier bigint, OUT left_out_no_time bigint,
    OUT median_days_from_previous float8, OUT p90_days_from_previous float8,
    OUT rate_low float8, OUT rate_high float8, OUT label text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION funnel_steps(funnel, boolean) IS
    'one row per ladder stage: leads, rates from the previous stage and the top, median and p90 time from the previous stage (percentile_disc, from a sketch within 1 %) with the leads they rest on, exits by outcome, the stage''s label (an enum funnel names its stages by the labels it carries); observed_only: only stages with events, each from the previous one';
COMMENT ON FUNCTION funnel_steps(funnel, anyenum, boolean) IS
    'funnel_steps of a custom enum ladder: funnel_steps(f, NULL::my_stage)';

CREATE FUNCTION time_sample(f funnel, from_stage lead_stage, to_stage lead_stage,
    OUT timed_leads bigint, OUT left_out_earlier bigint, OUT left_out_no_time bigint)
    RETURNS record
    AS 'MODULE_PATHNAME', 'funnel_time_sample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_sample(f funnel, from_stage anyenum, to_stage anyenum,
    OUT timed_leads bigint, OUT left_out_earlier bigint, OUT left_out_no_time bigint)
    RETURNS record
    AS 'MODULE_PATHNAME', 'funnel_time_sample' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_sample(f funnel, from_stage text, to_stage text,
    OUT timed_leads bigint, OUT left_out_earlier bigint, OUT left_out_no_time bigint)
    RETURNS record
    AS 'MODULE_PATHNAME', 'funnel_time_sample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION time_sample(funnel, lead_stage, lead_stage) IS
    'the leads that reached to_stage, as time_to_convert counts them: timed, left out as having entered to_stage first, left out for want of a time at either stage';
COMMENT ON FUNCTION time_sample(funnel, anyenum, anyenum) IS 'time_sample on a custom enum ladder';
COMMENT ON FUNCTION time_sample(funnel, text, text) IS 'time_sample, stages given as text';

CREATE FUNCTION conversion_bounds(f funnel, from_stage lead_stage, to_stage lead_stage,
    confidence float8 DEFAULT 0.95, OUT low float8, OUT high float8)
    RETURNS record
    AS 'MODULE_PATHNAME', 'funnel_conversion_bounds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion_bounds(f funnel, from_stage anyenum, to_stage anyenum,
    confidence float8 DEFAULT 0.95, OUT low float8, OUT high float8)
    RETURNS record
    AS 'MODULE_PATHNAME', 'funnel_conversion_bounds' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION conversion_bounds(f funnel, from_stage text, to_stage text,
    confidence float8 DEFAULT 0.95, OUT low float8, OUT high float8)
    RETURNS record
    AS 'MODULE_PATHNAME', 'funnel_conversion_bounds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION conversion_bounds(funnel, lead_stage, lead_stage, float8) IS
    'Wilson score interval of conversion as two float8 columns, low and high';
COMMENT ON FUNCTION conversion_bounds(funnel, anyenum, anyenum, float8) IS 'conversion_bounds on a custom enum ladder';
COMMENT ON FUNCTION conversion_bounds(funnel, text, text, float8) IS 'conversion_bounds, stages given as text';

CREATE FUNCTION time_to_convert_days(f funnel, from_stage lead_stage, to_stage lead_stage,
                                     fraction float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_to_convert_days(f funnel, from_stage anyenum, to_stage anyenum,
                                     fraction float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert_days' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION time_to_convert_days(f funnel, from_stage text, to_stage text,
                                     fraction float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'funnel_time_to_convert_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION time_to_convert_days(funnel, lead_stage, lead_stage, float8) IS
    'time_to_convert in days as float8 (percentile_disc), to three significant digits (the sketch is within 1 %)';
COMMENT ON FUNCTION time_to_convert_days(funnel, anyenum, anyenum, float8) IS 'time_to_convert_days on a custom enum ladder';
COMMENT ON FUNCTION time_to_convert_days(funnel, text, text, float8) IS 'time_to_convert_days, stages given as text';
