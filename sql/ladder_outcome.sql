-- Outcomes of a custom ladder (issue 13, item 3): rows of ladder_outcome
-- make enum values exits (recycled, disqualified, lost), not stages.  With
-- 'Closed Lost' declared lost, reached('Closed Won') no longer counts the
-- lost deals.  Every count equals plain SQL over the same rows, with the
-- ladder and the outcomes written out here as plain rows; stage_stays and
-- try_stage still see every value.  Bad declarations, a non-owner writing
-- one, and funnels built under another declaration are errors.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- a Salesforce-like stage list: outcomes in the middle and at the end
CREATE TYPE lo_opp_stage AS ENUM ('Prospecting', 'Qualification', 'Disqualified', 'Proposal',
                               'Closed Won', 'Closed Lost', 'Closed Lost - No Budget');
-- the oracle's own copy of the declaration: the ladder and the outcomes
CREATE TABLE lo_ladder (label text PRIMARY KEY, rank int);
INSERT INTO lo_ladder VALUES ('Prospecting', 1), ('Qualification', 2), ('Proposal', 3), ('Closed Won', 4);
CREATE TABLE lo_outcome (label text PRIMARY KEY, kind text);
INSERT INTO lo_outcome VALUES ('Disqualified', 'disqualified'), ('Closed Lost', 'lost'),
                              ('Closed Lost - No Budget', 'lost');

-- 2000 leads, 1 to 5 events of any value at whole-second times; a few
-- ladder events at an unknown time
SELECT setseed(0.31);
CREATE TABLE lo_events AS
SELECT lead_id, v AS stage,
       CASE WHEN random() < 0.03 AND v::text IN (SELECT label FROM lo_ladder) THEN NULL
            ELSE timestamptz '2026-03-01' + date_trunc('second', random() * interval '60 days') END AS at
FROM generate_series(1, 2000) lead_id,
     LATERAL generate_series(1, 1 + floor(random() * 5 + lead_id * 0)::int) k,
     LATERAL (SELECT (enum_range(NULL::lo_opp_stage))[1 + floor(random() * 7 + k * 0)::int] AS v) r;
SELECT count(*) > 5000 AS enough_events, count(*) FILTER (WHERE at IS NULL) > 0 AS some_null_times
FROM lo_events;

-- before the declaration: every value is a stage, 'Closed Lost' the top
CREATE TABLE lo_before AS SELECT funnel(lead_id, stage, at) AS f FROM lo_events;
SELECT reached(f, 'Closed Won'::lo_opp_stage) = (SELECT count(DISTINCT lead_id) FROM lo_events
                                               WHERE stage >= 'Closed Won') AS counts_lost_deals_too
FROM lo_before;

-- the declaration
INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Disqualified', 'disqualified'),
                                  ('lo_opp_stage', 'Closed Lost', 'lost'),
                                  ('lo_opp_stage', 'Closed Lost - No Budget', 'lost');
CREATE TABLE lo_f AS SELECT funnel(lead_id, stage, at) AS f FROM lo_events;
SELECT (f::text::jsonb) -> 'labels' AS ladder, (f::text::jsonb) ? 'lost' AS tracks_outcomes FROM lo_f;

-- reached: a ladder stage or any later ladder stage; an outcome by kind
CREATE TEMP VIEW lo_reached AS
SELECT l.label, count(DISTINCT e.lead_id) AS n
FROM lo_ladder l
LEFT JOIN lo_events e ON e.stage::text IN (SELECT label FROM lo_ladder WHERE rank >= l.rank)
GROUP BY l.label
UNION ALL
SELECT k.kind, count(DISTINCT e.lead_id)
FROM (VALUES ('recycled'), ('disqualified'), ('lost')) k(kind)
LEFT JOIN lo_outcome o ON o.kind = k.kind
LEFT JOIN lo_events e ON e.stage::text = o.label
GROUP BY k.kind;
SELECT r.label, r.n AS plain_sql,
       CASE WHEN r.label IN (SELECT label FROM lo_ladder) THEN reached(f, r.label::lo_opp_stage)
            ELSE reached(f, r.label) END AS align,
       reached(f, r.label) AS as_text
FROM lo_reached r, lo_f
ORDER BY r.label;
SELECT count(*) AS mismatches FROM lo_reached r, lo_f
WHERE r.n <> reached(f, r.label);
-- each declared value reads as its kind
SELECT o.label, reached(f, o.label::lo_opp_stage) = reached(f, o.kind) AS same_as_kind
FROM lo_outcome o, lo_f ORDER BY o.label;

