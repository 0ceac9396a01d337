#!/usr/bin/env bash
# The benchmark: align against the plain SQL an analyst would write, side by
# side (issue 5).  Builds and installs align, starts a throwaway cluster,
# generates a CRM export, checks that both formulations of every metric give
# the same answer, times them alternately and prints a table.  The table and
# the raw output (every run, every answer) are saved under bench/results/.
#
#   bash test/bench.sh                 1 M leads (about 4.3 M stage events, 5 M touches)
#   bash test/bench.sh --quick         50 k leads, a smoke run
#   bash test/bench.sh --leads N       N leads
#   options: --reps N (timed runs per query after a warm-up, default 3)  --work-mem SIZE (default 4MB)
#            --out FILE (raw output; default bench/results/<date>-<leads>.txt)
#            --no-duckdb (skip the comparison with DuckDB, test/bench/duckdb/)
#            --no-citus (skip the Citus rows, test/bench/citus/; ALIGN_CITUS_PREFIX=DIR:
#            a private PostgreSQL copy with Citus in it, no build, as test/citus.sh)
#
# Method (see also test/bench/README.md): one psql session per metric; each
# query runs once as a warm-up, then the formulations run alternately (plain,
# align, plain, align, ...) REPS times each.  Per run: the backend's on-CPU
# time across the query (/proc/<pid>/schedstat) and the wall clock (psql's
# \timing; results go to /dev/null and are a few rows).  Medians are
# reported, and the ratio plain/align from the medians of the same session.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ALIGN_ROOT/test/bench/citus/step.sh"     # citus_step; citus_nodes_stop on exit

LEADS=1000000
NO_DUCKDB=
NO_CITUS=
REPS=
WORK_MEM=4MB
OUT=
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) LEADS=50000; QUICK=1 ;;
        --leads) LEADS=$2; shift ;;
        --reps) REPS=$2; shift ;;
        --work-mem) WORK_MEM=$2; shift ;;
        --out) OUT=$2; shift ;;
        --no-duckdb) NO_DUCKDB=1 ;;
        --no-citus) NO_CITUS=1 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$LEADS" in ''|*[!0-9]*) echo "--leads needs a number" >&2; exit 2 ;; esac
[ -n "$REPS" ] || REPS=3
case "$REPS" in ''|*[!0-9]*|0) echo "--reps needs a positive number" >&2; exit 2 ;; esac

Q="$ALIGN_ROOT/test/bench/queries"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ALIGN_ROOT/bench/results"
RAW=${OUT:-$ALIGN_ROOT/bench/results/$STAMP-$LEADS.txt}
: >"$RAW"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/align-bench.XXXXXX")
chmod 755 "$WORK"
TIMES="$WORK/times.tsv"     # group <TAB> label <TAB> run <TAB> ms
: >"$TIMES"
raw() { printf '%s\n' "$*" >>"$RAW"; }

align_packages
align_build
# Settings for every session (a run may add its own SET, shown in the table):
# the tables and indexes fit in shared_buffers; the planner's default
# parallel settings (what users get: 2 workers per Gather); JIT off (its
# compile time is noise at these sizes).
align_start -c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=1h \
    -c synchronous_commit=off -c "work_mem=$WORK_MEM" -c jit=off -c TimeZone=UTC
trap 'citus_nodes_stop; align_stop; rm -rf "$WORK"' EXIT

say "raw output: $RAW"
raw "# align benchmark, $STAMP"
raw "command: bash test/bench.sh --leads $LEADS --reps $REPS --work-mem $WORK_MEM${NO_DUCKDB:+ --no-duckdb}${NO_CITUS:+ --no-citus}"
raw "git: $(git -C "$ALIGN_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ALIGN_ROOT" diff --quiet 2>/dev/null || echo ' (modified)')"
raw "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
raw "server: $(psql -XAtc 'SELECT version()')"
raw "settings: $(psql -XAtc "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit', 'max_parallel_workers_per_gather', 'max_parallel_workers', 'max_worker_processes')")"
raw "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

