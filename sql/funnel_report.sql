-- What the report's figures rest on (issue 13): funnel_steps' observed
-- stages, the leads behind each time (timed, left out as having entered the
-- later stage first, left out for want of a time), times as days, the
-- Wilson bounds as columns, and observed_only; time_sample,
-- conversion_bounds and time_to_convert_days.  Every figure against plain
-- SQL over the same rows.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\i sql/include/sqlstate_of.sql

-- a sparse, messy history: leads skip stages, some times are NULL, some
-- later stages come first; whole seconds (the funnel keeps seconds)
SELECT setseed(0.13);
CREATE TABLE fr_events AS
SELECT lead_id,
       (ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'lost'])[1 + floor(random() * 7)::int]::lead_stage AS stage,
       CASE WHEN random() < 0.1 THEN NULL
            ELSE timestamptz '2026-03-01' + floor(random() * 90 * 86400) * interval '1 second' END AS at
FROM generate_series(1, 3000) lead_id, LATERAL generate_series(1, 1 + floor(random() * 4)::int + lead_id * 0) k;
-- and mql is never observed for leads 1..500 and 'sal' is never observed at all
DELETE FROM fr_events WHERE stage = 'sal' OR (stage = 'mql' AND lead_id <= 500);
CREATE TABLE fr_funnel AS SELECT funnel(lead_id, stage, at) AS f FROM fr_events;

-- plain SQL: per lead and ladder stage the first time (NULL: entered at an
-- unknown time only), the lead's top stage, and per stage pair the leads
CREATE TEMP TABLE fr_first AS
SELECT lead_id, stage_rank(stage) AS r, min(at) AS t
FROM fr_events WHERE stage_rank(stage) IS NOT NULL GROUP BY 1, 2;
CREATE TEMP TABLE fr_top AS SELECT lead_id, max(r) AS top FROM fr_first GROUP BY 1;
CREATE TEMP TABLE fr_stage AS
SELECT r, (SELECT count(*) FROM fr_top WHERE top >= r) AS reached,
       (SELECT count(*) FROM fr_first f WHERE f.r = g.r) AS entered
FROM generate_series(1, 8) g(r);
CREATE FUNCTION pg_temp.pair(a int, b int, OUT timed bigint, OUT earlier bigint, OUT median_days float8,
                             OUT p90_days float8) LANGUAGE sql AS $$
    SELECT count(*) FILTER (WHERE fb.t >= fa.t), count(*) FILTER (WHERE fb.t < fa.t),
           extract(epoch FROM percentile_disc(0.5) WITHIN GROUP (ORDER BY fb.t - fa.t) FILTER (WHERE fb.t >= fa.t)) / 86400,
           extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY fb.t - fa.t) FILTER (WHERE fb.t >= fa.t)) / 86400
    FROM fr_first fa JOIN fr_first fb USING (lead_id)
    WHERE fa.r = a AND fb.r = b AND fa.t IS NOT NULL AND fb.t IS NOT NULL
$$;
-- the Wilson score interval, 95 %
CREATE FUNCTION pg_temp.wilson(k float8, n float8, OUT low float8, OUT high float8) LANGUAGE sql AS $$
    SELECT CASE WHEN k = 0 THEN 0 ELSE greatest(0, c - h) END, CASE WHEN k = n THEN 1 ELSE least(1, c + h) END
    FROM (SELECT 1.959963984540054 AS z) z,
         LATERAL (SELECT (k / n + z * z / (2 * n)) / (1 + z * z / n) AS c,
                         z / (1 + z * z / n) * sqrt((k / n) * (1 - k / n) / n + z * z / (4 * n * n)) AS h) x
$$;
-- a time within the sketch's 1 %, shown to three significant digits
CREATE FUNCTION pg_temp.near(got float8, want float8) RETURNS boolean LANGUAGE sql AS $$
    SELECT CASE WHEN want IS NULL THEN got IS NULL
                WHEN want = 0 THEN got = 0
                ELSE abs(got - want) <= 0.016 * want END
$$;

-- every stage, each from the one before it
SELECT s.rank, s.stage, s.previous_stage,
       s.observed = (p.entered > 0) AS observed_ok, s.observed,
       s.leads = p.reached AS leads_ok,
       s.timed_leads IS NOT DISTINCT FROM x.timed AS timed_ok,
       s.left_out_earlier IS NOT DISTINCT FROM x.earlier AS earlier_ok,
       s.left_out_no_time IS NOT DISTINCT FROM p.reached - x.timed - x.earlier AS no_time_ok,
       s.timed_leads + s.left_out_earlier + s.left_out_no_time = s.leads AS adds_up,
       pg_temp.near(s.median_days_from_previous, x.median_days)
           AND pg_temp.near(s.p90_days_from_previous, x.p90_days) AS days_ok,
       abs(s.rate_low - w.low) < 1e-12 AND abs(s.rate_high - w.high) < 1e-12 AS bounds_ok,
       s.rate_low <= s.rate_from_previous AND s.rate_from_previous <= s.rate_high AS bounds_around_rate