-- exits at a stage: a lead's first event of a kind, at the highest ladder
-- stage entered by then (entered: its first known time; a stage with only
-- unknown times counts as before it; ties put the ladder first); none:
-- before the ladder (rank 0)
CREATE TEMP VIEW lo_exits AS
WITH firsts AS (
    SELECT e.lead_id, o.kind, min(e.at) AS t
    FROM lo_events e JOIN lo_outcome o ON o.label = e.stage::text
    GROUP BY e.lead_id, o.kind),
entered AS (
    SELECT e.lead_id, l.rank, min(e.at) AS t
    FROM lo_events e JOIN lo_ladder l ON l.label = e.stage::text
    GROUP BY e.lead_id, l.rank),
at_stage AS (
    SELECT f.kind, coalesce((SELECT max(n.rank) FROM entered n
                             WHERE n.lead_id = f.lead_id AND (n.t IS NULL OR n.t <= f.t)), 0) AS rank
    FROM firsts f)
SELECT rank, count(*) FILTER (WHERE kind = 'recycled') AS recycled,
       count(*) FILTER (WHERE kind = 'disqualified') AS disqualified,
       count(*) FILTER (WHERE kind = 'lost') AS lost
FROM at_stage GROUP BY rank;
SELECT s.rank, s.label, s.leads, s.recycled, s.disqualified, s.lost,
       (s.leads, s.recycled, s.disqualified, s.lost) IS NOT DISTINCT FROM
       (r.n, coalesce(x.recycled, 0), coalesce(x.disqualified, 0), coalesce(x.lost, 0)) AS matches_plain_sql
FROM lo_f, funnel_steps(f) s
LEFT JOIN lo_reached r ON r.label = s.label
LEFT JOIN lo_exits x ON x.rank = s.rank
ORDER BY s.rank;
-- the stage column is the enum, with the enum as the vocabulary
SELECT stage, pg_typeof(stage) FROM lo_f, funnel_steps(f, NULL::lo_opp_stage) ORDER BY rank;

-- conversion between ladder stages skips the outcomes
SELECT conversion(f, 'Proposal'::lo_opp_stage, 'Closed Won'::lo_opp_stage) =
       (SELECT count(DISTINCT lead_id) FROM lo_events WHERE stage = 'Closed Won')::float8 /
       (SELECT count(DISTINCT lead_id) FROM lo_events WHERE stage IN ('Proposal', 'Closed Won'))
       AS win_rate_matches
FROM lo_f;

-- the text form reads back equal; rollup of halves equals the whole
SELECT f::text::funnel::text = f::text AS text_round_trip FROM lo_f;
SELECT rollup(f)::text = (SELECT f::text FROM lo_f) AS halves_roll_up
FROM (SELECT funnel(lead_id, stage, at) AS f FROM lo_events GROUP BY lead_id % 2) h;

-- window_funnel: the furthest ladder stage, never an outcome; without
-- strict_order it equals window_funnel over the ladder events alone
SELECT count(*) AS leads,
       count(*) FILTER (WHERE furthest::text IN (SELECT label FROM lo_outcome)) AS outcomes_returned,
       count(*) FILTER (WHERE furthest IS DISTINCT FROM ladder_only) AS differ
FROM (SELECT lead_id,
             window_funnel(interval '90 days', at, stage) AS furthest,
             window_funnel(interval '90 days', at, stage)
                 FILTER (WHERE stage::text IN (SELECT label FROM lo_ladder)) AS ladder_only
      FROM lo_events GROUP BY lead_id) w;
-- strict_order: an outcome ends the chain
SELECT window_funnel(interval '90 days', at, stage) AS default_mode,
       window_funnel(interval '90 days', at, stage, 'strict_order') AS strict_order
FROM (VALUES ('Prospecting'::lo_opp_stage, timestamptz '2026-01-01'),
             ('Closed Lost', '2026-01-02'), ('Proposal', '2026-01-03')) v(stage, at);

-- stage_stays and try_stage still see every value as a stage
SELECT count(*) AS stay_rows, count(*) FILTER (WHERE stage = 'Closed Lost') AS closed_lost_rows
FROM unnest((SELECT stage_stays(lead_id, at, stage) FROM lo_events));
SELECT try_stage('closed lost', NULL::lo_opp_stage) AS try_stage_outcome;

