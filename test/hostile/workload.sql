-- Run by a superuser whose search_path is "evil, pg_catalog, public" after
-- test/hostile/plant.sql: calls every align function, aggregate, operator,
-- cast, window function and I/O path.  Every name in this file is
-- schema-qualified, so any marker row comes from a lookup inside align.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TYPE public.crm_stage AS ENUM ('visit', 'signup', 'paid');
CREATE TABLE public.ev (lead bigint, stage public.lead_stage, crm public.crm_stage,
                        at timestamptz, owner text);
INSERT INTO public.ev
SELECT l, (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist',
                 'recycled', 'disqualified', 'lost', 'other'])[1 OPERATOR(pg_catalog.+) ((l OPERATOR(pg_catalog.+) i) OPERATOR(pg_catalog.%) 12)]::public.lead_stage,
       (ARRAY['visit', 'signup', 'paid'])[1 OPERATOR(pg_catalog.+) (i OPERATOR(pg_catalog.%) 3)]::public.crm_stage,
       timestamptz '2026-01-01' OPERATOR(pg_catalog.+) (((l OPERATOR(pg_catalog.*) 10) OPERATOR(pg_catalog.+) i) OPERATOR(pg_catalog.*) interval '1 hour'),
       'rep' OPERATOR(pg_catalog.||) (l OPERATOR(pg_catalog.%) 3)::text
FROM pg_catalog.generate_series(1, 200) l, pg_catalog.generate_series(1, 4) i;
CREATE INDEX ON public.ev (stage);
CREATE INDEX ON public.ev USING hash (stage);
ANALYZE public.ev;

-- lead_stage: I/O, casts, operators, support functions, index scans, aggregates
SELECT 'Marketing Qualified Lead'::public.lead_stage, 'sqo'::text::public.lead_stage::text,
       public.lead_stage_in('mql'), public.lead_stage_out('sal'), public.lead_stage_send('sql'),
       public.stage_rank('customer'), public.stage_team('evangelist'),
       public.lead_stage_eq('mql', 'mql'), public.lead_stage_ne('mql', 'sql'),
       public.lead_stage_lt('mql', 'sql'), public.lead_stage_le('mql', 'sql'),
       public.lead_stage_gt('mql', 'sql'), public.lead_stage_ge('mql', 'sql'),
       public.lead_stage_cmp('mql', 'sql'), public.lead_stage_hash('mql'),
       public.lead_stage_hash_extended('mql', 7), public.lead_stage_smaller('mql', 'sql'),
       public.lead_stage_larger('mql', 'sql'),
       'mql'::public.lead_stage OPERATOR(public.=) 'mql', 'mql'::public.lead_stage OPERATOR(public.<>) 'sql',
       'mql'::public.lead_stage OPERATOR(public.<) 'sql', 'mql'::public.lead_stage OPERATOR(public.<=) 'sql',
       'mql'::public.lead_stage OPERATOR(public.>) 'sql', 'mql'::public.lead_stage OPERATOR(public.>=) 'sql';
SELECT pg_catalog.array_agg(s) FROM public.lead_stages() s;
SELECT public.try_stage('Closed Won'), public.try_stage(' sqo ', NULL::public.lead_stage),
       public.try_stage('Churned'), public.try_stage('SIGN-UP', NULL::public.crm_stage);
SET enable_seqscan = off;
SELECT pg_catalog.count(*) FROM public.ev WHERE stage OPERATOR(public.=) 'mql';
SELECT pg_catalog.count(*) FROM public.ev WHERE stage OPERATOR(public.<) 'mql';
SET enable_bitmapscan = off;
SELECT pg_catalog.count(*) FROM public.ev WHERE stage OPERATOR(public.=) 'sql';
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT public.min(stage), public.max(stage) FROM public.ev;
SELECT stage, pg_catalog.count(*) FROM public.ev GROUP BY stage ORDER BY stage USING OPERATOR(public.<);
SET enable_sort = off;
SELECT DISTINCT stage FROM public.ev;
RESET enable_sort;
SELECT a.stage FROM public.ev a JOIN public.ev b ON a.stage OPERATOR(public.=) b.stage AND a.lead OPERATOR(pg_catalog.=) b.lead LIMIT 1;

