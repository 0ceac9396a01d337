-- Aggregates over concrete types (what Citus needs): the handoff_state type
-- (partial states of handoff_summary and stage_stays, as Citus ships them:
-- text out, text in, combine), align_concrete_aggregates for custom ladders
-- and owner types, and hostile handoff_state input.  Answers against plain
-- SQL over the same rows.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql
\i sql/include/plain_stats.sql

SELECT setseed(0.57);
CREATE TABLE cc_events AS
SELECT lead_id,
       timestamptz '2026-03-01' + date_trunc('minute', k * interval '7 hours' * (0.2 + random())) AS at,
       CASE WHEN random() < 0.05 THEN NULL
            ELSE (ARRAY['marketing', 'sales', 'success', 'sales'])[1 + floor(random() * least(4, 1 + k))::int]
       END AS team,
       (ARRAY['mql', 'sal', 'sql', 'opportunity', 'customer', 'lost'])[1 + least(k, 5)]::lead_stage AS stage,
       random() AS part
FROM generate_series(1, 2000) lead_id, LATERAL generate_series(0, (random() * 6 + lead_id * 0)::int) k
ORDER BY random();
UPDATE cc_events SET at = date_trunc('day', at) WHERE random() < 0.1;

-- the plain-SQL answer: gaps at each change of owner, in (at, owner) order
CREATE TEMP VIEW cc_plain AS
SELECT count(*) AS handoffs,
       justify_hours(percentile_disc(0.5) WITHIN GROUP (ORDER BY gap)) AS median,
       justify_hours(percentile_disc(0.9) WITHIN GROUP (ORDER BY gap)) AS p90,
       avg((gap <= interval '10 hours')::int)::float8 AS met
FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
      FROM cc_events WHERE team IS NOT NULL
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
WHERE prev_team IS NOT NULL AND prev_team <> team;

-- the same gaps, for whole values (every column of handoff_stats)
CREATE TEMP VIEW cc_plain_stats AS
SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '10 hours') AS stats
FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
      FROM cc_events WHERE team IS NOT NULL
      WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
WHERE prev_team IS NOT NULL AND prev_team <> team;

-- the concrete aggregate is the one a bigint lead and a text owner resolve to
SELECT p.oid::regprocedure AS resolved, a.aggtranstype::regtype AS state
FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE p.oid = 'handoff_summary(bigint, timestamptz, text, interval)'::regprocedure;

