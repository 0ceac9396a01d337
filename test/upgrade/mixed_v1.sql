-- After test/upgrade.sh has updated a database whose funnels the align
-- 0.1.0 library stored (format version 1), checks funnels of both versions
-- side by side with the current library.  One row per check: name|t.
--   old: the stored daily funnels (version 1 on disk)
--   new: the same days' funnels built again now (version 2)
--   bin, txt: the stored table as 0.1.0 sent it in binary and text COPY
--     (daily_funnel_bin and daily_funnel_txt, loaded by test/upgrade.sh)
CREATE TEMP TABLE fresh AS
SELECT at::date AS day, funnel(lead_id, stage, at) AS f, funnel(lead_id, stage, at, '3 days') AS f_within,
       funnel(lead_id, crm, at) AS f_enum, funnel(stage) AS f_counts
FROM stage_history WHERE at IS NOT NULL GROUP BY 1;

CREATE TEMP TABLE mixed AS
SELECT 0 AS src, * FROM daily_funnel UNION ALL SELECT 1, * FROM fresh;

-- reached() of every stage and outcome, for additivity checks
CREATE FUNCTION pg_temp.reached_all(f funnel) RETURNS bigint[] LANGUAGE sql
AS $$ SELECT array_agg(reached(f, s::lead_stage) ORDER BY i)
      FROM unnest(ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist',
                        'recycled', 'disqualified', 'lost']) WITH ORDINALITY AS u(s, i) $$;
CREATE FUNCTION pg_temp.reached_enum(f funnel) RETURNS bigint[] LANGUAGE sql
AS $$ SELECT array_agg(reached(f, s) ORDER BY i) FROM unnest(enum_range(NULL::crm_stage)) WITH ORDINALITY AS u(s, i) $$;
CREATE FUNCTION pg_temp.add(a bigint[], b bigint[]) RETURNS bigint[] LANGUAGE sql
AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$;

-- rollup of stored (version 1) and fresh (version 2) funnels, in either order
CREATE TEMP TABLE r AS
SELECT rollup(f ORDER BY src) AS f, rollup(f ORDER BY src DESC) AS f_rev,
       rollup(f_within ORDER BY src) AS f_within, rollup(f_within ORDER BY src DESC) AS f_within_rev,
       rollup(f_enum ORDER BY src) AS f_enum, rollup(f_enum ORDER BY src DESC) AS f_enum_rev,
       rollup(f_counts ORDER BY src) AS f_counts, rollup(f_counts ORDER BY src DESC) AS f_counts_rev,
       -- the stored funnels re-read through their text form: version 2 in memory
       rollup(f::text::funnel ORDER BY src) AS f_via_text,
       rollup(f_enum::text::funnel ORDER BY src) AS f_enum_via_text
FROM mixed;
CREATE TEMP TABLE parts AS
SELECT src, rollup(f) AS f, rollup(f_within) AS f_within, rollup(f_enum) AS f_enum, rollup(f_counts) AS f_counts
FROM mixed GROUP BY src;

SELECT 'rollup old+new: the same in either order',
       f::text = f_rev::text AND f_within::text = f_within_rev::text
       AND f_enum::text = f_enum_rev::text AND f_counts::text = f_counts_rev::text
FROM r;
SELECT 'rollup old+new: as with the old funnels re-read through text',
       f::text = f_via_text::text AND f_enum::text = f_enum_via_text::text
FROM r;
SELECT 'rollup old+new: reached() of every stage and outcome adds up, exits before the ladder kept',
       pg_temp.reached_all(r.f) = pg_temp.add(pg_temp.reached_all(o.f), pg_temp.reached_all(n.f))
       AND pg_temp.reached_all(r.f_within) = pg_temp.add(pg_temp.reached_all(o.f_within), pg_temp.reached_all(n.f_within))
       AND pg_temp.reached_all(r.f_counts) = pg_temp.add(pg_temp.reached_all(o.f_counts), pg_temp.reached_all(n.f_counts))
       AND pg_temp.reached_enum(r.f_enum) = pg_temp.add(pg_temp.reached_enum(o.f_enum), pg_temp.reached_enum(n.f_enum))
       -- version 1 has no exits before the ladder: the new funnels' stay as they were
       AND r.f::jsonb -> 'before_ladder' = n.f::jsonb -> 'before_ladder'
       AND o.f::jsonb -> 'before_ladder' = '[0, 0, 0]'
       AND n.f::jsonb -> 'before_ladder' <> '[0, 0, 0]'
FROM r, parts o, parts n WHERE o.src = 0 AND n.src = 1;
SELECT 'rollup old+new: time_to_convert and funnel_steps answer',
       (SELECT count(stage) FROM funnel_steps(f)) = 8
       AND (SELECT count(*) FROM funnel_steps(f_enum, NULL::crm_stage)) = 4
       AND time_to_convert(f, 'lead', 'sql', 0.5) IS NOT NULL
       AND time_to_convert(f_enum, 'visit'::crm_stage, 'paid'::crm_stage, 0.5) IS NOT NULL
