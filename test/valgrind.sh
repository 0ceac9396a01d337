#!/usr/bin/env bash
# The whole pg_regress suite once with the server under valgrind memcheck
# (every backend, parallel worker and auxiliary process: postgres forks
# without exec, and --trace-children=yes follows anything it execs).
# Debian's PostgreSQL is not built with USE_VALGRIND, so memcheck sees
# malloc'd blocks, not palloc chunks: it reports reads and writes outside
# what the server malloc'd or mapped, uses of uninitialised memory, and bad
# frees.  The script counts only reports whose stack passes through align.so
# (PostgreSQL's own are listed separately) and fails on any.
#
#   bash test/valgrind.sh          (about 20 to 60 minutes; do not edit this
#                                   script while it runs: bash reads it as it goes)
#
# Regression diffs under valgrind are printed but do not fail the run: the
# timing-based checks (statement_timeout) are slower under valgrind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

align_packages valgrind
private="${TMPDIR:-/tmp}/align-private-$(printf %s "$ALIGN_ROOT" | md5sum | cut -c1-8)"
# pg_regress runs in a copy of the tree, so that a run in the checkout is not disturbed
copy=$(mktemp -d "${TMPDIR:-/tmp}/align-valgrind-tree.XXXXXX")
cp -r "$ALIGN_ROOT/Makefile" "$ALIGN_ROOT/align.control" "$ALIGN_ROOT/src" "$ALIGN_ROOT/sql" \
    "$ALIGN_ROOT/expected" "$ALIGN_ROOT/test" "$copy/"
align_build_private "$private" "$copy"
export PGBIN
ALIGN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/align-valgrind.XXXXXX")
export ALIGN_TMP
chmod 755 "$ALIGN_TMP"
vglogs=$ALIGN_TMP/vg
mkdir -p "$vglogs"
[ "$(id -u)" -ne 0 ] || chown -R postgres: "$ALIGN_TMP"
export PGUSER=$ALIGN_SUPERUSER
cleanup() {
    if [ -n "${vgpid:-}" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$ALIGN_TMP/data" -m immediate -w -t 120 stop >/dev/null 2>&1 || true
    fi
    [ -n "${KEEP:-}" ] || rm -rf "$ALIGN_TMP" "$copy"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
as_owner "$PGBIN/initdb" -D "$ALIGN_TMP/data" -U "$PGUSER" -A trust --no-sync -E UTF8 --locale=C >/dev/null
say "starting the server under valgrind (logs in $vglogs)"
as_owner valgrind --quiet --trace-children=yes --track-origins=no --leak-check=no \
    --read-var-info=no --error-limit=no --num-callers=30 \
    --suppressions="$ALIGN_ROOT/test/valgrind/align.supp" --log-file="$vglogs/%p.log" \
    "$PGBIN/postgres" -D "$ALIGN_TMP/data" -c listen_addresses= -c unix_socket_directories="$ALIGN_TMP" \
    -c port=5432 -c fsync=off -c max_worker_processes=8 -c max_parallel_workers=4 \
    -c autovacuum=off -c statement_timeout=0 >"$ALIGN_TMP/server.log" 2>&1 &
vgpid=$!
export PGHOST=$ALIGN_TMP PGPORT=5432 PGDATABASE=postgres
export PATH="$PGBIN:$PATH"
for _ in $(seq 1 300); do
    pg_isready -q && break
    sleep 1
done
pg_isready -q || { cat "$ALIGN_TMP/server.log"; echo "valgrind: FAIL: the server did not start"; exit 1; }

say "pg_regress under valgrind"
start=$(date +%s)
if make -C "$copy" -s installcheck PG_CONFIG="$PG_CONFIG"; then
    regress="all regression tests passed"
else
    regress="some regression tests differ (see above)"
    echo "valgrind: regression diffs (timing checks are expected to differ under valgrind):"
    head -60 "$copy/regression.diffs" 2>/dev/null
fi
elapsed=$(( $(date +%s) - start ))
as_owner "$PGBIN/pg_ctl" -D "$ALIGN_TMP/data" -m fast -w -t 300 stop >/dev/null 2>&1 || true
wait "$vgpid" 2>/dev/null || true
vgpid=

# split the logs into error reports; keep those that pass through align.so
awk -v out="$ALIGN_TMP/align_errors.txt" -v other="$ALIGN_TMP/other_errors.txt" '
    function flush() { if (block != "") { print block > (block ~ /align\.so|\/src\/[a-z_]+\.c/ ? out : other) } block = "" }
    /^==[0-9]+== $/ { flush(); next }
    /^==[0-9]+== / { block = block $0 "\n" }
    END { flush() }' "$vglogs"/*.log
: >>"$ALIGN_TMP/align_errors.txt"
: >>"$ALIGN_TMP/other_errors.txt"
processes=$(ls "$vglogs" | wc -l)
align_errors=$(grep -cE '^==[0-9]+== [A-Z]' "$ALIGN_TMP/align_errors.txt" || true)
invalid=$(grep -cE '^==[0-9]+== Invalid (read|write|free)' "$ALIGN_TMP/align_errors.txt" || true)
other=$(grep -cE '^==[0-9]+== [A-Z]' "$ALIGN_TMP/other_errors.txt" || true)
echo "valgrind: $regress; $processes processes in ${elapsed} s"
echo "valgrind: $align_errors reports through align.so ($invalid invalid reads/writes/frees); $other elsewhere in PostgreSQL"
if [ "$align_errors" -gt 0 ]; then
    head -100 "$ALIGN_TMP/align_errors.txt"
    echo "valgrind: FAIL"
    exit 1
fi
echo "valgrind: PASS: no memcheck report in align code"
