-- Merging funnels: the sample CRM export against the oracle; rollup of daily
-- cohorts; Citus-style splits of the rows into k parts, each partial result
-- round-tripped through text and binary, combined, and compared with the
-- one-pass answer (disjoint leads, and rows of one lead cut across parts);
-- funnel() as a running window aggregate.
\set SHOW_CONTEXT never
\set ECHO none
\i sql/include/funnel_oracle.sql
\i sql/include/funnel_data.sql
\set leads 3000
\i test/data/generate.sql
\set ECHO all

-- ---------------------------------------------------------------------------
-- The sample CRM export (test/data/generate.sql, 3000 leads): stage labels as
-- CRMs write them, in time order, with NULLs, against the oracle.
INSERT INTO oracle_events
SELECT lead_id::text, stage_label::lead_stage, changed_at FROM crm_stage_history;
SELECT count(*) AS events, count(DISTINCT lead_id) AS leads,
       count(*) FILTER (WHERE lead_id IS NULL OR stage_label IS NULL OR changed_at IS NULL) AS with_null
FROM crm_stage_history;
CREATE TEMP TABLE crm_f AS
SELECT funnel(lead_id, stage_label::lead_stage, changed_at) AS f FROM crm_stage_history;
SELECT stage, leads, rate_from_previous, median_time_from_previous, p90_time_from_previous,
       recycled, disqualified, lost
FROM funnel_steps((SELECT f FROM crm_f));
SELECT * FROM pg_temp.check_funnel((SELECT f FROM crm_f), NULL);
SELECT sum(mismatches) AS mismatches_within_7_days
FROM pg_temp.check_funnel((SELECT funnel(lead_id, stage_label::lead_stage, changed_at, '7 days')
                           FROM crm_stage_history), 7 * 86400);

-- ---------------------------------------------------------------------------
-- Daily cohorts (leads by creation day and channel: disjoint lead sets) roll
-- up to the funnel over all days, per channel and in total, in any order and
-- through months.
CREATE TEMP TABLE daily AS
SELECT (l.created_at AT TIME ZONE 'UTC')::date AS day, l.channel,
       funnel(h.lead_id, h.stage_label::lead_stage, h.changed_at) AS f
FROM crm_stage_history h JOIN crm_leads l USING (lead_id)
GROUP BY 1, 2;
SELECT count(*) AS cohorts, count(DISTINCT day) AS days FROM daily;
SELECT (SELECT rollup(f) FROM daily)::text = (SELECT f::text FROM crm_f) AS total_same,
       (SELECT rollup(f ORDER BY md5(day::text || channel)) FROM daily)::text
         = (SELECT f::text FROM crm_f) AS shuffled_same,
       (SELECT rollup(f ORDER BY day DESC, channel DESC) FROM daily)::text
         = (SELECT f::text FROM crm_f) AS reversed_same,
       (SELECT rollup(m) FROM (SELECT rollup(f) AS m FROM daily
                               GROUP BY date_trunc('month', day)) x)::text
         = (SELECT f::text FROM crm_f) AS through_months_same;
-- funnel_steps of the rollup and of the one-pass funnel: no differing row
SELECT count(*) AS differing_rows FROM (
    (SELECT * FROM funnel_steps((SELECT rollup(f) FROM daily))
     EXCEPT SELECT * FROM funnel_steps((SELECT f FROM crm_f)))
    UNION ALL
    (SELECT * FROM funnel_steps((SELECT f FROM crm_f))
     EXCEPT SELECT * FROM funnel_steps((SELECT rollup(f) FROM daily)))) d;
-- per channel
SELECT r.channel, reached(r.f, 'subscriber') AS leads, reached(r.f, 'customer') AS customers,
       r.f::text = o.f::text AS same
FROM (SELECT channel, rollup(f) AS f FROM daily GROUP BY channel) r
JOIN (SELECT l.channel, funnel(h.lead_id, h.stage_label::lead_stage, h.changed_at) AS f
      FROM crm_stage_history h JOIN crm_leads l USING (lead_id) GROUP BY 1) o USING (channel)
