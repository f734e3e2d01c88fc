#!/bin/sh
# postfix.sh - the milters behind a real Postfix (make bench, issue 11)
#
# A private Postfix on loopback as tests/e2e/run.sh sets one up (its own
# config_directory, queue, data directory and maillog below a mktemp -d
# directory; relayhost an smtp-sink that dumps each message to a file),
# with one smtpd port per case:
#   none               no milter
#   dkimlens inet/unix dkimlens-milter on a TCP socket / a unix socket
#   opendkim inet/unix OpenDKIM the same (when installed)
# each milter signing (Mode s, the client is in InternalHosts) and
# verifying (Mode v; the message carries the author and amazonses.com
# signatures, keys served by nsd on loopback), configured as
# tests/bench/run.sh configures them.  smtp-source sends a 4 KB message,
# one message per SMTP session as most clients do:
#   msgs/s    PF_MESSAGES (default 1000) over 8 parallel sessions, the time
#             until the last one has arrived at the sink;
#   ms/msg    PF_LATENCY_MESSAGES (default 50) over one session: the time
#             smtp-source takes per message (Postfix answers the end of
#             DATA after the milter), and beside it the added latency
#             against the no-milter port.
# One dump per case is checked (signed by d=example.com; dkim=pass for
# the verify cases); a miss is printed, not asserted.  With strace, the
# last lines say whether Postfix's smtpd sets TCP_NODELAY on its milter
# connection (traced, not assumed).  A benchmark: exit 0 unless a part
# did not start or mail did not arrive.  Needs root (postfix -c DIR start);
# without root or Postfix it says so and exits 0.
#
# Environment: BENCH_BUILD (default build), MILTER, OPENDKIM (as run.sh;
# "none" skips it), PF_MESSAGES, PF_LATENCY_MESSAGES.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
bdir=$top/${BENCH_BUILD:-build}
milter=${MILTER:-$bdir/dkimlens-milter}
keytool=$bdir/dkimlens-keytool
opendkim=${OPENDKIM:-$(command -v opendkim 2>/dev/null || true)}
[ "$opendkim" = none ] && opendkim=
nmsg=${PF_MESSAGES:-1000}
nlat=${PF_LATENCY_MESSAGES:-50}

