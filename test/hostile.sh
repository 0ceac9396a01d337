#!/usr/bin/env bash
# Hostile schemas: an unprivileged role ("mallory") plants look-alikes of
# built-in names (=, <, lower, count, ...) and of align's own names
# (stage_rank, funnel_final, rollup, =(lead_stage, lead_stage), ...) in a
# schema "evil" that a superuser's search_path lists first, even before
# pg_catalog; each look-alike writes a marker row when called.
#   1. CREATE EXTENSION align, run by that superuser, calls none of them;
#   2. every align function, aggregate, operator, cast, window function and
#      I/O path (test/hostile/workload.sql, binary COPY), run by that
#      superuser, calls none of them;
#   3. a control: the same superuser calling the names unqualified does hit
#      the traps, so the test is not vacuous;
#   4. mallory, given CREATE on the schema the extension goes into,
#      pre-creates an object with an align name: CREATE EXTENSION fails
#      instead of adopting it.
#
#   bash test/hostile.sh
#
# With ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster in PGHOST.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages
    align_build
    align_start
fi
HOSTILE=$ALIGN_ROOT/test/hostile
db=align_hostile
export PGOPTIONS='-c client_min_messages=warning'
hostile_path="-c search_path=evil,pg_catalog,public -c client_min_messages=warning"
status=0
fail() { echo "hostile: $*"; status=1; }
as_super() { align_psql -d $db "$@"; }
as_super_hostile() { PGOPTIONS=$hostile_path align_psql -d $db "$@"; }
as_mallory() { align_psql -d $db -U mallory "$@"; }
marker() { as_super -At -c "SELECT coalesce(string_agg(DISTINCT fn, ', '), '') FROM evil.marker"; }

align_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS mallory" \
    -c "CREATE ROLE mallory LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" -c "CREATE DATABASE $db" >/dev/null
as_super -c 'CREATE SCHEMA evil AUTHORIZATION mallory' -c 'CREATE SCHEMA shared' \
    -c 'GRANT CREATE ON SCHEMA shared TO mallory' >/dev/null
as_mallory -c 'GRANT USAGE ON SCHEMA evil TO PUBLIC' -f "$HOSTILE/plant_builtin.sql" >/dev/null

# 1. CREATE EXTENSION under the hostile search_path
as_super_hostile -c 'CREATE EXTENSION align SCHEMA public' >/dev/null || fail "CREATE EXTENSION failed"
hit=$(marker)
[ -z "$hit" ] || fail "CREATE EXTENSION called planted functions: $hit"

# 2. every align function under the hostile search_path
as_mallory -f "$HOSTILE/plant_align.sql" >/dev/null
as_super_hostile -f "$HOSTILE/workload.sql" >/dev/null || fail "the workload failed"
PGOPTIONS=$hostile_path psql -X -q -d $db -c '\copy public.stored TO STDOUT (FORMAT binary)' |
    PGOPTIONS=$hostile_path psql -X -q -v ON_ERROR_STOP=1 -d $db -c '\copy public.copied FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of funnels failed"
PGOPTIONS=$hostile_path psql -X -q -d $db -c '\copy (SELECT stage FROM public.ev) TO STDOUT (FORMAT binary)' |
    PGOPTIONS=$hostile_path psql -X -q -v ON_ERROR_STOP=1 -d $db -c '\copy public.copied_stages FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of stages failed"
PGOPTIONS=$hostile_path psql -X -q -d $db -c '\copy public.calendars TO STDOUT (FORMAT binary)' |
    PGOPTIONS=$hostile_path psql -X -q -v ON_ERROR_STOP=1 -d $db -c '\copy public.copied_calendars FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of calendars failed"
PGOPTIONS=$hostile_path psql -X -q -d $db -c '\copy public.stored_pipeline TO STDOUT (FORMAT binary)' |
    PGOPTIONS=$hostile_path psql -X -q -v ON_ERROR_STOP=1 -d $db -c '\copy public.copied_pipelines FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of pipelines failed"
