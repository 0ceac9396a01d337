-- test/citus.sh's distributed checks, run on the coordinator after
-- test/citus/setup.sql.  Two kinds:
--
--   -- same: NAME      the query's output (psql -At) over the Citus tables is
--                      byte for byte its output over the plain tables on the
--                      coordinator (the single-node answer); run once per
--                      layout: "by lead" and "by other" (see below)
--   -- true LAYOUT: NAME   the query returns true in that layout (lead,
--                      other or both): plans (plan_of, EXPLAIN VERBOSE)
--
-- A check's query runs to the next "-- " directive line.  @hist@, @leads@
-- and @daily@ name the tables of the layout:
--   single node: hist_local,    leads_local,      daily_local
--   by lead:     hist_by_lead,  leads_by_lead,    daily_by_day
--   by other:    hist_by_event, leads_by_channel, daily_by_channel
-- (hist_by_event is distributed by a shuffled event id: a lead's events sit
-- on several shards.)  Rows without a lead are only in hist_local and
-- hist_by_event, and every funnel skips them; queries that group or list
-- leads leave them out.

-- ---------------------------------------------------------------------------
-- rollup(funnel) and funnel(stage): partial aggregates of our own state type

-- same: rollup(funnel)
SELECT rollup(f) FROM @daily@
-- same: rollup(funnel) GROUP BY channel
SELECT channel, rollup(f) FROM @daily@ GROUP BY channel ORDER BY channel
-- same: rollup(funnel) GROUP BY month
SELECT date_trunc('month', cohort), rollup(f) FROM @daily@ GROUP BY 1 ORDER BY 1
-- same: funnel(stage)
SELECT funnel(furthest) FROM @leads@
-- same: funnel(stage) GROUP BY channel
SELECT channel, funnel(furthest) FROM @leads@ GROUP BY channel ORDER BY channel
-- true both: rollup(funnel) is pushed to the workers (worker_partial_agg)
SELECT plan_of($q$SELECT rollup(f) FROM @daily@$q$) ~ 'worker_partial_agg\(''public\.rollup\(public\.funnel\)''::regprocedure'
-- true both: funnel(stage) is pushed to the workers (worker_partial_agg)
SELECT plan_of($q$SELECT funnel(furthest) FROM @leads@$q$) ~ 'worker_partial_agg\(''public\.funnel\(public\.lead_stage\)''::regprocedure'

-- ---------------------------------------------------------------------------
-- funnel(lead, stage, at) over raw events: every concrete key type, with and
-- without a window, grouped by a column

-- same: funnel(bigint lead, stage, at)
SELECT funnel(lead_id, stage, at) FROM @hist@
-- same: funnel(integer lead, stage, at)
SELECT funnel(lead_int, stage, at) FROM @hist@
-- same: funnel(numeric lead, stage, at)
SELECT funnel(lead_num, stage, at) FROM @hist@
-- same: funnel(text lead, stage, at)
SELECT funnel(lead_text, stage, at) FROM @hist@
-- same: funnel(uuid lead, stage, at)
SELECT funnel(lead_uuid, stage, at) FROM @hist@
-- same: funnel(varchar lead, stage, at) (the text aggregate)
SELECT funnel(lead_text::varchar, stage, at) FROM @hist@
-- same: funnel(bigint lead, stage, at, within)
SELECT funnel(lead_id, stage, at, interval '30 days') FROM @hist@
-- same: funnel(integer lead, stage, at, within)
SELECT funnel(lead_int, stage, at, interval '30 days') FROM @hist@
-- same: funnel(text lead, stage, at, within)
SELECT funnel(lead_text, stage, at, interval '7 days') FROM @hist@
-- same: funnel(uuid lead, stage, at, within)
SELECT funnel(lead_uuid, stage, at, interval '30 days') FROM @hist@
-- same: funnel(bigint lead, ...) GROUP BY channel
SELECT channel, funnel(lead_id, stage, at) FROM @hist@ WHERE lead_id IS NOT NULL
GROUP BY channel ORDER BY channel
-- same: funnel(text lead, ..., within) GROUP BY channel
SELECT channel, funnel(lead_text, stage, at, interval '30 days') FROM @hist@ WHERE lead_id IS NOT NULL
GROUP BY channel ORDER BY channel
-- same: funnel(uuid lead, ...) GROUP BY cohort month, with accessors
SELECT m, reached(f, 'mql'), conversion(f, 'mql', 'sql'), time_to_convert(f, 'mql', 'customer', 0.5), f
FROM (SELECT date_trunc('month', cohort) AS m, funnel(lead_uuid, stage, at) AS f
      FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY 1) s
