-- Handoff-gap window functions: handoff_gap, time_in_stage, sla_breached,
-- handoff_count.  A worked example, owner types, generated histories compared
-- row by row with plain SQL (lag/lead/count), time-order errors, bad
-- arguments, a materialized view, a parallel plan, and the speed-to-lead
-- report of test/demo/handoffs.sql against its plain-SQL version.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

\i sql/include/sqlstate_of.sql

-- ---------------------------------------------------------------------------
-- The worked example of the README
-- ---------------------------------------------------------------------------
CREATE TABLE touch (lead int, at timestamptz, owner text);
INSERT INTO touch VALUES
    (1, '2026-03-02 09:00+00', 'marketing'),
    (1, '2026-03-02 10:00+00', 'marketing'),
    (1, '2026-03-02 13:30+00', 'sales'),      -- handoff after 3h30
    (1, '2026-03-02 14:00+00', NULL),         -- unattributed: skipped
    (1, '2026-03-03 09:00+00', 'sales'),
    (1, '2026-03-05 09:00+00', 'marketing'),  -- bounced back after 2 days
    (2, '2026-03-04 08:00+00', 'marketing'),  -- one event, still waiting
    (3, '2026-03-01 08:00+00', 'marketing'),
    (3, '2026-03-01 08:00+00', 'sales'),      -- same second: gap 0
    (3, NULL, 'success');                     -- time unknown: NULL durations

SELECT lead, at, owner,
       handoff_gap(at, owner) OVER w AS gap,
       handoff_count(owner) OVER w AS handoffs,
       time_in_stage(at) OVER w AS stay,
       time_in_stage(at, '2026-03-06 00:00+00') OVER w AS stay_as_of,
       sla_breached(at, owner, '4 hours') OVER w AS breached,
       sla_breached(at, owner, '4 hours', '2026-03-06 00:00+00') OVER w AS breached_as_of
FROM touch
WINDOW w AS (PARTITION BY lead ORDER BY at, owner);

-- time_in_stage: as_of before the last row's at, and NULL as_of, give NULL
SELECT lead, at, time_in_stage(at, '2026-03-04 00:00+00') OVER w AS as_of_before,
       time_in_stage(at, NULL) OVER w AS as_of_null
FROM touch WHERE lead IN (1, 2)
WINDOW w AS (PARTITION BY lead ORDER BY at);

-- sla_breached: the sla is read on each row (a per-row SLA works); a gap
-- equal to the sla is not a breach; a NULL sla gives NULL on judged rows
SELECT lead, at, owner,
       sla_breached(at, owner, '3 hours 30 minutes') OVER w AS sla_equal_gap,
       sla_breached(at, owner, CASE WHEN owner = 'sales' THEN interval '1 hour' ELSE interval '3 days' END) OVER w AS per_row_sla,
       sla_breached(at, owner, NULL) OVER w AS null_sla
FROM touch WHERE lead = 1
WINDOW w AS (PARTITION BY lead ORDER BY at);

-- NULL times sorted first (ORDER BY at NULLS FIRST) are allowed too
SELECT lead, at, owner, handoff_gap(at, owner) OVER w AS gap,
       handoff_count(owner) OVER w AS handoffs, time_in_stage(at) OVER w AS stay
FROM touch WHERE lead = 3
WINDOW w AS (PARTITION BY lead ORDER BY at NULLS FIRST, owner);

-- an empty input gives no rows
SELECT handoff_gap(at, owner) OVER (ORDER BY at) FROM touch WHERE false;

-- ---------------------------------------------------------------------------
-- Owner types: any type with a default equality, by value or by reference
-- ---------------------------------------------------------------------------
CREATE DOMAIN team_name AS text CHECK (VALUE <> '');
CREATE TYPE team_enum AS ENUM ('marketing', 'sales', 'success');
CREATE TYPE team_ref AS (team text, region int);
CREATE TABLE owners AS
SELECT lead, at, owner AS t,
       CASE owner WHEN 'marketing' THEN 10 WHEN 'sales' THEN 20 WHEN 'success' THEN 30 END AS i,
       CASE owner WHEN 'marketing' THEN 'mql' WHEN 'sales' THEN 'sal' WHEN 'success' THEN 'customer' END::lead_stage AS stage,
       owner::team_name AS d, owner::team_enum AS e,
       CASE owner WHEN 'marketing' THEN 1.5 WHEN 'sales' THEN 2.5 WHEN 'success' THEN 3.5 END::numeric AS n,
       CASE WHEN owner IS NOT NULL THEN ROW(owner, 1)::team_ref END AS r,
       CASE WHEN owner IS NOT NULL THEN ARRAY[owner] END AS a