-- funnel: every aggregate (lead_stage and enum, with and without a window),
-- I/O, casts and accessors
CREATE TABLE public.stored AS
SELECT public.funnel(lead, stage, at) AS f, public.funnel(lead, stage, at, interval '2 days') AS fw,
       public.funnel(lead, crm, at) AS fe, public.funnel(lead, crm, at, interval '1 day') AS few,
       public.funnel(stage) AS fs, public.funnel(crm) AS fse,
       public.funnel(owner, stage, at) AS ft
FROM public.ev;
SELECT f::text::public.funnel::text, f::jsonb, public.funnel_to_jsonb(f), public.funnel_send(f),
       public.funnel_in(f::text::cstring), public.funnel_out(f)
FROM public.stored;
SELECT public.reached(f, 'mql'), public.reached(f, 'mql'::public.lead_stage), public.reached(fe, 'signup'::public.crm_stage),
       public.conversion(f, 'lead', 'sql'), public.conversion(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage),
       public.conversion(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage),
       public.conversion_interval(f, 'lead', 'sql'), public.conversion_interval(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage, 0.9),
       public.conversion_interval(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage),
       public.time_to_convert(f, 'lead', 'sql', 0.5), public.time_to_convert(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage, 0.9),
       public.time_to_convert(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage, 0.5),
       public.reached(fe, 'Sign-Up'), public.conversion(fe, 'visit', 'PAID'),
       public.time_to_convert(fe, ' visit ', 'paid', 0.5)
FROM public.stored;
SELECT public.time_sample(f, 'lead', 'sql'), public.time_sample(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage),
       public.time_sample(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage),
       public.conversion_bounds(f, 'lead', 'sql'), public.conversion_bounds(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage, 0.9),
       public.conversion_bounds(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage),
       public.time_to_convert_days(f, 'lead', 'sql', 0.5),
       public.time_to_convert_days(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage, 0.9),
       public.time_to_convert_days(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage, 0.5)
FROM public.stored;
SELECT s.* FROM public.stored, public.funnel_steps(f) s;
SELECT s.* FROM public.stored, public.funnel_steps(f, true) s;
SELECT s.* FROM public.stored, public.funnel_steps(fe, NULL::public.crm_stage) s;
SELECT s.* FROM public.stored, public.funnel_steps(fe, NULL::public.crm_stage, true) s;
SELECT public.rollup(x)::text FROM (SELECT f FROM public.stored UNION ALL SELECT f FROM public.stored) v(x);
SELECT public.funnel_final(f) FROM public.stored;
-- funnel_as_of (lead_stage and enum, serial and rolled up) and conversion_curve
SELECT c.* FROM (SELECT public.funnel_as_of(lead, stage, at, '2026-06-01') AS f FROM public.ev) x,
     public.conversion_curve(f, 'lead', 'sql', ARRAY[0, 1.5, 30]) c;
SELECT c.* FROM (SELECT public.funnel_as_of(lead, stage, at, '2026-06-01') AS f FROM public.ev) x,
     public.conversion_curve(f, 'lead'::public.lead_stage, 'sql'::public.lead_stage, ARRAY[30]) c;
SELECT c.* FROM (SELECT public.funnel_as_of(lead, crm, at, '2026-06-01') AS f FROM public.ev) x,
     public.conversion_curve(f, 'visit'::public.crm_stage, 'paid'::public.crm_stage, ARRAY[2]) c;
SELECT c.* FROM (SELECT public.rollup(f) AS f FROM (SELECT public.funnel_as_of(lead, crm, at, '2026-06-01') AS f
                                                   FROM public.ev GROUP BY lead OPERATOR(pg_catalog.%) 3) g) x,
     public.conversion_curve(f, 'visit', 'paid', ARRAY[2]) c;
