-- Pipeline over time (issue 15, part 1): pipeline(lead, stage, at,
-- grid_start, grid_end, step), pipeline_rows, rollup(pipeline) and
-- stages_at.  Every count is checked against plain SQL over the same rows,
-- independent of align: the ladder written out as plain rows, each lead's
-- latest event at or before every grid point (DISTINCT ON ... ORDER BY at
-- DESC, position DESC) for the stock, and lag() over each lead's events in
-- (at, position) order for the moves.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- the oracle's ladders: label, position in sort order, rank (NULL: an outcome)
CREATE TABLE pl_ladder (label text PRIMARY KEY, pos int, rank int);
INSERT INTO pl_ladder VALUES ('subscriber', 1, 1), ('lead', 2, 2), ('mql', 3, 3), ('sal', 4, 4),
    ('sql', 5, 5), ('opportunity', 6, 6), ('customer', 7, 7), ('evangelist', 8, 8),
    ('recycled', 9, NULL), ('disqualified', 10, NULL), ('lost', 11, NULL), ('other', 12, NULL);

-- plain SQL: for every grid point of generate_series(g0, g1, step) and every
-- stage of the ladder, in pipeline_rows' order, the leads whose latest event
-- at or before the point is at the stage, and the moves (an event at another
-- stage than the lead's previous event, a first event from nowhere) in the
-- step up to the point: into the stage, and out of it up, down or to an outcome
CREATE FUNCTION pg_temp.plain_pipeline(events regclass, ladder regclass,
                                       g0 timestamptz, g1 timestamptz, step interval)
RETURNS TABLE(at timestamptz, stage text, in_stage bigint, entered bigint,
              left_up bigint, left_down bigint, exited bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH pts AS (SELECT g, coalesce(lag(g) OVER (ORDER BY g), g - $3) AS prev
                     FROM generate_series($1, $2, $3) g),
        ev AS (SELECT e.lead_id::text AS lead, l.label, l.pos, l.rank, e.at
               FROM %1$s e JOIN %2$s l ON l.label = e.stage::text
               WHERE e.lead_id IS NOT NULL AND e.at IS NOT NULL),
        stock AS (SELECT p.g, x.label, count(*) AS n
                  FROM pts p CROSS JOIN LATERAL
                       (SELECT DISTINCT ON (ev.lead) ev.lead, ev.label FROM ev WHERE ev.at <= p.g
                        ORDER BY ev.lead, ev.at DESC, ev.pos DESC) x
                  GROUP BY 1, 2),
        moves AS (SELECT * FROM (SELECT ev.*, lag(ev.label) OVER w AS prev_label,
                                        lag(ev.rank) OVER w AS prev_rank
                                 FROM ev WINDOW w AS (PARTITION BY ev.lead ORDER BY ev.at, ev.pos)) m
                  WHERE m.prev_label IS DISTINCT FROM m.label),
        stepped AS (SELECT m.*, p.g FROM moves m JOIN pts p ON m.at > p.prev AND m.at <= p.g),
        ins AS (SELECT s.g, s.label, count(*) AS n FROM stepped s GROUP BY 1, 2),
        outs AS (SELECT s.g, s.prev_label AS label,
                        count(*) FILTER (WHERE s.rank IS NOT NULL
                                           AND (s.prev_rank IS NULL OR s.rank > s.prev_rank)) AS up,
                        count(*) FILTER (WHERE s.rank < s.prev_rank) AS down,
                        count(*) FILTER (WHERE s.rank IS NULL) AS exited
                 FROM stepped s WHERE s.prev_label IS NOT NULL GROUP BY 1, 2)
        SELECT p.g, l.label, coalesce(s.n, 0), coalesce(i.n, 0), coalesce(o.up, 0),
               coalesce(o.down, 0), coalesce(o.exited, 0)
        FROM pts p CROSS JOIN %2$s l
        LEFT JOIN stock s ON s.g = p.g AND s.label = l.label
        LEFT JOIN ins i ON i.g = p.g AND i.label = l.label
        LEFT JOIN outs o ON o.g = p.g AND o.label = l.label
        ORDER BY p.g, l.rank NULLS LAST, l.pos$q$, events, ladder) USING g0, g1, step;
END $$;

-- true when pipeline_rows(p) is the oracle's answer, row for row in order
CREATE FUNCTION pg_temp.same_as_plain(p pipeline, events regclass, ladder regclass,
                                      g0 timestamptz, g1 timestamptz, step interval)
RETURNS boolean LANGUAGE sql AS $$
    SELECT (SELECT array_agg((r.at, r.stage, r.i, r.e, r.u, r.d, r.x)::text ORDER BY r.n)
            FROM pipeline_rows(p) WITH ORDINALITY r(at, stage, i, e, u, d, x, n))
         = (SELECT array_agg(o::text) FROM pg_temp.plain_pipeline(events, ladder, g0, g1, step) o) $$;

-- a small history, by hand: lead 1 moves up, ties at one time (mql and
-- sql at once: in ladder order), is recycled and comes back; lead 2 starts
-- before the grid and is lost; lead 3 comes after the grid (dropped)
CREATE TABLE pl_small (lead_id int, stage lead_stage, at timestamptz);
INSERT INTO pl_small VALUES (1, 'sql', '2026-01-03'), (1, 'lead', '2026-01-01'), (1, 'mql', '2026-01-03'),
    (1, 'recycled', '2026-01-05'), (1, 'mql', '2026-01-06'), (1, 'mql', '2026-01-06 12:00'),
    (2, 'mql', '2025-12-20'), (2, 'lost', '2026-01-02'), (3, 'customer', '2026-01-08'),
    (NULL, 'sql', '2026-01-02'), (4, NULL, '2026-01-02'), (5, 'sql', NULL);
SELECT r.*
FROM pipeline_rows((SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-01-07', '2 days') FROM pl_small)) r
WHERE r.in_stage + r.entered + r.left_up + r.left_down + r.exited > 0;
SELECT pg_temp.same_as_plain(pipeline(lead_id, stage, at, '2026-01-01', '2026-01-07', '2 days'),
                             'pl_small', 'pl_ladder', '2026-01-01', '2026-01-07', '2 days') AS small_same
FROM pl_small;
-- every stage at every point, zeros included; no rows at all: NULL
SELECT count(*) AS rows_4_points_x_12_stages
FROM pipeline_rows((SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-01-07', '2 days') FROM pl_small));
SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-01-07', '2 days') IS NULL AS no_rows_null
FROM pl_small WHERE false;

-- 1500 leads, 1 to 8 events each in random order, any stage (moves up,
-- down, to outcomes and back), times whole weeks (Mondays, the weekly
-- grid's points; many ties), days or hours from 2025-12-01 over 120 days
-- (before and after the grids), a few NULL leads, stages and times
SELECT setseed(0.15);
CREATE TEMP TABLE pl_raw AS
SELECT CASE WHEN random() < 0.005 THEN NULL ELSE lead_id END AS lead_id,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE (SELECT array_agg(label::lead_stage ORDER BY pos) FROM pl_ladder)[1 + floor(random() * 12)::int]
       END AS stage,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE date_trunc((ARRAY['week', 'day', 'hour'])[1 + floor(random() * 3)::int],
                            timestamptz '2025-12-01' + random() * interval '120 days') END AS at
FROM generate_series(1, 1500) lead_id, LATERAL generate_series(0, (random() * 7 + lead_id * 0)::int) k;
-- and ties for sure: for a fifth of the leads, another stage at the time of one of their events
CREATE TABLE pl_events AS
SELECT * FROM (SELECT * FROM pl_raw
               UNION ALL
               SELECT r.lead_id, o.label::lead_stage, r.at
               FROM pl_raw r JOIN pl_ladder l ON l.label = r.stage::text
               JOIN pl_ladder o ON o.pos = (l.pos + 4) % 12 + 1
               WHERE r.lead_id % 5 = 0) e
ORDER BY random();
ANALYZE pl_events;
SELECT count(*) > 5000 AS enough_events,
       count(*) FILTER (WHERE stage IS NULL) > 0 AND count(*) FILTER (WHERE at IS NULL) > 0
           AND count(*) FILTER (WHERE lead_id IS NULL) > 0 AS some_nulls,
       (SELECT count(*) FROM (SELECT lead_id, at FROM pl_events WHERE lead_id IS NOT NULL
                              GROUP BY 1, 2 HAVING count(DISTINCT stage) > 1) t) > 100 AS ties
FROM pl_events;

-- weekly, daily, and monthly in a time zone with daylight saving (the
-- points follow it: generate_series' grid), and the grid starting at a
-- month end (Dec 31, Jan 31, Feb 28, Mar 28)
SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.same_as_plain(pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week'),
                             'pl_events', 'pl_ladder', '2025-12-15', '2026-03-20', '1 week') AS weekly_same,
       pg_temp.same_as_plain(pipeline(lead_id, stage, at, '2026-01-01', '2026-02-15', '1 day'),
                             'pl_events', 'pl_ladder', '2026-01-01', '2026-02-15', '1 day') AS daily_same
FROM pl_events;
SET TimeZone = 'America/New_York';
SELECT pg_temp.same_as_plain(pipeline(lead_id, stage, at, '2025-12-31', '2026-04-01', '1 month'),
                             'pl_events', 'pl_ladder', '2025-12-31', '2026-04-01', '1 month') AS monthly_same,
       (SELECT array_agg(DISTINCT at ORDER BY at)
        FROM pipeline_rows(pipeline(lead_id, stage, at, '2025-12-31', '2026-04-01', '1 month'))) AS points
FROM pl_events;
SET TimeZone = 'UTC';

-- the identity: in_stage = previous in_stage + entered - left_up - left_down - exited
CREATE TABLE pl_weekly AS
SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week') AS p FROM pl_events;
SELECT count(*) AS later_rows,
       count(*) FILTER (WHERE in_stage = prev + entered - left_up - left_down - exited) AS identity_holds
FROM (SELECT r.*, lag(in_stage) OVER (PARTITION BY stage ORDER BY at) AS prev
      FROM pl_weekly, pipeline_rows(p) r) x
WHERE prev IS NOT NULL;
SELECT at, sum(in_stage) AS leads, sum(entered) AS moves
FROM pl_weekly, pipeline_rows(p) GROUP BY at ORDER BY at LIMIT 3;

-- other lead key types: the same pipeline
CREATE DOMAIN pl_key AS text;
SELECT p::text = (SELECT pipeline(lead_id::bigint, stage, at, '2025-12-15', '2026-03-20', '1 week')::text FROM pl_events) AS bigint_same,
       p::text = (SELECT pipeline(lead_id::text, stage, at, '2025-12-15', '2026-03-20', '1 week')::text FROM pl_events) AS text_same,
       p::text = (SELECT pipeline(md5(lead_id::text)::uuid, stage, at, '2025-12-15', '2026-03-20', '1 week')::text FROM pl_events) AS uuid_same,
       p::text = (SELECT pipeline(('L' || lead_id)::pl_key, stage, at, '2025-12-15', '2026-03-20', '1 week')::text FROM pl_events) AS domain_same,
       p::text = (SELECT pipeline(lead_id + 0.5, stage, at, '2025-12-15', '2026-03-20', '1 week')::text FROM pl_events) AS numeric_same
FROM pl_weekly;

-- rollup: pipelines of disjoint halves of the leads add up to the whole
SELECT (SELECT rollup(h) FROM (SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week') AS h
                               FROM pl_events GROUP BY lead_id % 2) x)::text = p::text AS halves_add_up,
       (SELECT rollup(h) FROM (SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week') AS h
                               FROM pl_events GROUP BY lead_id % 7) x)::text = p::text AS sevenths_add_up
FROM pl_weekly;

-- text and binary round trips
SELECT p::text::pipeline::text = p::text AS text_round_trip FROM pl_weekly;
CREATE TEMP TABLE pl_copy (p pipeline);
COPY (SELECT p FROM pl_weekly) TO PROGRAM 'cat > pipeline_copy.bin' (FORMAT binary);
COPY pl_copy FROM PROGRAM 'cat pipeline_copy.bin' (FORMAT binary);
SELECT c.p::text = w.p::text AS binary_round_trip,
       pipeline_send(c.p) = pipeline_send(w.p) AS same_bytes
FROM pl_copy c, pl_weekly w;
SET TimeZone = 'Asia/Kolkata';
SELECT p::text = (SELECT p::text FROM pl_copy) AS text_in_any_time_zone FROM pl_weekly;
SET TimeZone = 'UTC';

-- past the memory budget: the rows go to temporary files, the answer is the same
CREATE FUNCTION pg_temp.temp_files() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
SET align.memory_budget = '16kB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week')::text = p::text AS same_at_16kB
FROM pl_events, pl_weekly GROUP BY p::text;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() - :files_before > 0 AS wrote_temp_files;
-- the counters (stages x points x 5) must fit the budget
SELECT pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-03-01', '1 day') FROM pl_events$$)
    AS counters_past_budget;
RESET align.memory_budget;

-- a parallel plan: partial states in the workers, combined in the leader
\i sql/include/parallel_plan.sql
SELECT count(*) FILTER (WHERE l ~ 'Partial Aggregate') > 0 AS partial_plan,
       count(*) FILTER (WHERE l ~ 'Gather') > 0 AS gather
FROM pg_temp.plan_lines($$SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week') FROM pl_events$$) l;
SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week')::text = p::text AS parallel_same
FROM pl_events, pl_weekly GROUP BY p::text;
SET work_mem = '64kB';
SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week')::text = p::text AS parallel_spilling_same
FROM pl_events, pl_weekly GROUP BY p::text;
RESET work_mem;
SET max_parallel_workers_per_gather = 0;

-- a custom ladder: an enum whose outcome ('Closed Lost', declared lost)
-- sits in the middle of its sort order; the oracle's copy of the ladder
CREATE TYPE pl_deal AS ENUM ('Prospect', 'Qualified', 'Proposal', 'Closed Won');
ALTER TYPE pl_deal ADD VALUE 'Closed Lost' BEFORE 'Proposal';
INSERT INTO ladder_outcome VALUES ('pl_deal', 'Closed Lost', 'lost');
CREATE TABLE pl_deal_ladder (label text PRIMARY KEY, pos int, rank int);
INSERT INTO pl_deal_ladder VALUES ('Prospect', 1, 1), ('Qualified', 2, 2), ('Closed Lost', 3, NULL),
    ('Proposal', 4, 3), ('Closed Won', 5, 4);
CREATE TABLE pl_deals AS
SELECT lead_id, (enum_range(NULL::pl_deal))[1 + floor(random() * 5 + k * 0)::int] AS stage,
       date_trunc('day', timestamptz '2026-01-01' + random() * interval '60 days') AS at
FROM generate_series(1, 800) lead_id, LATERAL generate_series(0, (random() * 5 + lead_id * 0)::int) k
ORDER BY random();
SELECT pg_temp.same_as_plain(pipeline(lead_id, stage, at, '2026-01-05', '2026-03-02', '1 week'),
                             'pl_deals', 'pl_deal_ladder', '2026-01-05', '2026-03-02', '1 week') AS enum_same,
       (SELECT array_agg(stage ORDER BY n) FROM (SELECT DISTINCT ON (stage) stage, n
            FROM pipeline_rows(pipeline(lead_id, stage, at, '2026-01-05', '2026-03-02', '1 week'))
                 WITH ORDINALITY r(at, stage, i, e, u, d, x, n) ORDER BY stage, n) s) AS row_order
FROM pl_deals;
SELECT p::text::pipeline::text = p::text AS enum_text_round_trip,
       p::text LIKE '%"enum": "public.pl_deal"%"outcomes": ["Closed Lost"]%' AS names_ladder
FROM (SELECT pipeline(lead_id, stage, at, '2026-01-05', '2026-03-02', '1 week') AS p FROM pl_deals) x;

-- stages_at: per lead, the stage at each time (unsorted, repeated, before
-- every event, after the last), against a lateral plain-SQL answer
CREATE FUNCTION pg_temp.plain_stages_at(events regclass, ladder regclass, ts timestamptz[])
RETURNS TABLE(lead_id int, stages text[]) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        SELECT l.lead_id, array_agg(x.label ORDER BY t.i)
        FROM (SELECT DISTINCT e.lead_id FROM %1$s e WHERE e.lead_id IS NOT NULL) l
        CROSS JOIN unnest($1) WITH ORDINALITY t(at, i)
        LEFT JOIN LATERAL (SELECT d.label FROM %1$s e JOIN %2$s d ON d.label = e.stage::text
                           WHERE e.lead_id = l.lead_id AND e.at <= t.at
                           ORDER BY e.at DESC, d.pos DESC LIMIT 1) x ON true
        GROUP BY l.lead_id$q$, events, ladder) USING ts;
END $$;
SELECT count(*) AS leads, count(*) FILTER (WHERE a.stages::text[] = p.stages) AS same,
       count(*) FILTER (WHERE p.stages[2] IS NULL) AS null_before_first
FROM (SELECT lead_id, stages_at(stage, at, '{2026-01-15, 2025-11-01, 2026-02-01 12:00, 2026-01-15, 2026-05-01}')
          AS stages FROM pl_events WHERE lead_id IS NOT NULL GROUP BY lead_id) a
FULL JOIN pg_temp.plain_stages_at('pl_events', 'pl_ladder',
                                  '{2026-01-15, 2025-11-01, 2026-02-01 12:00, 2026-01-15, 2026-05-01}') p
USING (lead_id);
-- ts read from a table, stored compressed (a repetitive array) and out of
-- line: the same answers as the plain SQL over the same times
CREATE TEMP TABLE pl_few AS SELECT * FROM pl_events WHERE lead_id <= 40;
CREATE TEMP TABLE pl_times (how text, ts timestamptz[]);
ALTER TABLE pl_times ALTER ts SET STORAGE main;
INSERT INTO pl_times
SELECT 'compressed', array_agg(timestamptz '2026-01-15' + (g % 3) * interval '15 days') FROM generate_series(1, 400) g;
ALTER TABLE pl_times ALTER ts SET STORAGE external;
INSERT INTO pl_times
SELECT 'out of line', array_agg(timestamptz '2025-12-01' + g * interval '1 day') FROM generate_series(1, 300) g;
SELECT how, cardinality(ts) AS times, pg_column_size(ts) < 8 * cardinality(ts) AS compressed FROM pl_times ORDER BY how;
SELECT t.how, count(*) AS leads, count(*) FILTER (WHERE a.stages::text[] = p.stages) AS same
FROM pl_times t
CROSS JOIN LATERAL (SELECT lead_id, stages_at(stage, at, t.ts) AS stages
                    FROM pl_few GROUP BY lead_id) a
JOIN LATERAL pg_temp.plain_stages_at('pl_few', 'pl_ladder', t.ts) p USING (lead_id)
GROUP BY t.how ORDER BY t.how;
SELECT stages_at(stage, at, '{2026-01-02, 2026-01-03, 2026-01-05 12:00, 2025-01-01}') AS lead_1
FROM pl_small WHERE lead_id = 1;
SELECT count(*) AS leads, count(*) FILTER (WHERE a.stages::text[] = p.stages) AS same
FROM (SELECT lead_id, stages_at(stage, at, '{2026-02-01, 2026-01-10, 2026-03-01}') AS stages
      FROM pl_deals GROUP BY lead_id) a
FULL JOIN pg_temp.plain_stages_at('pl_deals', 'pl_deal_ladder', '{2026-02-01, 2026-01-10, 2026-03-01}') p
USING (lead_id);
SELECT pg_typeof(stages_at(stage, at, '{2026-02-01}')) AS enum_array FROM pl_deals;
SELECT stages_at(stage, at, '{}') AS no_times FROM pl_small WHERE lead_id = 1;
SELECT stages_at(stage, at, '{2026-01-01}') IS NULL AS no_rows_null FROM pl_small WHERE false;
-- its memory is bounded by ts, not by the rows: the same at a tiny budget,
-- and ts too large for the budget is an error
SET align.memory_budget = '16kB';
SELECT count(*) AS leads, count(*) FILTER (WHERE a.stages::text[] = p.stages) AS same_at_16kB
FROM (SELECT lead_id, stages_at(stage, at, '{2026-02-01, 2026-01-10, 2026-03-01}') AS stages
      FROM pl_deals GROUP BY lead_id) a
FULL JOIN pg_temp.plain_stages_at('pl_deals', 'pl_deal_ladder', '{2026-02-01, 2026-01-10, 2026-03-01}') p
USING (lead_id);
SELECT pg_temp.sqlstate_of($$SELECT stages_at(stage, at, ARRAY(SELECT generate_series(timestamptz '2026-01-01', '2026-03-01', '1 hour')))
                             FROM pl_small$$) AS ts_past_budget;
RESET align.memory_budget;
-- in a parallel plan, grouped
SET max_parallel_workers_per_gather = 2;
SELECT count(*) FILTER (WHERE l ~ 'Partial') > 0 AS partial_plan
FROM pg_temp.plan_lines($$SELECT lead_id % 10, stages_at(stage, at, '{2026-01-15, 2026-02-15}') FROM pl_events GROUP BY 1$$) l;
SELECT count(*) AS groups, count(*) FILTER (WHERE a.s = b.s) AS parallel_same
FROM (SELECT lead_id % 10 AS g, stages_at(stage, at, '{2026-01-15, 2026-02-15}')::text AS s FROM pl_events GROUP BY 1) a
JOIN (SELECT g, (SELECT stages_at(stage, at, '{2026-01-15, 2026-02-15}')::text FROM pl_events e
                 WHERE e.lead_id % 10 IS NOT DISTINCT FROM g.g) AS s
      FROM (SELECT DISTINCT lead_id % 10 AS g FROM pl_events) g) b USING (g);
SET max_parallel_workers_per_gather = 0;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET align.partial_merge_cost;

-- errors
SELECT pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, NULL, '2026-03-20', '1 week') FROM pl_events$$) AS null_start,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-03-20', NULL) FROM pl_events$$) AS null_step,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-03-20', '0 days') FROM pl_events$$) AS zero_step,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-03-20', '-1 day') FROM pl_events$$) AS negative_step,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-03-20', '2026-01-01', '1 day') FROM pl_events$$) AS end_before_start,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-03-20', '1 minute') FROM pl_events$$) AS too_many_points,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-03-20'::timestamptz + lead_id * interval '1 day', '1 week') FROM pl_events$$) AS grid_differs,
       pg_temp.sqlstate_of($$SELECT pipeline(lead_id, stage, at, '2026-01-01', 'infinity', '1 week') FROM pl_events$$) AS infinite_end;
