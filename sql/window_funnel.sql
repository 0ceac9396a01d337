-- window_funnel: every mode against independent computations over the same rows.
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

-- generated histories: skips, recycles, re-entries, ties, NULLs, shuffled rows
SELECT setseed(0.17);
CREATE TABLE wf_events AS
SELECT lead_id,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer',
                        'evangelist', 'recycled', 'disqualified', 'lost', 'other'])[
                     CASE WHEN random() < 0.15 THEN 9 + floor(random() * 4)::int
                          ELSE 1 + least(7, floor(k * 0.9 + random() * 2.5)::int) END]::lead_stage
       END AS stage,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE timestamptz '2026-03-01' + (k * interval '2 days') * (0.2 + random() * 3)
                 - CASE WHEN random() < 0.1 THEN interval '0' ELSE interval '0' END
       END AS at
FROM generate_series(1, 1500) lead_id, generate_series(0, (random() * 7)::int) k
ORDER BY random();
-- bulk-import ties: some rows share their lead's previous timestamp exactly
UPDATE wf_events SET at = date_trunc('day', at) WHERE random() < 0.2;
SELECT count(*) AS events, count(DISTINCT lead_id) AS leads FROM wf_events;

-- default mode vs plain SQL: chains start at each event of the lead's entry stage
-- (stage of its first ladder event), steps are any higher ladder stage within the window
CREATE TEMP TABLE wf_ordered AS
SELECT lead_id, stage, at, row_number() OVER (PARTITION BY lead_id ORDER BY at, stage) AS rn
FROM wf_events WHERE stage IS NOT NULL AND at IS NOT NULL AND stage <> 'other';
CREATE TEMP VIEW wf_oracle_default AS
WITH entry AS (
    SELECT DISTINCT ON (lead_id) lead_id, stage FROM wf_ordered
    WHERE stage_rank(stage) IS NOT NULL ORDER BY lead_id, rn
), starts AS (
    SELECT o.* FROM wf_ordered o JOIN entry USING (lead_id, stage)
)
SELECT s.lead_id, w.win,
       max(greatest(s.stage, CASE WHEN stage_rank(x.stage) IS NOT NULL THEN x.stage END)) AS furthest
FROM starts s
CROSS JOIN (VALUES (interval '1 day'), (interval '7 days'), (interval '30 days')) w(win)
LEFT JOIN wf_ordered x ON x.lead_id = s.lead_id AND x.rn > s.rn AND x.at - s.at <= w.win
GROUP BY 1, 2;

SELECT w.win, count(*) AS leads,
       count(*) FILTER (WHERE o.furthest IS DISTINCT FROM a.furthest) AS mismatches,
       count(*) FILTER (WHERE a.furthest = 'customer') AS customers
FROM (VALUES (interval '1 day'), (interval '7 days'), (interval '30 days')) w(win)
CROSS JOIN LATERAL (
    SELECT lead_id, window_funnel(w.win, at, stage) AS furthest
    FROM wf_events GROUP BY lead_id) a
LEFT JOIN wf_oracle_default o ON o.lead_id = a.lead_id AND o.win = w.win
GROUP BY 1 ORDER BY 1;

-- leads with no ladder event at a known time give NULL (and plain SQL agrees)
SELECT count(*) AS null_results,
       count(*) FILTER (WHERE lead_id IN (SELECT lead_id FROM wf_ordered WHERE stage_rank(stage) IS NOT NULL)) AS wrongly_null
FROM (SELECT lead_id, window_funnel('7 days', at, stage) AS f FROM wf_events GROUP BY 1) x
WHERE f IS NULL;

-- every mode against a row-by-row PL/pgSQL re-implementation of the documented
-- rules (p_start: the stage of start=, NULL for the entry stage)
CREATE FUNCTION pg_temp.oracle(p_lead int, p_win interval, p_modes text, p_start lead_stage DEFAULT NULL)
RETURNS lead_stage LANGUAGE plpgsql AS $$
DECLARE
    ev record; st record;
    entry lead_stage := p_start; best lead_stage; lvl lead_stage; last_at timestamptz;
    s_strict boolean := p_modes ~ '(^|,)\s*strict\s*(,|$)';
    s_observed boolean := p_modes LIKE '%strict_observed%';
    s_inc boolean := p_modes LIKE '%strict_increase%';
    s_dedup boolean := p_modes LIKE '%strict_deduplication%';
    s_order boolean := p_modes LIKE '%strict_order%';
