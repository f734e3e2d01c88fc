#!/bin/sh
# run.sh - milter load benchmark: dkimlens-milter against OpenDKIM (make bench)
#
# Makes an RSA 2048 and an Ed25519 key (mode 0600) in a mktemp directory,
# serves the public keys from an nsd on loopback (tests/lib/nsd.sh), starts
# dkimlens-milter and, when installed, opendkim in the foreground on
# loopback TCP sockets with equivalent settings (sign example.com with
# the same key, relaxed/relaxed, InternalHosts 127.0.0.1), and drives
# each with milterload, which behaves like Postfix (no TCP_NODELAY, one
# milter connection per SMTP session).  Cases: sign RSA 2 KB (and again
# with TCP_QUICKACK on the driver, to separate delayed-ACK stalls from the
# milter's own cost), sign RSA 1 MB, verify RSA 2 KB, sign RSA 10 MB
# (memory against body size), sign Ed25519 2 KB.  Peak RSS is VmHWM from
# /proc/PID/status, reset before each case.  Last, the log report case:
# dkimlens-keytool report on a generated 5-million-line mail log beside
# grep -c on the same file.
#
# Prints one table (also written to BUILD/bench/results.txt): msgs/s, p50
# and p99 latency per message, EOM wait p50, the share of messages whose
# end-of-message reply took >= 35 ms (a delayed-ACK stall), peak RSS, and
# the dkimlens/OpenDKIM ratio.  A benchmark, not a test: exit 0 unless
# something broke (a daemon did not start or died, a message was not
# signed): then exit 1 with the reason.
#
# Environment: BENCH_BUILD (default build), BENCH_SECS per run (default 4),
# BENCH_CONCURRENCY (default 4), BENCH_PER_SESSION messages per milter
# connection (default 5), MILTER (default BUILD/dkimlens-milter),
# OPENDKIM (default opendkim from PATH; "none" skips it),
# BENCH_REPORT_LINES (default 5000000).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
bdir=$top/${BENCH_BUILD:-build}
load=$bdir/tests/bench/milterload
milter=${MILTER:-$bdir/dkimlens-milter}
opendkim=${OPENDKIM:-$(command -v opendkim 2>/dev/null || true)}
[ "$opendkim" = none ] && opendkim=
secs=${BENCH_SECS:-4}
conc=${BENCH_CONCURRENCY:-4}
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

# Rows of the table: case impl rate p50 p99 eom_p50 stall% rss
rows=$tmp/rows

