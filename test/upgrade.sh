#!/usr/bin/env bash
# Upgrade path: for every version of align that can be installed (an install
# script, or a chain of update scripts, in PostgreSQL's extension directory),
# except the current default: install it, store values (test/upgrade/
# stored.sql), ALTER EXTENSION align UPDATE to the default version, and check
#   - the extension is at the default version;
#   - its catalogue (test/upgrade/catalogue.sql: functions, aggregates, types,
#     operators, casts, operator classes with every property) is identical to
#     a fresh install of the default version;
#   - every stored value reads back as it did before the update;
#   - a statement prepared before the update gives the same answer after it
#     in the same session (cached plans are made again).
# While there is one version, it compares a fresh install against a fresh
# install and checks that the harness itself runs.  To add a release: keep
# the old install script as upgrade/align--OLD.sql and write
# upgrade/align--OLD--NEW.sql (the Makefile installs both).
#
# The part above runs old SQL with the current library, so the values it
# stores are written by the current code.  A second part runs what users
# upgrading hit: values written to disk by the 0.1.0 library (funnel format
# version 1), read by the current library.  It builds the 0.1.0 tree (commit
# 9dee7d4, from git) into a private PostgreSQL copy, starts a second cluster
# from it, CREATE EXTENSION align and test/upgrade/stored.sql, reads every
# value back (test/upgrade/values_v1.sql: funnels as jsonb without the keys
# version 2 added and through every accessor), COPYs the stored funnels out
# in text and binary; then stops that cluster, installs the current tree
# into the same copy, starts it again, ALTER EXTENSION align UPDATE, checks
# the version and that every value reads the same, and runs
# test/upgrade/mixed_v1.sql (rollups of stored and freshly built funnels,
# enum funnels read with the enum, the COPYs of 0.1.0 loaded back).  Without
# git history (a tarball checkout) that part prints SKIP.
#
#   bash test/upgrade.sh
#
# With ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster in PGHOST;
# the second cluster has its own directory and leaves that one alone.
# ALIGN_UPGRADE_V1=0 leaves the second part out (test/versions.sh: on
# PostgreSQL 17 and 18, whose servers the 0.1.0 library is not built for).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages
    align_build
    align_start
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/align-upgrade.XXXXXX")

# the second cluster (second part, below), defined before the trap stops it
old_commit=9dee7d4
old_version=0.1.0
old_pg=$work/cluster        # the second cluster: data, socket, log
old_port=5433               # in its own socket directory, so no clash anyway
old_priv=$work/pg          # the private PostgreSQL copy both libraries go to
old_bin=$old_priv/usr/lib/postgresql/15/bin
old_user=$ALIGN_SUPERUSER

# Stops the second cluster, if it runs (fast between versions, immediate on exit).
old_stop() {
    if [ -x "$old_bin/pg_ctl" ] && [ -f "$old_pg/data/postmaster.pid" ]; then
        as_owner "$old_bin/pg_ctl" -D "$old_pg/data" -m "${1:-fast}" -w stop >/dev/null 2>&1 || true
    fi
}

# Starts the second cluster from the private copy (creating it on first use).
old_start() {
    if [ ! -d "$old_pg/data" ]; then
        mkdir -p "$old_pg"
        chmod 755 "$old_pg"
        [ "$(id -u)" -ne 0 ] || chown postgres: "$old_pg"
        cluster_init "$old_bin" "$old_pg" "$old_user" || return 1
    fi
    cluster_start "$old_bin" "$old_pg" \
        "-c listen_addresses='' -c unix_socket_directories='$old_pg' -c port=$old_port -c fsync=off" \
        || { tail -20 "$old_pg/server.log" >&2; return 1; }
}