BEGIN
    IF entry IS NULL THEN
        SELECT stage INTO entry FROM pg_temp.wf_ordered
         WHERE lead_id = p_lead AND stage_rank(stage) IS NOT NULL ORDER BY rn LIMIT 1;
    END IF;
    IF entry IS NULL THEN RETURN NULL; END IF;
    FOR st IN SELECT * FROM pg_temp.wf_ordered WHERE lead_id = p_lead AND stage = entry ORDER BY rn LOOP
        lvl := entry; last_at := st.at;
        FOR ev IN SELECT * FROM pg_temp.wf_ordered WHERE lead_id = p_lead AND rn > st.rn ORDER BY rn LOOP
            EXIT WHEN ev.at - st.at > p_win;
            EXIT WHEN s_order AND (stage_rank(ev.stage) IS NULL OR ev.stage < lvl);
            EXIT WHEN s_dedup AND ev.stage = lvl;
            CONTINUE WHEN stage_rank(ev.stage) IS NULL;
            -- strict_observed: no stage in between that the lead has an event at
            IF (CASE WHEN s_strict THEN stage_rank(ev.stage) = stage_rank(lvl) + 1
                     WHEN s_observed THEN ev.stage > lvl
                                          AND NOT EXISTS (SELECT FROM pg_temp.wf_ordered o
                                                          WHERE o.lead_id = p_lead AND stage_rank(o.stage) IS NOT NULL
                                                            AND o.stage > lvl AND o.stage < ev.stage)
                     ELSE ev.stage > lvl END)
               AND (NOT s_inc OR ev.at > last_at) THEN
                lvl := ev.stage; last_at := ev.at;
            END IF;
        END LOOP;
        IF best IS NULL OR lvl > best THEN best := lvl; END IF;
    END LOOP;
    RETURN best;
END $$;

SELECT m.mode, count(*) AS leads,
       count(*) FILTER (WHERE a.furthest IS DISTINCT FROM pg_temp.oracle(a.lead_id, interval '10 days', m.mode)) AS mismatches,
       count(*) FILTER (WHERE a.furthest >= 'sql') AS reached_sql
FROM unnest(ARRAY['', 'strict', 'strict_order', 'strict_deduplication', 'strict_increase',
                  'strict, strict_order', 'strict_increase,strict_deduplication',
                  'strict_observed', 'strict_observed, strict_order']) m(mode)
CROSS JOIN LATERAL (
    SELECT lead_id, window_funnel('10 days', at, stage, m.mode) AS furthest
    FROM wf_events WHERE lead_id <= 400 GROUP BY lead_id) a
GROUP BY 1 ORDER BY 1;

-- the modes really differ on this data (a mode that changed nothing would be untested)
SELECT count(DISTINCT (SELECT string_agg(coalesce(f::text, '-'), ',' ORDER BY lead_id)
                       FROM (SELECT lead_id, window_funnel('10 days', at, stage, m) f
                             FROM wf_events WHERE lead_id <= 400 GROUP BY 1) x)) AS distinct_answers
FROM unnest(ARRAY['', 'strict', 'strict_order', 'strict_deduplication', 'strict_increase',
                  'strict_observed']) m;

-- hand-made histories with known answers
CREATE TEMP TABLE wf_case (lead int, stage lead_stage, at timestamptz);
INSERT INTO wf_case VALUES
    -- 1: lead -> mql -> sql in 3 days; window 2 days reaches mql, 3 days reaches sql
    (1, 'lead', '2026-01-01'), (1, 'mql', '2026-01-02'), (1, 'sql', '2026-01-04'),
    -- 2: skips sal: strict stops at mql, default reaches sql
    (2, 'lead', '2026-01-01'), (2, 'mql', '2026-01-01 01:00'), (2, 'sql', '2026-01-01 02:00'),
    -- 3: recycled in between: strict_order stops at mql
    (3, 'lead', '2026-01-01'), (3, 'mql', '2026-01-02'), (3, 'recycled', '2026-01-03'), (3, 'sal', '2026-01-04'),
    -- 4: repeated mql: strict_deduplication stops at mql
    (4, 'lead', '2026-01-01'), (4, 'mql', '2026-01-02'), (4, 'mql', '2026-01-03'), (4, 'sal', '2026-01-04'),
    -- 5: tie between mql and sal: strict_increase does not step on the tie
    (5, 'lead', '2026-01-01'), (5, 'mql', '2026-01-02'), (5, 'sal', '2026-01-02'),
    -- 6: re-entry: the second chain, started by the later lead event, reaches opportunity
    (6, 'lead', '2026-01-01'), (6, 'mql', '2026-01-02'), (6, 'lead', '2026-03-01'),
    (6, 'mql', '2026-03-02'), (6, 'opportunity', '2026-03-03'),
    -- 7: only outcomes and NULL times
    (7, 'recycled', '2026-01-01'), (7, 'lead', NULL), (7, NULL, '2026-01-01');
