-- Reads back every stored align value of test/upgrade/stored.sql, like
-- values.sql, but in a form that does not change from funnel format version
-- 1 (align 0.1.0) to version 3: test/upgrade.sh runs it against values the
-- 0.1.0 library stored, under 0.1.0 and again after ALTER EXTENSION align
-- UPDATE with the current library, and compares.  A funnel's text form
-- changed by design (version 2 prints "version": 2, "before_ladder" for
-- lead_stage funnels, "ladder" and "labels" for enum funnels it builds;
-- version 3 "entered", "earlier" and, for what an older version stored,
-- "legacy"; funnel_steps has more columns), so
-- funnels are compared as jsonb without those keys and through every
-- accessor: reached() of every stage and outcome, conversion(),
-- conversion_interval() (to 12 decimals: 0.2.0 gives a bound of exactly 1
-- or 0 where 0.1.0's rounding gave 0.9999999999999999) and
-- time_to_convert() of every pair of ladder
-- stages, and the rows of funnel_steps(); enum funnels through the enum.
-- Runs unchanged under 0.1.0 and the current version.  One md5 per source.

-- a funnel's document without the keys versions 2 and 3 added
CREATE FUNCTION pg_temp.doc(f funnel) RETURNS jsonb LANGUAGE sql
AS $$ SELECT f::jsonb - ARRAY['version', 'before_ladder', 'ladder', 'labels', 'entered', 'earlier', 'legacy'] $$;


-- every accessor of a lead_stage funnel
CREATE FUNCTION pg_temp.accessors(f funnel) RETURNS text LANGUAGE sql
AS $$
WITH ladder(s, i) AS (
    SELECT s::lead_stage, i FROM unnest(ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity',
                                              'customer', 'evangelist']) WITH ORDINALITY AS u(s, i))
SELECT concat_ws(' | ',
    (SELECT string_agg(format('%s=%s', s, reached(f, s::lead_stage)), ',' ORDER BY i)
     FROM unnest(ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist',
                       'recycled', 'disqualified', 'lost']) WITH ORDINALITY AS u(s, i)),
    (SELECT string_agg(format('%s>%s=%s %s %s %s', a.s, b.s, conversion(f, a.s, b.s),
                              (SELECT array_agg(round(v::numeric, 12)) FROM unnest(conversion_interval(f, a.s, b.s)) v),
                              time_to_convert(f, a.s, b.s, 0.5),
                              time_to_convert(f, a.s, b.s, 0.9)), ',' ORDER BY a.i, b.i)
     FROM ladder a JOIN ladder b ON a.i < b.i),
    -- the columns of 0.1.0's funnel_steps (0.2.0 added columns after them)
    (SELECT string_agg(format('%s', ROW(st.stage, st.rank, st.team, st.leads, st.rate_from_previous, st.rate_from_top,
                                       st.median_time_from_previous, st.p90_time_from_previous, st.recycled,
                                       st.disqualified, st.lost)), ';')
     FROM funnel_steps(f) st))
$$;

-- every accessor of a crm_stage funnel, read with the enum
CREATE FUNCTION pg_temp.enum_accessors(f funnel) RETURNS text LANGUAGE sql
AS $$
WITH ladder(s, i) AS (SELECT s, i FROM unnest(enum_range(NULL::crm_stage)) WITH ORDINALITY AS u(s, i))
SELECT concat_ws(' | ',
    (SELECT string_agg(format('%s=%s', s, reached(f, s)), ',' ORDER BY i) FROM ladder),
    (SELECT string_agg(format('%s>%s=%s %s %s %s', a.s, b.s, conversion(f, a.s, b.s),
                              (SELECT array_agg(round(v::numeric, 12)) FROM unnest(conversion_interval(f, a.s, b.s)) v),
                              time_to_convert(f, a.s, b.s, 0.5),
                              time_to_convert(f, a.s, b.s, 0.9)), ',' ORDER BY a.i, b.i)
     FROM ladder a JOIN ladder b ON a.i < b.i),
    (SELECT string_agg(format('%s', ROW(st.stage, st.rank, st.team, st.leads, st.rate_from_previous, st.rate_from_top,
                                       st.median_time_from_previous, st.p90_time_from_previous, st.recycled,
                                       st.disqualified, st.lost)), ';')
     FROM funnel_steps(f, NULL::crm_stage) st))