# psql on the second cluster; PGHOST and the rest stay the main cluster's.
old_psql() {
    PGHOST=$old_pg PGPORT=$old_port PGUSER=$old_user PGDATABASE=postgres \
        "$old_bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

trap 'old_stop immediate; rm -rf "$work"; [ "${ALIGN_USE_RUNNING:-}" = 1 ] || align_stop' EXIT
trap 'exit 130' INT TERM
export PGOPTIONS='-c client_min_messages=warning'
status=0
fail() { echo "upgrade: $*"; status=1; }
catalogue() { align_psql -d "$1" -At -f "$ALIGN_ROOT/test/upgrade/catalogue.sql"; }
values() { align_psql -d "$1" -At -f "$ALIGN_ROOT/test/upgrade/values.sql"; }
fresh_db() { align_psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }

current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$ALIGN_ROOT/align.control")
fresh_db align_upgrade_fresh
align_psql -d align_upgrade_fresh -c 'CREATE EXTENSION align' -f "$ALIGN_ROOT/test/upgrade/stored.sql" >/dev/null
catalogue align_upgrade_fresh >"$work/catalogue.fresh"
values align_upgrade_fresh >"$work/values.fresh"
[ -s "$work/catalogue.fresh" ] || fail "the catalogue query found no align objects"

# every installable version, oldest first
versions=$(align_psql -d postgres -At -c "
    SELECT version FROM pg_available_extension_versions WHERE name = 'align'
    ORDER BY string_to_array(regexp_replace(version, '[^0-9.]', '', 'g'), '.')::int[], version")
paths=$(align_psql -d postgres -At -c "
    SELECT source || ' -> ' || target || ': ' || path FROM pg_extension_update_paths('align')
    WHERE path IS NOT NULL AND target = '$current'")
checked=0
for v in $versions; do
    [ "$v" = "$current" ] && [ "$(echo "$versions" | wc -w)" -gt 1 ] && continue
    db=align_upgrade_from_${v//[^0-9a-zA-Z]/_}
    fresh_db "$db"
    align_psql -d "$db" -c "CREATE EXTENSION align VERSION '$v'" \
        -f "$ALIGN_ROOT/test/upgrade/stored.sql" >/dev/null || { fail "installing $v failed"; continue; }
    values "$db" >"$work/values.before"
    # a statement prepared before the update, executed after it in the same
    # session, must be planned again (the update repoints aggregates)
    prepared=$(align_psql -d "$db" -At \
        -c "PREPARE wf AS SELECT md5(string_agg(format('%s %s', lead_id, w), ',' ORDER BY lead_id)) FROM (SELECT lead_id, window_funnel(interval '7 days', at, stage) AS w FROM stage_history GROUP BY lead_id) x" \
        -c 'EXECUTE wf' -c 'ALTER EXTENSION align UPDATE' -c 'EXECUTE wf' 2>&1) \
        || { fail "updating from $v failed: $prepared"; continue; }
    before=$(echo "$prepared" | sed -n 1p)
    after=$(echo "$prepared" | sed -n '$p')
    [ "$before" = "$after" ] || fail "a statement prepared before updating from $v read $after after the update, $before before"
    got=$(align_psql -d "$db" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'align'")
    [ "$got" = "$current" ] || fail "updating from $v ended at version $got, not $current"
    catalogue "$db" >"$work/catalogue.updated"
    if ! diff -u "$work/catalogue.fresh" "$work/catalogue.updated"; then
        fail "the catalogue after updating from $v differs from a fresh install of $current"
    fi
    values "$db" >"$work/values.after"
    diff -u "$work/values.before" "$work/values.after" || fail "values stored under $v read back differently after the update"
    # the updated database computes what a fresh one does
    diff -u "$work/values.fresh" "$work/values.after" >/dev/null \
        || fail "values computed after updating from $v differ from a fresh install"
    checked=$((checked + 1))
done

objects=$(wc -l <"$work/catalogue.fresh")
if [ "$status" -eq 0 ] && [ "$checked" -gt 0 ]; then
    echo "upgrade: PASS: $checked version(s) [$(echo $versions)] updated to $current; catalogue ($objects lines) and stored values match a fresh install${paths:+; paths: $paths}"
else
    echo "upgrade: FAIL"
    status=1
fi

# --- values stored by the 0.1.0 library, read by the current one ---------
# Runs the part (in a subshell with set -e: align_build_private's PGBIN
# stays there, and the main cluster's align_stop keeps its own binaries);
# prints its PASS line, returns non-zero on failure.
stored_by_old_library() {
    local old_status=0 got checks bad start=$SECONDS
    ofail() { echo "upgrade: values stored by $old_version: $*"; old_status=1; }

    # the server (postgres, when run as root) reaches the copy and the cluster
    chmod 755 "$work"
    mkdir "$work/old"
    git -C "$ALIGN_ROOT" archive "$old_commit" | tar -x -C "$work/old"
    align_build_private "$old_priv" "$work/old"
    old_start
    say "align $old_version library: storing values"
    old_psql -c 'CREATE EXTENSION align' -f "$ALIGN_ROOT/test/upgrade/stored.sql" >/dev/null
    got=$(old_psql -At -c "SELECT extversion FROM pg_extension WHERE extname = 'align'")
    [ "$got" = "$old_version" ] || ofail "the $old_commit tree installed version $got, not $old_version"
    old_psql -At -f "$ALIGN_ROOT/test/upgrade/values_v1.sql" >"$work/v1.before"
    ! grep -n '|$' "$work/v1.before" || ofail "test/upgrade/values_v1.sql read nothing (NULL) for the sources above"
    old_psql -c "\\copy daily_funnel TO '$work/daily_funnel.bin' (FORMAT binary)" \
        -c "\\copy daily_funnel TO '$work/daily_funnel.txt'"
    old_stop fast

    align_build_private "$old_priv" "$ALIGN_ROOT"
    old_start
    say "align $current library: reading them after ALTER EXTENSION align UPDATE"
    old_psql -c 'ALTER EXTENSION align UPDATE' >/dev/null
    got=$(old_psql -At -c "SELECT extversion FROM pg_extension WHERE extname = 'align'")
    [ "$got" = "$current" ] || ofail "updating ended at version $got, not $current"
    old_psql -At -f "$ALIGN_ROOT/test/upgrade/values_v1.sql" >"$work/v1.after" \
        || ofail "reading the stored values failed"
    diff -u "$work/v1.before" "$work/v1.after" \
        || ofail "values stored by the $old_version library read differently with the $current library"
    old_psql -c 'CREATE TABLE daily_funnel_bin (LIKE daily_funnel)' -c 'CREATE TABLE daily_funnel_txt (LIKE daily_funnel)' \
        -c "\\copy daily_funnel_bin FROM '$work/daily_funnel.bin' (FORMAT binary)" \
        -c "\\copy daily_funnel_txt FROM '$work/daily_funnel.txt'" \
        || ofail "loading the text and binary COPY of $old_version failed"
    checks=$(old_psql -At -f "$ALIGN_ROOT/test/upgrade/mixed_v1.sql") || ofail "test/upgrade/mixed_v1.sql failed"
    bad=$(printf '%s\n' "$checks" | grep -v '|t$' || true)
    [ -z "$bad" ] || ofail "failed checks:"$'\n'"$bad"
    old_stop fast

    if [ "$old_status" -eq 0 ] && [ -s "$work/v1.before" ]; then
        echo "upgrade: PASS: values stored by the $old_version library ($old_commit) read the same with the $current library after ALTER EXTENSION align UPDATE ($(wc -l <"$work/v1.before") sources: funnels by document and every accessor); $(printf '%s\n' "$checks" | wc -l) checks of old and new funnels together; $((SECONDS - start)) s"
    else
        return 1
    fi
}

if [ "${ALIGN_UPGRADE_V1:-}" = 0 ]; then
    echo "upgrade: SKIP: values stored by the $old_version library not checked (ALIGN_UPGRADE_V1=0: test/check.sh checks them on PostgreSQL 15)"
elif ! git -C "$ALIGN_ROOT" rev-parse -q --verify "$old_commit^{commit}" >/dev/null 2>&1; then
    echo "upgrade: SKIP: no git history (commit $old_commit, align $old_version, is not in $ALIGN_ROOT): values stored by the $old_version library not checked"
else
    # not in a condition: there, bash would ignore set -e inside
    set +e
    (set -e; stored_by_old_library)
    old_rc=$?
    set -e
    if [ "$old_rc" -ne 0 ]; then
        echo "upgrade: FAIL: values stored by the $old_version library"
        status=1
    fi
fi
exit "$status"
