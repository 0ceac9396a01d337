-- Prints every object of the align extension with the properties that an
-- upgrade script must get right, one sorted line per object (or per
-- operator-class member): test/upgrade.sh diffs an updated database against
-- a fresh install.  Objects are found through their extension membership
-- (pg_depend, deptype 'e'); OIDs never appear, only names and signatures.
WITH members AS (
    SELECT d.classid, d.objid
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'align'
), lines AS (
    SELECT format('function %s returns %s%s: kind %s, volatile %s, strict %s, parallel %s, '
                  'security definer %s, leakproof %s, cost %s, rows %s, language %s, symbol %s, '
                  'library %s, arguments %s, defaults %s, search_path %s, support %s, comment %L',
                  p.oid::regprocedure, CASE WHEN p.proretset THEN 'setof ' ELSE '' END,
                  p.prorettype::regtype, p.prokind, p.provolatile, p.proisstrict, p.proparallel,
                  p.prosecdef, p.proleakproof, p.procost, p.prorows, l.lanname,
                  CASE WHEN l.lanname = 'c' THEN p.prosrc ELSE md5(p.prosrc) END, p.probin,
                  pg_get_function_arguments(p.oid), pg_get_expr(p.proargdefaults, 0), p.proconfig,
                  p.prosupport::regproc, obj_description(p.oid, 'pg_proc')) AS line
    FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    JOIN pg_language l ON l.oid = p.prolang
    UNION ALL
    SELECT format('aggregate %s: kind %s, direct args %s, transition %s, final %s, combine %s, '
                  'serial %s, deserial %s, moving %s/%s/%s, final extra %s, final modify %s, '
                  'sort operator %s, state %s, state space %s, initial %L',
                  a.aggfnoid::regprocedure, a.aggkind, a.aggnumdirectargs, a.aggtransfn::regprocedure,
                  a.aggfinalfn::regprocedure, a.aggcombinefn::regprocedure, a.aggserialfn::regprocedure,
                  a.aggdeserialfn::regprocedure, a.aggmtransfn::regprocedure, a.aggminvtransfn::regprocedure,
                  a.aggmfinalfn::regprocedure, a.aggfinalextra, a.aggfinalmodify,
                  a.aggsortop::regoperator, a.aggtranstype::regtype, a.aggtransspace, a.agginitval)
    FROM members m JOIN pg_aggregate a ON m.classid = 'pg_proc'::regclass AND a.aggfnoid = m.objid
    UNION ALL
    SELECT format('type %s: type %s, category %s, preferred %s, length %s, by value %s, align %s, '
                  'storage %s, input %s, output %s, receive %s, send %s, typmod %s/%s, analyze %s, '
                  'element %s, array %s, collatable %s, comment %L',
                  t.oid::regtype, t.typtype, t.typcategory, t.typispreferred, t.typlen, t.typbyval,
                  t.typalign, t.typstorage, t.typinput::regprocedure, t.typoutput::regprocedure,
                  t.typreceive::regprocedure, t.typsend::regprocedure, t.typmodin::regprocedure,
                  t.typmodout::regprocedure, t.typanalyze::regprocedure, t.typelem::regtype,
                  t.typarray::regtype, t.typcollation <> 0, obj_description(t.oid, 'pg_type'))
    FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    SELECT format('attribute %s.%s at %s: %s, dropped %s', t.oid::regtype, a.attname, a.attnum,
                  a.atttypid::regtype, a.attisdropped)
    FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0
    UNION ALL
    SELECT format('enum value %s.%s at %s', t.oid::regtype, e.enumlabel,
                  rank() OVER (PARTITION BY t.oid ORDER BY e.enumsortorder))
    FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    JOIN pg_enum e ON e.enumtypid = t.oid
    UNION ALL
    SELECT format('operator %s returns %s: function %s, commutator %s, negator %s, restrict %s, '
                  'join %s, merges %s, hashes %s, comment %L',
                  o.oid::regoperator, o.oprresult::regtype, o.oprcode::regprocedure,
                  o.oprcom::regoperator, o.oprnegate::regoperator, o.oprrest::regprocedure,
                  o.oprjoin::regprocedure, o.oprcanmerge, o.oprcanhash,
                  obj_description(o.oid, 'pg_operator'))
    FROM members m JOIN pg_operator o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
    UNION ALL
    SELECT format('cast %s -> %s: function %s, context %s, method %s, comment %L',
                  c.castsource::regtype, c.casttarget::regtype, c.castfunc::regprocedure,
                  c.castcontext, c.castmethod, obj_description(c.oid, 'pg_cast'))
    FROM members m JOIN pg_cast c ON m.classid = 'pg_cast'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT format('operator class %s using %s for %s: default %s, family %s, key type %s',
                  c.opcname, am.amname, c.opcintype::regtype, c.opcdefault, f.opfname,
                  c.opckeytype::regtype)
    FROM members m JOIN pg_opclass c ON m.classid = 'pg_opclass'::regclass AND c.oid = m.objid
    JOIN pg_am am ON am.oid = c.opcmethod JOIN pg_opfamily f ON f.oid = c.opcfamily
    UNION ALL
    SELECT format('operator family %s using %s: operator %s %s (%s, %s) purpose %s',
                  f.opfname, am.amname, ao.amopstrategy, ao.amopopr::regoperator,
                  ao.amoplefttype::regtype, ao.amoprighttype::regtype, ao.amoppurpose)
    FROM members m JOIN pg_opfamily f ON m.classid = 'pg_opfamily'::regclass AND f.oid = m.objid
    JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_amop ao ON ao.amopfamily = f.oid
    UNION ALL
    SELECT format('operator family %s using %s: function %s %s (%s, %s)',
                  f.opfname, am.amname, ap.amprocnum, ap.amproc::regprocedure,
                  ap.amproclefttype::regtype, ap.amprocrighttype::regtype)
    FROM members m JOIN pg_opfamily f ON m.classid = 'pg_opfamily'::regclass AND f.oid = m.objid
    JOIN pg_am am ON am.oid = f.opfmethod JOIN pg_amproc ap ON ap.amprocfamily = f.oid
    UNION ALL
    SELECT format('member of class %s: %s', m.classid::regclass, pg_describe_object(m.classid, m.objid, 0))
    FROM members m
    WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_type'::regclass, 'pg_operator'::regclass,
                            'pg_cast'::regclass, 'pg_opclass'::regclass, 'pg_opfamily'::regclass)
)
SELECT line FROM lines ORDER BY line COLLATE "C";