FROM funnel_steps((SELECT f FROM fr_funnel)) s
JOIN fr_stage p ON p.r = s.rank
LEFT JOIN LATERAL pg_temp.pair(s.rank - 1, s.rank) x ON s.rank > 1
LEFT JOIN LATERAL pg_temp.wilson(p.reached, (SELECT reached FROM fr_stage q WHERE q.r = s.rank - 1)) w ON s.rank > 1
ORDER BY s.rank;

-- observed_only: only stages with events, each from the previous observed one
SELECT s.rank, s.stage, s.previous_stage,
       s.leads = p.reached AS leads_ok,
       s.rate_from_previous IS NOT DISTINCT FROM p.reached::float8 / NULLIF(q.reached, 0) AS rate_ok,
       s.timed_leads IS NOT DISTINCT FROM x.timed AS timed_ok,
       s.left_out_earlier IS NOT DISTINCT FROM x.earlier AS earlier_ok,
       s.left_out_no_time IS NOT DISTINCT FROM p.reached - x.timed - x.earlier AS no_time_ok,
       pg_temp.near(s.median_days_from_previous, x.median_days) AS median_ok
FROM funnel_steps((SELECT f FROM fr_funnel), observed_only => true) s
JOIN fr_stage p ON p.r = s.rank
LEFT JOIN LATERAL (SELECT max(o.r) AS r FROM fr_stage o WHERE o.r < s.rank AND o.entered > 0) prev ON true
LEFT JOIN fr_stage q ON q.r = prev.r
LEFT JOIN LATERAL pg_temp.pair(prev.r, s.rank) x ON prev.r IS NOT NULL
ORDER BY s.rank;
-- (the row of rank 0, exits before any ladder stage, stays)
SELECT (SELECT array_agg(rank ORDER BY rank) FROM funnel_steps((SELECT f FROM fr_funnel), true) WHERE rank > 0)
     = (SELECT array_agg(r ORDER BY r) FROM fr_stage WHERE entered > 0) AS observed_stages_only;

-- time_sample, conversion_bounds and time_to_convert_days over every pair
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (t).timed_leads = x.timed AND (t).left_out_earlier = x.earlier
                        AND (t).left_out_no_time = pb.reached - x.timed - x.earlier) AS time_sample_ok,
       count(*) FILTER (WHERE abs((c).low - w.low) < 1e-12 AND abs((c).high - w.high) < 1e-12) AS bounds_ok,
       count(*) FILTER (WHERE pg_temp.near(d, x.median_days)) AS days_ok,
       count(*) FILTER (WHERE d IS NOT DISTINCT FROM
                        round((extract(epoch FROM time_to_convert(f, a.st, b.st, 0.5)) / 86400)::numeric,
                              2 - floor(log(extract(epoch FROM time_to_convert(f, a.st, b.st, 0.5)) / 86400))::int)::float8)
           AS days_are_the_interval_rounded
