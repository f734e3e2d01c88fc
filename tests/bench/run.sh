#!/bin/sh
# run.sh - milter load benchmark: dkimlens-milter against OpenDKIM and
# dkimpy-milter (make bench)
#
# Makes an RSA 2048 and an Ed25519 key (mode 0600) in a mktemp directory,
# serves the public keys from an nsd on loopback (tests/lib/nsd.sh):
# example.com and amazonses.com, each with a selector of TTL 3600 (warm:
# the milter may keep the key) and one of TTL 0 (cold: every message
# looks its keys up again).  Starts dkimlens-milter and, when installed,
# opendkim and dkimpy-milter in the foreground on loopback TCP sockets
# with equivalent settings (sign example.com with the same key,
# relaxed/relaxed, InternalHosts 127.0.0.1), and drives each with
# milterload.
#
# Every case runs twice: the headline row with the no-stall driver
# (TCP_NODELAY and TCP_QUICKACK on the driver: it acknowledges at once, so
# no milter waits for a delayed ACK and the row shows the milter's own
# cost), and beside it the delayed-ACK row (the driver behaves as Postfix
# does: no TCP_NODELAY, delayed ACKs; a milter that writes its replies in
# several segments waits ~40 ms per message).  Cases: sign RSA 4 KB at
# c=1 and c=8, sign Ed25519 4 KB at c=8, verify a 4 KB message with two
# signatures (author d=example.com and d=amazonses.com, as SES mail
# carries) with warm keys at c=1 and c=8 and cold keys at c=8, sign RSA
# 10 MB at c=1 (MB/s and memory against body size).  Per subject: msgs/s,
# p50 and p99 latency, CPU ms per message (utime+stime of the daemon from
# /proc/PID/stat over the run), peak RSS (VmHWM, reset before each case).
# The openssl speed ceilings (rsa2048, ed25519, sha256; one process and
# -multi 2) are printed with dkimlens as a fraction of them.  Last, the
# log report case: dkimlens-keytool report on a generated mail log beside
# grep -c on the same file.
#
# dkimpy-milter has no nameserver setting (it asks /etc/resolv.conf's), so
# it gets the one RSA key record through its DNSOverride setting: it makes
# no DNS query at all, which favours it; both verify selectors publish
# that same key.  It is left out of the Ed25519 case (it signs with RSA
# and Ed25519 together).
#
# Prints one table (also written to BUILD/bench/results.txt).  A
# benchmark, not a test: exit 0 unless something broke (a daemon did not
# start or died, a message was not signed): then exit 1 with the reason.
#
# Environment: BENCH_BUILD (default build), BENCH_SECS per run (default 2),
# BENCH_PER_SESSION messages per milter connection (default 5), MILTER
# (default BUILD/dkimlens-milter), OPENDKIM (default opendkim from PATH;
# "none" skips it), DKIMPY (default dkimpy-milter from PATH; "none" skips
# it), BENCH_REPORT_LINES (default 2000000).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
bdir=$top/${BENCH_BUILD:-build}
load=$bdir/tests/bench/milterload
milter=${MILTER:-$bdir/dkimlens-milter}
opendkim=${OPENDKIM:-$(command -v opendkim 2>/dev/null || true)}
[ "$opendkim" = none ] && opendkim=
dkimpy=${DKIMPY:-$(command -v dkimpy-milter 2>/dev/null || true)}
[ "$dkimpy" = none ] && dkimpy=
secs=${BENCH_SECS:-2}
conc=1
per=${BENCH_PER_SESSION:-5}
outdir=$bdir/bench
results=$outdir/results.txt

