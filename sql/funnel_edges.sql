-- Edges an independent review found silently wrong (issue 11): exits before
-- any ladder stage, ladders that grow, empty rollups of enum funnels, open
-- leads in accessors, pair keys in text input.  Every expected number comes
-- from plain SQL over the same rows or from a hand computation.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- 1. Exits before any ladder stage.  Lead 1 was created straight as
-- 'Unqualified'; lead 2 was lost before its MQL; lead 3 recycled after its
-- MQL; lead 4 had only a recycle and a loss; lead 5 reached sql at an
-- unknown time and was lost later (a ladder event with no time is taken to
-- come before every outcome: the exit is at sql).
CREATE TEMP TABLE ex (lead int, stage lead_stage, at timestamptz);
INSERT INTO ex VALUES
    (1, 'disqualified', '2026-01-01 10:00'),
    (2, 'lost', '2026-01-01 10:00'), (2, 'mql', '2026-01-02 10:00'),
    (3, 'mql', '2026-01-01 10:00'), (3, 'recycled', '2026-01-03 10:00'),
    (4, 'recycled', '2026-01-05 10:00'), (4, 'lost', '2026-01-06 10:00'),
    (5, 'mql', '2026-01-01 10:00'), (5, 'sql', NULL), (5, 'lost', '2026-01-04 10:00');
CREATE TEMP TABLE ex_f AS SELECT funnel(lead, stage, at) AS f FROM ex;
-- reached(f, outcome) = the leads that had that outcome at all (plain SQL)
SELECT o AS outcome, reached(f, o) AS align,
       (SELECT count(DISTINCT lead) FROM ex WHERE stage = o) AS plain
FROM ex_f, unnest(ARRAY['recycled', 'disqualified', 'lost']::lead_stage[]) AS o;
-- where each exit is recorded: leads 1, 2 and 4 at no stage (rank 0),
-- lead 3 at mql, lead 5 at sql; ladder counts ignore the outcome-only leads
SELECT stage, rank, leads, recycled, disqualified, lost
FROM funnel_steps((SELECT f FROM ex_f)) WHERE rank <= 5;
-- the exit columns add up to reached(f, outcome)
SELECT sum(recycled) AS recycled, sum(disqualified) AS disqualified, sum(lost) AS lost
FROM funnel_steps((SELECT f FROM ex_f));
-- they merge: two halves rolled up give the whole
SELECT reached(rollup(f), 'lost') AS lost, reached(rollup(f), 'disqualified') AS disqualified
FROM (SELECT funnel(lead, stage, at) AS f FROM ex GROUP BY lead % 2) h;
-- and survive the text round trip
SELECT f::text::funnel::text = f::text AS text_round_trip,
       reached(f::text::funnel, 'lost') AS lost
FROM ex_f;
-- Ties inside one second: times are taken to the whole second, so an mql
-- at .7 s and a recycle at .2 s of the same second tie, and ties put
-- outcomes after the ladder: the recycle is an exit at mql (documented).
SELECT stage, recycled FROM funnel_steps((
    SELECT funnel(1, s, t) FROM (VALUES ('mql'::lead_stage, timestamptz '2026-01-01 10:00:00.7'),
                                        ('recycled', '2026-01-01 10:00:00.2')) v(s, t)))
WHERE recycled > 0;

-- 2. Accessors read open leads.  A partial state (or a hand-made value)
-- carries open leads; lead 0000000000000001 entered mql at 2000-01-01 and
-- sal a day later (slots are seconds since 2000 plus 2^31), so by hand:
-- subscriber..sal reached by 1, sql by 0, one mql->sal time of 1 day.
CREATE TEMP TABLE open_f AS SELECT
    '{"version": 1, "vocabulary": "lead_stage", "stages": 8, "within_seconds": null,
      "reached": [0, 0, 0, 0, 0, 0, 0, 0], "known": [0, 0, 0, 0, 0, 0, 0, 0],
      "recycled": [0, 0, 0, 0, 0, 0, 0, 0], "disqualified": [0, 0, 0, 0, 0, 0, 0, 0],
      "lost": [0, 0, 0, 0, 0, 0, 0, 0], "times": {},
      "leads": [["0000000000000001", 0, 0, 2147483648, 2147570048, 0, 0, 0, 0, 0, 0, 0]]}'::funnel AS f;
SELECT reached(f, 'subscriber') AS subscriber, reached(f, 'mql') AS mql, reached(f, 'sal') AS sal,
       reached(f, 'sql') AS sql, conversion(f, 'mql', 'sal') AS mql_sal,
       time_to_convert(f, 'mql', 'sal', 0.5) BETWEEN interval '23.76 hours' AND interval '24.24 hours' AS one_day
FROM open_f;
SELECT stage, leads FROM funnel_steps((SELECT f FROM open_f)) WHERE rank BETWEEN 3 AND 5;
-- the stored value itself still carries the open lead
-- (version 2 packs open leads: 13 uint32 per lead_stage lead, in base64)
SELECT length(decode(f::jsonb ->> 'leads', 'base64')) / 52 AS open_leads FROM open_f;

