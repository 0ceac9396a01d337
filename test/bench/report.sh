# test/bench/report.sh: the table printed by test/bench.sh (sourced by it).
# Reads medians from $TIMES through median(), the check results
# from STATUS, and the memory figures MEM_COUNT, MEM_PLAIN, MEM_ALIGN.

# ratio A B: A / B with two decimals, empty if either is missing.
ratio() {
    [ -n "$1" ] && [ -n "$2" ] || return 0
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'
}

# verdict VALUE OP TARGET: "met" or "MISSED" (OP is >= or <=), "n/a" without a value.
verdict() {
    [ -n "$1" ] || { echo "n/a"; return; }
    awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
        ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "met" : "MISSED" }'
}

# waiting GROUP LABEL...: share of the wall-clock time of these runs that the
# backend spent waiting for a CPU (other work on the machine), in percent.
waiting() {
    local g=$1
    shift
    awk -F'\t' -v g="$g" -v labels=" $* " '$1 == g && index(labels, " " $2 " ") { w += $6; t += $4 }
        END { if (t > 0) printf "%.0f%%", 100 * w / t }' "$TIMES"
}

# row LABEL CPU-PLAIN CPU-ALIGN CPU-RATIO TARGET VERDICT WALL-PLAIN WALL-ALIGN WALL-RATIO WAITING
row() {
    printf '%-50s %9s %9s %7s  %-7s %-7s| %9s %9s %7s %7s\n' "$1" "$2" "$3" "${4:+$4x}" "$5" "$6" \
        "$7" "$8" "${9:+$9x}" "${10}"
}

# metric_row METRIC LABEL TARGET-OP TARGET [PLAIN-LABEL ALIGN-LABEL [STATUS-KEY]]
metric_row() {
    local m=$1 label=$2 op=$3 target=$4 pl=${5:-plain} al=${6:-align} key=${7:-$1}
    local cp ca wp wa r t= v=
    cp=$(median "$m" "$pl" cpu); wp=$(median "$m" "$pl")
    if [ "${STATUS[$key]:-}" != ok ]; then
        row "$label" "$cp" "" "" "" "" "$wp" "" "" "$(waiting "$m" "$pl")"
        printf '    %s\n' "${STATUS[$key]:-not available}"
        return
    fi
    ca=$(median "$m" "$al" cpu); wa=$(median "$m" "$al")
    r=$(ratio "$cp" "$ca")
    if [ -n "$op" ]; then
        t="$op${target}x"
        v=$(verdict "$r" "$op" "$target")
    fi
    row "$label" "$cp" "$ca" "$r" "$t" "$v" "$wp" "$wa" "$(ratio "$wp" "$wa")" "$(waiting "$m" "$pl" "$al")"
}

# sortfree_row METRIC FUNCTION: the sort-free align form of a window metric
# (target 5x), when the metric has one.
sortfree_row() {
    [ -f "$Q/$1.sortfree.sql" ] || return 0
    metric_row "$1" "    sort-free form: $2" ">=" 5 plain sortfree "$1.sortfree"
}