# die MSG - report a failure and exit 1 (the EXIT trap cleans up)
die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$load" ] || die "$load is missing; run make bench"
mkdir -p "$outdir" || die "cannot create $outdir"
rm -f "$outdir"/*.log
: >"$results" || die "cannot write $results"
# The keys live below the build tree: mktemp's /tmp is world-writable,
# which a careful milter rightly refuses as a key directory.
tmp=$(mktemp -d "$outdir/run.XXXXXX") || die "mktemp failed"
chmod 700 "$tmp"

pids=
have_nsd=0
# shellcheck source=tests/lib/nsd.sh
[ -r "$top/tests/lib/nsd.sh" ] && command -v nsd >/dev/null 2>&1 &&
    . "$top/tests/lib/nsd.sh" && have_nsd=1

# running PID - true while PID runs (a zombie child does not count)
running() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"
}

# cleanup - stop every daemon this script started, by PID, and wait for
# them: libmilter daemons take up to ~5 s to notice SIGTERM.
# shellcheck disable=SC2317
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	i=0
	for p in $pids; do
		while running "$p" && [ "$i" -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ "$have_nsd" = 1 ] && nsd_stop "$tmp/nsd"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# say TEXT - print and append to the results file
say() {
	printf '%s\n' "$*" | tee -a "$results"
}

# free_port - a TCP port nothing listens on
free_port() {
	if [ "$have_nsd" = 1 ]; then
		nsd_free_port 127.0.0.1
		return
	fi
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' \n')
	echo $((20000 + r % 40000))
}

# port_listening PORT - true when something listens on 127.0.0.1:PORT
port_listening() {
	[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# start_daemon NAME PORT LOG CMD... - start CMD in the background, wait
# until PORT listens; sets DPID.  Exits 1 when it does not come up.
start_daemon() {
	sd_name=$1 sd_port=$2 sd_log=$3
	shift 3
	"$@" >"$sd_log" 2>&1 &
	DPID=$!
	pids="$pids $DPID"
	i=0
	while ! port_listening "$sd_port"; do
		if ! running "$DPID" || [ $i -ge 100 ]; then
			sed 's/^/    /' "$sd_log" >&2
			die "$sd_name did not start on port $sd_port ($*)"
		fi
		i=$((i + 1))
		sleep 0.1
	done
}

# stop_daemon PID - ask one daemon to stop; cleanup waits for it (it
# frees its port within seconds, and the next daemon uses another one)
stop_daemon() {
	kill "$1" 2>/dev/null
}

# cputicks PID - user plus system CPU time of PID in clock ticks
cputicks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
	    awk '{ print $12 + $13 }'
}

# vmhwm PID - peak resident set size in kB
vmhwm() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# field KEY - the value of KEY= in the RESULT line held in $res
field() {
	printf '%s\n' "$res" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# Rows of the table: case conc impl driver rate p50 p99 cpu rss mbps
rows=$tmp/rows

# run_case CASE CONC IMPL PID PORT MILTERLOAD-ARGS... - the case twice:
# no-stall driver (row "ns"), then Postfix-like delayed ACKs (row "da")
run_case() {
	rc_case=$1 rc_conc=$2 rc_impl=$3 rc_pid=$4 rc_port=$5
	shift 5
	for rc_drv in ns da; do
		rc_flags=
		[ "$rc_drv" = ns ] && rc_flags="--nodelay --quickack"
		run_one "$@"
	done
}

# run_one MILTERLOAD-ARGS... - one timed run (rc_* set by run_case)
run_one() {
	rc_log=$outdir/$(echo "$rc_case-c$rc_conc-$rc_impl-$rc_drv" |
	    tr -c 'A-Za-z0-9-\n' _).log
	# Linux: writing 5 resets VmHWM to the current RSS.
	echo 5 2>/dev/null >"/proc/$rc_pid/clear_refs" ||
	    hwm_note=" (peak since start)"
	rc_cpu0=$(cputicks "$rc_pid")
	# shellcheck disable=SC2086
	if ! "$load" --socket "inet:$rc_port@127.0.0.1" \
	    --concurrency "$rc_conc" --per-session "$per" --duration "$secs" \
	    --label "$rc_case $rc_impl" $rc_flags "$@" >"$rc_log" 2>&1; then
		sed 's/^/    /' "$rc_log" >&2
		die "$rc_case against $rc_impl failed (log: $rc_log)"
	fi
	running "$rc_pid" ||
	    die "$rc_impl died during $rc_case (log: $rc_log)"
	rc_rss=$(vmhwm "$rc_pid")
	rc_cpu1=$(cputicks "$rc_pid")
	res=$(sed -n 's/^RESULT //p' "$rc_log")
	[ -n "$res" ] || die "$rc_case $rc_impl: no result in $rc_log"
	r_n=$(field n) r_rate=$(field rate) r_p50=$(field p50)
	r_p99=$(field p99) r_pass=$(field pass)
	# CPU per message, the warm-up messages (one per thread) included
	cpums=$(awk -v a="$rc_cpu0" -v b="$rc_cpu1" -v t="$clk_tck" \
	    -v n="$r_n" -v w="$rc_conc" \
	    'BEGIN { printf "%.3f", (b - a) * 1000 / t / (n + w) }')
	mbps=$(awk -v r="$r_rate" -v b="${rc_body:-0}" \
	    'BEGIN { printf "%.1f", r * b / 1048576 }')
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$rc_case" "$rc_conc" \
	    "$rc_impl" "$rc_drv" "$r_rate" "$r_p50" "$r_p99" "$cpums" \
	    "$rc_rss" "$mbps" >>"$rows"
	printf '  %-18s c=%-2s %-9s %s %8s msg/s  p50 %7s ms  p99 %7s ms' \
	    "$rc_case" "$rc_conc" "$rc_impl" "$rc_drv" "$r_rate" "$r_p50" \
	    "$r_p99"
	printf '  CPU %s ms/msg  RSS %s kB\n' "$cpums" "$rc_rss"
	if [ "${rc_verify:-0}" = 1 ] && [ "$r_pass" != "$r_n" ]; then
		echo "$rc_case c=$rc_conc $rc_drv: $rc_impl gave dkim=pass" \
		    "for $r_pass of $r_n messages (see $rc_log)" >>"$tmp/notes"
	fi
}

hwm_note=
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
keys=$tmp
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$keys/rsa.pem" 2>/dev/null || die "openssl: cannot make an RSA key"
openssl genpkey -algorithm ED25519 -out "$keys/ed.pem" 2>/dev/null ||
    die "openssl: cannot make an Ed25519 key"
chmod 600 "$keys/rsa.pem" "$keys/ed.pem"

# DNS: example.com (rsa, ed, cold) and amazonses.com (ses, sescold);
# the cold selectors have TTL 0, so no resolver keeps them.
dnsport=
rsapub=$(openssl pkey -in "$keys/rsa.pem" -pubout -outform DER \
    2>/dev/null | base64 -w0)
edpub=$(openssl pkey -in "$keys/ed.pem" -pubout -outform DER \
    2>/dev/null | tail -c 32 | base64 -w0)
# rsarec TTL NAME - the RSA key record in zone syntax
rsarec() {
	printf '%s %s TXT ( "v=DKIM1; k=rsa; p="' "$2" "$1"
	echo "$rsapub" | fold -w 200 | sed 's/.*/ "&"/' | tr -d '\n'
	echo ' )'
}
if [ "$have_nsd" = 1 ]; then
	# shellcheck disable=SC2016
	{
		echo '$ORIGIN example.com.'
		echo '$TTL 3600'
		echo '@ SOA ns1 hostmaster 1 3600 600 86400 300'
		echo '@ NS ns1'
		echo 'ns1 A 127.0.0.1'
		rsarec 3600 rsa._domainkey
		rsarec 0 cold._domainkey
		echo "ed._domainkey TXT \"v=DKIM1; k=ed25519; p=$edpub\""
	} >"$tmp/example.com.zone"
	# shellcheck disable=SC2016
	{
		echo '$ORIGIN amazonses.com.'
		echo '$TTL 3600'
		echo '@ SOA ns1.example.com. hostmaster 1 3600 600 86400 300'
		echo '@ NS ns1.example.com.'
		rsarec 3600 ses._domainkey
		rsarec 0 sescold._domainkey
	} >"$tmp/amazonses.com.zone"
	if nsd_start_any "$tmp/nsd" 127.0.0.1 \
	    example.com="$tmp/example.com.zone" \
	    amazonses.com="$tmp/amazonses.com.zone"; then
		dnsport=$NSD_PORT
	else
		echo "bench: nsd did not start; skipping the verify cases" >&2
	fi