SELECT c.* FROM (SELECT public.funnel_as_of(lead, stage, at, '2026-06-01', 'mon-fri 09:00-17:00; tz UTC') AS f FROM public.ev) x,
     public.conversion_curve(f, 'lead', 'sql', ARRAY[1]) c;

-- window_funnel, serial and through a parallel plan (serialize/deserialize)
SELECT lead, public.window_funnel(interval '1 day', at, stage), public.window_funnel(interval '1 day', at, stage, 'strict'),
       public.window_funnel(interval '1 day', at, crm), public.window_funnel(interval '1 day', at, crm, 'strict_order'),
       public.window_funnel(interval '1 day', at, stage, 'strict_observed, start=mql'),
       public.window_funnel(interval '1 day', at, crm, 'START=Signup, strict')
FROM public.ev GROUP BY lead ORDER BY lead LIMIT 3;
CREATE TABLE public.big AS SELECT * FROM public.ev, pg_catalog.generate_series(1, 20) g;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT public.window_funnel(interval '1 day', at, stage), public.funnel(lead, stage, at)::text FROM public.big;
SELECT public.window_funnel(interval '1 day', at, crm, 'strict'), public.funnel(lead, crm, at)::text FROM public.big;
-- an enum ladder with a declared outcome (ladder_outcome), serial and parallel
INSERT INTO public.ladder_outcome VALUES ('public.crm_stage', 'signup', 'lost');
SELECT public.ladder_outcome_valid('public.crm_stage', 'paid', 'lost');
SELECT public.window_funnel(interval '1 day', at, crm), public.funnel(lead, crm, at)::text FROM public.big;
RESET max_parallel_workers_per_gather;
SELECT public.reached(f, 'lost'), public.reached(f, 'signup'::public.crm_stage), s.*
FROM (SELECT public.funnel(lead, crm, at) AS f FROM public.ev) x, public.funnel_steps(f, NULL::public.crm_stage) s;
DELETE FROM public.ladder_outcome;
-- their state as a type (handoff_state: text and binary I/O, the finals on a
-- state read back), and the aggregates align_concrete_aggregates declares
CREATE AGGREGATE public.hs_partial(bigint, timestamptz, text, interval) (
    SFUNC = public.handoff_state_trans, STYPE = public.handoff_state);
CREATE AGGREGATE public.stays_partial(bigint, timestamptz, public.lead_stage) (
    SFUNC = public.stays_state_trans, STYPE = public.handoff_state);
CREATE AGGREGATE public.enum_stays_partial(bigint, timestamptz, public.crm_stage) (
    SFUNC = public.stays_state_trans, STYPE = public.handoff_state);
CREATE AGGREGATE public.hs_cal_partial(bigint, timestamptz, text, interval, text, public.work_calendar) (
    SFUNC = public.handoff_state_trans, STYPE = public.handoff_state);
SELECT public.handoff_state_final(public.hs_cal_partial(lead, at, owner, interval '1 hour', NULL,
                                                        'mon-fri 09:00-17:00; tz UTC')::text::public.handoff_state)
FROM public.ev;
SELECT public.handoff_state_final(h::text::public.handoff_state),
       public.handoff_state_final(public.handoff_state_in(public.handoff_state_out(h))),
       pg_catalog.length(public.handoff_state_send(h)),
       public.stays_state_final(s::text::public.handoff_state)::text,
       public.enum_stays_state_final(es::text::public.handoff_state)::text
FROM (SELECT public.hs_partial(lead, at, owner, interval '1 hour') AS h,
             public.stays_partial(lead, at, stage) AS s,
             public.enum_stays_partial(lead, at, crm) AS es FROM public.ev) x;
CREATE AGGREGATE public.wf_partial(interval, timestamptz, public.lead_stage) (
    SFUNC = public.window_funnel_trans, STYPE = public.window_funnel_state);