align_psql -c 'CREATE EXTENSION align' -c 'CREATE EXTENSION pg_prewarm'
say "generating $LEADS leads"
t0=$(date +%s)
align_psql -v leads="$LEADS" -f "$ALIGN_ROOT/test/bench/generate.sql" >/dev/null
t1=$(date +%s)
say "building indexes"
align_psql -f "$ALIGN_ROOT/test/bench/setup.sql"
t2=$(date +%s)
align_psql -Atc "SELECT sum(pg_prewarm(c::regclass)) FROM unnest(array['bench_leads', 'bench_leads_pkey', 'bench_events', 'bench_events_lead_at', 'bench_touches', 'bench_touches_lead_at']) c" >/dev/null
EVENTS=$(psql -XAtc 'SELECT count(*) FROM bench_events')
TOUCHES=$(psql -XAtc 'SELECT count(*) FROM bench_touches')
raw "data: $LEADS leads, $EVENTS stage events, $TOUCHES touches; generated in $((t1 - t0)) s, indexed in $((t2 - t1)) s"
raw "$(psql -XAc "SELECT relname AS relation, pg_size_pretty(pg_relation_size(oid)) AS size FROM pg_class WHERE relname LIKE 'bench\_%' AND relkind IN ('r', 'i') ORDER BY relname")"
raw ""

# --- availability and answers -------------------------------------------------

# Prints the align functions a query file needs (its "-- needs:" line) that
# are not installed; nothing when all are there.
missing_functions() {
    local names
    names=$(sed -n 's/^-- needs: *//p' "$1" | sed 's/([^)]*)//g')
    [ -z "$names" ] && return 0
    local n
    for n in $names; do
        if [ "$(psql -XAtc "SELECT count(*) FROM pg_proc WHERE proname = '$n' AND pronamespace = 'public'::regnamespace")" = 0 ]; then
            printf '%s ' "$n"
        fi
    done
}

# STATUS[METRIC] (the align formulation, METRIC.align.sql) and
# STATUS[METRIC.sortfree] (the sort-free one, METRIC.sortfree.sql, where there
# is one): ok | not available (...) | answers differ
declare -A STATUS
# check METRIC [VARIANT]: runs the plain formulation and the align one
# (VARIANT: align or sortfree) into temporary tables, compares them with
# queries/METRIC.check.sql and records answers and plans in the raw output.
check() {
    local m=$1 v=${2:-align} key miss
    key=$m; [ "$v" = align ] || key=$m.$v
    if [ ! -f "$Q/$m.plain.sql" ] || [ ! -f "$Q/$m.$v.sql" ]; then
        STATUS[$key]="not available (no formulation in test/bench/queries yet)"
        raw "== check $key: ${STATUS[$key]}"
        return
    fi
    miss=$(missing_functions "$Q/$m.$v.sql")
    if [ -n "$miss" ]; then
        STATUS[$key]="not available (missing: ${miss% })"
        raw "== check $key: ${STATUS[$key]}"
        return
    fi
    local script="$WORK/check-$key.sql"
    {
        echo '\set ON_ERROR_STOP 1'
        echo 'CREATE TEMP TABLE bench_plain AS'
        cat "$Q/$m.plain.sql"
        echo 'CREATE TEMP TABLE bench_align AS'
        cat "$Q/$m.$v.sql"
        echo '\echo -- plain'
        echo 'TABLE bench_plain;'
        echo "\\echo -- $v"
        echo 'TABLE bench_align;'
        echo '\echo -- differences'
        cat "$Q/$m.check.sql"
        echo '\echo -- plan, plain'
        echo 'EXPLAIN (COSTS OFF)'
        cat "$Q/$m.plain.sql"
        echo "\\echo -- plan, $v"
        echo 'EXPLAIN (COSTS OFF)'
        cat "$Q/$m.$v.sql"
    } >"$script"
    local out
    if ! out=$(psql -X -q -P pager=off -P footer=on -f "$script" 2>&1); then
        STATUS[$key]="not available (error: $(printf '%s\n' "$out" | grep -m1 'ERROR' | sed 's/^.*ERROR: *//'))"
        raw "== check $key: ${STATUS[$key]}"
        raw "$out"
        return
    fi
    raw "== check $key"
    raw "$out"
    if printf '%s\n' "$out" | sed -n '/^-- differences/,/^-- plan/p' | grep -q '^(0 rows)$'; then
        STATUS[$key]=ok
    else
        STATUS[$key]="answers differ (see the raw output)"
        say "$key: the two formulations give different answers (see $RAW)"
    fi
}