fi

# conf_dkimlens FILE PORT SELECTOR KEY ALG - a dkimlens configuration
conf_dkimlens() {
	{
		echo "Socket inet:$2@127.0.0.1"
		echo "Mode sv"
		echo "Domain example.com"
		echo "Selector $3"
		echo "KeyFile $4"
		echo "SignatureAlgorithm $5"
		echo "Canonicalization relaxed/relaxed"
		echo "InternalHosts 127.0.0.1"
		echo "AuthservID mta.example.com"
		echo "Syslog no"
		[ -n "$dnsport" ] && echo "Nameservers 127.0.0.1:$dnsport"
	} >"$1"
}

# conf_opendkim FILE PORT SELECTOR KEY ALG - the same for OpenDKIM
conf_opendkim() {
	{
		echo "Socket inet:$2@127.0.0.1"
		echo "Mode sv"
		echo "Domain example.com"
		echo "Selector $3"
		echo "KeyFile $4"
		echo "SignatureAlgorithm $5"
		echo "Canonicalization relaxed/relaxed"
		echo "InternalHosts 127.0.0.1"
		echo "AuthservID mta.example.com"
		echo "Syslog no"
		echo "Background no"
		# The key directory is checked by dkimlens; OpenDKIM also
		# refuses any world-writable directory above it.
		echo "RequireSafeKeys false"
		[ -n "$dnsport" ] && echo "Nameservers 127.0.0.1@$dnsport"
	} >"$1"
}

