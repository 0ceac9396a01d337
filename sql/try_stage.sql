-- try_stage: the stage a CRM label names, or NULL; the labels of a column
-- that map to no stage, with their counts, in one query.  Every expected
-- value comes from a plain-SQL reading of lead_stages() (or pg_enum).
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

-- The matching key of a label, in plain SQL: white space around it trimmed,
-- ASCII lower-cased, spaces, "_" and "-" removed; NULL when nothing is left.
CREATE FUNCTION pg_temp.label_key(label text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT nullif(translate(regexp_replace(label, '^\s+|\s+$', '', 'g'),
                            'ABCDEFGHIJKLMNOPQRSTUVWXYZ _-', 'abcdefghijklmnopqrstuvwxyz'), '')
$$;
-- Every spelling lead_stage accepts (names and aliases), by key.
CREATE TEMP TABLE spelling AS
SELECT pg_temp.label_key(s.stage::text) AS key, s.stage FROM lead_stages() s
UNION
SELECT pg_temp.label_key(a), s.stage FROM lead_stages() s, unnest(s.aliases) a;
SELECT count(*) AS spellings, count(DISTINCT key) AS distinct_keys FROM spelling;

-- A CRM column: every name and alias as CRMs write them, and labels that
-- map to no stage, each some number of times.
CREATE TABLE crm_labels (id serial, label text);
INSERT INTO crm_labels (label)
SELECT l FROM (VALUES
    ('Marketing Qualified Lead', 3), ('marketingqualifiedlead', 2), ('  SQO', 1),
    (E'closed_won\t', 2), ('Closed Won', 4), ('CLOSED-LOST', 1), ('Nurture ', 1),
    ('Closed Lost - No Budget', 5), ('Closed Lost – No Budget', 1), ('Churned', 2),
    ('closed won!', 1), ('', 2), ('   ', 1), (E'closed\twon', 1), ('Kundë', 1),
    (repeat('x', 10000), 1), (repeat('mql', 30), 1), (NULL, 3)) v(l, n),
    generate_series(1, n);
INSERT INTO crm_labels (label)
SELECT s.stage::text FROM lead_stages() s
UNION ALL
SELECT upper(a) FROM lead_stages() s, unnest(s.aliases) a
UNION ALL
SELECT ' ' || replace(a, ' ', '_') || ' ' FROM lead_stages() s, unnest(s.aliases) a;

-- try_stage agrees with the plain-SQL reading on every row (rows that differ: none)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE try_stage(label) IS DISTINCT FROM
                        (SELECT stage FROM spelling WHERE key = pg_temp.label_key(label))) AS differ,
       count(try_stage(label)) AS mapped
FROM crm_labels;
-- and with lead_stage input: equal where the cast succeeds, NULL exactly where it fails (22P02)
SELECT sqlstate, count(*) AS labels,
       count(*) FILTER (WHERE try_stage(label) IS NULL) AS try_stage_null
FROM (SELECT DISTINCT label, pg_temp.sqlstate_of(format('SELECT %L::lead_stage', label)) AS sqlstate
      FROM crm_labels WHERE label IS NOT NULL) l
GROUP BY sqlstate ORDER BY sqlstate;
SELECT count(*) AS cast_differs
FROM crm_labels
WHERE label IS NOT NULL AND try_stage(label) IS NOT NULL AND try_stage(label) <> label::lead_stage;
-- the two-argument form with NULL::lead_stage is the same function
SELECT count(*) FILTER (WHERE try_stage(label, NULL::lead_stage) IS DISTINCT FROM try_stage(label)) AS differ
FROM crm_labels;
SELECT try_stage('Closed Won') AS won, try_stage('SQO', NULL::lead_stage) AS sqo,
       try_stage('Closed Lost - No Budget') AS unknown, try_stage(NULL) AS null_label,
       pg_typeof(try_stage('mql')) AS type;

-- The labels that map to no stage, with their counts, in one query ...
SELECT left(label, 30) AS label, count(*) AS rows
FROM crm_labels
WHERE label IS NOT NULL
GROUP BY label
HAVING try_stage(label) IS NULL
ORDER BY rows DESC, label;
-- ... equal to the plain-SQL reading (no row in either but not the other)
(SELECT label, count(*) FROM crm_labels
 WHERE label IS NOT NULL GROUP BY label HAVING try_stage(label) IS NULL
 EXCEPT ALL
 SELECT label, count(*) FROM crm_labels
 WHERE label IS NOT NULL
   AND NOT EXISTS (SELECT FROM spelling WHERE key = pg_temp.label_key(label))
 GROUP BY label)
UNION ALL
(SELECT label, count(*) FROM crm_labels
 WHERE label IS NOT NULL
   AND NOT EXISTS (SELECT FROM spelling WHERE key = pg_temp.label_key(label))
 GROUP BY label
 EXCEPT ALL
 SELECT label, count(*) FROM crm_labels
 WHERE label IS NOT NULL GROUP BY label HAVING try_stage(label) IS NULL);