ORDER BY m
-- same: funnel_steps(funnel(integer lead, ...))
SELECT s.* FROM (SELECT funnel(lead_int, stage, at) AS f FROM @hist@) x, funnel_steps(f) s
-- same: funnel over no rows
SELECT funnel(lead_id, stage, at), funnel(lead_text, stage, at, interval '1 day')
FROM @hist@ WHERE at < '2000-01-01'
-- same: funnel(bigint lead, ...) GROUP BY lead_id (every 20th lead)
SELECT lead_id, funnel(lead_id, stage, at) FROM @hist@ WHERE lead_id % 20 = 0
GROUP BY lead_id ORDER BY lead_id
-- true both: funnel(bigint lead, ...) is pushed to the workers and combined on the coordinator
SELECT p ~ 'worker_partial_agg\(''public\.funnel\(bigint,public\.lead_stage,timestamp with time zone\)''::regprocedure, ROW\(lead_id, stage, at\)\)'
       AND p ~ 'coord_combine_agg\('
FROM plan_of($q$SELECT funnel(lead_id, stage, at) FROM @hist@$q$) p
-- true both: funnel(uuid lead, ..., within) GROUP BY channel is pushed to the workers
SELECT plan_of($q$SELECT channel, funnel(lead_uuid, stage, at, interval '30 days') FROM @hist@ GROUP BY channel$q$)
       ~ 'worker_partial_agg\(''public\.funnel\(uuid,public\.lead_stage,timestamp with time zone,interval\)''::regprocedure'
-- same: funnel(bigint lead, stage, at, no window, calendar): times in working time
SELECT funnel(lead_id, stage, at, NULL, 'mon-fri 09:00-17:30; tz Europe/Berlin; closed 2026-12-25'::work_calendar)
FROM @hist@
-- same: funnel(text lead, ..., within, calendar) GROUP BY channel, with accessors
SELECT channel, time_to_convert(f, 'mql', 'sql', 0.5), funnel_calendar(f), f
FROM (SELECT channel, funnel(lead_text, stage, at, interval '30 days',
                             'mon-thu 22:00-06:00; tz America/New_York'::work_calendar) AS f
      FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel) s
ORDER BY channel
-- true both: funnel(bigint lead, ..., within, calendar) is pushed to the workers and combined on the coordinator
SELECT p ~ 'worker_partial_agg\(''public\.funnel\(bigint,public\.lead_stage,timestamp with time zone,interval,public\.work_calendar\)''::regprocedure'
       AND p ~ 'coord_combine_agg\('
FROM plan_of($q$SELECT funnel(lead_id, stage, at, NULL, 'mon-fri 09:00-17:00; tz UTC'::work_calendar) FROM @hist@$q$) p
-- same: funnel_as_of(bigint lead, stage, at, as_of): the sketches conversion_curve reads
SELECT funnel_as_of(lead_id, stage, at, '2026-03-01 00:00+00') FROM @hist@
-- same: funnel_as_of(text lead, ...) GROUP BY channel, with conversion_curve
SELECT channel, c.*, f
FROM (SELECT channel, funnel_as_of(lead_text, stage, at, '2026-03-01 00:00+00') AS f
      FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel) s,
     conversion_curve(f, 'mql', 'sql', ARRAY[1, 7, 30]) c