# conf_dkimpy FILE PORT SELECTOR KEY - the same for dkimpy-milter; the one
# key record comes from DNSOverride (no nameserver setting)
conf_dkimpy() {
	{
		echo "Socket inet:$2@127.0.0.1"
		echo "Mode sv"
		echo "Domain example.com"
		echo "Selector $3"
		echo "KeyFile $4"
		echo "Canonicalization relaxed/relaxed"
		echo "InternalHosts 127.0.0.1"
		echo "AuthservID mta.example.com"
		echo "Syslog no"
		echo "PidFile $tmp/dkimpy-$2.pid"
		echo "DNSOverride v=DKIM1; k=rsa; p=$rsapub"
	} >"$1"
}

impls=
if [ -x "$milter" ]; then
	impls=dkimlens
else
	echo "bench: $milter is not built; measuring OpenDKIM alone" >&2
fi
[ -n "$opendkim" ] && impls="$impls opendkim"
if [ -n "$dkimpy" ]; then
	impls="$impls dkimpy"
else
	echo "bench: dkimpy-milter is not installed (Debian package" \
	    "dkimpy-milter): measured without it" >&2
fi
[ -n "$impls" ] || die "neither dkimlens-milter nor opendkim is available"

# start_impl IMPL SELECTOR KEY ALG - start one daemon; sets DPID, DPORT
start_impl() {
	DPORT=$(free_port)
	conf=$tmp/$1-$2.conf
	case $1 in
	dkimlens)
		conf_dkimlens "$conf" "$DPORT" "$2" "$3" "$4"
		if ! "$milter" -n -c "$conf" >"$tmp/check.out" 2>&1; then
			sed 's/^/    /' "$tmp/check.out" >&2
			die "dkimlens-milter -n rejects $conf"
		fi
		start_daemon dkimlens-milter "$DPORT" \
		    "$outdir/$1-$2.daemon.log" \
		    "$milter" -f -c "$conf"
		;;
	opendkim)
		conf_opendkim "$conf" "$DPORT" "$2" "$3" "$4"
		start_daemon opendkim "$DPORT" "$outdir/$1-$2.daemon.log" \
		    "$opendkim" -f -x "$conf"
		;;
	dkimpy)
		conf_dkimpy "$conf" "$DPORT" "$2" "$3"
		start_daemon dkimpy-milter "$DPORT" \
		    "$outdir/$1-$2.daemon.log" "$dkimpy" "$conf"
		;;
	esac
}

say "dkimlens milter benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' \
    /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "milterload on the same cores: $per messages per milter connection," \
    "$secs s per run"
say ""

