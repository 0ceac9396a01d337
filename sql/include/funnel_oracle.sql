-- The funnel oracle: the numbers a funnel must hold, computed in plain SQL
-- straight from the written semantics (issue 3, PRODUCT.md), never from the
-- C code.  Included by the funnel tests with \i; everything it creates lives
-- in the session's temporary schema.
--
-- Load the raw events into oracle_events(lead text, stage lead_stage, at),
-- then
--   pg_temp.oracle_stages(within_secs)   reached / known / exits per stage
--   pg_temp.oracle_times(within_secs)    exact percentile_disc of durations
--   pg_temp.check_funnel(f, within_secs) every accessor of f against both
-- where within_secs is the conversion window in seconds (NULL: none).

CREATE TEMP TABLE oracle_events (lead text, stage lead_stage, at timestamptz);

-- The ladder: rank 1..8 and the stage at that rank.
CREATE TEMP VIEW oracle_ladder AS
SELECT stage, rank FROM lead_stages() WHERE rank IS NOT NULL;

-- One row per (lead, stage) the lead has an event at: NULL leads and stages
-- skipped, 'other' ignored; t = first known time in whole seconds since the
-- epoch (floor), NULL when every event at that stage has an unknown time.
CREATE TEMP VIEW oracle_entries AS
SELECT lead, stage, stage_rank(stage) AS rank,
       min(floor(extract(epoch FROM at)))::bigint AS t
FROM oracle_events
WHERE lead IS NOT NULL AND stage IS NOT NULL AND stage <> 'other'
GROUP BY lead, stage;

-- Ladder stages that count as entered: inside the window (if any) of the
-- lead's first known ladder time; unknown times always count.
CREATE FUNCTION pg_temp.oracle_entered(within_secs bigint)
RETURNS TABLE (lead text, rank int, t bigint)
LANGUAGE sql STABLE AS $$
    SELECT e.lead, e.rank, e.t
    FROM oracle_entries e
    JOIN (SELECT lead, min(t) AS first FROM oracle_entries
          WHERE rank IS NOT NULL GROUP BY lead) f USING (lead)
    WHERE e.rank IS NOT NULL
      AND (within_secs IS NULL OR e.t IS NULL OR f.first IS NULL
           OR e.t - f.first <= within_secs)
$$;

