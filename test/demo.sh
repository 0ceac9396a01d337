#!/usr/bin/env bash
# The demo: builds and installs align, starts a throwaway cluster, loads a
# generated CRM export and prints the report an analyst would run.
#   bash test/demo.sh [LEADS]        (default 10000 leads)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LEADS=${1:-${LEADS:-10000}}
align_packages
align_build
align_start
say "generating a sample CRM export of $LEADS leads"
align_psql -v leads="$LEADS" -f "$ALIGN_ROOT/test/data/generate.sql"
align_psql -c 'CREATE EXTENSION align'
psql -X -v ON_ERROR_STOP=1 -P pager=off -f "$ALIGN_ROOT/test/demo/report.sql"