ORDER BY 1;
-- empty funnels and NULLs are the identity; rollup of nothing is an empty funnel
SELECT (SELECT rollup(f) FROM (SELECT f FROM daily UNION ALL SELECT NULL
                               UNION ALL SELECT funnel(1, 'mql'::lead_stage, now()) FROM daily WHERE false) u)::text
         = (SELECT f::text FROM crm_f) AS identity,
       (SELECT rollup(f) FROM daily WHERE false)::text
         = (SELECT funnel(lead, stage, at)::text FROM fx WHERE false) AS nothing_is_empty,
       (SELECT rollup(NULL::funnel) FROM generate_series(1, 3))::text
         = (SELECT funnel(lead, stage, at)::text FROM fx WHERE false) AS nulls_are_empty;
-- rollup of one funnel is that funnel; of a funnel with itself, double counts
SELECT rollup(f)::text = (SELECT f::text FROM crm_f) AS single
FROM crm_f;
SELECT (rollup(f)::jsonb -> 'reached') AS doubled, (SELECT f::jsonb -> 'reached' FROM crm_f) AS once
FROM (SELECT f FROM crm_f UNION ALL SELECT f FROM crm_f) u;

-- ---------------------------------------------------------------------------
-- Citus-style, disjoint leads: the generated data set's leads dealt at random
-- into k = 2, 3, 7 parts; each part aggregated on its own; every partial
-- result round-tripped through text and through binary COPY; rolled up.
SELECT setseed(0.77);
CREATE TEMP TABLE lead_part AS
SELECT lead, floor(random() * 2)::int AS p2, floor(random() * 3)::int AS p3,
       floor(random() * 7)::int AS p7
FROM (SELECT DISTINCT lead FROM fx WHERE lead IS NOT NULL ORDER BY lead) l;
CREATE TEMP TABLE parts (k int, part int, f funnel);
INSERT INTO parts
SELECT k, part, funnel(fx.lead, fx.stage, fx.at)
FROM fx JOIN lead_part USING (lead),
     LATERAL (VALUES (2, p2), (3, p3), (7, p7)) s(k, part)
GROUP BY k, part;
SELECT k, count(*) AS parts, min(reached(f, 'subscriber')) AS smallest,
       max(reached(f, 'subscriber')) AS largest
FROM parts GROUP BY k ORDER BY k;
CREATE TEMP TABLE one_pass AS SELECT funnel(lead, stage, at) AS f FROM fx;
\copy parts TO 'results/funnel_parts.bin' (FORMAT binary)
CREATE TEMP TABLE parts_binary (LIKE parts);
\copy parts_binary FROM 'results/funnel_parts.bin' (FORMAT binary)
\copy parts TO 'results/funnel_parts.txt'
CREATE TEMP TABLE parts_text (LIKE parts);
\copy parts_text FROM 'results/funnel_parts.txt'
SELECT p.k,
       rollup(p.f)::text = o.f AS direct,
       rollup(p.f::text::funnel)::text = o.f AS via_text,
       rollup(p.f::jsonb::text::funnel)::text = o.f AS via_jsonb,
       (SELECT rollup(b.f) FROM parts_binary b WHERE b.k = p.k)::text = o.f AS via_binary_copy,
       (SELECT rollup(t.f) FROM parts_text t WHERE t.k = p.k)::text = o.f AS via_text_copy
FROM parts p, (SELECT f::text AS f FROM one_pass) o GROUP BY p.k, o.f ORDER BY p.k;
-- every partial result comes back byte for byte
SELECT count(*) AS parts,
       count(*) FILTER (WHERE funnel_send(p.f) = funnel_send(b.f)
                          AND p.f::text = b.f::text) AS binary_exact,
       count(*) FILTER (WHERE funnel_send(p.f) = funnel_send(t.f)
                          AND funnel_send(p.f) = funnel_send(p.f::text::funnel)) AS text_exact
FROM parts p JOIN parts_binary b USING (k, part) JOIN parts_text t USING (k, part);

