#!/usr/bin/env bash
# Every test: builds and installs align, starts a throwaway cluster, runs the
# pg_regress suite (sql/, expected/) and the pgTAP suite (test/pgtap/) through
# pg_prove, then the quick hardening checks (a 30 s fuzz run, dump/restore,
# the upgrade path, hostile schemas, a non-superuser database owner
# installing the trusted extension, 2000 SQLsmith queries), a scheduled
# REFRESH ... CONCURRENTLY by pg_cron (test/cron.sh, 2 minutes), the demo
# page in headless Chromium (test/render.sh, about 30 s), and the Citus
# check (test/citus.sh: builds Citus from ../shared/vendor when that tarball
# is there, about 2 minutes; SKIP otherwise), and PostgreSQL 17 and 18
# (test/versions.sh: both suites on each major, 4 to 6 minutes).  Prints
# regression.diffs and exits non-zero on any failure.
#   bash test/check.sh
# ALIGN_FUZZ_SECONDS and ALIGN_SQLSMITH_QUERIES change the fuzz and SQLsmith
# budgets.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

align_packages sqlsmith
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

# hardening (issue 6): quick fuzz, dump/restore, upgrade path, hostile
# schemas, trusted by a non-superuser (issue 13), a short SQLsmith run;
# each prints its own PASS or FAIL line
export ALIGN_USE_RUNNING=1
for t in "fuzz/fuzz.sh --seconds ${ALIGN_FUZZ_SECONDS:-30}" dump_restore.sh upgrade.sh hostile.sh trusted.sh \
         "sqlsmith.sh --queries ${ALIGN_SQLSMITH_QUERIES:-2000}"; do
    say "${t%% *}"
    if ! bash "$ALIGN_ROOT"/test/$t; then
        status=1
    fi
done

# scheduled refresh (issue 13): its own cluster, with pg_cron preloaded
# The demo's report queries, over a small export: the demo (test/demo.sh)
# must not break unseen.
say "demo report (2000 leads)"
align_psql -c 'CREATE DATABASE align_demo'
if ! { align_psql -d align_demo -v leads=2000 -f "$ALIGN_ROOT/test/data/generate.sql" >/dev/null &&
       align_psql -d align_demo -c 'CREATE EXTENSION align' &&
       psql -X -q -v ON_ERROR_STOP=1 -P pager=off -d align_demo -f "$ALIGN_ROOT/test/demo/report.sql" >/dev/null; }; then
    echo "the demo report failed"
    status=1
fi

# The demo page in headless Chromium (issue 17; about 30 s with the
# chromium and npm installs): pictures checked against plain SQL
say "render.sh"
if ! bash "$ALIGN_ROOT"/test/render.sh; then
    status=1
fi

say "cron.sh"
if ! bash "$ALIGN_ROOT"/test/cron.sh; then
    status=1
fi

# Citus (issue 12): its own private PostgreSQL copy and three servers
say "citus.sh"
if ! bash "$ALIGN_ROOT"/test/citus.sh; then
    status=1
fi

# PostgreSQL 17 and 18 (issue 19): their own servers, builds and clusters
say "versions.sh"
if ! bash "$ALIGN_ROOT"/test/versions.sh; then
    status=1
fi

if [ "$status" -ne 0 ]; then
    say "FAILED"
else
    say "all tests passed"
fi
exit "$status"