# The verify messages: 4 KB, signed by the author (example.com) and then
# by amazonses.com, as SES mail is; warm and cold selectors.
keytool=$bdir/dkimlens-keytool
vwarm= vcold=
if [ -n "$dnsport" ] && [ -x "$keytool" ]; then
	{
		printf 'From: Sender <sender@example.com>\r\n'
		printf 'To: Someone <someone@example.net>\r\n'
		printf 'Subject: bench message\r\n'
		printf 'Date: Fri, 04 Dec 2026 12:00:00 +0000\r\n'
		printf 'Message-ID: <bench.1@example.com>\r\n'
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\n'
		i=0
		while [ $i -lt 56 ]; do
			printf 'line %02d of the benchmark body, seventy-odd' "$i"
			printf ' octets long, plain text\r\n'
			i=$((i + 1))
		done
	} >"$tmp/plain.eml"
	# sign2 AUTHORSEL ESPSEL OUT - the two signatures
	sign2() {
		"$keytool" sign --key "$keys/rsa.pem" --domain example.com \
		    --selector "$1" "$tmp/plain.eml" >"$tmp/one.eml" &&
		"$keytool" sign --key "$keys/rsa.pem" --domain amazonses.com \
		    --selector "$2" "$tmp/one.eml" >"$3"
	}
	sign2 rsa ses "$tmp/warm.eml" && sign2 cold sescold "$tmp/cold.eml" ||
	    die "dkimlens-keytool sign failed"
	vwarm=$tmp/warm.eml vcold=$tmp/cold.eml
fi

for impl in $impls; do
	echo "$impl:"
	start_impl "$impl" rsa "$keys/rsa.pem" rsa-sha256
	rc_body=4096
	for c in 1 8; do
		run_case "sign-rsa 4KB" "$c" "$impl" "$DPID" "$DPORT" \
		    --mode sign --body-size 4096 --messages 1000000
	done
	rc_body=0
	if [ -n "$vwarm" ]; then
		rc_verify=1
		for c in 1 8; do
			run_case "verify-2sig warm" "$c" "$impl" "$DPID" \
			    "$DPORT" --mode verify --message "$vwarm" \
			    --messages 1000000
		done
		run_case "verify-2sig cold" 8 "$impl" "$DPID" "$DPORT" \
		    --mode verify --message "$vcold" --messages 1000000
		rc_verify=0
	fi
	# A fresh daemon, so that its peak RSS compares with the first case.
	stop_daemon "$DPID"
	start_impl "$impl" rsa "$keys/rsa.pem" rsa-sha256
	rc_body=10485760
	run_case "sign-rsa 10MB" 1 "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 10M --messages 100000
	rc_body=0
	stop_daemon "$DPID"
	if [ "$impl" = dkimpy ]; then
		echo "  (dkimpy-milter: no Ed25519-only signing; case skipped)"
		continue
	fi
	start_impl "$impl" ed "$keys/ed.pem" ed25519-sha256
	run_case "sign-ed25519 4KB" 8 "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 4096 --messages 1000000
	stop_daemon "$DPID"
done

# The crypto ceilings: openssl speed on one core and on two processes.
# speed_col OUT PATTERN COL - column COL from the end of the line
speed_col() {
	awk -v p="$2" -v c="$3" '$0 ~ p { v = $(NF - c) } END { print v }' "$1"
}
openssl speed -seconds 1 rsa2048 ed25519 >"$tmp/speed1" 2>/dev/null
openssl speed -seconds 1 -multi 2 rsa2048 ed25519 >"$tmp/speed2" \
    2>/dev/null
openssl speed -seconds 1 -bytes 16384 sha256 >"$tmp/speedsha" 2>/dev/null
rsa_s1=$(speed_col "$tmp/speed1" '^rsa 2048' 1)
rsa_v1=$(speed_col "$tmp/speed1" '^rsa 2048' 0)
ed_s1=$(speed_col "$tmp/speed1" 'Ed25519' 1)
rsa_s2=$(speed_col "$tmp/speed2" '^rsa 2048' 1)
rsa_v2=$(speed_col "$tmp/speed2" '^rsa 2048' 0)
ed_s2=$(speed_col "$tmp/speed2" 'Ed25519' 1)
sha_k=$(awk '/^sha256/ { v = $NF } END { sub(/k$/, "", v); print v }' \
    "$tmp/speedsha")
