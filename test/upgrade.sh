#!/usr/bin/env bash
# Upgrade path: for every version of align that can be installed (an install
# script, or a chain of update scripts, in PostgreSQL's extension directory),
# except the current default: install it, store values (test/upgrade/
# stored.sql), ALTER EXTENSION align UPDATE to the default version, and check
#   - the extension is at the default version;
#   - its catalogue (test/upgrade/catalogue.sql: functions, aggregates, types,
#     operators, casts, operator classes with every property) is identical to
#     a fresh install of the default version;
#   - every stored value reads back as it did before the update.
# While there is one version, it compares a fresh install against a fresh
# install and checks that the harness itself runs.  To add a release: keep
# the old install script as upgrade/align--OLD.sql and write
# upgrade/align--OLD--NEW.sql (the Makefile installs both).
#
#   bash test/upgrade.sh
#
# With ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster in PGHOST.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_packages
    align_build
    align_start
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/align-upgrade.XXXXXX")
trap 'rm -rf "$work"; [ "${ALIGN_USE_RUNNING:-}" = 1 ] || align_stop' EXIT
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
    align_psql -d "$db" -c 'ALTER EXTENSION align UPDATE' >/dev/null || { fail "updating from $v failed"; continue; }
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
exit "$status"
