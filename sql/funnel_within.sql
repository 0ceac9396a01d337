-- funnel(lead, stage, at, within): conversion windows against plain SQL;
-- funnel(stage) over one row per lead against plain SQL.
\set SHOW_CONTEXT never
\set ECHO none
\i sql/include/funnel_oracle.sql
\i sql/include/funnel_data.sql
\set ECHO all

-- A window in whole seconds as the funnel counts it: a month is 30 days, and
-- durations are whole seconds, so d <= window exactly when d <= floor(window).
CREATE FUNCTION pg_temp.window_secs(iv interval) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT (((extract(year FROM iv) * 12 + extract(month FROM iv)) * 30
             + extract(day FROM iv)) * 86400
            + floor(extract(hour FROM iv) * 3600 + extract(minute FROM iv) * 60
                    + extract(second FROM iv)))::bigint
$$;
SELECT w, pg_temp.window_secs(w)
FROM unnest(ARRAY['0', '1 mon', '1 year', '1 day -1 hour', '2 days -0.5 seconds',
                  '1 mon 3 days 04:05:06.7']::interval[]) AS w;

-- ---------------------------------------------------------------------------
-- Hand-worked: subscriber at t, mql t + 2 days, sql t + 4 days, opportunity at
-- an unknown time, lost t + 5 days.  Within 3 days: subscriber, mql and (its
-- time unknown) opportunity count, sql does not; the lead still reaches sql on
-- the way to opportunity (reached 1 1 1 1 1 1 0 0, known 1 0 1 0 0 0 0 0),
-- and lost is an exit at opportunity (unknown time).  No window: sql is known
-- too and mql->sql takes 2 days.
CREATE TEMP TABLE hand (lead int, stage lead_stage, at timestamptz);
INSERT INTO hand VALUES
    (1, 'subscriber', '2026-05-01 00:00+00'), (1, 'mql', '2026-05-03 00:00+00'),
    (1, 'sql', '2026-05-05 00:00+00'), (1, 'opportunity', NULL), (1, 'lost', '2026-05-06 00:00+00');
SELECT funnel(lead, stage, at, '3 days') FROM hand;
SELECT stage, leads, lost, median_time_from_previous
FROM funnel_steps((SELECT funnel(lead, stage, at, '3 days') FROM hand));
SELECT (SELECT funnel(lead, stage, at) FROM hand)::jsonb - 'times' AS no_window,
       time_to_convert((SELECT funnel(lead, stage, at) FROM hand), 'mql', 'sql', 0.5) AS mql_sql;

-- the boundary: a stage exactly `within` after the first entry counts, one
-- second later it does not; times are whole seconds (00:00:00.9 -> 00:00:00,
-- 00:00:10.1 -> 00:00:10, so 10 s apart); a month is 30 days; a window with
-- fields of both signs counts by its total ('1 minute -50 seconds' = 10 s)
SELECT w, reached(funnel(lead, stage, at, w::interval), 'mql') AS mql_counts
FROM (VALUES (1, 'lead'::lead_stage, timestamptz '2026-05-01 00:00:00.9+00'),
             (1, 'mql', '2026-05-01 00:00:10.1+00')) v(lead, stage, at),
     unnest(ARRAY['9 seconds', '9.999 seconds', '1 minute -50.5 seconds', '10 seconds',
                  '1 minute -50 seconds', '1 minute']) AS w
GROUP BY w ORDER BY w::interval, w;
-- (grouped by the label: interval equality would merge '1 mon' and '30 days')
SELECT w, reached(funnel(lead, stage, at, w::interval), 'mql') AS mql_counts
FROM (VALUES (1, 'lead'::lead_stage, timestamptz '2026-02-01 00:00:00+00'),
             (1, 'mql', '2026-03-03 00:00:00+00')) v(lead, stage, at),   -- 30 days later
     unnest(ARRAY['29 days 23:59:59', '1 mon -1 second', '30 days -00:00:00.5', '1 mon',
                  '30 days', '31 days -24:00:00', '1 mon 1 day -24:00:00', '2 mons -30 days']) AS w
GROUP BY w ORDER BY w::interval, w;
-- one interval rule (issue 11), as window_funnel, handoff_summary and
-- sla_breached read theirs: '1 day -1 hour' is 23 hours.  subscriber at
-- 00:00, lead 23 hours later (inside), mql one second after that (outside);
-- negative totals are errors (sql/funnel_errors.sql)
SELECT w, reached(funnel(1, s, at, w::interval), 'lead') AS lead,
       reached(funnel(1, s, at, w::interval), 'mql') AS mql
FROM (VALUES (timestamptz '2026-01-01 00:00+00', 'subscriber'::lead_stage),
             ('2026-01-01 23:00+00', 'lead'), ('2026-01-01 23:00:01+00', 'mql')) AS v(at, s),
     unnest(ARRAY['23 hours', '1 day -1 hour', '1 mon -29 days -1 hour', '-1 day 25 hours',
                  '23:00:01']) AS w
GROUP BY w ORDER BY w;