-- partial states as Citus makes them: each "shard" a random part of the rows
-- (a lead's rows on several), its state through text, merged by the combine
-- function
CREATE AGGREGATE cc_partial(bigint, timestamptz, text, interval) (
    SFUNC = handoff_state_trans, STYPE = handoff_state);
CREATE AGGREGATE cc_merge(handoff_state) (
    SFUNC = handoff_state_combine, STYPE = handoff_state, FINALFUNC = handoff_state_final);
CREATE TEMP TABLE cc_states AS
SELECT floor(part * 4)::int AS shard,
       cc_partial(lead_id, at, team, interval '10 hours')::text AS state_text
FROM cc_events GROUP BY 1;
SELECT count(*) AS shards, bool_and(state_text ~ '^[A-Za-z0-9+/]+=*$') AS base64 FROM cc_states;
SELECT (m).handoffs = p.handoffs AS same_count, (m).median_gap = p.median AS same_median,
       (m).p90_gap = p.p90 AS same_p90, (m).sla_met = p.met AS same_sla, (m).handoffs
FROM (SELECT cc_merge(state_text::handoff_state) AS m FROM cc_states) s, cc_plain p;
-- every column, the quantiles as percentile_disc and percentile_cont, as
-- intervals and in hours (computed by the final function from the rows the
-- states carry: the state format did not change)
SELECT s.m::text = p.stats::text AS merged_states_every_column, (s.m).median_gap_hours, (s.m).p90_gap_cont
FROM (SELECT cc_merge(state_text::handoff_state) AS m FROM cc_states) s, cc_plain_stats p;
-- the whole aggregate gives the same
SELECT (h).handoffs = p.handoffs AS same_count, (h).median_gap = p.median AS same_median
FROM (SELECT handoff_summary(lead_id, at, team, interval '10 hours') AS h FROM cc_events) s, cc_plain p;
-- a state reads back to the same text
SELECT bool_and(state_text::handoff_state::text = state_text) AS round_trip FROM cc_states;

-- stage_stays the same way, against plain SQL: a stay lasts until the lead's
-- next row (ties in ladder order)
CREATE AGGREGATE cc_stays_partial(text, timestamptz, lead_stage) (
    SFUNC = stays_state_trans, STYPE = handoff_state);
CREATE AGGREGATE cc_stays_merge(handoff_state) (
    SFUNC = handoff_state_combine, STYPE = handoff_state, FINALFUNC = stays_state_final);
SELECT s.stage, s.stays = p.stays AS same_stays, s.median_stay = p.median AS same_median,
       s::text = p.stats::text AS same_every_column, s.stays
FROM unnest((SELECT cc_stays_merge(st::text::handoff_state)
             FROM (SELECT cc_stays_partial(lead_id::text, at, stage) AS st
                   FROM cc_events GROUP BY floor(part * 3)) x)) s
JOIN (SELECT stage, count(*) AS stays,
             justify_hours(percentile_disc(0.5) WITHIN GROUP (ORDER BY stay)) AS median,
             pg_temp.plain_stay_stats(stage, array_agg(stay)) AS stats
      FROM (SELECT stage, lead(at) OVER w - at AS stay
            FROM cc_events WINDOW w AS (PARTITION BY lead_id ORDER BY at, stage)) x
      WHERE stay IS NOT NULL GROUP BY stage) p USING (stage)
ORDER BY s.stage;

-- a handoff_summary state given to stage_stays' final, and the other way round
SELECT pg_temp.sqlstate_of($$SELECT stays_state_final(cc_partial(lead_id, at, team, '1 day')) FROM cc_events$$) AS handoff_to_stays,
       pg_temp.sqlstate_of($$SELECT handoff_state_final(cc_stays_partial(lead_id::text, at, stage)) FROM cc_events$$) AS stays_to_handoff;

-- hostile text: not base64 (22P02); base64 of anything else, truncated
-- states, another version, owners as raw bytes (only a parallel worker of
-- the same server may send those), an owner type that does not exist, a
-- row of an owner the state does not have (XX001 or the type lookup's own)
SELECT pg_temp.sqlstate_of($$SELECT 'not base64!'::handoff_state$$) AS not_base64,
       pg_temp.sqlstate_of($$SELECT 'aGVsbG8='::handoff_state$$) AS hello,
       pg_temp.sqlstate_of($$SELECT ''::handoff_state$$) AS empty;
SELECT pg_temp.sqlstate_of(format('SELECT %L::handoff_state', left(state_text, 40))) AS truncated
FROM cc_states WHERE shard = 0;
SELECT pg_temp.sqlstate_of(format('SELECT %L::handoff_state',
                          encode(set_byte(decode(state_text, 'base64'), 0, 9), 'base64'))) AS version_9,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state',
                          encode(set_byte(decode(state_text, 'base64'), 1, ascii('r')), 'base64'))) AS raw_owners
FROM cc_states WHERE shard = 0;
-- hand-made states: version 5, portable, sla 0, no into, encoding UTF8,
-- owner type pg_catalog.text, collation pg_catalog."default", no stage
-- ladder (stage_stays' enum: ''), one owner
-- 'a', one row of owner 2 (there is none); without a collation for text
-- owners; an owner type that does not exist; and, well formed, one row of
-- owner 1.  Strings are a length and the bytes; a row is a varint of
-- (owner << 1 | a new lead), the lead's 8-byte hash and its time as a
-- zigzag varint (7 us: 0x0e).
CREATE FUNCTION pg_temp.str(s text) RETURNS bytea LANGUAGE sql AS $$
    SELECT int4send(octet_length(convert_to(s, 'UTF8'))) || convert_to(s, 'UTF8') $$;
CREATE FUNCTION pg_temp.hs(type text, coll text, owners text[], row_owner bigint) RETURNS text
LANGUAGE sql AS $$
    SELECT encode('\x0570'::bytea || int8send(0) || '\x00'::bytea || int4send(-1)
                  || pg_temp.str('UTF8') || pg_temp.str(type) || pg_temp.str(coll) || pg_temp.str('')
                  || int4send(cardinality(owners))
                  || coalesce((SELECT string_agg(pg_temp.str(o), ''::bytea) FROM unnest(owners) o), ''::bytea)
                  || int8send(1) || set_byte('\x00'::bytea, 0, (row_owner * 2 + 1)::int)
                  || int8send(1) || '\x0e'::bytea, 'base64') $$;
SELECT pg_temp.sqlstate_of(format('SELECT %L::handoff_state',
           pg_temp.hs('pg_catalog.text', 'pg_catalog."default"', ARRAY['a'], 2))) AS unknown_owner,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state',
           pg_temp.hs('pg_catalog.text', '', ARRAY['a'], 1))) AS no_collation,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state',
           pg_temp.hs('no_such_type', '', ARRAY[]::text[], 0))) AS no_such_type;
