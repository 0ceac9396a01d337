-- Run as the unprivileged role "mallory" after align is installed: plants
-- look-alikes of align's own functions, aggregates and operators in schema
-- "evil" (USAGE on align's types is public), each writing a marker row when
-- called; test/hostile/workload.sql then runs every align function.
SET client_min_messages = warning;

CREATE FUNCTION evil.stage_rank(lead_stage) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('stage_rank'); RETURN 0; END $$;
CREATE FUNCTION evil.stage_team(lead_stage) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('stage_team'); RETURN ''; END $$;
CREATE FUNCTION evil.lead_stage_eq(lead_stage, lead_stage) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('lead_stage_eq'); RETURN true; END $$;
CREATE FUNCTION evil.lead_stage_lt(lead_stage, lead_stage) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('lead_stage_lt'); RETURN true; END $$;
CREATE FUNCTION evil.lead_stage_cmp(lead_stage, lead_stage) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('lead_stage_cmp'); RETURN 0; END $$;
CREATE FUNCTION evil.lead_stage_hash(lead_stage) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('lead_stage_hash'); RETURN 0; END $$;
CREATE FUNCTION evil.lead_stage_larger(lead_stage, lead_stage) RETURNS lead_stage LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('lead_stage_larger'); RETURN $1; END $$;
CREATE OPERATOR evil.= (LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = evil.lead_stage_eq);
CREATE OPERATOR evil.< (LEFTARG = lead_stage, RIGHTARG = lead_stage, FUNCTION = evil.lead_stage_lt);
CREATE AGGREGATE evil.max(lead_stage) (SFUNC = evil.lead_stage_larger, STYPE = lead_stage);
CREATE FUNCTION evil.funnel_final(funnel) RETURNS funnel LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('funnel_final'); RETURN $1; END $$;
CREATE FUNCTION evil.funnel_combine(funnel, funnel) RETURNS funnel LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('funnel_combine'); RETURN $1; END $$;
CREATE FUNCTION evil.funnel_stage_trans(funnel, lead_stage) RETURNS funnel LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('funnel_stage_trans'); RETURN $1; END $$;
CREATE FUNCTION evil.funnel_to_jsonb(funnel) RETURNS jsonb LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('funnel_to_jsonb'); RETURN '{}'; END $$;
CREATE FUNCTION evil.funnel_send(funnel) RETURNS bytea LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('funnel_send'); RETURN ''; END $$;
CREATE FUNCTION evil.reached(funnel, text) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('reached'); RETURN 0; END $$;
CREATE FUNCTION evil.conversion(funnel, text, text) RETURNS float8 LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('conversion'); RETURN 0; END $$;
CREATE FUNCTION evil.time_in_stage(timestamptz) RETURNS interval LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('time_in_stage'); RETURN NULL; END $$;
CREATE FUNCTION evil.handoff_gap(timestamptz, anyelement) RETURNS interval LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('handoff_gap'); RETURN NULL; END $$;
CREATE AGGREGATE evil.rollup(funnel) (SFUNC = evil.funnel_combine, STYPE = funnel);
CREATE AGGREGATE evil.funnel(lead_stage) (SFUNC = evil.funnel_stage_trans, STYPE = funnel);
