-- Run by a superuser with -v role=NAME: everything role NAME may do or owns,
-- one line each, sorted, so that test/trusted.sh can compare it before and
-- after the role installs, updates, uses and drops align.
SET client_min_messages = warning;
-- its attributes and role memberships (either way)
SELECT 'role ' || pg_catalog.concat_ws(' ', rolsuper, rolinherit, rolcreaterole, rolcreatedb,
                                      rolcanlogin, rolreplication, rolbypassrls)
FROM pg_catalog.pg_roles WHERE rolname = :'role'
UNION ALL
SELECT 'member ' || m.roleid::regrole || ' <- ' || m.member::regrole || ' ' || m.admin_option
FROM pg_catalog.pg_auth_members m
WHERE m.member = :'role'::regrole OR m.roleid = :'role'::regrole
-- what it owns and what was granted to it, in this database and shared
UNION ALL
SELECT CASE d.deptype WHEN 'o' THEN 'owns ' ELSE 'granted on ' END ||
       pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
FROM pg_catalog.pg_shdepend d
WHERE d.refclassid = 'pg_catalog.pg_authid'::regclass AND d.refobjid = :'role'::regrole
  AND d.dbid IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))
-- its effective privileges on every database, schema and table
UNION ALL
SELECT 'database ' || datname || ' ' ||
       pg_catalog.concat_ws(',', pg_catalog.has_database_privilege(:'role', oid, 'CREATE'),
                            pg_catalog.has_database_privilege(:'role', oid, 'CONNECT'),
                            pg_catalog.has_database_privilege(:'role', oid, 'TEMP'))
FROM pg_catalog.pg_database
UNION ALL
SELECT 'schema ' || nspname || ' ' ||
       pg_catalog.concat_ws(',', pg_catalog.has_schema_privilege(:'role', oid, 'CREATE'),
                            pg_catalog.has_schema_privilege(:'role', oid, 'USAGE'))
FROM pg_catalog.pg_namespace
UNION ALL
SELECT 'table ' || c.oid::regclass || ' ' ||
       pg_catalog.concat_ws(',', pg_catalog.has_table_privilege(:'role', c.oid, 'SELECT'),
                            pg_catalog.has_table_privilege(:'role', c.oid, 'INSERT'),
                            pg_catalog.has_table_privilege(:'role', c.oid, 'UPDATE'),
                            pg_catalog.has_table_privilege(:'role', c.oid, 'DELETE'),
                            pg_catalog.has_table_privilege(:'role', c.oid, 'TRUNCATE'))
FROM pg_catalog.pg_class c
WHERE c.relkind IN ('r', 'v', 'm', 'p') AND c.relnamespace <> 'pg_catalog'::regnamespace
  AND c.relnamespace <> 'information_schema'::regnamespace
ORDER BY 1;