SELECT public.window_funnel_final(w::text::public.window_funnel_state, NULL::interval, NULL::timestamptz,
                                  NULL::public.lead_stage),
       public.window_funnel_state_in(public.window_funnel_state_out(w))::text,
       pg_catalog.length(public.window_funnel_state_send(w))
FROM (SELECT public.wf_partial(interval '1 day', at, stage) AS w FROM public.ev GROUP BY lead LIMIT 3) x;
SELECT pg_catalog.count(*) FROM public.align_concrete_aggregates('bigint', 'public.crm_stage', 'text'),
       public.align_creating_extension();
SELECT public.funnel(lead, crm, at)::text FROM public.ev;

-- window functions
SELECT lead, at, public.handoff_gap(at, owner) OVER w, public.time_in_stage(at) OVER w,
       public.time_in_stage(at, timestamptz '2027-01-01') OVER w,
       public.sla_breached(at, owner, interval '1 hour') OVER w,
       public.sla_breached(at, owner, interval '1 hour', timestamptz '2027-01-01') OVER w,
       public.handoff_count(owner) OVER w,
       public.handoff_gap_hours(at, owner) OVER w, public.time_in_stage_hours(at) OVER w,
       public.time_in_stage_hours(at, timestamptz '2027-01-01') OVER w
FROM public.ev WINDOW w AS (PARTITION BY lead ORDER BY at) ORDER BY lead, at LIMIT 5;

-- the sort-free aggregates, serial and through a parallel plan (shared serialize/deserialize)
SELECT (public.handoff_summary(lead, at, owner, interval '1 hour')).*,
       (public.handoff_summary(lead, at, owner, interval '1 hour', 'rep1'::text)).handoffs,
       public.stage_stays(lead, at, stage)::text, public.stage_stays(lead, at, crm)::text,
       (public.handoff_histogram(lead, at, owner, interval '1 hour')).*,
       (public.handoff_histogram(lead, at, owner, interval '1 hour', 'rep1'::text)).counts
FROM public.ev;
SET max_parallel_workers_per_gather = 2;
SELECT public.handoff_summary(lead, at, owner, interval '1 hour'), public.stage_stays(lead, at, stage)::text,
       public.stage_stays(lead, at, crm)::text, public.handoff_histogram(lead, at, owner, interval '1 hour')
FROM public.big;
RESET max_parallel_workers_per_gather;
-- the same in working time (a work_calendar last): the concrete aggregates
-- (bigint lead, text owner) and the polymorphic ones (an oid lead), serial and parallel
SELECT (public.handoff_summary(lead, at, owner, interval '1 hour', NULL,
                               'mon-fri 09:00-17:00; tz Europe/Berlin'::public.work_calendar)).*,
       (public.handoff_summary(lead::oid, at, owner, interval '1 hour', 'rep1'::text,
                               'mon-fri 09:00-17:00; tz UTC'::public.work_calendar)).handoffs,
       public.stage_stays(lead, at, stage, 'mon-sun 00:00-24:00; tz UTC'::public.work_calendar)::text,
       public.stage_stays(lead::oid, at, crm, 'mon-fri 08:00-18:00; tz UTC'::public.work_calendar)::text
FROM public.ev;
SET max_parallel_workers_per_gather = 2;
SELECT public.handoff_summary(lead::oid, at, owner, interval '1 hour', NULL, 'mon-fri 09:00-17:00; tz UTC'::public.work_calendar),
       public.handoff_histogram(lead, at, owner, interval '1 hour', 'rep1'::text, 'mon-fri 09:00-17:00; tz UTC'::public.work_calendar),
       public.stage_stays(lead::oid, at, stage, 'mon-fri 09:00-17:00; tz UTC'::public.work_calendar)::text
