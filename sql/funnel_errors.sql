-- Bad input for every funnel function: stages, windows, fractions,
-- confidences, lead keys, support functions called outside an aggregate,
-- corrupt text and corrupt binary (COPY) funnels.  Each a clean error with
-- its SQLSTATE; the server survives.
\set SHOW_CONTEXT never

\i sql/include/sqlstate_of.sql

-- A funnel with every part filled: counts, exits, two time sketches.
CREATE TABLE err_f AS
SELECT funnel(lead, stage, at) AS f
FROM (VALUES (1, 'lead'::lead_stage, timestamptz '2026-01-01 00:00+00'),
             (1, 'mql', '2026-01-01 06:00+00'), (1, 'sql', '2026-01-03 00:00+00'),
             (1, 'lost', '2026-01-04 00:00+00'),
             (2, 'subscriber', '2026-01-02 00:00+00'), (2, 'mql', NULL),
             (2, 'recycled', NULL)) v(lead, stage, at);
SELECT f FROM err_f;

-- ---------------------------------------------------------------------------
-- Accessors: unknown stages (22P02), 'other' and outcomes where a ladder
-- stage is needed, stages in the wrong order, fractions outside [0, 1],
-- confidences outside (0, 1): 22023 (invalid_parameter_value).
SELECT stmt, pg_temp.sqlstate_of('SELECT ' || stmt || ' FROM err_f') AS sqlstate
FROM unnest(ARRAY[
    $$reached(f, 'bogus')$$,
    $$reached(f, '')$$,
    $$reached(f, 'other')$$,
    $$reached(f, 'other'::lead_stage)$$,
    $$conversion(f, 'bogus', 'mql')$$,
    $$conversion(f, 'mql', 'other')$$,
    $$conversion(f, 'lost', 'mql')$$,
    $$conversion(f, 'mql', 'recycled')$$,
    $$conversion(f, 'mql'::lead_stage, 'disqualified'::lead_stage)$$,
    $$conversion(f, 'sql', 'mql')$$,
    $$conversion(f, 'evangelist'::lead_stage, 'subscriber'::lead_stage)$$,
    $$conversion_interval(f, 'sql', 'mql')$$,
    $$conversion_interval(f, 'mql', 'lost')$$,
    $$conversion_interval(f, 'mql', 'sql', 0)$$,
    $$conversion_interval(f, 'mql', 'sql', 1)$$,
    $$conversion_interval(f, 'mql', 'sql', -0.5)$$,
    $$conversion_interval(f, 'mql', 'sql', 1.5)$$,
    $$conversion_interval(f, 'mql', 'sql', 'NaN')$$,
    $$conversion_interval(f, 'mql', 'sql', 'Infinity')$$,
    $$conversion_interval(f, 'mql', 'sql', 0.999999)$$,
    $$time_to_convert(f, 'bogus', 'sql', 0.5)$$,
    $$time_to_convert(f, 'sql', 'mql', 0.5)$$,
    $$time_to_convert(f, 'mql', 'mql', 0.5)$$,
    $$time_to_convert(f, 'mql', 'lost', 0.5)$$,
    $$time_to_convert(f, 'other', 'sql', 0.5)$$,
    $$time_to_convert(f, 'mql', 'sql', -0.01)$$,
    $$time_to_convert(f, 'mql', 'sql', 1.01)$$,
    $$time_to_convert(f, 'mql', 'sql', 'NaN')$$,
    $$time_to_convert(f, 'mql', 'sql', '-Infinity')$$,
    $$time_to_convert(f, 'mql', 'sql', 0)$$,
    $$time_to_convert(f, 'mql', 'sql', 1)$$
]) AS stmt;
SELECT reached(f, 'bogus') FROM err_f;
SELECT conversion(f, 'mql', 'lost') FROM err_f;
SELECT conversion(f, 'other', 'sql') FROM err_f;
SELECT conversion(f, 'sql', 'mql') FROM err_f;
SELECT conversion_interval(f, 'mql', 'sql', 1) FROM err_f;
SELECT time_to_convert(f, 'mql', 'mql', 0.5) FROM err_f;
SELECT time_to_convert(f, 'mql', 'sql', 'NaN') FROM err_f;
-- NULL arguments give NULL; funnel_steps(NULL) gives no rows
SELECT reached(NULL, 'mql') IS NULL AS r, reached(f, NULL::text) IS NULL AS r2,
       conversion(f, NULL, 'mql') IS NULL AS c, conversion_interval(f, 'mql', 'sql', NULL) IS NULL AS ci,
       time_to_convert(f, 'mql', 'sql', NULL) IS NULL AS t,
       (SELECT count(*) FROM funnel_steps(NULL::funnel)) AS steps
