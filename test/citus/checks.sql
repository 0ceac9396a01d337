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

-- ---------------------------------------------------------------------------
-- handoff_summary and stage_stays (internal states: Citus aggregates them on
-- the coordinator; the answers must still match)

-- same: handoff_summary
SELECT handoff_summary(lead_id, at, owner, interval '2 days') FROM @hist@ WHERE at IS NOT NULL
-- same: stage_stays
SELECT stage_stays(lead_id, at, stage) FROM @hist@ WHERE at IS NOT NULL