# --- timing -----------------------------------------------------------------------

# time_group GROUP SPEC...: one session; SPEC is "label|SQL run before|query file".
# Every query runs once as a warm-up, then all of them in turn REPS times.
# Per run: the wall-clock time (psql's \timing) and the backend's on-CPU and
# run-queue wait time across the query (/proc/<backend pid>/schedstat, ns).
# With ROTATE=1 every other round runs the queries in reverse order, so that
# a query does not always follow the same one (on this VM a query that
# follows one that freed much memory runs faster: see README, fresh memory).
time_group() {
    local group=$1; shift
    local script="$WORK/time-$group.sql" spec label pre file r
    local stat="\\! awk '{ printf \"cpu %s %s\\n\", \$1, \$2 }' /proc/\$BENCH_PID/schedstat"
    local -a order
    {
        echo '\set ON_ERROR_STOP 1'
        echo 'SELECT pg_backend_pid() AS bench_pid \gset'
        echo '\setenv BENCH_PID :bench_pid'
        echo '\o /dev/null'
        for r in $(seq 0 "$REPS"); do
            order=("$@")
            if [ "${ROTATE:-}" = 1 ] && [ $((r % 2)) = 0 ]; then
                order=()
                for spec in "$@"; do order=("$spec" "${order[@]}"); done
            fi
            for spec in "${order[@]}"; do
                IFS='|' read -r label pre file <<<"$spec"
                echo '\timing off'
                echo 'RESET ALL;'
                [ -n "$pre" ] && echo "$pre"
                echo "\\echo @@ $label $r"
                echo "$stat"
                echo '\timing on'
                grep -v '^[[:space:]]*--' "$file"
                echo '\timing off'
                echo "$stat"
            done
        done
    } >"$script"
    say "timing $group: $(for spec in "$@"; do printf '%s ' "${spec%%|*}"; done)"
    local out load0
    load0=$(cut -d' ' -f1 /proc/loadavg)
    if ! out=$(psql -X -q -f "$script" 2>&1); then
        raw "== timing $group failed"
        raw "$out"
        say "timing $group failed: $(printf '%s\n' "$out" | grep -m1 ERROR)"
        return 1
    fi
    # one line per run: label, run, wall ms, backend on-CPU ms, backend run-queue wait ms
    local runs
    runs=$(printf '%s\n' "$out" | awk '
        /^@@ / { label = $2; run = $3; n = 0; next }
        /^cpu / && label != "" { n++; if (n == 1) { c0 = $2; w0 = $3 } else { c1 = $2; w1 = $3 } ; if (n == 2) {
                 printf "%s\t%s\t%s\t%.3f\t%.3f\n", label, run, wall, (c1 - c0) / 1e6, (w1 - w0) / 1e6; label = "" } next }
        /^Time: / && label != "" { wall = $2 }')
    printf '%s\n' "$runs" | awk -F'\t' -v g="$group" '$2 > 0 { print g "\t" $0 }' >>"$TIMES"
    raw "== timing $group (run 0, the warm-up, not counted; 1-minute load average $load0 before, $(cut -d' ' -f1 /proc/loadavg) after)"
    raw "$(printf '%s\n' "$runs" | awk -F'\t' '{ printf "  %-14s run %s: wall %10.1f ms  backend cpu %10.1f ms  waiting for a cpu %8.1f ms\n", $1, $2, $3, $4, $5 }')"
}

# median GROUP LABEL [FIELD]: median over the timed runs of FIELD (wall, cpu
# or wait; default wall), in ms; empty if none.
median() {
    local col
    case "${3:-wall}" in wall) col=4 ;; cpu) col=5 ;; wait) col=6 ;; esac
    awk -F'\t' -v g="$1" -v l="$2" -v c="$col" '$1 == g && $2 == l { print $c }' "$TIMES" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- memory -----------------------------------------------------------------------

