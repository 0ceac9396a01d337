-- Property tests (issue 11): a brute-force model of the rules in README.md
-- ("What the numbers mean", "Rules shared by the four functions",
-- window_funnel, handoff_summary, stage_stays), in plain SQL and PL/pgSQL.
-- It never asks align for an answer (align only reads and prints the stage
-- labels): stages are mapped to ranks by the tables below, not by
-- stage_rank(); owners and keys are compared with their types' own
-- equality; durations are PostgreSQL's own timestamptz arithmetic;
-- quantiles are percentile_disc.  Everything lives in the session's
-- temporary schema.
--
-- The funnel model reads m_ev (one row per event, already reduced to a rank
-- or an outcome; NULL leads, NULL stages and 'other' are not loaded) and
-- m_ladder (the ladder of each part).  A "part" is one set of leads: 'n'
-- (the lead is prop_ev.n: every injective key type), 'num' (equal numerics
-- are one lead), 'e4' / 'e7' (the enum ladder before / after it grows).
--
-- align's answers are computed first (pg_temp.got: each by one top-level
-- statement, which may run in a parallel plan), then compared with the
-- model's: every check writes rows into items(check, keys, item, want, got,
-- ok), and pg_temp.report() prints one row per check and key (or owner)
-- kind: how many values were compared, how many differ, and the first
-- differing items.

-- The lead_stage vocabulary as the README's tables give it: codes 1..8 are
-- the ladder, 9..11 the outcomes, 12 'other'.
CREATE FUNCTION pg_temp.m_code(label text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_position(ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity',
                                'customer', 'evangelist', 'recycled', 'disqualified',
                                'lost', 'other'], label)