SELECT handoff_state_final(pg_temp.hs('pg_catalog.text', 'pg_catalog."default"', ARRAY['a'], 1)::handoff_state) AS one_row;
-- packed rows that lie: a first row without its lead (header 0x02), a varint
-- of eleven bytes, a time delta past 2^63
SELECT pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(
           substring(decode(pg_temp.hs('pg_catalog.text', 'pg_catalog."default"', ARRAY['a'], 1), 'base64')
                     FROM 1 FOR 79) || int8send(1) || '\x0200'::bytea, 'base64'))) AS no_lead,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(
           substring(decode(pg_temp.hs('pg_catalog.text', 'pg_catalog."default"', ARRAY['a'], 1), 'base64')
                     FROM 1 FOR 79) || int8send(1) || '\xffffffffffffffffffff01'::bytea, 'base64'))) AS long_varint,
       pg_temp.sqlstate_of(format('SELECT %L::handoff_state', encode(
           substring(decode(pg_temp.hs('pg_catalog.text', 'pg_catalog."default"', ARRAY['a'], 1), 'base64')
                     FROM 1 FOR 79) || int8send(2) || '\x03'::bytea || int8send(1) || '\x0e'::bytea
           || '\x02ffffffffffffffff7f'::bytea, 'base64'))) AS huge_delta;

-- the portable form does not depend on the session: owners outside ASCII
-- under client_encoding LATIN1 (the same state bytes as under UTF8, and a
-- parallel plan gives the serial answer), dates under another DateStyle
CREATE TEMP TABLE cc_accents AS
SELECT lead_id, at, CASE WHEN team = 'sales' THEN 'José' WHEN team = 'success' THEN 'Zoë' ELSE team END AS team,
       date '2026-01-01' + (lead_id % 3) AS owner_day
FROM cc_events;
SELECT md5(cc_partial(lead_id, at, team, interval '10 hours')::text) AS utf8_state
FROM cc_accents WHERE lead_id <= 500 \gset
SET client_encoding = 'LATIN1';
SELECT md5(cc_partial(lead_id, at, team, interval '10 hours')::text) = :'utf8_state' AS same_state_latin1
FROM cc_accents WHERE lead_id <= 500;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET align.partial_merge_cost = 0;
SELECT (SELECT handoff_summary(lead_id, at, team, interval '10 hours') FROM cc_accents)::text
     = (SELECT pg_temp.plain_handoff_stats(array_agg(gap), interval '10 hours')::text
        FROM (SELECT gap
              FROM (SELECT team, at - lag(at) OVER w AS gap, lag(team) OVER w AS prev_team
                    FROM cc_accents WHERE team IS NOT NULL
                    WINDOW w AS (PARTITION BY lead_id ORDER BY at, team)) x
              WHERE prev_team IS NOT NULL AND prev_team <> team) g) AS parallel_latin1_as_plain;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;
RESET client_encoding;
SELECT count(*) AS declared FROM align_concrete_aggregates('integer', 'lead_stage', 'date');
CREATE AGGREGATE cc_day_partial(integer, timestamptz, date, interval) (
    SFUNC = handoff_state_trans, STYPE = handoff_state);