SELECT pg_temp.sqlstate_of($$SELECT rollup(p) FROM (SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 week') AS p FROM pl_events
                                                    UNION ALL SELECT pipeline(lead_id, stage, at, '2025-12-15', '2026-03-20', '1 day') FROM pl_events) x$$) AS rollup_other_grid,
       pg_temp.sqlstate_of($$SELECT rollup(p) FROM (SELECT pipeline(lead_id, stage, at, '2026-01-05', '2026-03-02', '1 week') AS p FROM pl_events
                                                    UNION ALL SELECT pipeline(lead_id, stage, at, '2026-01-05', '2026-03-02', '1 week') FROM pl_deals) x$$) AS rollup_other_ladder;
SELECT pipeline_add(a, b) FROM (SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-01-07', '2 days') AS a,
                                       pipeline(lead_id, stage, at, '2026-01-01', '2026-01-09', '2 days') AS b FROM pl_small) x;
SELECT pg_temp.sqlstate_of($$SELECT stages_at(stage, at, CASE WHEN lead_id = 1 THEN '{2026-01-01}'::timestamptz[] ELSE '{2026-01-02}' END) FROM pl_small$$) AS ts_differs,
       pg_temp.sqlstate_of($$SELECT stages_at(stage, at, ARRAY[at]) FROM pl_small$$) AS ts_of_each_row,
       pg_temp.sqlstate_of($$SELECT stages_at(stage, at, NULL) FROM pl_small$$) AS null_ts,
       pg_temp.sqlstate_of($$SELECT stages_at(stage, at, '{2026-01-01, NULL}') FROM pl_small$$) AS null_time,
       pg_temp.sqlstate_of($$SELECT stages_at(stage, at, '{{2026-01-01}}') FROM pl_small$$) AS two_dimensions,
       pg_temp.sqlstate_of($$SELECT stages_at(stage, at, '{infinity}') FROM pl_small$$) AS infinite_time;

