#!/usr/bin/env bash
# align built with UndefinedBehaviorSanitizer (gcc -fsanitize=undefined, no
# recovery: the first report aborts the backend, which the checks see as a
# crash) into a private PostgreSQL 15 copy, then: the whole pg_regress suite,
# a fuzz run and a SQLsmith run.  UBSan traps signed overflow, bad shifts,
# out-of-bounds indexing of fixed-size arrays, misaligned or null pointers,
# invalid enum and bool values and out-of-range float conversions in align's
# code.  Any report fails the run.
#
# Why not AddressSanitizer here: an align.so built with -fsanitize=address
# needs the ASan runtime preloaded into the postmaster, and Debian 12's
# postgres deadlocks at startup under LD_PRELOAD of either runtime (gcc 12's
# libasan and clang 14's libclang_rt.asan): bindtextdomain() in
# set_pglocale_pgservice() waits forever on glibc's _nl_state_lock.  Memory
# errors are covered instead by test/valgrind.sh (the whole regression suite
# under memcheck) and by the libFuzzer harness test/fuzz/libfuzzer/ (ASan and
# UBSan on the parsers and accessors, outside the server).
#
#   bash test/ubsan.sh [--fuzz-seconds N] [--sqlsmith-queries N]   (defaults 120, 5000)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fuzz_seconds=120
smith_queries=5000
while [ $# -gt 0 ]; do
    case $1 in
        --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
        --sqlsmith-queries) smith_queries=$2; shift 2 ;;
        *) echo "usage: $0 [--fuzz-seconds N] [--sqlsmith-queries N]" >&2; exit 2 ;;
    esac
done

align_packages sqlsmith

# build a copy of the sources with the sanitizers, install it privately
private="${TMPDIR:-/tmp}/align-private-ubsan-$(printf %s "$ALIGN_ROOT" | md5sum | cut -c1-8)"
build=$(mktemp -d "${TMPDIR:-/tmp}/align-ubsan-build.XXXXXX")
cp -r "$ALIGN_ROOT/Makefile" "$ALIGN_ROOT/align.control" "$ALIGN_ROOT/src" "$ALIGN_ROOT/sql" \
    "$ALIGN_ROOT/expected" "$ALIGN_ROOT/test" "$build/"
[ -d "$ALIGN_ROOT/upgrade" ] && cp -r "$ALIGN_ROOT/upgrade" "$build/"
rm -f "$build"/src/*.o "$build"/src/*.bc "$build"/*.so    # rebuild everything with the sanitizer
sanitize="-fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
align_build_private "$private" "$build" COPT="$sanitize -O1 -g" LDFLAGS_SL="$sanitize"

reports=$(mktemp -d "${TMPDIR:-/tmp}/align-ubsan-reports.XXXXXX")
chmod 777 "$reports"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
align_start
trap 'rm -rf "$build" "$reports"; align_stop' EXIT
status=0
# the library really is instrumented
nm -D "$private/usr/lib/postgresql/15/lib/align.so" | grep __ubsan_handle >/dev/null \
    || { echo "ubsan: FAIL: align.so is not instrumented"; exit 1; }

say "ubsan: pg_regress"
# in the build copy, so that a run in the checkout is not disturbed
if ! make -C "$build" -s installcheck PG_CONFIG="$PG_CONFIG"; then
    echo "ubsan: regression diffs:"
    head -80 "$build/regression.diffs"
    status=1
fi
rm -rf "$build"
export ALIGN_USE_RUNNING=1
say "ubsan: fuzz"
bash "$ALIGN_ROOT/test/fuzz/fuzz.sh" --seconds "$fuzz_seconds" --seed 11 || status=1
say "ubsan: sqlsmith"
bash "$ALIGN_ROOT/test/sqlsmith.sh" --queries "$smith_queries" --seed 11 || status=1

if ls "$reports" | grep -q .; then
    status=1
    echo "ubsan: sanitizer reports:"
    cat "$reports"/* | head -80
fi
if grep -qE 'terminated by signal|runtime error' "$ALIGN_TMP/server.log"; then
    status=1
    grep -E -B2 -A20 'terminated by signal|runtime error' "$ALIGN_TMP/server.log" | head -60
fi
rm -rf "$reports"
if [ "$status" -eq 0 ]; then
    echo "ubsan: PASS: pg_regress, ${fuzz_seconds} s of fuzzing and $smith_queries SQLsmith queries with no UBSan report"
else
    echo "ubsan: FAIL"
fi
exit "$status"