SET DateStyle = 'SQL, DMY';
CREATE TEMP TABLE cc_day_state AS
SELECT cc_day_partial(lead_id, at, owner_day, interval '1 day')::text AS s FROM cc_accents;
RESET DateStyle;
SELECT handoff_state_final(s::handoff_state) = (SELECT handoff_summary(lead_id, at, owner_day, interval '1 day') FROM cc_accents)
       AS dmy_state_reads_back
FROM cc_day_state;

-- window_funnel_state: per lead, partial states of random parts of its rows
-- through text, combined, read by the final function, against the whole
-- aggregate (window_funnel's own answers are checked against plain SQL in
-- window_funnel.sql)
CREATE AGGREGATE cc_wf_partial(interval, timestamptz, lead_stage, text) (
    SFUNC = window_funnel_trans, STYPE = window_funnel_state);
CREATE AGGREGATE cc_wf_merge(window_funnel_state) (
    SFUNC = window_funnel_combine, STYPE = window_funnel_state);
CREATE TEMP TABLE cc_wf AS
SELECT lead_id, floor(part * 3)::int AS shard,
       cc_wf_partial(interval '1 day', at, stage, 'strict_order')::text AS state_text
FROM cc_events GROUP BY 1, 2;
SELECT count(*) AS leads, count(*) FILTER (WHERE m IS NOT DISTINCT FROM w) AS same,
       count(*) FILTER (WHERE w IS NOT NULL) AS with_a_stage
FROM (SELECT lead_id, window_funnel_final(cc_wf_merge(state_text::window_funnel_state),
                                          NULL::interval, NULL::timestamptz, NULL::lead_stage, NULL::text) AS m
      FROM cc_wf GROUP BY lead_id) x
JOIN (SELECT lead_id, window_funnel(interval '1 day', at, stage, 'strict_order') AS w
      FROM cc_events GROUP BY lead_id) y USING (lead_id);
SELECT bool_and(state_text::window_funnel_state::text = state_text) AS round_trip FROM cc_wf;
-- hostile window_funnel_state text: not base64, empty, another version, a
-- header without its events, a stage slot beyond every ladder, trailing bytes
SELECT pg_temp.sqlstate_of($$SELECT 'not base64!'::window_funnel_state$$) AS not_base64,
       pg_temp.sqlstate_of($$SELECT ''::window_funnel_state$$) AS empty,
       pg_temp.sqlstate_of(format('SELECT %L::window_funnel_state', encode(
           '\x02'::bytea || int8send(0) || int4send(0) || int4send(0), 'base64'))) AS version_2,
       pg_temp.sqlstate_of(format('SELECT %L::window_funnel_state', encode(
           '\x01'::bytea || int8send(0) || int4send(0) || int4send(3), 'base64'))) AS missing_events,
       pg_temp.sqlstate_of(format('SELECT %L::window_funnel_state', encode(
           '\x01'::bytea || int8send(0) || int4send(0) || int4send(1) || int8send(0) || '\xff'::bytea, 'base64'))) AS bad_slot,
       pg_temp.sqlstate_of(format('SELECT %L::window_funnel_state', encode(
           '\x01'::bytea || int8send(0) || int4send(0) || int4send(0) || '\x00'::bytea, 'base64'))) AS trailing,
       pg_temp.sqlstate_of(format('SELECT %L::window_funnel_state', encode(
           '\x01'::bytea || int8send(-1) || int4send(0) || int4send(0), 'base64'))) AS negative_window,
       pg_temp.sqlstate_of(format('SELECT %L::window_funnel_state', encode(
           '\x01'::bytea || int8send(0) || int4send(64) || int4send(0), 'base64'))) AS unknown_mode;
-- a well-formed hand-made state: one MQL event
SELECT window_funnel_final(encode('\x01'::bytea || int8send(86400000000) || int4send(0) || int4send(1)
                                  || int8send(0) || '\x02'::bytea, 'base64')::window_funnel_state,
                           NULL::interval, NULL::timestamptz, NULL::lead_stage) AS one_event;