FROM err_f;

-- ---------------------------------------------------------------------------
-- Aggregates: negative windows and windows that change between rows (22023),
-- times out of range (22008), lead keys of no or unknown type.  An untyped
-- literal or NULL key takes the text overload next to a lead_stage (NULL:
-- skipped), the "any" one next to an enum ladder (42P18).
CREATE TYPE err_ladder AS ENUM ('a', 'b');
SELECT stmt, pg_temp.sqlstate_of(stmt) AS sqlstate
FROM unnest(ARRAY[
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '-1 day')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '-1 second')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '-0.5 seconds')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '1 hour -1 day')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '-1 mon 29 days')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '-1 mon 31 days')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, now(), '0')$$,
    $$SELECT funnel(g, 'mql'::lead_stage, now(), g * interval '1 day') FROM generate_series(1, 2) g$$,
    $$SELECT funnel(g, 'mql'::lead_stage, now(), CASE WHEN g = 2 THEN interval '1 day' END) FROM generate_series(1, 2) g$$,
    $$SELECT funnel(1, 'mql'::lead_stage, 'infinity')$$,
    $$SELECT funnel(1, 'mql'::lead_stage, '1900-01-01 00:00+00')$$,
    $$SELECT funnel('x', 'mql'::lead_stage, now())$$,
    $$SELECT funnel(point(1, 2), 'mql'::lead_stage, now())$$,
    $$SELECT funnel('{}'::json, 'mql'::lead_stage, now())$$,
    $$SELECT funnel(NULL, 'mql'::lead_stage, now())$$,
    $$SELECT funnel(NULL::int, 'mql'::lead_stage, now())$$,
    $$SELECT funnel('x', 'a'::err_ladder, now())$$,
    $$SELECT funnel(NULL, 'a'::err_ladder, now())$$
]) AS stmt;
SELECT funnel(1, 'mql'::lead_stage, now(), '-1 day');
SELECT funnel(g, 'mql'::lead_stage, now(), g * interval '1 day') FROM generate_series(1, 2) g;
SELECT funnel(point(1, 2), 'mql'::lead_stage, now());
-- rollup of funnels with different windows, or a window and none (22023)
SELECT rollup(f) FROM (SELECT funnel(1, 'mql'::lead_stage, now(), '1 day') AS f
                       UNION ALL SELECT funnel(2, 'mql'::lead_stage, now(), '2 days')) u;
SELECT rollup(f) FROM (SELECT funnel(1, 'mql'::lead_stage, now(), '1 day') AS f
                       UNION ALL SELECT funnel(2, 'mql'::lead_stage, now())) u;

-- the support functions work only inside an aggregate (0A000)
SELECT stmt, pg_temp.sqlstate_of(stmt) AS sqlstate
FROM unnest(ARRAY[
    $$SELECT funnel_event_trans(NULL, 1, 'mql'::lead_stage, now())$$,
    $$SELECT funnel_event_within_trans(NULL, 1, 'mql'::lead_stage, now(), '1 day')$$,
    $$SELECT funnel_stage_trans(NULL, 'mql'::lead_stage)$$,
    $$SELECT funnel_combine(f, f) FROM err_f$$,
    $$SELECT funnel_combine(NULL, f) FROM err_f$$
]) AS stmt;
SELECT funnel_combine(f, f) FROM err_f;
-- funnel_final outside an aggregate closes a funnel's open leads: harmless
SELECT funnel_final(f)::text = f::text AS final_is_identity_on_closed FROM err_f;

