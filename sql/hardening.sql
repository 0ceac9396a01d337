-- Hardening: regression tests for the bugs that the fuzzers, SQLsmith, the
-- sanitizers and code review of issue 6 found, each added before its fix.
-- Overflow and interrupt behaviour on hostile or huge funnels lives here too.
\set SHOW_CONTEXT never

-- A lead_stage funnel's text form with the given reached and lost counts.
CREATE FUNCTION pg_temp.funnel_text(reached text, lost text,
                                    known text DEFAULT '[0, 0, 0, 0, 0, 0, 0, 0]') RETURNS text
LANGUAGE sql AS $$
SELECT format('{"version": 1, "vocabulary": "lead_stage", "stages": 8, "within_seconds": null, '
              '"reached": %s, "known": %s, "recycled": [0, 0, 0, 0, 0, 0, 0, 0], '
              '"disqualified": [0, 0, 0, 0, 0, 0, 0, 0], "lost": %s, "times": {}}',
              reached, known, lost)
$$;

-- Counts near 2^63: rolling a funnel up with itself must fail cleanly
-- (22003), never wrap around.
SELECT rollup(f) FROM (SELECT pg_temp.funnel_text('[9223372036854775000, 0, 0, 0, 0, 0, 0, 0]',
                                                  '[0, 0, 0, 0, 0, 0, 0, 0]')::funnel
                       FROM generate_series(1, 2)) AS t(f);
\i sql/include/sqlstate_of.sql
-- the same as an SQLSTATE, and with the copies rolled up in two steps
SELECT pg_temp.sqlstate_of($$
    SELECT rollup(f) FROM (SELECT pg_temp.funnel_text('[9223372036854775000, 0, 0, 0, 0, 0, 0, 0]',
                                                      '[0, 0, 0, 0, 0, 0, 0, 0]')::funnel
                           FROM generate_series(1, 2)) AS t(f)$$) AS one_step,
       pg_temp.sqlstate_of($$
    SELECT rollup(r) FROM (SELECT rollup(x) FROM (SELECT pg_temp.funnel_text('[9223372036854775000, 0, 0, 0, 0, 0, 0, 0]',
                                                                             '[0, 0, 0, 0, 0, 0, 0, 0]')::funnel) AS one(x)) AS t(r),
                          generate_series(1, 2)$$) AS two_steps;
-- one copy is fine, and reads back exactly
SELECT reached(pg_temp.funnel_text('[9223372036854775807, 0, 0, 0, 0, 0, 0, 0]',
                                   '[0, 0, 0, 0, 0, 0, 0, 0]')::funnel, 'subscriber');
-- a count past 2^63 - 1 is rejected on input
SELECT pg_temp.funnel_text('[9223372036854775808, 0, 0, 0, 0, 0, 0, 0]',
                           '[0, 0, 0, 0, 0, 0, 0, 0]')::funnel;

-- Bug: reached(f, outcome) added up the exits of every stage without a
-- bound, so a crafted funnel whose exits sum past 2^63 read back negative.
-- A lead exits at most once per outcome, so the exits of one outcome never
-- exceed the leads at the top of the funnel: such input is corrupt.
SELECT reached(pg_temp.funnel_text('[4611686018427387904, 4611686018427387904, 4611686018427387904, 0, 0, 0, 0, 0]',
                                   '[4611686018427387904, 4611686018427387904, 4611686018427387904, 0, 0, 0, 0, 0]')::funnel,
               'lost');
-- exits spread over stages but within the top count are fine
SELECT reached(pg_temp.funnel_text('[10, 8, 6, 0, 0, 0, 0, 0]', '[3, 3, 4, 0, 0, 0, 0, 0]')::funnel, 'lost');
SELECT reached(pg_temp.funnel_text('[10, 8, 6, 0, 0, 0, 0, 0]', '[3, 4, 4, 0, 0, 0, 0, 0]')::funnel, 'lost');

-- Bug: window_funnel subtracted event times without an overflow check, so
-- a step at +infinity after an entry at -infinity wrapped around to "inside
-- the window".  Since issue 13 infinite times are outside align's one time
-- range, in window_funnel as in funnel: an error (22008), never "inside".
SELECT window_funnel('1 day', at, s)
FROM (VALUES (timestamptz '-infinity', 'subscriber'::lead_stage),
             ('infinity', 'customer')) AS v(at, s);