FROM public.big;
RESET max_parallel_workers_per_gather;
-- funnel in working time (a window, NULL for none, and a work_calendar
-- last): the concrete (bigint lead) and polymorphic (oid lead) aggregates,
-- lead_stage and enum, serial and parallel, a partial state read back, the
-- calendar it keeps
CREATE TABLE public.stored_cal AS
SELECT public.funnel(lead, stage, at, NULL, 'mon-fri 09:00-17:00; tz Europe/Berlin'::public.work_calendar) AS f,
       public.funnel(lead::oid, crm, at, interval '1 day', 'mon-fri 09:00-17:00; tz UTC'::public.work_calendar) AS fe
FROM public.ev;
SELECT public.funnel_calendar(f), public.funnel_calendar(fe), f::text::public.funnel::text, public.funnel_send(f),
       public.time_to_convert(f, 'lead', 'sql', 0.5), public.time_sample(f, 'lead', 'sql'),
       public.time_to_convert(fe, 'visit'::public.crm_stage, 'paid'::public.crm_stage, 0.5)
FROM public.stored_cal;
SELECT s.* FROM public.stored_cal, public.funnel_steps(f) s;
CREATE AGGREGATE public.funnel_cal_partial(bigint, public.lead_stage, timestamptz, interval, public.work_calendar) (
    SFUNC = public.funnel_event_within_trans, STYPE = public.funnel);
SELECT public.rollup(p::text::public.funnel)::text
FROM (SELECT public.funnel_cal_partial(lead, stage, at, NULL, 'mon-fri 09:00-17:00; tz UTC') AS p
      FROM public.ev GROUP BY lead OPERATOR(pg_catalog.%) 3) x;
SET max_parallel_workers_per_gather = 2;
SELECT public.funnel(lead, stage, at, interval '2 days', 'mon-fri 09:00-17:00; tz UTC'::public.work_calendar)::text,
       public.funnel(lead::oid, crm, at, NULL, 'mon-fri 09:00-17:00; tz UTC'::public.work_calendar)::text
FROM public.big;
RESET max_parallel_workers_per_gather;

-- pipeline over time (lead_stage and an enum, serial and parallel), its
-- I/O, rollup and rows; stages_at (lead_stage and an enum, serial and parallel)
CREATE TABLE public.stored_pipeline AS
SELECT public.pipeline(lead, stage, at, timestamptz '2026-01-01', timestamptz '2026-01-10', interval '1 day') AS p,
       public.pipeline(lead::text, crm, at, timestamptz '2026-01-01', timestamptz '2026-03-01', interval '1 month') AS pe
FROM public.ev;
SELECT p::text::public.pipeline::text, public.pipeline_in(public.pipeline_out(p))::text, public.pipeline_send(p),
       public.pipeline_add(p, p)::text, pe::text
FROM public.stored_pipeline;
SELECT r.* FROM public.stored_pipeline, public.pipeline_rows(pe) r;
SELECT public.rollup(x)::text
FROM (SELECT public.pipeline(lead, stage, at, timestamptz '2026-01-01', timestamptz '2026-01-10', interval '1 day') AS x
      FROM public.ev GROUP BY lead OPERATOR(pg_catalog.%) 3) y;
SELECT lead, public.stages_at(stage, at, ARRAY[timestamptz '2026-01-02', timestamptz '2026-01-20']),
       public.stages_at(crm, at, ARRAY[timestamptz '2026-01-02'])
FROM public.ev GROUP BY lead ORDER BY lead LIMIT 5;
SET max_parallel_workers_per_gather = 2;
SELECT public.pipeline(lead, stage, at, timestamptz '2026-01-01', timestamptz '2026-01-10', interval '1 day')::text,
       public.pipeline(lead::oid, crm, at, timestamptz '2026-01-01', timestamptz '2026-01-10', interval '1 day')::text
FROM public.big;
SELECT public.stages_at(stage, at, ARRAY[timestamptz '2026-01-02'])::text, public.stages_at(crm, at, ARRAY[timestamptz '2026-01-02'])::text
FROM public.big GROUP BY lead OPERATOR(pg_catalog.%) 7;
RESET max_parallel_workers_per_gather;