-- hostile text: the value must be what pipeline_out prints
CREATE TABLE pl_text AS
SELECT pipeline(lead_id, stage, at, '2026-01-01', '2026-01-05', '2 days')::text AS t FROM pl_small;
SELECT t FROM pl_text;
SELECT pg_temp.sqlstate_of(format('SELECT %L::pipeline', x)) AS state, x AS what
FROM (VALUES ('not json'),
             ('[1, 2]'),
             ('{"version": 2}')) v(x);
SELECT pg_temp.sqlstate_of(format('SELECT %L::pipeline', replace(t, a, b))) AS state, what
FROM pl_text, (VALUES ('"version": 1', '"version": 9', 'version 9'),
                      ('"lead_stage"', '"funnel"', 'unknown vocabulary'),
                      ('"2026-01-03 00:00:00+00"', '"2026-01-03T00:00:00Z"', 'point not canonical'),
                      ('"2026-01-03 00:00:00+00"', '"2026-01-01 00:00:00+00"', 'points not increasing'),
                      ('"2026-01-03 00:00:00+00"', '"2026-01-0x 00:00:00+00"', 'point not a time'),
                      ('"2026-01-03 00:00:00+00"', '"2026-13-03 00:00:00+00"', 'point month 13'),
                      ('"2026-01-03 00:00:00+00"', '"2026-02-30 00:00:00+00"', 'point February 30'),
                      ('"2026-01-03 00:00:00+00"', '"2026-01-03 24:00:00+00"', 'point hour 24'),
                      ('"2026-01-03 00:00:00+00"', '"9999-01-03 00:00:00+00"', 'point out of range'),
                      ('"2026-01-03 00:00:00+00"', '"2026-01-04 00:00:00+00"', 'a day step''s spacing (zone-dependent, not checked)'),
                      ('"days": 2, "microseconds": 0', '"days": 0, "microseconds": 172800000001', 'points not a step apart'),
                      ('"days": 2', '"days": 0', 'zero step'),
                      ('[1, 1, 0, 0, 0], [1, 0, 0, 0, 0]', '[1, 1, 0, 0, 0], [-1, 0, 0, 0, 0]', 'negative count'),
                      ('[1, 1, 0, 0, 0], [1, 0, 0, 0, 0]', '[1, 1, 0, 0, 0], [1.5, 0, 0, 0, 0]', 'fraction'),
                      ('[1, 1, 0, 0, 0], [1, 0, 0, 0, 0]', '[1, 1, 0, 0, 0], [1, 0, 0, 0]', 'four counts'),
                      ('[0, 0, 1, 0, 0], [0, 1, 1, 0, 1]', '[0, 0, 1, 0, 0], [5, 1, 1, 0, 1]', 'identity broken'),
                      ('"lost", "other"]', '"lost", "other", "x"]', 'thirteen stages'),
                      ('"outcomes": ["recycled", ', '"outcomes": [', 'recycled not an outcome'),
                      ('"version": 1', '"version": 1, "extra": 0', 'unknown key')) r(a, b, what)