-- ---------------------------------------------------------------------------
-- Citus-style, rows of one lead cut across parts: every row dealt at random
-- into k parts, so most leads' events land in several partial states.  A
-- partial state holds open leads (the "leads" array of the text form: a
-- 64-bit lead hash, then per stage slot, in lead_stage order subscriber ..
-- lost, 0 = never entered, 4294967295 = entered at an unknown time, else the
-- first entry in whole seconds since 2000-01-01 UTC plus 2^31).  The partial
-- states are built here in plain SQL from the rows of each part, read as
-- funnels (text and binary), rolled up: the combine merges each lead's slots
-- across parts and the final function closes it, which must give the
-- one-pass answer, with and without a conversion window.
SELECT setseed(0.55);
CREATE TEMP TABLE row_part AS
SELECT lead, stage, at, floor(random() * 2)::int AS p2, floor(random() * 3)::int AS p3,
       floor(random() * 7)::int AS p7
FROM fx WHERE lead IS NOT NULL AND stage IS NOT NULL AND stage <> 'other';
CREATE TEMP TABLE open_slots AS
WITH codes AS (
    SELECT stage, c::int AS code   -- slot = position in the lead_stage sort order
    FROM lead_stages() WITH ORDINALITY AS l(stage, rank, team, aliases, c)),
per_slot AS (
    SELECT s.k, s.part, r.lead, c.code,
           coalesce(min(floor(extract(epoch FROM r.at)))::bigint - 946684800 + 2147483648,
                    4294967295) AS slot
    FROM row_part r JOIN codes c USING (stage),
         LATERAL (VALUES (2, r.p2), (3, r.p3), (7, r.p7)) s(k, part)
    GROUP BY 1, 2, 3, 4)
SELECT k, part, lead, array_agg(coalesce(p.slot, 0) ORDER BY code) AS slots
FROM (SELECT DISTINCT k, part, lead FROM per_slot) kl
CROSS JOIN generate_series(1, 11) AS g(code)
LEFT JOIN per_slot p USING (k, part, lead, code)
GROUP BY k, part, lead;
SELECT k, count(DISTINCT lead) AS leads, count(*) AS open_entries,
       count(*) - count(DISTINCT lead) AS entries_of_cut_leads
FROM open_slots GROUP BY k ORDER BY k;
CREATE FUNCTION pg_temp.open_state(k int, part int, within_secs bigint,
                                   odd_leads_only boolean DEFAULT false) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('{"version": 1, "vocabulary": "lead_stage", "stages": 8, "within_seconds": %s, '
                  '"reached": %2$s, "known": %2$s, "recycled": %2$s, "disqualified": %2$s, "lost": %2$s, '
                  '"times": {}, "leads": %3$s}',
                  coalesce(within_secs::text, 'null'), '[0, 0, 0, 0, 0, 0, 0, 0]',
                  jsonb_agg(jsonb_build_array(lpad(to_hex(lead), 16, '0')) || to_jsonb(slots)
                            ORDER BY lead))
    FROM open_slots o
    WHERE o.k = open_state.k AND o.part = open_state.part
      AND (NOT odd_leads_only OR o.lead % 2 = 1)
$$;
SELECT left(pg_temp.open_state(7, 0, NULL), 330) AS open_state_text;
CREATE TEMP TABLE open_parts AS
SELECT k, part, w, pg_temp.open_state(k, part, secs)::funnel AS f
FROM (SELECT DISTINCT k, part FROM open_slots) kp,
     (VALUES (NULL::interval, NULL::bigint), ('1 day', 86400)) w(w, secs);
SELECT k, w,
       rollup(f)::text = CASE WHEN w IS NULL THEN (SELECT funnel(lead, stage, at) FROM fx)::text
                              ELSE (SELECT funnel(lead, stage, at, w) FROM fx)::text END AS same_as_one_pass,
       rollup(f ORDER BY part DESC)::text = rollup(f ORDER BY part)::text AS any_order
FROM open_parts GROUP BY k, w ORDER BY k, w NULLS FIRST;
\copy open_parts TO 'results/funnel_open_parts.bin' (FORMAT binary)
CREATE TEMP TABLE open_parts_binary (LIKE open_parts);
\copy open_parts_binary FROM 'results/funnel_open_parts.bin' (FORMAT binary)
SELECT count(*) AS open_parts,
       count(*) FILTER (WHERE funnel_send(o.f) = funnel_send(b.f)) AS binary_exact,
       count(*) FILTER (WHERE o.f::text::funnel::text = o.f::text
                          AND funnel_send(o.f::text::funnel) = funnel_send(o.f)) AS text_exact
