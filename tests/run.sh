#!/bin/sh
# run.sh - run every dkimlens test suite and total them
#
# Suites: the cmocka unit tests (build/ and again in the ASan+UBSan tree
# build-san/), the fuzz corpus replays (build-san/), then every
# tests/SUITE/run.sh (keytool, interop, dns, diag, e2e).  Each suite prints TAP
# ("ok N - what", "not ok N - what", "ok N - what # SKIP why"); this script
# copies it to tests/log/SUITE.log, shows failures and ends with one line:
#   N passed, N failed, N skipped
# Exit status: 0 when nothing failed, 1 otherwise.
# SUITES="unit dns" limits the run to some suites.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
logdir=$top/build/tests/log
mkdir -p "$logdir"
: "${SUITES:=lint unit unit-san fuzz keytool interop dns diag e2e}"
export DKIMLENS_TOP="$top"
export KEYTOOL="$top/build/dkimlens-keytool"
export MILTER="$top/build/dkimlens-milter"
export CMOCKA_MESSAGE_OUTPUT=TAP

pass=0 fail=0 skip=0

# tally LOG SUITE - count the TAP lines of one suite's log
tally() {
	p=$(grep -cE '^ok [0-9]+' "$1" | tr -d ' ')
	s=$(grep -E '^ok [0-9]+' "$1" | grep -ciE '# *skip' | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$1" | tr -d ' ')
	p=$((p - s))
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	printf '%-10s %4d passed, %d failed, %d skipped\n' "$2" "$p" "$f" "$s"
	grep -E '^not ok [0-9]+' "$1" | sed 's/^/    /'
}

# runprog LOG PROG... - run one program, turning a crash into a failure
runprog() {
	log=$1
	shift
	"$@" >>"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log"; then
		echo "not ok 1 - $(basename "$1") exited with status $rc" >>"$log"
	fi
}

for suite in $SUITES; do
	log=$logdir/$suite.log
	: >"$log"
	case $suite in
	unit|unit-san)
		b=build
		[ "$suite" = unit-san ] && b=build-san
		for t in "$b"/tests/unit/test_*; do
			[ -x "$t" ] || continue
			case $t in *.o|*.d) continue ;; esac
			echo "# $t" >>"$log"
			runprog "$log" ${VALGRIND:-} "$t"
		done
		;;
	fuzz)
		for t in build-san/tests/fuzz/fuzz_*; do
			[ -x "$t" ] || continue
			case $t in *.o|*.d) continue ;; esac
			name=$(basename "$t")
			corpus=tests/fuzz/corpus/${name#fuzz_}
			echo "# $t" >>"$log"
			if "$t" "$corpus" >>"$log" 2>&1; then
				echo "ok 1 - $name replays its corpus" >>"$log"
			else
				echo "not ok 1 - $name crashed" >>"$log"
			fi
		done
		;;
	*)
		if [ -f "tests/$suite/run.sh" ]; then
			runprog "$log" sh "tests/$suite/run.sh"
		fi
		;;
	esac
	tally "$log" "$suite"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
