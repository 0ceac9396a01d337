-- The setting that runs a whole statement inside a parallel worker:
-- PostgreSQL 16 renamed force_parallel_mode to debug_parallel_query.  Its
-- name for this server goes to the psql variable debug_parallel (SET
-- :debug_parallel = on) and to the setting regress.debug_parallel, for
-- PL/pgSQL (set_config(current_setting('regress.debug_parallel'), ...)).
SELECT set_config('regress.debug_parallel',
                  CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END,
                  false) AS debug_parallel \gset