ORDER BY channel, c.days
-- same: funnel_as_of(bigint lead, deal_stage, at, as_of), with conversion_curve
SELECT c.*, f FROM (SELECT funnel_as_of(lead_id, deal, at, '2026-03-01 00:00+00') AS f FROM @hist@) s,
     conversion_curve(f, 'prospect', 'demo', ARRAY[7, 30]) c
-- same: conversion_curve with the stages as deal_stage values
SELECT c.* FROM (SELECT funnel_as_of(lead_id, deal, at, '2026-03-01 00:00+00') AS f FROM @hist@) s,
     conversion_curve(f, 'prospect'::deal_stage, 'demo'::deal_stage, ARRAY[7, 30]) c
-- same: rollup(funnel_as_of(uuid lead, ...)) of monthly cohorts
SELECT rollup(f) FROM (SELECT date_trunc('month', cohort), funnel_as_of(lead_uuid, stage, at, '2026-03-01 00:00+00') AS f
                       FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY 1) s
-- same: funnel_as_of(integer lead, stage, at, as_of, calendar) GROUP BY channel, with conversion_curve
SELECT channel, c.*, f
FROM (SELECT channel, funnel_as_of(lead_int, stage, at, '2026-03-01 00:00+00', 'mon-fri 09:00-17:30; tz Europe/Berlin'::work_calendar) AS f
      FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel) s,
     conversion_curve(f, 'mql', 'sql', ARRAY[1, 7]) c
ORDER BY channel, c.days
-- true both: funnel_as_of(bigint lead, ...) is pushed to the workers and combined on the coordinator
SELECT p ~ 'worker_partial_agg\(''public\.funnel_as_of\(bigint,public\.lead_stage,timestamp with time zone,timestamp with time zone\)''::regprocedure'
       AND p ~ 'coord_combine_agg\('
FROM plan_of($q$SELECT funnel_as_of(lead_id, stage, at, '2026-03-01 00:00+00') FROM @hist@$q$) p
-- true lead: funnel GROUP BY lead_id runs whole on the shards
SELECT p ~ 'funnel\(lead_id, stage, at\)' AND p !~ 'worker_partial_agg|coord_combine_agg'
FROM plan_of($q$SELECT lead_id, funnel(lead_id, stage, at) FROM @hist@ GROUP BY lead_id$q$) p

-- ---------------------------------------------------------------------------
-- window_funnel per lead

-- same: window_funnel ... GROUP BY lead_id
SELECT lead_id, window_funnel(interval '30 days', at, stage) FROM @hist@ WHERE lead_id IS NOT NULL
GROUP BY lead_id ORDER BY lead_id
-- same: window_funnel(..., 'strict_order') GROUP BY lead_id
SELECT lead_id, window_funnel(interval '60 days', at, stage, 'strict_order') FROM @hist@
WHERE lead_id IS NOT NULL GROUP BY lead_id ORDER BY lead_id
-- true lead: window_funnel GROUP BY lead_id runs whole on the shards
SELECT p ~ 'window_funnel\(' AND p !~ 'worker_partial_agg|coord_combine_agg'
FROM plan_of($q$SELECT lead_id, window_funnel(interval '30 days', at, stage) FROM @hist@ GROUP BY lead_id$q$) p
-- true other: window_funnel GROUP BY lead_id, a lead's events on several shards, is pushed to the workers
SELECT p ~ 'worker_partial_agg\(''public\.window_funnel\(interval,timestamp with time zone,public\.lead_stage\)''::regprocedure'
       AND p ~ 'coord_combine_agg\('
