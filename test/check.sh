#!/usr/bin/env bash
# Every test: builds and installs align, starts a throwaway cluster, runs the
# pg_regress suite (sql/, expected/) and the pgTAP suite (test/pgtap/) through
# pg_prove.  Prints regression.diffs and exits non-zero on any failure.
#   bash test/check.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

align_packages
align_build
align_start

status=0
say "pg_regress"
if ! make -C "$ALIGN_ROOT" -s installcheck PG_CONFIG="$PG_CONFIG"; then
    status=1
    if [ -f "$ALIGN_ROOT/regression.diffs" ]; then
        echo "----- regression.diffs -----"
        cat "$ALIGN_ROOT/regression.diffs"
    fi
fi

say "pgTAP"
align_psql -c 'CREATE DATABASE align_tap'
align_psql -d align_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION align'
if ! pg_prove -d align_tap --ext .sql "$ALIGN_ROOT"/test/pgtap/; then
    status=1
fi

if [ "$status" -ne 0 ]; then
    say "FAILED"
else
    say "all tests passed"
fi
exit "$status"