FROM touch;
-- the same handoffs, whatever the owner's type
SELECT lead, string_agg(coalesce(by_text::text, '-'), ', ' ORDER BY at, t) AS gaps_by_text,
       bool_and(by_text IS NOT DISTINCT FROM by_int AND by_text IS NOT DISTINCT FROM by_stage
                AND by_text IS NOT DISTINCT FROM by_team AND by_text IS NOT DISTINCT FROM by_domain
                AND by_text IS NOT DISTINCT FROM by_enum AND by_text IS NOT DISTINCT FROM by_numeric
                AND by_text IS NOT DISTINCT FROM by_record AND by_text IS NOT DISTINCT FROM by_array)
           AS all_types_agree
FROM (SELECT lead, at, t,
             handoff_gap(at, t) OVER w AS by_text, handoff_gap(at, i) OVER w AS by_int,
             handoff_gap(at, stage) OVER w AS by_stage, handoff_gap(at, stage_team(stage)) OVER w AS by_team,
             handoff_gap(at, d) OVER w AS by_domain, handoff_gap(at, e) OVER w AS by_enum,
             handoff_gap(at, n) OVER w AS by_numeric, handoff_gap(at, r) OVER w AS by_record,
             handoff_gap(at, a) OVER w AS by_array
      FROM owners
      WINDOW w AS (PARTITION BY lead ORDER BY at, t)) s
GROUP BY lead ORDER BY lead;
SELECT lead, at, t, i, stage,
       handoff_count(i) OVER w AS by_int, handoff_count(stage) OVER w AS by_stage,
       handoff_count(n) OVER w AS by_numeric, handoff_count(r) OVER w AS by_record,
       handoff_count(a) OVER w AS by_array, handoff_count(stage_team(stage)) OVER w AS by_team
FROM owners
WINDOW w AS (PARTITION BY lead ORDER BY at, t);
-- any expression can be the owner; a constant owner never hands off
SELECT lead, at, handoff_count('x'::text) OVER w AS constant_owner,
       handoff_count(CASE WHEN at < '2026-03-02 12:00+00' THEN 'before' ELSE 'after' END) OVER w AS by_half_day
FROM touch WHERE lead = 1
WINDOW w AS (PARTITION BY lead ORDER BY at);
-- the owner's collation is honoured: a case-insensitive collation sees no change
CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT o AS owner, handoff_count(o) OVER w AS default_collation,
       handoff_count(o COLLATE case_insensitive) OVER w AS case_insensitive
FROM (VALUES (1, 'Sales'), (2, 'sales'), (3, 'SALES'), (4, 'marketing')) AS v(k, o)
WINDOW w AS (ORDER BY k);

-- ---------------------------------------------------------------------------
-- Generated histories, every function compared row by row with plain SQL
-- ---------------------------------------------------------------------------
-- 4000 leads with 1..12 events each (a sixth have one event); times on a
-- coarse grid so ties are common; owners from three teams with 10 % NULL
-- owners and 4 % NULL times; a per-lead sla (some NULL) and as_of (some
-- NULL, some before the last event).  pos is the window order: by time,
-- NULL times last, ties broken by a random sequence number.
\i sql/include/window_hist.sql

-- what the histories contain: every case below is exercised
SELECT count(DISTINCT lead) AS partitions, count(*) AS events,
       count(*) FILTER (WHERE n = 1) AS single_event_leads,
       count(*) FILTER (WHERE owner IS NULL) AS null_owners,
       count(*) FILTER (WHERE at IS NULL) AS null_times,
       count(*) FILTER (WHERE at IS NOT NULL AND ties > 1) AS tied_events,
       count(*) FILTER (WHERE n > 1 AND owned = 0) AS leads_events_without_owner
FROM (SELECT lead, at, owner, count(*) OVER (PARTITION BY lead) AS n,
             count(*) OVER (PARTITION BY lead, at) AS ties,
             count(owner) OVER (PARTITION BY lead) AS owned
      FROM hist) s;

