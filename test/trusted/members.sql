-- Run by a superuser: every member of extension align with its owner, and
-- the extension's own owner, one line each ("none" for objects that have no
-- owner, such as casts).
SET client_min_messages = warning;
SELECT pg_catalog.pg_describe_object(d.classid, d.objid, 0) || ' | ' ||
       coalesce(
           (CASE d.classid
                WHEN 'pg_catalog.pg_proc'::regclass THEN (SELECT proowner FROM pg_catalog.pg_proc WHERE oid = d.objid)
                WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT typowner FROM pg_catalog.pg_type WHERE oid = d.objid)
                WHEN 'pg_catalog.pg_operator'::regclass THEN (SELECT oprowner FROM pg_catalog.pg_operator WHERE oid = d.objid)
                WHEN 'pg_catalog.pg_opclass'::regclass THEN (SELECT opcowner FROM pg_catalog.pg_opclass WHERE oid = d.objid)
                WHEN 'pg_catalog.pg_opfamily'::regclass THEN (SELECT opfowner FROM pg_catalog.pg_opfamily WHERE oid = d.objid)
                WHEN 'pg_catalog.pg_class'::regclass THEN (SELECT relowner FROM pg_catalog.pg_class WHERE oid = d.objid)
            END)::regrole::text,
           CASE WHEN d.classid = 'pg_catalog.pg_cast'::regclass THEN 'none' ELSE 'UNKNOWN' END)
FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'align'
UNION ALL
SELECT 'extension align | ' || extowner::regrole FROM pg_catalog.pg_extension WHERE extname = 'align'
ORDER BY 1;