FROM plan_of($q$SELECT lead_id, window_funnel(interval '30 days', at, stage) FROM @hist@ GROUP BY lead_id$q$) p
-- same: window_funnel over every lead at once (one group: partial states of every shard)
SELECT window_funnel(interval '3 days', at, stage, 'strict') FROM @hist@ WHERE lead_id % 97 = 0
-- same: window_funnel ... GROUP BY channel, lead_id (every 10th lead)
SELECT channel, lead_id, window_funnel(interval '14 days', at, stage, 'strict_increase, strict_deduplication')
FROM @hist@ WHERE lead_id % 10 = 3 GROUP BY channel, lead_id ORDER BY channel, lead_id

-- ---------------------------------------------------------------------------
-- a custom enum ladder: funnel(bigint, deal_stage, timestamptz) and the text
-- key one, made by align_concrete_aggregates (test/citus/setup.sql)

-- same: funnel(bigint lead, deal_stage, at)
SELECT funnel(lead_id, deal, at) FROM @hist@
-- same: funnel(text lead, deal_stage, at, within) GROUP BY channel
SELECT channel, funnel(lead_text, deal, at, interval '30 days') FROM @hist@ WHERE lead_id IS NOT NULL
GROUP BY channel ORDER BY channel
-- same: funnel_steps(funnel(bigint lead, deal_stage, at))
SELECT s.* FROM (SELECT funnel(lead_id, deal, at) AS f FROM @hist@) x, funnel_steps(f, NULL::deal_stage) s
-- same: funnel_svg of a distributed funnel (an enum ladder) and of lead_stage funnels per channel
SELECT funnel_svg(f, '{"title": "deals", "stages": "observed"}')
FROM (SELECT funnel(lead_id, deal, at) AS f FROM @hist@) x
-- same: funnel_svg(funnel(integer lead, stage, at)) GROUP BY channel
SELECT channel, funnel_svg(funnel(lead_int, stage, at)) FROM @hist@ WHERE lead_id IS NOT NULL
GROUP BY channel ORDER BY channel
-- same: funnel(bigint lead, deal_stage, at) over no rows, read with the ladder
SELECT f, reached(f, 'won'::deal_stage)
FROM (SELECT funnel(lead_id, deal, at) AS f FROM @hist@ WHERE at < '2000-01-01') x
-- true both: funnel(bigint lead, deal_stage, at) is pushed to the workers
SELECT plan_of($q$SELECT funnel(lead_id, deal, at) FROM @hist@$q$)
       ~ 'worker_partial_agg\(''public\.funnel\(bigint,public\.deal_stage,timestamp with time zone\)''::regprocedure'

-- ---------------------------------------------------------------------------
-- a ladder with declared outcomes (opp_stage: 'disqualified' and 'lost' are
-- exits, declared on every node in test/citus/setup.sql)

-- same: funnel(bigint lead, opp_stage with outcomes, at)
SELECT funnel(lead_id, opp, at) FROM @hist@
-- same: funnel_steps and reached over opp_stage with outcomes, GROUP BY channel
SELECT channel, s.stage, s.leads, s.disqualified, s.lost, reached(f, 'lost'), reached(f, 'won'::opp_stage)
FROM (SELECT channel, funnel(lead_id, opp, at) AS f FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel) x,
     funnel_steps(f, NULL::opp_stage) s ORDER BY channel, s.rank
-- same: window_funnel over an enum (deal_stage) GROUP BY lead_id, every 10th lead
SELECT lead_id, window_funnel(interval '30 days', at, deal) FROM @hist@
WHERE lead_id % 10 = 7 GROUP BY lead_id ORDER BY lead_id
-- true other: window_funnel over an enum, a lead's events on several shards, gathers the rows (an internal state: no worker_partial_agg)
SELECT p ~ 'window_funnel\(' AND p !~ 'worker_partial_agg'
FROM plan_of($q$SELECT lead_id, window_funnel(interval '30 days', at, deal) FROM @hist@ GROUP BY lead_id$q$) p
-- same: window_funnel over opp_stage with outcomes, strict_order (every 10th lead)
SELECT lead_id, window_funnel(interval '30 days', at, opp, 'strict_order') FROM @hist@
WHERE lead_id % 10 = 7 GROUP BY lead_id ORDER BY lead_id
-- true other: workers without the declaration: the coordinator refuses their partial funnels (42804)
SELECT (SELECT bool_and(success) FROM run_command_on_workers($$DELETE FROM ladder_outcome$$))
       AND sqlstate_of($$SELECT funnel(lead_id, opp, at) FROM hist_by_event$$) = '42804'
       AND (SELECT bool_and(success) FROM run_command_on_workers($$INSERT INTO ladder_outcome VALUES
                ('opp_stage', 'disqualified', 'disqualified'), ('opp_stage', 'lost', 'lost')$$))

