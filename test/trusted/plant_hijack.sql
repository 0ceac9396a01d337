-- Run by the database owner before CREATE EXTENSION align: an overload of a
-- support function align_concrete_aggregates names in CREATE AGGREGATE,
-- a better match than align's own for bigint leads and text owners.  Bound
-- as the transition function of the extension's handoff_summary(bigint,
-- timestamptz, text, interval), it would run as whoever calls that
-- aggregate.  CREATE EXTENSION must refuse it, not adopt it.
SET client_min_messages = warning;
CREATE FUNCTION public.handoff_state_trans(anyelement, bigint, timestamptz, text, interval) RETURNS anyelement
LANGUAGE plpgsql AS $$ BEGIN PERFORM trusted.trap('handoff_state_trans'); RETURN $1; END $$;
