#!/bin/sh
# run.sh - hostile mail against the real milter over the milter protocol
#
#   sh tests/hostile/run.sh            (from the repository top)
#
# Starts, in a fresh mktemp -d directory and on loopback only:
#   nsd       zone example.com with the key of selector sel1 (tests/lib/nsd.sh);
#   nxd       a DNS server that answers NXDOMAIN to everything and counts
#             the queries (python3-dns);
#   udpsink   four DNS servers that never answer (build/tests/dns/udpsink);
#   milters   $MILTER -f -c CONF, Mode v, one against each of the above;
# and sends messages with build/tests/hostile/mfclient (the milter
# protocol as Postfix speaks it, tests/bench/mta.c), asserting on the
# milter's header edits, its reply, its verdict line (stderr), timings
# and its thread count.  Prints TAP; exits 1 when a test failed.  The
# directory is kept after a failure, or always with KEEP=1.
#
# Environment: MILTER, KEYTOOL, MFCLIENT, UDPSINK (defaults in build/).
set -u
top=${DKIMLENS_TOP:-$(pwd)}
MILTER=${MILTER:-$top/build/dkimlens-milter}
KEYTOOL=${KEYTOOL:-$top/build/dkimlens-keytool}
MFCLIENT=${MFCLIENT:-$top/build/tests/hostile/mfclient}
UDPSINK=${UDPSINK:-$top/build/tests/dns/udpsink}
PY=/usr/bin/python3	# Debian's, with python3-dns
AUTHSERV=hostile.test
. "$top/tests/lib/nsd.sh"

. "$top/tests/lib/tap.sh"
T=
pids=

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	[ -n "$T" ] && nsd_stop "$T/nsd"
	if [ -n "$T" ] && [ -d "$T" ]; then
		case ${KEEP:-}:$failed in
		1:*|:[1-9]*) echo "# kept $T" ;;
		*) rm -rf "$T" ;;
		esac
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for b in "$MILTER" "$KEYTOOL" "$MFCLIENT" "$UDPSINK"; do
	[ -x "$b" ] || bail "$b is built (make all tests)"
done
for p in nsd openssl ss; do
	command -v "$p" >/dev/null 2>&1 || bail "$p is installed"
done
T=$(mktemp -d "${TMPDIR:-/tmp}/dkimlens-hostile.XXXXXX") || bail "mktemp -d"
mkdir -p "$T/keys" "$T/msg"

# ---------------------------------------------------------------- DNS

umask 077
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$T/keys/sel1.pem" 2>/dev/null || bail "openssl genpkey"
umask 022
{
	echo '$TTL 300'
	echo '@ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 60'
	echo '@ IN NS ns.example.com.'
	echo 'ns IN A 127.0.0.1'
	printf 'sel1._domainkey IN TXT '
	{
		printf 'v=DKIM1; k=rsa; p='
		openssl pkey -in "$T/keys/sel1.pem" -pubout -outform DER |
		    base64 -w0
	} | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' '
	echo
} >"$T/example.com.zone"
nsd_start_any "$T/nsd" 127.0.0.1 example.com="$T/example.com.zone" \
    qqq.com="$T/example.com.zone" \
    2>"$T/nsd.err" || { diag <"$T/nsd.err"; bail "nsd starts"; }
pids="$pids $NSD_PID"
dns_port=$NSD_PORT

# nxd: NXDOMAIN (with a SOA) for every question, each counted in a file
cat >"$T/nxd.py" <<'EOF'
import socket, sys, time
import dns.message, dns.rcode, dns.rrset
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
s.settimeout(1)
end = time.time() + 300
log = open(sys.argv[1], 'a')
while time.time() < end:
    try:
        data, addr = s.recvfrom(4096)
    except socket.timeout:
        continue
    try:
        q = dns.message.from_wire(data)
    except Exception:
        continue
    log.write('%s %s\n' % (q.question[0].name, dns.rdatatype.to_text(q.question[0].rdtype)))
    log.flush()
    r = dns.message.make_response(q)
    r.set_rcode(dns.rcode.NXDOMAIN)
    r.authority.append(dns.rrset.from_text('test.', 60, 'IN', 'SOA',
        'ns.test. hostmaster.test. 1 3600 600 86400 60'))
    s.sendto(r.to_wire(), addr)