-- 3. Text input: a pair key is two plain ranks.  4294967298 would wrap to
-- 2 in a 32-bit parse; a sign or a leading zero is another spelling of a
-- key that would merge with "1-2".
\set good '{"version": 1, "vocabulary": "lead_stage", "stages": 8, "within_seconds": null, "reached": [2, 2, 2, 1, 0, 0, 0, 0], "known": [2, 2, 2, 1, 0, 0, 0, 0], "recycled": [0, 0, 0, 0, 0, 0, 0, 0], "disqualified": [0, 0, 0, 0, 0, 0, 0, 0], "lost": [0, 0, 0, 0, 0, 0, 0, 0], "times": {"1-2": [[5, 1]]}}'
SELECT k AS key, pg_temp.sqlstate_of(format('SELECT %L::funnel', replace(:'good', '"1-2"', '"' || k || '"'))) AS sqlstate
FROM unnest(ARRAY['1-2', '4294967298-3', '+1-2', '1-+2', '01-2', '1-02', ' 1-2', '1-2 ', '1 -2',
                  '-1-2', '1-4294967299', '99999999999999999999-2']) AS k;

-- 4. A ladder that grows.  Funnels stored over a three-value enum stay
-- readable after values are added (at the end and in the middle) and one is
-- renamed; they roll up with funnels built after; a different enum of the
-- same size is refused.
CREATE TYPE gl AS ENUM ('a', 'b', 'c');
CREATE TABLE gl_events (lead int, s gl, at timestamptz);
INSERT INTO gl_events VALUES (1, 'a', '2026-01-01'), (1, 'c', '2026-01-03'),
                             (2, 'b', '2026-01-02'), (3, 'a', '2026-01-01');
CREATE TABLE gl_stored AS SELECT funnel(lead, s, at) AS f FROM gl_events;
ALTER TYPE gl ADD VALUE 'd';
ALTER TYPE gl ADD VALUE 'bb' AFTER 'b';
ALTER TYPE gl RENAME VALUE 'c' TO 'cc';
INSERT INTO gl_events VALUES (4, 'bb', '2026-01-04'), (4, 'd', '2026-01-05'), (5, 'cc', '2026-01-05');
-- reached by plain SQL (a stage or any later one, in the enum's order), for
-- the old leads only (the stored funnel), and for all leads
CREATE TEMP VIEW gl_plain AS
SELECT v, (SELECT count(DISTINCT lead) FROM gl_events WHERE s >= v AND lead <= 3) AS old_leads,
          (SELECT count(DISTINCT lead) FROM gl_events WHERE s >= v) AS all_leads
FROM unnest(enum_range(NULL::gl)) AS v;
SELECT v, reached(f, v) AS stored, old_leads AS plain_stored,
       (SELECT reached(rollup(g), v) FROM (SELECT f AS g FROM gl_stored
                                           UNION ALL SELECT funnel(lead, s, at) FROM gl_events WHERE lead > 3) u) AS rolled_up,
       all_leads AS plain_all
FROM gl_stored, gl_plain;
SELECT stage, rank, leads FROM funnel_steps((SELECT f FROM gl_stored), NULL::gl);
SELECT conversion(f, 'a'::gl, 'cc'::gl) AS a_to_cc, time_to_convert(f, 'a'::gl, 'cc'::gl, 0.5)
           BETWEEN interval '2 days' * 0.99 AND interval '2 days' * 1.01 AS a_to_cc_2_days
FROM gl_stored;
-- the funnel names its ladder
SELECT f::jsonb -> 'ladder' AS ladder, f::jsonb -> 'labels' AS labels FROM gl_stored;
-- another enum of the same size is not this ladder
CREATE TYPE gl_other AS ENUM ('p', 'q', 'r', 's', 't');
SELECT pg_temp.sqlstate_of($$SELECT reached(f, 'p'::gl_other) FROM gl_stored$$) AS read_other,
       pg_temp.sqlstate_of($$SELECT funnel_steps(f, NULL::gl_other) FROM gl_stored$$) AS steps_other,
       pg_temp.sqlstate_of($$SELECT rollup(g) FROM (SELECT f AS g FROM gl_stored UNION ALL
           SELECT funnel(1, 'p'::gl_other, now())) u$$) AS merge_other;
-- a v1 enum funnel (stored before funnels named their ladder) reads as
-- before, with any enum of its size
SELECT reached('{"version": 1, "vocabulary": "enum", "stages": 5, "within_seconds": null, "reached": [2, 1, 1, 0, 0], "known": [2, 1, 1, 0, 0], "times": {}}'::funnel, 'q'::gl_other) AS v1_enum;
-- readers of enum labels look at the catalog: not IMMUTABLE
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'align'
WHERE 'anyenum'::regtype = ANY (p.proargtypes) AND p.prokind = 'f'
ORDER BY p.oid::regprocedure::text;

-- 5. An empty rollup of enum funnels is an empty funnel, readable with the enum.
SELECT reached(rollup(f), 'a'::gl) AS reached_a, conversion(rollup(f), 'a'::gl, 'b'::gl) AS conversion
FROM gl_stored WHERE false;
SELECT stage, leads FROM funnel_steps((SELECT rollup(f) FROM gl_stored WHERE false), NULL::gl);