-- Per ladder rank: reached (lifecycle: every rank up to the lead's top),
-- known (entered at a known time), and exits by outcome (the highest entered
-- stage not entered after the outcome's first time, unknown times matching).
-- Each lead's first outcome of each kind and the rank it exits at: the
-- highest stage entered at or before it (a stage or an outcome at an unknown
-- time counts as before); NULL when it entered no stage by then (an exit
-- before the ladder).
CREATE FUNCTION pg_temp.oracle_outcomes(within_secs bigint)
RETURNS TABLE (lead text, outcome lead_stage, exit_rank int)
LANGUAGE sql STABLE AS $$
    WITH e AS MATERIALIZED (SELECT * FROM pg_temp.oracle_entered(within_secs))
    SELECT o.lead, o.stage, max(e.rank)
    FROM oracle_entries o
    LEFT JOIN e ON e.lead = o.lead AND (e.t <= o.t OR e.t IS NULL OR o.t IS NULL)
    WHERE o.stage IN ('recycled', 'disqualified', 'lost')
    GROUP BY o.lead, o.stage
$$;

CREATE FUNCTION pg_temp.oracle_stages(within_secs bigint)
RETURNS TABLE (rank int, reached bigint, known bigint,
               recycled bigint, disqualified bigint, lost bigint)
LANGUAGE sql STABLE AS $$
    WITH entered AS (SELECT * FROM pg_temp.oracle_entered(within_secs)),
    tops AS (SELECT lead, max(rank) AS top FROM entered GROUP BY lead),
    outcomes AS (SELECT * FROM pg_temp.oracle_outcomes(within_secs))
    SELECT l.rank,
           (SELECT count(*) FROM tops WHERE top >= l.rank),
           (SELECT count(*) FROM entered e WHERE e.rank = l.rank AND e.t IS NOT NULL),
           (SELECT count(*) FROM outcomes WHERE exit_rank = l.rank AND outcome = 'recycled'),
           (SELECT count(*) FROM outcomes WHERE exit_rank = l.rank AND outcome = 'disqualified'),
           (SELECT count(*) FROM outcomes WHERE exit_rank = l.rank AND outcome = 'lost')
    FROM oracle_ladder l
$$;

-- The fractions every time check uses.
CREATE FUNCTION pg_temp.oracle_fractions() RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]::float8[]
$$;

-- Exact time to convert from rank a to rank b: percentile_disc of the whole
-- seconds between the two entries, over leads that entered both at known
-- times, b not earlier.  One row per (a, b, fraction) with at least one lead.
CREATE FUNCTION pg_temp.oracle_times(within_secs bigint)
RETURNS TABLE (a int, b int, fraction float8, secs bigint, n bigint)
LANGUAGE sql STABLE AS $$
    WITH entered AS (SELECT * FROM pg_temp.oracle_entered(within_secs)),
    d AS (
        SELECT x.rank AS a, y.rank AS b, y.t - x.t AS d
        FROM entered x JOIN entered y ON y.lead = x.lead AND y.rank > x.rank
        WHERE x.t IS NOT NULL AND y.t IS NOT NULL AND y.t >= x.t),
    q AS (
        SELECT a, b, count(*) AS n,
               percentile_disc(pg_temp.oracle_fractions()) WITHIN GROUP (ORDER BY d) AS qs
        FROM d GROUP BY a, b)
    SELECT q.a, q.b, f.fraction, f.secs, q.n
    FROM q, unnest(pg_temp.oracle_fractions(), q.qs) AS f(fraction, secs)
$$;

-- Wilson score interval for k successes out of n at normal quantile z.
CREATE FUNCTION pg_temp.wilson(k bigint, n bigint, z float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN n > 0 THEN
        ARRAY[greatest(0, c - h), least(1, c + h)] END
    FROM (SELECT k::float8 / n AS p) p,
    LATERAL (SELECT (p + z * z / (2 * n)) / (1 + z * z / n) AS c,
                    z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) AS h) w
$$;

-- True if got (an interval) is within 1 % of exact seconds (0 stays 0).
CREATE FUNCTION pg_temp.close_enough(got interval, exact bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT got IS NOT NULL AND exact IS NOT NULL
       AND abs(extract(epoch FROM got) - exact) <= 0.01 * exact
$$;

-- Every accessor of f against the oracle: one row per kind of check with the
-- number of values compared and how many disagree.
CREATE FUNCTION pg_temp.check_funnel(f funnel, within_secs bigint)
RETURNS TABLE (kind text, checked bigint, mismatches bigint)
LANGUAGE sql STABLE AS $$
    WITH o AS (SELECT * FROM pg_temp.oracle_stages(within_secs)),
    steps AS (SELECT * FROM funnel_steps(f)),
    pairs AS (
        SELECT a.stage AS sa, a.rank AS ra, b.stage AS sb, b.rank AS rb
        FROM oracle_ladder a JOIN oracle_ladder b ON a.rank <= b.rank),
    times AS (SELECT * FROM pg_temp.oracle_times(within_secs)),
    oc AS MATERIALIZED (SELECT * FROM pg_temp.oracle_outcomes(within_secs)),
    z(confidence, z) AS (VALUES (0.95::float8, 1.959963984540054::float8),
                                (0.99, 2.5758293035489))
    SELECT 'reached', count(*),
           count(*) FILTER (WHERE reached(f, l.stage) <> o.reached
                               OR reached(f, l.stage::text) <> o.reached)
    FROM oracle_ladder l JOIN o USING (rank)
    UNION ALL
    SELECT 'known', count(*),
           count(*) FILTER (WHERE (f::jsonb -> 'known' ->> (rank - 1))::bigint <> o.known)
    FROM o
    UNION ALL
    SELECT 'steps', count(*),
           count(*) FILTER (WHERE s.leads <> o.reached
               OR s.stage <> l.stage OR s.team IS DISTINCT FROM stage_team(l.stage)
               OR s.recycled <> o.recycled OR s.disqualified <> o.disqualified
               OR s.lost <> o.lost
               OR s.rate_from_previous IS DISTINCT FROM
                  (SELECT o.reached::float8 / nullif(p.reached, 0) FROM o p WHERE p.rank = o.rank - 1)
               OR s.rate_from_top IS DISTINCT FROM
                  (SELECT o.reached::float8 / nullif(t.reached, 0) FROM o t WHERE t.rank = 1))
    FROM steps s JOIN o USING (rank) JOIN oracle_ladder l USING (rank)
    UNION ALL
    SELECT 'exits', 3,
           count(*) FILTER (WHERE reached(f, x.outcome) <> x.total)
    FROM (SELECT v, (SELECT count(*) FROM oc WHERE outcome = v)
          FROM unnest(ARRAY['recycled', 'disqualified', 'lost']::lead_stage[]) AS v) x(outcome, total)
    UNION ALL
    SELECT 'exits_before_ladder', 3,
           count(*) FILTER (WHERE x.got <> x.total)
    FROM (SELECT v, (SELECT count(*) FROM oc WHERE outcome = v AND exit_rank IS NULL),
                 coalesce((SELECT CASE v WHEN 'recycled' THEN recycled WHEN 'disqualified' THEN disqualified
                                         ELSE lost END
                           FROM steps WHERE rank = 0 AND stage IS NULL AND leads IS NULL), 0)
          FROM unnest(ARRAY['recycled', 'disqualified', 'lost']::lead_stage[]) AS v) x(outcome, total, got)
    UNION ALL
    SELECT 'conversion', count(*),
           count(*) FILTER (WHERE conversion(f, p.sa, p.sb) IS DISTINCT FROM
                                  ob.reached::float8 / nullif(oa.reached, 0)
                               OR conversion(f, p.sa::text, p.sb::text) IS DISTINCT FROM
                                  ob.reached::float8 / nullif(oa.reached, 0))
    FROM pairs p JOIN o oa ON oa.rank = p.ra JOIN o ob ON ob.rank = p.rb
    UNION ALL
    SELECT 'conversion_interval', count(*),
           count(*) FILTER (WHERE
               (ci IS NULL) <> (w IS NULL)
               OR abs(ci[1] - w[1]) > 1e-9 OR abs(ci[2] - w[2]) > 1e-9
               OR array_length(ci, 1) <> 2)
    FROM pairs p JOIN o oa ON oa.rank = p.ra JOIN o ob ON ob.rank = p.rb, z,
    LATERAL (SELECT conversion_interval(f, p.sa, p.sb, z.confidence) AS ci,
                    pg_temp.wilson(ob.reached, oa.reached, z.z) AS w) c
    UNION ALL
    SELECT 'time_to_convert', count(*),
           count(*) FILTER (WHERE
               CASE WHEN t.secs IS NULL THEN got IS NOT NULL
                    ELSE NOT pg_temp.close_enough(got, t.secs) END)
    FROM pairs p CROSS JOIN unnest(pg_temp.oracle_fractions()) AS q(fraction)
    LEFT JOIN times t ON t.a = p.ra AND t.b = p.rb AND t.fraction = q.fraction,
    LATERAL (SELECT time_to_convert(f, p.sa, p.sb, q.fraction) AS got) g
    WHERE p.ra < p.rb
    UNION ALL
    SELECT 'steps_times', count(*),
           count(*) FILTER (WHERE
               CASE WHEN m.secs IS NULL THEN s.median_time_from_previous IS NOT NULL
                    ELSE NOT pg_temp.close_enough(s.median_time_from_previous, m.secs) END
               OR CASE WHEN p.secs IS NULL THEN s.p90_time_from_previous IS NOT NULL
                       ELSE NOT pg_temp.close_enough(s.p90_time_from_previous, p.secs) END)
    FROM steps s
    LEFT JOIN times m ON m.b = s.rank AND m.a = s.rank - 1 AND m.fraction = 0.5
    LEFT JOIN times p ON p.b = s.rank AND p.a = s.rank - 1 AND p.fraction = 0.9
    WHERE s.rank > 0
$$;
