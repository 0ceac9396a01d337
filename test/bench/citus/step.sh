# test/bench/citus/step.sh: the Citus step of test/bench.sh (issue 12,
# part 3), sourced by it.  citus_step builds Citus and starts a coordinator
# and two workers on 127.0.0.1 (test/citus/cluster.sh, as test/citus.sh
# does), loads the benchmark's bench_events into two distributed tables, one
# by the lead (by_lead.bench_events) and one by a shuffled event id
# (by_event.bench_events: a lead's events on several shards), and for every
# aggregate of the plans table and its metric's plain SQL, in both layouts:
# checks the answer against the single node's, records whether the plan
# pushes the work to the workers (EXPLAIN VERBOSE) and the bytes the
# coordinator receives per lead (EXPLAIN ANALYZE), then times the queries
# alternately in one coordinator session (TIMES groups citus_<metric>).
# Sets CITUS_STATUS: ok | skipped (...) | answers differ | failed (...); the
# report (test/bench/report.sh, citus_report) prints the rows, and
# test/bench.sh exits non-zero after the report unless it is ok or skipped.

source "$ALIGN_ROOT/test/citus/cluster.sh"

CITUS_STATUS="skipped (--no-citus)"
# metric (its single-node TIMES group), the aggregate, its query, the label of
# that query's single-node timing, and what a shard query of the plain SQL
# computes when the plan pushes it down (a regular expression)
CITUS_METRICS=("m1_reached|funnel|m1_reached.align.sql|align|max\("
               "m4_handoff|handoff_summary|m4_handoff.sortfree.sql|sortfree| OVER "
               "m3_time_in_stage|stage_stays|m3_time_in_stage.sortfree.sql|sortfree| OVER "
               "m6_window_funnel|window_funnel|m6_window_funnel.align.sql|align| OVER ")
CITUS_LAYOUTS=(by_lead by_event)
declare -A CITUS_LAYOUT_NAME=([by_lead]="by lead" [by_event]="by event id")
declare -A CITUS_DIST_COLUMN=([by_lead]=lead_id [by_event]=event_id)
# per row, "metric|form|layout" (form: plain, align, or count: count(*) over
# the table, Citus' floor, with metric 1): ok | answers differ |
# error (...); pushed down | pulled to coordinator; bytes per lead
declare -A CITUS_ROW CITUS_PLAN CITUS_BYTES

# Records that the step did not run (the reason in $1).
citus_skip() {
    CITUS_STATUS="skipped ($1)"
    say "Citus $CITUS_STATUS"
    raw "== citus: $CITUS_STATUS"
}

# Records that the step failed (why in $1).
citus_failed() {
    CITUS_STATUS="failed ($1)"
    say "Citus step $CITUS_STATUS"
    raw "== citus: $CITUS_STATUS"
}

# The first error message in file $1 (its first line when none says ERROR).
citus_error() { { grep -m1 'ERROR' "$1" || head -1 "$1"; } | sed 's/^.*ERROR: *//'; }

# Loads bench_events from the benchmark's server into the two layouts, in the
# table's order, with the covering index of test/bench/setup.sql.
citus_load() {
    local file=$CITUS_DIR/events.copy layout
    # the shuffled event id as in test/citus/setup.sql: row_number() over the
    # md5 of the row's position
    psql -X -q -v ON_ERROR_STOP=1 -c 'SET max_parallel_workers_per_gather = 0' \
        -c "COPY (SELECT row_number() OVER (ORDER BY md5(n::text)), lead_id, stage, at, owner
                  FROM (SELECT row_number() OVER () AS n, * FROM bench_events) e ORDER BY n) TO STDOUT" \
        >"$file" || return 1
    for layout in "${CITUS_LAYOUTS[@]}"; do
        on_coord -c 'SET client_min_messages = warning' -c "CREATE SCHEMA $layout" \
            -c "CREATE TABLE $layout.bench_events (event_id bigint, lead_id bigint, stage lead_stage, at timestamptz, owner text)" \
            -c "SELECT create_distributed_table('$layout.bench_events', '${CITUS_DIST_COLUMN[$layout]}')" \
            -c "\\copy $layout.bench_events FROM '$file'" \
            -c "CREATE INDEX bench_events_lead_at ON $layout.bench_events (lead_id, at, stage)" \
            -c "VACUUM ANALYZE $layout.bench_events" >/dev/null || return 1
    done
    rm -f "$file"
}