-- attribution (every overload, serial and parallel), its I/O, rollup and rows;
-- touches are the rows of owner rep0 (their stage NULL), the rest stage rows
CREATE TABLE public.stored_attribution AS
SELECT public.attribution(lead, at, owner, CASE WHEN owner OPERATOR(pg_catalog.=) 'rep0' THEN NULL ELSE stage END,
                          'opportunity') AS a,
       public.attribution(lead::text, at, lead OPERATOR(pg_catalog.%) 4, stage, 'mql', 'u_shaped') AS b,
       public.attribution(lead, at, owner, stage, 'sql', 'time_decay', interval '30 days') AS c,
       public.attribution(lead, at, owner, stage, 'sql', 'time_decay', NULL, interval '2 days') AS d,
       public.attribution(lead, at, owner, stage, 'customer', 'full_path', NULL, NULL,
                          ARRAY[1, 2, 3, 4, 5]::float8[]) AS e
FROM public.ev;
SELECT a::text::public.attribution::text, public.attribution_in(public.attribution_out(b))::text,
       public.attribution_send(c), public.attribution_add(a, a)::text, d::text, e::text
FROM public.stored_attribution;
SELECT r.* FROM public.stored_attribution, public.attribution_rows(a) r;
SELECT public.rollup(x)::text
FROM (SELECT public.attribution(lead, at, owner, stage, 'opportunity', 'w_shaped') AS x
      FROM public.ev GROUP BY lead OPERATOR(pg_catalog.%) 3) y;
SET max_parallel_workers_per_gather = 2;
SELECT public.attribution(lead, at, owner, stage, 'opportunity', 'last_touch')::text FROM public.big;
RESET max_parallel_workers_per_gather;

-- work_calendar: I/O, operators, hashing (GROUP BY), support functions, the arithmetic
CREATE TABLE public.calendars (team text, cal public.work_calendar);
INSERT INTO public.calendars VALUES
    ('rep0', 'mon-fri 09:00-17:30; sat 10:00-14:00; tz Europe/Berlin; closed 2026-01-01, 2026-01-06 -12:00'),
    ('rep1', 'mon-thu 22:00-06:00; tz America/New_York'), ('rep2', 'mon-sun 00:00-24:00');
SELECT public.work_calendar_in('mon 09:00-17:00'), public.work_calendar_out('mon 09:00-17:00'),
       public.work_calendar_send('mon 09:00-17:00'),
       public.work_calendar_eq('mon 09:00-17:00', 'mon 09:00-17:00'),
       public.work_calendar_ne('mon 09:00-17:00', 'tue 09:00-17:00'),
       public.work_calendar_hash('mon 09:00-17:00'), public.work_calendar_hash_extended('mon 09:00-17:00', 7),
       'mon 09:00-17:00'::public.work_calendar OPERATOR(public.=) 'mon 09:00-17:00',
       'mon 09:00-17:00'::public.work_calendar OPERATOR(public.<>) 'tue 09:00-17:00';
SELECT c.cal::text, pg_catalog.count(*) FROM public.calendars c GROUP BY c.cal;
SELECT e.lead, public.working_time(c.cal, e.at, e.at OPERATOR(pg_catalog.+) interval '3 days'),
       public.working_seconds(c.cal, e.at, e.at OPERATOR(pg_catalog.+) interval '3 days'),
       public.working_deadline(c.cal, e.at, interval '4 hours'), public.is_working_time(c.cal, e.at),
       public.next_opening(c.cal, e.at)