SELECT lead,
       window_funnel('2 days', at, stage) AS d2,
       window_funnel('3 days', at, stage) AS d3,
       window_funnel('5 days', at, stage, 'strict') AS strict,
       window_funnel('5 days', at, stage, 'strict_order') AS s_order,
       window_funnel('5 days', at, stage, 'strict_deduplication') AS s_dedup,
       window_funnel('5 days', at, stage, 'strict_increase') AS s_inc
FROM wf_case GROUP BY lead ORDER BY lead;

-- custom enum ladders: the enum's sort order is the ladder
CREATE TYPE wf_deal_stage AS ENUM ('prospecting', 'discovery', 'proposal', 'negotiation', 'closed_won');
SELECT window_funnel('10 days', at, s) AS furthest, pg_typeof(window_funnel('10 days', at, s))
FROM (VALUES ('prospecting'::wf_deal_stage, timestamptz '2026-01-01'), ('proposal', '2026-01-05'),
             ('closed_won', '2026-01-20')) v(s, at);

-- parallel plan gives the serial answer
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET align.partial_merge_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT stage, count(*) FROM (SELECT window_funnel('7 days', at, stage) AS stage FROM wf_events GROUP BY lead_id) x GROUP BY 1;
CREATE TEMP TABLE wf_parallel AS SELECT lead_id, window_funnel('7 days', at, stage, 'strict_order') AS f FROM wf_events GROUP BY lead_id;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET align.partial_merge_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT count(*) AS leads,
       count(*) FILTER (WHERE p.f IS DISTINCT FROM s.f) AS differences
FROM wf_parallel p JOIN (SELECT lead_id, window_funnel('7 days', at, stage, 'strict_order') AS f
                         FROM wf_events GROUP BY lead_id) s USING (lead_id);

-- bad input
SELECT window_funnel('7 days', at, stage, 'strict_ordr') FROM wf_case;
SELECT window_funnel('-1 day', at, stage) FROM wf_case;
SELECT pg_temp.sqlstate_of($$SELECT window_funnel(NULL, at, stage) FROM wf_case$$) AS null_window,
       pg_temp.sqlstate_of($$SELECT window_funnel('1 day', at, stage, 'strict_order, nope') FROM wf_case$$) AS bad_mode,
       pg_temp.sqlstate_of($$SELECT window_funnel('-1 mon', at, stage) FROM wf_case$$) AS negative,
       pg_temp.sqlstate_of($$SELECT window_funnel(CASE WHEN lead = 1 THEN interval '1 day' ELSE '2 days' END, at, stage) FROM wf_case$$) AS varying,
       pg_temp.sqlstate_of($$SELECT window_funnel('1 day', at, stage, '') FROM wf_case$$) AS empty_mode;
SELECT window_funnel('7 days', at, stage) IS NULL AS empty_input FROM wf_case WHERE false;

-- modes ignore case and surrounding white space, as stage labels do: every
-- spelling gives, lead by lead, what the lower-case mode gives (checked
-- against the oracle above); a misspelt mode is still an error
SELECT m.spelling, count(*) AS leads,
       count(*) FILTER (WHERE a.furthest IS DISTINCT FROM b.furthest) AS differ,
       count(*) FILTER (WHERE a.furthest IS DISTINCT FROM
                        window_funnel_any.furthest) AS differ_from_default
FROM unnest(ARRAY['STRICT', 'Strict_Order', ' strict_INCREASE ', E'\tStrict_Deduplication',
                  'strict_order, STRICT_INCREASE']) WITH ORDINALITY m(spelling, n)