FROM open_parts o JOIN open_parts_binary b
     ON b.k = o.k AND b.part = o.part AND b.w IS NOT DISTINCT FROM o.w;
SELECT k, w, rollup(f)::text = (SELECT rollup(o.f)::text FROM open_parts o
                               WHERE o.k = b.k AND o.w IS NOT DISTINCT FROM b.w) AS binary_same
FROM open_parts_binary b GROUP BY k, w ORDER BY k, w NULLS FIRST;
-- reached() reads an open state's leads too (closing them): the same as after a rollup
SELECT reached(f, 'subscriber') AS before_rollup,
       reached(rollup(f) OVER (), 'subscriber') AS after_rollup_of_one
FROM open_parts WHERE k = 2 AND part = 0 AND w IS NULL;
-- closed funnels of the even leads and open states of the odd ones roll up together
SELECT rollup(f)::text = (SELECT f::text FROM one_pass) AS mixed_same
FROM (SELECT funnel(lead, stage, at) AS f FROM fx WHERE lead % 2 = 0 GROUP BY lead % 3
      UNION ALL
      SELECT pg_temp.open_state(7, part, NULL, true)::funnel FROM generate_series(0, 6) part) u;

-- ---------------------------------------------------------------------------
-- funnel() as a running window aggregate: the final function runs once per
-- row on the same state and must leave it unchanged.
SELECT g, f::text = (SELECT funnel(lead, stage, at)::text FROM fx
                     WHERE coalesce(lead, 0) % 5 <= w.g) AS same_as_prefix,
       reached(f, 'subscriber') AS leads
FROM (SELECT DISTINCT ON (g) g, f
      FROM (SELECT coalesce(lead, 0) % 5 AS g,
                   funnel(lead, stage, at) OVER (ORDER BY coalesce(lead, 0) % 5) AS f
            FROM fx) r
      ORDER BY g) w
ORDER BY g;

-- a moving frame: the aggregate restarts for every row
SELECT g, f::text = (SELECT funnel(lead, stage, at)::text FROM fx
                     WHERE coalesce(lead, 0) % 5 BETWEEN w.g - 1 AND w.g) AS same_as_frame
FROM (SELECT DISTINCT ON (g) g, f
      FROM (SELECT coalesce(lead, 0) % 5 AS g,
                   funnel(lead, stage, at) OVER (ORDER BY coalesce(lead, 0) % 5
                                                 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS f
            FROM fx) r
      ORDER BY g) w
ORDER BY g;

-- ---------------------------------------------------------------------------
-- GROUP BY with many small groups (500 groups of about 5 leads), through a
-- hash aggregate and through a sort: the same funnels; and a group's state is
-- small, so 500 of them fit in 32MB of hash memory without spilling to disk.
-- The batches a hash aggregate used (1: it never spilled).
CREATE FUNCTION pg_temp.hashagg_batches(query text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'HashAgg Batches')::int;
END $$;
SET max_parallel_workers_per_gather = 0;
SET work_mem = '16MB';
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT lead % 500 AS g, funnel(lead, stage, at) FROM fx WHERE lead IS NOT NULL GROUP BY 1;
SELECT pg_temp.hashagg_batches('SELECT lead % 500 AS g, funnel(lead, stage, at) FROM fx WHERE lead IS NOT NULL GROUP BY 1')
       AS hash_batches;
CREATE TEMP TABLE by_hash AS SELECT lead % 500 AS g, funnel(lead, stage, at)::text AS f FROM fx WHERE lead IS NOT NULL GROUP BY 1;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT lead % 500 AS g, funnel(lead, stage, at) FROM fx WHERE lead IS NOT NULL GROUP BY 1;
CREATE TEMP TABLE by_sort AS SELECT lead % 500 AS g, funnel(lead, stage, at)::text AS f FROM fx WHERE lead IS NOT NULL GROUP BY 1;
RESET enable_hashagg;
RESET work_mem;
RESET max_parallel_workers_per_gather;
SELECT count(*) AS groups, count(*) FILTER (WHERE h.f = s.f) AS same
FROM by_hash h FULL JOIN by_sort s USING (g);
SELECT rollup(f::funnel)::text = (SELECT f::text FROM one_pass) AS groups_roll_up
FROM by_hash;

DROP TABLE crm_leads, crm_stage_history, crm_touches;