FROM r;
SELECT 'rollup old+new enum: names the enum ladder of the new funnels',
       f_enum::jsonb -> 'ladder' = '"public.crm_stage"' AND f_enum::jsonb -> 'labels' = to_jsonb(enum_range(NULL::crm_stage)::text[])
FROM r;

-- stored enum funnels read with their enum
SELECT 'stored enum funnels read with the enum',
       bool_and((SELECT array_agg(stage::text ORDER BY rank) FROM funnel_steps(f_enum, NULL::crm_stage))
                = enum_range(NULL::crm_stage)::text[])
       AND bool_and(reached(f_enum, 'visit'::crm_stage) = (f_enum::jsonb -> 'reached' ->> 0)::bigint)
       AND bool_and(reached(f_enum, 'paid'::crm_stage) = (f_enum::jsonb -> 'reached' ->> 3)::bigint)
       AND bool_and(reached(f_enum, 'visit'::crm_stage) > 0)
FROM daily_funnel;

-- what 0.1.0 sent by COPY reads back as the stored values
SELECT 'binary COPY of 0.1.0 reads as the stored funnels',
       count(*) = (SELECT count(*) FROM daily_funnel)
       AND bool_and(b.f::text = d.f::text AND b.f_within::text = d.f_within::text
                    AND b.f_enum::text = d.f_enum::text AND b.f_counts::text = d.f_counts::text)
FROM daily_funnel_bin b JOIN daily_funnel d USING (day);
SELECT 'text COPY of 0.1.0 reads as the stored funnels',
       count(*) = (SELECT count(*) FROM daily_funnel)
       AND bool_and(t.f::text = d.f::text AND t.f_within::text = d.f_within::text
                    AND t.f_enum::text = d.f_enum::text AND t.f_counts::text = d.f_counts::text)
FROM daily_funnel_txt t JOIN daily_funnel d USING (day);

-- handoff_summary and stage_stays stored by 0.1.0 (four columns on disk):
-- after the update they read with the new columns NULL, and once refreshed
-- the new columns are the quantiles in hours and as percentile_cont,
-- against plain SQL over the same gaps and stays
SELECT 'handoff_report stored by 0.1.0: the new columns NULL until refreshed',
       bool_and((s).handoffs > 0 AND (s).median_gap_hours IS NULL AND (s).p90_gap_cont IS NULL
                AND (SELECT bool_and(u.median_stay IS NOT NULL AND u.median_stay_hours IS NULL) FROM unnest(stays) u))
FROM handoff_report;
REFRESH MATERIALIZED VIEW handoff_report;
SELECT 'handoff_report refreshed: every column as plain SQL',
       bool_and((h.s).handoffs = p.n AND (h.s).median_gap = p.disc50 AND (h.s).p90_gap = p.disc90
                AND (h.s).median_gap_hours = extract(epoch FROM p.disc50)::float8 / 3600
                AND (h.s).p90_gap_hours = extract(epoch FROM p.disc90)::float8 / 3600
                AND (h.s).median_gap_cont = p.cont50 AND (h.s).p90_gap_cont = p.cont90
                AND (h.s).median_gap_cont_hours = p.cont50_hours AND (h.s).p90_gap_cont_hours = p.cont90_hours)
       AND count(*) = 3
FROM handoff_report h
JOIN (SELECT channel, count(*) AS n,
             percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) AS disc50,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY gap) AS disc90,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS cont50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY gap) AS cont90,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM gap)::float8 / 3600) AS cont50_hours,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM gap)::float8 / 3600) AS cont90_hours
      FROM (SELECT channel, owner, lag(owner) OVER w AS prev, at - lag(at) OVER w AS gap
            FROM stage_history WHERE at IS NOT NULL AND owner IS NOT NULL
            WINDOW w AS (PARTITION BY lead_id ORDER BY at, owner)) x
      WHERE prev <> owner GROUP BY channel) p USING (channel);
SELECT 'handoff_report refreshed: stays as plain SQL',
       bool_and(u.stays = p.n AND u.median_stay = p.disc50 AND u.p90_stay_hours = extract(epoch FROM p.disc90)::float8 / 3600
                AND u.median_stay_cont = p.cont50 AND u.p90_stay_cont = p.cont90)
       AND count(*) = (SELECT count(*) FROM handoff_report h, unnest(h.stays))
FROM handoff_report h CROSS JOIN LATERAL unnest(h.stays) u
JOIN (SELECT channel, stage, count(*) AS n,
             percentile_disc(0.5) WITHIN GROUP (ORDER BY stay) AS disc50,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY stay) AS disc90,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY stay) AS cont50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY stay) AS cont90
      FROM (SELECT channel, stage, lead(at) OVER (PARTITION BY lead_id ORDER BY at, stage) - at AS stay
            FROM stage_history WHERE at IS NOT NULL) x
      WHERE stay IS NOT NULL GROUP BY channel, stage) p ON p.channel = h.channel AND p.stage = u.stage;
