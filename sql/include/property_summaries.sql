-- Property tests: handoff_summary and stage_stays over prop_ev against the
-- model, under whatever plan settings are in force, for the kinds listed in
-- m_hs_kinds.  Prints two reports.
SET client_min_messages = warning;
DROP TABLE IF EXISTS got_hs, got_ss, m_hs_model, m_ss_model;
RESET client_min_messages;

-- handoff_summary over every kind of lead key (text owners) and every kind
-- of owner (bigint keys): all handoffs with an SLA of '1 day -1 hour', and
-- the handoffs into one owner with an SLA of '1 mon -29 days' (1 day)
DO $do$
DECLARE v record;
BEGIN
    FOR v IN SELECT * FROM m_hs_kinds LOOP
        PERFORM pg_temp.got('got_hs', 'handoff_summary', v.keys, format($q$
            SELECT %L::text AS keys, handoff_summary(%I, at, %I, '1 day -1 hour') AS s,
                   handoff_summary(%I, at, %I, '1 mon -29 days', %s) AS s_into
            FROM prop_ev$q$, v.keys, v.key_col, v.owner_col, v.key_col, v.owner_col, v.into_expr));
    END LOOP;
END $do$;
-- the model, once per kind of lead identity and owner
CREATE TEMP TABLE m_hs_model AS
SELECT k.lead_col, k.owner_col, NULL::text AS into_expr, m.*
FROM (SELECT DISTINCT lead_col, owner_col FROM m_hs_kinds) k,
     LATERAL pg_temp.m_summary(k.lead_col, k.owner_col, '1 day -1 hour', NULL) m
UNION ALL
SELECT k.lead_col, k.owner_col, k.into_expr, m.*
FROM (SELECT DISTINCT lead_col, owner_col, into_expr FROM m_hs_kinds) k,
     LATERAL pg_temp.m_summary(k.lead_col, k.owner_col, '1 mon -29 days', k.into_expr) m;
SELECT * FROM pg_temp.check('handoff_summary', NULL, $q$
    SELECT k.keys, v.item, v.want, v.got,
           v.want IS NOT DISTINCT FROM v.got
           OR (v.item LIKE '%sla_met' AND abs(v.want::float8 - v.got::float8) <= 1e-12) AS ok
    FROM m_hs_kinds k LEFT JOIN got_hs g USING (keys)
    JOIN m_hs_model m ON m.lead_col = k.lead_col AND m.owner_col = k.owner_col AND m.into_expr IS NULL
    JOIN m_hs_model mi ON mi.lead_col = k.lead_col AND mi.owner_col = k.owner_col AND mi.into_expr = k.into_expr,
    LATERAL (VALUES ('all: handoffs', m.handoffs::text, (g.s).handoffs::text),
                    ('all: median_gap', justify_hours(m.median_gap)::text, justify_hours((g.s).median_gap)::text),
                    ('all: p90_gap', justify_hours(m.p90_gap)::text, justify_hours((g.s).p90_gap)::text),
                    ('all: sla_met', m.sla_met::text, (g.s).sla_met::text),
                    ('into: handoffs', mi.handoffs::text, (g.s_into).handoffs::text),
                    ('into: median_gap', justify_hours(mi.median_gap)::text, justify_hours((g.s_into).median_gap)::text),
                    ('into: p90_gap', justify_hours(mi.p90_gap)::text, justify_hours((g.s_into).p90_gap)::text),
                    ('into: sla_met', mi.sla_met::text, (g.s_into).sla_met::text)) v(item, want, got)$q$);

-- stage_stays over every kind of lead key
DO $do$
DECLARE v record;
BEGIN
    FOR v IN SELECT * FROM m_hs_kinds WHERE keys LIKE 'keys: %' LOOP
        PERFORM pg_temp.got('got_ss', 'stage_stays', v.keys, format($q$
            SELECT %L::text AS keys, stage_stays(%I, at, stage) AS s
            FROM prop_ev$q$, v.keys, v.key_col));
    END LOOP;
END $do$;
CREATE TEMP TABLE m_ss_model AS
SELECT k.lead_col, m.* FROM (SELECT DISTINCT lead_col FROM m_hs_kinds) k, LATERAL pg_temp.m_stays(k.lead_col) m;
SELECT * FROM pg_temp.check('stage_stays', NULL, $q$
    WITH a AS (SELECT k.keys, u.* FROM got_ss k, unnest(k.s) u),
    m AS (SELECT k.keys, m.* FROM m_hs_kinds k JOIN m_ss_model m USING (lead_col)
          WHERE k.keys LIKE 'keys: %')
    SELECT coalesce(m.keys, a.keys) AS keys, coalesce(m.stage, a.stage::text) AS item,
           format('%s %s %s', m.stays, justify_hours(m.median_stay), justify_hours(m.p90_stay)) AS want,
           format('%s %s %s', a.stays, justify_hours(a.median_stay), justify_hours(a.p90_stay)) AS got,
           m.stays = a.stays AND m.median_stay = a.median_stay AND m.p90_stay = a.p90_stay AS ok
    FROM m FULL JOIN a ON a.keys = m.keys AND a.stage::text = m.stage$q$);

