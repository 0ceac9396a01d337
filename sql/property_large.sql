-- Property tests (issue 11) at a larger size: 20,000 ordinary leads
-- (about 90,000 rows), so that the aggregates take their large-input paths
-- (handoff_summary and stage_stays keep their rows in lists per bucket of
-- the lead hash past 65,536 rows and sort one bucket at a time; funnels
-- grow their lead index many times), against the same model as the other
-- property tests.  Serial plans: in a parallel plan each worker would see
-- only a fraction of the rows.
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;

\set prop_leads 20000
\set ECHO none
\i sql/include/property_data.sql
\i sql/include/property_model.sql
\set ECHO all
SELECT count(*) AS events, count(DISTINCT n) AS leads FROM prop_ev;

-- a few kinds of lead key and owner, two windows
DELETE FROM m_kinds WHERE keys NOT IN ('bigint', 'text');
DELETE FROM m_windows WHERE wname NOT IN ('none', '3 days');
DELETE FROM m_hs_kinds WHERE keys NOT IN ('keys: bigint', 'keys: text', 'owners: enum');
DO $$ BEGIN PERFORM pg_temp.m_compute('n'); END $$;

\set ECHO none
\i sql/include/property_funnels.sql
\set ECHO all
SELECT * FROM pg_temp.check_funnels();
\set ECHO none
\i sql/include/property_summaries.sql
\set ECHO all

DROP TABLE prop_groups, prop_ev;
