# tap.sh - TAP lines and process handling shared by the script suites
#
# Sourced (". "$top/tests/lib/tap.sh") by tests/SUITE/run.sh.  It counts
# tests in n and failures in failed; the suite prints the plan ("1..$n")
# and exits 1 when failed is not 0.  A suite whose bail or wait differs
# defines its own after sourcing this file, or sets tap_poll_ms (how often
# wait_for polls, in milliseconds: 100 unless set before the call).

n=0
failed=0

# tap RC DESC - one TAP line: ok when RC is 0
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# ok DESC / notok DESC - a passed or a failed test
ok() {
	tap 0 "$1"
}
notok() {
	tap 1 "$1"
}

# check DESC CMD... - ok when CMD succeeds (its output is dropped)
check() {
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then tap 0 "$d"; else tap 1 "$d"; fi
}

# diag - copy stdin as TAP comments
diag() {
	sed 's/^/# /'
}

# bail WHY - the environment is broken: a failure naming it, and stop
bail() {
	tap 1 "$1"
	echo "1..$n"
	exit 1
}

# wait_for SECONDS CMD... - poll CMD every tap_poll_ms until it succeeds
wait_for() {
	local step=${tap_poll_ms:-100} i=0 limit
	limit=$(($1 * 1000 / step))
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep "$(printf '0.%03d' "$step")"
	done
	return 0
}

# alive PID - the process exists and is not a zombie
alive() {
	local st
	[ -n "$1" ] || return 1
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in Z*|'') return 1 ;; esac
	return 0
}

# listening PORT [udp] - something listens on 127.0.0.1:PORT
listening() {
	if [ "${2:-}" = udp ]; then
		ss -Hlun "sport = :$1" | grep -a -q .
	else
		ss -Hltn "sport = :$1" | grep -a -q .
	fi
}
