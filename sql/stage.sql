-- lead_stage: input, output, aliases, bad input, ordering, indexes, hashing,
-- COPY round trips and pg_dump / restore.
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

-- canonical names and every alias of PRODUCT.md's ladder table, as CRMs write them
SELECT label, label::lead_stage AS stage
FROM unnest(ARRAY[
    'subscriber', 'Subscriber',
    'lead', 'inquiry', 'Prospect',
    'mql', 'marketingqualifiedlead', 'Marketing Qualified Lead', 'marketing_qualified_lead', 'AQL',
    'sal', 'salesacceptedlead', 'Sales Accepted Lead', 'accepted',
    'sql', 'SQL', 'salesqualifiedlead', 'sales-qualified-lead',
    'opportunity', 'SQO', 'Sales Qualified Opportunity', 'Deal',
    'customer', 'won', 'Closed Won', 'closed_won', 'CLOSED-WON',
    'evangelist', 'advocate',
    'recycled', 'Nurture', 'recycle',
    'disqualified', 'Unqualified', 'rejected',
    'lost', 'Closed Lost', 'closed-lost',
    'other',
    '  mql  ', E'\tSQL\n', 'M Q L', 'm_q-l'
]) AS label;

-- every alias lead_stages() lists parses to its own stage (independent of the list above)
SELECT count(*) AS aliases, count(*) FILTER (WHERE a::lead_stage <> s.stage) AS mismatches
FROM lead_stages() s, unnest(s.aliases) a;

-- output is the canonical name and text round trips
SELECT l.stage::text, l.stage::text::lead_stage = l.stage AS round_trip FROM lead_stages() l;

-- NULL in, NULL out
SELECT NULL::text::lead_stage IS NULL AS null_stage, stage_rank(NULL) IS NULL AS null_rank,
       stage_team(NULL) IS NULL AS null_team;

-- invalid input: unknown, empty, blank, over-long, punctuation, inner tab, non-ASCII
SELECT left(input, 24) AS input, length(input) AS len,
       pg_temp.sqlstate_of(format('SELECT %L::lead_stage', input)) AS sqlstate
FROM unnest(ARRAY['', '   ', 'mqll', 'marketing qualified', 'closed', 'sql;', E'm\tql',
                  'mql!', 'ｍｑｌ', 'lead stage', repeat('x', 100000), repeat('mql', 30),
                  '0', '3', 'NULL']) AS input
ORDER BY 1, 2;
SELECT 'markting qualified lead'::lead_stage;
SELECT ''::lead_stage;
SELECT repeat('abc', 50)::lead_stage;

-- the ladder: rank, team, sort order
SELECT stage, rank, team, aliases FROM lead_stages();
SELECT s, stage_rank(s), stage_team(s) FROM lead_stages() l(s) ORDER BY s DESC;

-- every comparison operator against the position in the ladder table
WITH pos(s, p) AS (
    VALUES ('subscriber'::lead_stage, 1), ('lead', 2), ('mql', 3), ('sal', 4), ('sql', 5),
           ('opportunity', 6), ('customer', 7), ('evangelist', 8), ('recycled', 9),
           ('disqualified', 10), ('lost', 11), ('other', 12))
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (a.s < b.s) <> (a.p < b.p)) AS bad_lt,
       count(*) FILTER (WHERE (a.s <= b.s) <> (a.p <= b.p)) AS bad_le,
       count(*) FILTER (WHERE (a.s = b.s) <> (a.p = b.p)) AS bad_eq,
       count(*) FILTER (WHERE (a.s <> b.s) <> (a.p <> b.p)) AS bad_ne,
       count(*) FILTER (WHERE (a.s >= b.s) <> (a.p >= b.p)) AS bad_ge,
       count(*) FILTER (WHERE (a.s > b.s) <> (a.p > b.p)) AS bad_gt,
       count(*) FILTER (WHERE lead_stage_cmp(a.s, b.s) <> sign(a.p - b.p)) AS bad_cmp
FROM pos a, pos b;

-- min / max
SELECT min(s), max(s) FROM (VALUES ('sql'::lead_stage), ('Lead'), ('Closed Lost'), (NULL)) v(s);
SELECT min(s), max(s) FROM lead_stages() l(s) WHERE stage_rank(s) IS NOT NULL;
SELECT min(s) IS NULL AS empty_min FROM lead_stages() l(s) WHERE false;

-- casts: assignment from text, explicit to and from text
CREATE TABLE stage_events (id int, label text, s lead_stage);
INSERT INTO stage_events (id, label, s)
SELECT g, l, l
FROM generate_series(1, 12000) g,
     LATERAL (SELECT (ARRAY['Subscriber', 'inquiry', 'marketingqualifiedlead', 'SAL', 'SQL',
                            'SQO', 'Closed Won', 'advocate', 'Nurture', 'Unqualified',
                            'Closed Lost', 'other'])[1 + (g * 7) % 12] AS l) x;
INSERT INTO stage_events (id, label, s) VALUES (0, NULL, NULL);
SELECT pg_temp.sqlstate_of($$INSERT INTO stage_events VALUES (-1, 'x', 'not a stage')$$);
SELECT count(*) FROM stage_events;