-- align_concrete_aggregates: a custom ladder, an enum owner
CREATE TYPE cc_deal AS ENUM ('prospect', 'qualified', 'demo', 'proposal', 'won');
CREATE TYPE cc_team AS ENUM ('marketing', 'sales', 'success');
SELECT * FROM align_concrete_aggregates('bigint', 'cc_deal') ORDER BY 1::text;
SELECT * FROM align_concrete_aggregates('integer', 'lead_stage', 'cc_team') ORDER BY 1::text;
-- again: nothing new, the same list
SELECT count(*) FROM align_concrete_aggregates('bigint', 'cc_deal');
-- the funnel over the custom ladder, against plain SQL: a lead reached a
-- stage when its furthest stage is that one or later
CREATE TEMP TABLE cc_deals AS
SELECT lead_id, (enum_range(NULL::cc_deal))[1 + least(stage_rank(stage), 5) - 1] AS deal, at
FROM cc_events WHERE stage_rank(stage) IS NOT NULL;
SELECT s.stage, s.leads = p.leads AS same, s.leads
FROM funnel_steps((SELECT funnel(lead_id::bigint, deal, at) FROM cc_deals), NULL::cc_deal) s
JOIN (SELECT d AS stage, count(*) FILTER (WHERE furthest >= d) AS leads
      FROM (SELECT lead_id, max(deal) AS furthest FROM cc_deals GROUP BY lead_id) l,
           unnest(enum_range(NULL::cc_deal)) d GROUP BY d) p ON p.stage = s.stage
ORDER BY s.rank;
-- the enum owner aggregate, against plain SQL on the same rows
SELECT (h).handoffs = p.handoffs AS same_count, (h).median_gap = p.median AS same_median
FROM (SELECT handoff_summary(lead_id::integer, at, team::cc_team, interval '10 hours') AS h FROM cc_events) s,
     cc_plain p;
-- a quoted type name with a comma and a space
CREATE TYPE "cc a, b" AS ENUM ('x', 'y');
SELECT * FROM align_concrete_aggregates('text', '"cc a, b"') ORDER BY 1::text;
-- an aggregate of a signature it would declare, made by someone else, is
-- refused (42723), not taken for one of its own
CREATE FUNCTION pg_temp.not_align(funnel, smallint, cc_deal, timestamptz) RETURNS funnel
    LANGUAGE sql AS 'SELECT $1';
CREATE AGGREGATE funnel(smallint, cc_deal, timestamptz) (SFUNC = pg_temp.not_align, STYPE = funnel);
SELECT pg_temp.sqlstate_of($$SELECT align_concrete_aggregates('smallint', 'cc_deal')$$) AS foreign_aggregate;
DROP AGGREGATE funnel(smallint, cc_deal, timestamptz);
-- (dropped here, so that no message names the temporary schema, whose
-- number depends on the backends still running)
DROP FUNCTION pg_temp.not_align(funnel, smallint, cc_deal, timestamptz);
-- errors: no such lead type, a stage type that is no ladder, a pseudo-type
SELECT pg_temp.sqlstate_of($$SELECT align_concrete_aggregates('anyelement')$$) AS pseudo_lead,
       pg_temp.sqlstate_of($$SELECT align_concrete_aggregates('bigint', 'text')$$) AS text_ladder,
       pg_temp.sqlstate_of($$SELECT align_concrete_aggregates('bigint', 'lead_stage', 'internal')$$) AS pseudo_owner,
       pg_temp.sqlstate_of($$SELECT align_concrete_aggregates(NULL)$$) AS null_lead,
       pg_temp.sqlstate_of($$SELECT align_concrete_aggregates('no_such_type')$$) AS no_type;

DROP VIEW cc_plain, cc_plain_stats;
DROP TABLE cc_events, cc_states, cc_deals, cc_wf, cc_accents, cc_day_state;
DROP AGGREGATE cc_wf_partial(interval, timestamptz, lead_stage, text), cc_wf_merge(window_funnel_state),
    cc_partial(bigint, timestamptz, text, interval), cc_merge(handoff_state),
    cc_stays_partial(text, timestamptz, lead_stage), cc_stays_merge(handoff_state),
    cc_day_partial(integer, timestamptz, date, interval);
DROP TYPE cc_deal, cc_team, "cc a, b" CASCADE;