$$;
CREATE FUNCTION pg_temp.m_team(rank int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT (ARRAY['marketing', 'marketing', 'marketing', 'sales', 'sales', 'sales',
                  'success', 'success'])[rank]
$$;

CREATE TEMP TABLE m_ladder (part text, rank int, name text, PRIMARY KEY (part, rank));
CREATE TEMP TABLE m_ev (part text, lead text, rank int, outcome text, at timestamptz);
CREATE INDEX ON m_ev (part, lead);

INSERT INTO m_ladder
SELECT p, r, (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist'])[r]
FROM unnest(ARRAY['n', 'num']) p, generate_series(1, 8) r;

-- Loads the lead_stage events of prop_ev under the two kinds of lead identity.
INSERT INTO m_ev
SELECT p.part, CASE p.part WHEN 'n' THEN e.n::text ELSE e.m_num END,
       CASE WHEN c.code <= 8 THEN c.code END,
       CASE WHEN c.code BETWEEN 9 AND 11 THEN e.stage::text END,
       e.at
FROM prop_ev e CROSS JOIN (VALUES ('n'), ('num')) p(part),
     LATERAL (SELECT pg_temp.m_code(e.stage::text) AS code) c
WHERE e.n IS NOT NULL AND c.code <= 11;

-- Loads enum-ladder events: label column col of prop_ev, ranked by the
-- enum's sort order (enum_range), as part p.
CREATE FUNCTION pg_temp.m_load_enum(p text, col text, enum_type regtype) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        INSERT INTO m_ladder
        SELECT %L, r::int, v::text FROM unnest(enum_range(NULL::%s)) WITH ORDINALITY u(v, r)$q$,
        p, enum_type);
    EXECUTE format($q$
        INSERT INTO m_ev
        SELECT %L, e.n::text, l.rank, NULL, e.at
        FROM prop_ev e JOIN m_ladder l ON l.part = %L AND l.name = e.%I
        WHERE e.n IS NOT NULL$q$, p, p, col);
END $$;

-- Whole seconds since the epoch, rounded down ("times are taken to the
-- whole second").
CREATE FUNCTION pg_temp.m_secs(at timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT floor(extract(epoch FROM at))::bigint $$;

-- Ladder stages each lead entered that count: t is the first known time
-- (NULL when every event at the stage has an unknown time).  With a window
-- w, only stages entered within w of the lead's first known ladder time
-- count (interval order: a month is 30 days); unknown times always count.
CREATE FUNCTION pg_temp.m_counted(p text, w interval)
RETURNS TABLE (lead text, rank int, t bigint)
LANGUAGE sql STABLE AS $$
    WITH e AS (
        SELECT lead, rank, min(pg_temp.m_secs(at)) AS t
        FROM m_ev WHERE part = p AND rank IS NOT NULL GROUP BY lead, rank),
    f AS (SELECT lead, min(t) AS first FROM e GROUP BY lead)
    SELECT e.lead, e.rank, e.t
    FROM e JOIN f USING (lead)
    WHERE w IS NULL OR e.t IS NULL OR f.first IS NULL
       OR make_interval(secs => e.t - f.first) <= w
$$;

-- Per ladder rank: reached (lifecycle: every rank up to the highest counted
-- one), known (entered at a known time), and exits by outcome.  A lead's
-- first event of an outcome (its earliest known time; unknown if none is
-- known) is an exit at the highest counted stage entered by then: entered
-- at a time <= the outcome's (ties: the ladder first), or at an unknown
-- time (taken to come before every outcome); an outcome at an unknown time
-- comes after every stage.  No such stage: an exit at no stage (before the
-- ladder), which funnel_steps shows in a row of rank 0.
CREATE FUNCTION pg_temp.m_stages(p text, w interval)
RETURNS TABLE (rank int, reached bigint, known bigint,
               recycled bigint, disqualified bigint, lost bigint)
LANGUAGE sql STABLE AS $$
    WITH c AS (SELECT * FROM pg_temp.m_counted(p, w)),
    tops AS (SELECT lead, max(rank) AS top FROM c GROUP BY lead),
    o AS (SELECT lead, outcome, min(pg_temp.m_secs(at)) AS t
          FROM m_ev WHERE part = p AND outcome IS NOT NULL GROUP BY lead, outcome),
    x AS (SELECT o.lead, o.outcome, max(c.rank) AS at_rank
          FROM o LEFT JOIN c ON c.lead = o.lead AND (c.t IS NULL OR o.t IS NULL OR c.t <= o.t)
          GROUP BY o.lead, o.outcome),
    r AS (SELECT top AS rank, count(*) AS n FROM tops GROUP BY top),
    k AS (SELECT rank, count(*) AS n FROM c WHERE t IS NOT NULL GROUP BY rank),
    e AS (SELECT at_rank AS rank, count(*) FILTER (WHERE outcome = 'recycled') AS recycled,
                 count(*) FILTER (WHERE outcome = 'disqualified') AS disqualified,
                 count(*) FILTER (WHERE outcome = 'lost') AS lost
          FROM x GROUP BY at_rank)
    SELECT l.rank,
           coalesce((SELECT sum(n) FROM r WHERE r.rank >= l.rank), 0)::bigint,
           coalesce(k.n, 0), coalesce(e.recycled, 0), coalesce(e.disqualified, 0), coalesce(e.lost, 0)
    FROM m_ladder l LEFT JOIN k USING (rank) LEFT JOIN e USING (rank)
    WHERE l.part = p
    UNION ALL
    -- exits at no stage: funnel_steps' row of rank 0, present only when there are any
    SELECT 0, NULL, NULL, e.recycled, e.disqualified, e.lost
    FROM e WHERE e.rank IS NULL
$$;

-- reached(f, outcome): the leads that had the outcome at all.
CREATE FUNCTION pg_temp.m_outcomes(p text)
RETURNS TABLE (outcome text, leads bigint)
LANGUAGE sql STABLE AS $$
    SELECT o, (SELECT count(DISTINCT lead) FROM m_ev WHERE part = p AND outcome = o)
    FROM unnest(ARRAY['recycled', 'disqualified', 'lost']) o
$$;

CREATE FUNCTION pg_temp.m_fractions() RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]::float8[]
$$;

-- Time to convert from rank a to rank b > a: percentile_disc of the whole
-- seconds between the two entries, over leads whose both entries count and
-- are known, b not earlier than a.  Rows only for pairs with durations.
CREATE FUNCTION pg_temp.m_times(p text, w interval)
RETURNS TABLE (a int, b int, fraction float8, secs bigint)
LANGUAGE sql STABLE AS $$
    WITH c AS (SELECT * FROM pg_temp.m_counted(p, w)),
    d AS (SELECT x.rank AS a, y.rank AS b, y.t - x.t AS d
          FROM c x JOIN c y ON y.lead = x.lead AND y.rank > x.rank
          WHERE x.t IS NOT NULL AND y.t IS NOT NULL AND y.t >= x.t),
    q AS (SELECT a, b, percentile_disc(pg_temp.m_fractions()) WITHIN GROUP (ORDER BY d) AS qs
          FROM d GROUP BY a, b)
    SELECT q.a, q.b, f.fraction, f.secs
    FROM q, unnest(pg_temp.m_fractions(), q.qs) AS f(fraction, secs)
$$;

-- The Wilson score interval for k of n at normal quantile z.
CREATE FUNCTION pg_temp.m_wilson(k bigint, n bigint, z float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN n > 0 THEN ARRAY[greatest(0, c - h), least(1, c + h)] END
    FROM (SELECT k::float8 / n AS p) p,
    LATERAL (SELECT (p + z * z / (2 * n)) / (1 + z * z / n) AS c,
                    z / (1 + z * z / n) * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) AS h) w
$$;

-- The documented sketch accuracy: within 1 % of the exact value (0 is 0).
CREATE FUNCTION pg_temp.m_close(got interval, exact bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN exact IS NULL THEN got IS NULL
                ELSE got IS NOT NULL AND abs(extract(epoch FROM got) - exact) <= 0.01 * exact END
$$;

-- The results of the model, per part and window, computed once.
CREATE TEMP TABLE m_windows (wname text PRIMARY KEY, lit text, within interval);
INSERT INTO m_windows VALUES
    ('none', NULL, NULL), ('23 hours', '1 day -1 hour', '1 day -1 hour'), ('3 days', '3 days', '3 days'),
    ('1 day', '1 mon -29 days', '1 mon -29 days');
CREATE TEMP TABLE m_stage_t (part text, wname text, rank int, reached bigint, known bigint,
                             recycled bigint, disqualified bigint, lost bigint);
CREATE TEMP TABLE m_time_t (part text, wname text, a int, b int, fraction float8, secs bigint);
CREATE TEMP TABLE m_out_t (part text, outcome text, leads bigint);
CREATE FUNCTION pg_temp.m_compute(p text) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM m_stage_t WHERE part = p;
    DELETE FROM m_time_t WHERE part = p;
    DELETE FROM m_out_t WHERE part = p;
    INSERT INTO m_stage_t SELECT p, w.wname, s.* FROM m_windows w, pg_temp.m_stages(p, w.within) s;
    INSERT INTO m_time_t SELECT p, w.wname, t.* FROM m_windows w, pg_temp.m_times(p, w.within) t;
    INSERT INTO m_out_t SELECT p, o.* FROM pg_temp.m_outcomes(p) o;
$$;

-- The kinds of lead key of the funnel checks (column of prop_ev, model
-- part), and the lead key / owner kinds of handoff_summary and stage_stays
-- (files may leave some out).
CREATE TEMP TABLE m_kinds (keys text, col text, part text);
INSERT INTO m_kinds VALUES
    ('bigint', 'k_bigint', 'n'), ('int', 'k_int', 'n'), ('domain', 'k_dom', 'n'),
    ('composite', 'k_comp', 'n'), ('text', 'k_text', 'n'), ('uuid', 'k_uuid', 'n'),
    ('numeric', 'k_num', 'num');
CREATE TEMP TABLE m_hs_kinds (keys text, lead_col text, key_col text, owner_col text, into_expr text);
INSERT INTO m_hs_kinds VALUES
    ('keys: bigint', 'n', 'k_bigint', 'o_text', $$'sales'::text$$),
    ('keys: int', 'n', 'k_int', 'o_text', $$'sales'::text$$),
    ('keys: domain', 'n', 'k_dom', 'o_text', $$'sales'::text$$),
    ('keys: composite', 'n', 'k_comp', 'o_text', $$'sales'::text$$),
    ('keys: text', 'n', 'k_text', 'o_text', $$'sales'::text$$),
    ('keys: uuid', 'n', 'k_uuid', 'o_text', $$'sales'::text$$),
    ('keys: numeric', 'm_num', 'k_num', 'o_text', $$'sales'::text$$),
    ('owners: numeric', 'n', 'k_bigint', 'o_num', '1.0'),
    ('owners: enum', 'n', 'k_bigint', 'o_enum', $$'sales'::prop_team$$),
    ('owners: composite', 'n', 'k_bigint', 'o_comp', $$ROW('sales', 1.0)::prop_owner$$);
-- The owner kinds of the window functions: the owner column, the lead key
-- column the window is partitioned by, where NULL times sort.
CREATE TEMP TABLE m_win_kinds (owners text, col text, lead_col text, nulls text);
INSERT INTO m_win_kinds VALUES
    ('text', 'o_text', 'k_text', 'LAST'), ('text, NULLS FIRST', 'o_text', 'k_bigint', 'FIRST'),
    ('numeric', 'o_num', 'k_uuid', 'LAST'), ('enum', 'o_enum', 'k_comp', 'LAST'),
    ('composite', 'o_comp', 'k_dom', 'LAST');

-- What the checks found.
CREATE TEMP TABLE items (check_name text, keys text, item text, want text, got text, ok boolean);

-- Runs one check query (its rows: item, want, got, ok) into items under
-- check_name / keys (when NULL, the query's own check_name / keys columns);
-- an error is one failed item that quotes it (under check_name, else
-- fallback).
CREATE FUNCTION pg_temp.run(p_check text, p_keys text, q text, a1 text DEFAULT NULL,
                            a2 text DEFAULT NULL, a3 text DEFAULT NULL, a4 text DEFAULT NULL,
                            f funnel DEFAULT NULL, fallback text DEFAULT 'query')
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO items SELECT %s, %s, item, want, got, coalesce(ok, false) FROM (%s) x',
                   coalesce(quote_literal(p_check), 'x.check_name'), coalesce(quote_literal(p_keys), 'x.keys'),
                   q) USING a1, a2, a3, a4, f;
EXCEPTION WHEN OTHERS THEN
    INSERT INTO items VALUES (coalesce(p_check, fallback), coalesce(p_keys, ''), '(query)', 'no error',
                              'ERROR ' || SQLSTATE || ': ' || SQLERRM, false);
END $$;

-- Computes align's answers: CREATE [TEMP] TABLE ... AS q (a statement that
-- may run in a parallel plan), appended to table target (a regular table if
-- its name starts with prop_, for parallel scans).  An error is a failed
-- item of check_name / keys, and target gets no rows from q.  With
-- prop.explain = on, runs it under EXPLAIN ANALYZE and notes in plans
-- whether workers were launched and aggregation was partial.
CREATE FUNCTION pg_temp.got(target text, p_check text, p_keys text, q text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    kind text := CASE WHEN target LIKE 'prop\_%' THEN 'TABLE' ELSE 'TEMP TABLE' END;
    plan json;
BEGIN
    BEGIN
        IF current_setting('prop.explain', true) = 'on' THEN
            EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) CREATE %s got_tmp AS %s',
                           kind, q) INTO plan;
            INSERT INTO plans VALUES (target, p_keys, plan::text ~ '"Workers Launched": [1-9]',
                                      plan::text ~ '"Partial Mode": "Partial"');
        ELSE
            EXECUTE format('CREATE %s got_tmp AS %s', kind, q);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO items VALUES (p_check, p_keys, '(query)', 'no error',
                                  'ERROR ' || SQLSTATE || ': ' || SQLERRM, false);
        EXECUTE format('CREATE %s got_tmp AS SELECT * FROM (%s) x LIMIT 0', kind, q);
    END;
    IF to_regclass(target) IS NULL THEN
        EXECUTE format('ALTER TABLE got_tmp RENAME TO %I', target);
    ELSE
        EXECUTE format('INSERT INTO %I SELECT * FROM got_tmp', target);
        DROP TABLE got_tmp;
    END IF;
    IF kind = 'TABLE' THEN
        EXECUTE format('ANALYZE %I', target);   -- for the plans that read it
    END IF;
END $$;
-- With prop.explain = on (property_parallel), what plan each got() ran.
CREATE TEMP TABLE plans (target text, keys text, workers_launched boolean, partial_aggregate boolean);

-- One row per check and key kind of the items so far whose check name
-- starts with prefix: values compared, how many differ, and the first three
-- that differ; then forgets them.
CREATE FUNCTION pg_temp.report(prefix text)
RETURNS TABLE (check_name text, keys text, checked bigint, mismatches bigint, first_mismatches text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT i.check_name, i.keys, count(*), count(*) FILTER (WHERE NOT i.ok),
           coalesce(left(string_agg(i.item || ': want ' || coalesce(i.want, 'NULL') || ', got ' || coalesce(i.got, 'NULL'),
                                    '; ' ORDER BY i.item) FILTER (WHERE NOT i.ok AND i.rn <= 3), 300), '')
    FROM (SELECT *, row_number() OVER (PARTITION BY x.check_name, x.keys, x.ok ORDER BY x.item) AS rn
          FROM items x WHERE x.check_name LIKE prefix || '%') i
    GROUP BY i.check_name, i.keys
    ORDER BY i.check_name, i.keys;
    DELETE FROM items x WHERE x.check_name LIKE prefix || '%';
END $$;

-- One check: run it and report it (with the failures of the got() calls
-- for it: the items whose check name starts with p_check, or with prefix).
CREATE FUNCTION pg_temp.check(p_check text, p_keys text, q text, prefix text DEFAULT NULL)
RETURNS TABLE (check_name text, keys text, checked bigint, mismatches bigint, first_mismatches text)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.run(p_check, p_keys, q, fallback => coalesce(prefix, 'query'));
    RETURN QUERY SELECT * FROM pg_temp.report(coalesce(p_check, prefix));
END $$;

-- The funnels the checks expect (f_expect), and align's (got_f): the lead
-- key kind, a variant (window or rollup), the model part and window it must
-- match, the enum of an enum ladder.  pg_temp.got_funnel(keys, variant,
-- part, wname, vocab, agg) expects one and computes it: agg is the rest of
-- a SELECT after its select list's first five columns, e.g.
-- 'funnel(k_int, stage, at) FROM prop_ev'.
CREATE TEMP TABLE f_expect (keys text, variant text, part text, wname text, vocab text);
CREATE TEMP TABLE got_f (keys text, variant text, part text, wname text, vocab text, f funnel);
CREATE FUNCTION pg_temp.got_funnel(p_keys text, variant text, part text, wname text, vocab text, agg text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO f_expect VALUES (p_keys, variant, part, wname, vocab);
    PERFORM pg_temp.got('got_f', 'funnel: query', p_keys,
                        format('SELECT %L::text AS keys, %L::text AS variant, %L::text AS part, %L::text AS wname, '
                               '%L::text AS vocab, %s',
                               p_keys, variant, part, wname, vocab, agg));
END $$;

-- Every accessor of every expected funnel against the model of its part
-- and window (a funnel that is missing gives NULLs); f_expect and got_f are
-- emptied.  Returns the report.
CREATE FUNCTION pg_temp.check_funnels()
RETURNS TABLE (check_name text, keys text, checked bigint, mismatches bigint, first_mismatches text)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    st text;        -- the stage type accessors take
    steps text;     -- the funnel_steps call
    ls boolean;     -- a lead_stage funnel
    lst text;       -- the same, as SQL
    fv funnel;      -- the funnel, read once ($5 in the queries)
BEGIN
    FOR r IN SELECT * FROM f_expect ORDER BY keys, variant LOOP
        ls := r.vocab IS NULL;
        lst := CASE WHEN ls THEN 'true' ELSE 'false' END;
        fv := (SELECT g.f FROM got_f g WHERE g.keys = r.keys AND g.variant = r.variant);
        st := coalesce(r.vocab, 'lead_stage');
        steps := CASE WHEN ls THEN 'funnel_steps($5)'
                      ELSE format('funnel_steps($5, NULL::%s)', r.vocab) END;

        PERFORM pg_temp.run('funnel: reached, ladder', r.keys, format($q$
            SELECT $4 || ': ' || l.name AS item, m.reached::text AS want, g::text AS got,
                   g IS NOT DISTINCT FROM m.reached AND (NOT %s OR gt IS NOT DISTINCT FROM m.reached) AS ok
            FROM m_ladder l JOIN m_stage_t m ON m.part = l.part AND m.rank = l.rank AND m.wname = $3,
            LATERAL (SELECT reached($5, l.name::%s) AS g,
                            CASE WHEN %s THEN reached($5, l.name) END AS gt) x
            WHERE l.part = $2$q$, lst, st, lst), r.keys, r.part, r.wname, r.variant, fv);

        IF ls THEN
            PERFORM pg_temp.run('funnel: reached, outcomes', r.keys, $q$
                SELECT $4 || ': ' || o.outcome AS item, o.leads::text AS want, g::text AS got,
                       g IS NOT DISTINCT FROM o.leads AND gt IS NOT DISTINCT FROM o.leads AS ok
                FROM m_out_t o,
                LATERAL (SELECT reached($5, o.outcome::lead_stage) AS g,
                                reached($5, o.outcome) AS gt) x
                WHERE o.part = $2$q$, r.keys, r.part, r.wname, r.variant, fv);
        END IF;

        PERFORM pg_temp.run('funnel: known', r.keys, $q$
            SELECT $4 || ': ' || l.name AS item, m.known::text AS want, g::text AS got,
                   g IS NOT DISTINCT FROM m.known AS ok
            FROM m_ladder l JOIN m_stage_t m ON m.part = l.part AND m.rank = l.rank AND m.wname = $3,
            -- a funnel names its enum's labels as they were when it was built:
            -- a stage added since has none known
            LATERAL (SELECT CASE WHEN $5::jsonb ? 'labels'
                                 THEN coalesce((SELECT ($5::jsonb -> 'known' ->> (o::int - 1))::bigint
                                                FROM jsonb_array_elements_text($5::jsonb -> 'labels')
                                                     WITH ORDINALITY a(label, o)
                                                WHERE a.label = l.name), 0)
                                 ELSE ($5::jsonb -> 'known' ->> (l.rank - 1))::bigint END AS g) x
            WHERE l.part = $2$q$, r.keys, r.part, r.wname, r.variant, fv);

        PERFORM pg_temp.run('funnel: steps', r.keys, format($q$
            WITH m AS (SELECT l.rank, l.name, m.reached,
                              m.reached::float8 / nullif(lag(m.reached) OVER (ORDER BY l.rank), 0) AS from_prev,
                              m.reached::float8 / nullif(first_value(m.reached) OVER (ORDER BY l.rank), 0) AS from_top
                       FROM m_ladder l JOIN m_stage_t m ON m.part = l.part AND m.rank = l.rank AND m.wname = $3
                       WHERE l.part = $2),
            s AS (SELECT * FROM %s WHERE rank > 0)
            SELECT $4 || ': rank ' || coalesce(m.rank, s.rank) AS item,
                   format('%%s %%s %%s %%s/%%s', m.name, CASE WHEN %s THEN pg_temp.m_team(m.rank) END,
                          m.reached, m.from_prev, m.from_top) AS want,
                   format('%%s %%s %%s %%s/%%s', s.stage, s.team, s.leads,
                          s.rate_from_previous, s.rate_from_top) AS got,
                   s.stage::text = m.name AND s.team IS NOT DISTINCT FROM CASE WHEN %s THEN pg_temp.m_team(m.rank) END
                   AND s.leads = m.reached AND s.rate_from_previous IS NOT DISTINCT FROM m.from_prev
                   AND s.rate_from_top IS NOT DISTINCT FROM m.from_top AS ok
            FROM m FULL JOIN s ON s.rank = m.rank$q$, steps, lst, lst), r.keys, r.part, r.wname, r.variant, fv);

        PERFORM pg_temp.run('funnel: exits', r.keys, format($q$
            WITH m AS (SELECT m.* FROM m_stage_t m WHERE m.part = $2 AND m.wname = $3),
            s AS (SELECT * FROM %s)
            SELECT $4 || ': rank ' || coalesce(m.rank, s.rank) AS item,
                   CASE WHEN %s THEN format('%%s/%%s/%%s', m.recycled, m.disqualified, m.lost) ELSE '//' END AS want,
                   format('%%s/%%s/%%s', s.recycled, s.disqualified, s.lost) AS got,
                   CASE WHEN %s THEN s.recycled = m.recycled AND s.disqualified = m.disqualified AND s.lost = m.lost
                        ELSE s.recycled IS NULL AND s.disqualified IS NULL AND s.lost IS NULL END AS ok
            FROM m FULL JOIN s ON s.rank = m.rank$q$, steps, lst, lst), r.keys, r.part, r.wname, r.variant, fv);

        PERFORM pg_temp.run('funnel: conversion', r.keys, format($q$
            SELECT $4 || ': ' || a.name || '->' || b.name AS item,
                   format('%%s %%s', ratio, w) AS want, format('%%s %%s', g, ci) AS got,
                   g IS NOT DISTINCT FROM ratio AND (NOT %s OR gt IS NOT DISTINCT FROM ratio)
                   AND (ci IS NULL) = (w IS NULL) AND coalesce(abs(ci[1] - w[1]) <= 1e-9 AND abs(ci[2] - w[2]) <= 1e-9
                                                       AND array_length(ci, 1) = 2, true) AS ok
            FROM m_ladder a JOIN m_ladder b ON b.part = a.part AND b.rank >= a.rank
                 JOIN m_stage_t ma ON ma.part = a.part AND ma.rank = a.rank AND ma.wname = $3
                 JOIN m_stage_t mb ON mb.part = b.part AND mb.rank = b.rank AND mb.wname = $3,
            LATERAL (SELECT mb.reached::float8 / nullif(ma.reached, 0) AS ratio,
                            pg_temp.m_wilson(mb.reached, ma.reached, 1.959963984540054) AS w,
                            conversion($5, a.name::%s, b.name::%s) AS g,
                            CASE WHEN %s THEN conversion($5, a.name, b.name) END AS gt,
                            conversion_interval($5, a.name::%s, b.name::%s) AS ci) x
            WHERE a.part = $2$q$, lst, st, st, lst, st, st), r.keys, r.part, r.wname, r.variant, fv);

        PERFORM pg_temp.run('funnel: time_to_convert', r.keys, format($q$
            SELECT $4 || ': ' || a.name || '->' || b.name || ' at ' || q.fraction AS item,
                   t.secs || ' s' AS want, extract(epoch FROM g) || ' s' AS got,
                   pg_temp.m_close(g, t.secs) AS ok
            FROM m_ladder a JOIN m_ladder b ON b.part = a.part AND b.rank > a.rank
                 CROSS JOIN unnest(pg_temp.m_fractions()) q(fraction)
                 LEFT JOIN m_time_t t ON t.part = a.part AND t.wname = $3 AND t.a = a.rank
                                     AND t.b = b.rank AND t.fraction = q.fraction,
            LATERAL (SELECT time_to_convert($5, a.name::%s, b.name::%s, q.fraction) AS g) x
            WHERE a.part = $2$q$, st, st), r.keys, r.part, r.wname, r.variant, fv);

        PERFORM pg_temp.run('funnel: step times', r.keys, format($q$
            SELECT $4 || ': rank ' || s.rank AS item,
                   format('%%s s / %%s s', m.secs, p.secs) AS want,
                   format('%%s s / %%s s', extract(epoch FROM s.median_time_from_previous),
                          extract(epoch FROM s.p90_time_from_previous)) AS got,
                   pg_temp.m_close(s.median_time_from_previous, m.secs)
                   AND pg_temp.m_close(s.p90_time_from_previous, p.secs) AS ok
            FROM %s s
            LEFT JOIN m_time_t m ON m.part = $2 AND m.wname = $3 AND m.a = s.rank - 1 AND m.b = s.rank AND m.fraction = 0.5
            LEFT JOIN m_time_t p ON p.part = $2 AND p.wname = $3 AND p.a = s.rank - 1 AND p.b = s.rank AND p.fraction = 0.9
            WHERE s.rank > 0$q$,
            steps), r.keys, r.part, r.wname, r.variant, fv);
    END LOOP;
    DELETE FROM got_f;
    DELETE FROM f_expect;
    RETURN QUERY SELECT * FROM pg_temp.report('funnel: ');
END $$;

-- ---------------------------------------------------------------------------
-- The window functions (README "Rules shared by the four functions"), row by
-- row over one partition in window order: times, owners (compared with the
-- owner type's own equality: numeric 1 = 1.0), per-row SLAs and as_of.
-- One output row per input row, keyed by seq.
CREATE FUNCTION pg_temp.m_handoffs(seqs bigint[], ats timestamptz[], owners anyarray,
                                   slas interval[], as_of timestamptz)
RETURNS TABLE (seq bigint, gap interval, handoffs int, breached boolean, breached_as_of boolean,
               stay interval, stay_as_of interval)
LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(array_length(seqs, 1), 0);
    prev int := 0;          -- the latest row with an owner so far
    last_owned int := 0;    -- the partition's last row with an owner
    changes int := 0;
    is_handoff boolean;
    open_wait boolean;
BEGIN
    FOR i IN 1 .. n LOOP
        IF owners[i] IS NOT NULL THEN last_owned := i; END IF;
    END LOOP;
    FOR i IN 1 .. n LOOP
        seq := seqs[i];
        gap := NULL;
        breached := NULL;
        is_handoff := false;
        -- a NULL owner neither starts nor ends a handoff
        IF owners[i] IS NOT NULL THEN
            IF prev > 0 AND owners[prev] IS DISTINCT FROM owners[i] THEN
                is_handoff := true;
                changes := changes + 1;
                gap := ats[i] - ats[prev];          -- NULL when either time is
                breached := gap > slas[i];          -- equal is not a breach; NULL sla: NULL
            END IF;
            prev := i;
        END IF;
        handoffs := changes;
        -- with as_of, the last owned row also judges the wait still open
        breached_as_of := breached;
        IF i = last_owned AND as_of IS NOT NULL AND ats[i] IS NOT NULL AND as_of >= ats[i] THEN
            open_wait := as_of - ats[i] > slas[i];
            breached_as_of := CASE WHEN is_handoff THEN breached OR open_wait ELSE open_wait END;
        END IF;
        stay := CASE WHEN i < n THEN ats[i + 1] - ats[i] END;
        stay_as_of := stay;
        IF i = n AND as_of IS NOT NULL AND ats[i] IS NOT NULL AND as_of >= ats[i] THEN
            stay_as_of := as_of - ats[i];
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;

-- window_funnel over one lead's events in order (time, then ladder rank,
-- outcomes after the ladder): ranks are ladder ranks, 0 for an outcome.
-- A chain starts at each event of the entry stage (the stage of the first
-- ladder event, or the rank start if given); later events within win of the
-- chain's start step it up.  Returns the furthest rank any chain reached
-- (NULL: no chain).  Modes: comma-separated; m_modes parses them into flags
-- (strict, strict_order, strict_deduplication, strict_increase,
-- strict_observed), m_start the stage label of start=<label>.
CREATE FUNCTION pg_temp.m_modes(modes text) RETURNS boolean[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['strict' = ANY (t), 'strict_order' = ANY (t), 'strict_deduplication' = ANY (t),
                 'strict_increase' = ANY (t), 'strict_observed' = ANY (t)]
    FROM (SELECT ARRAY(SELECT btrim(x) FROM unnest(string_to_array(coalesce(modes, ''), ',')) x) AS t) m
$$;
CREATE FUNCTION pg_temp.m_start(modes text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT btrim(split_part(x, '=', 2))
    FROM unnest(string_to_array(coalesce(modes, ''), ',')) x WHERE btrim(split_part(x, '=', 1)) = 'start'
$$;
CREATE FUNCTION pg_temp.m_window_funnel(ranks int[], ats timestamptz[], win interval, flags boolean[],
                                        start int DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(array_length(ranks, 1), 0);
    s_strict boolean := flags[1];
    s_order boolean := flags[2];
    s_dedup boolean := flags[3];
    s_inc boolean := flags[4];
    s_observed boolean := coalesce(flags[5], false);
    entry int := start;
    best int;
    lvl int;
    last_at timestamptz;
BEGIN
    IF entry IS NULL THEN
        FOR i IN 1 .. n LOOP
            IF ranks[i] > 0 THEN entry := ranks[i]; EXIT; END IF;
        END LOOP;
    END IF;
    IF entry IS NULL THEN RETURN NULL; END IF;
    FOR s IN 1 .. n LOOP
        CONTINUE WHEN ranks[s] <> entry;
        lvl := entry;
        last_at := ats[s];
        FOR e IN s + 1 .. n LOOP
            EXIT WHEN ats[e] - ats[s] > win;
            EXIT WHEN s_order AND (ranks[e] = 0 OR ranks[e] < lvl);
            EXIT WHEN s_dedup AND ranks[e] = lvl;
            CONTINUE WHEN ranks[e] = 0;
            -- strict: the next rank; strict_observed: the next rank the lead has an event at
            IF (CASE WHEN s_strict THEN ranks[e] = lvl + 1
                     WHEN s_observed THEN ranks[e] = (SELECT min(r) FROM unnest(ranks) r WHERE r > lvl)
                     ELSE ranks[e] > lvl END)
               AND (NOT s_inc OR ats[e] > last_at) THEN
                lvl := ranks[e];
                last_at := ats[e];
            END IF;
        END LOOP;
        best := greatest(best, lvl);
    END LOOP;
    RETURN best;
END $$;
-- the same over lead_stage ranks, with the modes as text
CREATE FUNCTION pg_temp.m_window_funnel(ranks int[], ats timestamptz[], win interval, modes text)
RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.m_window_funnel(ranks, ats, win, pg_temp.m_modes(modes),
                                   (SELECT rank FROM m_ladder WHERE part = 'n' AND name = pg_temp.m_start(modes)))
$$;

-- handoff_summary: the window functions over PARTITION BY lead ORDER BY at,
-- owner, rows without a lead or a time skipped, rows without an owner
-- skipped; a handoff is a row whose owner differs (by the owner type's
-- equality) from the previous owned row's; with into_expr only handoffs to
-- that owner.  Exact percentile_disc; sla_met = share of gaps <= sla.
CREATE FUNCTION pg_temp.m_summary(lead_col text, owner_col text, sla interval, into_expr text)
RETURNS TABLE (handoffs bigint, median_gap interval, p90_gap interval, sla_met float8)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH r AS (SELECT %1$I AS lead, at, %2$I AS o FROM prop_ev
                   WHERE %1$I IS NOT NULL AND at IS NOT NULL AND %2$I IS NOT NULL),
        g AS (SELECT o, at - lag(at) OVER w AS gap, lag(o) OVER w AS prev
              FROM r WINDOW w AS (PARTITION BY lead ORDER BY at, o)),
        h AS (SELECT gap FROM g WHERE prev IS NOT NULL AND prev IS DISTINCT FROM o %3$s)
        SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY gap),
               percentile_disc(0.9) WITHIN GROUP (ORDER BY gap),
               count(*) FILTER (WHERE gap <= $1)::float8 / nullif(count(*), 0)
        FROM h$q$, lead_col, owner_col, CASE WHEN into_expr IS NULL THEN '' ELSE 'AND o = ' || into_expr END)
    USING sla;
END $$;

-- stage_stays: per stage, the completed stays (a row's time to the lead's
-- next row; ties in ladder order, outcomes after, 'other' last), rows
-- without a lead, time or stage skipped; exact percentile_disc.
CREATE FUNCTION pg_temp.m_stays(lead_col text)
RETURNS TABLE (stage text, stays bigint, median_stay interval, p90_stay interval)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH r AS (SELECT %1$I AS lead, at, stage::text AS label, pg_temp.m_code(stage::text) AS code
                   FROM prop_ev WHERE %1$I IS NOT NULL AND at IS NOT NULL AND stage IS NOT NULL),
        s AS (SELECT label, lead(at) OVER (PARTITION BY lead ORDER BY at, code) - at AS d FROM r)
        SELECT label, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY d),
               percentile_disc(0.9) WITHIN GROUP (ORDER BY d)
        FROM s WHERE d IS NOT NULL GROUP BY label$q$, lead_col);
END $$;
