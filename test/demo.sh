#!/usr/bin/env bash
# The demo: builds and installs align, starts a throwaway cluster, loads a
# generated CRM export and prints the report an analyst would run.
#   bash test/demo.sh [LEADS]              (default 10000 leads)
#   bash test/demo.sh --html FILE [LEADS]  the report as one self-contained
#       HTML page (FILE), after the pictures (test/demo/pictures.sql): inline
#       style, no scripts, no links, the pictures as data: images
# With ALIGN_USE_RUNNING=1 (test/render.sh) it uses the cluster in PGHOST,
# in a database of its own, align_demo_page (made anew).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { echo "usage: bash test/demo.sh [--html FILE] [LEADS]" >&2; exit 2; }
HTML=
if [ "${1:-}" = --html ]; then
    [ $# -ge 2 ] || usage
    HTML=$2
    shift 2
fi
[ $# -le 1 ] || usage
LEADS=${1:-${LEADS:-10000}}
[[ $LEADS =~ ^[1-9][0-9]*$ ]] || usage
if [ "${ALIGN_USE_RUNNING:-}" = 1 ]; then
    align_psql -d postgres -c 'SET client_min_messages = warning' \
        -c 'DROP DATABASE IF EXISTS align_demo_page' -c 'CREATE DATABASE align_demo_page'
    export PGDATABASE=align_demo_page
else
    align_packages
    align_build
    align_start
fi
say "generating a sample CRM export of $LEADS leads"
if [ -z "$HTML" ]; then
    align_psql -v leads="$LEADS" -f "$ALIGN_ROOT/test/data/generate.sql"
else
    align_psql -v leads="$LEADS" -f "$ALIGN_ROOT/test/data/generate.sql" >/dev/null
fi
align_psql -c 'CREATE EXTENSION align'
if [ -z "$HTML" ]; then
    psql -X -v ON_ERROR_STOP=1 -P pager=off -f "$ALIGN_ROOT/test/demo/report.sql"
    exit 0
fi

# Text for HTML: & < > " escaped.
html_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

say "writing the demo page to $HTML"
parts=$(mktemp -d "${TMPDIR:-/tmp}/align-page.XXXXXX")
trap 'rm -rf "$parts"' EXIT
[ "${ALIGN_USE_RUNNING:-}" = 1 ] || trap 'rm -rf "$parts"; align_stop' EXIT
# one session: the report (its \echo lines and its tables in psql's HTML
# format, on stdout), then the pictures (pictures.sql reads the report's
# views), one tab-separated line each
psql -X -q -v ON_ERROR_STOP=1 -P pager=off \
    -c '\pset format html' -f "$ALIGN_ROOT/test/demo/report.sql" \
    -c '\set QUIET on' -c '\pset format unaligned' -c '\pset tuples_only on' \
    -c "\\pset fieldsep '\\t'" -c "\\o '$parts/pictures.tsv'" \
    -f "$ALIGN_ROOT/test/demo/pictures.sql" >"$parts/tables.html"
if [ "$(wc -l <"$parts/pictures.tsv")" -ne 3 ]; then
    echo "demo: test/demo/pictures.sql gave $(wc -l <"$parts/pictures.tsv") pictures, not 3" >&2
    exit 1
fi
{
    cat <<HEAD
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>align demo: a CRM export of $LEADS leads</title>
<style>
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1f2933; background: #fff; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px 0; }
h2 { font-size: 17px; margin: 28px 0 8px 0; padding-top: 8px; border-top: 1px solid #d9dee3; }
p { font-size: 14px; line-height: 1.45; margin: 4px 0; }
p.note { color: #52606d; font-size: 13px; }
div.picture { margin: 12px 0 20px 0; }
div.picture img { display: block; max-width: 100%; height: auto; border: 1px solid #d9dee3; }
div.picture p { color: #52606d; font-size: 13px; }
div.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; margin: 4px 0 8px 0; }
th, td { border: 1px solid #d9dee3; padding: 3px 8px; white-space: nowrap; }
th { background: #f0f3f6; }
tr:nth-child(even) td { background: #f8fafb; }
</style>
</head>
<body>
<h1>align demo</h1>
<p>A generated CRM export of $LEADS leads (test/data/generate.sql): the pictures align draws of it, then the demo's report (test/demo/report.sql).</p>
<h2>Pictures</h2>
HEAD
    while IFS=$'\t' read -r name caption svg; do
        caption=$(html_escape <<<"$caption")
        printf '<div class="picture"><img class="align-picture" data-picture="%s" alt="%s" src="data:image/svg+xml;base64,%s">\n<p>%s</p></div>\n' \
            "$(html_escape <<<"$name")" "$caption" "$svg" "$caption"
    done <"$parts/pictures.tsv"
    # psql's tables pass through (it escapes their text); "== X" lines
    # become headings, other \echo lines notes
    awk 'function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
         /^<table/ { print "<div class=\"table\">"; intable = 1 }
         intable { print; if (/^<\/table>/) { print "</div>"; intable = 0 }; next }
         /^== / { print "<h2>" esc(substr($0, 4)) "</h2>"; next }
         /^[[:space:]]*$/ { next }
         { sub(/^[[:space:]]+/, ""); print "<p class=\"note\">" esc($0) "</p>" }' "$parts/tables.html"
    printf '</body>\n</html>\n'
} >"$HTML"
say "wrote $HTML ($(wc -c <"$HTML") bytes)"