-- The plain-SQL formulation.  Handoffs: among the rows with an owner, a row
-- whose owner differs from the previous such row's (lag); the gap is the
-- difference of their times.  time_in_stage: lead(at) - at, and on the last
-- row as_of - at.  sla_breached: the gap against the sla on handoff rows;
-- with as_of, the last row with an owner also judges as_of - at.
CREATE VIEW hist_ref AS
WITH owned AS (
    SELECT seq,
           row_number() OVER o > 1 AND owner <> lag(owner) OVER o AS handoff,
           at - lag(at) OVER o AS since_prev,
           lead(seq) OVER o IS NULL AS last_owned
    FROM hist
    WHERE owner IS NOT NULL
    WINDOW o AS (PARTITION BY lead ORDER BY pos)
), rows AS (
    SELECT h.*, coalesce(o.handoff, false) AS handoff,
           CASE WHEN o.handoff THEN o.since_prev END AS gap,
           coalesce(o.last_owned, false) AS last_owned,
           lead(h.at) OVER w - h.at AS to_next,
           lead(h.seq) OVER w IS NULL AS last_row
    FROM hist h LEFT JOIN owned o USING (seq)
    WINDOW w AS (PARTITION BY h.lead ORDER BY h.pos)
)
SELECT seq, lead, pos, at, owner, sla, as_of, handoff, last_owned,
       gap,
       count(*) FILTER (WHERE handoff) OVER (PARTITION BY lead ORDER BY pos
                                             ROWS UNBOUNDED PRECEDING)::int AS handoffs,
       CASE WHEN NOT last_row THEN to_next END AS stay,
       CASE WHEN NOT last_row THEN to_next
            WHEN as_of >= at THEN as_of - at END AS stay_as_of,
       CASE WHEN handoff THEN gap > sla END AS breached,
       CASE WHEN handoff AND last_owned AND as_of >= at THEN gap > sla OR as_of - at > sla
            WHEN handoff THEN gap > sla
            WHEN last_owned AND as_of >= at THEN as_of - at > sla
       END AS breached_as_of
FROM rows;

-- align's answers, with the owner as text, as an integer id and as a stage
CREATE VIEW hist_align AS
SELECT seq,
       handoff_gap(at, owner) OVER w AS gap,
       handoff_count(owner) OVER w AS handoffs,
       time_in_stage(at) OVER w AS stay,
       time_in_stage(at, as_of) OVER w AS stay_as_of,
       sla_breached(at, owner, sla) OVER w AS breached,
       sla_breached(at, owner, sla, as_of) OVER w AS breached_as_of,
       handoff_gap(at, owner_i) OVER w AS gap_i,
       handoff_count(owner_i) OVER w AS handoffs_i,
       sla_breached(at, owner_i, sla, as_of) OVER w AS breached_as_of_i,
       handoff_gap(at, owner_stage) OVER w AS gap_stage,
       handoff_count(owner_stage) OVER w AS handoffs_stage
FROM hist
WINDOW w AS (PARTITION BY lead ORDER BY pos);

-- Mismatches per function (compared as text, so '1 day' <> '24:00:00'),
-- followed by how many rows carry a value: each count must be 0.
CREATE VIEW hist_check AS
SELECT count(*) AS events,
       count(*) FILTER (WHERE a.gap::text IS DISTINCT FROM r.gap::text) AS gap_mismatches,
       count(*) FILTER (WHERE a.handoffs IS DISTINCT FROM r.handoffs) AS count_mismatches,
       count(*) FILTER (WHERE a.stay::text IS DISTINCT FROM r.stay::text) AS stay_mismatches,
       count(*) FILTER (WHERE a.stay_as_of::text IS DISTINCT FROM r.stay_as_of::text) AS stay_as_of_mismatches,
       count(*) FILTER (WHERE a.breached IS DISTINCT FROM r.breached) AS sla_mismatches,
       count(*) FILTER (WHERE a.breached_as_of IS DISTINCT FROM r.breached_as_of) AS sla_as_of_mismatches,
       count(*) FILTER (WHERE a.gap_i::text IS DISTINCT FROM r.gap::text
                           OR a.handoffs_i IS DISTINCT FROM r.handoffs
                           OR a.breached_as_of_i IS DISTINCT FROM r.breached_as_of
                           OR a.gap_stage::text IS DISTINCT FROM r.gap::text
                           OR a.handoffs_stage IS DISTINCT FROM r.handoffs) AS int_and_stage_owner_mismatches