sha_mb=$(awk -v k="${sha_k:-0}" 'BEGIN { printf "%.0f", k * 1000 / 1048576 }')

say "$(printf '%-18s %3s %-9s | %9s %7s %7s %7s %8s | %9s %7s %7s' \
    '' '' '' 'no-stall' '' '' 'CPU' 'peak' 'delayed' 'ACK' '')"
say "$(printf '%-18s %3s %-9s | %9s %7s %7s %7s %8s | %9s %7s %7s' \
    case c impl msgs/s 'p50 ms' 'p99 ms' 'ms/msg' 'RSS kB' msgs/s \
    'p50 ms' 'p99 ms')"
for cc in "sign-rsa 4KB|1" "sign-rsa 4KB|8" "sign-ed25519 4KB|8" \
    "verify-2sig warm|1" "verify-2sig warm|8" "verify-2sig cold|8" \
    "sign-rsa 10MB|1"; do
	awk -F'|' -v k="$cc" '
	$1 "|" $2 == k {
		key = $3
		if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
		v[key, $4, "rate"] = $5; v[key, $4, "p50"] = $6
		v[key, $4, "p99"] = $7; v[key, $4, "cpu"] = $8
		v[key, $4, "rss"] = $9; v[key, $4, "mbps"] = $10
		c = $1; cn = $2
	}
	END {
		for (i = 1; i <= n; i++) {
			m = order[i]
			printf "%-18s %3s %-9s | %9.1f %7.2f %7.2f %7.3f %8d" \
			    " | %9.1f %7.2f %7.2f", c, cn, m, v[m, "ns", "rate"],
			    v[m, "ns", "p50"], v[m, "ns", "p99"],
			    v[m, "ns", "cpu"], v[m, "ns", "rss"],
			    v[m, "da", "rate"], v[m, "da", "p50"],
			    v[m, "da", "p99"]
			if (v[m, "ns", "mbps"] > 0)
				printf "  %.1f MB/s", v[m, "ns", "mbps"]
			printf "\n"
		}
		if (seen["dkimlens"] && seen["opendkim"] &&
		    v["opendkim", "ns", "rate"] > 0)
			printf "%-18s %3s %-9s | %8.2fx %6.2fx %6.2fx %6.2fx" \
			    " %7.2fx |\n", c, cn, "ratio",
			    q("rate"),
			    q("p50"), q("p99"), q("cpu"), q("rss")
	}
	function q(f) {
		return v["opendkim", "ns", f] > 0 ? \
		    v["dkimlens", "ns", f] / v["opendkim", "ns", f] : 0
	}' "$rows" | tee -a "$results"
done
say "no-stall: milterload sets TCP_NODELAY and TCP_QUICKACK (it"
say "  acknowledges at once), the milter's own cost.  delayed ACK: it"
say "  behaves as Postfix (no TCP_NODELAY, delayed ACKs): a milter that"
say "  writes its end-of-message replies in several segments waits ~40 ms."
say "  ratio = dkimlens / OpenDKIM, no-stall rows.  CPU ms/msg: the"
say "  daemon's utime+stime over the run's messages (no-stall row); peak"
say "  RSS: VmHWM during the no-stall run$hwm_note.  dkimpy-milter gets its"
say "  key from DNSOverride, without DNS."
say ""
say "openssl speed -seconds 1 (one process / -multi 2):" \
    "rsa2048 sign ${rsa_s1:-?} / ${rsa_s2:-?}/s, verify ${rsa_v1:-?} /" \
    "${rsa_v2:-?}/s; ed25519 sign ${ed_s1:-?} / ${ed_s2:-?}/s;" \
    "sha256 ${sha_mb:-?} MB/s on one core"
