-- Property tests: the handoff window functions and window_funnel over
-- prop_ev against the model, under whatever plan settings are in force
-- (property_window: serial; property_parallel: forced parallel plans).
-- align's answers are computed first, each by one statement (pg_temp.got,
-- so that it may run in a parallel plan and an error loses only its own
-- rows), then compared.  Needs prop_deal grown and loaded as model part
-- 'e7'.  Prints two reports: window functions, window_funnel.

-- handoff_gap, handoff_count, sla_breached (per-row SLA, with and without
-- as_of), time_in_stage (with and without as_of), per kind of owner
-- (m_win_kinds); each kind partitioned by another kind of lead key; ties in
-- seq order
CREATE TEMP TABLE m_win (owners text, n bigint, seq bigint, gap interval, handoffs int, breached boolean,
                         breached_as_of boolean, stay interval, stay_as_of interval);
DO $do$
DECLARE v record;
BEGIN
    FOR v IN SELECT * FROM m_win_kinds LOOP
        PERFORM pg_temp.got('got_win', 'window: query', v.owners || ' owners', format($q$
            SELECT %1$L::text AS owners, seq,
                   handoff_gap(at, %2$I) OVER w AS gap, handoff_count(%2$I) OVER w AS handoffs,
                   sla_breached(at, %2$I, sla) OVER w AS breached,
                   sla_breached(at, %2$I, sla, '2026-03-01 00:00+00') OVER w AS breached_as_of,
                   time_in_stage(at) OVER w AS stay, time_in_stage(at, '2026-03-01 00:00+00') OVER w AS stay_as_of
            FROM prop_ev WINDOW w AS (PARTITION BY %3$I ORDER BY at NULLS %4$s, seq)$q$,
            v.owners, v.col, v.lead_col, v.nulls));
        EXECUTE format($q$
            INSERT INTO m_win
            SELECT %1$L, g.n, m.*
            FROM (SELECT n, array_agg(seq ORDER BY at NULLS %3$s, seq) AS seqs,
                         array_agg(at ORDER BY at NULLS %3$s, seq) AS ats,
                         array_agg(%2$I ORDER BY at NULLS %3$s, seq) AS os,
                         array_agg(sla ORDER BY at NULLS %3$s, seq) AS slas
                  FROM prop_ev GROUP BY n) g,
            LATERAL pg_temp.m_handoffs(g.seqs, g.ats, g.os, g.slas, '2026-03-01 00:00+00') m$q$,
            v.owners, v.col, v.nulls);
    END LOOP;
END $do$;
SELECT * FROM pg_temp.check(NULL, NULL, $q$
    SELECT 'window: ' || v.f AS check_name, coalesce(m.owners, g.owners) || ' owners' AS keys,
           format('lead %s seq %s', coalesce(m.n::text, 'NULL'), coalesce(m.seq, g.seq)) AS item, v.want, v.got,
           m.seq IS NOT NULL AND g.seq IS NOT NULL AND v.want IS NOT DISTINCT FROM v.got AS ok
    FROM m_win m FULL JOIN got_win g USING (owners, seq),
    LATERAL (VALUES ('handoff_gap', m.gap::text, g.gap::text),
                    ('handoff_count', m.handoffs::text, g.handoffs::text),
                    ('sla_breached', m.breached::text, g.breached::text),
                    ('sla_breached, as_of', m.breached_as_of::text, g.breached_as_of::text),
                    ('time_in_stage', m.stay::text, g.stay::text),
                    ('time_in_stage, as_of', m.stay_as_of::text, g.stay_as_of::text)) v(f, want, got)$q$,
    'window: ');

-- window_funnel (GROUP BY lead): without a mode and with every mode, windows
-- of 23 hours ('1 day -1 hour'), 3 days and a month (30 days), over
-- lead_stage and over the grown enum; start=<stage> at a stage of each
-- ladder (the model reads the label with m_ladder)
CREATE TEMP TABLE m_wf_modes (ladder text, lit text, win interval, mode text, flags boolean[], start text);
INSERT INTO m_wf_modes
SELECT l, w, w::interval, m
FROM unnest(ARRAY['lead_stage', 'enum']) l, unnest(ARRAY['1 day -1 hour', '3 days', '1 mon']) w,
     unnest(ARRAY['(none)', '']) m
UNION ALL
SELECT l, '3 days', '3 days', unnest(ARRAY['strict', 'strict_order', 'strict_deduplication', 'strict_increase',
                                           'strict, strict_order', 'strict_increase,strict_deduplication',
                                           'strict,strict_increase,strict_order,strict_deduplication',
                                           'strict_observed', 'strict_observed, strict_order',
                                           'strict_observed,strict_increase,strict_deduplication'])
