#!/usr/bin/env bash
# SQL-level fuzzer of align's input paths (funnel, lead_stage and
# work_calendar, text and binary COPY) and of every accessor on whatever parses: see fuzz.sql.
#
#   bash test/fuzz/fuzz.sh [--seconds N] [--execs N] [--seed N]
#
# Defaults: 600 seconds, no execution limit, seed 1.  Stops at the first
# crashed backend or hang (statement_timeout), replays the failing chunk with
# tracing, saves the input under test/fuzz/crashes/ and exits 1.  Invariant
# findings (round trips that differ, accessors that fail on a valid funnel,
# executions slower than 5 s) and internal errors (XX000) also fail the run.
#
# Standalone, it builds align into a private PostgreSQL copy and starts its
# own cluster; with ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster
# in PGHOST, whose server log is $ALIGN_TMP/server.log.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

FUZZ_DIR=$ALIGN_ROOT/test/fuzz
budget_seconds=600
budget_execs=2000000000
seed=1
chunk=250
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) budget_seconds=$2; shift 2 ;;
        --execs) budget_execs=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds N] [--execs N] [--seed N]" >&2; exit 2 ;;
    esac
done

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages
    align_build_private "${TMPDIR:-/tmp}/align-private-$(printf %s "$ALIGN_ROOT" | md5sum | cut -c1-8)"
    align_start
fi
server_log=$ALIGN_TMP/server.log
db=align_fuzz

# Says whether the server is up and has not lost a backend to a signal.
server_ok() {
    psql -X -q -d postgres -c 'SELECT 1' >/dev/null 2>&1 &&
        ! grep -qE 'terminated by signal|was terminated by|server process .* exited with exit code [^0]' "$server_log"
}

say "fuzz: loading the corpus"
align_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
align_psql -d $db -c 'CREATE EXTENSION align' -f "$FUZZ_DIR/fuzz.sql" >/dev/null
{
    for f in "$FUZZ_DIR"/corpus/funnel/*.json; do
        printf "INSERT INTO fuzz.corpus_funnel_text VALUES ('%s', '%s');\n" \
            "$(basename "$f" .json)" "$(sed "s/'/''/g" "$f")"
    done
    for f in "$FUZZ_DIR"/corpus/funnel/*.bin; do
        printf "INSERT INTO fuzz.corpus_funnel_bin VALUES ('%s', '\\\\x%s');\n" \
            "$(basename "$f" .bin)" "$(od -An -v -tx1 "$f" | tr -d ' \n')"
    done
    while IFS= read -r label; do
        printf "INSERT INTO fuzz.corpus_stage_text VALUES ('%s');\n" "${label//\'/\'\'}"
    done <"$FUZZ_DIR/corpus/stage/labels.txt"
    for f in "$FUZZ_DIR"/corpus/stage/*.bin; do
        printf "INSERT INTO fuzz.corpus_stage_bin VALUES ('\\\\x%s');\n" "$(od -An -v -tx1 "$f" | tr -d ' \n')"
    done
    for f in "$FUZZ_DIR"/corpus/calendar/*.txt; do
        printf "INSERT INTO fuzz.corpus_calendar VALUES ('%s', '\\\\x%s');\n" "$(sed "s/'/''/g" "$f")" \
            "$(od -An -v -tx1 "${f%.txt}.bin" | tr -d ' \n')"
    done
} | align_psql -d $db >/dev/null
# every seed must be valid input
align_psql -d $db -At -c "SELECT count(body::funnel) FROM fuzz.corpus_funnel_text" \
    -c "SELECT count(body::lead_stage) FROM fuzz.corpus_stage_text" \
    -c "SELECT count(body::work_calendar) FROM fuzz.corpus_calendar" >/dev/null

server_ok || { echo "fuzz: FAIL: the server is not healthy before fuzzing"; exit 1; }

say "fuzz: seed $seed, budget $budget_seconds s / $budget_execs executions"
start=$(date +%s.%N)
counts=$(mktemp)
k=0
execs=0
status=0
while :; do
    now=$(date +%s.%N)
    left=$(awk -v a="$start" -v b="$now" -v t="$budget_seconds" 'BEGIN { printf "%.3f", t - (b - a) }')
    awk -v l="$left" 'BEGIN { exit !(l <= 0) }' && break
    [ "$execs" -ge "$budget_execs" ] && break
    n=$(( budget_execs - execs < chunk ? budget_execs - execs : chunk ))
    # setseed takes [-1, 1]: spread (seed, chunk) over it
    s=$(awk -v a="$seed" -v k="$k" 'BEGIN { printf "%.9f", ((a * 7919 + k * 104729) % 1999993) / 1000000 - 1 }')
    if ! out=$(psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d $db \
                   -c "SET statement_timeout = '120s'" \
                   -c "SELECT * FROM fuzz.run($s, $n, $left)" 2>&1) || ! server_ok; then
        status=1
        say "fuzz: chunk $k (setseed $s) failed: replaying it with tracing"
        echo "$out" | tail -5
        sleep 2
        trace=$(psql -X -q -d $db -c "SET statement_timeout = '120s'" \
                    -c "SELECT * FROM fuzz.run($s, $n, 1e9, true)" 2>&1 || true)
        mkdir -p "$FUZZ_DIR/crashes"
        saved="$FUZZ_DIR/crashes/seed-$seed-chunk-$k.txt"
        printf '%s\n' "$trace" | grep -E '^NOTICE:  (funnel|stage) ' | tail -1 >"$saved"
        printf '%s\n' "$trace" | tail -5
        if grep -qE 'server closed the connection|connection to server was lost|statement timeout' <<<"$trace"; then
            echo "fuzz: the replay failed too; its last input is saved in $saved:"
        else
            echo "fuzz: the replay did not fail (not reproducible from the seed); its last input is in $saved:"
        fi
        cut -c1-2000 "$saved"
        grep -E 'terminated by signal|was terminated' "$server_log" | tail -3 || true
        break
    fi
    printf '%s\n' "$out" >>"$counts"
    execs=$(( execs + $(printf '%s\n' "$out" | awk '{ s += $2 } END { print s + 0 }') ))
    k=$(( k + 1 ))
done
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

summary=$(awk '{ c[$1] += $2 } END { for (k in c) printf "%s=%d ", k, c[k] }' "$counts")
# an internal error (XX000: elog(ERROR), "cache lookup failed", ...) is a bug too
if grep -qE '^XX000 ' "$counts"; then
    status=1
    echo "fuzz: some inputs ended in an internal error (XX000); replay with --seed $seed to find them"
fi
rm -f "$counts"
findings=$(psql -X -q -At -d $db -c "SELECT kind || ': ' || left(detail, 200) || ' <- ' || left(input, 300) FROM fuzz.findings" 2>&1 || true)
if [ -n "$findings" ]; then
    status=1
    echo "fuzz: findings:"
    printf '%s\n' "$findings" | head -20
fi
echo "fuzz: $execs executions in $elapsed s (outcomes: ${summary:-none})"
if [ "$status" -eq 0 ]; then
    echo "fuzz: PASS: every input ended in a value or a clean error; no crash, no hang"
else
    echo "fuzz: FAIL"
fi
exit "$status"
