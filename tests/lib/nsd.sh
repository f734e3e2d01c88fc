# nsd.sh - run NSD on loopback for a test suite (POSIX sh, to be sourced)
#
# Usage, from a suite's run.sh:
#
#   . "${DKIMLENS_TOP:-$(pwd)}/tests/lib/nsd.sh"
#   tmp=$(mktemp -d)
#   trap 'nsd_stop "$tmp/nsd"; rm -rf "$tmp"' EXIT
#   port=$(nsd_free_port 127.0.0.1)
#   nsd_start "$tmp/nsd" 127.0.0.1 "$port" \
#       example.com="$tmp/example.com.zone" \
#       com=tests/dns/com.zone || exit 1
#   dig +short @127.0.0.1 -p "$port" TXT sel._domainkey.example.com
#
# nsd_free_port [ADDR]
#   Prints a port in 20000-60999 on which nothing listens on ADDR (default
#   127.0.0.1) for UDP or TCP.  Another process may still take it before
#   you do; nsd_start_any retries with a fresh port for that reason.
#
# nsd_start DIR ADDR PORT ZONE=FILE...
#   Creates DIR, writes DIR/nsd.conf (ip-address ADDR@PORT; ADDR is a bare
#   address, 127.0.0.1 or ::1, or a comma-separated list of them, e.g.
#   127.0.0.1,127.0.0.2, all on PORT, the first one probed; zones
#   read from the FILEs, which are copied into DIR so nsd may write beside
#   them; no database, no remote control, one server process, quiet), checks
#   each zone with nsd-checkzone, starts nsd in the foreground (-d) in the
#   background, and waits up to NSD_WAIT_S (default 10) seconds until it
#   answers "dig SOA ZONE" for every zone on the first ADDR.
#   On success returns 0 and sets NSD_PID (also in DIR/nsd.pid), NSD_ADDR,
#   NSD_PORT.  On failure prints why (and the nsd log) to stderr, stops
#   what it started and returns 1 when nsd did not come up (port taken,
#   ...), 2 when the arguments, a zone or the configuration are wrong.  Call it directly, not inside $( ):
#   the nsd process must be a child of the shell that will stop it.
#
# nsd_start_any DIR ADDR ZONE=FILE...
#   nsd_start on a free port, trying up to 5 ports while nsd_start returns
#   1; sets NSD_PORT.
#
# nsd_stop DIR
#   Stops the nsd started in DIR (SIGTERM, then SIGKILL after 5 s) by the
#   PID in DIR/nsd.pid, and waits for it.  Safe to call twice, or on a DIR
#   where nothing was started, so it belongs in the EXIT trap.
#
# Safe under "set -eu".  Variables and helpers are prefixed _n*_ / nsd_.
# Needs nsd, nsd-checkzone, nsd-checkconf, dig; ss (iproute2) for
# nsd_free_port.

# nsd_free_port [ADDR] - print a port nothing listens on
nsd_free_port() {
	_nfp_addr=${1:-127.0.0.1}
	_nfp_i=0
	while [ "$_nfp_i" -lt 50 ]; do
		_nfp_i=$((_nfp_i + 1))
		_nfp_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' \n')
		_nfp_port=$((20000 + _nfp_r % 41000))
		if command -v ss >/dev/null 2>&1; then
			# ss prints one line per socket bound to the port.
			_nfp_f="sport = :$_nfp_port"
			if [ -n "$(ss -Hanu "$_nfp_f" 2>/dev/null)" ] ||
			    [ -n "$(ss -Hant "$_nfp_f" 2>/dev/null)" ]; then
				continue
			fi
		fi
		echo "$_nfp_port"
		return 0
	done
	echo "nsd_free_port: no free port found on $_nfp_addr" >&2
	return 1
}

# nsd_log_tail DIR - show the end of nsd's log on stderr
nsd_log_tail() {
	for _nlt_f in "$1/nsd.log" "$1/nsd.out"; do
		[ -s "$_nlt_f" ] || continue
		echo "--- $_nlt_f" >&2
		tail -n 20 "$_nlt_f" >&2
	done
}