# Sums the "Tuple data received from nodes" lines of a Citus EXPLAIN ANALYZE
# on stdin, in bytes; nothing when there are none.
citus_received() {
    awk '/Tuple data received from nodes: [0-9]+ / {
             for (i = 1; i < NF; i++) if ($i == "nodes:") { v = $(i + 1); u = $(i + 2) }
             f = (u == "kB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : 1
             b += v * f; n++ }
         END { if (n) printf "%.0f", b }'
}

# The bytes of the shards' results for a plan whose shard queries Citus'
# EXPLAIN ANALYZE cannot run (worker_partial_agg returns cstring): each
# shard query of the plan (file $1) run on every shard of layout $2, the
# text of its columns summed.  Nothing when a shard query fails.
citus_shard_bytes() {
    local plan=$1 layout=$2 cols q expr total=0 b
    while IFS=$'\t' read -r cols q; do
        expr=$(printf '%s\n' "$cols" | awk -F', ' '{ for (i = 1; i <= NF; i++) printf "%scoalesce(octet_length(t.%s::text), 0)", (i > 1 ? " + " : ""), $i }')
        q=$(printf '%s\n' "$q" | sed -E "s/$layout\\.bench_events_[0-9]+/%s/g")
        b=$(on_coord -At -c "SELECT CASE WHEN bool_and(success) THEN sum(result::bigint) END
                             FROM run_command_on_shards('$layout.bench_events',
                                  \$citus\$SELECT coalesce(sum($expr), 0) FROM ($q) t\$citus\$)" 2>/dev/null) || return 0
        [ -n "$b" ] || return 0
        total=$((total + b))
    done < <(awk '/^ *Output: remote_scan\./ { c = $0; sub(/^ *Output: /, "", c); gsub(/remote_scan\./, "", c) }
                  /^ *Query: .*bench_events_[0-9]+/ { q = $0; sub(/^ *Query: /, "", q); print c "\t" q }' "$plan")
    echo "$total"
}

# Checks one query (metric $1, form $2, file $3, what a pushed-down shard
# query computes: $4) in both layouts against the single-node answer;
# records the plan and the bytes per lead.
citus_check() {
    local m=$1 form=$2 file=$3 marker=$4 layout key sql out b mark
    sql=$(grep -v '^[[:space:]]*--' "$file")
    if ! psql -X -q -At -v ON_ERROR_STOP=1 -f "$file" >"$CITUS_DIR/ref.out" 2>"$CITUS_DIR/ref.err"; then
        for layout in "${CITUS_LAYOUTS[@]}"; do
            CITUS_ROW[$m|$form|$layout]="error (single node: $(citus_error "$CITUS_DIR/ref.err"))"
        done
        return 0
    fi
    for layout in "${CITUS_LAYOUTS[@]}"; do
        key=$m\|$form\|$layout
        raw "== citus check $m $form ${CITUS_LAYOUT_NAME[$layout]} (${file#"$ALIGN_ROOT"/})"
        if ! on_coord -At -c "SET search_path = $layout, public" -f "$file" >"$CITUS_DIR/dist.out" 2>"$CITUS_DIR/dist.err"; then
            CITUS_ROW[$key]="error ($(citus_error "$CITUS_DIR/dist.err"))"
            raw "${CITUS_ROW[$key]}"
            continue
        fi
        if cmp -s "$CITUS_DIR/ref.out" "$CITUS_DIR/dist.out"; then
            CITUS_ROW[$key]=ok
            raw "answer: the single node's ($(wc -l <"$CITUS_DIR/ref.out") rows)"
        else
            CITUS_ROW[$key]="answers differ"
            say "Citus, $m $form ${CITUS_LAYOUT_NAME[$layout]}: not the single node's answer (see $RAW)"
            raw "single node:"; raw "$(cat "$CITUS_DIR/ref.out")"
            raw "Citus:"; raw "$(cat "$CITUS_DIR/dist.out")"
        fi
        # the plan: pushed down when a shard query computes the aggregate (or the
        # plain SQL's per-lead part), pulled when the shards only return rows
        on_coord -At -c "SET search_path = $layout, public" -c "EXPLAIN (VERBOSE, COSTS OFF) $sql" \
            >"$CITUS_DIR/plan.txt" 2>&1 || true
        raw "$(cat "$CITUS_DIR/plan.txt")"
        if grep -E '^ *Query: .*bench_events_[0-9]+' "$CITUS_DIR/plan.txt" | grep -qE "$marker"; then
            CITUS_PLAN[$key]="pushed down"
        else
            CITUS_PLAN[$key]="pulled to coordinator"
        fi
        # the bytes: EXPLAIN ANALYZE where Citus can run it, else the shards' results
        # (marked * when measured on the shards)
        mark=
        if out=$(on_coord -At -c "SET search_path = $layout, public" \
                -c "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) $sql" 2>&1); then
            b=$(printf '%s\n' "$out" | citus_received)
            raw "EXPLAIN ANALYZE: ${b:-no} bytes received from the nodes"
        else
            b=$(citus_shard_bytes "$CITUS_DIR/plan.txt" "$layout")
            mark='*'
            raw "EXPLAIN ANALYZE fails ($(printf '%s\n' "$out" | grep -m1 ERROR)); the shards' results: ${b:-not measured} bytes"
        fi
        [ -z "$b" ] || CITUS_BYTES[$key]=$(awk -v b="$b" -v n="$CITUS_LEADS" 'BEGIN { printf "%.1f", b / n }')$mark
    done
}

# The step: build, start, load, check, time; the nodes stop at the end.
citus_step() {
    local spec m agg file label marker layout form f key specs bad=0 differ=0 t0
    CITUS_START=$(date +%s)
    if [ ! -f "$CITUS_TARBALL" ]; then
        citus_skip "no Citus source: ${CITUS_TARBALL#"$ALIGN_ROOT"/}"
        return 0
    fi
    citus_packages
    CITUS_DIR=$WORK/citus
    mkdir -p "$CITUS_DIR"
    chmod 755 "$CITUS_DIR"
    if ! citus_build; then citus_failed "$CITUS_ERROR"; return 0; fi
    raw "== citus: Citus $CITUS_VERSION built in $CITUS_BUILD_SECS s"
    # the single node's settings (test/bench.sh), shared buffers for a third of the data each
    CITUS_NODE_OPTS="-c shared_buffers=1GB -c work_mem=$WORK_MEM -c jit=off -c TimeZone=UTC"
    CITUS_NODE_OPTS+=" -c max_wal_size=8GB -c checkpoint_timeout=1h -c synchronous_commit=off"
    if ! citus_cluster_start; then citus_failed "$CITUS_ERROR"; return 0; fi
    say "Citus: loading bench_events by lead and by event id"
    t0=$(date +%s)
    if ! citus_load; then citus_failed "loading the data"; return 0; fi
    CITUS_LEADS=$(psql -XAtc 'SELECT count(DISTINCT lead_id) FROM bench_events')
    CITUS_SHARDS=$(on_coord -At -c "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'by_lead.bench_events'::regclass") \
        || CITUS_SHARDS='?'
    raw "== citus: loaded in $(( $(date +%s) - t0 )) s; $CITUS_SHARDS shards a table; settings: $CITUS_NODE_OPTS"

    say "Citus: checking the answers against the single node's"
    citus_check m1_reached count "$Q/count.sql" 'count\('
    for spec in "${CITUS_METRICS[@]}"; do
        IFS='|' read -r m agg file label marker <<<"$spec"
        # as the plans table: only an aggregate the single node has and checked
        key=$m; [ "$label" = align ] || key=$m.$label
        avail "$key" || continue
        citus_check "$m" plain "$Q/$m.plain.sql" "$marker"
        citus_check "$m" align "$Q/$file" "$agg\\("
    done

    for spec in "${CITUS_METRICS[@]}"; do
        IFS='|' read -r m agg file label marker <<<"$spec"
        specs=()
        for layout in "${CITUS_LAYOUTS[@]}"; do
            for form in count plain align; do
                case $form in
                    count) f=$Q/count.sql ;;
                    plain) f=$Q/$m.plain.sql ;;
                    align) f=$Q/$file ;;
                esac
                case ${CITUS_ROW[$m|$form|$layout]:-} in
                    ok) specs+=("${form}_$layout|SET search_path = $layout, public;|$f") ;;
                    "answers differ") differ=$((differ + 1)) ;;
                    "") ;;
                    *) bad=$((bad + 1)) ;;
                esac
            done
        done
        [ ${#specs[@]} -eq 0 ] || PGHOST=127.0.0.1 PGPORT=${CITUS_PORT[coordinator]} time_group "citus_$m" "${specs[@]}" \
            || bad=$((bad + 1))
    done
    citus_nodes_stop
    if [ "$differ" -gt 0 ]; then
        CITUS_STATUS="answers differ"
    elif [ "$bad" -gt 0 ]; then
        CITUS_STATUS="failed ($bad queries failed on Citus: see the rows)"
    else
        CITUS_STATUS=ok
    fi
    raw "== citus: $CITUS_STATUS; the step took $(( $(date +%s) - CITUS_START )) s"
}
