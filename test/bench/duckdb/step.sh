# test/bench/duckdb/step.sh: the DuckDB step of test/bench.sh (issue 12,
# part 3), sourced by it.  duckdb_step installs @duckdb/node-api into the
# run's temporary directory (nothing in the repository), writes align's
# answers and exports bench_events to CSV, and lets run.mjs load the events
# into an in-memory DuckDB with 2 threads, check DuckDB's answers against
# align's, and only then time both, alternately (align in a psql session
# with the default settings; TIMES groups duckdb and duckdb_align).
# Sets DUCKDB_STATUS: ok | skipped (...) | answers differ | failed (...); the
# report (test/bench/report.sh, duckdb_report) prints the table from it, and
# test/bench.sh exits non-zero after the report unless it is ok or skipped.

DUCKDB_PACKAGE=${DUCKDB_PACKAGE:-@duckdb/node-api@1.5.6-r.1}
DUCKDB_STATUS="skipped (--no-duckdb)"
# the metrics: label, align's query (the same answer, for the check and the timing)
DUCKDB_METRICS=("reached|$ALIGN_ROOT/test/bench/queries/m1_reached.align.sql"
                "mql_sql|$ALIGN_ROOT/test/bench/duckdb/mql_sql.align.sql"
                "steps|$ALIGN_ROOT/test/bench/duckdb/steps.align.sql")

duckdb_skip() {
    DUCKDB_STATUS="skipped ($1)"
    say "DuckDB comparison $DUCKDB_STATUS"
    raw "== duckdb: $DUCKDB_STATUS"
}

duckdb_step() {
    local d="$ALIGN_ROOT/test/bench/duckdb" dir="$WORK/duckdb" out rc t0 t1 spec label file miss aligns=()
    DUCKDB_START=$(date +%s)
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        duckdb_skip "node or npm not found"
        return 0
    fi
    if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
        duckdb_skip "node $(node --version) is older than 18"
        return 0
    fi
    mkdir -p "$dir/answers"
    say "installing $DUCKDB_PACKAGE into $dir"
    t0=$(date +%s.%N)
    if ! out=$(npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$DUCKDB_PACKAGE" 2>&1); then
        raw "$out"
        duckdb_skip "npm install $DUCKDB_PACKAGE failed: $(printf '%s\n' "$out" | grep -m1 -i 'err' || echo 'see the raw output')"
        return 0
    fi
    t1=$(date +%s.%N)
    raw "== duckdb: $DUCKDB_PACKAGE installed into a temporary directory in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

    # align's answers, from the same queries that are timed
    for spec in "${DUCKDB_METRICS[@]}"; do
        IFS='|' read -r label file <<<"$spec"
        miss=$(missing_functions "$file")
        if [ -n "$miss" ]; then
            DUCKDB_STATUS="failed (align lacks ${miss% })"
            say "DuckDB comparison $DUCKDB_STATUS"; raw "== duckdb: $DUCKDB_STATUS"
            return 0
        fi
        if ! out=$(psql -X -q --csv -v ON_ERROR_STOP=1 -f "$file" 2>&1 >"$dir/answers/$label.csv"); then
            DUCKDB_STATUS="failed (align's $label: $(printf '%s\n' "$out" | grep -m1 ERROR))"
            say "DuckDB comparison $DUCKDB_STATUS"; raw "== duckdb: $DUCKDB_STATUS"; raw "$out"
            return 0
        fi
        aligns+=(--align "$label=$file")
    done

    # the same rows: lead, stage label, time in whole seconds since the epoch
    # (align keeps whole seconds), in the table's order (time order)
    say "exporting bench_events for DuckDB"
    t0=$(date +%s.%N)
    if ! out=$(psql -X -q -v ON_ERROR_STOP=1 -c 'SET max_parallel_workers_per_gather = 0' \
            -c "COPY (SELECT lead_id, stage, floor(extract(epoch FROM at))::bigint FROM bench_events) TO STDOUT (FORMAT csv)" \
            2>&1 >"$dir/events.csv"); then
        DUCKDB_STATUS="failed (export: $(printf '%s\n' "$out" | grep -m1 ERROR))"
        say "DuckDB comparison $DUCKDB_STATUS"; raw "== duckdb: $DUCKDB_STATUS"
        return 0
    fi
    t1=$(date +%s.%N)
    raw "exported $(wc -l <"$dir/events.csv") rows ($(du -h "$dir/events.csv" | cut -f1)) to CSV in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

    # check, then time both
    say "DuckDB: loading, checking the answers against align's, timing"
    cp "$d/run.mjs" "$dir/run.mjs"
    : >"$dir/times.tsv"
    local reps=$(( REPS > 5 ? REPS : 5 ))
    rc=0
    out=$(cd "$dir" && node run.mjs --queries "$d" --events "$dir/events.csv" --answers "$dir/answers" \
              --reps "$reps" --times "$dir/times.tsv" "${aligns[@]}" 2>&1) || rc=$?
    raw "$out"
    case $rc in
        0) ;;
        3) DUCKDB_STATUS="answers differ"
           say "DUCKDB AND ALIGN GIVE DIFFERENT ANSWERS: nothing timed (see $RAW)"
           return 0 ;;
        *) DUCKDB_STATUS="failed (run.mjs exit $rc: $(printf '%s\n' "$out" | grep -m1 -i 'error' || true))"
           say "DuckDB comparison $DUCKDB_STATUS"
           return 0 ;;
    esac
    DUCKDB_VERSION=$(printf '%s\n' "$out" | sed -n 's/^DuckDB \(v[^ ]*\) .*/\1/p')
    cat "$dir/times.tsv" >>"$TIMES"
    DUCKDB_REPS=$reps
    DUCKDB_STATUS=ok
    raw "== duckdb: the step took $(( $(date +%s) - DUCKDB_START )) s"
}
