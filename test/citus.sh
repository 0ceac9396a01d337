#!/usr/bin/env bash
# Citus: align on a coordinator and two workers, against single-node answers.
#
# Needs the Citus source tarball next to the checkout (../shared/vendor/, see
# its README.md); without it, prints a SKIP line and exits 0.  Otherwise:
#   1. installs the Debian packages the vendor README names, builds Citus
#      from the tarball with its patch into a private copy of PostgreSQL 15
#      (once per run, nothing cached across runs), builds align into the
#      same copy;
#   2. starts a coordinator and two workers on 127.0.0.1 on free ports
#      (shared_preload_libraries = citus), CREATE EXTENSION citus on each,
#      adds the workers, CREATE EXTENSION align on the coordinator;
#   3. generates a CRM export (test/data/generate.sql, ALIGN_CITUS_LEADS
#      leads, 30,000 by default) and loads it into plain tables (the
#      single-node reference) and into Citus tables distributed by the lead
#      and by something else (test/citus/setup.sql);
#   4. runs test/citus/checks.sql: every answer byte for byte the
#      single-node one, and EXPLAIN VERBOSE shows the aggregates pushed to
#      the workers; one PASS or FAIL line per check;
#   5. measures, with Citus' EXPLAIN ANALYZE, the bytes the coordinator
#      receives per lead for funnel(lead, stage, at) in both layouts.
# Ends with "N passed, M failed" and exits non-zero on any failure.  Stops
# the servers and removes everything it made on exit, also on failure.
# Works as root (the servers then run as the postgres user) and as a normal
# user with sudo.
#
#   bash test/citus.sh
#   ALIGN_CITUS_PREFIX=DIR bash test/citus.sh   # reuse a private PostgreSQL
#                                               # copy with Citus in it: no build
#   ALIGN_CITUS_KEEP=1 ...                      # leave the nodes running
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ALIGN_ROOT/test/citus/cluster.sh"   # the build and the nodes

START=$SECONDS
LEADS=${ALIGN_CITUS_LEADS:-30000}

if [ ! -f "$CITUS_TARBALL" ]; then
    echo "citus: SKIP: no Citus source ($CITUS_TARBALL)"
    exit 0
fi

citus_packages

WORK=$(mktemp -d "${TMPDIR:-/tmp}/align-citus.XXXXXX")
CITUS_DIR=$WORK                     # the nodes; the private PostgreSQL copy in pg/

# Stops every node that runs and removes the work directory.
citus_cleanup() {
    if [ "${ALIGN_CITUS_KEEP:-}" = 1 ]; then
        say "kept: $WORK (coordinator: psql -h 127.0.0.1 -p ${CITUS_PORT[coordinator]:-?} -U ${PGUSER:-} postgres)"
        return
    fi
    citus_nodes_stop
    rm -rf "$WORK"
}
trap citus_cleanup EXIT
trap 'exit 130' INT TERM
# the servers (postgres, when run as root) reach the copy and their directories
chmod 755 "$WORK"

# --- 1. Citus and align in a private PostgreSQL copy ---------------------
citus_build || { echo "citus: FAIL: $CITUS_ERROR"; exit 1; }
export PATH="$CITUS_BIN:$PATH"

# --- 2. a coordinator and two workers ------------------------------------
export PGUSER=$ALIGN_SUPERUSER
export PGDATABASE=postgres PGHOST=127.0.0.1
citus_cluster_start || { echo "citus: FAIL: $CITUS_ERROR"; exit 1; }

# --- 3. the data -----------------------------------------------------------
say "generating $LEADS leads and loading them"
t0=$SECONDS
on_coord -v leads="$LEADS" -f "$ALIGN_ROOT/test/data/generate.sql" >/dev/null
on_coord -f "$ALIGN_ROOT/test/citus/setup.sql" >/dev/null
load_secs=$((SECONDS - t0))

# --- 4. the checks -------------------------------------------------------
passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# The check's query with the tables of a layout (local, lead, other).
tables() {
    local q=$1
    case $2 in
        local) q=${q//@hist@/hist_local}; q=${q//@leads@/leads_local}; q=${q//@daily@/daily_local} ;;
        lead) q=${q//@hist@/hist_by_lead}; q=${q//@leads@/leads_by_lead}; q=${q//@daily@/daily_by_day} ;;
        other) q=${q//@hist@/hist_by_event}; q=${q//@leads@/leads_by_channel}; q=${q//@daily@/daily_by_channel} ;;
    esac
    printf '%s\n' "$q"
}
declare -A LAYOUT_NAME=([lead]="by lead" [other]="by other")

