-- Text stages on an enum funnel (issue 13, item 8): every accessor that
-- takes a stage reads text as one of the labels the funnel keeps of its
-- enum, as written or ignoring white space around it, case, spaces, "_"
-- and "-".  Every text call equals the call with the enum's values, and
-- reached, conversion and time_to_convert equal plain SQL over the rows.
-- A label that names no stage, or two, is an error naming the labels.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

\i sql/include/sqlstate_of.sql

-- A CRM ladder built with ADD VALUE BEFORE/AFTER (sort order is not OID order)
CREATE TYPE crm_stage AS ENUM ('MQL', 'Closed Won');
ALTER TYPE crm_stage ADD VALUE 'SQL' BEFORE 'Closed Won';
ALTER TYPE crm_stage ADD VALUE 'Sales Accepted' BEFORE 'SQL';
ALTER TYPE crm_stage ADD VALUE 'Opportunity' BEFORE 'Closed Won';
ALTER TYPE crm_stage ADD VALUE 'Closed Lost' AFTER 'Closed Won';
CREATE TEMP VIEW crm_ladder AS
SELECT v, label, rank::int AS rank
FROM unnest(enum_range(NULL::crm_stage)) WITH ORDINALITY AS u(v, rank), LATERAL (SELECT v::text AS label) l;
SELECT * FROM crm_ladder ORDER BY rank;

-- 3000 leads climbing 1 to 6 stages at whole-second times, some at a NULL
-- time, some entering a later stage before an earlier one
SELECT setseed(0.23);
CREATE TABLE ct_events AS
SELECT lead_id, (enum_range(NULL::crm_stage))[1 + k] AS stage,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE timestamptz '2026-02-01' + date_trunc('second', (k + random() - 0.15) * interval '3 days') END AS at
FROM generate_series(1, 3000) lead_id, LATERAL generate_series(0, floor(random() * 6 + lead_id * 0)::int) k;
CREATE TABLE ct_f AS SELECT funnel(lead_id, stage, at) AS f FROM ct_events;

-- the spellings an analyst may type for each label
CREATE TEMP VIEW ct_spellings AS
SELECT d.v, d.rank, sp
FROM crm_ladder d,
     LATERAL unnest(ARRAY[d.label, lower(d.label), upper(d.label), replace(d.label, ' ', '_'),
                          '  ' || d.label || ' ', replace(lower(d.label), ' ', '-'),
                          replace(d.label, ' ', '')]) AS sp;
SELECT count(*) AS spellings, count(DISTINCT sp) AS distinct_spellings FROM ct_spellings;

-- every accessor, every pair of spellings, against the call with enum values
SELECT 'reached' AS accessor, count(*) AS checked,
       count(*) FILTER (WHERE reached(f, a.sp) IS DISTINCT FROM reached(f, a.v)) AS mismatches
FROM ct_f, ct_spellings a
UNION ALL
SELECT 'conversion', count(*),
       count(*) FILTER (WHERE conversion(f, a.sp, b.sp) IS DISTINCT FROM conversion(f, a.v, b.v))
FROM ct_f, ct_spellings a JOIN ct_spellings b ON a.rank <= b.rank
UNION ALL
SELECT 'conversion_interval', count(*),
       count(*) FILTER (WHERE conversion_interval(f, a.sp, b.sp) IS DISTINCT FROM conversion_interval(f, a.v, b.v)
                           OR conversion_interval(f, a.sp, b.sp, 0.8) IS DISTINCT FROM conversion_interval(f, a.v, b.v, 0.8))
FROM ct_f, ct_spellings a JOIN ct_spellings b ON a.rank <= b.rank
UNION ALL
SELECT 'conversion_bounds', count(*),
       count(*) FILTER (WHERE conversion_bounds(f, a.sp, b.sp) IS DISTINCT FROM conversion_bounds(f, a.v, b.v))
FROM ct_f, ct_spellings a JOIN ct_spellings b ON a.rank <= b.rank
UNION ALL
SELECT 'time_to_convert', count(*),
       count(*) FILTER (WHERE time_to_convert(f, a.sp, b.sp, q) IS DISTINCT FROM time_to_convert(f, a.v, b.v, q)
                           OR time_to_convert_days(f, a.sp, b.sp, q) IS DISTINCT FROM time_to_convert_days(f, a.v, b.v, q))
FROM ct_f, ct_spellings a JOIN ct_spellings b ON a.rank <= b.rank, unnest(ARRAY[0, 0.5, 0.9, 1]) q
UNION ALL
SELECT 'time_sample', count(*),
       count(*) FILTER (WHERE time_sample(f, a.sp, b.sp) IS DISTINCT FROM time_sample(f, a.v, b.v))
FROM ct_f, ct_spellings a JOIN ct_spellings b ON a.rank <= b.rank
ORDER BY accessor;

-- against plain SQL: a lead reached a stage if it has an event there or at
-- a later stage; it entered a stage at its earliest known time there
CREATE TEMP VIEW ct_plain_reached AS
SELECT d.label, d.rank, count(*) FILTER (WHERE l.top >= d.rank) AS reached
FROM crm_ladder d,
     (SELECT lead_id, max(array_position(enum_range(NULL::crm_stage), stage)) AS top
      FROM ct_events GROUP BY lead_id) l