FROM fr_funnel,
     unnest(ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer']::lead_stage[]) WITH ORDINALITY a(st, ra),
     unnest(ARRAY['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer']::lead_stage[]) WITH ORDINALITY b(st, rb),
     LATERAL (SELECT time_sample(f, a.st, b.st) AS t, conversion_bounds(f, a.st, b.st) AS c,
                     time_to_convert_days(f, a.st, b.st, 0.5) AS d) v,
     LATERAL pg_temp.pair(a.ra::int + 1, b.rb::int + 1) x,
     fr_stage pa, fr_stage pb,
     LATERAL pg_temp.wilson(pb.reached, pa.reached) w
WHERE a.ra < b.rb AND pa.r = a.ra + 1 AND pb.r = b.rb + 1;
-- conversion_bounds is conversion_interval as two columns, at any confidence
SELECT conversion_bounds(f, 'lead', 'customer', 0.8) = ROW((conversion_interval(f, 'lead', 'customer', 0.8))[1],
                                                           (conversion_interval(f, 'lead', 'customer', 0.8))[2]) AS same_as_interval,
       (conversion_bounds(f, 'mql'::text, 'sql'::text)).low = (conversion_bounds(f, 'mql'::lead_stage, 'sql'::lead_stage)).low AS text_stages
FROM fr_funnel;

-- The sparse export of issue 13: 8 MQLs with a first contact, 3 won, one
-- won two days before its first contact.  funnel_steps says which stages
-- have events, and the time to customer rests on 2 leads, 1 left out.
CREATE TEMP TABLE fr_crm (lead_id int, stage lead_stage, at timestamptz);
INSERT INTO fr_crm
SELECT g, 'mql', timestamptz '2026-01-01' + g * interval '1 day' FROM generate_series(1, 8) g;
INSERT INTO fr_crm VALUES (1, 'customer', '2026-01-12'), (2, 'customer', '2026-01-20'),
                          (3, 'customer', '2026-01-02');
SELECT stage, leads, observed, previous_stage, rate_from_previous, timed_leads, left_out_earlier,
       left_out_no_time, median_days_from_previous
FROM funnel_steps((SELECT funnel(lead_id, stage, at) FROM fr_crm)) WHERE rank > 0;
SELECT stage, leads, previous_stage, rate_from_previous, timed_leads, left_out_earlier, left_out_no_time,
       median_days_from_previous, p90_days_from_previous
FROM funnel_steps((SELECT funnel(lead_id, stage, at) FROM fr_crm), observed_only => true);
-- the same from plain SQL: 3 of 8 MQLs won; the times 10 and 17 days, the third left out
SELECT count(DISTINCT lead_id) FILTER (WHERE stage = 'customer')::float8 / count(DISTINCT lead_id) AS rate,
       (SELECT array_agg(extract(epoch FROM c.at - m.at) / 86400 ORDER BY c.lead_id)
        FROM fr_crm m JOIN fr_crm c USING (lead_id) WHERE m.stage = 'mql' AND c.stage = 'customer') AS days
FROM fr_crm;
SELECT * FROM time_sample((SELECT funnel(lead_id, stage, at) FROM fr_crm), 'mql', 'customer');
-- an enum ladder names its previous stage in the enum
CREATE TYPE fr_deal AS ENUM ('contact', 'demo', 'won');
SELECT stage, previous_stage, observed, timed_leads, left_out_no_time
FROM funnel_steps((SELECT funnel(lead_id, (ARRAY['contact', 'won']::fr_deal[])[1 + (stage = 'customer')::int], at)
                   FROM fr_crm), NULL::fr_deal, observed_only => false);
SELECT stage, previous_stage FROM funnel_steps((SELECT funnel(lead_id, (ARRAY['contact', 'won']::fr_deal[])[1 + (stage = 'customer')::int], at)
                   FROM fr_crm), NULL::fr_deal, true);
-- without its enum, an enum funnel names its stages by the labels it carries
-- (stage, team and previous_stage NULL); every other column as with the enum
CREATE TEMP TABLE fr_deal_f AS
SELECT funnel(lead_id, (ARRAY['contact', 'won']::fr_deal[])[1 + (stage = 'customer')::int], at) AS f FROM fr_crm;
SELECT rank, stage, label, leads, observed, timed_leads FROM funnel_steps((SELECT f FROM fr_deal_f));
SELECT count(*) AS rows,
       count(*) FILTER (WHERE a.label = b.stage::text AND a.leads = b.leads AND a.observed = b.observed
                        AND a.rate_from_previous IS NOT DISTINCT FROM b.rate_from_previous
                        AND a.timed_leads IS NOT DISTINCT FROM b.timed_leads
                        AND a.median_days_from_previous IS NOT DISTINCT FROM b.median_days_from_previous
                        AND a.previous_stage IS NULL AND a.stage IS NULL) AS same_as_with_the_enum
FROM funnel_steps((SELECT f FROM fr_deal_f)) a JOIN funnel_steps((SELECT f FROM fr_deal_f), NULL::fr_deal) b USING (rank);
-- a funnel stored by align 0.1.0 kept no labels: read with its enum, the
-- labels are the enum's (here 14 stages, more than lead_stage has)
CREATE TYPE fr_big AS ENUM ('s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 's12', 's13', 's14');
SELECT count(*) AS rows, bool_and(label = stage::text) AS labels_are_the_enums
FROM funnel_steps(('{"version": 1, "vocabulary": "enum", "stages": 14, "within_seconds": null, '
                   '"reached": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1], "known": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], '
                   '"times": {}}')::funnel, NULL::fr_big);
DROP TYPE fr_big;
-- a lead_stage funnel's labels are its stage names
SELECT bool_and(label = stage::text) AS labels_are_names FROM funnel_steps((SELECT f FROM fr_funnel)) WHERE rank > 0;

-- a conversion window: only stages entered within 20 days of the lead's
-- first known ladder time count (a NULL time counts as inside)
CREATE TEMP TABLE fr_first_w AS
SELECT f.* FROM fr_first f
JOIN (SELECT lead_id, min(t) AS t0 FROM fr_first GROUP BY 1) z USING (lead_id)
WHERE f.t IS NULL OR z.t0 IS NULL OR f.t - z.t0 <= interval '20 days';
SELECT count(*) AS stages,
       count(*) FILTER (WHERE s.leads = (SELECT count(*) FROM (SELECT lead_id FROM fr_first_w GROUP BY 1
                                                               HAVING max(r) >= s.rank) x)
                        AND s.observed = EXISTS (SELECT FROM fr_first_w w WHERE w.r = s.rank)
                        AND (s.rank = 1 OR (s.timed_leads, s.left_out_earlier) =
                             (SELECT count(*) FILTER (WHERE fb.t >= fa.t), count(*) FILTER (WHERE fb.t < fa.t)
                              FROM fr_first_w fa JOIN fr_first_w fb USING (lead_id)
                              WHERE fa.r = s.rank - 1 AND fb.r = s.rank))) AS same_as_plain
FROM funnel_steps((SELECT funnel(lead_id, stage, at, interval '20 days') FROM fr_events)) s WHERE s.rank > 0;

-- rollup of two halves of the leads: every column as the whole funnel's
SELECT count(*) AS rows, count(*) FILTER (WHERE a IS NOT DISTINCT FROM b) AS same
FROM funnel_steps((SELECT rollup(f) FROM (SELECT funnel(lead_id, stage, at) AS f FROM fr_events
                                          GROUP BY lead_id % 2) h)) a
JOIN funnel_steps((SELECT f FROM fr_funnel)) b USING (rank);

-- funnel(stage), one row per lead: the stage a row names is observed, the
-- stages below it implied
CREATE TEMP TABLE fr_current AS SELECT lead_id, max(stage) AS stage FROM fr_events GROUP BY 1;
SELECT (SELECT array_agg(rank ORDER BY rank) FROM funnel_steps((SELECT funnel(stage) FROM fr_current), true))
     = (SELECT array_agg(DISTINCT stage_rank(stage) ORDER BY stage_rank(stage)) FROM fr_current
        WHERE stage_rank(stage) IS NOT NULL) AS observed_are_the_named_stages;

-- an empty enum funnel (no rows today) still names its enum's stages; a
-- NULL observed_only is false, on both ladders
CREATE TYPE fr_e3 AS ENUM ('a', 'b', 'c');
SELECT rank, stage, label, leads, observed
FROM funnel_steps((SELECT funnel(lead_id, 'a'::fr_e3, at) FROM fr_crm WHERE false));
SELECT (SELECT count(*) FROM funnel_steps((SELECT f FROM fr_funnel), NULL)) AS lead_stage_rows,
       (SELECT count(*) FROM funnel_steps((SELECT f FROM fr_deal_f), NULL::fr_deal, NULL)) AS enum_rows;
DROP TYPE fr_e3;

-- counts stored by align 0.1.0 (or version 2) did not record which stages
-- leads entered, nor the leads left out as earlier: those read NULL, also
-- in a rollup with new funnels ("legacy" in the text form), and
-- observed_only is an error (55000)
SELECT regexp_replace(regexp_replace(replace(f::text, '"version": 3', '"version": 2'), ', "entered": \[[0-9, ]*\]', ''),
                      ', "earlier": \{[^}]*\}', '') AS v2 FROM fr_funnel \gset
SELECT (time_sample(:'v2'::funnel, 'mql', 'customer')).*,
       (time_sample(f, 'mql', 'customer')).timed_leads AS timed_leads_v3
FROM fr_funnel;
SELECT count(*) AS rows, count(*) FILTER (WHERE observed IS NULL AND (rank = 1 OR (left_out_earlier IS NULL
                                          AND left_out_no_time IS NULL AND timed_leads IS NOT NULL))) AS unknown_where_unrecorded
FROM funnel_steps(:'v2'::funnel) WHERE rank > 0;
SELECT rollup(x)::text ~ '"legacy": true' AS rollup_is_legacy,
       rollup(x)::text::funnel::text = rollup(x)::text AS legacy_round_trip
FROM (SELECT :'v2'::funnel UNION ALL SELECT f FROM fr_funnel) v(x);
SELECT * FROM funnel_steps(:'v2'::funnel, observed_only => true);
SELECT pg_temp.sqlstate_of(format('SELECT %L::funnel', replace(:'v2'::funnel::text, '"legacy": true', '"legacy": false'))) AS legacy_false,
       pg_temp.sqlstate_of(format('SELECT %L::funnel', replace(:'v2', '"version": 2', '"version": 2, "legacy": true'))) AS legacy_in_v2;

-- the same stage twice: its time (0) rests on the leads that entered it at a
-- known time; errors
SELECT (time_sample(f, 'mql', 'mql')).timed_leads = (SELECT count(*) FROM fr_first WHERE r = 3 AND t IS NOT NULL) AS same_stage_rests_on_known FROM fr_funnel;
SELECT conversion_bounds(f, 'mql', 'sql', 1.5) FROM fr_funnel;
SELECT time_to_convert_days(f, 'sql', 'mql', 0.5) FROM fr_funnel;
DROP TABLE fr_events, fr_funnel;
DROP TYPE fr_deal;