skip() {
	echo "postfix bench: skipped: $*"
	exit 0
}
die() {
	echo "postfix bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root (postfix -c DIR start)"
for p in postfix smtp-sink smtp-source nsd openssl ss; do
	command -v "$p" >/dev/null 2>&1 || skip "$p is not installed"
done
{ [ -x "$milter" ] && [ -x "$keytool" ]; } || die "build dkimlens first"

T=$(mktemp -d /tmp/dkimlens-pfbench.XXXXXX) || die "mktemp failed"
chmod 755 "$T"
mkdir -p "$T/keys" "$T/sink" "$T/pf/etc" "$T/pf/queue" "$T/pf/data" \
    "$T/sock"
chmod 700 "$T/keys"
chown nobody "$T/sink"
chown postfix "$T/pf/data"
pids=
pf_master=
# shellcheck source=tests/lib/nsd.sh
. "$top/tests/lib/nsd.sh"
# shellcheck source=tests/lib/postfix.sh
. "$top/tests/lib/postfix.sh"

running() {
	[ -r "/proc/$1/status" ] && ! grep -q "^State:.*Z" "/proc/$1/status" 2>/dev/null
}

# shellcheck disable=SC2317
cleanup() {
	if [ -n "$pf_master" ]; then
		postfix -c "$T/pf/etc" stop >/dev/null 2>&1
		i=0
		while running "$pf_master" && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		kill -9 "$pf_master" 2>/dev/null
	fi
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		i=0
		while running "$p" && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	nsd_stop "$T/nsd"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# wait_until SECS CMD... - poll CMD every 0.05 s
wait_until() {
	wu=$(($1 * 20))
	shift
	while ! "$@" >/dev/null 2>&1; do
		wu=$((wu - 1))
		[ $wu -gt 0 ] || return 1
		sleep 0.05
	done
}
listening() {
	[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}
now() {
	date +%s.%N
}

# ---- keys, DNS and the two messages (as tests/bench/run.sh)
umask 077
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/keys/rsa.pem" 2>/dev/null || die "openssl genpkey failed"
umask 022
rsapub=$(openssl pkey -in "$T/keys/rsa.pem" -pubout -outform DER \
    2>/dev/null | base64 -w0)
rsarec() {
	printf '%s TXT ( "v=DKIM1; k=rsa; p="' "$1"
	echo "$rsapub" | fold -w 200 | sed 's/.*/ "&"/' | tr -d '\n'
	echo ' )'
}
# shellcheck disable=SC2016
{
	echo '$ORIGIN example.com.'
	echo '$TTL 3600'
	echo '@ SOA ns1 hostmaster 1 3600 600 86400 300'
	echo '@ NS ns1'
	echo 'ns1 A 127.0.0.1'
	rsarec rsa._domainkey
} >"$T/example.com.zone"
# shellcheck disable=SC2016
{
	echo '$ORIGIN amazonses.com.'
	echo '$TTL 3600'
	echo '@ SOA ns1.example.com. hostmaster 1 3600 600 86400 300'
	echo '@ NS ns1.example.com.'
	rsarec ses._domainkey
} >"$T/amazonses.com.zone"
nsd_start_any "$T/nsd" 127.0.0.1 example.com="$T/example.com.zone" \
    amazonses.com="$T/amazonses.com.zone" || die "nsd did not start"
dnsport=$NSD_PORT

{
	printf 'From: Sender <user@example.com>\n'
	printf 'To: Someone <rcpt@example.net>\n'
	printf 'Subject: postfix bench message\n'
	printf 'Date: Fri, 04 Dec 2026 12:00:00 +0000\n'
	printf 'Message-ID: <pfbench.1@example.com>\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=us-ascii\n\n'
	i=0
	while [ $i -lt 56 ]; do
		printf 'line %02d of the benchmark body, seventy-odd' "$i"
		printf ' octets long, plain text\n'
		i=$((i + 1))
	done
} >"$T/sign.eml"
"$keytool" sign --key "$T/keys/rsa.pem" --domain example.com \
    --selector rsa "$T/sign.eml" >"$T/one.eml" &&
"$keytool" sign --key "$T/keys/rsa.pem" --domain amazonses.com \
    --selector ses "$T/one.eml" | tr -d '\r' >"$T/verify.eml" ||
    die "dkimlens-keytool sign failed"

# ---- the milters: IMPL-SOCK-MODE, MODE s (sign) or v (verify)
impls=dkimlens
[ -n "$opendkim" ] && impls="$impls opendkim"
# mconf IMPL SOCKET MODE FILE
mconf() {
	{
		echo "Socket $2"
		echo "Mode $3"
		echo "Domain example.com"
		echo "Selector rsa"
		echo "KeyFile $T/keys/rsa.pem"
		echo "Canonicalization relaxed/relaxed"
		# verify: no client is internal, so all mail is verified
		if [ "$3" = s ]; then
			echo "InternalHosts 127.0.0.1"
		else
			echo "InternalHosts 192.0.2.1"
		fi
		echo "AuthservID mta.example.com"
		echo "Syslog no"
		echo "UMask 000"
		if [ "$1" = dkimlens ]; then
			echo "Nameservers 127.0.0.1:$dnsport"
		else
			echo "Nameservers 127.0.0.1@$dnsport"
			echo "Background no"
			echo "RequireSafeKeys false"
		fi
	} >"$4"
}
cases="none"
smtpd_lines=
# The smtpd ports, one a case.
port_none=$(nsd_free_port 127.0.0.1)
smtpd_lines="127.0.0.1:$port_none inet n - n - - smtpd
"
for impl in $impls; do
	for sock in inet unix; do
		for mode in s v; do
			name=$impl-$sock-$mode
			if [ "$sock" = inet ]; then
				mp=$(nsd_free_port 127.0.0.1)
				msock=inet:$mp@127.0.0.1
				pfsock=inet:127.0.0.1:$mp
				eval "mport_$(echo "$name" | tr - _)=$mp"
			else
				msock=unix:$T/sock/$name.sock
				[ "$impl" = opendkim ] &&
				    msock=local:$T/sock/$name.sock
				pfsock=unix:$T/sock/$name.sock
			fi
			mconf "$impl" "$msock" "$mode" "$T/$name.conf"
			if [ "$impl" = dkimlens ]; then
				"$milter" -f -c "$T/$name.conf" \
				    >"$T/$name.log" 2>&1 &
			else
				"$opendkim" -f -x "$T/$name.conf" \
				    >"$T/$name.log" 2>&1 &
			fi
			pids="$pids $!"
			if [ "$sock" = inet ]; then
				wait_until 10 listening "$mp"
			else
				wait_until 10 test -S "$T/sock/$name.sock"
			fi || {
				sed 's/^/    /' "$T/$name.log" >&2
				die "$name did not start"
			}
			sp=$(nsd_free_port 127.0.0.1)
			eval "port_$(echo "$name" | tr - _)=$sp"
			smtpd_lines="${smtpd_lines}127.0.0.1:$sp inet n - n - - smtpd
  -o smtpd_milters=$pfsock
"
			cases="$cases $name"
		done
	done
done

# ---- smtp-sink and Postfix (main.cf as tests/e2e/run.sh's)
sinkport=$(nsd_free_port 127.0.0.1)
smtp-sink -u nobody -d "$T/sink/%H%M%S." "127.0.0.1:$sinkport" 256 \
    >"$T/sink.out" 2>&1 &
pids="$pids $!"
wait_until 10 listening "$sinkport" || die "smtp-sink did not start"
pf_main "$T/pf/etc" "$T/pf/queue" "$T/pf/data" mta.pfbench.test "$sinkport"
printf 'smtpd_milters =\nnon_smtpd_milters =\n' >>"$T/pf/etc/main.cf"
{
	printf '%s' "$smtpd_lines"
	pf_services
} >"$T/pf/etc/master.cf"
postfix -c "$T/pf/etc" start >"$T/pf/start.out" 2>&1 &&
    wait_until 10 test -s "$T/pf/queue/pid/master.pid" ||
    { cat "$T/pf/start.out" >&2; die "postfix -c DIR start failed"; }
pf_master=$(tr -d ' \n' <"$T/pf/queue/pid/master.pid")
wait_until 10 listening "$port_none" || die "Postfix smtpd did not listen"

# ---- the runs
# arrived - messages at the sink
arrived() {
	find "$T/sink" -type f | wc -l
}
# deliver PORT SESSIONS COUNT MSG - send, wait for every arrival; prints
# "SEND_SECS ARRIVE_SECS"
deliver() {
	find "$T/sink" -type f -delete
	t0=$(now)
	smtp-source -s "$2" -m "$3" -f user@example.com -t rcpt@example.net \
	    -F "$4" "127.0.0.1:$1" >"$T/source.out" 2>&1 ||
	    { cat "$T/source.out" >&2; die "smtp-source to port $1 failed"; }
	t1=$(now)
	# Wait for all of them, giving up when none arrived for 20 s.
	last=-1 idle=0
	while :; do
		got=$(arrived)
		[ "$got" -ge "$3" ] && break
		if [ "$got" = "$last" ]; then
			idle=$((idle + 1))
			[ $idle -lt 400 ] ||
			    die "port $1: $got of $3 messages arrived"
		else
			idle=0
		fi
		last=$got
		sleep 0.05
	done
	t2=$(now)
	echo "$t0 $t1 $t2" | awk '{ printf "%.3f %.3f\n", $2 - $1, $3 - $1 }'
}

# check_dump CASE MODE - one delivered message shows the milter's work
check_dump() {
	f=$(find "$T/sink" -type f | head -1)
	if [ "$2" = s ]; then
		grep -aqi '^DKIM-Signature:.*d=example\.com' "$f" ||
		    tr -d '\r' <"$f" | awk '/^DKIM-Signature:/,/^[^ \t]/' |
		    grep -aq 'd=example\.com'
	else
		tr -d '\r' <"$f" | awk '/^Authentication-Results: mta/ {
		    p = 1 } p && /^[^ \t]/ && !/^Authentication-Results/ {
		    p = 0 } p' | grep -aq 'dkim=pass'
	fi || echo "$1: the dump $f does not show the milter's work" \
	    >>"$T/notes"
}

echo "postfix bench: $(postconf -d mail_version 2>/dev/null |
    sed 's/.*= //') on loopback, $nmsg messages of 4 KB over 8 sessions," \
    "$nlat over one session, one message per SMTP session"
base_s= base_v=
rows=$T/rows
for c in $cases; do
	case $c in
	none) port=$port_none ;;
	*) eval "port=\$port_$(echo "$c" | tr - _)" ;;
	esac
	for mode in s v; do
		case $c in
		none) ;;
		*-"$mode") ;;
		*) continue ;;
		esac
		msg=$T/sign.eml
		[ "$mode" = v ] && msg=$T/verify.eml
		r8=$(deliver "$port" 8 "$nmsg" "$msg")
		[ "$c" = none ] || check_dump "$c" "$mode"
		r1=$(deliver "$port" 1 "$nlat" "$msg")
		rate=$(echo "$r8" | awk -v n="$nmsg" '{ printf "%.1f", n / $2 }')
		lat=$(echo "$r1" | awk -v n="$nlat" \
		    '{ printf "%.2f", $1 * 1000 / n }')
		impl=${c%-*}
		[ "$c" = none ] && impl=none
		[ "$c" = none ] && eval "base_$mode=$lat"
		echo "$mode|$impl|$rate|$lat" >>"$rows"
	done
