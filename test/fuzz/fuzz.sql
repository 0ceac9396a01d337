-- SQL-level fuzzer for align's input paths, loaded by test/fuzz/fuzz.sh into
-- a scratch database that already has the align extension.
--
-- Every execution takes a seed from the corpus (or random bytes), mutates it,
-- and feeds it to one input path:
--   funnel text     'x'::funnel                       (funnel_in, jsonb parser)
--   funnel binary   COPY ... FROM file (FORMAT binary) (funnel_recv)
--   stage text      'x'::lead_stage                   (lead_stage_in)
--   stage binary    COPY ... FROM file (FORMAT binary) (lead_stage_recv)
--   calendar text   'x'::work_calendar                (work_calendar_in)
--   calendar binary COPY ... FROM file (FORMAT binary) (work_calendar_recv)
-- and then runs every accessor, aggregate and round trip on whatever parsed.
-- Each input must end in a value or an ERROR; the driver checks that the
-- server survives.  Binary input goes through a real binary COPY: a binary
-- COPY file of one bytea column carries the bytea's raw bytes as the field,
-- which is exactly a binary COPY file of one funnel (or lead_stage) field.
--
-- Everything is deterministic for a seed (setseed), so a run can be replayed
-- with notices (fuzz.run(..., trace => true)) to find the input that failed.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS fuzz CASCADE;
CREATE SCHEMA fuzz;

-- corpus, loaded by fuzz.sh from test/fuzz/corpus/
CREATE TABLE fuzz.corpus_funnel_text (name text, body text);
CREATE TABLE fuzz.corpus_funnel_bin (name text, body bytea);
CREATE TABLE fuzz.corpus_stage_text (body text);
CREATE TABLE fuzz.corpus_stage_bin (body bytea);
CREATE TABLE fuzz.corpus_calendar (body text, bin bytea);   -- NN.txt and its binary NN.bin

-- targets of the binary COPYs
CREATE TABLE fuzz.funnel_target (f funnel);
CREATE TABLE fuzz.stage_target (s lead_stage);
CREATE TABLE fuzz.calendar_target (c work_calendar);

-- enum ladders the accessors read enum funnels with, by size
CREATE TYPE fuzz.e1 AS ENUM ('a');
CREATE TYPE fuzz.e2 AS ENUM ('a', 'b');
CREATE TYPE fuzz.e3 AS ENUM ('a', 'b', 'c');
CREATE TYPE fuzz.e8 AS ENUM ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
DO $$ BEGIN
    EXECUTE format('CREATE TYPE fuzz.e64 AS ENUM (%s)',
                   (SELECT string_agg(format('%L', 'v' || i), ', ') FROM generate_series(1, 64) i));
END $$;

-- what a run found: inputs that broke an invariant without crashing
CREATE TABLE fuzz.findings (kind text, detail text, input text);

-- A random integer in [lo, hi].
CREATE FUNCTION fuzz.rnd(lo bigint, hi bigint) RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT lo + floor(random() * (hi - lo + 1))::bigint $$;

-- A random element of an array.
CREATE FUNCTION fuzz.pick(a text[]) RETURNS text
LANGUAGE sql VOLATILE AS $$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

-- Big-endian bytes of an integer, n bytes wide.
CREATE FUNCTION fuzz.be(v numeric, n int) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    r bytea := '';
    x numeric := v;
BEGIN
    IF x < 0 THEN
        x := x + 2::numeric ^ (8 * n);
    END IF;
    FOR i IN 1 .. n LOOP
        r := set_byte('\x00'::bytea, 0, (x % 256)::int) || r;
        x := floor(x / 256);
    END LOOP;
    RETURN r;
END $$;

-- Interesting integers for binary fields: boundaries of every width and of
-- align's own limits (stages, buckets, counts).
CREATE FUNCTION fuzz.interesting_int() RETURNS numeric
LANGUAGE sql VOLATILE AS $$
SELECT (ARRAY[0, 1, 2, 3, 7, 8, 9, 11, 12, 13, 63, 64, 65, 127, 128, 255, 256, 1199, 1200,
              32767, 32768, 65535, 65536, 2147483647, 2147483648, 4294967295, 4294967296,
              281474976710655, 281474976710656, 9223372036854775807, -1, -2, -128,
              -2147483648, -9223372036854775808])[1 + floor(random() * 35)::int]::numeric
$$;