FROM public.ev e JOIN public.calendars c ON c.team OPERATOR(pg_catalog.=) e.owner
ORDER BY e.lead, e.at LIMIT 20;
-- the window functions with a per-row calendar
SELECT e.lead, e.at, public.handoff_gap(e.at, e.owner, c.cal) OVER w,
       public.handoff_gap_hours(e.at, e.owner, c.cal) OVER w,
       public.time_in_stage(e.at, c.cal) OVER w, public.time_in_stage(e.at, timestamptz '2027-01-01', c.cal) OVER w,
       public.time_in_stage_hours(e.at, c.cal) OVER w,
       public.time_in_stage_hours(e.at, timestamptz '2027-01-01', c.cal) OVER w,
       public.sla_breached(e.at, e.owner, interval '4 hours', c.cal) OVER w,
       public.sla_breached(e.at, e.owner, interval '4 hours', timestamptz '2027-01-01', c.cal) OVER w
FROM public.ev e LEFT JOIN public.calendars c ON c.team OPERATOR(pg_catalog.=) e.owner
WINDOW w AS (PARTITION BY e.lead ORDER BY e.at) ORDER BY e.lead, e.at LIMIT 20;

-- the engagement score: the aggregate (every form, serial and parallel),
-- its final function on a state, and the window function
SELECT lead, public.engagement_score(owner, at, timestamptz '2026-03-01', '{"rep1": 1, "rep2": 0.5}'::jsonb),
       public.engagement_score(owner, at, timestamptz '2026-03-01', '{"rep1": 1}'::jsonb, interval '1 day'),
       public.engagement_score(owner, at, timestamptz '2026-03-01', '{"rep1": 1}'::jsonb, interval '1 day', 0.5),
       public.engagement_score(owner, at, timestamptz '2026-03-01', '{"rep1": 1}'::jsonb, interval '8 hours', 0,
                               'mon-fri 09:00-17:00; tz Europe/Berlin'::public.work_calendar)
FROM public.ev GROUP BY lead ORDER BY lead LIMIT 5;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT public.engagement_score(owner, at, timestamptz '2026-03-01', '{"rep1": 1, "rep2": 0.5}'::jsonb) FROM public.ev;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT public.engagement_score_final('{1, 2.5, 0, 0, 604800000000, 0, 0, -1}'::float8[]);
SELECT lead, at, public.engagement_score(owner, at, '{"rep1": 1, "rep2": 0.5}'::jsonb) OVER w,
       public.engagement_score(owner, at, '{"rep1": 1}'::jsonb, interval '2 days', 0.1) OVER w,
       public.engagement_score(owner, at, '{"rep1": 1}'::jsonb, interval '8 hours', 0,
                               'mon-fri 09:00-17:00; tz Europe/Berlin'::public.work_calendar) OVER w
FROM public.ev WINDOW w AS (PARTITION BY lead ORDER BY at) ORDER BY lead, at LIMIT 20;

-- pictures: every stored funnel drawn (hostile options too), and a histogram
SELECT pg_catalog.length(public.funnel_svg(f)), pg_catalog.length(public.funnel_svg(fw)), pg_catalog.length(public.funnel_svg(fe)),
       pg_catalog.length(public.funnel_svg(few)), pg_catalog.length(public.funnel_svg(fs)), pg_catalog.length(public.funnel_svg(fse)),
       pg_catalog.length(public.funnel_svg(ft)), pg_catalog.length(public.funnel_svg(f, '{"stages": "observed", "width": 400,
       "title": "<x>&\"", "colors": {"sales": "#123"}}'::jsonb)) FROM public.stored;
SELECT public.handoff_svg(ROW('4 hours', 3, 2, ARRAY['1 hour', '4 hours', NULL]::interval[],
                              ARRAY[1, 1, 1]::bigint[])::public.handoff_histogram);

-- targets of the binary COPY (funnel_send/funnel_recv, lead_stage_send/lead_stage_recv) test/hostile.sh runs
CREATE TABLE public.copied (LIKE public.stored);
CREATE TABLE public.copied_stages (s public.lead_stage);
CREATE TABLE public.copied_calendars (LIKE public.calendars);
CREATE TABLE public.copied_pipelines (LIKE public.stored_pipeline);
CREATE TABLE public.copied_attributions (LIKE public.stored_attribution);