JOIN LATERAL (SELECT lead_id, window_funnel('10 days', at, stage, m.spelling) AS furthest
              FROM wf_events GROUP BY lead_id) a ON true
JOIN LATERAL (SELECT lead_id, window_funnel('10 days', at, stage, lower(btrim(m.spelling, E' \t'))) AS furthest
              FROM wf_events GROUP BY lead_id) b USING (lead_id)
JOIN (SELECT lead_id, window_funnel('10 days', at, stage) AS furthest
      FROM wf_events GROUP BY lead_id) window_funnel_any USING (lead_id)
GROUP BY m.spelling, m.n ORDER BY m.n;
SELECT window_funnel('7 days', at, stage, 'Strict, STRICT_ORDR') FROM wf_case;

-- one interval rule (issue 11): a window is its total as PostgreSQL orders
-- intervals (a month 30 days, a day 24 hours), so '1 day -1 hour' is 23
-- hours; only a negative total is an error.  subscriber at 00:00, lead at
-- 23:00 (exactly 23 hours later: inside), mql one second after that.
SELECT w, window_funnel(w::interval, at, s) AS furthest
FROM (VALUES (timestamptz '2026-01-01 00:00+00', 'subscriber'::lead_stage),
             ('2026-01-01 23:00+00', 'lead'), ('2026-01-01 23:00:01+00', 'mql')) AS v(at, s),
     unnest(ARRAY['23 hours', '1 day -1 hour', '1 mon -29 days -1 hour', '-1 day 25 hours',
                  '23:00:01']) AS w
GROUP BY w ORDER BY w;
SELECT w, pg_temp.sqlstate_of(format('SELECT window_funnel(%L, at, stage) FROM wf_case', w)) AS sqlstate
FROM unnest(ARRAY['1 hour -1 day', '-1 mon 29 days', '1 mon -31 days', '-00:00:00.000001']) AS w;
SELECT window_funnel('1 hour -1 day', at, stage) FROM wf_case;

-- long histories (40 to 120 events per lead on 40 distinct half-days: many
-- chains alive at once, re-entries, ties, outcomes): every mode against the
-- row-by-row oracle, where chains are followed one start at a time
SELECT setseed(0.31);
CREATE TEMP TABLE wf_long AS
SELECT 100000 + l AS lead_id,
       (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer',
              'evangelist', 'recycled', 'lost'])[1 + floor(random() * 10)::int]::lead_stage AS stage,
       timestamptz '2026-01-01' + floor(random() * 40) * interval '12 hours' AS at
FROM generate_series(1, 60) l, generate_series(1, 40 + (l * 37) % 80) k;
INSERT INTO wf_ordered
SELECT lead_id, stage, at, row_number() OVER (PARTITION BY lead_id ORDER BY at, stage) FROM wf_long;
SELECT m.mode, count(*) AS leads,
       count(*) FILTER (WHERE a.furthest IS DISTINCT FROM pg_temp.oracle(a.lead_id, interval '3 days', m.mode)) AS mismatches,
       count(DISTINCT a.furthest) AS distinct_results
FROM unnest(ARRAY['', 'strict', 'strict_order', 'strict_deduplication', 'strict_increase',
                  'strict, strict_order', 'strict_increase,strict_deduplication',
                  'strict,strict_increase,strict_order,strict_deduplication', 'strict_observed',
                  'strict_observed,strict_increase,strict_order,strict_deduplication']) m(mode)
CROSS JOIN LATERAL (
    SELECT lead_id, window_funnel('3 days', at, stage, m.mode) AS furthest
    FROM wf_long GROUP BY lead_id) a
GROUP BY 1 ORDER BY 1;

-- Sparse ladders (issue 13): the CRM export of the issue has only mql and
-- customer events.  strict steps to the next ladder stage only, so every
-- chain stops at mql (and a NOTICE says so, once per statement, not per
-- lead); strict_observed steps to the next stage the lead has events at;
-- start=mql starts chains only at mql events (a lead without one: NULL).
-- 2000 leads, 10 % contacted twice, 42 % won: some won before their first
-- contact, some at the very time of it, most 0 to 90 days after.
SELECT setseed(0.53);
CREATE TEMP TABLE wf_sparse AS
WITH l AS (
    SELECT lead_id, timestamptz '2026-01-01' + floor(random() * 60 * 24) * interval '1 hour' AS first_at,
           random() AS r, random() AS c
    FROM generate_series(1, 2000) lead_id
)
SELECT lead_id, 'mql'::lead_stage AS stage, first_at AS at FROM l
UNION ALL
SELECT lead_id, 'mql', first_at + interval '20 days' FROM l WHERE r < 0.1
UNION ALL
SELECT lead_id, 'customer',
       CASE WHEN c < 0.05 THEN first_at - interval '2 days' WHEN c < 0.1 THEN first_at
            ELSE first_at + floor(c * 90 * 24) * interval '1 hour' END