-- ---------------------------------------------------------------------------
-- Corrupt text: every one 'invalid funnel value' (22P02, invalid_text_representation).
SELECT f::text AS good FROM err_f \gset
-- the same funnel as version 2 wrote it (no entered, no earlier), and as
-- align 0.1.0 wrote it (version 1: besides no before_ladder; open leads as a
-- JSON array per lead, where version 2 packs them in base64)
SELECT replace(regexp_replace(regexp_replace(:'good', ', "entered": \[[0-9, ]*\]', ''), ', "earlier": \{[^}]*\}', ''),
               '"version": 3', '"version": 2') AS good2 \gset
SELECT replace(regexp_replace(:'good2', ', "before_ladder": \[[0-9, ]*\]', ''), '"version": 2', '"version": 1') AS good1 \gset
CREATE TEMP TABLE bad_text (what text, input text);
INSERT INTO bad_text VALUES
    ('empty', ''),
    ('not JSON', 'funnel'),
    ('truncated JSON', left(:'good', 40)),
    ('unbalanced', :'good' || '}'),
    ('JSON null', 'null'),
    ('JSON array', '[1, 2]'),
    ('JSON number', '1'),
    ('empty object', '{}'),
    ('version 4', replace(:'good', '"version": 3', '"version": 4')),
    ('version 0', replace(:'good', '"version": 3', '"version": 0')),
    ('version 1.5', replace(:'good', '"version": 3', '"version": 1.5')),
    ('version "3"', replace(:'good', '"version": 3', '"version": "3"')),
    ('no version', replace(:'good', '"version": 3, ', '')),
    ('version 1 with before_ladder', replace(:'good2', '"version": 2', '"version": 1')),
    ('version 2 with entered', replace(:'good', '"version": 3', '"version": 2')),
    ('version 3 without entered', regexp_replace(:'good', ', "entered": \[[0-9, ]*\]', '')),
    ('version 3 without earlier', regexp_replace(:'good', ', "earlier": \{[^}]*\}', '')),
    ('entered > reached', replace(:'good', '"entered": [1,', '"entered": [3,')),
    ('known > entered', replace(:'good', '"entered": [1,', '"entered": [0,')),
    ('earlier not object', regexp_replace(:'good', '"earlier": \{[^}]*\}', '"earlier": []')),
    ('earlier key 2-1', replace(:'good', '"earlier": {}', '"earlier": {"2-1": 1}')),
    ('earlier 0', replace(:'good', '"earlier": {}', '"earlier": {"1-2": 0}')),
    ('earlier -1', replace(:'good', '"earlier": {}', '"earlier": {"1-2": -1}')),
    ('earlier more than known', replace(:'good', '"earlier": {}', '"earlier": {"1-2": 2}')),
    ('earlier and times more than known', replace(:'good', '"earlier": {}', '"earlier": {"2-3": 1}')),
    ('no before_ladder', regexp_replace(:'good', ', "before_ladder": \[[0-9, ]*\]', '')),
    ('before_ladder of 2', replace(:'good', '"before_ladder": [0, 0, 0]', '"before_ladder": [0, 0]')),
    ('before_ladder negative', replace(:'good', '"before_ladder": [0, 0, 0]', '"before_ladder": [0, -1, 0]')),
    ('ladder on lead_stage', replace(:'good', '"stages": 8', '"ladder": "public.x", "labels": [], "stages": 8')),
    ('vocabulary', replace(:'good', '"lead_stage"', '"crm"')),
    ('7 stages', replace(:'good', '"stages": 8', '"stages": 7')),
    ('enum of 65', '{"version": 1, "vocabulary": "enum", "stages": 65, "within_seconds": null, "reached": [], "known": [], "times": {}}'),
    ('enum of 0', '{"version": 1, "vocabulary": "enum", "stages": 0, "within_seconds": null, "reached": [], "known": [], "times": {}}'),
    ('enum with outcomes', replace(:'good', '"lead_stage"', '"enum"')),
    ('no window key', replace(:'good', '"within_seconds": null, ', '')),
    ('negative window', replace(:'good', '"within_seconds": null', '"within_seconds": -1')),
    ('window text', replace(:'good', '"within_seconds": null', '"within_seconds": "1 day"')),
    ('negative count', replace(:'good', '"reached": [2,', '"reached": [-2,')),
    ('reached grows', replace(:'good', '"reached": [2, 2, 2,', '"reached": [2, 2, 3,')),
    ('reached too short', replace(:'good', '"reached": [2,', '"reached": [')),
    ('reached too long', replace(:'good', '"reached": [2,', '"reached": [2, 2,')),
    ('reached not array', replace(:'good', '"reached": [2, 2, 2, 1, 1, 0, 0, 0]', '"reached": 2')),
    ('reached null item', replace(:'good', '"reached": [2,', '"reached": [null,')),
    ('reached fraction', replace(:'good', '"reached": [2,', '"reached": [2.5,')),
    ('known > reached', replace(:'good', '"known": [1,', '"known": [3,')),
    ('exit > reached', replace(:'good', '"lost": [0, 0, 0, 0, 1,', '"lost": [0, 0, 0, 0, 5,')),
    ('huge count', replace(:'good', '"reached": [2,', '"reached": [99999999999999999999,')),
    ('count 1e30', replace(:'good', '"reached": [2,', '"reached": [1e30,')),
    ('count 1e1000000', replace(:'good', '"reached": [2,', '"reached": [1e1000000,')),
    ('count 2^63', replace(:'good', '"reached": [2,', '"reached": [9223372036854775808,')),
    ('times not object', regexp_replace(:'good', '"times": \{[^}]*\}', '"times": []')),
    ('times key 3-2', regexp_replace(:'good', '"times": \{"', '"times": {"3-2": [[1, 1]], "')),
    ('times key 0-1', regexp_replace(:'good', '"times": \{"', '"times": {"0-1": [[1, 1]], "')),
    ('times key 1-9', regexp_replace(:'good', '"times": \{"', '"times": {"1-9": [[1, 1]], "')),
    ('times key a-b', regexp_replace(:'good', '"times": \{"', '"times": {"a-b": [[1, 1]], "')),
    ('times key 1-2-3', regexp_replace(:'good', '"times": \{"', '"times": {"1-2-3": [[1, 1]], "')),
    -- a non-canonical key naming a valid pair is read as that pair (1-2)
    ('times key 01-2', regexp_replace(:'good', '"times": \{"', '"times": {"01-2": [[1, 1]], "')),
    ('times empty pair', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [], "')),
    ('bucket 1200', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [[1200, 1]], "')),
    ('bucket -1', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [[-1, 1]], "')),
    ('bucket count 0', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [[5, 0]], "')),
    ('buckets unordered', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [[6, 1], [5, 1]], "')),
    ('bucket repeated', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [[5, 1], [5, 1]], "')),
    ('bucket not pair', regexp_replace(:'good', '"times": \{"', '"times": {"1-2": [[5, 1, 1]], "')),
    ('more timed than known', regexp_replace(:'good', '"times": \{"', '"times": {"1-3": [[5, 2]], "')),
    ('unknown key', replace(:'good', '"version": 3,', '"version": 3, "colour": "red",')),
    ('missing lost', regexp_replace(:'good', ', "lost": \[[^]]*\]', '')),
    ('v1 leads not array', replace(:'good1', '"times": {', '"leads": 1, "times": {')),
    ('v1 lead short', replace(:'good1', '"times": {', '"leads": [["0000000000000001", 0, 0]], "times": {')),
    ('v1 lead hash upper', replace(:'good1', '"times": {', '"leads": [["00000000000000AB", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    ('v1 lead hash short', replace(:'good1', '"times": {', '"leads": [["0001", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    ('v1 lead hash number', replace(:'good1', '"times": {', '"leads": [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    ('v1 lead slot 2^32', replace(:'good1', '"times": {', '"leads": [["0000000000000001", 4294967296, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    ('v1 lead slot -1', replace(:'good1', '"times": {', '"leads": [["0000000000000001", -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    ('v1 duplicate lead', replace(:'good1', '"times": {', '"leads": [["0000000000000001", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ["0000000000000001", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    -- version 2: per lead 13 little-endian uint32 (hash low, hash high, 11 slots), base64
    ('leads as an array', replace(:'good', '"times": {', '"leads": [["0000000000000001", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], "times": {')),
    ('leads not base64', replace(:'good', '"times": {', '"leads": "!!!!", "times": {')),
    ('leads empty', replace(:'good', '"times": {', '"leads": "", "times": {')),
    ('lead cut short', replace(:'good', '"times": {', '"leads": "' || encode(decode(repeat('00', 51), 'hex'), 'base64') || '", "times": {')),
    ('leads out of order', replace(:'good', '"times": {', '"leads": "' || translate(encode(decode('02000000' || repeat('00', 48) || '01000000' || repeat('00', 48), 'hex'), 'base64'), E'\n', '') || '", "times": {')),
    ('leads repeated', replace(:'good', '"times": {', '"leads": "' || translate(encode(decode('01000000' || repeat('00', 48) || '01000000' || repeat('00', 48), 'hex'), 'base64'), E'\n', '') || '", "times": {'));
SELECT what, pg_temp.sqlstate_of(format('SELECT %L::funnel', input)) AS sqlstate FROM bad_text;
-- a few of the messages
SELECT ''::funnel;
SELECT '{"version": 4}'::funnel;
SELECT input::funnel FROM bad_text WHERE what = 'reached grows';
SELECT input::funnel FROM bad_text WHERE what = 'v1 duplicate lead';
SELECT input::funnel FROM bad_text WHERE what = 'leads repeated';
SELECT input::funnel FROM bad_text WHERE what = 'leads out of order';
SELECT input::funnel FROM bad_text WHERE what = 'lead cut short';
SELECT input::funnel FROM bad_text WHERE what = 'leads not base64';
-- and a well-formed packed lead reads back: one lead (hash 1) at mql
SELECT reached(f, 'mql') AS mql, f::text::funnel::text = f::text AS round_trip
FROM (SELECT replace(:'good', '"times": {', '"leads": "' ||
             encode(decode('0100000000000000' || '0000000000000000' || '00000080' || repeat('00', 32), 'hex'), 'base64')
             || '", "times": {')::funnel AS f) x;
SELECT input::funnel FROM bad_text WHERE what = 'count 1e1000000';
-- the good text, and a hand-written open state with two leads, are accepted;
-- version 2 text reads with entered = known and nothing left out as earlier
SELECT :'good'::funnel::text = :'good' AS good_round_trip;
-- (and, as it counts leads, flagged "legacy": see funnel_report.sql)
SELECT :'good2'::funnel::text = replace(regexp_replace(:'good', '"entered": \[[0-9, ]*\]', '"entered": ' ||
           substring(:'good' from '"known": (\[[0-9, ]*\])')), '"within_seconds": null', '"within_seconds": null, "legacy": true')
       AS version_2_reads;
-- a lead left out of a pair as earlier reads back (1-2: one lead entered lead before subscriber)
SELECT conversion(f, 'subscriber', 'lead') AS rate, f::text = x.t AS round_trip
FROM (SELECT replace(:'good', '"earlier": {}', '"earlier": {"1-2": 1}') AS t) x, LATERAL (SELECT x.t::funnel AS f) y;
SELECT reached(rollup(f), 'mql') AS mql, reached(rollup(f), 'sql') AS sql
FROM (SELECT replace(:'good1', '"times": {', '"leads": [["00000000000000ab", 0, 0, 2150000000, 0, 0, 0, 0, 0, 0, 0, 0], '
                                            '["00000000000000cd", 0, 0, 0, 0, 4294967295, 0, 0, 0, 0, 0, 0]], "times": {')::funnel AS f) x;

-- ---------------------------------------------------------------------------
-- Corrupt binary.  A real COPY BINARY file of a funnel column is written and
-- read back server-side; every single-byte change and every truncation of its
-- funnel field is loaded again with COPY (the funnel's receive function):
-- each either loads (a change that is still a valid funnel, e.g. in a lead
-- hash) or fails with 22P03 (binary) / 22P02 (text), never anything else.
CREATE TEMP TABLE funnel_load (f funnel);
-- the funnel: closed counts, exits, sketches and two open leads
CREATE TEMP TABLE copy_src AS
SELECT replace(:'good1', '"times": {',
               '"leads": [["00000000000000ab", 0, 0, 2150000000, 0, 0, 0, 0, 0, 0, 0, 0], '
               '["00000000000000cd", 0, 0, 0, 0, 4294967295, 0, 0, 0, 0, 0, 2150000001]], "times": {')::funnel AS f;
COPY copy_src TO PROGRAM 'cat > funnel_copy.bin' (FORMAT binary);
CREATE TEMP TABLE copy_file AS SELECT pg_read_binary_file('funnel_copy.bin') AS file;
COPY (SELECT) TO PROGRAM 'rm -f funnel_copy.bin; cat >/dev/null';
-- the file is the COPY header, one row of one field (funnel_send's bytes), the trailer
SELECT length(file) AS file_bytes,
       file = '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea || '\x0001'::bytea
              || int4send(length(funnel_send(f))) || funnel_send(f) || '\xffff'::bytea AS layout_as_expected,
       substr(funnel_send(f), 1, 4) AS version_flags_stages_outcomes
FROM copy_file, copy_src;
-- Loads a COPY BINARY file (given as bytes) into funnel_load: 'ok' or the SQLSTATE.
-- (The bytes go to printf(1) in its format string: encode(..., 'escape') writes
-- \ooo for NUL and high bytes and \\ for a backslash, which printf reads back;
-- a % is doubled for printf and a ' quoted for the shell.)
CREATE FUNCTION pg_temp.load_copy(file bytea) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY pg_temp.funnel_load FROM PROGRAM %L (FORMAT binary)',
                   format('printf ''%s''', replace(replace(encode(file, 'escape'), '%', '%%'),
                                                   '''', '''\''''')));
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
-- A COPY BINARY file holding one funnel field with these bytes.
CREATE FUNCTION pg_temp.copy_of(field bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea || '\x0001'::bytea
           || int4send(length(field)) || field || '\xffff'::bytea
$$;
SELECT pg_temp.load_copy(file) AS unchanged FROM copy_file;
SELECT (SELECT f::text FROM funnel_load) = (SELECT f::text FROM copy_src) AS loaded_same;
-- hand-made damage
CREATE TEMP TABLE bad_binary AS
SELECT what, field FROM copy_src, LATERAL (SELECT funnel_send(f) AS s) s, LATERAL (VALUES
    ('empty field', ''::bytea),
    ('3 bytes', substr(s, 1, 3)),
    ('last byte cut', substr(s, 1, length(s) - 1)),
    ('trailing byte', s || '\x00'::bytea),
    ('version 4', set_byte(s, 0, 4)),
    ('negative before_ladder', set_byte(s, 12 + 192 + 192 + 8, 255)),
    ('unknown flag', set_byte(s, 1, 128)),
    ('9 stages', set_byte(s, 2, 9)),
    ('no outcomes', set_byte(s, 3, 0)),
    ('negative window', set_byte(set_byte(s, 1, 2), 4, 255)),
    ('window without flag', set_byte(s, 11, 1)),
    ('negative reached', set_byte(s, 12, 255)),
    ('reached grows', set_byte(s, 12 + 7 * 8 + 7, 9)),
    ('known > reached', set_byte(s, 12 + 64 + 7, 9)),
    ('entered > reached', set_byte(s, 12 + 128 + 7, 9)),
    ('exit > reached', set_byte(s, 12 + 192 + 7, 9)),
    ('pairs count huge', set_byte(s, 12 + 192 + 192 + 24, 127)),
    ('pair backwards', set_byte(s, 12 + 192 + 192 + 24 + 4, 7)),
    ('earlier negative', set_byte(s, 12 + 192 + 192 + 24 + 8, 255)),
    ('earlier more than known', set_byte(s, 12 + 192 + 192 + 24 + 15, 9)),
    ('bucket 1200', set_byte(set_byte(s, 12 + 192 + 192 + 24 + 16, 4), 12 + 192 + 192 + 24 + 17, 176)),
    ('bucket count 0', overlay(s placing '\x0000000000000000'::bytea from 12 + 192 + 192 + 24 + 19 for 8)),
    ('leads count huge', overlay(s placing '\x7fffffffffffffff'::bytea from length(s) - 2 * 52 - 7 for 8)),
    ('duplicate lead', overlay(s placing substr(s, length(s) - 2 * 52 + 1, 8) from length(s) - 52 + 1 for 8))
) v(what, field);
SELECT what, pg_temp.load_copy(pg_temp.copy_of(field)) AS sqlstate FROM bad_binary;
-- a few of the messages, through psql's \copy (the field written as bytea, read as a funnel)
\copy (SELECT field FROM bad_binary WHERE what = '3 bytes') TO 'results/funnel_bad.bin' (FORMAT binary)
\copy funnel_load FROM 'results/funnel_bad.bin' (FORMAT binary)
\copy (SELECT field FROM bad_binary WHERE what = 'reached grows') TO 'results/funnel_bad.bin' (FORMAT binary)
\copy funnel_load FROM 'results/funnel_bad.bin' (FORMAT binary)
\copy (SELECT field FROM bad_binary WHERE what = 'duplicate lead') TO 'results/funnel_bad.bin' (FORMAT binary)
\copy funnel_load FROM 'results/funnel_bad.bin' (FORMAT binary)
-- every byte of the field inverted, and every truncation of it
SELECT m.kind, count(*) AS files,
       count(*) FILTER (WHERE r = 'ok') AS loaded,
       count(*) FILTER (WHERE r = '22P03') AS corrupt,
       array_agg(DISTINCT r) FILTER (WHERE r NOT IN ('ok', '22P03')) AS other_sqlstates
FROM copy_src, LATERAL (SELECT funnel_send(f) AS s) s,
     LATERAL (SELECT 'xor ff' AS kind, set_byte(s, i, get_byte(s, i) # 255) AS field
              FROM generate_series(0, length(s) - 1) i
              UNION ALL
              SELECT 'truncated', substr(s, 1, n) FROM generate_series(0, length(s) - 1) n) m,
     LATERAL (SELECT pg_temp.load_copy(pg_temp.copy_of(m.field)) AS r) l
GROUP BY m.kind ORDER BY m.kind;
-- and the same for every character of the text form (deleted, or replaced by
-- a digit, a quote or a brace)
SELECT m.kind, count(*) AS inputs,
       count(*) FILTER (WHERE r = 'ok') AS accepted,
       count(*) FILTER (WHERE r = '22P02') AS corrupt,
       array_agg(DISTINCT r) FILTER (WHERE r NOT IN ('ok', '22P02')) AS other_sqlstates
FROM copy_src, LATERAL (SELECT f::text AS t) t,
     LATERAL (SELECT 'deleted' AS kind, overlay(t placing '' from i for 1) AS input
              FROM generate_series(1, length(t)) i
              UNION ALL
              SELECT 'replaced by ' || c, overlay(t placing c from i for 1)
              FROM generate_series(1, length(t)) i, unnest(ARRAY['9', '"', '}']) c) m,
     LATERAL (SELECT pg_temp.sqlstate_of(format('SELECT %L::funnel', m.input)) AS r) l
GROUP BY m.kind ORDER BY m.kind;

-- the server is still here
SELECT 1 AS alive;