# peak_memory QUERYFILE: in a fresh backend, VmHWM (peak resident set) of the
# backend before and after the query, from /proc/<pid>/status; prints the
# growth in bytes.  Sequential scans only, so that every measured query
# touches the same shared buffers (the table) and differences between two
# queries are private memory.
peak_memory() {
    local file=$1 script="$WORK/mem.sql"
    {
        echo '\set ON_ERROR_STOP 1'
        # serial: a parallel count(*) would touch only the leader's share of the
        # table's buffers, and the difference would count them as the funnel's
        echo 'SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;'
        echo 'SET max_parallel_workers_per_gather = 0;'
        echo 'SELECT pg_backend_pid() AS bench_pid \gset'
        echo '\setenv BENCH_PID :bench_pid'
        echo "\\! sed -n 's/^VmHWM:[[:space:]]*\\([0-9]*\\) kB/before \\1/p' /proc/\$BENCH_PID/status"
        echo '\o /dev/null'
        grep -v '^[[:space:]]*--' "$file"
        echo '\o'
        echo "\\! sed -n 's/^VmHWM:[[:space:]]*\\([0-9]*\\) kB/after \\1/p' /proc/\$BENCH_PID/status"
    } >"$script"
    psql -X -q -f "$script" | awk '/^before/ { b = $2 } /^after/ { a = $2 } END { if (a == "" || b == "") exit 1; print (a - b) * 1024 }'
}

# --- the run ----------------------------------------------------------------------

METRICS=(m1_reached m2_conversion m3_time_in_stage m4_handoff m5_speed_to_lead m6_window_funnel m7_working_speed_to_lead m8_pipeline_snapshot m9_attribution m10_handoff_histogram)
for m in "${METRICS[@]}"; do
    say "checking $m"
    check "$m" align
    if [ -f "$Q/$m.sortfree.sql" ]; then
        check "$m" sortfree
    fi
done

avail() { [ "${STATUS[$1]:-}" = ok ]; }

# (1) and the floor: count(*), the plain funnel (planner's choice, then
# without the covering index), the align funnel.
specs=("count||$Q/count.sql" "plain||$Q/m1_reached.plain.sql"
       "plain_noindex|SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;|$Q/m1_reached.plain.sql")
avail m1_reached && specs+=("align||$Q/m1_reached.align.sql")
time_group m1_reached "${specs[@]}"

for m in m2_conversion m3_time_in_stage m4_handoff m5_speed_to_lead m6_window_funnel m7_working_speed_to_lead m8_pipeline_snapshot m9_attribution m10_handoff_histogram; do
    if [ -f "$Q/$m.plain.sql" ]; then
        specs=("plain||$Q/$m.plain.sql")
        avail "$m" && specs+=("align||$Q/$m.align.sql")
        avail "$m.sortfree" && specs+=("sortfree||$Q/$m.sortfree.sql")
        if [ "$m" = m3_time_in_stage ]; then
            specs+=("floor||$Q/m3_window_floor.sql" "plain_bare||$Q/m3_bare.plain.sql")
            avail "$m" && specs+=("align_bare||$Q/m3_bare.align.sql")
        fi
        time_group "$m" "${specs[@]}"
    fi
