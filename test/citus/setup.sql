-- test/citus.sh, on the coordinator after test/data/generate.sql: the same
-- stage history as a plain table on the coordinator (the single-node
-- reference) and as two Citus tables, one distributed by the lead (each
-- lead on one shard) and one by a shuffled event id (a lead's events on
-- several shards, the partial states merge leads by key); per-lead and
-- per-cohort tables for funnel(stage) and rollup(funnel).
SET client_min_messages = warning;

-- the history: lead keys as bigint, integer, numeric, text and uuid, the
-- stage as lead_stage, the lead's channel and creation-day cohort
CREATE TABLE hist_local AS
SELECT row_number() OVER (ORDER BY md5(h.n::text)) AS event_id,
       h.lead_id,
       h.lead_id::integer AS lead_int,
       h.lead_id::numeric AS lead_num,
       'lead-' || h.lead_id AS lead_text,
       md5(h.lead_id::text)::uuid AS lead_uuid,
       h.stage_label::lead_stage AS stage,
       h.changed_at AS at,
       h.owner,
       l.channel,
       date_trunc('day', l.created_at)::date AS cohort
FROM (SELECT row_number() OVER () AS n, * FROM crm_stage_history) h
LEFT JOIN crm_leads l USING (lead_id);

-- a custom ladder (an enum: its sort order is the ladder) and a team enum
-- for owners, with concrete aggregates over them from
-- align_concrete_aggregates (Citus propagates the types and the aggregates
-- to the workers)
CREATE TYPE deal_stage AS ENUM ('prospect', 'qualified', 'demo', 'proposal', 'won');
CREATE TYPE team AS ENUM ('marketing', 'sales', 'success');
SELECT count(*) FROM align_concrete_aggregates('bigint', 'deal_stage');
SELECT count(*) FROM align_concrete_aggregates('text', 'deal_stage');
SELECT count(*) FROM align_concrete_aggregates('bigint', 'lead_stage', 'team');
-- a ladder with declared outcomes (ladder_outcome): the table is each
-- node's own, so the declaration is made on every node
CREATE TYPE opp_stage AS ENUM ('open', 'disqualified', 'qualified', 'won', 'lost');
SELECT count(*) FROM align_concrete_aggregates('bigint', 'opp_stage');
SELECT count(*) FROM run_command_on_all_nodes($$INSERT INTO ladder_outcome VALUES
    ('opp_stage', 'disqualified', 'disqualified'), ('opp_stage', 'lost', 'lost')$$);
ALTER TABLE hist_local ADD COLUMN deal deal_stage, ADD COLUMN owner_team team, ADD COLUMN opp opp_stage;
UPDATE hist_local SET
    deal = CASE stage_rank(stage) WHEN 1 THEN 'prospect' WHEN 2 THEN 'prospect' WHEN 3 THEN 'qualified'
                                  WHEN 4 THEN 'qualified' WHEN 5 THEN 'demo' WHEN 6 THEN 'proposal'
                                  WHEN 7 THEN 'won' WHEN 8 THEN 'won' END::deal_stage,
    opp = CASE WHEN stage_rank(stage) <= 3 THEN 'open' WHEN stage_rank(stage) <= 6 THEN 'qualified'
               WHEN stage_rank(stage) IS NOT NULL THEN 'won'
               WHEN stage = 'disqualified' THEN 'disqualified'
               WHEN stage IN ('lost', 'recycled') THEN 'lost' END::opp_stage,
    owner_team = CASE WHEN owner LIKE 'mkt%' THEN 'marketing' WHEN owner LIKE 'csm%' THEN 'success'
                      WHEN owner IS NOT NULL THEN 'sales' END::team;