# frac CASE CONC CEILING OPS - dkimlens no-stall rate * OPS / CEILING
frac() {
	awk -F'|' -v k="$1|$2|dkimlens|ns" -v c="${3:-0}" -v o="$4" '
	$1 "|" $2 "|" $3 "|" $4 == k && c > 0 {
		printf "%.0f%%", 100 * $5 * o / c }' "$rows"
}
say "dkimlens as a fraction of the two-process ceiling:" \
    "sign-rsa c=8 $(frac 'sign-rsa 4KB' 8 "$rsa_s2" 1)," \
    "sign-ed25519 c=8 $(frac 'sign-ed25519 4KB' 8 "$ed_s2" 1)," \
    "verify-2sig warm c=8 $(frac 'verify-2sig warm' 8 "$rsa_v2" 2)" \
    "(2 RSA verifies a message); 10 MB body:" \
    "$(awk -F'|' -v s="$sha_mb" '$1 == "sign-rsa 10MB" &&
	$3 == "dkimlens" && $4 == "ns" && s > 0 {
	    printf "%.0f%%", 100 * $10 / s }' "$rows") of one core's SHA-256"
for impl in $impls; do
	small=$(awk -F'|' -v i="$impl" '$1 == "sign-rsa 4KB" && $2 == 1 &&
	    $3 == i && $4 == "ns" { print $9 }' "$rows")
	big=$(awk -F'|' -v i="$impl" '$1 == "sign-rsa 10MB" && $3 == i &&
	    $4 == "ns" { print $9 }' "$rows")
	[ -n "$small" ] && [ -n "$big" ] &&
	    say "memory vs body size, $impl: peak RSS $small kB with 4 KB" \
	    "bodies, $big kB with 10 MB bodies" \
	    "($(printf '%+d' $((big - small))) kB)"
done
[ -s "$tmp/notes" ] && tee -a "$results" <"$tmp/notes"

# The log report (dkimlens-keytool report, issue 10): a generated mail log
# of BENCH_REPORT_LINES lines (default 2 million, 10% verdict lines),
# summarised in one run beside grep -c ' verdict=' on the same file (both
# read it from the page cache: the best of three runs each).  Targets: at
# least a quarter of grep's throughput, peak RSS under 20 MB.
rlines=${BENCH_REPORT_LINES:-2000000}
if [ -x "$keytool" ]; then
	rlog=$tmp/mail.log
	sh "$top/tests/report/genlog.sh" "$rlines" 10 classic >"$rlog" ||
	    die "cannot generate $rlog"
	mb=$(( $(wc -c <"$rlog") / 1048576 ))
	# best3 CMD... - the best of three wall times (s) and the peak RSS
	# (kB) of the last run, as "SECS KB"
	best3() {
		b3=
		for _ in 1 2 3; do
			/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" \
			    >"$tmp/out" 2>/dev/null || true
			b3=$(awk -v b="$b3" '{ print (b == "" || $1 < b) ? \
			    $1 : b }' "$tmp/time")
		done
		echo "$b3 $(awk '{ print $2 }' "$tmp/time")"
	}
	g=$(best3 grep -c ' verdict=' "$rlog")
	gn=$(cat "$tmp/out")
	r=$(best3 "$keytool" report --json "$rlog")
	rn=$(awk -F'[:,]' '/"messages"/ { print $2 + 0; exit }' "$tmp/out")
	[ "$gn" = "$rn" ] ||
	    echo "report: grep counted $gn verdict lines, report $rn" \
	    >>"$tmp/notes"
	say ""
	say "$(echo "$g $r" | awk -v n="$rlines" -v mb="$mb" -v m="$rn" '{
	    printf "report %d lines (%d MB, %d verdict lines): " \
		"dkimlens-keytool report %.2f s, grep -c %.2f s: " \
		"%.2fx grep'"'"'s throughput (target >= 0.25x), peak RSS %d kB " \
		"(target < 20480 kB)\n", n, mb, m, $3, $1,
		($3 > 0 ? $1 / $3 : 0), $4 }')"
	[ -s "$tmp/notes" ] && grep '^report:' "$tmp/notes" | tee -a "$results"
	rm -f "$rlog"
fi
[ -x "$milter" ] || say "dkimlens-milter not built: OpenDKIM alone"
say ""
say "per-run logs: $outdir/*.log"
exit 0