# run_case CASE IMPL PID PORT MILTERLOAD-ARGS... - one timed run
run_case() {
	rc_case=$1 rc_impl=$2 rc_pid=$3 rc_port=$4
	shift 4
	rc_log=$outdir/$(echo "$rc_case-$rc_impl" | tr -c 'A-Za-z0-9-\n' _).log
	# Linux: writing 5 resets VmHWM to the current RSS.
	echo 5 2>/dev/null >"/proc/$rc_pid/clear_refs" ||
	    hwm_note=" (peak since start)"
	rc_cpu0=$(cputicks "$rc_pid")
	if ! "$load" --socket "inet:$rc_port@127.0.0.1" --concurrency "$conc" \
	    --per-session "$per" --duration "$secs" \
	    --label "$rc_case $rc_impl" "$@" >"$rc_log" 2>&1; then
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
	r_p99=$(field p99) r_eom_p50=$(field eom_p50) r_stalls=$(field stalls)
	r_pass=$(field pass)
	stallpct=$(awk -v s="$r_stalls" -v n="$r_n" \
	    'BEGIN { printf "%.0f", n ? 100 * s / n : 0 }')
	# CPU per message, the warm-up messages (one per thread) included
	cpums=$(awk -v a="$rc_cpu0" -v b="$rc_cpu1" -v t="$clk_tck" \
	    -v n="$r_n" -v w="$conc" \
	    'BEGIN { printf "%.3f", (b - a) * 1000 / t / (n + w) }')
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$rc_case" "$rc_impl" \
	    "$r_rate" "$r_p50" "$r_p99" "$r_eom_p50" "$stallpct" "$rc_rss" \
	    "$cpums" >>"$rows"
	printf '  %-16s %-9s %8s msg/s  p50 %7s ms  p99 %7s ms  RSS %s kB\n' \
	    "$rc_case" "$rc_impl" "$r_rate" "$r_p50" "$r_p99" "$rc_rss"
	if [ "${rc_verify:-0}" = 1 ] && [ "$r_pass" != "$r_n" ]; then
		echo "$rc_case: $rc_impl gave dkim=pass for $r_pass of" \
		    "$r_n messages (see $rc_log)" >>"$tmp/notes"
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

# DNS: example.com with both selectors, for the verify case.
dnsport=
if [ "$have_nsd" = 1 ]; then
	rsapub=$(openssl pkey -in "$keys/rsa.pem" -pubout -outform DER \
	    2>/dev/null | base64 -w0)
	edpub=$(openssl pkey -in "$keys/ed.pem" -pubout -outform DER \
	    2>/dev/null | tail -c 32 | base64 -w0)
	# shellcheck disable=SC2016
	{
		echo '$ORIGIN example.com.'
		echo '$TTL 3600'
		echo '@ SOA ns1 hostmaster 1 3600 600 86400 300'
		echo '@ NS ns1'
		echo 'ns1 A 127.0.0.1'
		printf 'rsa._domainkey TXT ( "v=DKIM1; k=rsa; p="'
		echo "$rsapub" | fold -w 200 | sed 's/.*/ "&"/' | tr -d '\n'
		echo ' )'
		echo "ed._domainkey TXT \"v=DKIM1; k=ed25519; p=$edpub\""
	} >"$tmp/example.com.zone"
	if nsd_start_any "$tmp/nsd" 127.0.0.1 \
	    example.com="$tmp/example.com.zone"; then
		dnsport=$NSD_PORT
	else
		echo "bench: nsd did not start; skipping the verify case" >&2
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

impls=
if [ -x "$milter" ]; then
	impls=dkimlens
else
	echo "bench: $milter is not built; measuring OpenDKIM alone" >&2
fi
[ -n "$opendkim" ] && impls="$impls opendkim"
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
	esac
}

say "dkimlens milter benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "$(nproc) cores"
say "milterload: concurrency $conc, $per messages per milter connection," \
    "$secs s per run, TCP without NODELAY (as Postfix)"
say ""

signed=$tmp/signed.eml
for impl in $impls; do
	echo "$impl:"
	start_impl "$impl" rsa "$keys/rsa.pem" rsa-sha256
	save=
	[ -f "$signed" ] || save="--save $signed"
	# shellcheck disable=SC2086
	run_case "sign-rsa 2KB" "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 2048 --messages 1000000 $save
	run_case "sign-rsa 2KB qa" "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 2048 --messages 1000000 --quickack
	run_case "sign-rsa 1MB" "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 1M --messages 100000
	if [ -n "$dnsport" ]; then
		rc_verify=1
		run_case "verify-rsa 2KB" "$impl" "$DPID" "$DPORT" \
		    --mode verify --message "$signed" --messages 1000000
		rc_verify=0
	fi
	# A fresh daemon, so that its peak RSS compares with the first case.
	stop_daemon "$DPID"
	start_impl "$impl" rsa "$keys/rsa.pem" rsa-sha256
	run_case "sign-rsa 10MB" "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 10M --messages 100000
	stop_daemon "$DPID"
	start_impl "$impl" ed "$keys/ed.pem" ed25519-sha256
	run_case "sign-ed25519 2KB" "$impl" "$DPID" "$DPORT" --mode sign \
	    --body-size 2048 --messages 1000000
	stop_daemon "$DPID"
done

rsa_rate=$(openssl speed -seconds 2 rsa2048 2>/dev/null |
    awk '/^rsa 2048 bits/ { r = $(NF - 1) } END { print r }')

say ""
say "$(printf '%-17s %-9s %9s %8s %8s %8s %6s %9s %8s' case impl msgs/s \
    'p50 ms' 'p99 ms' 'EOM p50' 'stall' 'peak RSS' 'CPU ms')"
