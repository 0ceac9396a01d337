-- Run by the database owner after CREATE EXTENSION align VERSION '0.1.0',
-- before ALTER EXTENSION align UPDATE: overloads, over align 0.1.0's own
-- types, of the support functions the update's align_concrete_aggregates
-- names for funnel(bigint, lead_stage, timestamptz).  The update must
-- refuse them, not adopt them.
SET client_min_messages = warning;
CREATE FUNCTION public.funnel_event_trans(public.funnel, bigint, public.lead_stage, timestamptz) RETURNS public.funnel
LANGUAGE plpgsql AS $$ BEGIN PERFORM trusted.trap('funnel_event_trans'); RETURN $1; END $$;
CREATE FUNCTION public.funnel_final(public.funnel, bigint, public.lead_stage, timestamptz) RETURNS public.funnel
LANGUAGE plpgsql AS $$ BEGIN PERFORM trusted.trap('funnel_final'); RETURN $1; END $$;