done

# Plans: every aggregate with the default settings (the plan users get),
# forced serial (max_parallel_workers_per_gather = 0), and in the parallel
# partial plan with 2 workers that the default settings used to pick (the
# merge of partial states not charged: align.partial_merge_cost = 0); the
# plain funnel likewise (default, serial).
W0='SET max_parallel_workers_per_gather = 0;'
P2='SET max_parallel_workers_per_gather = 2; SET align.partial_merge_cost = 0;'
specs=("plain_default||$Q/m1_reached.plain.sql" "plain_serial|$W0|$Q/m1_reached.plain.sql")
PLAN_AGGS=()
for a in "funnel|m1_reached|m1_reached.align.sql" "handoff_summary|m4_handoff.sortfree|m4_handoff.sortfree.sql" \
         "stage_stays|m3_time_in_stage.sortfree|m3_time_in_stage.sortfree.sql" \
         "window_funnel|m6_window_funnel|m6_window_funnel.align.sql" \
         "pipeline|m8_pipeline_snapshot|m8_pipeline_snapshot.align.sql" \
         "attribution|m9_attribution|m9_attribution.align.sql"; do
    IFS='|' read -r agg status file <<<"$a"
    avail "$status" || continue
    PLAN_AGGS+=("$agg")
    specs+=("${agg}_default||$Q/$file" "${agg}_serial|$W0|$Q/$file" "${agg}_w2|$P2|$Q/$file")
done
ROTATE=1 time_group plans "${specs[@]}"
raw "== plans with the default settings"
for a in "m1_reached.plain.sql" "m1_reached.align.sql" "m4_handoff.sortfree.sql" "m3_time_in_stage.sortfree.sql" "m6_window_funnel.align.sql" "m8_pipeline_snapshot.align.sql"; do
    raw "-- $a"
    raw "$(psql -X -q -c "EXPLAIN (COSTS OFF) $(grep -v '^[[:space:]]*--' "$Q/$a")" 2>&1)"
done
if avail m1_reached; then
    raw "== the funnel's parallel partial plan (align.partial_merge_cost = 0)"
    raw "$(psql -X -q -c 'SET align.partial_merge_cost = 0' -c "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) $(grep -v '^[[:space:]]*--' "$Q/m1_reached.align.sql")" 2>&1)"
fi

# Memory: peak backend memory of the funnel minus that of count(*), per lead;
# and of handoff_summary and stage_stays, which keep within the same budget.
MEM_COUNT= MEM_ALIGN= MEM_PLAIN= MEM_HANDOFF= MEM_STAYS= MEM_WF=
MEM_COUNT=$(peak_memory "$Q/count.sql") || MEM_COUNT=
MEM_PLAIN=$(peak_memory "$Q/m1_reached.plain.sql") || MEM_PLAIN=
avail m1_reached && { MEM_ALIGN=$(peak_memory "$Q/m1_reached.align.sql") || MEM_ALIGN=; }
avail m4_handoff.sortfree && { MEM_HANDOFF=$(peak_memory "$Q/m4_handoff.sortfree.sql") || MEM_HANDOFF=; }
avail m3_time_in_stage.sortfree && { MEM_STAYS=$(peak_memory "$Q/m3_time_in_stage.sortfree.sql") || MEM_STAYS=; }
avail m6_window_funnel && { MEM_WF=$(peak_memory "$Q/m6_window_funnel.align.sql") || MEM_WF=; }
raw "== memory (VmHWM growth in a fresh backend, bytes): count=$MEM_COUNT plain_funnel=$MEM_PLAIN align_funnel=$MEM_ALIGN handoff_summary=$MEM_HANDOFF stage_stays=$MEM_STAYS window_funnel=$MEM_WF"

