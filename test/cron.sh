#!/usr/bin/env bash
# Scheduled refresh with pg_cron (README, "Scheduled refresh with pg_cron"):
# installs Debian's postgresql-15-cron, starts a throwaway cluster of its own
# with shared_preload_libraries = 'pg_cron' and cron.database_name, runs
# test/cron/setup.sql there (align, pg_cron, a stage history, the
# daily-funnel materialized view with its unique index, and a job that
# REFRESHes it CONCURRENTLY every minute: pg_cron 1.4, Debian's, has no
# second schedules), loads events (test/cron/events.sql), and checks
#   1. a successful run of the job, after which the view equals plain SQL
#      over the base table (test/cron/plain.sql: reached per day, channel
#      and stage, without align);
#   2. new events inserted after that run (new leads, and wins of leads
#      already there): a later successful run, after which the view has
#      changed and equals plain SQL again;
#   3. no run failed;
#   4. readers were never blocked: a reader reads the view in a loop the
#      whole time with lock_timeout 100ms and statement_timeout 5s, and no
#      read fails (a control: the same read fails while a plain, not
#      CONCURRENTLY, REFRESH holds the view).
# Waits are bounded polls of cron.job_run_details (a run is up to a minute
# away), failing clearly after 150 s; no sleep decides a result.  Takes
# about two minutes.
#
#   bash test/cron.sh
#
# With ALIGN_USE_RUNNING=1 (test/check.sh) it skips the build and runs the
# PostgreSQL binaries that psql in PATH comes with (test/check.sh's).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

align_packages postgresql-15-cron
if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_build
else
    PGBIN=$(dirname "$(command -v pg_ctl)")