report() {
    local c cw a aw r pn pnw w0 w2 p0 p2 f ok=
    [ "${STATUS[m1_reached]}" = ok ] && ok=1
    echo
    echo "align benchmark: $LEADS leads, $EVENTS stage events, $TOUCHES touches"
    echo "$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $(psql -XAtc 'SHOW server_version' | cut -d' ' -f1); work_mem $WORK_MEM, jit off, the default parallel settings unless stated"
    echo "median of $REPS runs after a warm-up, the formulations alternating in one session; ratios from the medians."
    echo "backend CPU time: the backend's on-CPU time across the query (/proc/<pid>/schedstat); wall clock: psql \\timing;"
    echo "waiting: share of the wall-clock time the backend spent waiting for a CPU (other work on the machine)."
    echo "Targets and verdicts use the CPU-time ratios (serial queries: wall clock = CPU time on an idle machine)."
    echo "A query the planner runs in parallel (plain SQL may, with the default settings) has its leader's CPU time"
    echo "only in the CPU columns: read its wall clock, and the plans table below."
    if [ "$LEADS" -lt 1000000 ]; then
        echo "Smoke size: the targets are for the default 1 M leads; verdicts at this size are indicative only."
    fi
    echo
    hdr() { printf '%-50s %9s %9s %7s  %-7s %-7s| %9s %9s %7s %7s\n' "$@"; }
    hdr "" "-- backend" "CPU time" "" "" "" "-- wall" "clock" "" ""
    hdr "metric" "plain ms" "align ms" "plain/" "target" "" "plain ms" "align ms" "plain/" "waiting"
    hdr "" "" "" "align" "" "" "" "" "align" ""
    printf '%s\n' "---------------------------------------------------------------------------------------------------------------------"

    c=$(median m1_reached count cpu); cw=$(median m1_reached count)
    row "count(*) over bench_events (the floor: one scan)" "$c" "" "" "" "" "$cw" "" "" "$(waiting m1_reached count)"
    metric_row m1_reached "(1) leads reaching each stage (the funnel)" ">=" 8
    pn=$(median m1_reached plain_noindex cpu); pnw=$(median m1_reached plain_noindex)
    a=$(median m1_reached align cpu); aw=$(median m1_reached align)
    if [ -n "$ok" ]; then
        row "    plain without the covering index" "$pn" "$a" "$(ratio "$pn" "$a")" "" "" "$pnw" "$aw" "$(ratio "$pnw" "$aw")" "$(waiting m1_reached plain_noindex align)"
        row "    funnel / count(*) (lower is better)" "" "" "$(ratio "$a" "$c")" "<=2.5x" "$(verdict "$(ratio "$a" "$c")" "<=" 2.5)" "" "" "$(ratio "$aw" "$cw")" ""
    else
        row "    plain without the covering index" "$pn" "" "" "" "" "$pnw" "" "" "$(waiting m1_reached plain_noindex)"
    fi
    metric_row m2_conversion "(2) conversion + median time between stages" ">=" 5
    metric_row m3_time_in_stage "(3) time in stage, per stage" ">=" 1.5
    sortfree_row m3_time_in_stage "stage_stays"
    if [ "${STATUS[m3_time_in_stage]}" = ok ]; then
        metric_row m3_time_in_stage "    the window alone: lead(at)-at vs time_in_stage" "" "" plain_bare align_bare
    fi
    row "    same window, row_number() only (window floor)" "$(median m3_time_in_stage floor cpu)" "" "" "" "" "$(median m3_time_in_stage floor)" "" "" "$(waiting m3_time_in_stage floor)"
    metric_row m4_handoff "(4) handoffs into sales: count, median, p90, SLA" ">=" 1.5
    sortfree_row m4_handoff "handoff_summary"
    metric_row m5_speed_to_lead "(5) speed to lead: stages + touches, per channel" ">=" 1.5
    sortfree_row m5_speed_to_lead "handoff_summary"
    metric_row m6_window_funnel "(6) window_funnel, 30-day window" "" ""
    metric_row m7_working_speed_to_lead "(7) speed to lead in working hours, per channel" "" ""
    metric_row m8_pipeline_snapshot "(8) pipeline snapshot: stage counts, 52 weeks" "" ""
    metric_row m9_attribution "(9) attribution, linear, per campaign" "" ""
    metric_row m10_handoff_histogram "(10) speed to lead in bins (handoff_histogram)" "" ""

    echo
    echo "plans: wall clock (ms) with the default settings, forced serial, and the parallel partial plan (2 workers)"
    printf '%-50s %9s %9s %9s %9s %9s\n' "" "default" "serial" "2 workers" "def/ser" "2w/ser"
    d=$(median plans plain_default); s0=$(median plans plain_serial)
    printf '%-50s %9s %9s %9s %8sx %9s\n' "    plain funnel (planner's choice)" "$d" "$s0" "" "$(ratio "$s0" "$d")" ""
    for agg in "${PLAN_AGGS[@]}"; do
        d=$(median plans "${agg}_default"); s0=$(median plans "${agg}_serial"); w=$(median plans "${agg}_w2")
        printf '%-50s %9s %9s %9s %8sx %8sx\n' "    $agg" "$d" "$s0" "$w" "$(ratio "$s0" "$d")" "$(ratio "$s0" "$w")"
    done
    echo "    (def/ser and 2w/ser: serial time / that time; 1.00x or more means not slower than serial)"
    if [ -n "${HUGETLB:-}" ]; then
        h0=$(median parallel_hugetlb align_w0); h2=$(median parallel_hugetlb align_w2)
        printf '%-50s %9s %9s %9s %9s %8sx\n' "    funnel, glibc.malloc.hugetlb=1 server" "" "$h0" "$h2" "" "$(ratio "$h0" "$h2")"
    fi

    echo
    echo "peak backend memory of the funnel aggregate, bytes per lead"
    if [ -n "$MEM_PLAIN" ] && [ -n "$MEM_COUNT" ]; then
        printf '%-50s %9s\n' "    plain funnel (hash aggregate, work_mem $WORK_MEM)" "$(awk -v m="$MEM_PLAIN" -v c="$MEM_COUNT" -v n="$LEADS" 'BEGIN { printf "%.1f", (m - c) / n }')"
    fi
    if [ -n "$ok" ] && [ -n "$MEM_ALIGN" ] && [ -n "$MEM_COUNT" ]; then
        f=$(awk -v m="$MEM_ALIGN" -v c="$MEM_COUNT" -v n="$LEADS" 'BEGIN { printf "%.1f", (m - c) / n }')
        printf '%-50s %9s  %-7s %s\n' "    align funnel (lead key: 8-byte bigint)" "$f" "<=64+8" "$(verdict "$f" "<=" 72)"
    else
        printf '    align funnel: %s\n' "${STATUS[m1_reached]:-not measured}"
    fi
    echo "    (growth of VmHWM in /proc/<backend pid>/status across the query in a fresh backend, sequential"
    echo "     scans, minus the same for count(*) over the table: ${MEM_COUNT:-?} bytes; divided by the leads)"
    echo
    budget_report
    echo
    duckdb_report
    citus_report
}