FROM unnest(ARRAY['lead_stage', 'enum']) l
UNION ALL
SELECT 'lead_stage', '1 day -1 hour', '1 day -1 hour',
       unnest(ARRAY['strict', 'strict_order', 'strict_deduplication', 'strict_increase', 'strict_observed'])
UNION ALL
SELECT 'lead_stage', w, w::interval, unnest(ARRAY['start=mql', 'start=mql, strict_observed', 'start=sal, strict',
                                                  'strict_order, start=lead', 'start=customer'])
FROM unnest(ARRAY['3 days', '1 mon']) w
UNION ALL
SELECT 'enum', '3 days', '3 days', unnest(ARRAY['start=signup', 'start=signup, strict_observed',
                                                'start=lead, strict', 'start=demo, strict_deduplication'])
UNION ALL
SELECT 'enum', '1 mon', '1 mon', 'start=signup, strict_observed';
UPDATE m_wf_modes SET flags = pg_temp.m_modes(mode), start = pg_temp.m_start(mode);
DO $do$
DECLARE v record;
BEGIN
    FOR v IN SELECT ladder, lit, win, array_agg(mode ORDER BY mode) AS modes
             FROM m_wf_modes GROUP BY 1, 2, 3 ORDER BY 1, 2 LOOP
        PERFORM pg_temp.got('got_wf', 'window_funnel', v.ladder || ', within ' || v.lit, format($q$
            SELECT %1$L::text AS ladder, %2$L::interval AS win, m AS mode, n,
                   CASE WHEN m = '(none)'
                        THEN (window_funnel(%2$L::interval, at, %3$s) FILTER (WHERE m = '(none)'))::text
                        ELSE (window_funnel(%2$L::interval, at, %3$s, m) FILTER (WHERE m <> '(none)'))::text
                   END AS f
            FROM prop_ev, unnest(%4$L::text[]) m GROUP BY n, m$q$,
            v.ladder, v.lit, CASE v.ladder WHEN 'enum' THEN 'e2_label::prop_deal' ELSE 'stage' END, v.modes));
    END LOOP;
END $do$;
CREATE TEMP TABLE m_wf AS
SELECT v.ladder, l.n, v.win, v.mode,
       (SELECT name FROM m_ladder WHERE part = 'n' AND rank = pg_temp.m_window_funnel(
            g.ranks, g.ats, v.win, v.flags, (SELECT rank FROM m_ladder WHERE part = 'n' AND name = v.start))) AS f
FROM (SELECT DISTINCT n FROM prop_ev) l
LEFT JOIN (SELECT n, array_agg(CASE WHEN code <= 8 THEN code ELSE 0 END ORDER BY at, code) AS ranks,
                  array_agg(at ORDER BY at, code) AS ats
           FROM prop_ev, LATERAL (SELECT pg_temp.m_code(stage::text) AS code) c
           WHERE at IS NOT NULL AND code <= 11 GROUP BY n) g ON coalesce(g.n, -1) = coalesce(l.n, -1)
JOIN m_wf_modes v ON v.ladder = 'lead_stage'
UNION ALL
SELECT v.ladder, l.n, v.win, v.mode,
       (SELECT name FROM m_ladder WHERE part = 'e7' AND rank = pg_temp.m_window_funnel(
            g.ranks, g.ats, v.win, v.flags, (SELECT rank FROM m_ladder WHERE part = 'e7' AND name = v.start)))
FROM (SELECT DISTINCT n FROM prop_ev) l
LEFT JOIN (SELECT e.n, array_agg(l.rank ORDER BY e.at, l.rank) AS ranks, array_agg(e.at ORDER BY e.at, l.rank) AS ats
           FROM prop_ev e JOIN m_ladder l ON l.part = 'e7' AND l.name = e.e2_label
           WHERE e.at IS NOT NULL GROUP BY e.n) g ON coalesce(g.n, -1) = coalesce(l.n, -1)
JOIN m_wf_modes v ON v.ladder = 'enum';
SELECT * FROM pg_temp.check('window_funnel', NULL, $q$
    SELECT coalesce(m.ladder, g.ladder) || ', within ' || v.lit AS keys,
           format('mode %s, lead %s', coalesce(m.mode, g.mode), coalesce(m.n, g.n, -1)) AS item,
           m.f AS want, CASE WHEN g.ladder IS NULL THEN 'no row' ELSE g.f END AS got,
           m.ladder IS NOT NULL AND g.ladder IS NOT NULL AND g.f IS NOT DISTINCT FROM m.f AS ok
    FROM m_wf m
    FULL JOIN got_wf g ON g.ladder = m.ladder AND coalesce(g.n, -1) = coalesce(m.n, -1) AND g.win = m.win
                      AND g.mode = m.mode
    JOIN m_wf_modes v ON v.ladder = coalesce(m.ladder, g.ladder) AND v.win = coalesce(m.win, g.win)
                     AND v.mode = coalesce(m.mode, g.mode)$q$);