-- ---------------------------------------------------------------------------
-- handoff_summary and stage_stays: concrete lead and owner types, over a
-- handoff_state (a lead's rows merge across shards by key)

-- same: handoff_summary(bigint lead, text owner)
SELECT handoff_summary(lead_id, at, owner, interval '2 days') FROM @hist@ WHERE at IS NOT NULL
-- same: handoff_summary(text lead, text owner, into)
SELECT handoff_summary(lead_text, at, owner, interval '1 day', 'ae-1') FROM @hist@
-- same: handoff_summary(uuid lead, text owner) GROUP BY channel
SELECT channel, handoff_summary(lead_uuid, at, owner, interval '2 days') FROM @hist@
WHERE lead_id IS NOT NULL GROUP BY channel ORDER BY channel
-- same: handoff_summary(bigint lead, team enum owner, into), made by align_concrete_aggregates
SELECT handoff_summary(lead_id, at, owner_team, interval '2 days'),
       handoff_summary(lead_id, at, owner_team, interval '2 days', 'sales'::team) FROM @hist@
-- same: handoff_summary over no rows
SELECT handoff_summary(lead_id, at, owner, interval '2 days') FROM @hist@ WHERE at < '2000-01-01'
-- same: stage_stays(bigint lead)
SELECT stage_stays(lead_id, at, stage) FROM @hist@ WHERE at IS NOT NULL
-- same: stage_stays(text lead) GROUP BY channel
SELECT channel, stage_stays(lead_text, at, stage) FROM @hist@ WHERE lead_id IS NOT NULL
GROUP BY channel ORDER BY channel
-- same: handoff_summary(bigint lead, text owner) in working time
SELECT handoff_summary(lead_id, at, owner, interval '4 hours', NULL,
                       'mon-fri 09:00-17:30; tz Europe/Berlin; closed 2026-12-25'::work_calendar)
FROM @hist@ WHERE at IS NOT NULL
-- same: handoff_summary(text lead, text owner, into) in working time
SELECT handoff_summary(lead_text, at, owner, interval '1 day', 'ae-1',
                       'mon-thu 22:00-06:00; tz America/New_York'::work_calendar) FROM @hist@
-- same: stage_stays(bigint lead) in working time GROUP BY channel
SELECT channel, stage_stays(lead_id, at, stage, 'mon-fri 09:00-17:00; tz UTC'::work_calendar) FROM @hist@
WHERE lead_id IS NOT NULL GROUP BY channel ORDER BY channel
-- true both: handoff_summary(bigint lead, text owner) is pushed to the workers
SELECT p ~ 'worker_partial_agg\(''public\.handoff_summary\(bigint,timestamp with time zone,text,interval\)''::regprocedure'
       AND p ~ 'coord_combine_agg\('
FROM plan_of($q$SELECT handoff_summary(lead_id, at, owner, interval '2 days') FROM @hist@$q$) p
-- true both: handoff_summary(bigint lead, team owner, into) is pushed to the workers
SELECT plan_of($q$SELECT handoff_summary(lead_id, at, owner_team, interval '2 days', 'sales'::team) FROM @hist@$q$)
       ~ 'worker_partial_agg\(''public\.handoff_summary\(bigint,timestamp with time zone,public\.team,interval,public\.team\)''::regprocedure'
-- true both: stage_stays(bigint lead) is pushed to the workers
SELECT plan_of($q$SELECT stage_stays(lead_id, at, stage) FROM @hist@$q$)
       ~ 'worker_partial_agg\(''public\.stage_stays\(bigint,timestamp with time zone,public\.lead_stage\)''::regprocedure'
-- true both: handoff_summary and stage_stays (bigint lead) with a calendar are pushed to the workers
SELECT plan_of($q$SELECT handoff_summary(lead_id, at, owner, interval '4 hours', NULL, 'mon-fri 09:00-17:00; tz UTC'::work_calendar) FROM @hist@$q$)
       ~ 'worker_partial_agg\(''public\.handoff_summary\(bigint,timestamp with time zone,text,interval,text,public\.work_calendar\)''::regprocedure'
   AND plan_of($q$SELECT stage_stays(lead_id, at, stage, 'mon-fri 09:00-17:00; tz UTC'::work_calendar) FROM @hist@$q$)
       ~ 'worker_partial_agg\(''public\.stage_stays\(bigint,timestamp with time zone,public\.lead_stage,public\.work_calendar\)''::regprocedure'

-- ---------------------------------------------------------------------------
-- handoff_histogram (issue 17): handoff_summary's transition over an
-- internal state, so Citus gathers the rows on the coordinator (no concrete
-- forms), or runs it whole on the shards when grouped by lead_id

-- same: handoff_histogram(bigint lead, text owner)
SELECT handoff_histogram(lead_id, at, owner, interval '2 days') FROM @hist@
-- same: handoff_histogram(text lead, text owner, into)
SELECT handoff_histogram(lead_text, at, owner, interval '1 day', 'ae-1') FROM @hist@
-- same: handoff_histogram(uuid lead, team enum owner) GROUP BY channel
SELECT channel, handoff_histogram(lead_uuid, at, owner_team, interval '4 hours') FROM @hist@
WHERE lead_id IS NOT NULL GROUP BY channel ORDER BY channel
-- same: handoff_histogram(bigint lead, text owner) in working time
SELECT handoff_histogram(lead_id, at, owner, interval '4 hours', NULL,
                         'mon-fri 09:00-17:30; tz Europe/Berlin; closed 2026-12-25'::work_calendar) FROM @hist@
-- same: handoff_histogram GROUP BY lead_id (every 10th lead)
SELECT lead_id, handoff_histogram(lead_id, at, owner, interval '2 days') FROM @hist@
WHERE lead_id % 10 = 0 GROUP BY lead_id ORDER BY lead_id
-- same: handoff_histogram over no rows
SELECT handoff_histogram(lead_id, at, owner, interval '2 days') FROM @hist@ WHERE at < '2000-01-01'
-- true both: handoff_histogram's handoffs and within_sla are handoff_summary's (pushed down) over the same rows
SELECT (h).handoffs = (s).handoffs AND (h).within_sla = round((s).sla_met * (s).handoffs)
FROM (SELECT handoff_histogram(lead_id, at, owner, interval '2 days') FROM @hist@) x(h),
     (SELECT handoff_summary(lead_id, at, owner, interval '2 days') FROM @hist@) y(s)
-- true both: handoff_histogram's counts against plain SQL (lag over each
-- lead's owned rows, gathered on the coordinator first by a materialized CTE)
WITH r AS MATERIALIZED (SELECT lead_id, owner, at FROM @hist@
                        WHERE lead_id IS NOT NULL AND at IS NOT NULL AND owner IS NOT NULL),
     g AS (SELECT owner, at, lag(owner) OVER w AS prev_owner, at - lag(at) OVER w AS gap
           FROM r WINDOW w AS (PARTITION BY lead_id ORDER BY at, owner))
SELECT (SELECT sum(c) FROM unnest((h).counts) c) = p.handoffs AND (h).within_sla = p.within_sla
       AND (h).counts[1] = p.first_bin AND (h).counts[cardinality((h).counts)] = p.over_30_days
FROM (SELECT handoff_histogram(lead_id, at, owner, interval '2 days') FROM @hist@) x(h),
     (SELECT count(*) AS handoffs, count(*) FILTER (WHERE gap <= interval '2 days') AS within_sla,
             count(*) FILTER (WHERE gap <= interval '1 minute') AS first_bin,
             count(*) FILTER (WHERE gap > interval '30 days') AS over_30_days
      FROM g WHERE prev_owner <> owner) p
-- true lead: handoff_histogram GROUP BY lead_id runs whole on the shards
SELECT p ~ 'handoff_histogram\(' AND p !~ 'worker_partial_agg|coord_combine_agg'
FROM plan_of($q$SELECT lead_id, handoff_histogram(lead_id, at, owner, interval '2 days') FROM @hist@ GROUP BY lead_id$q$) p

-- ---------------------------------------------------------------------------
-- pipeline over time and stages_at (issue 15): internal states, so Citus
-- gathers the rows on the coordinator (no concrete forms needed), or, when
-- the query groups by the distribution column, runs the aggregate whole on
-- the shards.  rollup(pipeline) has a concrete state (pipeline, exact text
-- I/O), so Citus may push it down over a distributed table of pipelines.

-- same: pipeline(bigint lead, stage, at), weekly, as rows
SELECT r.* FROM pipeline_rows((SELECT pipeline(lead_id, stage, at, '2026-01-05', '2026-09-28', '1 week') FROM @hist@)) r
-- same: pipeline(text lead, stage, at), monthly, GROUP BY channel
SELECT channel, pipeline(lead_text, stage, at, '2026-01-01', '2026-10-01', '1 month') FROM @hist@
WHERE lead_id IS NOT NULL GROUP BY channel ORDER BY channel
-- same: pipeline over an enum with declared outcomes (opp_stage)
SELECT pipeline(lead_id, opp, at, '2026-01-05', '2026-09-28', '1 week') FROM @hist@
-- same: pipeline over no rows
SELECT pipeline(lead_id, stage, at, '2026-01-05', '2026-09-28', '1 week') IS NULL FROM @hist@ WHERE false
-- same: rollup(pipeline) of per-channel pipelines
SELECT rollup(p) FROM (SELECT pipeline(lead_id, stage, at, '2026-01-05', '2026-09-28', '1 week') AS p
                       FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel) x
-- same: stages_at(lead_stage) GROUP BY lead_id (every 10th lead)
SELECT lead_id, stages_at(stage, at, '{2026-03-01, 2026-01-15, 2026-06-01, 2026-03-01}') FROM @hist@
WHERE lead_id % 10 = 0 GROUP BY lead_id ORDER BY lead_id
-- same: stages_at(deal_stage) GROUP BY lead_id (every 10th lead)
SELECT lead_id, stages_at(deal, at, '{2026-02-01, 2026-05-01}') FROM @hist@
WHERE lead_id % 10 = 0 GROUP BY lead_id ORDER BY lead_id
-- true lead: pipeline GROUP BY lead_id runs whole on the shards
SELECT p ~ 'pipeline\(' AND p !~ 'worker_partial_agg|coord_combine_agg'
FROM plan_of($q$SELECT lead_id, pipeline(lead_id, stage, at, '2026-01-05', '2026-09-28', '1 week') FROM @hist@ GROUP BY lead_id$q$) p
-- true lead: stages_at GROUP BY lead_id runs whole on the shards
SELECT p ~ 'stages_at\(' AND p !~ 'worker_partial_agg|coord_combine_agg'
FROM plan_of($q$SELECT lead_id, stages_at(stage, at, '{2026-03-01}') FROM @hist@ GROUP BY lead_id$q$) p

-- ---------------------------------------------------------------------------
-- attribution (issue 16): an internal state, so Citus gathers the rows on
-- the coordinator, or, grouped by the distribution column, runs it whole on
-- the shards.  rollup(attribution) has a concrete state (attribution, exact
-- text I/O), so Citus may push it down.  Touches: the rows of owners other
-- than the first (stage NULL), credited per channel.

-- same: attribution(bigint lead) linear, as rows
SELECT r.* FROM attribution_rows((SELECT attribution(lead_id, at, channel, CASE WHEN event_id % 3 = 0 THEN NULL ELSE stage END,
                                                      'opportunity') FROM @hist@)) r
-- same: attribution(text lead) u_shaped, GROUP BY cohort month
SELECT date_trunc('month', cohort), attribution(lead_text, at, channel, CASE WHEN event_id % 3 = 0 THEN NULL ELSE stage END,
                                                'customer', 'u_shaped')
FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY 1 ORDER BY 1
-- same: attribution time_decay with a lookback
SELECT attribution(lead_id, at, owner, CASE WHEN event_id % 2 = 0 THEN NULL ELSE stage END, 'sql', 'time_decay',
                   '30 days', '3 days') FROM @hist@
-- same: attribution over no rows
SELECT attribution(lead_id, at, channel, stage, 'opportunity') IS NULL FROM @hist@ WHERE false
-- same: rollup(attribution) of per-channel attributions
SELECT rollup(a) FROM (SELECT attribution(lead_id, at, owner, CASE WHEN event_id % 3 = 0 THEN NULL ELSE stage END,
                                          'opportunity', 'w_shaped') AS a
                       FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel) x
-- true lead: attribution GROUP BY lead_id runs whole on the shards
SELECT p ~ 'attribution\(' AND p !~ 'worker_partial_agg|coord_combine_agg'
FROM plan_of($q$SELECT lead_id, attribution(lead_id, at, channel, stage, 'opportunity') FROM @hist@ GROUP BY lead_id$q$) p
-- engagement_score (issue 16): concrete arguments and a float8[] state, so
-- Citus pushes the partial sums down and adds them on the coordinator.  The
-- stage changes stand in for touches (kind: the stage's text).  The sums
-- are float8, added in another order across shards: compared to 6 decimals.

-- same: engagement_score as of a time
SELECT round(engagement_score(stage::text, at, timestamptz '2026-07-01', '{"mql": 1, "sql": 3, "opportunity": 5}'::jsonb)::numeric, 6)
FROM @hist@
-- same: engagement_score with half_life and default_weight GROUP BY channel
SELECT channel, round(engagement_score(stage::text, at, timestamptz '2026-09-01', '{"mql": 1, "customer": 10}'::jsonb,
                                       interval '30 days', 0.5)::numeric, 6)
FROM @hist@ WHERE lead_id IS NOT NULL GROUP BY channel ORDER BY channel
-- same: engagement_score GROUP BY lead_id (every 10th lead)
SELECT lead_id, round(engagement_score(stage::text, at, timestamptz '2026-07-01', '{"mql": 1, "sql": 3}'::jsonb,
                                       interval '3 days')::numeric, 9)
FROM @hist@ WHERE lead_id % 10 = 0 GROUP BY lead_id ORDER BY lead_id
-- same: engagement_score in working time
SELECT round(engagement_score(stage::text, at, timestamptz '2026-07-01', '{"mql": 1, "sql": 3}'::jsonb, interval '16 hours', 0,
                              'mon-fri 09:00-17:30; tz Europe/Berlin'::work_calendar)::numeric, 6)
FROM @hist@
-- true both: engagement_score is pushed to the workers (worker_partial_agg)
SELECT plan_of($q$SELECT engagement_score(stage::text, at, timestamptz '2026-07-01', '{"mql": 1}'::jsonb) FROM @hist@$q$)
       ~ 'worker_partial_agg\(''public\.engagement_score\(text,timestamp with time zone,timestamp with time zone,jsonb\)''::regprocedure'