# duckdb_report: DuckDB against align on the same metrics (test/bench/duckdb/),
# from the TIMES groups duckdb and duckdb_align and DUCKDB_STATUS.
duckdb_report() {
    local spec label name d a
    echo "DuckDB, the peer analysts export to: the same rows (bench_events exported to CSV), in memory, 2 threads"
    if [ "${DUCKDB_STATUS:-}" != ok ]; then
        echo "    ${DUCKDB_STATUS:-not run}"
        echo
        return 0
    fi
    echo "DuckDB ${DUCKDB_VERSION:-?} (${DUCKDB_PACKAGE}); answers checked against align's before timing: the same"
    echo "(counts exact; times within align's sketch error: 1% of DuckDB's exact quantile_disc, or 1 s)."
    echo "wall clock, median of $DUCKDB_REPS runs after a warm-up, the two engines alternating: DuckDB measured in node around"
    echo "the query, align by psql \\timing with the default settings. waiting: share of the wall clock spent waiting for a"
    echo "CPU (DuckDB: summed over its threads, up to 200%); the machine's cores are shared: the figures are indicative."
    printf '%-50s %9s %9s %8s %9s %9s\n' "metric" "DuckDB ms" "align ms" "DuckDB/" "waiting" "waiting"
    printf '%-50s %9s %9s %8s %9s %9s\n' "" "2 threads" "default" "align" "DuckDB" "align"
    for spec in "reached|(a) leads reaching each stage" \
                "mql_sql|(b) median MQL->SQL time (DuckDB: quantile_disc)" \
                "steps|(c) the whole funnel report (funnel_steps)"; do
        IFS='|' read -r name label <<<"$spec"
        d=$(median duckdb "$name"); a=$(median duckdb_align "$name")
        printf '%-50s %9s %9s %7sx %9s %9s\n' "$label" "$d" "$a" "$(ratio "$d" "$a")" \
            "$(waiting duckdb "$name")" "$(waiting duckdb_align "$name")"
    done
    echo "    (DuckDB/align above 1.00x: align is faster)"
    echo
}