EOF
: >"$T/nxd.log"
$PY "$T/nxd.py" "$T/nxd.log" >"$T/nxd.port" 2>"$T/nxd.err" &
pids="$pids $!"
# four servers that never answer: a DNS outage
for i in 1 2 3 4; do
	"$UDPSINK" 127.0.0.1 300 >"$T/sink$i.port" 2>/dev/null &
	pids="$pids $!"
done
wait_for 5 test -s "$T/nxd.port" || bail "the NXDOMAIN server starts"
for i in 1 2 3 4; do
	wait_for 5 test -s "$T/sink$i.port" || bail "udpsink $i starts"
done
nxd_port=$(cat "$T/nxd.port")
silent=
for i in 1 2 3 4; do
	silent="$silent${silent:+,}127.0.0.1:$(cat "$T/sink$i.port")"
done

# ---------------------------------------------------------------- milters

# milter NAME NAMESERVERS DNSTIMEOUT - start one (m-NAME.conf, its
# verdict lines in m-NAME.log); sets NAME_port and NAME_pid
milter() {
	_port=$(nsd_free_port 127.0.0.1) || bail "a free port"
	cat >"$T/m-$1.conf" <<EOF
Socket		inet:$_port@127.0.0.1
Mode		v
AuthservID	$AUTHSERV
Nameservers	$2
DNSTimeout	$3
Syslog		no
EOF
	"$MILTER" -f -c "$T/m-$1.conf" >"$T/m-$1.out" 2>"$T/m-$1.log" &
	_pid=$!
	pids="$pids $_pid"
	if ! wait_for 10 listening "$_port"; then
		diag <"$T/m-$1.log"
		bail "milter $1 listens on 127.0.0.1:$_port"
	fi
	eval "${1}_port=\$_port ${1}_pid=\$_pid"
}
milter keys "127.0.0.1:$dns_port" 2
milter nxd "127.0.0.1:$nxd_port" 2
milter outage "$silent" 1
echo "# dir $T nsd $dns_port nxd $nxd_port silent $silent"

# send MILTER FILE [ARGS] - mfclient's output in $T/out, status in $rc;
# the milter's log lines this message added in $T/lines
send() {
	_m=$1 _f=$2
	shift 2
	_before=$(wc -l <"$T/m-$_m.log")
	eval "_port=\$${_m}_port"
	"$MFCLIENT" "$@" "inet:$_port@127.0.0.1" "$_f" >"$T/out" 2>&1
	rc=$?
	tail -n +"$((_before + 1))" "$T/m-$_m.log" >"$T/lines"
	cp "$T/out" "$T/out.$n"
}
# has FILE REGEX - FILE has a line matching the extended REGEX
has() {
	grep -Eq -- "$2" "$1"
}
# value FILE KEY - the number after "KEY " in mfclient's output
value() {
	sed -n "s/^$2 \\([0-9][0-9]*\\)\$/\\1/p" "$1" | head -1
}
# lt A B - A is a number below B
lt() {
	[ -n "$1" ] && [ "$1" -lt "$2" ]
}
# show - the client's output and the new log lines, as TAP comments
show() {
	{ head -c 2000 "$T/out"; echo; head -c 2000 "$T/lines"; } | diag
}

# sig D S - a DKIM-Signature that parses (its key never verifies it)
sig() {
	printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s;\n' "$1" "$2"
	printf '\th=from:to:subject; bh=%s;\n' \
	    "$(head -c 32 /dev/zero | base64 -w0)"
	printf '\tb=%s\n' "$(head -c 256 /dev/zero | base64 -w0)"
}
# head_common - the usual fields
head_common() {
	printf 'From: Boss <ceo@example.com>\nTo: rcpt@example.net\n'
	printf 'Subject: hostile\nMessage-ID: <%s@hostile.test>\n' "$1"
}
body() {
	printf '\nPay the invoice today.\n'
}
forged="Authentication-Results: $AUTHSERV; dkim=pass header.d=paypal.com"