# Runs one check: kind (same, or true:LAYOUT), name, query.
run_check() {
    local kind=$1 name=$2 query=$3 layout layouts
    if [ "$kind" = same ]; then
        if ! on_coord -At -c "$(tables "$query" local)" >"$WORK/ref.out" 2>"$WORK/ref.err"; then
            fail "single node: $name: $(head -c 300 "$WORK/ref.err")"
            return
        fi
        for layout in lead other; do
            if ! on_coord -At -c "$(tables "$query" $layout)" >"$WORK/dist.out" 2>"$WORK/dist.err"; then
                fail "${LAYOUT_NAME[$layout]}: $name: $(head -c 300 "$WORK/dist.err")"
            elif ! cmp -s "$WORK/ref.out" "$WORK/dist.out"; then
                fail "${LAYOUT_NAME[$layout]}: $name: differs from the single-node answer"
                diff "$WORK/ref.out" "$WORK/dist.out" | head -c 600 >&2 || true
            else
                pass "${LAYOUT_NAME[$layout]}: $name ($(wc -l <"$WORK/ref.out") rows, $(wc -c <"$WORK/ref.out") bytes, same as single node)"
            fi
        done
    else
        layouts=${kind#true:}
        [ "$layouts" != both ] || layouts="lead other"
        for layout in $layouts; do
            got=$(on_coord -At -c "$(tables "$query" $layout)" 2>&1) || true
            if [ "$got" = t ]; then
                pass "${LAYOUT_NAME[$layout]}: $name"
            else
                fail "${LAYOUT_NAME[$layout]}: $name${got:+: $(printf '%s' "$got" | head -c 300)}"
            fi
        done
    fi
}

say "checks (test/citus/checks.sql)"
t0=$SECONDS
kind='' name='' query=''
while IFS= read -r line || [ -n "$line" ]; do
    case $line in
        "-- same: "* | "-- true "*": "* | "-- "* | "")
            if [ -n "$kind" ] && [ -n "$query" ]; then
                run_check "$kind" "$name" "$query"
            fi
            kind='' name='' query=''
            case $line in
                "-- same: "*) kind=same name=${line#-- same: } ;;
                "-- true "*": "*)
                    name=${line#-- true }
                    kind=true:${name%%: *}
                    name=${name#*: } ;;
            esac
            ;;
        *)
            [ -z "$kind" ] || query+="$line"$'\n' ;;
    esac
done <"$ALIGN_ROOT/test/citus/checks.sql"
[ -z "$kind" ] || [ -z "$query" ] || run_check "$kind" "$name" "$query"
check_secs=$((SECONDS - t0))

# --- 5. bytes shipped to the coordinator per lead ------------------------
# the text of the shards' partial states (Citus' EXPLAIN ANALYZE cannot run
# a worker_partial_agg query, see test/citus/setup.sql); for comparison,
# the rows Citus pulls for an aggregate it cannot push down (a lead key
# without a concrete aggregate), from EXPLAIN ANALYZE.
nleads=$(on_coord -At -c 'SELECT count(DISTINCT lead_id) FROM hist_local')
per_lead() { awk -v b="$1" -v n="$nleads" 'BEGIN { printf "%.1f", b / n }'; }
measure() {
    local what=$1 sql=$2 bytes
    if bytes=$(on_coord -At -c "$sql" 2>"$WORK/measure.err") && [ -n "$bytes" ]; then
        echo "citus: $what: $bytes bytes to the coordinator for $nleads leads: $(per_lead "$bytes") bytes per lead"
    else
        fail "measuring $what: $(head -c 300 "$WORK/measure.err")"
    fi
}
for layout in lead other; do
    table=$(tables @hist@ $layout)
    measure "${LAYOUT_NAME[$layout]}: funnel(bigint lead, stage, at), partial states" \
        "SELECT partial_state_bytes('$table', 'funnel(bigint, lead_stage, timestamptz)', 'lead_id, stage, at')"
    measure "${LAYOUT_NAME[$layout]}: funnel(text lead, stage, at, within), partial states" \
        "SELECT partial_state_bytes('$table', 'funnel(text, lead_stage, timestamptz, interval)', 'lead_text, stage, at, interval ''30 days''')"
    measure "${LAYOUT_NAME[$layout]}: handoff_summary(bigint lead, text owner), partial states" \
        "SELECT partial_state_bytes('$table', 'handoff_summary(bigint, timestamptz, text, interval)', 'lead_id, at, owner, interval ''2 days''')"
    measure "${LAYOUT_NAME[$layout]}: stage_stays(bigint lead), partial states" \
        "SELECT partial_state_bytes('$table', 'stage_stays(bigint, timestamptz, lead_stage)', 'lead_id, at, stage')"
    measure "${LAYOUT_NAME[$layout]}: window_funnel GROUP BY lead_id, partial states" \
        "SELECT partial_state_bytes('$table', 'window_funnel(interval, timestamptz, lead_stage)', 'interval ''30 days'', at, stage', 'lead_id')"
    measure "${LAYOUT_NAME[$layout]}: handoff_summary(oid lead: no concrete aggregate), rows pulled" \
        "SELECT bytes_received(\$q\$SELECT handoff_summary(lead_id::oid, at, owner, interval '2 days') FROM $table\$q\$)"
done

# --- 6. timings (indicative, not checked: the nodes share this machine) ---
# median of 5 wall-clock runs after a warm-up, each query on one server's
# plain tables and on the two distributed layouts
median_ms() {
    local sql=$1 t r
    for r in 0 1 2 3 4 5; do
        t=$(on_coord -At -c '\timing on' -c "$sql" 2>/dev/null | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
        [ "$r" -gt 0 ] && echo "$t"
    done | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", v[int((NR + 1) / 2)] }'
}
for q in "funnel(lead_id, stage, at)|SELECT funnel(lead_id, stage, at) IS NOT NULL FROM @hist@" \
         "handoff_summary|SELECT handoff_summary(lead_id, at, owner, interval '2 days') IS NOT NULL FROM @hist@" \
         "count(*)|SELECT count(*) FROM @hist@"; do
    line="citus: timing ${q%%|*}, ms:"
    for layout in local lead other; do
        line+=" $layout $(median_ms "$(tables "${q#*|}" $layout)");"
    done
    echo "$line"
done

echo "citus: Citus build ${CITUS_BUILD_SECS} s, data ${load_secs} s ($LEADS leads), checks ${check_secs} s, total $((SECONDS - START)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