-- Applies one random byte-level mutation to b (libFuzzer's menu, roughly).
CREATE FUNCTION fuzz.mutate_bytes_once(b bytea, other bytea) RETURNS bytea
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int := length(b);
    op int := fuzz.rnd(0, 10);
    pos int;
    len int;
    w int;
BEGIN
    IF n = 0 THEN
        op := 5;
    END IF;
    pos := fuzz.rnd(0, greatest(n - 1, 0));
    CASE op
    WHEN 0 THEN     -- flip a bit
        w := fuzz.rnd(0, n * 8 - 1);
        RETURN set_bit(b, w, 1 - get_bit(b, w));
    WHEN 1 THEN     -- a random byte
        RETURN set_byte(b, pos, fuzz.rnd(0, 255)::int);
    WHEN 2 THEN     -- an interesting byte
        RETURN set_byte(b, pos, fuzz.pick('{0,1,127,128,255,8,3,64,12,13}')::int);
    WHEN 3, 4 THEN  -- an interesting integer of width 2, 4 or 8 (aligned half the time)
        w := fuzz.pick('{2,4,8,8}')::int;
        IF random() < 0.5 THEN
            pos := pos - pos % w;
        END IF;
        IF pos + w > n THEN
            RETURN b;
        END IF;
        RETURN overlay(b PLACING fuzz.be(fuzz.interesting_int(), w) FROM pos + 1 FOR w);
    WHEN 5 THEN     -- insert random bytes
        len := fuzz.rnd(1, 16);
        RETURN substring(b FROM 1 FOR pos) ||
               (SELECT string_agg(set_byte('\x00'::bytea, 0, fuzz.rnd(0, 255)::int), ''::bytea)
                FROM generate_series(1, len)) ||
               substring(b FROM pos + 1);
    WHEN 6 THEN     -- delete a range
        len := fuzz.rnd(1, greatest(1, least(32, n - pos)));
        RETURN overlay(b PLACING ''::bytea FROM pos + 1 FOR len);
    WHEN 7 THEN     -- duplicate a range
        len := fuzz.rnd(1, greatest(1, least(64, n - pos)));
        RETURN substring(b FROM 1 FOR pos + len) || substring(b FROM pos + 1 FOR len) ||
               substring(b FROM pos + len + 1);
    WHEN 8 THEN     -- truncate
        RETURN substring(b FROM 1 FOR pos);
    WHEN 9 THEN     -- splice with another seed
        RETURN substring(b FROM 1 FOR pos) ||
               substring(other FROM fuzz.rnd(1, greatest(1, length(other)))::int);
    ELSE            -- append trailing bytes
        RETURN b || fuzz.be(fuzz.interesting_int(), fuzz.pick('{1,2,4,8}')::int);
    END CASE;
END $$;

-- Interesting JSON numbers: integer boundaries, fractions, exponents.
CREATE FUNCTION fuzz.interesting_number() RETURNS text
LANGUAGE sql VOLATILE AS $$
SELECT fuzz.pick(ARRAY['0', '1', '-1', '2', '7', '8', '9', '63', '64', '65', '255', '256',
    '1199', '1200', '4294967295', '4294967296', '281474976710655', '281474976710656',
    '9223372036854775807', '9223372036854775808', '-9223372036854775808',
    '18446744073709551615', '1e400', '1e-400', '1.5', '-0', '0.0', '1e2', '1E+2',
    '123456789012345678901234567890', '3.0000000000000000000001'])
$$;

-- Interesting JSON strings (the quotes are added by the caller).
CREATE FUNCTION fuzz.interesting_string() RETURNS text
LANGUAGE sql VOLATILE AS $$
SELECT fuzz.pick(ARRAY['', 'enum', 'lead_stage', 'LEAD_STAGE', '1-2', '2-1', '1-1', '0-1',
    '1-8', '8-9', '1-64', '64-65', ' 1-2', '1-2 ', '+1-2', '1--2', '01-02', '1-2-3',
    '-1-2', '2147483648-2147483649', '0000000000000000', 'ffffffffffffffff',
    'FFFFFFFFFFFFFFFF', '00000000000000001', 'zzzzzzzzzzzzzzzz', '\u0000', '\ud800',
    'reached', 'known', 'leads', 'times', 'version'])
$$;

-- Applies one JSON-aware or character-level mutation to a funnel text.
CREATE FUNCTION fuzz.mutate_text_once(t text, other text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int := length(t);
    op int := fuzz.rnd(0, 15);
    pos int := fuzz.rnd(1, greatest(n, 1));
    len int;
    m text[];
    k text;
BEGIN
    CASE op
    WHEN 0, 1, 2 THEN   -- replace the number at or after pos
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(substring(t FROM pos), '-?[0-9][0-9.eE+-]*', fuzz.interesting_number());
    WHEN 3 THEN         -- replace the string at or after pos
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(substring(t FROM pos), '"[^"]*"', '"' || fuzz.interesting_string() || '"');
    WHEN 4 THEN         -- drop one array element
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(substring(t FROM pos), ', [^,\[\]{}]+', '');
    WHEN 5 THEN         -- duplicate one array element
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(substring(t FROM pos), '(, [^,\[\]{}]+)', '\1\1');
    WHEN 6 THEN         -- drop a key and its value
        k := fuzz.pick('{version,vocabulary,stages,within_seconds,reached,known,recycled,disqualified,lost,times,leads}');
        RETURN (SELECT (t::jsonb - k)::text);
    WHEN 7 THEN         -- set a key to a random JSON value
        k := fuzz.pick('{version,vocabulary,stages,within_seconds,reached,known,recycled,disqualified,lost,times,leads,extra}');
        RETURN jsonb_set(t::jsonb, ARRAY[k],
                         (fuzz.pick(ARRAY['null', 'true', '[]', '{}', '"x"', '[1]', '[[1, 2]]',
                                          '{"1-2": []}', '{"1-2": [[0]]}', '{"1-2": [[1, 1], [1, 1]]}',
                                          '[["0000000000000001"]]', '[0, 0, 0, 0, 0, 0, 0, 0]',
                                          '[1, 2, 3, 4, 5, 6, 7, 8]', '[8, 7, 6, 5, 4, 3, 2, 1]',
                                          fuzz.interesting_number()]))::jsonb)::text;
    WHEN 8 THEN         -- nest a value deeply
        len := fuzz.rnd(1, 3000);
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(substring(t FROM pos), '-?[0-9]+', repeat('[', len) || '1' || repeat(']', len));
    WHEN 9 THEN         -- a random printable character
        RETURN overlay(t PLACING chr(fuzz.rnd(32, 126)::int) FROM pos FOR 1);
    WHEN 10 THEN        -- delete a range
        RETURN overlay(t PLACING '' FROM pos FOR fuzz.rnd(1, 20)::int);
    WHEN 11 THEN        -- splice with another seed
        RETURN substring(t FROM 1 FOR pos) || substring(other FROM fuzz.rnd(1, greatest(length(other), 1))::int);
    WHEN 12 THEN        -- many open leads
        len := fuzz.rnd(1, 300);
        RETURN jsonb_set(t::jsonb, '{leads}',
                         (SELECT jsonb_agg(jsonb_build_array(lpad(to_hex(fuzz.rnd(0, 2147483647) * (1 + (random() < 0.2)::int)), 16, '0'))
                                           || (SELECT jsonb_agg(fuzz.pick('{0,0,0,1,2916000000,2916086400,4294967295,4294967294}')::bigint)
                                               FROM generate_series(1, coalesce((t::jsonb->>'stages')::int, 8)
                                                                        + CASE WHEN t LIKE '%"enum"%' THEN 0 ELSE 3 END
                                                                        + fuzz.rnd(-1, 1)::int * (random() < 0.1)::int)))
                          FROM generate_series(1, len)))::text;
    WHEN 13 THEN        -- a time-to-convert pair with random buckets
        k := fuzz.rnd(0, 9) || '-' || fuzz.rnd(0, 9);
        RETURN jsonb_set(t::jsonb, ARRAY['times', k],
                         (SELECT coalesce(jsonb_agg(jsonb_build_array(b, fuzz.rnd(0, 3))), '[]')
                          FROM (SELECT DISTINCT fuzz.rnd(0, 1201) AS b FROM generate_series(1, fuzz.rnd(0, 5))) s))::text;
    WHEN 14 THEN        -- swap the vocabulary and resize the counts
        len := fuzz.pick('{1,2,3,8,9,64,65}')::int;
        RETURN (SELECT jsonb_build_object('version', 1, 'vocabulary', fuzz.pick('{enum,lead_stage}'),
                                          'stages', len, 'within_seconds', null,
                                          'reached', (SELECT jsonb_agg(len - i) FROM generate_series(0, len - 1) i),
                                          'known', (SELECT jsonb_agg(0) FROM generate_series(1, len)),
                                          'times', '{}'::jsonb)
                || CASE WHEN random() < 0.5 THEN jsonb_build_object(
                        'recycled', (SELECT jsonb_agg(0) FROM generate_series(1, len)),
                        'disqualified', (SELECT jsonb_agg(1) FROM generate_series(1, len)),
                        'lost', (SELECT jsonb_agg(0) FROM generate_series(1, len)))
                   ELSE '{}'::jsonb END)::text;
    ELSE                -- duplicate a range
        len := fuzz.rnd(1, 40);
        RETURN substring(t FROM 1 FOR pos + len) || substring(t FROM pos FOR len) || substring(t FROM pos + len + 1);
    END CASE;
EXCEPTION WHEN OTHERS THEN
    RETURN t;       -- the seed was no longer JSON: leave it to the other mutations
END $$;

-- Mutates a stage label: case, separators, characters, aliases glued together.
CREATE FUNCTION fuzz.mutate_label(t text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    pos int := fuzz.rnd(1, greatest(length(t), 1));
BEGIN
    CASE fuzz.rnd(0, 7)
    WHEN 0 THEN RETURN upper(t);
    WHEN 1 THEN RETURN overlay(t PLACING fuzz.pick(ARRAY[' ', '_', '-', E'\t', E'\n', '.', 'é', 'ß', 'İ', '''']) FROM pos FOR 0);
    WHEN 2 THEN RETURN overlay(t PLACING chr(fuzz.rnd(1, 12287)::int) FROM pos FOR 1);
    WHEN 3 THEN RETURN overlay(t PLACING '' FROM pos FOR 1);
    WHEN 4 THEN RETURN t || (SELECT body FROM fuzz.corpus_stage_text ORDER BY random() LIMIT 1);
    WHEN 5 THEN RETURN repeat(t, fuzz.rnd(1, 40)::int);
    WHEN 6 THEN RETURN repeat(' ', fuzz.rnd(0, 100)::int) || t || repeat('-', fuzz.rnd(0, 100)::int);
    ELSE RETURN (SELECT string_agg(chr(fuzz.rnd(32, 126)::int), '') FROM generate_series(1, fuzz.rnd(0, 70)));
    END CASE;
END $$;

-- Writes raw bytes as the one field of a binary COPY file and COPYs it into
-- target(column).  Returns NULL on success, else the SQLSTATE.
CREATE FUNCTION fuzz.copy_binary(b bytea, target text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    path text := current_setting('data_directory') || '/fuzz_copy.bin';
BEGIN
    EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, path);
    EXECUTE format('TRUNCATE %s', target);
    BEGIN
        EXECUTE format('COPY %s FROM %L (FORMAT binary)', target, path);
        RETURN NULL;
    EXCEPTION WHEN OTHERS THEN
        RETURN SQLSTATE;
    END;
END $$;

-- Runs every accessor on a funnel that parsed, and checks the round trips:
-- text out/in and binary COPY out/in give the same text.
CREATE FUNCTION fuzz.exercise(f funnel, input text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    txt text := f::text;
    js jsonb := f::jsonb;
    nstages int := (js->>'stages')::int;
    is_enum bool := js->>'vocabulary' = 'enum';
    etype text;
    back text;
    stages text[] := '{subscriber,lead,mql,sal,sql,opportunity,customer,evangelist,recycled,disqualified,lost}';
BEGIN
    -- round trips
    BEGIN
        back := txt::funnel::text;
        IF back <> txt THEN
            INSERT INTO fuzz.findings VALUES ('text round trip', back, input);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO fuzz.findings VALUES ('text round trip error', SQLSTATE || ' ' || SQLERRM, input);
    END;
    IF fuzz.copy_binary(funnel_send(f), 'fuzz.funnel_target') IS NOT NULL THEN
        INSERT INTO fuzz.findings VALUES ('binary round trip error', '', input);
    ELSIF (SELECT t.f::text FROM fuzz.funnel_target t) <> txt THEN
        INSERT INTO fuzz.findings VALUES ('binary round trip', '', input);
    END IF;

    -- merging: with itself (may overflow: a clean 22003), with an empty funnel
    BEGIN
        PERFORM rollup(x)::text FROM (VALUES (f), (f), (NULL::funnel)) v(x);
    EXCEPTION WHEN numeric_value_out_of_range OR program_limit_exceeded
                   OR invalid_parameter_value THEN
        NULL;
    END;
    BEGIN
        PERFORM rollup(x)::text FROM (SELECT f UNION ALL SELECT body::funnel FROM fuzz.corpus_funnel_text
                                      WHERE name IN ('empty', 'events', 'enum3', 'calendar')) v(x);
    EXCEPTION WHEN numeric_value_out_of_range OR invalid_parameter_value THEN
        NULL;
    END;

    -- accessors close open leads first: counts near 2^63 may overflow
    -- there, a clean 22003
    BEGIN
    -- the calendar it keeps (corpus: calendar, calendar_open_leads) prints
    -- as it reads back
    IF funnel_calendar(f)::text::work_calendar IS DISTINCT FROM funnel_calendar(f) THEN
        INSERT INTO fuzz.findings VALUES ('funnel calendar round trip', '', input);
    END IF;
    IF NOT is_enum THEN
        PERFORM reached(f, s::lead_stage), reached(f, s) FROM unnest(stages) s;
        PERFORM * FROM funnel_steps(f);
        FOR a IN 1 .. 8 LOOP
            FOR b IN a .. 8 LOOP
                PERFORM conversion(f, stages[a], stages[b]),
                        conversion_interval(f, stages[a]::lead_stage, stages[b]::lead_stage,
                                            fuzz.pick('{0.5,0.95,0.999999,1e-9}')::float8);
                IF a < b THEN
                    PERFORM time_to_convert(f, stages[a], stages[b], x)
                    FROM unnest('{0,0.25,0.5,0.9,1}'::float8[]) x;
                END IF;
            END LOOP;
        END LOOP;
    ELSE
        etype := CASE nstages WHEN 1 THEN 'fuzz.e1' WHEN 2 THEN 'fuzz.e2' WHEN 3 THEN 'fuzz.e3'
                              WHEN 8 THEN 'fuzz.e8' WHEN 64 THEN 'fuzz.e64' END;
        IF js ? 'ladder' THEN
            -- a funnel that names its enum refuses another one (42804),
            -- unless it is empty; without the name (as align 0.1.0 stored
            -- it) it reads with any enum of its size, as below
            IF js->>'ladder' <> 'fuzz.e3' THEN
                BEGIN
                    IF reached(f, enum_first(NULL::fuzz.e3)) <> 0 THEN
                        INSERT INTO fuzz.findings VALUES ('enum funnel read with another enum', '', input);
                    END IF;
                EXCEPTION WHEN datatype_mismatch THEN
                    NULL;
                END;
            END IF;
            f := (js - 'ladder' - 'labels')::text::funnel;
        END IF;
        IF etype IS NOT NULL THEN
            EXECUTE format($q$
                SELECT count(reached($1, v)) + count(conversion($1, (enum_first(NULL::%1$s)), v))
                       + count(conversion_interval($1, (enum_first(NULL::%1$s)), v))
                       + count(time_to_convert($1, (enum_first(NULL::%1$s)), v, 0.5) IS NULL)
                FROM unnest(enum_range(NULL::%1$s)) v
                WHERE v <> enum_first(NULL::%1$s)$q$, etype) USING f;
            EXECUTE format('SELECT count(*) FROM funnel_steps($1, NULL::%s)', etype) USING f;
        END IF;
        -- the wrong vocabulary is an error, not a misread (an empty funnel
        -- reads as empty with any ladder)
        BEGIN
            IF reached(f, 'mql') <> 0 OR (js->'reached'->>0)::bigint <> 0 THEN
                INSERT INTO fuzz.findings VALUES ('enum funnel read as lead_stage', '', input);
            END IF;
        EXCEPTION WHEN datatype_mismatch THEN
            NULL;
        END;
    END IF;
    EXCEPTION WHEN numeric_value_out_of_range THEN
        IF NOT js ? 'leads' THEN
            RAISE;
        END IF;
    END;
END $$;

-- fuzz.exercise, recording an error as a finding: the accessors of a funnel
-- that passed validation must not fail.
CREATE FUNCTION fuzz.exercise_caught(f funnel, input text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM fuzz.exercise(f, input);
    RETURN 'ok';
EXCEPTION WHEN query_canceled THEN
    RAISE;
WHEN OTHERS THEN
    INSERT INTO fuzz.findings VALUES ('accessor error', SQLSTATE || ' ' || SQLERRM, input);
    RETURN 'finding';
END $$;

-- Applies one calendar-aware or character-level mutation to calendar text.
CREATE FUNCTION fuzz.mutate_calendar_text(t text, other text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int := length(t);
    pos int := fuzz.rnd(1, greatest(n, 1));
    rest text := substring(t FROM pos);
BEGIN
    CASE fuzz.rnd(0, 11)
    WHEN 0, 1 THEN  -- replace the time at or after pos
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(rest, '[0-9]{1,2}:[0-9]{2}',
                              fuzz.pick('{00:00,24:00,23:59,24:01,12:60,9:05,99:99,0:00,02:30,03:00,00:01,1:1}'));
    WHEN 2 THEN     -- replace the day name at or after pos
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(rest, '(mon|tue|wed|thu|fri|sat|sun)[a-z]*',
                              fuzz.pick('{mon,SUN,friday,Wednesday,mo,sunday-,xyz,fri-mon,"mon,",sat-sat}'), 'i');
    WHEN 3 THEN     -- replace the date at or after pos
        RETURN substring(t FROM 1 FOR pos - 1) ||
               regexp_replace(rest, '[0-9]{4}-[0-9]{2}-[0-9]{2}',
                              fuzz.pick('{1900-01-01,2100-12-31,1899-12-31,2101-01-01,2026-02-29,2028-02-29,2026-13-01,0000-00-00,2026-03-29..2026-03-28,2026-03-29..2100-12-31}'));
    WHEN 4 THEN     -- replace or add the zone
        RETURN regexp_replace(t, 'tz [^;]*', 'tz ' || fuzz.pick('{UTC,Europe/Berlin,America/New_York,Asia/Kolkata,Australia/Lord_Howe,europe/berlin,Etc/GMT+12,Pacific/Kiritimati,EST5EDT,../../x,posixrules,"",Mars/Olympus,America/St_Johns}'))
               || CASE WHEN t !~ 'tz ' THEN '; tz ' || fuzz.pick('{Europe/Berlin,Asia/Kathmandu,UTC}') ELSE '' END;
    WHEN 5 THEN     -- another clause, from another seed
        RETURN t || '; ' || split_part(other, ';', fuzz.rnd(1, 4)::int);
    WHEN 6 THEN     -- a separator
        RETURN overlay(t PLACING fuzz.pick(ARRAY[';', ',', '-', '..', ' ', ':', '', E'\t', ';;', '--']) FROM pos FOR fuzz.rnd(0, 1)::int);
    WHEN 7 THEN     -- a random printable character
        RETURN overlay(t PLACING chr(fuzz.rnd(32, 126)::int) FROM pos FOR 1);
    WHEN 8 THEN     -- delete a range
        RETURN overlay(t PLACING '' FROM pos FOR fuzz.rnd(1, 20)::int);
    WHEN 9 THEN     -- many closed items or many intervals
        IF random() < 0.5 THEN
            RETURN t || '; closed ' || (SELECT string_agg(to_char(date '2026-01-01' + fuzz.rnd(-40000, 30000)::int, 'YYYY-MM-DD')
                                                         || fuzz.pick('{"", " 10:00-", " -12:00", " 08:00-09:00", ..2026-12-31}'), ', ')
                                        FROM generate_series(1, fuzz.rnd(1, 400)));
        END IF;
        RETURN t || '; ' || fuzz.pick('{mon,tue,wed,thu,fri,sat,sun}') || ' '
               || (SELECT string_agg(format('%s:%s-%s:%s', lpad((m / 60)::text, 2, '0'), lpad((m % 60)::text, 2, '0'),
                                            lpad(((m + 1) / 60)::text, 2, '0'), lpad(((m + 1) % 60)::text, 2, '0')), ', ')
                   FROM (SELECT DISTINCT 2 * fuzz.rnd(0, 700)::int AS m FROM generate_series(1, fuzz.rnd(1, 300))) x);
    WHEN 10 THEN    -- upper case
        RETURN upper(t);
    ELSE            -- duplicate a range
        RETURN substring(t FROM 1 FOR pos) || substring(t FROM pos FOR fuzz.rnd(1, 30)::int) || substring(t FROM pos + 1);
    END CASE;
END $$;

-- Runs the arithmetic on a calendar that parsed and checks its invariants
-- and round trips; a broken invariant or an error other than a time out of
-- align's range (22008) is a finding.
CREATE FUNCTION fuzz.exercise_calendar(c work_calendar, input text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    txt text := c::text;
    a timestamptz;
    b timestamptz;
    d timestamptz;
    o timestamptz;
    w interval;
BEGIN
    IF txt::work_calendar <> c OR work_calendar_send(txt::work_calendar) <> work_calendar_send(c)
       OR txt::work_calendar::text <> txt THEN
        INSERT INTO fuzz.findings VALUES ('calendar text round trip', txt, input);
    END IF;
    IF fuzz.copy_binary(work_calendar_send(c), 'fuzz.calendar_target') IS NOT NULL THEN
        INSERT INTO fuzz.findings VALUES ('calendar binary round trip error', txt, input);
    ELSIF (SELECT t.c FROM fuzz.calendar_target t) <> c THEN
        INSERT INTO fuzz.findings VALUES ('calendar binary round trip', txt, input);
    END IF;
    FOR i IN 1 .. 4 LOOP
        a := timestamptz '2026-01-01' + fuzz.rnd(-3000000, 1000000) * interval '1 minute'
             + fuzz.rnd(0, 59999999) * interval '1 microsecond';
        b := a + fuzz.rnd(0, 600000) * interval '1 minute';
        w := fuzz.rnd(0, 200000) * interval '1 minute';
        BEGIN
            IF working_seconds(c, a, b) < 0 OR working_seconds(c, a, b) > extract(epoch FROM b - a)
               OR working_time(c, b, a) IS NOT NULL AND b > a THEN
                INSERT INTO fuzz.findings VALUES ('working time outside [0, span]', format('%s %s', a, b), input);
            END IF;
            d := working_deadline(c, a, w);
            IF d < a OR working_time(c, a, d) <> justify_hours(w) THEN
                INSERT INTO fuzz.findings VALUES ('deadline', format('%s %s %s', a, w, d), input);
            END IF;
            o := next_opening(c, a);
            IF o < a OR NOT is_working_time(c, o) OR working_seconds(c, a, o) <> 0 THEN
                INSERT INTO fuzz.findings VALUES ('next opening', format('%s %s', a, o), input);
            END IF;
        EXCEPTION WHEN datetime_field_overflow THEN
            NULL;   -- a time, deadline or opening outside align's range
        END;
    END LOOP;
    RETURN 'ok';
EXCEPTION WHEN query_canceled THEN
    RAISE;
WHEN OTHERS THEN
    INSERT INTO fuzz.findings VALUES ('calendar function error', SQLSTATE || ' ' || SQLERRM, input);
    RETURN 'finding';
END $$;

-- One execution: mutate a seed, feed it to one input path, exercise the result.
-- Returns 'ok' (a value), an SQLSTATE (a clean error), or 'finding'.
CREATE FUNCTION fuzz.one(trace bool) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    path int := fuzz.rnd(0, 11);
    seed_t text;
    other_t text;
    seed_b bytea;
    other_b bytea;
    t text;
    b bytea;
    f funnel;
    c work_calendar;
    st text;
BEGIN
    IF path <= 3 THEN
        -- funnel text
        SELECT body INTO seed_t FROM fuzz.corpus_funnel_text ORDER BY random() LIMIT 1;
        SELECT body INTO other_t FROM fuzz.corpus_funnel_text ORDER BY random() LIMIT 1;
        t := seed_t;
        FOR i IN 1 .. fuzz.rnd(1, 4) LOOP
            t := fuzz.mutate_text_once(t, other_t);
        END LOOP;
        IF random() < 0.02 THEN
            t := (SELECT string_agg(chr(fuzz.rnd(1, 255)::int), '') FROM generate_series(1, fuzz.rnd(0, 300)));
        END IF;
        IF trace THEN
            RAISE NOTICE 'funnel text: %', t;
        END IF;
        BEGIN
            f := t::funnel;
        EXCEPTION WHEN OTHERS THEN
            RETURN SQLSTATE;
        END;
        RETURN fuzz.exercise_caught(f, t);
    ELSIF path <= 7 THEN
        -- funnel binary
        SELECT body INTO seed_b FROM fuzz.corpus_funnel_bin ORDER BY random() LIMIT 1;
        SELECT body INTO other_b FROM fuzz.corpus_funnel_bin ORDER BY random() LIMIT 1;
        b := seed_b;
        FOR i IN 1 .. fuzz.rnd(1, 6) LOOP
            b := fuzz.mutate_bytes_once(b, other_b);
        END LOOP;
        IF random() < 0.02 THEN
            b := (SELECT coalesce(string_agg(set_byte('\x00'::bytea, 0, fuzz.rnd(0, 255)::int), ''::bytea), '')
                  FROM generate_series(1, fuzz.rnd(0, 400)));
        END IF;
        IF trace THEN
            RAISE NOTICE 'funnel binary: %', b;
        END IF;
        st := fuzz.copy_binary(b, 'fuzz.funnel_target');
        IF st IS NOT NULL THEN
            RETURN st;
        END IF;
        SELECT t2.f INTO f FROM fuzz.funnel_target t2;
        RETURN fuzz.exercise_caught(f, encode(b, 'hex'));
    ELSIF path = 8 THEN
        -- stage text
        SELECT body INTO t FROM fuzz.corpus_stage_text ORDER BY random() LIMIT 1;
        FOR i IN 1 .. fuzz.rnd(0, 3) LOOP
            t := fuzz.mutate_label(t);
        END LOOP;
        IF trace THEN
            RAISE NOTICE 'stage text: %', t;
        END IF;
        BEGIN
            PERFORM stage_rank(t::lead_stage), stage_team(t::lead_stage), t::lead_stage::text,
                    reached(funnel(t::lead_stage), t)
            FROM generate_series(1, 1);
            RETURN 'ok';
        EXCEPTION WHEN OTHERS THEN
            RETURN SQLSTATE;
        END;
    ELSIF path >= 10 THEN
        -- calendar: text input (path 10) or binary COPY (path 11) of a mutated seed
        SELECT body, bin INTO t, b FROM fuzz.corpus_calendar ORDER BY random() LIMIT 1;
        SELECT body, bin INTO other_t, other_b FROM fuzz.corpus_calendar ORDER BY random() LIMIT 1;
        FOR i IN 1 .. fuzz.rnd(1, 4) LOOP
            IF path = 10 THEN
                t := fuzz.mutate_calendar_text(t, other_t);
            ELSE
                b := fuzz.mutate_bytes_once(b, other_b);
                t := encode(b, 'hex');
            END IF;
        END LOOP;
        IF trace THEN
            RAISE NOTICE 'calendar %: %', CASE WHEN path = 10 THEN 'text' ELSE 'binary' END, t;
        END IF;
        IF path = 10 THEN
            BEGIN
                c := t::work_calendar;
            EXCEPTION WHEN OTHERS THEN
                RETURN SQLSTATE;
            END;
        ELSE
            st := fuzz.copy_binary(b, 'fuzz.calendar_target');
            IF st IS NOT NULL THEN
                RETURN st;
            END IF;
            SELECT t2.c INTO c FROM fuzz.calendar_target t2;
        END IF;
        RETURN fuzz.exercise_calendar(c, t);
    ELSE
        -- stage binary
        SELECT body INTO b FROM fuzz.corpus_stage_bin ORDER BY random() LIMIT 1;
        FOR i IN 1 .. fuzz.rnd(0, 2) LOOP
            b := fuzz.mutate_bytes_once(b, '\x00ff'::bytea);
        END LOOP;
        IF trace THEN
            RAISE NOTICE 'stage binary: %', b;
        END IF;
        st := fuzz.copy_binary(b, 'fuzz.stage_target');
        IF st IS NOT NULL THEN
            RETURN st;
        END IF;
        PERFORM stage_rank(s), stage_team(s), s::text, funnel(s)::text FROM fuzz.stage_target GROUP BY s;
        RETURN 'ok';
    END IF;
END $$;

-- Runs up to max_execs executions or max_seconds seconds from seed; returns
-- one row per outcome (ok, or an SQLSTATE) with its count.  Executions that
-- take longer than slow_seconds are recorded as findings.
CREATE FUNCTION fuzz.run(seed float8, max_execs int, max_seconds float8,
                         trace bool DEFAULT false, slow_seconds float8 DEFAULT 5)
RETURNS TABLE (outcome text, n bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    started timestamptz := clock_timestamp();
    t0 timestamptz;
    r text;
    counts jsonb := '{}';
    i int := 0;
BEGIN
    PERFORM setseed(seed);
    WHILE i < max_execs AND clock_timestamp() - started < make_interval(secs => max_seconds) LOOP
        t0 := clock_timestamp();
        IF trace THEN
            RAISE NOTICE 'execution %', i;
        END IF;
        r := fuzz.one(trace);
        IF clock_timestamp() - t0 > make_interval(secs => slow_seconds) THEN
            INSERT INTO fuzz.findings VALUES ('slow', (clock_timestamp() - t0)::text,
                                              format('seed %s execution %s', seed, i));
        END IF;
        counts := jsonb_set(counts, ARRAY[r], to_jsonb(coalesce((counts->>r)::bigint, 0) + 1));
        i := i + 1;
    END LOOP;
    RETURN QUERY SELECT key, value::text::bigint FROM jsonb_each(counts) ORDER BY 1;
END $$;
