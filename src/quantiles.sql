
-- ---------------------------------------------------------------------------
-- Which quantile each function returns (issue 13), said where 0.1.0 was
-- silent, and the exact quantiles of handoff_summary and stage_stays in
-- every form (src/handoff_summary.c, SpoolQuantiles): as percentile_disc
-- (the 0.1.0 columns) and as percentile_cont, each as an interval and as
-- float8 hours.  0.1.0's result types gain columns, last, so that views
-- over them keep working across the update; this file runs in the install
-- script and in the update alike.
-- ---------------------------------------------------------------------------

ALTER TYPE handoff_stats
    ADD ATTRIBUTE median_gap_hours float8,
    ADD ATTRIBUTE p90_gap_hours float8,
    ADD ATTRIBUTE median_gap_cont interval,
    ADD ATTRIBUTE p90_gap_cont interval,
    ADD ATTRIBUTE median_gap_cont_hours float8,
    ADD ATTRIBUTE p90_gap_cont_hours float8;
COMMENT ON TYPE handoff_stats IS
    'handoff_summary result: handoffs; the median and p90 gap, exact: as percentile_disc (median_gap, p90_gap; in hours median_gap_hours, p90_gap_hours) and as percentile_cont (median_gap_cont, p90_gap_cont; median_gap_cont_hours, p90_gap_cont_hours); sla_met, the share within the SLA';

ALTER TYPE stage_stay_stats
    ADD ATTRIBUTE median_stay_hours float8,
    ADD ATTRIBUTE p90_stay_hours float8,
    ADD ATTRIBUTE median_stay_cont interval,
    ADD ATTRIBUTE p90_stay_cont interval,
    ADD ATTRIBUTE median_stay_cont_hours float8,
    ADD ATTRIBUTE p90_stay_cont_hours float8;
COMMENT ON TYPE stage_stay_stats IS
    'stage_stays element: completed stays in a stage; the median and p90 stay, exact: as percentile_disc (median_stay, p90_stay; in hours median_stay_hours, p90_stay_hours) and as percentile_cont (median_stay_cont, p90_stay_cont; median_stay_cont_hours, p90_stay_cont_hours)';

COMMENT ON AGGREGATE handoff_summary("any", timestamptz, anyelement, interval) IS
    'speed to lead without a sort: handoffs, median and p90 gap (exact, percentile_disc and percentile_cont, as intervals and hours), share within the SLA, over any row order';
COMMENT ON AGGREGATE stage_stays("any", timestamptz, lead_stage) IS
    'time in stage without a sort: per stage, completed stays with median and p90 (exact, percentile_disc and percentile_cont, as intervals and hours), over any row order';

COMMENT ON FUNCTION time_to_convert(funnel, lead_stage, lead_stage, float8) IS
    'quantile of the time from entering one stage to entering a later one: percentile_disc, from a sketch (within 1 %)';
COMMENT ON FUNCTION time_to_convert(funnel, anyenum, anyenum, float8) IS
    'quantile of the time between two stages of a custom enum ladder: percentile_disc, from a sketch (within 1 %)';
COMMENT ON FUNCTION time_to_convert(funnel, text, text, float8) IS
    'quantile of the time between two stages given as text: percentile_disc, from a sketch (within 1 %)';
