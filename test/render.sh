#!/usr/bin/env bash
# The demo page in a browser (issue 17): installs Debian's chromium (and
# Debian's nodejs and npm where Node.js is missing), and playwright-core
# 1.61.1 (Node.js 18 and later) from npm, pinned by
# test/render/package-lock.json, into a temporary directory; writes the
# demo page of 2,000 leads (bash test/demo.sh --html), checks it parses as
# HTML (xmllint --html) and loads it in headless Chromium
# (test/render/render.mjs), which reads the DOM and fails on any console
# error, page error, failed request, request for anything but the page and
# its data: images, broken image, script or link, and unless the page and
# its pictures show what plain SQL over the same rows says
# (test/render/expected.sql): the report's headings, the funnels' bars and
# stage names in order, the handoff picture's bins and share within the
# SLA.  Takes a full-page screenshot (kept at FILE with --png, else
# discarded with the temporary directory) and checks it is not empty.
#   bash test/render.sh [--png FILE]
# With ALIGN_USE_RUNNING=1 (test/check.sh) it uses the cluster in PGHOST.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PNG=
while [ $# -gt 0 ]; do
    case $1 in
        --png) [ $# -ge 2 ] || { echo "usage: bash test/render.sh [--png FILE]" >&2; exit 2; }
               PNG=$(realpath -m "$2"); shift 2 ;;
        *) echo "usage: bash test/render.sh [--png FILE]" >&2; exit 2 ;;
    esac
done

extra=(chromium fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || extra+=(nodejs npm)
align_packages "${extra[@]}"
if [ "${ALIGN_USE_RUNNING:-}" != 1 ]; then
    align_build
    align_start
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/align-render.XXXXXX")
trap 'rm -rf "$work"; [ "${ALIGN_USE_RUNNING:-}" = 1 ] || align_stop' EXIT
# without --png the screenshot goes with the temporary directory
PNG=${PNG:-$work/page.png}
status=0
fail() { echo "render: $*"; status=1; }

# playwright-core 1.61 runs on Node.js 18 (Debian 12's) and later
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "render: Node.js $(node --version) is too old: playwright-core 1.61 needs 18 or later" >&2
    exit 1
fi
say "installing playwright-core into $work"
cp "$ALIGN_ROOT"/test/render/package.json "$ALIGN_ROOT"/test/render/package-lock.json \
   "$ALIGN_ROOT"/test/render/render.mjs "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

ALIGN_USE_RUNNING=1 bash "$ALIGN_ROOT/test/demo.sh" --html "$work/page.html" 2000
export PGDATABASE=align_demo_page

say "checking the page's HTML (xmllint --html)"
if ! out=$(xmllint --html --noout "$work/page.html" 2>&1) || [ -n "$out" ]; then
    fail "the page is not clean HTML: $(printf '%s\n' "$out" | head -5)"
else
    echo "ok: $work/page.html parses as HTML without errors or warnings ($(wc -c <"$work/page.html") bytes)"
fi

say "what the pictures must show, from plain SQL"
align_psql -At -f "$ALIGN_ROOT/test/render/expected.sql" >"$work/expected.json"
cat "$work/expected.json"

say "loading the page in headless Chromium"
mkdir -p "$(dirname "$PNG")"
rm -f "$PNG"
# the report's headings, counted in its source: the page must show each
headings=$(cat "$ALIGN_ROOT"/test/demo/*.sql | grep -c "^\\\\echo '== ")
if ! (cd "$work" && node render.mjs --page "$work/page.html" --expected "$work/expected.json" \
        --headings "$headings" --png "$PNG"); then
    status=1
fi
if [ ! -s "$PNG" ]; then
    fail "no screenshot at $PNG"
fi

if [ "$status" -ne 0 ]; then
    echo "render: FAIL"
else
    echo "render: PASS (screenshot: $PNG)"
fi
exit "$status"