-- ---------------------------------------------------------------------------
-- Every window against the oracle over the generated data set.
INSERT INTO oracle_events SELECT lead::text, stage, at FROM fx;
CREATE TEMP TABLE windows (w interval);
INSERT INTO windows VALUES ('0'), ('1 second'), ('59.9 seconds'), ('1 hour'), ('1 day'),
    ('3 days'), ('1 mon'), ('1 mon 3 days 04:05:06.7'), ('1 day -1 hour'), ('1000 years'), (NULL);
CREATE TEMP TABLE window_funnels AS
SELECT w, (SELECT funnel(lead, stage, at, w) FROM fx) AS f FROM windows;
CREATE TEMP TABLE window_checks AS
SELECT w, c.* FROM window_funnels, LATERAL pg_temp.check_funnel(f, pg_temp.window_secs(w)) c;
SELECT w, pg_temp.window_secs(w) AS secs, f::jsonb -> 'within_seconds' AS within_seconds,
       f::jsonb -> 'reached' AS reached,
       (SELECT sum(checked) FROM window_checks c WHERE c.w IS NOT DISTINCT FROM wf.w) AS checked,
       (SELECT sum(mismatches) FROM window_checks c WHERE c.w IS NOT DISTINCT FROM wf.w) AS mismatches
FROM window_funnels wf
ORDER BY w NULLS LAST;
-- kinds of check, summed over the windows
SELECT kind, sum(checked) AS checked, sum(mismatches) AS mismatches
FROM window_checks GROUP BY kind ORDER BY kind;

-- a NULL window is no window: the very same funnel; a window longer than
-- every history counts the same as none (only within_seconds differs)
SELECT (SELECT f::text FROM window_funnels WHERE w IS NULL)
         = (SELECT funnel(lead, stage, at)::text FROM fx) AS null_is_no_window,
       (SELECT f::jsonb - 'within_seconds' FROM window_funnels WHERE w = '1000 years')
         = (SELECT funnel(lead, stage, at)::jsonb - 'within_seconds' FROM fx) AS long_window_same_counts;
-- a window funnel's steps
SELECT stage, leads, rate_from_previous, median_time_from_previous, recycled, disqualified, lost
FROM funnel_steps((SELECT f FROM window_funnels WHERE w = '1 day'));

-- ---------------------------------------------------------------------------
-- funnel(stage) over one row per lead.  top: each lead's furthest ladder
-- stage; any_max: max(stage) over all its rows, which is an outcome or
-- 'other' when it has one (they sort after the ladder) and then adds nothing.
CREATE TEMP TABLE per_lead AS
SELECT lead, max(stage) FILTER (WHERE stage_rank(stage) IS NOT NULL) AS top,
       max(stage) AS any_max
FROM fx WHERE lead IS NOT NULL GROUP BY lead;
SELECT count(*) AS leads, count(top) AS with_ladder_stage,
       count(*) FILTER (WHERE stage_rank(any_max) IS NULL) AS max_off_ladder
FROM per_lead;
SELECT l.stage, l.rank,
       reached(ft, l.stage) AS top_reached,
       (SELECT count(*) FROM per_lead WHERE stage_rank(top) >= l.rank) AS top_expected,
       reached(fm, l.stage) AS any_max_reached,
       (SELECT count(*) FROM per_lead WHERE stage_rank(any_max) >= l.rank) AS any_max_expected
FROM oracle_ladder l,
     (SELECT funnel(top) AS ft, funnel(any_max) AS fm FROM per_lead) f
ORDER BY l.rank;
-- the leads' furthest stages give the raw-event funnel's reached counts,
-- each lead entered at its own stage, and nothing else: no known times,
-- exits or durations
SELECT ft::jsonb -> 'reached' = fe::jsonb -> 'reached' AS same_reached,
       ft::jsonb -> 'entered' = (SELECT jsonb_agg(c ORDER BY r)
                                 FROM (SELECT r, count(*) FILTER (WHERE stage_rank(top) = r) AS c
                                       FROM generate_series(1, 8) r LEFT JOIN per_lead ON true GROUP BY r) x)
         AS entered_at_own_stage,
       ft::jsonb - 'reached' - 'entered'
         = (SELECT funnel(lead, stage, at) FROM fx WHERE false)::jsonb - 'reached' - 'entered'
         AS rest_empty,
       reached(ft, 'lost') AS lost, conversion(ft, 'mql', 'sql') = conversion(fe, 'mql', 'sql') AS same_conversion,
       time_to_convert(ft, 'mql', 'sql', 0.5) AS no_times
FROM (SELECT funnel(top) AS ft FROM per_lead) a, (SELECT funnel(lead, stage, at) AS fe FROM fx) b;
-- NULL, outcome and 'other' rows add nothing; empty input gives an empty funnel
SELECT funnel(s) FROM unnest(ARRAY['sql', NULL, 'lost', 'other', 'lead']::lead_stage[]) AS s;
SELECT funnel(s)::text = (SELECT funnel(lead, stage, at)::text FROM fx WHERE false) AS empty_same
FROM unnest(ARRAY[]::lead_stage[]) AS s;