FROM l WHERE r < 0.42;
-- plain SQL, the stages by their labels: the first event (mql before
-- customer at the same time) is the entry stage; won in the window = a
-- customer event no earlier than an mql event and at most the window later
CREATE TEMP VIEW wf_sparse_plain AS
SELECT w.win, l.lead_id,
       (SELECT stage::text FROM wf_sparse e WHERE e.lead_id = l.lead_id
        ORDER BY at, CASE stage::text WHEN 'mql' THEN 1 ELSE 2 END LIMIT 1) AS entry,
       EXISTS (SELECT FROM wf_sparse m JOIN wf_sparse c USING (lead_id)
               WHERE m.lead_id = l.lead_id AND m.stage::text = 'mql' AND c.stage::text = 'customer'
                 AND c.at >= m.at AND c.at - m.at <= w.win) AS won_in_window,
       EXISTS (SELECT FROM wf_sparse c WHERE c.lead_id = l.lead_id AND c.stage::text = 'customer') AS won
FROM (SELECT DISTINCT lead_id FROM wf_sparse) l,
     (VALUES (interval '30 days'), (interval '90 days')) w(win);
CREATE TEMP TABLE wf_sparse_want AS
SELECT win, lead_id, m.mode, m.want
FROM wf_sparse_plain,
LATERAL (VALUES
    ('', CASE WHEN entry = 'customer' OR won_in_window THEN 'customer' ELSE 'mql' END),
    ('strict', entry),
    ('strict_observed', CASE WHEN entry = 'customer' OR won_in_window THEN 'customer' ELSE 'mql' END),
    ('start=mql', CASE WHEN won_in_window THEN 'customer' ELSE 'mql' END),
    ('start=mql, strict_observed', CASE WHEN won_in_window THEN 'customer' ELSE 'mql' END),
    ('start=mql, strict', 'mql'),
    ('start=customer', CASE WHEN won THEN 'customer' END)) m(mode, want);
-- one NOTICE for the whole statement (strict, both windows, 2000 leads)
SELECT w.mode, w.win, count(*) AS leads,
       count(*) FILTER (WHERE a.furthest::text IS DISTINCT FROM w.want) AS mismatches,
       count(*) FILTER (WHERE a.furthest = 'customer') AS won,
       count(*) FILTER (WHERE a.furthest IS NULL) AS no_chain
FROM wf_sparse_want w
JOIN LATERAL (SELECT lead_id, window_funnel(w.win, at, stage, w.mode) AS furthest
              FROM wf_sparse WHERE lead_id = w.lead_id GROUP BY lead_id) a USING (lead_id)
GROUP BY 1, 2 ORDER BY 1, 2;
-- the NOTICE needs strict to have stopped short: none without strict, none
-- when every lead has each stage between (here: no lead has both events)
SELECT count(f) AS no_notice
FROM (SELECT window_funnel('30 days', at, stage, 'strict_observed') AS f FROM wf_sparse GROUP BY lead_id) x;
SELECT count(*) AS no_notice FROM (SELECT window_funnel('30 days', at, stage, 'strict')
                                    FROM wf_sparse WHERE lead_id IN (SELECT lead_id FROM wf_sparse
                                                                     GROUP BY 1 HAVING count(DISTINCT stage) = 1)
                                    GROUP BY lead_id) x;

