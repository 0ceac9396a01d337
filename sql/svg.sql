-- Pictures (issue 17): funnel_svg and handoff_svg.  Every picture parses as
-- XML (here through PostgreSQL's xml type, and all of them at the end
-- through xmllint); what a picture shows (its bars, labels, counts, rates,
-- medians and exits) is read back with xpath and compared with the funnel
-- oracle's plain SQL over the same rows; hostile labels and titles stay
-- escaped; a small funnel's picture is printed whole, so the expected file
-- pins its bytes.
\set SHOW_CONTEXT never

\set ECHO none
\i sql/include/funnel_oracle.sql
\i sql/include/funnel_data.sql
\set ECHO all

-- The SVG namespace, and the text of every node a path selects, in order
-- (entities decoded: the text a browser shows).
CREATE FUNCTION pg_temp.svg_nodes(svg text, path text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(
               CASE WHEN path LIKE '%/@%' THEN x::text
                    ELSE (xpath('string(.)', x))[1]::text END ORDER BY o), '{}')
    FROM unnest(xpath(path, xmlparse(document svg),
                      ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']])) WITH ORDINALITY AS u(x, o)
$$;
-- xpath's string() result comes back as XML text: decode the five entities.
CREATE FUNCTION pg_temp.unescape(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT replace(replace(replace(replace(replace(s, '&lt;', '<'), '&gt;', '>'),
                   '&quot;', '"'), '&apos;', ''''), '&amp;', '&')
$$;
CREATE FUNCTION pg_temp.texts(svg text, cls text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(pg_temp.unescape(t) ORDER BY o), '{}')
    FROM unnest(pg_temp.svg_nodes(svg, format('//s:text[@class=%L]', cls))) WITH ORDINALITY AS u(t, o)
$$;
CREATE FUNCTION pg_temp.attrs(svg text, elem text, cls text, attr text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.svg_nodes(svg, format('//s:%s[@class=%L]/@%s', elem, cls, attr))
$$;
-- The SQLSTATE and message a statement raises.
CREATE FUNCTION pg_temp.error_of(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- Every picture of this test, for xmllint at the end.
CREATE TEMP TABLE pictures (name text, svg text);

-- The generated data set (2500 leads, every ladder stage, exits, unknown
-- times, ties) and its funnel.
INSERT INTO oracle_events SELECT lead::text, stage, at FROM fx;
CREATE TEMP TABLE fx_f AS SELECT funnel(lead, stage, at) AS f FROM fx;
INSERT INTO pictures SELECT 'generated', funnel_svg(f) FROM fx_f;

-- One bar per ladder stage, in ladder order, labelled with the stage's name.
SELECT pg_temp.attrs(svg, 'rect', 'align-bar', 'data-rank') AS ranks,
       pg_temp.texts(svg, 'align-stage') = (SELECT array_agg(stage::text ORDER BY rank) FROM oracle_ladder)
           AS labels_are_the_ladder
FROM pictures WHERE name = 'generated';

-- Counts, rates from the previous stage and exits against the oracle.
CREATE TEMP TABLE shown AS
SELECT r.rank, r.count, r.rate, e.exits
FROM pictures p,
     unnest(pg_temp.attrs(p.svg, 'rect', 'align-bar', 'data-rank')::int[],
            pg_temp.texts(p.svg, 'align-count'),
            pg_temp.texts(p.svg, 'align-rate')) AS r(rank, count, rate)
     LEFT JOIN LATERAL (
        -- the exits line sits in its stage's row: match it by the row's y
        SELECT t AS exits FROM unnest(pg_temp.texts(p.svg, 'align-exits'),
                                      pg_temp.attrs(p.svg, 'text', 'align-exits', 'y')) AS x(t, y)
        WHERE x.y::numeric = 70 + 48 * (r.rank - 1) + 35) e ON true
WHERE p.name = 'generated';
SELECT count(*) AS stages,
       count(*) FILTER (WHERE s.count = to_char(o.reached, 'FM999,999,999,990')) AS counts_equal,
       count(*) FILTER (WHERE s.rank = 1 AND s.rate = 'top of the funnel'
                           OR s.rank > 1 AND abs(substring(s.rate FROM '^([0-9.]+)% of previous')::numeric
                                                 - 100.0 * o.reached / p.reached) <= 0.05) AS rates_equal,
       count(*) FILTER (WHERE s.exits IS NOT DISTINCT FROM
                              nullif('left: ' || concat_ws(' · ',
                                  CASE WHEN o.recycled > 0 THEN to_char(o.recycled, 'FM999,990') || ' recycled' END,
                                  CASE WHEN o.disqualified > 0 THEN to_char(o.disqualified, 'FM999,990') || ' disqualified' END,
                                  CASE WHEN o.lost > 0 THEN to_char(o.lost, 'FM999,990') || ' lost' END),
                                  'left: ')) AS exits_equal,
       count(*) FILTER (WHERE o.recycled + o.disqualified + o.lost > 0) AS stages_with_exits
FROM shown s JOIN pg_temp.oracle_stages(NULL) o USING (rank)
LEFT JOIN pg_temp.oracle_stages(NULL) p ON p.rank = o.rank - 1;

-- The median time from the previous stage, as people read it ("46.9 h"),
-- within the funnel's 1 % of the exact percentile_disc, plus the rounding
-- of its one decimal.
SELECT count(*) AS medians,
       count(*) FILTER (WHERE abs(m.shown - t.secs) <= 0.01 * t.secs + m.half_digit) AS within_1pct
FROM (SELECT rank,
             substring(rate FROM 'median ([0-9.]+) ')::numeric
                 * CASE substring(rate FROM 'median [0-9.]+ (.*)$')
                       WHEN 's' THEN 1 WHEN 'min' THEN 60 WHEN 'h' THEN 3600 ELSE 86400 END AS shown,
             0.05 * CASE substring(rate FROM 'median [0-9.]+ (.*)$')
                       WHEN 's' THEN 1 WHEN 'min' THEN 60 WHEN 'h' THEN 3600 ELSE 86400 END AS half_digit
      FROM shown WHERE rate LIKE '%median%') m
JOIN pg_temp.oracle_times(NULL) t ON t.b = m.rank AND t.a = m.rank - 1 AND t.fraction = 0.5;

-- A bar is as wide as its stage's leads over the widest stage's, and the
-- exits' strip as long as their share of the stage.
SELECT count(*) AS bars,
       count(*) FILTER (WHERE abs(w - 259.0 * o.reached / (SELECT max(reached) FROM pg_temp.oracle_stages(NULL))) <= 0.05)
           AS widths_proportional
FROM pictures p,
     unnest(pg_temp.attrs(p.svg, 'rect', 'align-bar', 'data-rank')::int[],
            pg_temp.attrs(p.svg, 'rect', 'align-bar', 'width')::numeric[]) AS b(rank, w)
JOIN pg_temp.oracle_stages(NULL) o USING (rank)
WHERE p.name = 'generated';

-- The same funnel built in a parallel plan (from a table workers can read:
-- not a temporary one) and with a tiny memory budget draws the same
-- picture, byte for byte.
CREATE TABLE svg_fx AS SELECT * FROM fx;
ANALYZE svg_fx;
\i sql/include/parallel_plan.sql
SELECT count(*) > 0 AS parallel_plan
FROM pg_temp.plan_lines('SELECT funnel(lead, stage, at) FROM svg_fx') l WHERE l LIKE '%Partial Aggregate%';
SELECT funnel_svg(funnel(lead, stage, at)) = (SELECT svg FROM pictures WHERE name = 'generated') AS parallel_same
FROM svg_fx;
RESET max_parallel_workers_per_gather;
DROP TABLE svg_fx;
SET align.memory_budget = '16kB';
SELECT funnel_svg(funnel(lead, stage, at)) = (SELECT svg FROM pictures WHERE name = 'generated') AS spilled_same
FROM fx;
RESET align.memory_budget;

-- Options: a title (escaped), a width, colours by team and by stage label
-- (the label wins), the exits' colour.
SELECT (xpath('/s:svg/@width', x, ns))[1]::text AS width,
       (xpath('/s:svg/s:title/text()', x, ns))[1]::text AS title,
       pg_temp.attrs(svg, 'rect', 'align-bar', 'fill') AS fills,
       pg_temp.attrs(svg, 'rect', 'align-exit', 'fill') AS exit_fills
FROM (SELECT funnel_svg(f, '{"title": "Q3 <all> & \"every\" lead", "width": 1000,
                              "colors": {"sales": "#123", "sql": "Navy", "exits": "#000000"}}') AS svg FROM fx_f) s,
     LATERAL (SELECT xmlparse(document svg) AS x,
                     ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']] AS ns) p;

-- A real export's sparse ladder: leads seen at mql and customer only.  All
-- stages: eight bars (those passed on the way count as reached); observed:
-- two, the customer bar's rate measured from mql.
CREATE TEMP TABLE sparse AS
SELECT g AS lead, 'mql'::lead_stage AS stage, timestamptz '2026-03-01' + g * interval '1 hour' AS at
FROM generate_series(1, 40) g
UNION ALL
SELECT g, 'customer', timestamptz '2026-03-10' + g * interval '1 hour'
FROM generate_series(1, 40) g WHERE g % 4 = 0;
INSERT INTO pictures
SELECT 'sparse all', funnel_svg(funnel(lead, stage, at)) FROM sparse
UNION ALL
SELECT 'sparse observed', funnel_svg(funnel(lead, stage, at), '{"stages": "observed"}') FROM sparse;
SELECT name, pg_temp.attrs(svg, 'rect', 'align-bar', 'data-rank') AS ranks,
       pg_temp.texts(svg, 'align-count') AS counts,
       pg_temp.texts(svg, 'align-rate') AS rates
FROM pictures WHERE name LIKE 'sparse%' ORDER BY name;
-- plain SQL: customers over leads seen at mql
SELECT count(DISTINCT lead) FILTER (WHERE stage = 'customer')::numeric
       / count(DISTINCT lead) FILTER (WHERE stage = 'mql') AS customer_rate
FROM sparse;

-- An empty funnel is an honest picture, not an error; so is one stage.
INSERT INTO pictures SELECT 'empty', funnel_svg(funnel(lead, stage, at)) FROM fx WHERE false;
SELECT pg_temp.texts(svg, 'align-empty') AS empty_text,
       pg_temp.attrs(svg, 'rect', 'align-bar', 'data-rank') AS bars
FROM pictures WHERE name = 'empty';
CREATE TYPE svg_one_stage AS ENUM ('signed');
INSERT INTO pictures SELECT 'one stage', funnel_svg(funnel(g % 7, 'signed'::svg_one_stage, timestamptz '2026-01-01'))
FROM generate_series(1, 20) g;
SELECT pg_temp.texts(svg, 'align-stage') AS stages, pg_temp.texts(svg, 'align-count') AS counts,
       pg_temp.texts(svg, 'align-rate') AS rates
FROM pictures WHERE name = 'one stage';

-- 64 stages: lead k climbs to stage k; stage s is reached by 65 - s leads.
DO $$
BEGIN
    EXECUTE 'CREATE TYPE svg_ladder64 AS ENUM (' ||
        (SELECT string_agg(quote_literal('step ' || lpad(s::text, 2, '0')), ', ' ORDER BY s)
         FROM generate_series(1, 64) s) || ')';
END $$;
INSERT INTO pictures
SELECT '64 stages', funnel_svg(funnel(k, (enum_range(NULL::svg_ladder64))[s], timestamptz '2026-01-01' + s * interval '1 day'))
FROM generate_series(1, 64) k, generate_series(1, 64) s WHERE s <= k;
SELECT cardinality(pg_temp.attrs(svg, 'rect', 'align-bar', 'data-rank')) AS bars,
       pg_temp.texts(svg, 'align-count') = (SELECT array_agg((65 - s)::text ORDER BY s) FROM generate_series(1, 64) s)
           AS counts_equal,
       pg_temp.texts(svg, 'align-stage') = (SELECT array_agg(l::text) FROM unnest(enum_range(NULL::svg_ladder64)) l)
           AS labels_equal,
       (xpath('/s:svg/@height', xmlparse(document svg), ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text AS height
FROM pictures WHERE name = '64 stages';

-- Hostile labels: markup, entities, quotes, a control character, a
-- 63-byte label, and a character from every Unicode plane (0 to 16), with
-- a hostile title and hostile colour keys.
DO $$
BEGIN
    EXECUTE format('CREATE TYPE svg_hostile_stage AS ENUM (%L, %L, %L, %L, %L, %L)',
        '<script>alert(1)</script>',
        'a & b "c" ''d'' ]]> <!-- x -->',
        E'tab\there ctl\x01\x7f end',
        repeat('w', 63),
        'é中' || (SELECT string_agg(chr(65536 * p + 256), '' ORDER BY p) FROM generate_series(1, 8) p),
        (SELECT string_agg(chr(65536 * p + 256), '' ORDER BY p) FROM generate_series(9, 16) p));
END $$;
INSERT INTO pictures
SELECT 'hostile', funnel_svg(funnel(g % 5, (enum_range(NULL::svg_hostile_stage))[1 + g % 6],
                                   timestamptz '2026-01-01' + g * interval '1 hour'),
                            jsonb_build_object('title', '</title></svg><script>alert("t")</script> & ' || repeat('long ', 60),
                                               'colors', jsonb_build_object('<script>', '#abc', 'a & b "c" ''d'' ]]> <!-- x -->', 'red')))
FROM generate_series(0, 29) g;
SELECT position('<script' IN svg) AS raw_script, position('<!--' IN svg) AS raw_comment,
       svg ~ '[^\x09\x0a\x20-\x7e]' AS non_ascii_bytes,
       pg_temp.texts(svg, 'align-stage') AS shown_labels
FROM pictures WHERE name = 'hostile';
-- each bar's tooltip holds its whole label (the control character as U+FFFD)
SELECT array_agg(starts_with(pg_temp.unescape(t), replace(l::text, E'\x01', '�') || ': ' || n || ' leads')
                 ORDER BY o) AS tooltips_whole
FROM pictures p,
     unnest(pg_temp.svg_nodes(p.svg, '//s:rect[@class="align-bar"]/s:title'),
            enum_range(NULL::svg_hostile_stage),
            pg_temp.texts(p.svg, 'align-count')) WITH ORDINALITY AS u(t, l, n, o)
WHERE p.name = 'hostile';
-- the whole picture, byte for byte
SELECT svg FROM pictures WHERE name = 'hostile' \gset
\pset format unaligned
\pset tuples_only on
SELECT :'svg';
\pset format aligned
\pset tuples_only off

-- Bad options: 22023 with what was wrong and what is accepted.
SELECT o AS options, pg_temp.error_of(format('SELECT funnel_svg(f, %L) FROM fx_f', o)) AS error
FROM unnest(ARRAY['[]', '"title"', '{"titel": "x"}', '{"width": 100}', '{"width": 4001}',
                  '{"width": 800.5}', '{"width": "wide"}', '{"stages": "some"}', '{"stages": true}',
                  '{"title": 5}', '{"colors": "red"}', '{"colors": {"sales": "red\" onload=\"alert(1)"}}',
                  '{"colors": {"sales": "url(#x)"}}', '{"colors": {"sales": "#12345"}}',
                  '{"colors": {"sales": 7}}']) o;
SELECT funnel_svg(f, '{"width": 10}') FROM fx_f;
SELECT funnel_svg(f, '{"colors": {"mql": "red;stroke:url(x)"}}') FROM fx_f;
-- NULL options or a NULL funnel: NULL (strict); keys set to null: defaults
SELECT funnel_svg(f, NULL) IS NULL AS null_options, funnel_svg(NULL::funnel) IS NULL AS null_funnel,
       funnel_svg(f, '{"title": null, "width": null}') = funnel_svg(f) AS null_keys_default
FROM fx_f;

-- Funnels stored by align 0.1.0 (version 1): a lead_stage one draws (all
-- stages); "observed" needs what 0.1.0 did not record (55000), and an enum
-- one without its labels cannot name its stages (42804).
SELECT pg_temp.texts(funnel_svg(f), 'align-count') AS counts,
       pg_temp.error_of(format('SELECT funnel_svg(%L::funnel, %L)', f, '{"stages": "observed"}')) AS observed
FROM (SELECT '{"version": 1, "vocabulary": "lead_stage", "stages": 8, "within_seconds": null, "reached": [2, 2, 2, 1, 0, 0, 0, 0], "known": [2, 2, 2, 1, 0, 0, 0, 0], "recycled": [0, 0, 0, 0, 0, 0, 0, 0], "disqualified": [0, 0, 0, 0, 0, 0, 0, 0], "lost": [0, 0, 0, 0, 0, 0, 0, 0], "times": {"1-2": [[5, 1]]}}'::funnel AS f) x;
SELECT pg_temp.error_of($$SELECT funnel_svg('{"version": 1, "vocabulary": "enum", "stages": 5, "within_seconds": null, "reached": [2, 1, 1, 0, 0], "known": [2, 1, 1, 0, 0], "times": {}}'::funnel)$$) AS enum_0_1_0;

-- ... and so does an empty one (it has nothing to name).
SELECT pg_temp.texts(funnel_svg('{"version": 1, "vocabulary": "enum", "stages": 5, "within_seconds": null, "reached": [0, 0, 0, 0, 0], "known": [0, 0, 0, 0, 0], "times": {}}'::funnel),
                     'align-empty') AS empty_enum_0_1_0;

-- A bar's tooltip says all its row says (the row's text may be cut).
SELECT (xpath('//s:rect[@data-rank="4"]/s:title/text()', xmlparse(document funnel_svg(f, '{"width": 320}')),
              ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text
       = format('sal: %s leads · %s%% of previous · median %s',
                (SELECT to_char(reached, 'FM999,990') FROM pg_temp.oracle_stages(NULL) WHERE rank = 4),
                (SELECT round(100.0 * a.reached / b.reached, 1) FROM pg_temp.oracle_stages(NULL) a, pg_temp.oracle_stages(NULL) b
                 WHERE a.rank = 4 AND b.rank = 3),
                substring((SELECT rate FROM shown WHERE rank = 4) FROM 'median (.*)$')) AS tooltip_whole
FROM fx_f;

-- A title is kept to 1000 characters (cut with an ellipsis), however long.
SELECT length(pg_temp.unescape((xpath('/s:svg/s:title/text()', xmlparse(document svg),
                                      ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text)) AS title_chars,
       length(svg) < 20000 AS bounded
FROM (SELECT funnel_svg(f, jsonb_build_object('title', repeat('é<', 500000))) AS svg FROM fx_f) x;

-- handoff_svg of a histogram: a bar per bin, the bins up to the SLA in the
-- "within" colour, a line at the SLA, the share within it.
INSERT INTO pictures
SELECT 'handoffs', handoff_svg(ROW('24 hours', 100, 70,
    ARRAY['1 min', '5 min', '15 min', '30 min', '1 hour', '2 hours', '4 hours', '8 hours', '24 hours',
          '2 days', '3 days', '7 days', '14 days', '30 days', NULL]::interval[],
    ARRAY[5, 5, 10, 10, 10, 10, 10, 5, 5, 10, 5, 5, 5, 3, 2]::bigint[])::handoff_histogram,
    '{"colors": {"within": "#0a0", "breached": "#a00"}}');
SELECT cardinality(pg_temp.attrs(svg, 'rect', 'align-bin', 'x')) AS bins,
       pg_temp.attrs(svg, 'rect', 'align-bin', 'fill') AS fills,
       pg_temp.texts(svg, 'align-share') AS share,
       cardinality(pg_temp.attrs(svg, 'line', 'align-sla', 'x1')) AS sla_lines
FROM pictures WHERE name = 'handoffs';
-- ... and of the aggregate's result over events: a bar per bin, as high
-- as its count over the largest, and the share within the SLA, against
-- plain SQL's gaps (lag() over each lead's rows, at each change of team).
CREATE TEMP TABLE hand AS
SELECT g % 40 AS lead, timestamptz '2026-01-01' + (g * g % 997) * interval '13 minutes' AS at,
       (ARRAY['marketing', 'sales', 'success'])[1 + (g * 7 + g / 3) % 3] AS team
FROM generate_series(1, 1200) g;
INSERT INTO pictures
SELECT 'handoffs from rows', handoff_svg(handoff_histogram(lead, at, team, interval '24 hours')) FROM hand;
WITH gaps AS (
    SELECT at - lag(at) OVER w AS gap, team IS DISTINCT FROM lag(team) OVER w AND lag(team) OVER w IS NOT NULL AS handoff
    FROM hand WINDOW w AS (PARTITION BY lead ORDER BY at, team)),
plain AS (
    SELECT count(*) AS handoffs, count(*) FILTER (WHERE gap <= interval '24 hours') AS within FROM gaps WHERE handoff)
SELECT p.handoffs, p.within,
       pg_temp.texts(svg, 'align-share') = ARRAY[format('%s%% of %s handoffs within the 24 h SLA',
                                                    round(100.0 * p.within / p.handoffs, 1), to_char(p.handoffs, 'FM999,990'))]
           AS share_equal,
       cardinality(pg_temp.attrs(svg, 'rect', 'align-bin', 'height'))
           = (SELECT array_length((handoff_histogram(lead, at, team, interval '24 hours')).bin_upper, 1) FROM hand)
           AS one_bar_per_bin
FROM plain p, pictures WHERE name = 'handoffs from rows';
SELECT array_agg(abs(b.h - 176.0 * c / (SELECT max(m) FROM unnest(x.counts) m)) <= 0.05 ORDER BY o)
           AS heights_proportional
FROM pictures p,
     LATERAL (SELECT (handoff_histogram(lead, at, team, interval '24 hours')).counts FROM hand) x,
     unnest(pg_temp.attrs(p.svg, 'rect', 'align-bin', 'height')::numeric[], x.counts) WITH ORDINALITY AS b(h, c, o)
WHERE p.name = 'handoffs from rows';
INSERT INTO pictures
SELECT 'no handoffs', handoff_svg(ROW('4 hours', 0, 0, '{}', '{}')::handoff_histogram);
SELECT pg_temp.texts(svg, 'align-empty') AS empty_text FROM pictures WHERE name = 'no handoffs';

-- A histogram no aggregate could have made: 22023 saying what is wrong.
SELECT h AS histogram, pg_temp.error_of(format('SELECT handoff_svg(%s::handoff_histogram)', h)) AS error
FROM unnest(ARRAY[
    $h$ROW('1 hour', NULL, 0, '{}', '{}')$h$,
    $h$ROW('1 hour', 2, 3, ARRAY['1 hour', NULL]::interval[], '{1,1}')$h$,
    $h$ROW('1 hour', 2, 1, ARRAY['1 hour', NULL]::interval[], '{1,1,0}')$h$,
    $h$ROW('1 hour', 2, 1, ARRAY['1 hour', '2 hours']::interval[], '{1,1}')$h$,
    $h$ROW('1 hour', 2, 1, ARRAY['2 hours', '1 hour', NULL]::interval[], '{1,0,1}')$h$,
    $h$ROW('1 hour', 2, 1, ARRAY['30 min', NULL]::interval[], '{1,1}')$h$,
    $h$ROW('1 hour', 3, 1, ARRAY['1 hour', NULL]::interval[], '{1,1}')$h$,
    $h$ROW('1 hour', 2, 2, ARRAY['1 hour', NULL]::interval[], '{1,1}')$h$,
    $h$ROW('1 hour', 0, 0, ARRAY['1 hour', NULL]::interval[], '{-1,1}')$h$,
    $h$ROW(NULL, 2, 1, ARRAY['1 hour', NULL]::interval[], '{1,1}')$h$,
    $h$ROW('-1 hour', 2, 1, ARRAY['-1 hour', NULL]::interval[], '{1,1}')$h$,
    $h$ROW('1 hour', 1, 0, '{}', '{}')$h$,
    $h$ROW('1 hour', 2, 1, '{{1 hour},{NULL}}'::interval[], '{{1},{1}}')$h$]) h;
SELECT handoff_svg(ROW('1 hour', 2, 1, ARRAY['30 min', NULL]::interval[], '{1,1}')::handoff_histogram);

-- Every picture of this test is well-formed XML to xmllint too.
\pset format unaligned
\pset tuples_only on
\o results/svg_pictures.xml
SELECT '<pictures>' || string_agg(svg, '' ORDER BY name) || '</pictures>' FROM pictures;
\o
\pset format aligned
\pset tuples_only off
SELECT count(*) AS pictures FROM pictures;
\! xmllint --noout results/svg_pictures.xml && echo 'xmllint: every picture is well-formed'

-- The same bytes in every database encoding (last: it leaves this session):
-- LATIN1 (converted), and SQL_ASCII, whose bytes are read as UTF-8, anything else as U+FFFD.
SELECT md5(funnel_svg(funnel(l, s::lead_stage, t), jsonb_build_object('title', E'Caf\xc3\xa9 \xc3\xbf <x>'))) AS utf8_md5
FROM (VALUES (1, 'lead', timestamptz '2026-01-01'), (1, 'mql', '2026-01-02'), (2, 'sql', '2026-01-03')) v(l, s, t) \gset
\set main_db :DBNAME
CREATE DATABASE svg_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE svg_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c svg_latin1
CREATE EXTENSION align;
SELECT md5(funnel_svg(funnel(l, s::lead_stage, t), jsonb_build_object('title', E'Caf\xe9 \xff <x>'))) = :'utf8_md5'
       AS latin1_same
FROM (VALUES (1, 'lead', timestamptz '2026-01-01'), (1, 'mql', '2026-01-02'), (2, 'sql', '2026-01-03')) v(l, s, t);
\c svg_sql_ascii
CREATE EXTENSION align;
SELECT md5(funnel_svg(funnel(l, s::lead_stage, t), jsonb_build_object('title', E'Caf\xc3\xa9 \xc3\xbf <x>'))) = :'utf8_md5'
       AS sql_ascii_same
FROM (VALUES (1, 'lead', timestamptz '2026-01-01'), (1, 'mql', '2026-01-02'), (2, 'sql', '2026-01-03')) v(l, s, t);
CREATE TYPE bytes_stage AS ENUM ('a', E'b\xff\xfe<c>');
SELECT position('>b&#xFFFD;&#xFFFD;&lt;c&gt;<' IN funnel_svg(funnel(l, s, t))) > 0 AS invalid_bytes_as_fffd
FROM (VALUES (1, 'a'::bytes_stage, timestamptz '2026-01-01'), (1, E'b\xff\xfe<c>', '2026-01-02')) v(l, s, t);
\c :main_db
DROP DATABASE svg_latin1;
DROP DATABASE svg_sql_ascii;