GROUP BY d.label, d.rank;
CREATE TEMP VIEW ct_plain_entered AS
SELECT lead_id, stage::text AS label, min(at) AS at FROM ct_events GROUP BY 1, 2;
SELECT p.label, p.reached, reached(f, lower(p.label)) = p.reached AS same_reached
FROM ct_f, ct_plain_reached p ORDER BY p.rank;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE conversion(f, replace(a.label, ' ', '_'), upper(b.label))
                              IS DISTINCT FROM b.reached::float8 / nullif(a.reached, 0)) AS conversion_mismatches
FROM ct_f, ct_plain_reached a JOIN ct_plain_reached b ON a.rank <= b.rank;
-- time to convert: percentile_disc over the leads that entered both at
-- known times, the later not earlier, within the sketch's 1 %
SELECT a.label AS from_stage, b.label AS to_stage, q AS fraction,
       p.secs IS NOT NULL AS timed,
       abs(extract(epoch FROM time_to_convert(f, lower(a.label), ' ' || b.label, q)) - p.secs) <= 0.01 * p.secs
           AS within_1_percent
FROM ct_f, crm_ladder a JOIN crm_ladder b ON a.rank + 1 = b.rank, unnest(ARRAY[0.5, 0.9]) q,
     LATERAL (SELECT percentile_disc(q) WITHIN GROUP (ORDER BY extract(epoch FROM eb.at - ea.at)) AS secs
              FROM ct_plain_entered ea JOIN ct_plain_entered eb USING (lead_id)
              WHERE ea.label = a.label AND eb.label = b.label AND eb.at >= ea.at) p
ORDER BY a.rank, q;

-- the funnel's own labels: read back from its text form (names only), and
-- after RENAME VALUE the labels it recorded when it was built
SELECT reached(f::text::funnel, 'closed won') = reached(f, 'Closed Won'::crm_stage) AS from_text_form,
       conversion(f::text::funnel, 'mql', 'Closed_Won') = conversion(f, 'MQL'::crm_stage, 'Closed Won'::crm_stage)
           AS conversion_from_text_form
FROM ct_f;
ALTER TYPE crm_stage RENAME VALUE 'Opportunity' TO 'Deal';
SELECT reached(f, 'opportunity') = reached(f, 'Deal'::crm_stage) AS recorded_label FROM ct_f;
SELECT reached(f, 'Deal') FROM ct_f;
ALTER TYPE crm_stage RENAME VALUE 'Deal' TO 'Opportunity';

-- a lead_stage funnel keeps lead_stage's rule (names and aliases)
CREATE TEMP TABLE ct_ls AS
SELECT funnel(lead_id, (ARRAY['mql', 'sal', 'sql', 'opportunity', 'customer', 'lost']::lead_stage[])
                       [array_position(enum_range(NULL::crm_stage), stage)], at) AS f
FROM ct_events;
SELECT reached(f, 'Closed Won') = reached(f, 'customer'::lead_stage) AS alias_of_customer,
       reached(f, 'Closed Lost') = reached(f, 'lost'::lead_stage) AS alias_of_lost
FROM ct_ls;

-- errors: a label the ladder does not have, or an empty one (22P02); a
-- lead_stage name on an enum funnel (22P02); text that two labels match
-- once case, spaces, "_" and "-" are ignored (22023, written exactly it
-- names its own); text on an enum funnel stored by align 0.1.0, which
-- kept no labels (42804); NULL is NULL (the accessors are strict)
CREATE TYPE twin_stage AS ENUM ('closed won', 'Closed_Won', 'paid');
CREATE TEMP TABLE ct_twin AS
SELECT funnel(l, s, timestamptz '2026-01-01' + l * interval '1 day') AS f
FROM (VALUES (1, 'closed won'::twin_stage), (2, 'Closed_Won'), (2, 'paid'), (3, 'paid')) v(l, s);
SELECT stmt, pg_temp.sqlstate_of(stmt)
FROM unnest(ARRAY[
    $$SELECT reached(f, 'Closed') FROM ct_f$$,
    $$SELECT reached(f, '') FROM ct_f$$,
    $$SELECT reached(f, ' - ') FROM ct_f$$,
    $$SELECT conversion(f, 'mql', 'customer') FROM ct_f$$,
    $$SELECT time_to_convert(f, 'MQL', 'won', 0.5) FROM ct_f$$,
    $$SELECT time_sample(f, 'sal', 'SQL') FROM ct_f$$,
    $$SELECT conversion(f, 'SQL', 'MQL') FROM ct_f$$,
    $$SELECT reached(f, 'CLOSED WON') FROM ct_twin$$,
    $$SELECT conversion_bounds(f, 'closedwon', 'paid') FROM ct_twin$$,
    $$SELECT reached('{"version": 1, "vocabulary": "enum", "stages": 5, "within_seconds": null, "reached": [2, 1, 1, 0, 0], "known": [2, 1, 1, 0, 0], "times": {}}'::funnel, 'q')$$
]) AS stmt;
SELECT reached(f, 'customer') FROM ct_f;
SELECT reached(f, 'CLOSED WON') FROM ct_twin;
SELECT reached('{"version": 1, "vocabulary": "enum", "stages": 5, "within_seconds": null, "reached": [2, 1, 1, 0, 0], "known": [2, 1, 1, 0, 0], "times": {}}'::funnel, 'q');
SELECT reached(f, 'closed won') AS exact_lower, reached(f, 'Closed_Won') AS exact_upper,
       reached(f, ' Paid ') AS paid, reached(f, NULL::text) AS null_stage
FROM ct_twin;

SET client_min_messages = warning;
DROP TABLE ct_events, ct_f CASCADE;
DROP TYPE crm_stage, twin_stage CASCADE;
RESET client_min_messages;