FROM hist_align a FULL JOIN hist_ref r USING (seq);
SELECT * FROM hist_check;

-- what was compared: values on both sides, true and false verdicts
SELECT count(gap) AS gaps, count(*) FILTER (WHERE handoff AND gap IS NULL) AS handoffs_with_unknown_gap,
       max(handoffs) AS max_handoffs, count(stay) AS stays, count(stay_as_of) AS stays_as_of,
       count(*) FILTER (WHERE breached) AS breached, count(*) FILTER (WHERE NOT breached) AS met,
       count(*) FILTER (WHERE breached_as_of) AS breached_as_of,
       count(*) FILTER (WHERE NOT breached_as_of) AS met_as_of,
       count(*) FILTER (WHERE breached_as_of AND NOT handoff) AS open_waits_breached,
       count(*) FILTER (WHERE gap = interval '0') AS zero_gaps
FROM hist_ref;

-- a few leads in full, with real values
SELECT r.lead, r.pos, r.at, r.owner, a.gap, a.handoffs, a.stay, a.stay_as_of,
       r.sla, a.breached, a.breached_as_of
FROM hist_align a JOIN hist_ref r USING (seq)
WHERE r.lead IN (2805, 3381)
ORDER BY r.lead, r.pos;

-- The same with NULL times sorted first: the window order changes, the
-- comparison must still find no mismatch.
UPDATE hist SET pos = s.pos
FROM (SELECT seq, row_number() OVER (PARTITION BY lead ORDER BY at NULLS FIRST, seq) AS pos FROM hist) s
WHERE hist.seq = s.seq;
SELECT * FROM hist_check;
UPDATE hist SET pos = s.pos
FROM (SELECT seq, row_number() OVER (PARTITION BY lead ORDER BY at, seq) AS pos FROM hist) s
WHERE hist.seq = s.seq;

-- The functions are window functions with their own order: ORDER BY at
-- directly (instead of pos) gives the same answers.
SELECT count(*) FILTER (WHERE a.gap::text IS DISTINCT FROM b.gap::text
                           OR a.stay_as_of::text IS DISTINCT FROM b.stay_as_of::text
                           OR a.breached_as_of IS DISTINCT FROM b.breached_as_of
                           OR a.handoffs IS DISTINCT FROM b.handoffs) AS mismatches
FROM hist_align a
JOIN (SELECT seq, handoff_gap(at, owner) OVER w AS gap, time_in_stage(at, as_of) OVER w AS stay_as_of,
             sla_breached(at, owner, sla, as_of) OVER w AS breached_as_of,
             handoff_count(owner) OVER w AS handoffs
      FROM hist WINDOW w AS (PARTITION BY lead ORDER BY at, seq)) b USING (seq);

-- ---------------------------------------------------------------------------
-- Rows out of time order are an error (22000), never a silent wrong answer
-- ---------------------------------------------------------------------------
SELECT lead, at, handoff_gap(at, owner) OVER (PARTITION BY lead ORDER BY owner, at) FROM touch;
SELECT lead, at, time_in_stage(at) OVER (PARTITION BY lead ORDER BY at DESC) FROM touch;
SELECT lead, at, sla_breached(at, owner, '1 day') OVER (PARTITION BY lead ORDER BY at DESC) FROM touch;
-- time_in_stage checks the next row too, so a LIMIT cannot return a negative stay
SELECT lead, at, time_in_stage(at) OVER (PARTITION BY lead ORDER BY at DESC) FROM touch LIMIT 1;
-- sla_breached with as_of checks the rows it reads ahead
SELECT at, o, sla_breached(at, o, '1 hour', '2026-04-01') OVER (ORDER BY k)
FROM (VALUES (1, timestamptz '2026-03-02 10:00+00', 'a'), (2, '2026-03-02 09:00+00', NULL)) AS v(k, at, o)
LIMIT 1;
-- every function, on the generated histories in random order
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (PARTITION BY lead ORDER BY seq) FROM hist', f)) AS sqlstate
FROM unnest(ARRAY['handoff_gap(at, owner)', 'time_in_stage(at)', 'time_in_stage(at, as_of)',
                  'sla_breached(at, owner, sla)', 'sla_breached(at, owner, sla, as_of)']) AS f;