fi
C=$ALIGN_ROOT/test/cron
work=$(mktemp -d "${TMPDIR:-/tmp}/align-cron.XXXXXX")
reader_pid=
cleanup() {
    [ -z "$reader_pid" ] || kill "$reader_pid" 2>/dev/null || true
    if [ -f "$work/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
user=$ALIGN_SUPERUSER
[ "$(id -u)" -ne 0 ] || chown postgres: "$work"
db=align_cron
cluster_init "$PGBIN" "$work" "$user"
cluster_start "$PGBIN" "$work" \
    "-c listen_addresses='' -c unix_socket_directories='$work' -c port=5432 -c fsync=off -c TimeZone=UTC \
     -c shared_preload_libraries=pg_cron -c cron.database_name=$db -c cron.use_background_workers=on \
     -c max_worker_processes=16" \
    || { tail -20 "$work/server.log" >&2; exit 1; }
cpsql() { PGHOST=$work PGPORT=5432 PGUSER=$user PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning' \
              "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
status=0
fail() { echo "cron: $*"; status=1; }

PGHOST=$work PGPORT=5432 PGUSER=$user "$PGBIN/psql" -X -q -d postgres -c "CREATE DATABASE $db"
cpsql -f "$C/setup.sql" >/dev/null
cpsql -v first=1 -v leads=20000 -f "$C/events.sql"
version=$(cpsql -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")

# the reader: reads the view until told to stop; a read that fails (lock
# or statement timeout, or anything else) is written to reader.failed
read_sql="SET lock_timeout = '100ms'; SET statement_timeout = '5s';
          SELECT count(*), sum(reached(f, 'mql')) FROM daily_funnels;"
(
    while [ ! -e "$work/reader.stop" ]; do
        if cpsql -At -c "$read_sql" >/dev/null 2>>"$work/reader.failed.log"; then
            echo ok >>"$work/reader.reads"
        else
            echo failed >>"$work/reader.failed"
        fi
        sleep 0.05   # pacing only: the machine is shared
    done
) &
reader_pid=$!

# Polls until the job has N successful runs that started after time SINCE
# (or any time); fails after 150 s.
#   wait_runs N [SINCE]
wait_runs() {
    local n=$1 since=${2:--infinity} got deadline=$((SECONDS + 150))
    while :; do
        got=$(cpsql -At -c "SELECT count(*) FROM cron.job_run_details
                            WHERE status = 'succeeded' AND start_time > '$since'::timestamptz")
        [ "$got" -ge "$n" ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            fail "timed out after 150 s waiting for $n successful run(s) of the job since $since (got $got); runs:"
            cpsql -c 'SELECT jobid, status, start_time, return_message FROM cron.job_run_details' >&2
            return 1
        fi
        sleep 1
    done
}

# 1. a first run, then the view equals plain SQL
start=$SECONDS
if wait_runs 1; then
    cpsql -At -f "$C/plain.sql" >"$work/view.1"
    cpsql -At -v plain=1 -f "$C/plain.sql" >"$work/plain.1"
    [ -s "$work/view.1" ] || fail "the view is empty after the first run"
    diff -u "$work/plain.1" "$work/view.1" >&2 || fail "after the first run the view differs from plain SQL"
fi

# 2. new events after it: new leads, and leads already there won
cpsql -v first=20001 -v leads=10000 -f "$C/events.sql"
cpsql -c "INSERT INTO stage_history
          SELECT lead_id, 'customer', max(at) + interval '1 day', min(channel)
          FROM stage_history WHERE lead_id <= 2000 GROUP BY lead_id"
inserted=$(cpsql -At -c 'SELECT clock_timestamp()')
if wait_runs 1 "$inserted"; then
    cpsql -At -f "$C/plain.sql" >"$work/view.2"
    cpsql -At -v plain=1 -f "$C/plain.sql" >"$work/plain.2"
    diff -u "$work/plain.2" "$work/view.2" >&2 || fail "after the run that followed the inserts the view differs from plain SQL"
    ! cmp -s "$work/view.1" "$work/view.2" || fail "the view did not change after the inserts"
fi
runs=$(cpsql -At -c "SELECT count(*) FROM cron.job_run_details WHERE status = 'succeeded'")
[ "$runs" -ge 2 ] || fail "$runs successful runs, not 2"

# 3. no failed run
failed=$(cpsql -At -c "SELECT string_agg(status || ': ' || coalesce(return_message, ''), '; ')
                       FROM cron.job_run_details WHERE status <> 'succeeded' AND status <> 'running'")
[ -z "$failed" ] || fail "runs that did not succeed: $failed"

# 4. the reader never failed
touch "$work/reader.stop"
wait "$reader_pid" || true
reader_pid=
reads=$(cat "$work/reader.reads" 2>/dev/null | wc -l)
if [ -s "$work/reader.failed" ]; then
    fail "$(wc -l <"$work/reader.failed") of the reader's reads failed:"$'\n'"$(sort "$work/reader.failed.log" | uniq -c)"
fi
[ "$reads" -gt 0 ] || fail "the reader read nothing"
# control: a plain REFRESH, holding its lock, does make that read fail
cpsql -c 'BEGIN' -c 'REFRESH MATERIALIZED VIEW daily_funnels' -c 'SELECT pg_sleep(30)' -c 'COMMIT' >/dev/null 2>&1 &
holder=$!
deadline=$((SECONDS + 30))
until [ "$(cpsql -At -c "SELECT count(*) FROM pg_locks WHERE relation = 'daily_funnels'::regclass AND mode = 'AccessExclusiveLock' AND granted")" -gt 0 ] \
      || [ "$SECONDS" -ge "$deadline" ]; do
    sleep 0.2
done
if err=$(cpsql -At -c "$read_sql" 2>&1); then
    fail "control: the read did not fail while a plain REFRESH held the view"
elif ! grep -q 'lock timeout' <<<"$err"; then
    fail "control: the read failed for another reason than the lock: $err"
fi
cpsql -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'" >/dev/null
wait "$holder" || true

if [ "$status" -eq 0 ]; then
    echo "cron: PASS: pg_cron $version refreshed daily_funnels CONCURRENTLY every minute ($runs successful runs, none failed, $((SECONDS - start)) s); after the first run and after the run that followed the events of 10,000 new leads and 2,000 wins the view equalled plain SQL over the base table ($(wc -l <"$work/view.2") day-channel rows, reached at 8 stages); $reads reads with lock_timeout 100ms never failed (control: a plain REFRESH made one fail)"
else
    echo "cron: FAIL"
fi
exit "$status"