# The memory budget (issue 18): each aggregate within the default budget
# (work_mem x hash_mem_multiplier: it spills) and without one
# (align.memory_budget = 4GB: it does not), serial; and PostgreSQL's own hash
# aggregate by lead (the plain funnel forced to hash, no index) at the
# default work_mem (it spills) and at 4GB (it does not).  window_funnel by
# lead is PostgreSQL's hash aggregate too (its groups spill; a group's own
# events spill only past the budget): hashed, at the default work_mem and
# budget against 4GB of both.
NOLIMIT="SET align.memory_budget = '4GB';"
HASH='SET enable_sort = off; SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;'
specs=("plain_spill|$W0 $HASH|$Q/m1_reached.plain.sql" "plain_nospill|$W0 $HASH SET work_mem = '4GB';|$Q/m1_reached.plain.sql")
BUDGET_AGGS=()
for a in "funnel|m1_reached|m1_reached.align.sql" "handoff_summary|m4_handoff.sortfree|m4_handoff.sortfree.sql" \
         "stage_stays|m3_time_in_stage.sortfree|m3_time_in_stage.sortfree.sql"; do
    IFS='|' read -r agg status file <<<"$a"
    avail "$status" || continue
    BUDGET_AGGS+=("$agg")
    specs+=("${agg}_spill|$W0|$Q/$file" "${agg}_nospill|$W0 $NOLIMIT|$Q/$file")
done
if avail m6_window_funnel; then
    BUDGET_AGGS+=(window_funnel)
    specs+=("window_funnel_spill|$W0 $HASH|$Q/m6_window_funnel.align.sql"
            "window_funnel_nospill|$W0 $HASH SET work_mem = '4GB'; $NOLIMIT|$Q/m6_window_funnel.align.sql")
fi
ROTATE=1 time_group budget "${specs[@]}"
HASH_MEM=$(align_psql -Atc 'SHOW hash_mem_multiplier' 2>/dev/null) || HASH_MEM=

# DuckDB (test/bench/duckdb/step.sh): the same metrics in DuckDB, answers
# checked against align's, then both timed; before the restart below, so that
# align runs on the default server.
source "$ALIGN_ROOT/test/bench/duckdb/step.sh"
[ -n "$NO_DUCKDB" ] || duckdb_step

# Parallel again, with the server restarted under glibc's huge-page tunable:
# the parallel plan's cost on a VM is mostly first-touch page faults in the
# buffers PostgreSQL allocates to pass the workers' states (see README).
HUGETLB=
if avail m1_reached && as_owner env GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
        "$PGBIN/pg_ctl" -D "$ALIGN_TMP/data" -l "$ALIGN_TMP/server.log" -w -m fast restart >/dev/null 2>&1 9<&-; then
    HUGETLB=1
    align_psql -Atc "SELECT sum(pg_prewarm('bench_events'))" >/dev/null
    time_group parallel_hugetlb "align_w0|$W0|$Q/m1_reached.align.sql" "align_w2|$P2|$Q/m1_reached.align.sql" || HUGETLB=
fi
# Citus (test/bench/citus/step.sh): the aggregates and their plain SQL on a
# coordinator and two workers, in two layouts; last, so that building Citus
# disturbs none of the single-node figures.
[ -n "$NO_CITUS" ] || citus_step
raw "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
raw ""

# --- the table --------------------------------------------------------------------

source "$ALIGN_ROOT/test/bench/report.sh"
report | tee -a "$RAW"
say "raw output saved to ${RAW#"$ALIGN_ROOT"/}"
case $DUCKDB_STATUS in
    ok|skipped*) ;;
    *) say "FAILED: the DuckDB comparison: $DUCKDB_STATUS"; exit 1 ;;
esac
case $CITUS_STATUS in
    ok|skipped*) ;;
    *) say "FAILED: the Citus rows: $CITUS_STATUS"; exit 1 ;;
esac