-- strict_observed skips only the stages the lead (the group) has no event
-- at: hand-made leads over mql, sql, customer, a 10-day window
CREATE TEMP TABLE wf_obs (lead int, stage lead_stage, at timestamptz);
INSERT INTO wf_obs VALUES
    -- 1: mql, customer: no sql event: steps mql -> customer
    (1, 'mql', '2026-01-01'), (1, 'customer', '2026-01-05'),
    -- 2: mql, customer, then sql (after the window): the lead has sql, so
    --    customer is not the next stage it has: stops at mql
    (2, 'mql', '2026-01-01'), (2, 'customer', '2026-01-05'), (2, 'sql', '2026-03-01'),
    -- 3: mql, sql, customer in order: all three
    (3, 'mql', '2026-01-01'), (3, 'sql', '2026-01-02'), (3, 'customer', '2026-01-05'),
    -- 4: lead, then customer: lead -> customer (no mql, sal, sql, opportunity)
    (4, 'lead', '2026-01-01'), (4, 'customer', '2026-01-03'),
    -- 5: sql before mql: start=mql starts at the mql; sql came before it
    (5, 'sql', '2026-01-01'), (5, 'mql', '2026-01-02'), (5, 'customer', '2026-01-04'),
    -- 6: no mql: start=mql gives NULL
    (6, 'sql', '2026-01-01'), (6, 'customer', '2026-01-02');
SELECT lead,
       window_funnel('10 days', at, stage, 'strict') AS strict,
       window_funnel('10 days', at, stage, 'strict_observed') AS strict_observed,
       window_funnel('10 days', at, stage, 'start=mql') AS start_mql,
       window_funnel('10 days', at, stage, 'start=mql, strict_observed') AS start_mql_observed,
       window_funnel('10 days', at, stage, 'start=mql, strict') AS start_mql_strict
FROM wf_obs GROUP BY lead ORDER BY lead;

-- start= over the random histories above: every mode with it, against the
-- row-by-row oracle with chains started at the given stage
SELECT m.mode, count(*) AS leads,
       count(*) FILTER (WHERE a.furthest IS DISTINCT FROM
                        pg_temp.oracle(a.lead_id, interval '10 days', m.mode, m.start)) AS mismatches,
       count(*) FILTER (WHERE a.furthest IS NULL) AS no_chain,
       count(*) FILTER (WHERE a.furthest >= 'sql') AS reached_sql
FROM (VALUES ('start=mql', 'mql'::lead_stage), ('start=lead, strict', 'lead'),
             ('strict_observed, start=mql', 'mql'), ('start=sal, strict_order', 'sal'),
             ('start=mql, strict_deduplication, strict_increase', 'mql'),
             ('start=subscriber, strict_observed, strict_order', 'subscriber')) m(mode, start)
CROSS JOIN LATERAL (
    SELECT lead_id, window_funnel('10 days', at, stage, m.mode) AS furthest
    FROM wf_events WHERE lead_id <= 400 GROUP BY lead_id) a
GROUP BY 1 ORDER BY 1;
-- strict_observed without start=: its answers differ from strict's and the
-- default's on these histories, and equal the oracle's (entry stage first)
SELECT count(*) AS leads,
       count(*) FILTER (WHERE o.furthest IS DISTINCT FROM
                        pg_temp.oracle(o.lead_id, interval '10 days', 'strict_observed')) AS mismatches,
       count(*) FILTER (WHERE o.furthest IS DISTINCT FROM s.furthest) AS differ_from_strict,
       count(*) FILTER (WHERE o.furthest IS DISTINCT FROM d.furthest) AS differ_from_default
FROM (SELECT lead_id, window_funnel('10 days', at, stage, 'strict_observed') AS furthest
      FROM wf_events WHERE lead_id <= 400 GROUP BY 1) o
JOIN (SELECT lead_id, window_funnel('10 days', at, stage, 'strict') AS furthest
      FROM wf_events WHERE lead_id <= 400 GROUP BY 1) s USING (lead_id)
JOIN (SELECT lead_id, window_funnel('10 days', at, stage) AS furthest
      FROM wf_events WHERE lead_id <= 400 GROUP BY 1) d USING (lead_id);

-- start= names a stage as lead_stage's input reads it (case, spaces, "_",
-- "-", aliases), and the keyword ignores case and spaces: same answers
SELECT m.spelling, count(*) FILTER (WHERE a.furthest IS DISTINCT FROM b.furthest) AS differ
FROM unnest(ARRAY['START=MQL', ' Start = Marketing Qualified Lead ', 'start=aql, STRICT_OBSERVED',
                  'strict_observed,start=mql']) WITH ORDINALITY m(spelling, n)
JOIN LATERAL (SELECT lead_id, window_funnel('10 days', at, stage, m.spelling) AS furthest
              FROM wf_events GROUP BY lead_id) a ON true
