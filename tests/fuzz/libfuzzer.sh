#!/bin/sh
# libfuzzer.sh - run every tests/fuzz/fuzz_X.c harness under clang's libFuzzer
#
# Called by `make fuzz` after it has built build-fuzz/libdkimlens.a with
# clang and -fsanitize=fuzzer-no-link,address,undefined.  For each harness
# this compiles its object with the same flags (through the Makefile's own
# rule), links it with -fsanitize=fuzzer (libFuzzer's main, not replay.c)
# into build-fuzz/tests/fuzz/fuzz_X, and fuzzes it for FUZZ_SECONDS
# (default 60) starting from tests/fuzz/corpus/X.  New inputs go to
# build-fuzz/corpus/X (the seed corpus in the tree is only read), crashes
# to build-fuzz/crashes/X-*, libFuzzer's output to build-fuzz/fuzz-log/.
# Replay a crash with the `make check` build:
#   build-san/tests/fuzz/fuzz_X build-fuzz/crashes/X-crash-...
#
# Environment: FUZZ_SECONDS (per harness), FUZZ_TARGETS ("sig msg" runs
# fuzz_sig and fuzz_msg only), FUZZ_ARGS (more libFuzzer options), FUZZ_B
# (the build tree, default build-fuzz, e.g. one built by hand with
#   make B=DIR CC=clang CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined'
# ).  Exit status: 0 when no harness crashed, 1 otherwise, 2 when the
# tools are missing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
B=${FUZZ_B:-build-fuzz}
CC=${CC:-clang}
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_ARGS:=}"
fuzzflags='-O1 -g -fsanitize=fuzzer-no-link,address,undefined -Wno-unknown-warning-option'

# libFuzzer ships in clang's runtime package on Debian: check before work.
probe=$(mktemp -d) || exit 2
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' >"$probe/p.c"
if ! command -v "$CC" >/dev/null 2>&1 ||
    ! "$CC" -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" \
    >"$probe/log" 2>&1; then
	echo "libfuzzer.sh: $CC cannot link -fsanitize=fuzzer programs." >&2
	[ -s "$probe/log" ] && sed 's/^/  /' "$probe/log" >&2
	echo "Install clang and its libFuzzer runtime, then rerun make fuzz:" >&2
	echo "  apt-get install clang libclang-rt-14-dev" >&2
	exit 2
fi

# The link libraries, exactly as the Makefile computes them.
libs=$(printf 'fuzz-print-libs:\n\t@echo $(LIBS)\n' |
    make --no-print-directory -s -f Makefile -f - B=$B fuzz-print-libs)
if [ ! -f "$B/libdkimlens.a" ]; then
	echo "libfuzzer.sh: $B/libdkimlens.a is missing; run make fuzz" >&2
	exit 2
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
mkdir -p "$B/crashes" "$B/fuzz-log"
ran=0 crashed=0
for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in
		*" $short "*) ;;
		*) continue ;;
		esac
	fi
	obj=$B/tests/fuzz/$name.o
	bin=$B/tests/fuzz/$name
	if ! make --no-print-directory -s B=$B CC="$CC" CFLAGS="$fuzzflags" \
	    "$obj" || ! "$CC" -fsanitize=fuzzer,address,undefined -o "$bin" \
	    "$obj" "$B/libdkimlens.a" $libs; then
		echo "FAIL $name: does not build"
		crashed=$((crashed + 1))
		continue
	fi
	mkdir -p "$B/corpus/$short"
	echo "== $name: ${FUZZ_SECONDS}s from tests/fuzz/corpus/$short"
	# shellcheck disable=SC2086
	if "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$B/crashes/$short-" $FUZZ_ARGS \
	    "$B/corpus/$short" "tests/fuzz/corpus/$short" \
	    >"$B/fuzz-log/$short.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$B/fuzz-log/$short.log")
		echo "ok   $name (${runs:-?} runs," \
		    "$(ls "$B/corpus/$short" | wc -l) inputs kept)"
	else
		echo "FAIL $name: see $B/fuzz-log/$short.log"
		tail -n 30 "$B/fuzz-log/$short.log" | sed 's/^/  /'
		crashed=$((crashed + 1))
	fi
	ran=$((ran + 1))
done
echo "$ran harnesses fuzzed, $crashed failed"
[ "$crashed" -eq 0 ]