-- equal times and NULL times in between are in order
SELECT k, at, handoff_gap(at, o) OVER w, time_in_stage(at) OVER w
FROM (VALUES (1, timestamptz '2026-03-02 09:00+00', 'a'), (2, NULL, 'b'), (3, '2026-03-02 09:00+00', 'c'),
             (4, '2026-03-02 09:30+00', 'a')) AS v(k, at, o)
WINDOW w AS (ORDER BY k);
-- handoff_count does not look at times: any window order is accepted
SELECT lead, owner, handoff_count(owner) OVER (PARTITION BY lead ORDER BY owner DESC, at) FROM touch WHERE lead = 1;

-- ---------------------------------------------------------------------------
-- Bad arguments
-- ---------------------------------------------------------------------------
-- an owner type without equality
SELECT handoff_gap(at, owner::json) OVER (ORDER BY at) FROM touch;
SELECT handoff_count(point(1, 2)) OVER () FROM touch;
SELECT sla_breached(at, owner::xml, '1 day') OVER (ORDER BY at) FROM touch;
-- a negative sla (checked on every row, judged or not); NULL is accepted
SELECT sla_breached(at, owner, '-1 minute') OVER (ORDER BY at) FROM touch;
SELECT sla_breached(at, owner, '1 day -25 hours', now()) OVER (ORDER BY at) FROM touch;
-- one interval rule (issue 11): the sla is its total as PostgreSQL orders
-- intervals, so '1 day -1 hour' is 23 hours; a total beyond int64
-- microseconds is unlimited; only a negative total is an error.  Handoffs
-- after exactly 23 hours (not a breach) and after 23 hours and 1 second.
SELECT sla, array_agg(b ORDER BY lead) AS breached
FROM (SELECT lead, sla, sla_breached(at, team, sla::interval) OVER (PARTITION BY lead, sla ORDER BY at) AS b
      FROM (VALUES (1, timestamptz '2026-03-01 00:00+00', 'marketing'), (1, '2026-03-01 23:00+00', 'sales'),
                   (2, '2026-03-01 00:00+00', 'marketing'), (2, '2026-03-01 23:00:01+00', 'sales')) AS v(lead, at, team),
           unnest(ARRAY['23 hours', '1 day -1 hour', '1 mon -29 days -1 hour', '-1 day 25 hours',
                        '23:00:01', '1000000 years', '178956970 years 7 mons 2147483647 days']) AS sla) x
WHERE b IS NOT NULL GROUP BY sla ORDER BY sla;
SELECT sla, pg_temp.sqlstate_of(format('SELECT sla_breached(at, owner, %L) OVER (ORDER BY at) FROM touch', sla)) AS sqlstate
FROM unnest(ARRAY['1 hour -1 day', '-1 mon 29 days', '1 mon -31 days', '-00:00:00.000001']) AS sla;
-- wrong argument types; an untyped literal owner needs a cast (anyelement)
SELECT handoff_count('x') OVER () FROM touch;
SELECT handoff_gap(1, owner) OVER () FROM touch;
SELECT time_in_stage(owner) OVER () FROM touch;
SELECT time_in_stage(at, 'soon'::text) OVER () FROM touch;
SELECT sla_breached(at, owner, 24) OVER () FROM touch;
SELECT handoff_count() OVER () FROM touch;
SELECT handoff_gap(at::date, owner) OVER (ORDER BY at) IS NULL AS date_is_cast FROM touch LIMIT 1;
-- not a window
SELECT handoff_gap(at, owner) FROM touch;
SELECT lead FROM touch WHERE handoff_count(owner) OVER () > 0;
SELECT handoff_count(owner) FILTER (WHERE lead = 1) OVER () FROM touch;
-- infinite times are outside align's time range
SELECT handoff_gap(at, o) OVER (ORDER BY at)
FROM (VALUES (timestamptz '-infinity', 'a'), ('2026-03-02 09:00+00', 'b')) AS v(at, o);
-- every function, each kind of infinite time: 22008
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (ORDER BY at) FROM (VALUES %s) AS v(at, o)', f, v)) AS sqlstate
FROM unnest(ARRAY['handoff_gap(at, o)', 'time_in_stage(at)', 'time_in_stage(at, ''infinity'')',
                  'sla_breached(at, o, ''1 day'')', 'sla_breached(at, o, ''1 day'', ''infinity'')']) AS f,
     unnest(ARRAY[$$('-infinity'::timestamptz, 'a'), ('2026-03-02 09:00+00', 'b')$$,
                  $$('2026-03-02 09:00+00'::timestamptz, 'a'), ('infinity', 'b')$$]) AS v