ORDER BY what;

-- hostile binary input: pipeline_send's bytes, changed, read back through
-- a binary COPY (pipeline_recv); the layout: version, flags, stages (2
-- bytes), step (16), points (4 + 8 each), counts (8 each)
CREATE FUNCTION pg_temp.recv_state(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT %L::bytea) TO PROGRAM %L (FORMAT binary)', b, 'cat > pipeline_bad.bin');
    RETURN pg_temp.sqlstate_of($q$COPY pl_copy FROM PROGRAM 'cat pipeline_bad.bin' (FORMAT binary)$q$);
END $$;
CREATE TABLE pl_bytes AS
SELECT pipeline_send(pipeline(lead_id, stage, at, '2026-01-01', '2026-01-07', '2 days')) AS b FROM pl_small;
SELECT pg_temp.recv_state(x) AS state, what
FROM pl_bytes, LATERAL (VALUES (b, 'unchanged'),
    (set_byte(b, 0, 2), 'version 2'),
    (set_byte(b, 1, 7), 'unknown flags'),
    (set_byte(b, 3, 13), '13 lead_stage values'),
    (set_byte(b, 23, 0), 'no points'),
    (substring(b from 1 for length(b) - 8), 'a count missing'),
    (b || '\x00'::bytea, 'a byte too many'),
    (set_byte(b, 56, 128), 'a negative count'),
    (overlay(b placing substring(b from 25 for 8) from 33 for 8), 'points not increasing'),
    (set_byte(b, 56 + (12 + 2) * 5 * 8 + 7, 9), 'identity broken')) v(x, what);

-- clean up the declaration (other tests see ladder_outcome)
DELETE FROM ladder_outcome WHERE ladder = 'pl_deal'::regtype;