-- errors: an outcome where a ladder stage is needed; bad declarations
SELECT pg_temp.sqlstate_of($$SELECT conversion(f, 'Proposal'::lo_opp_stage, 'Closed Lost'::lo_opp_stage) FROM lo_f$$)
       AS outcome_in_pair,
       pg_temp.sqlstate_of($$SELECT conversion(f, 'Proposal', 'lost') FROM lo_f$$) AS outcome_as_text,
       pg_temp.sqlstate_of($$SELECT window_funnel(interval '1 day', at, stage, 'start=closed lost') FROM lo_events$$)
       AS start_at_outcome;
\set VERBOSITY default
SELECT conversion(f, 'Proposal'::lo_opp_stage, 'Closed Lost'::lo_opp_stage) FROM lo_f;
SELECT reached(f, 'Won') FROM lo_f;
INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Closed lost', 'lost');
INSERT INTO ladder_outcome VALUES ('lead_stage', 'mql', 'lost');
INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Proposal', 'customer');
\set VERBOSITY terse
SELECT pg_temp.sqlstate_of($$INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Nope', 'lost')$$) AS no_such_value,
       pg_temp.sqlstate_of($$INSERT INTO ladder_outcome VALUES ('int4', 'x', 'lost')$$) AS not_an_enum,
       pg_temp.sqlstate_of($$INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Proposal', 'mql')$$) AS not_an_outcome,
       pg_temp.sqlstate_of($$INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Closed Lost', 'disqualified')$$)
       AS declared_twice;

-- a funnel built before the declaration does not silently mix with one after
SELECT pg_temp.sqlstate_of($$SELECT rollup(f) FROM (SELECT f FROM lo_before UNION ALL SELECT f FROM lo_f) u$$)
       AS mixed_rollup,
       pg_temp.sqlstate_of($$SELECT reached(f, 'Closed Won'::lo_opp_stage) FROM lo_before$$) AS old_funnel_read;
\set VERBOSITY default
SELECT reached(f, 'Closed Won'::lo_opp_stage) FROM lo_before;
\set VERBOSITY terse

-- a value renamed under its declaration; an enum whose values are all outcomes
CREATE TYPE lo_tiny_stage AS ENUM ('Open', 'Gone');
INSERT INTO ladder_outcome VALUES ('lo_tiny_stage', 'Gone', 'lost');
SELECT reached(funnel(1, 'Open'::lo_tiny_stage, now()), 'Open'::lo_tiny_stage) AS one_stage_ladder;
INSERT INTO ladder_outcome VALUES ('lo_tiny_stage', 'Open', 'recycled');
\set VERBOSITY default
SELECT funnel(1, 'Open'::lo_tiny_stage, now());
DELETE FROM ladder_outcome WHERE ladder = 'lo_tiny_stage'::regtype AND label = 'Open';
ALTER TYPE lo_tiny_stage RENAME VALUE 'Gone' TO 'Lost';
SELECT funnel(1, 'Open'::lo_tiny_stage, now());
\set VERBOSITY terse
UPDATE ladder_outcome SET label = 'Lost' WHERE ladder = 'lo_tiny_stage'::regtype;
SELECT reached(funnel(1, 'Lost'::lo_tiny_stage, now()), 'lost') AS renamed_and_redeclared;

-- text names a declared value first (as the enum writes it, or ignoring
-- case, spaces, "_" and "-"), then an outcome by its own name; lead_stage's
-- aliases ('Rejected' is lost, 'Nurture' recycled for lead_stage) play no part
CREATE TYPE lo_alias_stage AS ENUM ('New', 'Working', 'Rejected', 'Won', 'Nurture');
INSERT INTO ladder_outcome VALUES ('lo_alias_stage', 'Rejected', 'lost'), ('lo_alias_stage', 'Nurture', 'disqualified');
CREATE TEMP TABLE lo_alias AS
SELECT funnel(l, s::lo_alias_stage, timestamptz '2026-01-01' + k * interval '1 day') AS f
FROM (VALUES (1, 'New', 1), (1, 'Rejected', 2), (2, 'New', 1), (2, 'Nurture', 2), (3, 'Nurture', 1)) v(l, s, k);
SELECT reached(f, 'Rejected'::lo_alias_stage) AS rejected_enum, reached(f, 'rejected') AS rejected_text,
       reached(f, 'Nurture'::lo_alias_stage) AS nurture_enum, reached(f, ' NURTURE ') AS nurture_text,
       reached(f, 'lost') AS lost, reached(f, 'Disqualified') AS disqualified, reached(f, 'recycled') AS recycled
FROM lo_alias;
SELECT (f::text::jsonb) -> 'outcome_labels' AS outcome_labels, (f::text::jsonb) -> 'outcome_of' AS outcome_of
FROM lo_alias;

-- a declaration changed since a funnel was built: its counts are not read
-- under the new one (each change alone)
CREATE TEMP TABLE lo_alias_old AS SELECT f FROM lo_alias;
UPDATE ladder_outcome SET outcome = 'lost' WHERE ladder = 'lo_alias_stage'::regtype AND label = 'Nurture';
SELECT pg_temp.sqlstate_of($$SELECT reached(f, 'Won'::lo_alias_stage) FROM lo_alias_old$$) AS kind_changed,
       pg_temp.sqlstate_of($$SELECT rollup(f) FROM (SELECT f FROM lo_alias_old UNION ALL
                                                    SELECT funnel(1, 'Won'::lo_alias_stage, now())) u$$) AS kind_changed_rollup;
UPDATE ladder_outcome SET outcome = 'disqualified' WHERE ladder = 'lo_alias_stage'::regtype AND label = 'Nurture';
DELETE FROM ladder_outcome WHERE ladder = 'lo_alias_stage'::regtype AND label = 'Rejected';
\set VERBOSITY default
SELECT reached(f, 'Won'::lo_alias_stage) FROM lo_alias_old;
\set VERBOSITY terse
SELECT pg_temp.sqlstate_of($$SELECT rollup(f) FROM (SELECT f FROM lo_alias_old UNION ALL
                                                    SELECT funnel(1, 'Won'::lo_alias_stage, now())) u$$) AS undeclared_rollup;
-- declared back as it was: the old funnel reads again
INSERT INTO ladder_outcome VALUES ('lo_alias_stage', 'Rejected', 'lost');
SELECT reached(f, 'Won'::lo_alias_stage) AS won, reached(f, 'Rejected'::lo_alias_stage) AS rejected FROM lo_alias_old;

-- a funnel stored by align 0.1.0 (no labels) is read by position only over
-- an enum whose values are all stages
CREATE TYPE lo_old_stage AS ENUM ('a', 'b', 'x', 'd');
CREATE TEMP TABLE lo_v1 AS SELECT '{"version": 1, "vocabulary": "enum", "stages": 3, "within_seconds": null,
    "reached": [5, 3, 2], "known": [5, 3, 2], "times": {}}'::funnel AS f;
SELECT pg_temp.sqlstate_of($$SELECT reached(f, 'd'::lo_old_stage) FROM lo_v1$$) AS four_values;
INSERT INTO ladder_outcome VALUES ('lo_old_stage', 'x', 'lost');
SELECT pg_temp.sqlstate_of($$SELECT reached(f, 'd'::lo_old_stage) FROM lo_v1$$) AS three_stages_and_an_outcome;

-- only the enum's owner writes its declarations; everyone reads them
CREATE ROLE lo_other;
GRANT USAGE, CREATE ON SCHEMA public TO lo_other;
SET ROLE lo_other;
SELECT count(*) AS visible_rows FROM ladder_outcome WHERE ladder = 'lo_opp_stage'::regtype;
SELECT pg_temp.sqlstate_of($$INSERT INTO ladder_outcome VALUES ('lo_opp_stage', 'Proposal', 'lost')$$) AS insert_by_other,
       pg_temp.sqlstate_of($$UPDATE ladder_outcome SET outcome = 'recycled' WHERE ladder = 'lo_opp_stage'::regtype$$)
       AS update_by_other,
       pg_temp.sqlstate_of($$DELETE FROM ladder_outcome WHERE ladder = 'lo_opp_stage'::regtype$$) AS delete_by_other;
\set VERBOSITY default
DELETE FROM ladder_outcome WHERE ladder = 'lo_opp_stage'::regtype;
\set VERBOSITY terse
SELECT count(*) AS still_declared FROM ladder_outcome WHERE ladder = 'lo_opp_stage'::regtype;
CREATE TYPE lo_other_stage AS ENUM ('a', 'b');
INSERT INTO ladder_outcome VALUES ('lo_other_stage', 'b', 'lost');
DROP TYPE lo_other_stage;
RESET ROLE;
DELETE FROM ladder_outcome WHERE NOT EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = ladder);
REVOKE USAGE, CREATE ON SCHEMA public FROM lo_other;
DROP ROLE lo_other;