PGOPTIONS=$hostile_path psql -X -q -d $db -c '\copy public.stored_attribution TO STDOUT (FORMAT binary)' |
    PGOPTIONS=$hostile_path psql -X -q -v ON_ERROR_STOP=1 -d $db -c '\copy public.copied_attributions FROM STDIN (FORMAT binary)' \
    || fail "binary COPY of attributions failed"
as_super_hostile -c 'ALTER EXTENSION align UPDATE' >/dev/null || fail "ALTER EXTENSION UPDATE failed"
hit=$(marker)
[ -z "$hit" ] || fail "align called planted functions: $hit"

# the workload must name every align function, except those only reachable
# through an aggregate, a parallel plan, binary COPY (exercised above) or a
# trigger (ladder_outcome_guard: the workload writes ladder_outcome)
missing=$(as_super -At -c "
    SELECT string_agg(DISTINCT p.proname, ', ')
    FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'align'
    WHERE p.proname !~ '(_trans|_combine|_serialize|_deserialize|_recv|_support|_guard|window_funnel_final|window_funnel_enum_final|handoff_summary_final|handoff_histogram_final|stage_stays_final|pipeline_final|stages_at_final|attribution_final)$'
      AND position('public.' || p.proname || '(' IN \$w\$$(cat "$HOSTILE/workload.sql")\$w\$) = 0")
[ -z "$missing" ] || fail "test/hostile/workload.sql does not call: $missing"
calls=$(grep -oE 'public\.[a-z_]+\(' "$HOSTILE/workload.sql" | wc -l)

# 3. control: unqualified names do reach the traps
as_super_hostile -At -c "SELECT lower('X'), 'a'::text = 'a', stage_rank('mql'::public.lead_stage)" \
    -c "SELECT count(*) FROM public.ev" >/dev/null
control=$(marker)
for trap in lower '= text' stage_rank 'count(*)'; do
    case ", $control, " in *", $trap, "*) ;; *) fail "control: the planted $trap was not called (got: $control)" ;; esac
done
as_super -c 'DELETE FROM evil.marker' >/dev/null

# 4. pre-created objects with align names make CREATE EXTENSION fail (a
# non-superuser cannot create a shell or base type, so these are the ways in)
adopted=0
while IFS= read -r plant; do
    [ -n "$plant" ] || continue
    as_mallory -c "$plant" >/dev/null || { fail "mallory could not run: $plant"; continue; }
    if err=$(as_super_hostile -c 'CREATE EXTENSION align SCHEMA shared' 2>&1 >/dev/null); then
        fail "CREATE EXTENSION adopted mallory's object: $plant"
        as_super -c 'DROP EXTENSION align CASCADE' >/dev/null
        adopted=$((adopted + 1))
    elif ! grep -q 'already exists' <<<"$err"; then
        fail "CREATE EXTENSION failed for another reason after: $plant: $err"
    fi
    as_mallory -c 'DROP OWNED BY mallory' -c 'GRANT USAGE ON SCHEMA evil TO PUBLIC' >/dev/null 2>&1 || true
    as_super -c 'DROP SCHEMA shared CASCADE' -c 'CREATE SCHEMA shared' -c 'GRANT CREATE ON SCHEMA shared TO mallory' >/dev/null
done <<'EOF'
CREATE TYPE shared.lead_stage AS ENUM ('mql')
CREATE TYPE shared.funnel AS (x int)
CREATE TABLE shared.funnel (x int)
CREATE DOMAIN shared.lead_stage AS text
CREATE FUNCTION shared.lead_stages() RETURNS SETOF record LANGUAGE sql AS 'SELECT NULL::record'
EOF
planted=$(cat "$HOSTILE"/plant_*.sql | grep -c 'evil\.trap(')

align_psql -d postgres -c "DROP DATABASE $db" -c "DROP ROLE mallory" >/dev/null
if [ "$status" -eq 0 ]; then
    echo "hostile: PASS: $((planted - 1)) planted look-alikes; CREATE EXTENSION and $calls align calls, binary COPY and ALTER EXTENSION UPDATE under search_path evil, pg_catalog, public called none (control: unqualified calls did); 5 pre-created align names made CREATE EXTENSION fail"
else
    echo "hostile: FAIL"
fi
exit "$status"