SELECT window_funnel('1 day', at, s)
FROM (VALUES (timestamptz '2026-01-01', 'subscriber'::lead_stage),
             ('infinity', 'customer')) AS v(at, s);

-- Bug: a window of a million years overflowed microseconds and was
-- reported as negative.  A window longer than int64 microseconds is
-- unlimited.
SELECT window_funnel('1000000 years', at, s)
FROM (VALUES (timestamptz '2026-01-01', 'subscriber'::lead_stage),
             ('2026-01-03', 'customer')) AS v(at, s);
SELECT window_funnel('2147483647 days 2147483647 hours', at, s)
FROM (VALUES (timestamptz '2026-01-01', 'subscriber'::lead_stage),
             ('2026-01-03', 'customer')) AS v(at, s);
SELECT window_funnel('-1 day', at, s)
FROM (VALUES (timestamptz '2026-01-01', 'subscriber'::lead_stage)) AS v(at, s);

-- Bug: a confidence just below 1 made the normal quantile infinite and the
-- Wilson interval {NaN,NaN}.  An infinitely wide interval is {0,1}.
SELECT conversion_interval(funnel(s), 'lead', 'mql', 0.9999999999999999)
FROM (VALUES ('mql'::lead_stage), ('lead')) AS v(s);
SELECT conversion_interval(funnel(s), 'lead', 'mql', 1e-300)
FROM (VALUES ('mql'::lead_stage), ('lead')) AS v(s);

-- Interrupts: statement_timeout cancels work on a huge funnel promptly, with
-- SQLSTATE 57014.  The funnel below has 400000 open leads (built as binary
-- input: version 1, lead_stage, no window, zero counts, no pairs, then per
-- lead a hash and 11 slots), stored uncompressed so that the time goes to
-- align's own loops, not to TOAST decompression.
CREATE TABLE huge (f funnel);
ALTER TABLE huge ALTER f SET STORAGE external;
DO $$
DECLARE
    path text := current_setting('data_directory') || '/align_hardening_huge.bin';
BEGIN
    EXECUTE format($q$COPY (SELECT '\x01000803'::bytea || int8send(0) || decode(repeat('00', 8 * 40), 'hex')
                                   || int4send(0) || int8send(400000)
                                   || string_agg(int8send(i * 2654435761) || int4send(-1359079296)
                                                 || decode(repeat('00', 40), 'hex'), ''::bytea ORDER BY i)
                           FROM generate_series(1, 400000) AS i) TO %L (FORMAT binary)$q$, path);
    EXECUTE format('COPY huge FROM %L (FORMAT binary)', path);
    EXECUTE format('COPY (SELECT 1 WHERE false) TO %L', path);
END $$;
SELECT pg_column_size(f) > 20000000 AS big FROM huge;
-- Every statement below takes far longer than the timeout.
\i sql/include/cancelled.sql
SET statement_timeout = '30ms';
\set q 'SELECT reached(rollup(f), ''mql'') FROM huge, generate_series(1, 3)'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
\set q 'SELECT length(f::text) FROM huge'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
\set q 'SELECT length(funnel_send(f)) FROM huge'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
\set q 'SELECT reached(f, ''mql''), conversion(f, ''lead'', ''sql'') FROM huge, generate_series(1, 3)'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
-- (funnel_steps closes the 400,000 open leads once per call, tens of ms:
-- called once per row of the series, so that the statement outlasts the timeout)
\set q 'SELECT count(*) FROM huge, generate_series(1, 20) g, LATERAL funnel_steps(CASE WHEN g > 0 THEN f END)'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
\set q 'SELECT funnel(i, ''mql''::lead_stage, now())::text FROM generate_series(1, 5000000) AS i'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
\set q 'SELECT window_funnel(''1 day'', now() + i * interval ''1 second'', ''mql''::lead_stage) FROM generate_series(1, 5000000) AS i'
SELECT pg_temp.cancelled(:'q') AS r \gset
SELECT CASE WHEN :'r' = 'finished' THEN pg_temp.cancelled(:'q') ELSE :'r' END AS cancelled;
RESET statement_timeout;
-- and it was a valid funnel: closing its leads counts them
SELECT reached(rollup(f), 'subscriber') AS leads, reached(rollup(f), 'lead') AS reached_lead FROM huge;