# ------------------------------------------- 1. forged A-R past the field cap

{
	echo "Authentication-Results: other.example; spf=pass"
	echo "$forged"
	head_common fields
	i=0
	while [ $i -lt 1000 ]; do
		i=$((i + 1))
		echo "X-Filler-$i: filler"
	done
	echo "$forged (after the cap)"
	body
} >"$T/msg/fields.eml"
send keys "$T/msg/fields.eml"
check "1,000 filler fields: the milter answers" [ "$rc" -eq 0 ]
check "1,000 filler fields: the forged A-R (2nd of that name) is removed" \
    has "$T/out" '^chgheader 2 Authentication-Results $'
check "1,000 filler fields: the forged A-R past the cap (3rd) is removed" \
    has "$T/out" '^chgheader 3 Authentication-Results $'
check "1,000 filler fields: another server's A-R (1st) is kept" \
    eval '! has "$T/out" "^chgheader 1 "'
check "1,000 filler fields: ours says dkim=permerror naming the cap" \
    has "$T/out" "^insheader 0 Authentication-Results +$AUTHSERV;.*dkim=permerror \\(message header over the limit of 1000 fields"
check "1,000 filler fields: the verdict line is permerror naming the cap" \
    has "$T/lines" 'verdict=permerror .*limit of 1000 fields.*action=accept'
[ $failed -gt 0 ] && show

# ------------------------------------------- 2. more than 1 MB of header

{
	echo "$forged"
	head_common bytes
	filler=$(head -c 1800 /dev/zero | tr '\0' x)
	i=0
	while [ $i -lt 600 ]; do
		i=$((i + 1))
		echo "X-Filler-$i: $filler"
	done
	body
} >"$T/msg/bytes.eml"
f0=$failed
send keys "$T/msg/bytes.eml"
check "1 MB of header: the milter answers" [ "$rc" -eq 0 ]
check "1 MB of header: the forged A-R is removed" \
    has "$T/out" '^chgheader 1 Authentication-Results $'
check "1 MB of header: ours says dkim=permerror naming the cap" \
    has "$T/out" "^insheader 0 Authentication-Results +$AUTHSERV;.*dkim=permerror \\(message header over the limit of 1048576 bytes"
check "1 MB of header: the verdict line names the cap" \
    has "$T/lines" 'verdict=permerror .*limit of 1048576 bytes'
[ $failed -gt $f0 ] && show

# ------------------------------------------- 3. one 100,000-byte field

{
	head_common big
	printf 'X-Big: %s\n' "$(head -c 100000 /dev/zero | tr '\0' y)"
	echo "$forged"
	body
} >"$T/msg/big.in"
f0=$failed
"$KEYTOOL" sign --key "$T/keys/sel1.pem" --domain example.com \
    --selector sel1 "$T/msg/big.in" >"$T/msg/big.eml" 2>"$T/sign.err" ||
    { diag <"$T/sign.err"; bail "keytool signs the big message"; }
send keys "$T/msg/big.eml"
check "100,000-byte field: the connection is not dropped" \
    eval '[ "$rc" -eq 0 ] && has "$T/out" "^final "'
check "100,000-byte field: the forged A-R is removed" \
    has "$T/out" '^chgheader 1 Authentication-Results $'
check "100,000-byte field: the signature verifies (dkim=pass)" \
    has "$T/out" "^insheader 0 Authentication-Results +$AUTHSERV;.*dkim=pass .*header.d=example.com"
check "100,000-byte field: a verdict line is written (pass)" \
    has "$T/lines" 'verdict=pass from=example.com'
[ $failed -gt $f0 ] && show

# ------------------------------------------- 4. abort during a DNS outage

