-- handoff_stats and stage_stay_stats computed in plain SQL from the
-- durations themselves (gaps, stays), for tests to compare whole values:
-- percentile_disc and percentile_cont over the intervals, and in hours over
-- extract(epoch ...)::float8 / 3600 (exact for whole seconds).  No align
-- function is called; the composite types only give the columns their names.
CREATE FUNCTION pg_temp.plain_quantiles(durations interval[],
    OUT median interval, OUT p90 interval, OUT median_hours float8, OUT p90_hours float8,
    OUT median_cont interval, OUT p90_cont interval, OUT median_cont_hours float8, OUT p90_cont_hours float8)
LANGUAGE sql AS $$
SELECT justify_hours(percentile_disc(0.5) WITHIN GROUP (ORDER BY d)),
       justify_hours(percentile_disc(0.9) WITHIN GROUP (ORDER BY d)),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d)::float8 / 3600),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM d)::float8 / 3600),
       justify_hours(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)),
       justify_hours(percentile_cont(0.9) WITHIN GROUP (ORDER BY d)),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d)::float8 / 3600),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM d)::float8 / 3600)
FROM unnest(durations) AS d
$$;

CREATE FUNCTION pg_temp.plain_handoff_stats(gaps interval[], sla interval) RETURNS handoff_stats
LANGUAGE sql AS $$
SELECT ROW(coalesce(cardinality(gaps), 0), q.median, q.p90,
           (SELECT avg((g <= sla)::int)::float8 FROM unnest(gaps) AS g),
           q.median_hours, q.p90_hours, q.median_cont, q.p90_cont, q.median_cont_hours,
           q.p90_cont_hours)::handoff_stats
FROM pg_temp.plain_quantiles(gaps) AS q
$$;

CREATE FUNCTION pg_temp.plain_stay_stats(stage lead_stage, stays interval[]) RETURNS stage_stay_stats
LANGUAGE sql AS $$
SELECT ROW(stage, cardinality(stays), q.median, q.p90, q.median_hours, q.p90_hours, q.median_cont,
           q.p90_cont, q.median_cont_hours, q.p90_cont_hours)::stage_stay_stats
FROM pg_temp.plain_quantiles(stays) AS q
$$;