done

printf '%-8s %-16s %9s %9s %12s\n' mode milter msgs/s 'ms/msg' \
    'added ms/msg'
for mode in s v; do
	eval "base=\$base_$mode"
	awk -F'|' -v m="$mode" -v b="$base" '$1 == m {
		printf "%-8s %-16s %9.1f %9.2f %12s\n",
		    (m == "s" ? "sign" : "verify"), $2, $3, $4,
		    ($2 == "none" ? "-" : sprintf("%+.2f", $4 - b)) }' "$rows"
done
echo "msgs/s: $nmsg messages sent over 8 sessions until the last arrived at"
echo "  smtp-sink; ms/msg: smtp-source over one session, per message; added:"
echo "  against no milter.  verify: the message carries two signatures"
echo "  (d=example.com and d=amazonses.com)."
[ -s "$T/notes" ] && cat "$T/notes"

# Does Postfix's milter client set TCP_NODELAY?  Trace the setsockopt calls
# of smtpd and cleanup (both talk to the milter) while one message goes
# through an inet milter.
if command -v strace >/dev/null 2>&1; then
	eval "port=\$port_dkimlens_inet_s mp=\$mport_dkimlens_inet_s"
	# the master and the smtpd processes it has already started
	spids=$(ps -o pid= --ppid "$pf_master" | sed 's/^ */-p /')
	# shellcheck disable=SC2086
	strace -f -e trace=setsockopt,connect -o "$T/strace.out" \
	    -p "$pf_master" $spids >/dev/null 2>&1 &
	st=$!
	sleep 0.5
	smtp-source -m 1 -f user@example.com -t rcpt@example.net \
	    -F "$T/sign.eml" "127.0.0.1:$port" >/dev/null 2>&1
	sleep 0.5
	kill "$st" 2>/dev/null
	wait "$st" 2>/dev/null
	if grep -q 'TCP_NODELAY' "$T/strace.out"; then
		echo "strace: Postfix sets TCP_NODELAY:" \
		    "$(grep -m1 TCP_NODELAY "$T/strace.out" | cut -c1-100)"
	elif grep -q "connect(.*htons($mp)" "$T/strace.out"; then
		echo "strace: Postfix connects to the inet milter and sets" \
		    "no TCP_NODELAY on any socket (setsockopt calls:" \
		    "$(grep -c setsockopt "$T/strace.out"))"
	else
		echo "strace: saw no milter connection (trace inconclusive)"
	fi
fi
exit 0