{
	sig example.com outage1
	head_common abort
	body
} >"$T/msg/abort.eml"
f0=$failed
send outage "$T/msg/abort.eml" -a
a_ms=$(value "$T/out" abort_ms)
q_ms=$(value "$T/out" quit_ms)
echo "# abort ${a_ms:-?} ms, quit ${q_ms:-?} ms (4 silent servers, DNSTimeout 1)"
check "DNS outage: an abort returns at once (${a_ms:-?} ms < 300)" \
    lt "$a_ms" 300
check "DNS outage: a close returns at once (${q_ms:-?} ms < 300)" \
    lt "$q_ms" 300
[ $failed -gt $f0 ] && show

# ------------------------------------------- 5. the message's DNS deadline

f0=$failed
send outage "$T/msg/abort.eml"
e_ms=$(value "$T/out" eom_ms)
echo "# end of message after ${e_ms:-?} ms; each lookup alone takes 8 s"
check "DNS outage: the message ends by its deadline (${e_ms:-?} ms < 4000)" \
    lt "$e_ms" 4000
check "DNS outage: A-R temperror, the verdict line names the deadline" \
    eval 'has "$T/out" "dkim=temperror" &&
    has "$T/lines" "verdict=dns-error .*DNS deadline of 3000 ms"'
[ $failed -gt $f0 ] && show

# ------------------------------------------- 6. 50 connections, DNS outage

{
	for i in 1 2 3 4 5 6 7 8; do
		sig "d$i.example.com" "many$i"
	done
	head_common many
	body
} >"$T/msg/many.eml"
f0=$failed
base=$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$outage_pid/status")
send outage "$T/msg/many.eml" -c 50 -p "$outage_pid" -w 2
th=$(value "$T/out" threads_max)
am=$(value "$T/out" abort_max_ms)
# one libmilter thread per connection, the lookup pool, a few others
bound=$((base + 50 + 10))
echo "# threads: ${base:-?} idle, ${th:-?} with 50 connections of 8 signatures each (bound $bound); slowest abort ${am:-?} ms"
check "DNS outage: 50 connections hold their messages" \
    has "$T/out" '^held 50$'
check "DNS outage: threads stay bounded (${th:-?} <= $bound)" \
    eval '[ -n "$th" ] && [ "$th" -le "$bound" ]'
check "DNS outage: 50 aborts return at once (slowest ${am:-?} ms < 1000)" \
    lt "$am" 1000
[ $failed -gt $f0 ] && show

# ------------------------------------------- 7. NXDOMAIN hint probes

{
	for i in 1 2 3 4 5 6 7 8; do
		sig "d$i.attacker.test" "probe$i"
	done
	head_common probes
	body
} >"$T/msg/probes.eml"
f0=$failed
: >"$T/nxd.log"
send nxd "$T/msg/probes.eml"
nq=$(wc -l <"$T/nxd.log")
echo "# $nq queries for 8 missing keys"
check "NXDOMAIN: the message is answered" has "$T/out" '^final '
check "NXDOMAIN: 8 key lookups and at most 4 hint probes ($nq queries)" \
    eval '[ "$nq" -ge 8 ] && [ "$nq" -le 12 ]'
check "NXDOMAIN: the verdict line names the probe budget" \
    has "$T/lines" 'hint probes skipped: over the budget of 4 per message'
[ $failed -gt $f0 ] && { show; diag <"$T/nxd.log"; }

# ------------------------------------------- 8. the From field and names
# (issue 8 items 3, 4, 5, 7): real signatures by python3-dkim with the
# key nsd serves for example.com and qqq.com

# dkimpy DOMAIN IN OUT - sign IN as d=DOMAIN s=sel1 (From signed once)
dkimpy() {
	$PY "$DKIMLENS_TOP/tests/e2e/dkimpy.py" sign "$T/keys/sel1.pem" "$1" sel1 \
	    <"$2" >"$3" 2>"$T/dkimpy.err" || { diag <"$T/dkimpy.err"; bail "python3-dkim signs"; }
}
# ascii_only FILE REGEX - the lines matching REGEX hold printable ASCII only
ascii_only() {
	grep -E -- "$2" "$1" | grep -q . &&
	    ! grep -E -- "$2" "$1" | LC_ALL=C grep -q '[^ -~]'
}

