-- Reads back every stored align value of test/upgrade/stored.sql as text,
-- through the accessors, and through the views, one md5 per source, so that
-- two databases (dumped and restored, or updated and fresh) can be compared.
SELECT 'stage_history', count(*), md5(string_agg(format('%s %s %s %s %s', id, stage, stage_rank(stage), crm, path), ',' ORDER BY id))
FROM stage_history;
SELECT 'daily_funnel', count(*), md5(string_agg(format('%s %s %s %s %s', day, f, f_within, f_enum, f_counts), ',' ORDER BY day))
FROM daily_funnel;
SELECT 'daily_funnel accessors', count(*),
       md5(string_agg(format('%s %s %s %s %s', reached(f, 'mql'), conversion(f, 'lead', 'sql'),
                             time_to_convert(f, 'subscriber', 'mql', 0.5), reached(f_enum, 'trial'::crm_stage),
                             -- the columns of 0.1.0's funnel_steps (0.2.0 added columns after them)
                             (SELECT string_agg(format('%s', ROW(s.stage, s.rank, s.team, s.leads, s.rate_from_previous,
                                                                 s.rate_from_top, s.median_time_from_previous,
                                                                 s.p90_time_from_previous, s.recycled,
                                                                 s.disqualified, s.lost)), ';')
                              FROM funnel_steps(f) s)), ',' ORDER BY day))
FROM daily_funnel;
SELECT 'rollup',
       md5(rollup(f)::text), md5(rollup(f_enum)::text)
FROM daily_funnel;
SELECT 'funnel_by_channel', count(*), md5(string_agg(format('%s', m), ',' ORDER BY channel)) FROM funnel_by_channel m;
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
