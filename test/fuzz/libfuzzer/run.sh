#!/usr/bin/env bash
# libFuzzer + AddressSanitizer + UBSan over align's parsers and accessors,
# linked outside the server against test/fuzz/libfuzzer/stubs.c.
#
#   bash test/fuzz/libfuzzer/run.sh [SECONDS]      (default 300)
#
# Seeds come from test/fuzz/corpus/ (funnel and lead_stage binaries, stage
# labels, calendars) plus serialized window_funnel states written here; the corpus
# libFuzzer grows is kept in $ALIGN_LIBFUZZER_CORPUS (default a temporary
# directory).  A crash leaves its input as crash-* in the working directory
# and fails the run.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
seconds=${1:-300}
command -v clang >/dev/null || { echo "libfuzzer: FAIL: clang is not installed (apt-get install clang libclang-rt-14-dev)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/align-libfuzzer.XXXXXX")
trap 'rm -rf "$work"' EXIT
corpus=${ALIGN_LIBFUZZER_CORPUS:-$work/corpus}
mkdir -p "$corpus" "$work/seeds"

inc="-I$(/usr/lib/postgresql/15/bin/pg_config --includedir-server) -I$ROOT/src -I$HERE"
flags="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -Wno-ignored-attributes"
for f in stage stage_map memory interval_rule funnel funnel_io funnel_access window_funnel calendar; do
    clang -c $flags $inc "$ROOT/src/$f.c" -o "$work/$f.o"
done
clang -c $flags $inc "$HERE/stubs.c" -o "$work/stubs.o"
clang -c $flags "$HERE/stubs_abort.c" -o "$work/stubs_abort.o"
clang -c $flags $inc "$HERE/harness.c" -o "$work/harness.o"
clang -fsanitize=fuzzer,address,undefined "$work"/*.o "$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir)/libpgcommon.a" -lm -o "$work/fuzz_align" 2>"$work/link.log" \
    || { cat "$work/link.log"; echo "libfuzzer: FAIL: link"; exit 1; }

# seeds: target byte, then the data
i=0
while IFS= read -r label; do
    { printf '\x00'; printf '%s' "$label"; } >"$work/seeds/label-$i"; i=$((i + 1))
done <"$ROOT/test/fuzz/corpus/stage/labels.txt"
for f in "$ROOT"/test/fuzz/corpus/stage/*.bin; do
    { printf '\x01'; cat "$f"; } >"$work/seeds/stage-$(basename "$f")"
done
for f in "$ROOT"/test/fuzz/corpus/funnel/*.bin; do
    { printf '\x02'; cat "$f"; } >"$work/seeds/funnel-$(basename "$f")"
done
# calendars, text and binary, their zones changed to the stubs' two (UTC, Fuzz/DST)
for f in "$ROOT"/test/fuzz/corpus/calendar/*.txt; do
    { printf '\x04'; sed -E 's#tz [A-Za-z_/]+#tz Fuzz/DST#' "$f"; } >"$work/seeds/calendar-$(basename "$f")"
done
for f in "$ROOT"/test/fuzz/corpus/calendar/*.bin; do
    # only the UTC ones read back: the stubs know no other zone
    { printf '\x05'; cat "$f"; } >"$work/seeds/calendar-$(basename "$f")"
done
# window_funnel states: version 1, window (int64 us), modes (int32), n (int32), n x (at int64, slot byte)
printf '\x03\x01\x00\x00\x00\x14\x1d\xd7\x60\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x10\x00\x02\x00\x00\x00\x00\x00\x00\x20\x00\x06' >"$work/seeds/wf-1"
printf '\x03\x01\x7f\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x0f\x00\x00\x00\x02\x80\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff\xff\xff\xff\xff\xff\xff\x07' >"$work/seeds/wf-2"

cd "$work"
set +e
./fuzz_align -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    "$corpus" "$work/seeds" >"$work/fuzz.log" 2>&1
rc=$?
set -e
execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/fuzz.log" | grep -oE '[0-9]+$' || echo 0)
units=$(ls "$corpus" | wc -l)
if [ "$rc" -ne 0 ]; then
    grep -E -A30 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|deadly signal' "$work/fuzz.log" | head -60
    mkdir -p "$ROOT/test/fuzz/crashes"
    cp crash-* timeout-* oom-* "$ROOT/test/fuzz/crashes/" 2>/dev/null || true
    echo "libfuzzer: FAIL after $execs executions (inputs saved in test/fuzz/crashes/)"
    exit 1
fi
echo "libfuzzer: PASS: $execs executions in $seconds s, corpus of $units inputs, no crash, no sanitizer report, round trips exact"
