-- Run by the database owner (a non-superuser) after it installed align:
-- an ordinary report over its own table, its own ladder declared for
-- concrete aggregates, and the values stored.  Every name qualified: the
-- planted look-alikes in public (plant_install.sql) are still there.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TYPE public.deal_stage AS ENUM ('MQL', 'SQL', 'Closed Won');
CREATE TABLE public.events (lead bigint, stage public.lead_stage, deal public.deal_stage,
                            at timestamptz, owner text);
INSERT INTO public.events
SELECT l, (ARRAY['mql', 'sal', 'sql', 'opportunity', 'customer'])[i]::public.lead_stage,
       (ARRAY['MQL', 'SQL', 'SQL', 'Closed Won', 'Closed Won'])[i]::public.deal_stage,
       timestamptz '2026-01-01' OPERATOR(pg_catalog.+) (l OPERATOR(pg_catalog.*) interval '1 day')
           OPERATOR(pg_catalog.+) (i OPERATOR(pg_catalog.*) interval '1 hour'),
       'rep' OPERATOR(pg_catalog.||) (i OPERATOR(pg_catalog.%) 2)::text
FROM pg_catalog.generate_series(1, 50) l, pg_catalog.generate_series(1, 5) i
WHERE i OPERATOR(pg_catalog.<=) (1 OPERATOR(pg_catalog.+) (l OPERATOR(pg_catalog.%) 5));
-- the concrete aggregates align_concrete_aggregates makes: the caller's
SELECT pg_catalog.count(*) FROM public.align_concrete_aggregates('bigint'::regtype, 'public.deal_stage'::regtype, 'text'::regtype);
CREATE TABLE public.report AS
SELECT public.funnel(lead, stage, at) AS f, public.funnel(lead, deal, at) AS fd,
       public.handoff_summary(lead, at, owner, interval '2 hours') AS h,
       public.stage_stays(lead, at, stage) AS s
FROM public.events;
SELECT public.reached(f, 'mql'::public.lead_stage), public.reached(fd, 'Closed Won'::public.deal_stage),
       public.conversion(f, 'mql'::public.lead_stage, 'customer'::public.lead_stage), (h).handoffs
FROM public.report;
SELECT lead, public.window_funnel(interval '7 days', at, stage) FROM public.events GROUP BY lead ORDER BY lead LIMIT 3;