-- btree index: range scan for stage >= 'mql', same count as the labels say
CREATE INDEX stage_events_s ON stage_events (s);
ANALYZE stage_events;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM stage_events WHERE s >= 'mql';
SELECT count(*) AS via_index,
       (SELECT count(*) FROM stage_events
         WHERE label NOT IN ('Subscriber', 'inquiry')) AS via_labels
FROM stage_events WHERE s >= 'mql';
EXPLAIN (COSTS OFF) SELECT s FROM stage_events WHERE s BETWEEN 'sal' AND 'opportunity' ORDER BY s LIMIT 3;
SELECT count(*) FROM stage_events WHERE s BETWEEN 'sal' AND 'opportunity';
RESET enable_seqscan;

-- GROUP BY through a hash aggregate and through a sort, same answer
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT s, count(*) FROM stage_events GROUP BY s;
CREATE TEMP TABLE by_hash AS SELECT s, count(*) AS n FROM stage_events GROUP BY s;
RESET enable_sort;
SET enable_hashagg = off;
CREATE TEMP TABLE by_sort AS SELECT s, count(*) AS n FROM stage_events GROUP BY s;
RESET enable_hashagg;
SELECT s, n FROM by_hash ORDER BY s;
SELECT count(*) AS differences FROM (
    (SELECT * FROM by_hash EXCEPT SELECT * FROM by_sort)
    UNION ALL (SELECT * FROM by_sort EXCEPT SELECT * FROM by_hash)) d;
SELECT count(DISTINCT s) AS distinct_stages FROM stage_events;

-- hash join and merge join on stages
CREATE TEMP TABLE stage_owner AS SELECT stage AS s, team FROM lead_stages();
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT o.team, count(*) FROM stage_events e JOIN stage_owner o USING (s) GROUP BY 1;
SELECT o.team, count(*) FROM stage_events e JOIN stage_owner o USING (s) GROUP BY 1 ORDER BY 1;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT o.team, count(*) FROM stage_events e JOIN stage_owner o USING (s) GROUP BY 1;
SELECT o.team, count(*) FROM stage_events e JOIN stage_owner o USING (s) GROUP BY 1 ORDER BY 1;
RESET enable_hashjoin;
RESET enable_nestloop;

-- binary send/recv
SELECT s, lead_stage_send(s) FROM lead_stages() l(s) WHERE s IN ('subscriber', 'other');

-- text and binary COPY round trips
CREATE TEMP TABLE copy_text (LIKE stage_events);
CREATE TEMP TABLE copy_binary (LIKE stage_events);
\copy stage_events TO 'results/stage_events.txt'
\copy copy_text FROM 'results/stage_events.txt'
\copy stage_events TO 'results/stage_events.bin' (FORMAT binary)
\copy copy_binary FROM 'results/stage_events.bin' (FORMAT binary)
SELECT (SELECT count(*) FROM copy_text) AS text_rows,
       (SELECT count(*) FROM copy_binary) AS binary_rows,
       (SELECT count(*) FROM (SELECT * FROM stage_events EXCEPT ALL SELECT * FROM copy_text) d) AS text_diff,
       (SELECT count(*) FROM (SELECT * FROM stage_events EXCEPT ALL SELECT * FROM copy_binary) d) AS binary_diff;

-- binary COPY of a corrupt stage byte is rejected (code 13 does not exist)
CREATE TEMP TABLE copy_bad (s lead_stage);
\copy (SELECT 'sql'::lead_stage) TO 'results/stage_one.bin' (FORMAT binary)
\! printf '\015' | dd of=results/stage_one.bin bs=1 seek=25 conv=notrunc status=none
\copy copy_bad FROM 'results/stage_one.bin' (FORMAT binary)
SELECT count(*) AS rows_after_bad_copy FROM copy_bad;

-- pg_dump of a table with a stage column, restored into a fresh database.
-- pg_dump refuses a server of a later major than its own: where the one on
-- PATH is older (test/versions.sh runs PostgreSQL 17 and 18 with Debian 12's
-- pg_dump 15, there being no later one that runs on Debian 12), the dump is
-- skipped and says so (expected/stage_1.out).
\set pg_dump_major `pg_dump --version | sed 's/^pg_dump (PostgreSQL) \([0-9]*\).*/\1/'`
SELECT :pg_dump_major >= current_setting('server_version_num')::int / 10000 AS pg_dump_runs \gset
\if :pg_dump_runs
SELECT md5(string_agg(format('%s|%s|%s', id, label, s), ',' ORDER BY id)) AS source_md5
FROM stage_events \gset
CREATE DATABASE align_stage_restore;
\! pg_dump --no-owner -t stage_events contrib_regression > results/stage_dump.sql 2>&1 || echo dump failed
\c align_stage_restore
SET client_min_messages = warning;
CREATE EXTENSION align;
\! psql -X -q -v ON_ERROR_STOP=1 -d align_stage_restore -f results/stage_dump.sql > /dev/null 2>&1 || echo restore failed
SELECT count(*) AS restored_rows,
       md5(string_agg(format('%s|%s|%s', id, label, s), ',' ORDER BY id)) = :'source_md5' AS same_rows
FROM stage_events;
\c contrib_regression
DROP DATABASE align_stage_restore;
\else
\echo 'dump and restore skipped: pg_dump is older than the server'
\endif