say "$(printf '%-17s %-9s %9s %8s %8s %8s %6s %9s %8s' '' '' '' '' '' 'ms' \
    '' 'kB' '/msg')"
for c in "sign-rsa 2KB" "sign-rsa 2KB qa" "sign-rsa 1MB" \
    "sign-ed25519 2KB" "verify-rsa 2KB" "sign-rsa 10MB"; do
	grep -q "^$c|" "$rows" 2>/dev/null || continue
	awk -F'|' -v c="$c" '
	$1 == c {
		printf "%-17s %-9s %9.1f %8.2f %8.2f %8.2f %5d%% %9d %8.3f\n",
		    $1, $2, $3, $4, $5, $6, $7, $8, $9
		v[$2, "rate"] = $3; v[$2, "p50"] = $4; v[$2, "p99"] = $5
		v[$2, "rss"] = $8; v[$2, "cpu"] = $9; seen[$2] = 1
	}
	END {
		if (seen["dkimlens"] && seen["opendkim"])
			printf "%-17s %-9s %8.2fx %7.2fx %7.2fx %8s %6s " \
			    "%8.2fx %7.2fx\n", c, "ratio", r("rate"),
			    r("p50"), r("p99"), "", "", r("rss"), r("cpu")
	}
	function r(k) {
		return v["opendkim", k] > 0 ? \
		    v["dkimlens", k] / v["opendkim", k] : 0
	}' "$rows" | tee -a "$results"
done
say "ratio = dkimlens / OpenDKIM.  stall = share of messages whose"
say "  end-of-message replies came >= 35 ms apart: the milter wrote them as"
say "  several segments without TCP_NODELAY and the last one waited for the"
say "  MTA's delayed ACK.  EOM p50 = from sending EOM to the final reply;"
say "  when the milter takes the body without replies (SMFIP_NR_BODY) it"
say "  includes hashing the body still queued in the socket.  qa: milterload"
say "  sets TCP_QUICKACK before each read, as no MTA does, which removes the"
say "  stalls and shows the milter's own cost.  CPU ms/msg: the daemon's"
say "  user+system time over the messages of the run."
say ""
if [ -n "$rsa_rate" ]; then
	say "openssl speed rsa2048: $rsa_rate sign/s on one core" \
	    "($(nproc) cores; milterload shares them)"
	dl=$(awk -F'|' '$1 == "sign-rsa 2KB" && $2 == "dkimlens" { print $3 }' \
	    "$rows")
	if [ -n "$dl" ]; then
		say "$(awk -v d="$dl" -v o="$rsa_rate" -v n="$(nproc)" 'BEGIN {
		    printf "dkimlens sign-rsa 2KB: %.1f msgs/s = %.0f%% of " \
			"that rate, %.0f%% of %d cores\n",
			d, 100 * d / o, 100 * d / (o * n), n }')"
	fi
fi
for impl in $impls; do
	small=$(awk -F'|' -v i="$impl" \
	    '$1 == "sign-rsa 2KB" && $2 == i { print $8 }' "$rows")
	big=$(awk -F'|' -v i="$impl" \
	    '$1 == "sign-rsa 10MB" && $2 == i { print $8 }' "$rows")
	[ -n "$small" ] && [ -n "$big" ] &&
	    say "memory vs body size, $impl: peak RSS $small kB with 2 KB" \
	    "bodies, $big kB with 10 MB bodies" \
	    "($(printf '%+d' $((big - small))) kB)$hwm_note"
done
[ -s "$tmp/notes" ] && tee -a "$results" <"$tmp/notes"

# The log report (dkimlens-keytool report, issue 10): a generated mail log
# of BENCH_REPORT_LINES lines (default 5 million, 10% verdict lines),
# summarised in one run beside grep -c ' verdict=' on the same file (both
# read it from the page cache: the best of three runs each).  Targets: at
# least a quarter of grep's throughput, peak RSS under 20 MB.
keytool=$bdir/dkimlens-keytool
rlines=${BENCH_REPORT_LINES:-5000000}
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