-- Citus takes no NULL distribution column: the by-lead table leaves out the
-- rows without a lead (which every funnel skips); the by-event table has them
CREATE TABLE hist_by_lead (LIKE hist_local);
SELECT create_distributed_table('hist_by_lead', 'lead_id');
INSERT INTO hist_by_lead SELECT * FROM hist_local WHERE lead_id IS NOT NULL;
CREATE TABLE hist_by_event (LIKE hist_local);
SELECT create_distributed_table('hist_by_event', 'event_id');
INSERT INTO hist_by_event SELECT * FROM hist_local;

-- one row per lead: its furthest ladder stage (NULL when it has none)
CREATE TABLE leads_local AS
SELECT lead_id, min(channel) AS channel,
       max(stage) FILTER (WHERE stage_rank(stage) IS NOT NULL) AS furthest
FROM hist_local WHERE lead_id IS NOT NULL GROUP BY lead_id;
CREATE TABLE leads_by_lead (LIKE leads_local);
SELECT create_distributed_table('leads_by_lead', 'lead_id');
INSERT INTO leads_by_lead SELECT * FROM leads_local;
CREATE TABLE leads_by_channel (LIKE leads_local);
SELECT create_distributed_table('leads_by_channel', 'channel');
INSERT INTO leads_by_channel SELECT * FROM leads_local;

-- one funnel per cohort day and channel, distributed by the day and by the channel
CREATE TABLE daily_local AS
SELECT cohort, channel, funnel(lead_id, stage, at) AS f
FROM hist_local WHERE cohort IS NOT NULL GROUP BY cohort, channel;
CREATE TABLE daily_by_day (LIKE daily_local);
SELECT create_distributed_table('daily_by_day', 'cohort');
INSERT INTO daily_by_day SELECT * FROM daily_local;
CREATE TABLE daily_by_channel (LIKE daily_local);
SELECT create_distributed_table('daily_by_channel', 'channel');
INSERT INTO daily_by_channel SELECT * FROM daily_local;

ANALYZE hist_local, hist_by_lead, hist_by_event, leads_local, leads_by_lead,
    leads_by_channel, daily_local, daily_by_day, daily_by_channel;

-- 'ok', or the SQLSTATE a statement raises.
CREATE FUNCTION sqlstate_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

-- The verbose plan of a query, as one text.
CREATE FUNCTION plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END $$;

-- The bytes the coordinator received from the workers for a query, from
-- Citus' EXPLAIN ANALYZE ("Tuple data received from nodes: 2345 kB").
-- Citus 13.2.2 cannot EXPLAIN ANALYZE a query it pushes down with
-- worker_partial_agg (that returns cstring, and EXPLAIN ANALYZE wraps the
-- shard query in a function call whose column list may not name it:
-- "column field_0 has pseudo-type cstring"); see partial_state_bytes.
CREATE FUNCTION bytes_received(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    line text;
    m text[];
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
        m := regexp_match(line, 'Tuple data received from nodes: (\d+) (bytes|kB|MB|GB)');
        IF m IS NOT NULL THEN
            RETURN m[1]::bigint * CASE m[2] WHEN 'bytes' THEN 1 WHEN 'kB' THEN 1024
                                          WHEN 'MB' THEN 1024 * 1024 ELSE 1024 * 1024 * 1024 END;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- The bytes the coordinator receives for an aggregate Citus pushes down
-- with worker_partial_agg: per shard, the text form of the partial states
-- the shard query returns (run on every shard), summed.
-- With group_by, one state per group and shard (as GROUP BY that column
-- makes them).
CREATE FUNCTION partial_state_bytes(tbl regclass, agg regprocedure, args text, group_by text DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $$
    SELECT sum(result::bigint)::bigint FROM run_command_on_shards(tbl, format(
        'SELECT coalesce(sum(octet_length(s)), 0) FROM (SELECT pg_catalog.worker_partial_agg(%L::regprocedure, ROW(%s))::text AS s FROM %%s %s) x',
        agg::text, args, CASE WHEN group_by IS NULL THEN '' ELSE 'GROUP BY ' || group_by END))
$$;