# 3. A quoted string in the From domain is no domain: ceo@"x".com was read
# as qqq.com, and a valid d=qqq.com signature passed as the author's.
{
	printf 'From: Boss <ceo@"x".com>\nTo: rcpt@example.net\n'
	printf 'Subject: quoted\nMessage-ID: <quoted@hostile.test>\n'
	body
} >"$T/msg/quoted.in"
dkimpy qqq.com "$T/msg/quoted.in" "$T/msg/quoted.eml"
f0=$failed
send keys "$T/msg/quoted.eml"
check "quoted From domain: the d=qqq.com signature itself verifies" \
    has "$T/out" "^insheader 0 Authentication-Results +$AUTHSERV;.*dkim=pass .*header.d=qqq.com"
check "quoted From domain: no author domain (from=\"\"), not role:author, not verdict=pass" \
    eval 'has "$T/lines" " from=\"\" " && ! has "$T/lines" "role:author" &&
    ! has "$T/lines" "verdict=pass "'
[ $failed -gt $f0 ] && show

# 4. A second, unsigned From on top of a message whose From is signed once
# (as SES and Gmail sign): the message has no author.
{
	head_common twofrom
	body
} >"$T/msg/twofrom.in"
dkimpy example.com "$T/msg/twofrom.in" "$T/msg/twofrom.signed"
{ printf 'From: Mallory <ceo@example.com>\r\n'; cat "$T/msg/twofrom.signed"; } \
    >"$T/msg/twofrom.eml"
f0=$failed
send keys "$T/msg/twofrom.eml"
check "two From fields: not role:author and not verdict=pass" \
    eval 'has "$T/lines" "verdict=" && ! has "$T/lines" "role:author" &&
    ! has "$T/lines" "verdict=pass "'
check "two From fields: the hint says the message has several From fields" \
    has "$T/lines" 'hint="[^"]*From'
# the control: the message as signed passes as the author's
send keys "$T/msg/twofrom.signed"
check "two From fields (control): the message as signed is verdict=pass role:author" \
    eval 'has "$T/lines" "verdict=pass " && has "$T/lines" "role:author"'
[ $failed -gt $f0 ] && show

# 5. An s= over 127 octets is permerror, never looked up cut short.
long=$(head -c 140 /dev/zero | tr '\0' s)
{
	sig example.com "$long"
	head_common longsel
	body
} >"$T/msg/longsel.eml"
f0=$failed
send keys "$T/msg/longsel.eml"
check "s= of 140 octets: dkim=permerror in Authentication-Results" \
    has "$T/out" "^insheader 0 Authentication-Results +$AUTHSERV;.*dkim=permerror"
check "s= of 140 octets: the verdict line says sig-tag-too-long" \
    has "$T/lines" 'reason:sig-tag-too-long'
[ $failed -gt $f0 ] && show

# 7. Raw 8-bit bytes and DEL in an unparsed d= and s= never reach the
# Authentication-Results header.
{
	sig "$(printf 'ex\344mple.com')" "$(printf 'se\177l')"
	head_common eightbit
	body
} >"$T/msg/eightbit.eml"
f0=$failed
send keys "$T/msg/eightbit.eml"
check "8-bit d= and DEL in s=: our Authentication-Results holds printable ASCII only" \
    ascii_only "$T/out" '^insheader 0 Authentication-Results'
check "8-bit d= and DEL in s=: the verdict line holds printable ASCII only" \
    ascii_only "$T/lines" 'verdict='
[ $failed -gt $f0 ] && show

# ------------------------------------------- the milters survived

check "the milters are still running" \
    eval 'kill -0 $keys_pid && kill -0 $nxd_pid && kill -0 $outage_pid'

echo "1..$n"
[ "$failed" -eq 0 ]
