#!/bin/sh
# run.sh - run every dkimlens test suite and total them
#
# Suites: lint, the cmocka unit tests (build/ and again in the ASan+UBSan
# tree build-san/), the fuzz corpus replays (build-san/), then every
# tests/SUITE/run.sh (keytool, report, interop, dns, diag, e2e, hostile,
# deb, daemon).  Each program
# prints TAP ("1..N" before or after its lines, "ok N - what", "not ok N -
# what", "ok N - what # SKIP why").  Every program is held to its own
# output, not to the suite's log:
#   - it must print exactly one plan, and as many test lines as it says;
#     a program that stops early (an `exit 0` midway, a crash) falls short
#     of its plan or prints none, and that is a failure;
#   - a non-zero exit with no "not ok" line of its own, or death by a
#     signal whatever it printed, is a failure;
#   - a suite or program that should exist but does not (a misspelled
#     SUITES name, a unit test whose binary was not built, a fuzz harness
#     without its replay binary) is a failure.
# Each failure the runner adds is one "not ok" line naming the program and
# what went wrong.  Output goes to build/tests/log/SUITE.log; the last line
# is the total of every suite, alone on its line:
#   N passed, N failed, N skipped
# Exit status: 0 when nothing failed, 1 otherwise.
# SUITES="unit dns" limits the run to some suites.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
logdir=$top/build/tests/log
mkdir -p "$logdir"
all_suites="lint unit unit-san fuzz keytool report interop dns diag e2e hostile deb daemon"
: "${SUITES:=$all_suites}"
export DKIMLENS_TOP="$top"
export KEYTOOL="$top/build/dkimlens-keytool"
export MILTER="$top/build/dkimlens-milter"
export CMOCKA_MESSAGE_OUTPUT=TAP
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT

pass=0 fail=0 skip=0
# per-suite counts, reset for each suite
sp=0 sf=0 ss=0

# broken LOG WHAT - a failure the runner found, as a TAP line in the log
broken() {
	echo "not ok - $2" >>"$1"
	sf=$((sf + 1))
}

# judge LOG NAME RC - count one program's TAP output (in $out) and hold it
# to its plan and its exit status
judge() {
	log=$1 name=$2 rc=$3
	cat "$out" >>"$log"
	p=$(grep -cE '^ok [0-9]+' "$out")
	s=$(grep -E '^ok [0-9]+' "$out" | grep -ciE '# *skip')
	f=$(grep -cE '^not ok [0-9]+' "$out")
	plans=$(grep -cE '^1\.\.[0-9]+' "$out")
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" |
	    awk '{ t += $1 } END { print t + 0 }')
	sp=$((sp + p - s)) ss=$((ss + s)) sf=$((sf + f))
	if [ "$rc" -gt 128 ]; then
		broken "$log" "$name killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		broken "$log" "$name exited with status $rc and no failed test"
	fi
	if [ "$plans" -eq 0 ]; then
		broken "$log" "$name printed no TAP plan (stopped early?) after $((p + f)) tests"
	elif [ "$planned" -ne $((p + f)) ]; then
		broken "$log" "$name planned $planned tests, ran $((p + f))"
	fi
}

# runprog LOG NAME PROG... - run one program and judge it
runprog() {
	log=$1 name=$2
	shift 2
	echo "# $name" >>"$log"
	"$@" >"$out" 2>&1
	judge "$log" "$name" $?
}

# binof LOG DIR SRC - the binary DIR/X built from SRC (X.c) in $bin;
# logs a failure and returns 1 when it is missing
binof() {
	bin=$2/$(basename "$3" .c)
	[ -x "$bin" ] && return 0
	broken "$1" "$bin is missing (not built from $3?)"
	return 1
}

for suite in $SUITES; do
	log=$logdir/$suite.log
	: >"$log"
	sp=0 sf=0 ss=0
	case $suite in
	unit|unit-san)
		b=build
		[ "$suite" = unit-san ] && b=build-san
		for src in tests/unit/test_*.c; do
			binof "$log" "$b/tests/unit" "$src" || continue
			runprog "$log" "$bin" ${VALGRIND:-} "$bin"
		done
		;;
	fuzz)
		for src in tests/fuzz/fuzz_*.c; do
			binof "$log" build-san/tests/fuzz "$src" || continue
			t=$bin name=$(basename "$bin")
			corpus=tests/fuzz/corpus/${name#fuzz_}
			echo "# $t" >>"$log"
			"$t" "$corpus" >"$out" 2>&1
			rc=$?
			cat "$out" >>"$log"
			if [ $rc -eq 0 ]; then
				echo "ok 1 - $name replays its corpus" >>"$log"
				sp=$((sp + 1))
			else
				broken "$log" "$name failed on its corpus (status $rc)"
			fi
		done
		;;
	*)
		if [ -f "tests/$suite/run.sh" ]; then
			runprog "$log" "tests/$suite/run.sh" sh "tests/$suite/run.sh"
		else
			broken "$log" "no suite '$suite' (tests/$suite/run.sh; suites: $all_suites)"
		fi
		;;
	esac
	# the runner's own lines (not ok - ...) were counted by broken()
	printf '%-10s %4d passed, %d failed, %d skipped\n' "$suite" "$sp" "$sf" "$ss"
	grep -E '^not ok' "$log" | sed 's/^/    /'
	pass=$((pass + sp)) fail=$((fail + sf)) skip=$((skip + ss))
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