ORDER BY 1, 2;

-- Issue 11, bug 9: times 4713 BC and 294276 AD are 9.4e18 microseconds
-- apart, more than an interval holds; PostgreSQL 15's timestamptz -
-- timestamptz wraps around (-104300493 days) and so did these functions.
-- Since issue 13 every such time is outside align's one time range: an
-- error (22008) in each of them, as in funnel (sql/time_range.sql checks
-- the range's edges, where the widest gap is exact).
SELECT (extract(epoch FROM timestamptz '294276-12-31 00:00+00') - extract(epoch FROM timestamptz '4713-01-01 00:00+00 BC')) * 1e6
         > 2^63 AS far_pair_overflows,
       (extract(epoch FROM timestamptz '280000-01-01 00:00+00') - extract(epoch FROM timestamptz '4713-01-01 00:00+00 BC')) * 1e6
         < 2^63 AS near_pair_fits;
CREATE TEMP TABLE extreme (lead int, at timestamptz, o text);
INSERT INTO extreme VALUES (1, '4713-01-01 00:00+00 BC', 'a'), (1, '294276-12-31 00:00+00', 'b'),
                           (2, '4713-01-01 00:00+00 BC', 'a'), (2, '280000-01-01 00:00+00', 'b');
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (PARTITION BY lead ORDER BY at) FROM extreme WHERE lead = 1', f)) AS sqlstate
FROM unnest(ARRAY['handoff_gap(at, o)', 'time_in_stage(at)', 'sla_breached(at, o, ''1 day'')']) AS f;
SELECT f, pg_temp.sqlstate_of(format('SELECT %s OVER (ORDER BY at) FROM extreme WHERE lead = 1 AND o = ''a''', f)) AS sqlstate
FROM unnest(ARRAY['time_in_stage(at, ''294276-12-31 00:00+00'')',
                  'sla_breached(at, o, ''1 day'', ''294276-12-31 00:00+00'')']) AS f;
SELECT handoff_gap(at, o) OVER (PARTITION BY lead ORDER BY at) FROM extreme WHERE lead = 1;
SELECT time_in_stage(at, '2026-01-01 00:00+00') OVER () AS open_stay FROM extreme WHERE lead = 2 AND o = 'b';

-- ---------------------------------------------------------------------------
-- The catalogue: real WINDOW functions, IMMUTABLE like lag(), not strict,
-- parallel safe, each with a comment
-- ---------------------------------------------------------------------------
SELECT p.oid::regprocedure AS function, p.prokind, p.provolatile, p.proisstrict,
       p.proparallel, obj_description(p.oid, 'pg_proc') IS NOT NULL AS has_comment
FROM pg_proc p
WHERE p.proname IN ('handoff_gap', 'time_in_stage', 'sla_breached', 'handoff_count', 'lag')
ORDER BY p.proname, p.pronargs, p.oid::regprocedure::text;

-- ---------------------------------------------------------------------------
-- A materialized view, refreshed concurrently after new events arrive
-- ---------------------------------------------------------------------------
CREATE MATERIALIZED VIEW hist_mv AS
SELECT seq, lead,
       handoff_gap(at, owner) OVER w AS gap,
       handoff_count(owner) OVER w AS handoffs,
       time_in_stage(at, as_of) OVER w AS stay_as_of,
       sla_breached(at, owner, sla, as_of) OVER w AS breached_as_of
FROM hist
WINDOW w AS (PARTITION BY lead ORDER BY at, seq);
CREATE UNIQUE INDEX ON hist_mv (seq);
-- Compares the materialized view with the reference computation.
CREATE VIEW mv_check AS
SELECT count(*) AS events,
       count(*) FILTER (WHERE m.gap::text IS DISTINCT FROM r.gap::text
                           OR m.handoffs IS DISTINCT FROM r.handoffs
                           OR m.stay_as_of::text IS DISTINCT FROM r.stay_as_of::text
                           OR m.breached_as_of IS DISTINCT FROM r.breached_as_of) AS mismatches
FROM hist_mv m FULL JOIN hist_ref r USING (seq);
SELECT * FROM mv_check;
-- lead 2805 (all success so far) is handed to sales 11 hours after its last
-- event: the new row is a handoff within the 12-hour sla, but the wait still
-- open at as_of (22 hours) moves to it and breaches; the old last row is no
-- longer judged
INSERT INTO hist (lead, at, owner, sla, as_of, r, seq, owner_i, owner_stage)
SELECT 2805, max(at) + interval '11 hours', 'sales', max(sla), max(as_of), 0, 100000, 2, 'opportunity'
FROM hist WHERE lead = 2805;
UPDATE hist SET pos = s.pos
FROM (SELECT seq, row_number() OVER (PARTITION BY lead ORDER BY at, seq) AS pos FROM hist) s
WHERE hist.seq = s.seq AND hist.lead = 2805;
SELECT * FROM mv_check;
REFRESH MATERIALIZED VIEW CONCURRENTLY hist_mv;
SELECT * FROM mv_check;
SELECT h.lead, h.pos, h.at, h.owner, m.gap, m.handoffs, m.stay_as_of, m.breached_as_of
FROM hist_mv m JOIN hist h USING (seq) WHERE h.lead = 2805 AND h.pos >= 5 ORDER BY h.pos;
DELETE FROM hist WHERE seq = 100000;
UPDATE hist SET pos = s.pos
FROM (SELECT seq, row_number() OVER (PARTITION BY lead ORDER BY at, seq) AS pos FROM hist) s
WHERE hist.seq = s.seq AND hist.lead = 2805;

-- ---------------------------------------------------------------------------
-- A parallel plan: the scan and sort run in workers, the window above the
-- Gather Merge; the answers are those of the serial plan
-- ---------------------------------------------------------------------------
CREATE TABLE hist_serial AS SELECT * FROM hist_align;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- the plan without PostgreSQL 18's "Window: w AS (...)" line under WindowAgg
-- (earlier majors print none), so that it reads the same on every major
CREATE FUNCTION pg_temp.plan_lines(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;
SELECT line AS "QUERY PLAN"
FROM pg_temp.plan_lines($$
SELECT seq, handoff_gap(at, owner) OVER w, handoff_count(owner) OVER w,
       time_in_stage(at, as_of) OVER w, sla_breached(at, owner, sla, as_of) OVER w
FROM hist
WINDOW w AS (PARTITION BY lead ORDER BY pos)$$) AS line
WHERE line !~ '^ *Window: ';
-- Workers launched by the plan of a query (from EXPLAIN ANALYZE).
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF) ' || query INTO plan;
    RETURN (SELECT sum((n ->> 'Workers Launched')::int)
            FROM jsonb_path_query(plan::jsonb, 'strict $.**') AS n
            WHERE jsonb_typeof(n) = 'object' AND n ? 'Workers Launched');
END $$;
SELECT pg_temp.workers_launched('SELECT * FROM hist_align') > 0 AS ran_in_parallel;
CREATE TABLE hist_parallel AS SELECT * FROM hist_align;
SELECT count(*) AS events,
       count(*) FILTER (WHERE (p.*)::text IS DISTINCT FROM (s.*)::text) AS parallel_vs_serial_mismatches
FROM hist_parallel p FULL JOIN hist_serial s USING (seq);
SELECT * FROM hist_check;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---------------------------------------------------------------------------
-- Speed to lead, end to end: the demo's report (test/demo/handoffs.sql) on a
-- small generated CRM export, against the same report in plain SQL
-- ---------------------------------------------------------------------------
\set leads 400
\set seed 0.17
\set ECHO none
\ir test/data/generate.sql
\ir test/demo/handoffs.sql
\set ECHO all

-- Speed to lead in plain SQL: keep the events that have an owner, compare
-- each with the previous one (lag), keep the changes into sales.
CREATE TEMP VIEW speed_to_lead_plain AS
WITH events AS (
    SELECT lead_id, changed_at AS at, 'stage' AS kind,
           stage_label::lead_stage AS stage, stage_team(stage_label::lead_stage) AS team
    FROM crm_stage_history
    WHERE lead_id IS NOT NULL AND changed_at IS NOT NULL
    UNION ALL
    SELECT lead_id, at, 'touch', NULL, team FROM crm_touches
), owned AS (
    SELECT e.lead_id, l.channel, e.at, e.team,
           lag(e.team) OVER w AS prev_team,
           e.at - lag(e.at) OVER w AS gap
    FROM events e JOIN crm_leads l USING (lead_id)
    WHERE e.team IS NOT NULL
    WINDOW w AS (PARTITION BY e.lead_id ORDER BY e.at, e.kind, e.stage, e.team)
)
SELECT date_trunc('month', at)::date AS month, channel,
       count(*) AS handoffs,
       justify_hours(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)) AS median_gap,
       justify_hours(percentile_cont(0.9) WITHIN GROUP (ORDER BY gap)) AS p90_gap,
       avg((gap <= interval '24 hours')::int)::float8 AS sla_met