$$;

SELECT 'stage_history', count(*), md5(string_agg(format('%s %s %s %s %s', id, stage, stage_rank(stage), crm, path), ',' ORDER BY id))
FROM stage_history;
SELECT 'daily_funnel documents', count(*),
       md5(string_agg(format('%s %s %s %s %s', day, pg_temp.doc(f), pg_temp.doc(f_within), pg_temp.doc(f_enum),
                             pg_temp.doc(f_counts)), ',' ORDER BY day))
FROM daily_funnel;
SELECT 'daily_funnel f accessors', count(*), md5(string_agg(pg_temp.accessors(f), ',' ORDER BY day)) FROM daily_funnel;
SELECT 'daily_funnel f_within accessors', count(*), md5(string_agg(pg_temp.accessors(f_within), ',' ORDER BY day)) FROM daily_funnel;
SELECT 'daily_funnel f_counts accessors', count(*), md5(string_agg(pg_temp.accessors(f_counts), ',' ORDER BY day)) FROM daily_funnel;
SELECT 'daily_funnel f_enum accessors', count(*), md5(string_agg(pg_temp.enum_accessors(f_enum), ',' ORDER BY day)) FROM daily_funnel;
SELECT 'rollup documents', md5(format('%s %s %s %s', pg_temp.doc(rollup(f)), pg_temp.doc(rollup(f_within)),
                                      pg_temp.doc(rollup(f_enum)), pg_temp.doc(rollup(f_counts))))
FROM daily_funnel;
SELECT 'rollup accessors', md5(format('%s %s %s %s', pg_temp.accessors(rollup(f)), pg_temp.accessors(rollup(f_within)),
                                      pg_temp.enum_accessors(rollup(f_enum)), pg_temp.accessors(rollup(f_counts))))
FROM daily_funnel;
SELECT 'funnel_by_channel', count(*),
       md5(string_agg(format('%s %s %s %s %s %s', channel, pg_temp.doc(f), pg_temp.accessors(f), mqls,
                             lead_to_customer, furthest), ',' ORDER BY channel))
FROM funnel_by_channel;
SELECT 'handoffs', count(*), md5(string_agg(format('%s', h), ',' ORDER BY lead_id, at, stage)) FROM handoffs h;
-- handoff_summary and stage_stays: the columns of 0.1.0 (0.2.0 added more)
SELECT 'handoff_report', count(*),
       md5(string_agg(format('%s %s %s %s %s %s', channel, (s).handoffs, (s).median_gap, (s).p90_gap, (s).sla_met,
                             (SELECT string_agg(format('%s %s %s %s', u.stage, u.stays, u.median_stay, u.p90_stay), ';')
                              FROM unnest(stays) u)), ',' ORDER BY channel))
FROM handoff_report;
SELECT 'handoff_columns', count(*),
       md5(string_agg(format('%s %s %s %s %s', channel, handoffs, median_gap, p90_gap, sla_met), ',' ORDER BY channel))
FROM handoff_columns v;
SELECT 'stay_columns', count(*),
       md5(string_agg(format('%s %s %s %s', stage, stays, median_stay, p90_stay), ',' ORDER BY stage))
FROM stay_columns v;
SELECT 'lead_progress', count(*), md5(string_agg(format('%s', p), ',' ORDER BY lead_id)) FROM lead_progress p;
-- (the view keeps the columns funnel_steps had when it was made: 0.1.0's, or all of them)
SELECT 'funnel_steps view', count(*),
       md5(string_agg(format('%s', ROW(v.day, v.stage, v.rank, v.team, v.leads, v.rate_from_previous, v.rate_from_top,
                                       v.median_time_from_previous, v.p90_time_from_previous, v.recycled,
                                       v.disqualified, v.lost)), ',' ORDER BY day, rank))
FROM daily_steps v;
SELECT 'index scan', count(*) FROM stage_history WHERE stage = 'mql';
