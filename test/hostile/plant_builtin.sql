-- Run as the unprivileged role "mallory" before align is installed: plants
-- look-alikes of built-in functions, aggregates and operators in schema
-- "evil", each of which writes a marker row when called.  test/hostile.sh
-- then runs CREATE EXTENSION as a superuser whose search_path puts evil
-- first (even before pg_catalog), and requires the marker to stay empty;
-- plant_align.sql adds look-alikes of align's own names afterwards.
SET client_min_messages = warning;
CREATE TABLE evil.marker (fn text, called_by name DEFAULT current_user);
GRANT SELECT, INSERT ON evil.marker TO PUBLIC;

-- trap(name): the body of every planted function
CREATE FUNCTION evil.trap(fn text) RETURNS void
LANGUAGE plpgsql AS $$ BEGIN INSERT INTO evil.marker (fn) VALUES (fn); END $$;

-- built-in look-alikes
CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('lower'); RETURN $1; END $$;
CREATE FUNCTION evil.upper(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('upper'); RETURN $1; END $$;
CREATE FUNCTION evil.btrim(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('btrim'); RETURN $1; END $$;
CREATE FUNCTION evil.length(text) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('length'); RETURN 0; END $$;
CREATE FUNCTION evil.md5(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('md5'); RETURN $1; END $$;
CREATE FUNCTION evil.numeric_cmp(numeric, numeric) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('numeric_cmp'); RETURN 0; END $$;
CREATE FUNCTION evil.text_eq(text, text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('= text'); RETURN $1::bytea = $2::bytea; END $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.text_eq);
CREATE FUNCTION evil.int_eq(int, int) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('= int'); RETURN $1 - $2 = 0; END $$;
CREATE OPERATOR evil.= (LEFTARG = int, RIGHTARG = int, FUNCTION = evil.int_eq);
CREATE FUNCTION evil.int8_eq(bigint, bigint) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('= bigint'); RETURN $1 - $2 = 0; END $$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8_eq);
CREATE FUNCTION evil.ts_lt(timestamptz, timestamptz) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('< timestamptz'); RETURN false; END $$;
CREATE OPERATOR evil.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.ts_lt);
CREATE FUNCTION evil.count_trans(bigint, anyelement) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('count'); RETURN $1 + 1; END $$;
CREATE AGGREGATE evil.count(anyelement) (SFUNC = evil.count_trans, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION evil.count_star_trans(bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap('count(*)'); RETURN $1 + 1; END $$;
CREATE AGGREGATE evil.count(*) (SFUNC = evil.count_star_trans, STYPE = bigint, INITCOND = '0');