-- funnel over try_stage skips the unknown labels: the funnel of the mapped rows alone
CREATE TABLE crm_events AS
SELECT id % 7 AS lead_id, label, timestamptz '2026-03-01 00:00+00' + id * interval '1 hour' AS at
FROM crm_labels;
SELECT (SELECT funnel(lead_id, try_stage(label), at)::text FROM crm_events) =
       (SELECT funnel(lead_id, s.stage, at)::text
        FROM crm_events JOIN spelling s ON s.key = pg_temp.label_key(label)) AS same_funnel,
       (SELECT reached(funnel(lead_id, try_stage(label), at), 'subscriber') FROM crm_events) AS leads,
       (SELECT count(DISTINCT lead_id) FROM crm_events JOIN spelling s ON s.key = pg_temp.label_key(label)
        WHERE s.stage < 'recycled') AS leads_plain;

-- An enum ladder: a label of the enum as written, else the one label it
-- equals ignoring white space around it, case, spaces, "_" and "-"; two
-- such labels ('Closed Lost', 'closed_lost'): it names neither.
CREATE TYPE opp_stage AS ENUM ('Prospecting', 'Qualification', 'Proposal/Price Quote',
                               'Closed Won', 'Closed Lost', 'closed_lost');
CREATE TABLE opp_labels (label text);
INSERT INTO opp_labels VALUES
    ('Prospecting'), ('prospecting'), (' PROSPECTING '), ('Qualification'), ('qualification'),
    ('Proposal/Price Quote'), ('proposal/price_quote'), ('Proposal'), ('Closed Won'),
    ('closed-won'), ('ClosedWon'), ('Closed Lost'), ('closed_lost'), ('CLOSED LOST'),
    ('closedlost'), ('Closed Lost - No Budget'), ('mql'), (''), (NULL), (repeat('x', 10000));
-- the enum's labels and their keys, from pg_enum
CREATE TEMP TABLE opp_label AS
SELECT e.enumlabel AS label, pg_temp.label_key(e.enumlabel) AS key
FROM pg_enum e WHERE e.enumtypid = 'opp_stage'::regtype;
SELECT left(o.label, 24) AS label, try_stage(o.label, NULL::opp_stage) AS stage,
       coalesce((SELECT e.label FROM opp_label e WHERE e.label = o.label),
                (SELECT min(e.label) FROM opp_label e WHERE e.key = pg_temp.label_key(o.label)
                 HAVING count(*) = 1)) AS plain_sql
FROM opp_labels o ORDER BY o.label NULLS LAST;
SELECT count(*) FILTER (WHERE try_stage(o.label, NULL::opp_stage)::text IS DISTINCT FROM
         coalesce((SELECT e.label FROM opp_label e WHERE e.label = o.label),
                  (SELECT min(e.label) FROM opp_label e WHERE e.key = pg_temp.label_key(o.label)
                   HAVING count(*) = 1))) AS differ,
       pg_typeof(min(try_stage(o.label, NULL::opp_stage))) AS type
FROM opp_labels o;
-- the unmapped labels of an enum column, one query
SELECT left(label, 24) AS label, count(*) AS rows FROM opp_labels
WHERE label IS NOT NULL GROUP BY label HAVING try_stage(label, NULL::opp_stage) IS NULL
ORDER BY label;
-- a label added to the enum maps from the next statement on (STABLE, not IMMUTABLE)
ALTER TYPE opp_stage ADD VALUE 'Negotiation' BEFORE 'Closed Won';
SELECT try_stage('negotiation', NULL::opp_stage) AS added;
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p WHERE p.proname = 'try_stage' ORDER BY p.oid::regprocedure::text;

-- Bad ladders: a clear error (42804) saying what the second argument takes
SELECT try_stage('mql', NULL);
SELECT try_stage('mql', 1);
SELECT try_stage('mql', label) FROM opp_labels LIMIT 1;
SELECT try_stage('mql', now());
SELECT stmt, pg_temp.sqlstate_of(stmt) AS sqlstate
FROM unnest(ARRAY[
    $$SELECT try_stage('mql', NULL)$$,
    $$SELECT try_stage('mql', 1)$$,
    $$SELECT try_stage('mql', 'opp_stage')$$,
    $$SELECT try_stage(NULL, NULL::int)$$,
    $$SELECT try_stage('mql', NULL::record)$$,
    $$SELECT try_stage('mql', ROW(1, 2))$$,
    $$SELECT try_stage('mql', NULL::opp_stage[])$$
]) AS stmt;
-- an enum too long for a ladder: the ladder limit (54000)
SELECT format('CREATE TYPE pg_temp.big_ladder AS ENUM (%s)',
              string_agg(quote_literal('s' || g), ', ')) AS ddl
FROM generate_series(1, 65) g \gset
:ddl;
SELECT try_stage('s1', NULL::pg_temp.big_ladder);
