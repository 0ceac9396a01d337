#!/usr/bin/env bash
# SQLsmith (Debian package sqlsmith) against a database holding align data:
# stage columns, stored funnels (lead_stage and enum), a materialized view and
# views (test/upgrade/stored.sql) plus a sample CRM export, queried by an
# unprivileged role for a fixed number of random queries.  The server must
# never lose a backend to a signal.
#
#   bash test/sqlsmith.sh [--queries N] [--seed N]     (default 20000, seed 1)
#
# Standalone, it builds align into a private PostgreSQL copy and starts its
# own cluster; with ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster
# in PGHOST, whose server log is $ALIGN_TMP/server.log.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

queries=20000
seed=1
while [ $# -gt 0 ]; do
    case $1 in
        --queries) queries=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) echo "usage: $0 [--queries N] [--seed N]" >&2; exit 2 ;;
    esac
done

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages sqlsmith
    align_build_private "${TMPDIR:-/tmp}/align-private-$(printf %s "$ALIGN_ROOT" | md5sum | cut -c1-8)"
    align_start
fi
command -v sqlsmith >/dev/null || align_packages sqlsmith
server_log=$ALIGN_TMP/server.log
db=align_sqlsmith
role=align_smith
work=$(mktemp -d "${TMPDIR:-/tmp}/align-sqlsmith.XXXXXX")
trap 'rm -rf "$work"; [ "${ALIGN_USE_RUNNING:-}" = 1 ] || align_stop' EXIT
export PGOPTIONS='-c client_min_messages=warning'

align_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $role" \
    -c "CREATE ROLE $role LOGIN NOSUPERUSER" -c "ALTER ROLE $role SET statement_timeout = '5s'" \
    -c "CREATE DATABASE $db" >/dev/null
align_psql -d $db -c 'CREATE EXTENSION align' -f "$ALIGN_ROOT/test/upgrade/stored.sql" >/dev/null
align_psql -d $db -v leads=1000 -f "$ALIGN_ROOT/test/data/generate.sql" >/dev/null
align_psql -d $db >/dev/null <<'EOF'
CREATE TABLE stage_events AS
SELECT lead_id, stage_label::lead_stage AS stage, changed_at AS at, owner FROM crm_stage_history;
CREATE TABLE funnel_scratch AS SELECT * FROM daily_funnel;   -- writable: INSERT/UPDATE of funnels
CREATE VIEW daily_report AS
SELECT day, s.* FROM daily_funnel, funnel_steps(f) s;
EOF
align_psql -d $db -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role" \
    -c "GRANT ALL ON funnel_scratch TO $role" >/dev/null

log_start=$(wc -c <"$server_log")
say "sqlsmith: $queries queries, seed $seed, as $role"
start=$(date +%s)
set +e
sqlsmith --target="host=$PGHOST port=$PGPORT dbname=$db user=$role" --max-queries="$queries" \
    --seed="$seed" --exclude-catalog --verbose --dump-all-queries >"$work/queries.sql" 2>"$work/sqlsmith.err"
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))

status=0
tail -c +"$((log_start + 1))" "$server_log" >"$work/server.log"
if grep -qE 'terminated by signal|was terminated by|exited with exit code [^01]' "$work/server.log"; then
    status=1
    echo "sqlsmith: a backend died:"
    grep -E -A2 'terminated by signal|was terminated by|exited with exit code' "$work/server.log" | head -20
fi
if ! psql -X -q -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    status=1
    echo "sqlsmith: the server is down"
fi
if [ "$rc" -ne 0 ]; then
    status=1
    echo "sqlsmith: sqlsmith exited with $rc:"
    tail -20 "$work/sqlsmith.err"
fi

ran=$(grep -c ';$' "$work/queries.sql" || true)
names=$(align_psql -d $db -At -c "
    SELECT string_agg(DISTINCT p.proname, '|')
    FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'align'")
align_calls=$(grep -oE "public\.($names)\(" "$work/queries.sql" | wc -l)
align_queries=$(awk -v RS=';\n' -v re="public\\\\.($names)\\\\(" '$0 ~ re { n++ } END { print n + 0 }' "$work/queries.sql")
distinct=$(grep -oE "public\.($names)\(" "$work/queries.sql" | sort -u | wc -l)
error_rate=$(grep -oE 'error rate: [0-9.]+' "$work/sqlsmith.err" | tail -1)

align_psql -d postgres -c "DROP DATABASE $db" -c "DROP ROLE $role" >/dev/null
echo "sqlsmith: $ran queries in ${elapsed} s ($align_queries calling $distinct distinct align functions $align_calls times; ${error_rate:-error rate unknown})"
if [ "$status" -eq 0 ]; then
    echo "sqlsmith: PASS: no backend terminated by a signal"
else
    echo "sqlsmith: FAIL"
fi
exit "$status"