JOIN LATERAL (SELECT lead_id, window_funnel('10 days', at, stage,
                                            CASE WHEN m.spelling ILIKE '%observed%' THEN 'start=mql, strict_observed'
                                                 ELSE 'start=mql' END) AS furthest
              FROM wf_events GROUP BY lead_id) b USING (lead_id)
GROUP BY m.spelling, m.n ORDER BY m.n;

-- enum ladders: the sparse export over an opportunity ladder with the
-- stages in between ('SAL', 'SQL'); start= reads the enum's labels as
-- try_stage() does (as written, else ignoring case, spaces, "_", "-");
-- the answers are the lead_stage answers above, stage for stage
CREATE TYPE wf_opp AS ENUM ('MQL', 'SAL', 'SQL', 'Closed Won');
CREATE TEMP TABLE wf_sparse_enum AS
SELECT lead_id, CASE stage::text WHEN 'mql' THEN 'MQL' ELSE 'Closed Won' END::wf_opp AS stage, at FROM wf_sparse;
SELECT m.mode, count(*) AS leads,
       count(*) FILTER (WHERE a.furthest::text IS DISTINCT FROM
                        CASE w.want WHEN 'mql' THEN 'MQL' WHEN 'customer' THEN 'Closed Won' END) AS mismatches,
       count(*) FILTER (WHERE a.furthest = 'Closed Won') AS won
FROM (VALUES ('strict', 'strict'), ('strict_observed', 'Strict_Observed'), ('start=mql', 'start=mql'),
             ('start=mql, strict_observed', 'START = MQL, strict_observed'),
             ('start=customer', 'start=Closed Won'), ('start=customer', 'start=closedwon'),
             ('start=mql, strict', 'start=MQL,strict')) m(want_mode, mode)
JOIN wf_sparse_want w ON w.mode = m.want_mode AND w.win = '30 days'
JOIN LATERAL (SELECT lead_id, window_funnel('30 days', at, stage, m.mode) AS furthest
              FROM wf_sparse_enum WHERE lead_id = w.lead_id GROUP BY lead_id) a USING (lead_id)
GROUP BY 1 ORDER BY 1;
SELECT pg_typeof(window_funnel('30 days', at, stage, 'start=MQL')) FROM wf_sparse_enum LIMIT 1;

-- (parallel plans with strict_observed and start=: sql/parallel.sql and
-- sql/property_parallel.sql)

-- bad modes: 22023, saying what was wrong and what is accepted
SELECT window_funnel('7 days', at, stage, 'start=nope') FROM wf_case;
SELECT window_funnel('7 days', at, stage, 'start=lost') FROM wf_case;
SELECT window_funnel('7 days', at, stage, 'strict, strict_observed') FROM wf_case;
SELECT window_funnel('30 days', at, stage, 'start=customer') FROM wf_sparse_enum;
SELECT window_funnel('7 days', at, stage, 'start') FROM wf_case;
SELECT window_funnel('7 days', at, stage, 'start=mql, start=sal') FROM wf_case;
SELECT m AS mode, pg_temp.sqlstate_of(format('SELECT window_funnel(%L, at, stage, %L) FROM wf_case', '7 days', m)) AS sqlstate
FROM unnest(ARRAY['start=', 'start =  ', 'start=mql,start=mql', 'start=other', 'starts=mql', 'start:mql',
                  'strict_observed, STRICT', 'start=mql,sal', 'start=mql']) m;
-- an enum label that two labels equal once case, spaces, "_" and "-" are
-- ignored names neither (22023); written as the enum has it, it is found
CREATE TYPE wf_amb AS ENUM ('Closed Won', 'closed-won', 'Renewal');
SELECT window_funnel('30 days', at, s, 'start=closedwon')
FROM (VALUES ('Closed Won'::wf_amb, timestamptz '2026-01-01')) v(s, at);
SELECT window_funnel('30 days', at, s, 'start=closed-won') AS exact,
       window_funnel('30 days', at, s, 'start=Closed Won') AS exact_too
FROM (VALUES ('closed-won'::wf_amb, timestamptz '2026-01-01'), ('Renewal', '2026-01-02'),
             ('Closed Won', '2026-03-01')) v(s, at);
SELECT window_funnel('7 days', at, stage, 'start=Closed Lost') FROM wf_case;