FROM owned
WHERE team = 'sales' AND prev_team <> 'sales'
GROUP BY 1, 2;

SELECT (SELECT count(*) FROM speed_to_lead) AS report_rows,
       (SELECT sum(handoffs) FROM speed_to_lead) AS handoffs,
       (SELECT count(*) FROM (SELECT * FROM speed_to_lead EXCEPT ALL SELECT * FROM speed_to_lead_plain) d) AS only_in_align,
       (SELECT count(*) FROM (SELECT * FROM speed_to_lead_plain EXCEPT ALL SELECT * FROM speed_to_lead) d) AS only_in_plain;
SELECT * FROM speed_to_lead WHERE month = '2026-03-01' ORDER BY channel;

-- time in stage in plain SQL: lead(changed_at) - changed_at, and the last
-- stage until the export's last event
SELECT count(*) AS stage_rows,
       count(*) FILTER (WHERE s.stay::text IS DISTINCT FROM p.stay::text
                           OR s.stay_as_of::text IS DISTINCT FROM p.stay_as_of::text) AS mismatches,
       count(s.stay) AS completed, count(*) FILTER (WHERE s.stay IS NULL AND s.stay_as_of IS NOT NULL) AS open
FROM (SELECT row_number() OVER (ORDER BY lead_id, changed_at, stage, stay_as_of, stay) AS k, * FROM stage_stays) s
FULL JOIN (
    SELECT row_number() OVER (ORDER BY lead_id, changed_at, stage, stay_as_of, stay) AS k, *
    FROM (SELECT lead_id, stage, changed_at,
                 CASE WHEN next_row THEN next_at - changed_at END AS stay,
                 CASE WHEN next_row THEN next_at - changed_at
                      WHEN as_of >= changed_at THEN as_of - changed_at END AS stay_as_of
          FROM (SELECT h.lead_id, h.stage_label::lead_stage AS stage, h.changed_at, x.as_of,
                       lead(h.changed_at) OVER w AS next_at,
                       lead(true) OVER w IS NOT NULL AS next_row
                FROM crm_stage_history h, (SELECT max(changed_at) AS as_of FROM crm_stage_history) x
                WHERE h.lead_id IS NOT NULL
                WINDOW w AS (PARTITION BY h.lead_id ORDER BY h.changed_at, h.stage_label::lead_stage)) q) q2
) p USING (k);

-- bounced back to marketing in plain SQL: a marketing row after any row of
-- another team
SELECT count(*) AS leads,
       count(*) FILTER (WHERE b.left_marketing IS DISTINCT FROM p.left_marketing
                           OR b.bounced_back IS DISTINCT FROM p.bounced_back) AS mismatches,
       count(*) FILTER (WHERE b.left_marketing) AS left_marketing,
       count(*) FILTER (WHERE b.left_marketing AND b.bounced_back) AS bounced_back
FROM lead_bounces b
FULL JOIN (
    SELECT lead_id, bool_or(team <> 'marketing') AS left_marketing,
           bool_or(team = 'marketing' AND seen_other) AS bounced_back
    FROM (SELECT h.lead_id, stage_team(h.stage_label::lead_stage) AS team,
                 coalesce(bool_or(stage_team(h.stage_label::lead_stage) <> 'marketing')
                     OVER (PARTITION BY h.lead_id ORDER BY h.changed_at, h.stage_label::lead_stage
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS seen_other
          FROM crm_stage_history h JOIN crm_leads l USING (lead_id)) s
    GROUP BY lead_id
) p USING (lead_id);
