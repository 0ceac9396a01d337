-- The extension's catalogue: every member function carries the volatility,
-- strictness and parallel label it should; types, operators, operator
-- classes, casts and comments exist.
BEGIN;
SELECT plan(23);

-- members of the extension, by kind
CREATE TEMP VIEW align_functions AS
SELECT p.oid, p.oid::regprocedure::text AS signature, p.provolatile, p.proisstrict,
       p.proparallel, p.prokind
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'align';

SELECT has_type('lead_stage', 'type lead_stage exists');
SELECT is((SELECT typlen::int FROM pg_type WHERE typname = 'lead_stage'), 1, 'lead_stage is one byte');
SELECT ok((SELECT typbyval FROM pg_type WHERE typname = 'lead_stage'), 'lead_stage is passed by value');

SELECT is_empty($$SELECT signature FROM align_functions
                  WHERE proparallel <> CASE WHEN signature LIKE 'align_concrete_aggregates(%' THEN 'u' ELSE 's' END$$,
                'every align function is PARALLEL SAFE, but align_concrete_aggregates (it runs DDL)');
SELECT is_empty($$SELECT signature FROM align_functions
                  WHERE prokind = 'f' AND signature NOT LIKE 'funnel_%' AND signature NOT LIKE 'window_%'
                    AND provolatile <> CASE WHEN signature LIKE 'align_concrete_aggregates(%'
                                                 OR signature = 'ladder_outcome_guard()' THEN 'v'
                                            WHEN signature LIKE '%anyenum%' OR signature LIKE 'align_%'
                                                 OR signature LIKE 'enum\_%'
                                                 OR signature ~ '^handoff_state_(in|out|recv|send)\('
                                                 OR signature ~ '^pipeline_(trans|final)\('
                                                 OR signature = 'attribution_final(internal)'
                                                 OR signature = 'try_stage(text,anyelement)'
                                                 OR signature LIKE 'ladder\_outcome\_valid(%'
                                            THEN 's' ELSE 'i' END$$,
                'every plain align function over stages is IMMUTABLE, STABLE where it reads an enum''s labels (ladder_outcome''s check too), a setting (pipeline''s grid: TimeZone) or a type name (attribution''s channels, printed by their type), VOLATILE where it runs DDL (or is a trigger)');
SELECT is_empty($$SELECT signature FROM align_functions
                  WHERE prokind = 'f' AND NOT proisstrict AND signature LIKE 'lead_stage%'$$,
                'every lead_stage support function is STRICT');
SELECT is_empty($$SELECT f.signature FROM align_functions f
                  WHERE NOT EXISTS (SELECT 1 FROM pg_description c
                                    WHERE c.objoid = f.oid AND c.classoid = 'pg_proc'::regclass)$$,
                'every function and aggregate has a COMMENT');

SELECT ok(EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
                  WHERE c.opcname = 'lead_stage_ops' AND a.amname = 'btree'
                    AND c.opcdefault AND c.opcintype = 'lead_stage'::regtype),
          'lead_stage_ops is the default btree operator class');
SELECT ok(EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
                  WHERE c.opcname = 'lead_stage_hash_ops' AND a.amname = 'hash'
                    AND c.opcdefault AND c.opcintype = 'lead_stage'::regtype),
          'lead_stage_hash_ops is the default hash operator class');
SELECT has_cast('text', 'lead_stage', 'cast text -> lead_stage');
SELECT is((SELECT castcontext::text FROM pg_cast
           WHERE castsource = 'lead_stage'::regtype AND casttarget = 'text'::regtype),
          'a', 'lead_stage -> text is an assignment cast');

SELECT is((SELECT count(*)::int FROM lead_stages()), 12, 'lead_stages() returns 12 rows');
SELECT results_eq($$SELECT stage::text FROM lead_stages()$$,
                  ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer',
                        'evangelist', 'recycled', 'disqualified', 'lost', 'other'],
                  'lead_stages() is in sort order');

-- the work_calendar type: a varlena with a default hash operator class (GROUP BY, DISTINCT)
SELECT is((SELECT typlen::int FROM pg_type WHERE typname = 'work_calendar'), -1, 'work_calendar is a varlena');
SELECT ok(EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
                  WHERE c.opcname = 'work_calendar_hash_ops' AND a.amname = 'hash'
                    AND c.opcdefault AND c.opcintype = 'work_calendar'::regtype),
          'work_calendar_hash_ops is the default hash operator class');

-- the funnel type and its aggregates
SELECT has_type('funnel', 'type funnel exists');
SELECT is((SELECT typlen::int FROM pg_type WHERE typname = 'funnel'), -1, 'funnel is a varlena');
SELECT has_cast('funnel', 'jsonb', 'cast funnel -> jsonb');
SELECT is_empty($$SELECT a.aggfnoid::regprocedure::text
                  FROM pg_aggregate a JOIN align_functions f ON f.oid = a.aggfnoid
                  WHERE a.aggcombinefn = 0$$,
                'every align aggregate has a combine function');
SELECT is_empty($$SELECT a.aggfnoid::regprocedure::text
                  FROM pg_aggregate a JOIN align_functions f ON f.oid = a.aggfnoid
                  WHERE a.aggtranstype = 'internal'::regtype
                    AND (a.aggserialfn = 0 OR a.aggdeserialfn = 0)$$,
                'every align aggregate with an internal state can serialize it');
SELECT set_eq($$SELECT p.proname::text FROM align_functions f JOIN pg_proc p ON p.oid = f.oid
                WHERE f.prokind = 'w'$$,
              ARRAY['handoff_gap', 'time_in_stage', 'sla_breached', 'handoff_count',
                    'handoff_gap_hours', 'time_in_stage_hours', 'engagement_score'],
              'the handoff-gap functions and engagement_score''s window form are WINDOW functions');
SELECT set_eq($$SELECT DISTINCT p.proname::text FROM align_functions f JOIN pg_proc p ON p.oid = f.oid
                WHERE f.prokind = 'a'$$,
              ARRAY['min', 'max', 'funnel', 'funnel_as_of', 'rollup', 'window_funnel', 'handoff_summary', 'handoff_histogram',
                    'stage_stays', 'pipeline', 'stages_at', 'attribution', 'engagement_score'],
              'the aggregates');

-- the pictures: text from their arguments alone
SELECT set_eq($$SELECT signature || ' ' || provolatile::text || ' ' || proisstrict::text FROM align_functions
                WHERE signature LIKE '%\_svg(%'$$,
              ARRAY['funnel_svg(funnel,jsonb) i true', 'handoff_svg(handoff_histogram,jsonb) i true'],
              'funnel_svg and handoff_svg are IMMUTABLE and STRICT');

SELECT * FROM finish();
ROLLBACK;
