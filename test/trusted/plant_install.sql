-- Run by the database owner (a non-superuser) before CREATE EXTENSION align:
-- look-alikes, in the schema the extension goes into (public, which that
-- owner may create in), of every name the install and update scripts call
-- in a statement that runs (not a declaration), each a better match than
-- the real one for the argument types the scripts pass.  The script runs
-- as the bootstrap superuser: a planted function it called would run as
-- superuser, so each one records who ran it and tries to make its owner a
-- superuser.  test/trusted.sh requires trusted.marker to stay empty.
SET client_min_messages = warning;
CREATE SCHEMA trusted;
CREATE TABLE trusted.marker (fn text, ran_as name DEFAULT current_user);
GRANT USAGE ON SCHEMA trusted TO PUBLIC;
GRANT INSERT ON trusted.marker TO PUBLIC;

-- trap(name): records the call and, if run as a superuser, escalates
CREATE FUNCTION trusted.trap(fn text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO trusted.marker (fn) VALUES (fn);
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', session_user);
    END IF;
END $$;

-- the install script: SELECT ... FROM unnest(regtype[]), align_concrete_aggregates(l, 'lead_stage', o)
CREATE FUNCTION public.unnest(regtype[]) RETURNS SETOF regtype LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('unnest(regtype[])'); RETURN QUERY SELECT pg_catalog.unnest($1::oid[])::regtype; END $$;
CREATE FUNCTION public.align_concrete_aggregates(regtype, text, regtype) RETURNS SETOF regprocedure LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('align_concrete_aggregates(regtype, text, regtype)'); END $$;
-- the update script's catalog repointing: format(), unnest(), = on OID types
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('format(text, text)'); RETURN pg_catalog.format($1, $2); END $$;
CREATE FUNCTION public.unnest(regprocedure[]) RETURNS SETOF regprocedure LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('unnest(regprocedure[])'); RETURN QUERY SELECT pg_catalog.unnest($1::oid[])::regprocedure; END $$;
CREATE FUNCTION public.unnest(text[]) RETURNS SETOF text LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('unnest(text[])'); RETURN QUERY SELECT pg_catalog.unnest($1); END $$;
CREATE FUNCTION trusted.eq_oid_regclass(oid, regclass) RETURNS bool LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('= (oid, regclass)'); RETURN $1 OPERATOR(pg_catalog.=) $2::oid; END $$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = trusted.eq_oid_regclass);
CREATE FUNCTION trusted.eq_oid_regprocedure(oid, regprocedure) RETURNS bool LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('= (oid, regprocedure)'); RETURN $1 OPERATOR(pg_catalog.=) $2::oid; END $$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regprocedure, FUNCTION = trusted.eq_oid_regprocedure);
CREATE FUNCTION trusted.eq_regproc_regprocedure(regproc, regprocedure) RETURNS bool LANGUAGE plpgsql AS
    $$ BEGIN PERFORM trusted.trap('= (regproc, regprocedure)'); RETURN $1::oid OPERATOR(pg_catalog.=) $2::oid; END $$;
CREATE OPERATOR public.= (LEFTARG = regproc, RIGHTARG = regprocedure, FUNCTION = trusted.eq_regproc_regprocedure);
