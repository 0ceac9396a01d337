# test/bench/report.sh: the table printed by test/bench.sh (sourced by it).
# Reads the medians from $TIMES through median(), the check results from
# STATUS, and the memory figures MEM_COUNT, MEM_PLAIN, MEM_ALIGN.

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

# row LABEL PLAIN ALIGN RATIO TARGET VERDICT
row() {
    printf '%-52s %10s %10s %9s  %-8s %-7s %s\n' "$1" "${2:--}" "${3:--}" "${4:+$4×}" "$5" "$6" "${7:+$7%}"
}

# spreads GROUP LABEL...: the largest spread (slowest - fastest, % of the median) of the labels.
spreads() {
    local g=$1 l s max=
    shift
    for l in "$@"; do
        s=$(spread "$g" "$l")
        [ -n "$s" ] && { [ -z "$max" ] || [ "$s" -gt "$max" ]; } && max=$s
    done
    echo "$max"
}

# metric_row METRIC LABEL TARGET-OP TARGET: plain, align, ratio and verdict of a metric.
metric_row() {
    local m=$1 label=$2 op=$3 target=$4
    local p a r v= t
    p=$(median "$m" plain)
    if [ "${STATUS[$m]}" != ok ]; then
        row "$label" "$p" "" "" "" "${STATUS[$m]:-not available}" ""
        return
    fi
    a=$(median "$m" align)
    r=$(ratio "$p" "$a")
    if [ -n "$op" ]; then
        t="$op ${target}×"
        v=$(verdict "$r" "$op" "$target")
    else
        t="-"
    fi
    row "$label" "$p" "$a" "$r" "$t" "$v" "$(spreads "$m" plain align)"
}

report() {
    local c p a r pn w0 w2 p0 p2 f
    echo
    echo "align benchmark: $LEADS leads, $EVENTS stage events, $TOUCHES touches"
    echo "$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); PostgreSQL $(psql -XAtc 'SHOW server_version'); work_mem $WORK_MEM, jit off, serial unless stated"
    echo "median of $REPS runs after a warm-up, in ms (psql \\timing); plain/align from the same session;"
    echo "spread: (slowest - fastest) / median of the runs behind the row, the larger of its two sides"
    if [ "$LEADS" -lt 1000000 ]; then
        echo "smoke size: the targets are for the default 1 M leads; verdicts at this size are indicative only"
    fi
    echo
    printf '%-52s %10s %10s %9s  %-8s %-7s %s\n' "metric" "plain ms" "align ms" "plain/" "target" "" "spread"
    printf '%-52s %10s %10s %9s  %-8s %-7s %s\n' "" "" "" "align" "" "" ""
    printf '%s\n' "-----------------------------------------------------------------------------------------------------"

    c=$(median m1_reached count)
    row "count(*) over bench_events (the floor: one scan)" "$c" "" "" "" "" "$(spreads m1_reached count)"
    metric_row m1_reached "(1) leads reaching each stage (the funnel)" ">=" 8
    pn=$(median m1_reached plain_noindex)
    a=$(median m1_reached align)
    row "    plain without the covering index" "$pn" "$( [ "${STATUS[m1_reached]}" = ok ] && echo "$a")" \
        "$( [ "${STATUS[m1_reached]}" = ok ] && ratio "$pn" "$a")" "" "" "$(spreads m1_reached plain_noindex)"
    if [ "${STATUS[m1_reached]}" = ok ]; then
        r=$(ratio "$a" "$c")
        row "    funnel time / count(*) time (lower is better)" "" "" "$r" "<= 2.5×" "$(verdict "$r" "<=" 2.5)" "$(spreads m1_reached count align)"
    fi
    metric_row m2_conversion "(2) conversion + median time between stages" ">=" 5
    metric_row m3_time_in_stage "(3) time in stage, per stage" ">=" 1.5
    row "    the window alone: lead(at) - at vs time_in_stage" "$(median m3_time_in_stage plain_bare)" \
        "$( [ "${STATUS[m3_time_in_stage]}" = ok ] && median m3_time_in_stage align_bare)" \
        "$( [ "${STATUS[m3_time_in_stage]}" = ok ] && ratio "$(median m3_time_in_stage plain_bare)" "$(median m3_time_in_stage align_bare)")" "" "" \
        "$(spreads m3_time_in_stage plain_bare align_bare)"
    row "    same window, row_number() only (window floor)" "$(median m3_time_in_stage floor)" "" "" "" "" "$(spreads m3_time_in_stage floor)"
    metric_row m4_handoff "(4) marketing->sales handoff: median gap, SLA" ">=" 1.5
    metric_row m5_speed_to_lead "(5) speed to lead: stages + touches, month/channel" ">=" 1.5
    metric_row m6_window_funnel "(6) window_funnel, 30-day window" "" ""

    echo
    p0=$(median parallel plain_w0); p2=$(median parallel plain_w2)
    w0=$(median parallel align_w0); w2=$(median parallel align_w2)
    printf '%-52s %10s %10s %9s  %-8s %-7s %s\n' "parallel, funnel aggregate (ms)" "0 workers" "2 workers" "speed-up" "" "" ""
    row "    plain funnel" "$p0" "$p2" "$(ratio "$p0" "$p2")" "" "" "$(spreads parallel plain_w0 plain_w2)"
    if [ "${STATUS[m1_reached]}" = ok ]; then
        r=$(ratio "$w0" "$w2")
        row "    align funnel" "$w0" "$w2" "$r" ">= 1.5×" "$(verdict "$r" ">=" 1.5)" "$(spreads parallel align_w0 align_w2)"
    else
        row "    align funnel" "" "" "" "" "${STATUS[m1_reached]}"
    fi

    echo
    echo "peak backend memory, bytes per lead"
    if [ -n "$MEM_PLAIN" ] && [ -n "$MEM_COUNT" ]; then
        printf '%-52s %10s\n' "    plain funnel (work_mem $WORK_MEM)" "$(awk -v m="$MEM_PLAIN" -v c="$MEM_COUNT" -v n="$LEADS" 'BEGIN { printf "%.1f", (m - c) / n }')"
    fi
    if [ "${STATUS[m1_reached]}" = ok ] && [ -n "$MEM_ALIGN" ] && [ -n "$MEM_COUNT" ]; then
        f=$(awk -v m="$MEM_ALIGN" -v c="$MEM_COUNT" -v n="$LEADS" 'BEGIN { printf "%.1f", (m - c) / n }')
        printf '%-52s %10s %10s %9s  %-8s %s\n' "    align funnel (lead key: 8-byte bigint)" "$f" "" "" "<= 64+8" "$(verdict "$f" "<=" 72)"
    else
        printf '%-52s %10s %10s %9s  %-8s %s\n' "    align funnel" "-" "" "" "" "${STATUS[m1_reached]:-not measured}"
    fi
    echo "    (growth of VmHWM in /proc/<backend pid>/status across the query, in a fresh backend,"
    echo "     minus the same for count(*), sequential scans; count(*) itself: ${MEM_COUNT:-?} bytes)"
    echo
}