# nsd_start DIR ADDR PORT ZONE=FILE... - start nsd, wait until it answers
nsd_start() {
	if [ $# -lt 4 ]; then
		echo "usage: nsd_start DIR ADDR PORT ZONE=FILE..." >&2
		return 2
	fi
	_ns_dir=$1 _ns_addrs=$2 _ns_port=$3
	shift 3
	NSD_PID= NSD_ADDR=${_ns_addrs%%,*} NSD_PORT=$_ns_port
	mkdir -p "$_ns_dir" || return 2
	_ns_dir=$(cd "$_ns_dir" && pwd) || return 2
	rm -f "$_ns_dir/nsd.pid" "$_ns_dir/nsd.log" "$_ns_dir/nsd.out"

	{
		echo "server:"
		_ns_rest=$_ns_addrs
		while [ -n "$_ns_rest" ]; do
			_ns_a=${_ns_rest%%,*}
			case $_ns_rest in
			*,*) _ns_rest=${_ns_rest#*,} ;;
			*) _ns_rest= ;;
			esac
			if [ -n "$_ns_a" ]; then
				echo "	ip-address: $_ns_a@$_ns_port"
			fi
		done
		cat <<EOF
	server-count: 1
	tcp-count: 32
	reuseport: no
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$_ns_dir"
	zonelistfile: "$_ns_dir/zone.list"
	xfrdfile: "$_ns_dir/xfrd.state"
	xfrdir: "$_ns_dir"
	pidfile: "$_ns_dir/nsd.real.pid"
	logfile: "$_ns_dir/nsd.log"
	verbosity: 0
	hide-version: yes
	answer-cookie: no
	rrl-ratelimit: 0
remote-control:
	control-enable: no
EOF
	} >"$_ns_dir/nsd.conf" || return 2

	_ns_zones=
	for _ns_z in "$@"; do
		_ns_name=${_ns_z%%=*}
		_ns_file=${_ns_z#*=}
		if [ "$_ns_name" = "$_ns_z" ] || [ ! -r "$_ns_file" ]; then
			echo "nsd_start: bad zone argument '$_ns_z'" >&2
			return 2
		fi
		_ns_copy=$(printf '%s' "$_ns_name" | tr -c 'A-Za-z0-9.-' _)
		_ns_copy="$_ns_dir/zone-${_ns_copy:-root}.db"
		cp "$_ns_file" "$_ns_copy" || return 2
		if ! nsd-checkzone "$_ns_name" "$_ns_copy" \
		    >"$_ns_dir/check.out" 2>&1; then
			echo "nsd_start: zone $_ns_name ($_ns_file) is bad:" >&2
			cat "$_ns_dir/check.out" >&2
			return 2
		fi
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' \
		    "$_ns_name" "$_ns_copy" >>"$_ns_dir/nsd.conf"
		_ns_zones="$_ns_zones $_ns_name"
	done
	if ! nsd-checkconf "$_ns_dir/nsd.conf" >"$_ns_dir/check.out" 2>&1; then
		echo "nsd_start: bad nsd.conf:" >&2
		cat "$_ns_dir/check.out" >&2
		return 2
	fi
	# Another server on the port would answer the readiness probe.
	if command -v ss >/dev/null 2>&1 &&
	    { [ -n "$(ss -Hanu "sport = :$_ns_port" 2>/dev/null)" ] ||
	    [ -n "$(ss -Hant "sport = :$_ns_port" 2>/dev/null)" ]; }; then
		echo "nsd_start: port $_ns_port is taken" >&2
		return 1
	fi

	nsd -d -c "$_ns_dir/nsd.conf" </dev/null >"$_ns_dir/nsd.out" 2>&1 &
	NSD_PID=$!
	echo "$NSD_PID" >"$_ns_dir/nsd.pid"

	# Wait until every zone is served; give up early if nsd died.
	_ns_tries=$(( ${NSD_WAIT_S:-10} * 5 ))
	_ns_host=$NSD_ADDR
	for _ns_z in $_ns_zones; do
		while :; do
			if ! kill -0 "$NSD_PID" 2>/dev/null; then
				echo "nsd_start: nsd exited (port $_ns_port" \
				    "taken?)" >&2
				nsd_log_tail "$_ns_dir"
				nsd_stop "$_ns_dir"
				return 1
			fi
			_ns_ans=$(dig +short +time=1 +tries=1 @"$_ns_host" \
			    -p "$_ns_port" SOA "$_ns_z" 2>/dev/null) || true
			[ -n "$_ns_ans" ] && break
			_ns_tries=$((_ns_tries - 1))
			if [ "$_ns_tries" -le 0 ]; then
				echo "nsd_start: no answer for $_ns_z from" \
				    "$_ns_host port $_ns_port" >&2
				nsd_log_tail "$_ns_dir"
				nsd_stop "$_ns_dir"
				return 1
			fi
			sleep 0.2
		done
	done
	if ! kill -0 "$NSD_PID" 2>/dev/null; then
		echo "nsd_start: nsd exited after answering" >&2
		nsd_log_tail "$_ns_dir"
		nsd_stop "$_ns_dir"
		return 1
	fi
	return 0
}

# nsd_start_any DIR ADDR ZONE=FILE... - nsd_start on a free port
nsd_start_any() {
	if [ $# -lt 3 ]; then
		echo "usage: nsd_start_any DIR ADDR ZONE=FILE..." >&2
		return 2
	fi
	_nsa_dir=$1 _nsa_addr=$2
	shift 2
	_nsa_i=0
	while [ "$_nsa_i" -lt 5 ]; do
		_nsa_i=$((_nsa_i + 1))
		_nsa_port=$(nsd_free_port "${_nsa_addr%%,*}") || return 1
		_nsa_rc=0
		nsd_start "$_nsa_dir" "$_nsa_addr" "$_nsa_port" "$@" ||
		    _nsa_rc=$?
		[ "$_nsa_rc" -ne 1 ] && return "$_nsa_rc"
	done
	return 1
}

# nsd_stop DIR - stop the nsd started in DIR and wait for it
nsd_stop() {
	[ -n "${1:-}" ] && [ -f "$1/nsd.pid" ] || return 0
	_nst_pid=$(cat "$1/nsd.pid")
	rm -f "$1/nsd.pid"
	case $_nst_pid in
	''|*[!0-9]*) return 0 ;;
	esac
	kill "$_nst_pid" 2>/dev/null || return 0
	_nst_i=0
	while kill -0 "$_nst_pid" 2>/dev/null && [ "$_nst_i" -lt 50 ]; do
		_nst_i=$((_nst_i + 1))
		sleep 0.1
	done
	kill -9 "$_nst_pid" 2>/dev/null || true
	wait "$_nst_pid" 2>/dev/null || true
	return 0
}