# citus_report: the aggregates and their metrics' plain SQL on Citus, in
# both layouts (test/bench/citus/step.sh), from the TIMES groups citus_<metric>,
# the single node's medians of the same metric, and CITUS_STATUS.
citus_report() {
    local spec m agg file label marker layout form key name c p s
    echo "Citus: the same rows on a coordinator and two workers (test/bench/citus/)"
    case ${CITUS_STATUS:-not run} in
        skipped*) s=${CITUS_STATUS#skipped (}; echo "citus: SKIP: ${s%)}"; echo; return 0 ;;
    esac
    if [ -z "${CITUS_SHARDS:-}" ]; then
        # nothing loaded: the step failed before the rows
        echo "    ${CITUS_STATUS:-not run}"; echo; return 0
    fi
    cat <<EOF
Citus $CITUS_VERSION, a coordinator and two workers on this machine (127.0.0.1), $CITUS_SHARDS shards a table: bench_events
distributed by the lead, and by a shuffled event id (a lead's events on several shards); the index of the single node.
Answers checked against the single node's first (byte for byte). wall clock, median of $REPS runs after a warm-up, the
queries of a metric alternating in one coordinator session. plain/Citus: the single node's wall-clock median of the
metric's plain SQL (table above, this run) / the query on Citus; same/Citus: the single node's median of the same query
/ Citus (above 1.00x: Citus is faster). bytes/lead: what the coordinator receives from the workers, per lead (Citus'
EXPLAIN ANALYZE; *: EXPLAIN ANALYZE fails on worker_partial_agg, so the text of the shard queries' results, summed).
plan (EXPLAIN VERBOSE): pushed down when the shards compute the aggregate (or the plain SQL's per-lead part),
pulled to coordinator when they return rows. The three servers share the machine's cores: the figures are indicative.
EOF
    printf '%-50s %9s %9s %9s %11s  %s\n' "query, layout" "Citus ms" "plain/" "same/" "bytes/lead" "plan"
    printf '%-50s %9s %9s %9s %11s  %s\n' "" "" "Citus" "Citus" "to coord." ""
    for spec in "${CITUS_METRICS[@]}"; do
        IFS='|' read -r m agg file label marker <<<"$spec"
        for form in count align plain; do
            for layout in "${CITUS_LAYOUTS[@]}"; do
                key=$m\|$form\|$layout
                case $form in
                    count) [ -n "${CITUS_ROW[$key]:-}" ] || continue
                           name="count(*) (the floor: one scan), ${CITUS_LAYOUT_NAME[$layout]}"
                           s=$(median "$m" count) ;;
                    align) name="$agg, ${CITUS_LAYOUT_NAME[$layout]}"
                           s=$(median "$m" "$label") ;;
                    plain) name="    plain SQL, ${CITUS_LAYOUT_NAME[$layout]}"
                           s=$(median "$m" plain) ;;
                esac
                if [ "${CITUS_ROW[$key]:-}" != ok ]; then
                    printf '%-50s %s\n' "$name" "${CITUS_ROW[$key]:-not available}"
                    continue
                fi
                c=$(median "citus_$m" "${form}_$layout"); p=
                [ "$form" = count ] || p=$(ratio "$(median "$m" plain)" "$c")
                s=$(ratio "$s" "$c")
                printf '%-50s %9s %9s %9s %11s  %s\n' "$name" "$c" "${p:+${p}x}" "${s:+${s}x}" \
                    "${CITUS_BYTES[$key]:-}" "${CITUS_PLAN[$key]:-}"
            done
        done
    done
    [ "$CITUS_STATUS" = ok ] || echo "    $CITUS_STATUS"
    echo
}

# budget_report: the memory budget (issue 18), from the TIMES group budget and
# the memory figures: peak memory within the default budget, and the time
# spilling against not, for each aggregate and for PostgreSQL's hash aggregate.
budget_report() {
    local agg sp ns mem
    echo "memory budget: work_mem $WORK_MEM x hash_mem_multiplier ${HASH_MEM:-?},"
    echo "serial plans; wall clock (ms) within the default budget (spills) and without one (align.memory_budget 4GB;"
    echo "the plain hash aggregate: work_mem 4GB), and peak backend memory within the default budget"
    printf '%-50s %9s %9s %9s %12s\n' "" "spills" "no limit" "cost" "peak MB"
    sp=$(median budget plain_spill); ns=$(median budget plain_nospill)
    mem=$( [ -n "$MEM_PLAIN" ] && [ -n "$MEM_COUNT" ] && awk -v m="$MEM_PLAIN" -v c="$MEM_COUNT" 'BEGIN { printf "%.1f", (m - c) / 1048576 }')
    printf '%-50s %9s %9s %8sx %12s\n' "    plain funnel, hash aggregate by lead" "$sp" "$ns" "$(ratio "$sp" "$ns")" "${mem:-}"
    for agg in "${BUDGET_AGGS[@]}"; do
        sp=$(median budget "${agg}_spill"); ns=$(median budget "${agg}_nospill")
        case $agg in
            funnel) mem=$MEM_ALIGN ;; handoff_summary) mem=$MEM_HANDOFF ;; stage_stays) mem=$MEM_STAYS ;;
            window_funnel) mem=$MEM_WF ;;
        esac
        mem=$( [ -n "$mem" ] && [ -n "$MEM_COUNT" ] && awk -v m="$mem" -v c="$MEM_COUNT" 'BEGIN { printf "%.1f", (m - c) / 1048576 }')
        printf '%-50s %9s %9s %8sx %12s\n' "    $agg" "$sp" "$ns" "$(ratio "$sp" "$ns")" "${mem:-}"
    done
    echo "    (cost: spills / no limit, the time spilling adds; peak MB: VmHWM growth over count(*), MB;"
    echo "     the plain hash aggregate's peak is its default plan's, which the planner may not hash;"
    echo "     window_funnel by lead: hashed, work_mem and align.memory_budget 4GB for no limit)"
}
