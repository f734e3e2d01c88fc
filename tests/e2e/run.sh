#!/bin/sh
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
# run.sh - end-to-end suite: a real Postfix with dkimlens-milter attached
#
#   sh tests/e2e/run.sh            (from the repository top, as root)
#
# Starts, in a fresh mktemp -d directory and on loopback only:
#   nsd        127.0.0.1:DNSPORT, zones example.com and amazonses.com holding
#              the test keys made here with openssl;
#   smtp-sink  127.0.0.1:SINKPORT, one dump file per delivered message;
#   milter     $MILTER -f -c CONF on 127.0.0.1:MILTERPORT, stderr to a file
#              (the verdict lines);
#   Postfix    from Debian, its own config_directory, queue_directory,
#              data_directory and maillog_file, smtpd on 127.0.0.1:SMTPPORT,
#              relayhost [127.0.0.1]:SINKPORT, smtpd_milters the milter.
# Mail goes in with swaks and smtp-source; each scenario asserts on the
# headers smtp-sink received and on the milter's verdict line.  Postfix
# uses milter_default_action = tempfail, so that without a working milter
# no mail passes and every product test fails.  Setting up the
# environment (nsd, smtp-sink, Postfix) is not a test: each step done is a
# "# setup: ..." comment, and a step that fails is a "not ok" naming it
# followed by "Bail out!".  tests/e2e/promises.sh holds the scenarios of
# the promises the README and the man pages make (SMTP AUTH, SIGHUP, the
# On* actions, Mode s, syslog, MaxSignatures, parallel lookups, a unix
# socket, organizational domains, escaping), each against its own milter
# instance and smtpd port; tests/e2e/outgoing.sh those of outgoing mail
# (each signing key's state in DNS, signatures already on outgoing mail,
# SesRelay with a small SMTP server playing Amazon SES as the relay).  Prints TAP; exits 1 when a test failed.  The directory (logs, dumps, configs) is kept
# after a failure, or always with KEEP=1; KEEP=0 removes it in any case.
# Takes about 25 s.
#
# Environment: MILTER, KEYTOOL (default ${DKIMLENS_TOP:-.}/build/...).
set -u

top=${DKIMLENS_TOP:-$(pwd)}
MILTER=${MILTER:-$top/build/dkimlens-milter}
KEYTOOL=${KEYTOOL:-$top/build/dkimlens-keytool}
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
DKIMPY="$PY $here/dkimpy.py"
AUTHSERV=e2e.dkimlens.test
# shellcheck source=../lib/nsd.sh
. "$here/../lib/nsd.sh"
# shellcheck source=promises.sh
. "$here/promises.sh"
# shellcheck source=outgoing.sh
. "$here/outgoing.sh"

. "$top/tests/lib/tap.sh"
# shellcheck source=tests/lib/postfix.sh
. "$top/tests/lib/postfix.sh"
T=
nsd_pid=
sink_pid=
milter_pid=
postfix_up=

# ---------------------------------------------------------------- TAP

# setup WHAT - a setup step that worked: a comment, not a test
setup() {
	echo "# setup: $1"
}

# setup_step WHAT CMD... - a setup step that must work: a comment when
# CMD succeeds, else a failure naming the step (the run goes on)
setup_step() {
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then setup "$d"; else tap 1 "setup: $d"; fi
}

# bail WHY - a setup step failed: a failure naming it, and stop
bail() {
	tap 1 "setup: $1"
	echo "1..$n"
	echo "Bail out! $1"
	exit 1
}

# ---------------------------------------------------------------- helpers

# stop_pid PID - SIGTERM, then SIGKILL after 5 s; true when it is gone
stop_pid() {
	[ -n "$1" ] || return 0
	alive "$1" || return 0
	kill "$1" 2>/dev/null
	wait_for 5 eval '! alive '"$1" && return 0
	kill -9 "$1" 2>/dev/null
	wait_for 2 eval '! alive '"$1"
}

# free_ports N - N distinct ports free on 127.0.0.1 for both TCP and UDP
free_ports() {
	$PY - "$1" <<'EOF'
import socket, sys
held, ports = [], []
while len(ports) < int(sys.argv[1]):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(('127.0.0.1', 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(('127.0.0.1', p))
    except OSError:
        t.close()
        continue
    held += [t, u]
    ports.append(p)
print(' '.join(map(str, ports)))
EOF
}

# crlf - LF to CRLF
crlf() {
	sed 's/\r*$/\r/'
}

# mkmsg ID FROM [SUBJECT] - a plain CRLF test message on stdout
mkmsg() {
	{
		echo "From: Test Sender <$2>"
		echo "To: Rcpt <rcpt@example.net>"
		echo "Subject: ${3:-dkimlens e2e $1}"
		echo "Date: $(LC_ALL=C date -R)"
		echo "Message-ID: <$1@e2e.example.com>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		echo "This is the end-to-end test message $1."
		echo "A second line, with	a tab and trailing blanks   "
		echo
		echo "-- "
		echo "dkimlens"
	} | crlf
}

# hdrs FILE NAME - the unfolded values of every NAME header field of the
# message header (smtp-sink's dump header included), one per line
hdrs() {
	tr -d '\r' <"$1" | awk -v want="$(echo "$2" | tr 'A-Z' 'a-z')" '
	function flush() {
		if (cur != "") {
			i = index(cur, ":")
			if (tolower(substr(cur, 1, i - 1)) == want)
				print substr(cur, i + 1)
		}
		cur = ""
	}
	/^$/ { done = 1; exit }
	/^[ \t]/ { sub(/^[ \t]+/, " "); cur = cur $0; next }
	{ flush(); cur = $0 }
	END { flush() }'
}

# count_hdrs FILE NAME - how many NAME fields
count_hdrs() {
	hdrs "$1" "$2" | wc -l | tr -d ' '
}

# ours FILE - our Authentication-Results field values (authserv-id ours)
ours() {
	hdrs "$1" Authentication-Results |
	    grep -a -iE "^[[:space:]]*${AUTHSERV//./\\.}[[:space:]]*(;|$)"
}

# send NAME FILE SENDER [LOCALADDR] - inject with swaks, print the queue id
send() {
	sendp "$smtp_port" "$@"
}

# sendp PORT NAME FILE SENDER LOCALADDR [SWAKSARG...] - the same to the
# smtpd on PORT; swaks' transcript is in $T/swaks.NAME
sendp() {
	local port=$1 out=$T/swaks.$2 file=$3 from=$4 addr=$5
	shift 5
	swaks --server "127.0.0.1:$port" ${addr:+--local-interface "$addr"} \
	    --helo client.e2e.test --from "$from" --to rcpt@example.net \
	    --data "$file" --timeout 60 "$@" >"$out" 2>&1
	sed -n 's/.*250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$out" | tail -1
}

# smtp_reply NAME - the last error reply swaks got ("451 4.7.20 ...")
smtp_reply() {
	sed -n 's/^ *<\*\* *//p' "$T/swaks.$1" | tail -1
}

# sent QID - Postfix logged the delivery to the sink
sent() {
	grep -a -q "postfix/smtp\[[0-9]*\]: $1: .*status=sent" "$T/pf/maillog"
}

# settled QID - Postfix logged a delivery, deferral or bounce
settled() {
	grep -a -qE "postfix/(smtp|error|bounce)\[[0-9]*\]: $1: .*status=(sent|deferred|bounced)" \
	    "$T/pf/maillog"
}

# delivered QID - the sink's dump file of that message, once delivered.
# After one message failed to arrive the others get 5 s each, so a broken
# Postfix fails the suite in a few minutes rather than hanging it (a file
# remembers it: callers run this in a $(...) subshell).
delivered() {
	local w=30
	[ -n "$1" ] || return 1
	[ -e "$T/slow-delivery" ] && w=5
	wait_for "$w" settled "$1"
	if ! sent "$1"; then
		grep -a "$1: .*status=" "$T/pf/maillog" | tail -1 | diag >&2
		: >"$T/slow-delivery"
		return 1
	fi
	grep -a -l "(Postfix) with E\{0,1\}SMTPS\{0,1\}A\{0,1\} id $1\$" "$T"/sink/* 2>/dev/null |
	    head -1
}

# verdict QID [LOG PID] - the verdict line for the message in the log
# of the milter PID (default: the main one; 10 s, 2 s once a line failed
# to come)
verdict() {
	[ -n "$1" ] || return 1
	local w=10 log=${2:-$T/milter.log} pid=${3:-$milter_pid}
	[ -e "$T/slow-verdict" ] && w=2
	if alive "$pid" &&
	    ! wait_for "$w" grep -a -q "$1: .*verdict=" "$log"; then
		: >"$T/slow-verdict"
	fi
	grep -a -q "$1: .*verdict=" "$log" || return 1
	grep -a "$1: .*verdict=" "$log" | tail -1
}

# sigfield LINE DOMAIN - the sigN=d:...,s:...,a:...,role:...,result:...
# fields of the verdict LINE whose d is DOMAIN (a regex)
sigfield() {
	printf '%s\n' "$1" | grep -a -oE " sig[0-9]+=d:$2,[^ ]*"
}

# has STRING REGEX - STRING matches the extended REGEX
has() {
	printf '%s\n' "$1" | grep -a -qE -- "$2"
}

# hasi STRING REGEX - the same, ignoring case
hasi() {
	printf '%s\n' "$1" | grep -a -qiE -- "$2"
}

# dkimpy_verify FILE - python3-dkim verifies every signature of FILE
dkimpy_verify() {
	$DKIMPY verify "$dns_port" "$1"
}

# ---------------------------------------------------------------- teardown

cleanup() {
	set +e
	if [ -n "$postfix_up" ]; then
		postfix -c "$T/pf/etc" stop >/dev/null 2>&1
		wait_for 10 eval '! alive '"$postfix_up"
		alive "$postfix_up" && kill -9 "$postfix_up" 2>/dev/null
	fi
	stop_pid "$milter_pid"
	promises_cleanup
	outgoing_cleanup
	stop_pid "$sink_pid"
	[ -n "$nsd_pid" ] && nsd_stop "$T/nsd"
	stop_pid "$nsd_pid"
	if [ -n "$T" ] && [ -d "$T" ]; then
		# KEEP=1 keeps it, KEEP=0 never; unset: kept after a failure
		case ${KEEP:-}:$failed in
		1:*|:[1-9]*) keep=1 ;;
		*) keep= ;;
		esac
		if [ -n "$keep" ]; then
			echo "# kept $T"
		else
			rm -rf "$T"
		fi
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- setup

# Postfix, smtp-sink -u and the key checks need root.
[ "$(id -u)" -eq 0 ] || bail "runs as root (postfix -c DIR start)"
for p in postfix smtp-sink smtp-source swaks nsd openssl ss; do
	command -v "$p" >/dev/null 2>&1 ||
	    bail "$p is installed (sh contrib/install-deps.sh)"
done
T=$(mktemp -d /tmp/dkimlens-e2e.XXXXXX) || bail "mktemp -d"
# Postfix daemons run as postfix and must reach the queue below $T.
chmod 755 "$T"
mkdir -p "$T/keys" "$T/dns" "$T/sink" "$T/pf/etc" "$T/pf/queue" \
    "$T/pf/data" "$T/msg"
chmod 700 "$T/keys"
chown nobody "$T/sink"
chown postfix "$T/pf/data"
: >"$T/milter.log"

dns_port=

# Keys: RSA 2048 for the milter (sel1), an ed25519 one (sel2ed), the
# customer's key signing before the mail arrives (cust), an ESP key for
# amazonses.com (ses1), and one published only at the duplicated apex.
umask 077
for k in sel1 cust ses1 apexdup dnsdown; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$T/keys/$k.pem" 2>/dev/null || bail "openssl genpkey RSA $k"
done
openssl genpkey -algorithm ED25519 -out "$T/keys/sel2ed.pem" 2>/dev/null ||
    bail "openssl genpkey ED25519"
promises_keys
outgoing_keys
chmod 600 "$T/keys"/*.pem
umask 022

# rsa_txt KEY / ed_txt KEY - the key record value, in zone-file strings
# of at most 250 characters
zone_strings() {
	fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' '
}
rsa_txt() {
	{
		printf 'v=DKIM1; k=rsa; p='
		openssl pkey -in "$T/keys/$1.pem" -pubout -outform DER |
		    base64 -w0
	} | zone_strings
}
ed_txt() {
	{
		printf 'v=DKIM1; k=ed25519; p='
		openssl pkey -in "$T/keys/$1.pem" -pubout -outform DER |
		    tail -c 32 | base64 -w0
	} | zone_strings
}

cat >"$T/dns/example.com.zone" <<EOF
\$TTL 300
@ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 60
@ IN NS ns.example.com.
ns IN A 127.0.0.1
sel1._domainkey IN TXT $(rsa_txt sel1)
sel2ed._domainkey IN TXT $(ed_txt sel2ed)
cust._domainkey IN TXT $(rsa_txt cust)
dnsdown._domainkey IN TXT $(rsa_txt dnsdown)
; the provider appended the apex: apexdup._domainkey.example.com.example.com
apexdup._domainkey.example.com IN TXT $(rsa_txt apexdup)
EOF
cat >"$T/dns/amazonses.com.zone" <<EOF
\$TTL 300
@ IN SOA ns.amazonses.com. hostmaster.amazonses.com. 1 3600 600 86400 60
@ IN NS ns.amazonses.com.
ns IN A 127.0.0.1
ses1._domainkey IN TXT $(rsa_txt ses1)
EOF
# nsd_answers NAME - the nsd gives the TXT at NAME
nsd_answers() {
	$PY - "$dns_port" "$1" <<'EOF'
import sys, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = ['127.0.0.1']
r.port = int(sys.argv[1])
r.lifetime = 2
r.resolve(sys.argv[2], 'TXT')
EOF
}

promises_zones
outgoing_zones
if nsd_start_any "$T/nsd" 127.0.0.1 example.com="$T/dns/example.com.zone" \
    amazonses.com="$T/dns/amazonses.com.zone" $promise_zones $out_zones \
    2>"$T/dns/nsd.err"; then
	nsd_pid=$NSD_PID
	dns_port=$NSD_PORT
fi
if [ -n "$nsd_pid" ] && nsd_answers sel1._domainkey.example.com; then
	setup "nsd serves the test keys on 127.0.0.1:$dns_port"
else
	diag <"$T/dns/nsd.err"
	bail "nsd serves the test keys on 127.0.0.1"
fi
# The other ports, chosen while nsd holds its own.
set -- $(free_ports 3)
[ $# -eq 3 ] || bail "find 3 free loopback ports"
smtp_port=$1 sink_port=$2 milter_port=$3
echo "# dir $T smtp $smtp_port sink $sink_port milter $milter_port dns $dns_port"
nsd_answers apexdup._domainkey.example.com.example.com ||
    bail "nsd serves the duplicated-apex name"
nsd_answers ses1._domainkey.amazonses.com ||
    bail "nsd serves the ESP key at ses1._domainkey.amazonses.com"
setup "nsd serves the duplicated-apex name and the ESP key"

smtp-sink -u nobody -h sink.e2e.test -d "$T/sink/%H%M%S." \
    "127.0.0.1:$sink_port" 100 >"$T/sink.out" 2>&1 &
sink_pid=$!
wait_for 10 listening "$sink_port" || bail "smtp-sink listens"
setup "smtp-sink listens on 127.0.0.1:$sink_port"

# ---- milter
cat >"$T/milter.conf" <<EOF
# dkimlens-milter configuration of the end-to-end suite
Socket			inet:$milter_port@127.0.0.1
Mode			sv
AuthservID		$AUTHSERV
Nameservers		127.0.0.1:$dns_port
DNSTimeout		2
InternalHosts		127.0.0.1
EspDomains		amazonses.com
Canonicalization	relaxed/relaxed
KeyTable		$T/keytable
SigningTable		refile:$T/signingtable
MultipleSignatures	yes
Syslog			no
EOF
cat >"$T/keytable" <<EOF
sel1._domainkey.example.com	example.com:sel1:$T/keys/sel1.pem
sel2ed._domainkey.example.com	example.com:sel2ed:$T/keys/sel2ed.pem
EOF
cat >"$T/signingtable" <<EOF
*@example.com	sel1._domainkey.example.com
*@example.com	sel2ed._domainkey.example.com
EOF

if [ ! -x "$MILTER" ]; then
	tap 1 "milter binary $MILTER exists"
else
	if "$MILTER" -n -c "$T/milter.conf" >"$T/milter-n.out" 2>&1; then
		tap 0 "dkimlens-milter -n accepts the suite's config"
	else
		tap 1 "dkimlens-milter -n accepts the suite's config"
		diag <"$T/milter-n.out"
	fi
	# A key others can read is refused, naming the file and the fix.
	mkdir -p "$T/loose"
	cp "$T/keys/sel1.pem" "$T/loose/sel1.pem"
	chmod 644 "$T/loose/sel1.pem"
	sed "s#^KeyTable.*#KeyTable $T/loose/keytable#" "$T/milter.conf" \
	    >"$T/loose/milter.conf"
	printf 'sel1._domainkey.example.com\texample.com:sel1:%s\n' \
	    "$T/loose/sel1.pem" >"$T/loose/keytable"
	"$MILTER" -n -c "$T/loose/milter.conf" >"$T/loose/out" 2>&1
	rc=$?
	check "dkimlens-milter -n refuses a key file of mode 0644" \
	    test "$rc" -ne 0
	check "the refusal names the key file, its mode and chmod 600" \
	    eval 'grep -aq "$T/loose/sel1.pem: mode 0644" "$T/loose/out" &&
	    grep -aq "chmod 600 $T/loose/sel1.pem" "$T/loose/out"'
	diag <"$T/loose/out"
	"$MILTER" -f -c "$T/milter.conf" >"$T/milter.out" 2>"$T/milter.log" &
	milter_pid=$!
	if wait_for 10 listening "$milter_port"; then
		tap 0 "dkimlens-milter listens on 127.0.0.1:$milter_port"
	else
		tap 1 "dkimlens-milter listens on 127.0.0.1:$milter_port"
		diag <"$T/milter.log"
	fi
fi

promises_milters
outgoing_milters

# ---- Postfix
pf_main "$T/pf/etc" "$T/pf/queue" "$T/pf/data" mta.e2e.test "$sink_port"
cat >>"$T/pf/etc/main.cf" <<EOF
smtpd_milters = inet:127.0.0.1:$milter_port
non_smtpd_milters =
cyrus_sasl_config_path = $T/pf/etc/sasl
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
EOF
{
	echo "127.0.0.1:$smtp_port inet n - n - - smtpd"
	pf_services
} >"$T/pf/etc/master.cf"
promises_master >>"$T/pf/etc/master.cf"
outgoing_master >>"$T/pf/etc/master.cf"
if postfix -c "$T/pf/etc" start >"$T/pf/start.out" 2>&1 &&
    wait_for 10 test -s "$T/pf/queue/pid/master.pid"; then
	postfix_up=$(tr -d ' \n' <"$T/pf/queue/pid/master.pid")
fi
if [ -n "$postfix_up" ] && wait_for 10 listening "$smtp_port"; then
	setup "postfix -c DIR start: smtpd on 127.0.0.1:$smtp_port"
else
	diag <"$T/pf/start.out"
	diag <"$T/pf/maillog" 2>/dev/null
	bail "postfix -c DIR start: smtpd on 127.0.0.1:$smtp_port"
fi

# ---------------------------------------------------------------- scenarios

# (a) outgoing mail from an InternalHosts client is signed twice, and
# python3-dkim verifies both signatures against the keys in nsd
mkmsg a1 user@example.com >"$T/msg/a1"
q=$(send a1 "$T/msg/a1" user@example.com 127.0.0.1)
check "(a) Postfix accepts the outgoing message" test -n "$q"
f=$(delivered "$q")
check "(a) the outgoing message reaches the sink" test -n "$f"
f=${f:-/dev/null}
sigs=$(hdrs "$f" DKIM-Signature)
rsa=$(printf '%s\n' "$sigs" | grep -a -E 'a=rsa-sha256' | head -1)
ed=$(printf '%s\n' "$sigs" | grep -a -E 'a=ed25519-sha256' | head -1)
check "(a) an rsa-sha256 DKIM-Signature with d=example.com s=sel1 is added" \
    eval 'has "$rsa" "d=example\.com(;|$)" && has "$rsa" "s=sel1(;|$)"'
check "(a) an ed25519-sha256 DKIM-Signature with d=example.com s=sel2ed is added" \
    eval 'has "$ed" "d=example\.com(;|$)" && has "$ed" "s=sel2ed(;|$)"'
if dkimpy_verify "$f" >"$T/dkimpy.a1" 2>&1 &&
    [ "$(grep -a -c 'result=pass' "$T/dkimpy.a1")" -eq 2 ]; then
	tap 0 "(a) python3-dkim verifies both signatures against nsd"
else
	tap 1 "(a) python3-dkim verifies both signatures against nsd"
	diag <"$T/dkimpy.a1"
	printf '%s\n' "$sigs" | diag
fi
$DKIMPY strip "$f" >"$T/msg/a1.delivered"
"$KEYTOOL" verify --nameserver "127.0.0.1:$dns_port" "$T/msg/a1.delivered" \
    >"$T/keytool.a1" 2>&1
check "(a) dkimlens-keytool verify also passes both signatures" \
    test "$(grep -a -c '^dkim=pass' "$T/keytool.a1")" -eq 2
v=$(verdict "$q")
check "(a) verdict line: verdict=signed from=example.com" \
    eval 'has "$v" " verdict=signed from=example\.com( |$)"'
check "(a) verdict line: signed1=d:example.com,s:sel1,a:rsa-sha256,key:published" \
    has "$v" " signed[0-9]+=d:example\.com,s:sel1,a:rsa-sha256,key:published( |$)"
check "(a) verdict line: signed2=d:example.com,s:sel2ed,a:ed25519-sha256,key:published" \
    has "$v" " signed[0-9]+=d:example\.com,s:sel2ed,a:ed25519-sha256,key:published( |$)"
check "(a) exactly one verdict line for the message" \
    test "$(grep -a -c "$q: .*verdict=" "$T/milter.log")" -eq 1
printf '%s\n' "$v" | diag
[ -n "$v" ] || tail -5 "$T/milter.log" | diag

# The customer's message, signed before it reaches us (python3-dkim), then
# also signed by the ESP (amazonses.com) as SES does.
mkmsg b1 news@example.com >"$T/msg/b1.plain"
$DKIMPY sign "$T/keys/cust.pem" example.com cust <"$T/msg/b1.plain" \
    >"$T/msg/b1.cust" || bail "python3-dkim signs the customer message"
$DKIMPY sign "$T/keys/ses1.pem" amazonses.com ses1 <"$T/msg/b1.cust" \
    >"$T/msg/b1"

# (b) customer + ESP signature from a client outside InternalHosts
q=$(send b1 "$T/msg/b1" news@example.com 127.0.0.2)
f=$(delivered "$q")
check "(b) the incoming message from 127.0.0.2 reaches the sink" test -n "$f"
f=${f:-/dev/null}
check "(b) python3-dkim verifies both delivered signatures (Postfix kept them intact)" \
    dkimpy_verify "$f"
fb=$f
ar=$(ours "$f")
check "(b) exactly one Authentication-Results with our authserv-id" \
    test "$(printf '%s' "$ar" | grep -a -c .)" -eq 1
check "(b) Authentication-Results: dkim=pass twice" \
    test "$(printf '%s\n' "$ar" | grep -a -oE 'dkim=pass' | wc -l)" -eq 2
check "(b) Authentication-Results: dkim=pass header.d=example.com" \
    has "$ar" "dkim=pass[^;]*header\.d=example\.com"
check "(b) Authentication-Results: dkim=pass header.d=amazonses.com" \
    has "$ar" "dkim=pass[^;]*header\.d=amazonses\.com"
[ -n "$ar" ] || hdrs "$f" Authentication-Results | diag
v=$(verdict "$q")
# The same message from an internal client, as the positive control: it
# is signed (two signatures more), the external one only verified.
qi=$(send b1int "$T/msg/b1" news@example.com 127.0.0.1)
fi_=$(delivered "$qi")
vi=$(verdict "$qi")
check "(b) nothing is signed for a client outside InternalHosts: 2 signatures and verdict=pass, the same message from 127.0.0.1 gets 4 and verdict=signed" \
    eval '[ -n "$fi_" ] && [ "$(count_hdrs "$fi_" DKIM-Signature)" -eq 4 ] &&
    has "$vi" " verdict=signed " &&
    [ "$(count_hdrs "$fb" DKIM-Signature)" -eq 2 ] &&
    has "$v" " verdict=pass " && ! has "$v" " signed[0-9]+="'
check "(b) verdict line: verdict=pass from=example.com" \
    eval 'has "$v" " verdict=pass( |$)" && has "$v" " from=example\.com( |$)"'
s1=$(sigfield "$v" 'example\.com')
s2=$(sigfield "$v" 'amazonses\.com')
check "(b) verdict line: example.com signature role:author result:pass" \
    eval 'has "$s1" "role:author" && has "$s1" "result:pass" && has "$s1" "s:cust"'
check "(b) verdict line: amazonses.com signature role:esp result:pass" \
    eval 'has "$s2" "role:esp" && has "$s2" "result:pass" && has "$s2" "s:ses1"'
printf '%s\n' "$v" | diag

# (c) only the ESP signature: verdict=esp-only and the SES hint
mkmsg c1 news@example.com >"$T/msg/c1.plain"
$DKIMPY sign "$T/keys/ses1.pem" amazonses.com ses1 <"$T/msg/c1.plain" \
    >"$T/msg/c1"
q=$(send c1 "$T/msg/c1" news@example.com 127.0.0.2)
f=$(delivered "$q")
check "(c) the ESP-only message reaches the sink" test -n "$f"
f=${f:-/dev/null}
ar=$(ours "$f")
check "(c) Authentication-Results: dkim=pass header.d=amazonses.com only" \
    eval 'has "$ar" "dkim=pass[^;]*header\.d=amazonses\.com" &&
    ! has "$ar" "header\.d=example\.com"'
v=$(verdict "$q")
check "(c) verdict line: verdict=esp-only" has "$v" " verdict=esp-only( |$)"
check "(c) verdict line: amazonses.com signature role:esp result:pass" \
    eval 's=$(sigfield "$v" "amazonses\.com");
    has "$s" "role:esp" && has "$s" "result:pass"'
check "(c) verdict line: hint says example.com is not DKIM-signing this mail" \
    hasi "$v" 'hint="[^"]*example\.com is not DKIM-signing'
check "(c) verdict line: hint asks about the region and a separately verified address" \
    eval 'hasi "$v" "hint=\"[^\"]*region" && hasi "$v" "hint=\"[^\"]*separately verified"'
printf '%s\n' "$v" | diag

# (d) one body byte changed after signing: body hash mismatch
sed 's/end-to-end test message/end-to-end test messagE/' "$T/msg/b1.cust" \
    >"$T/msg/d1"
q=$(send d1 "$T/msg/d1" news@example.com 127.0.0.2)
f=$(delivered "$q")
check "(d) the altered message reaches the sink" test -n "$f"
f=${f:-/dev/null}
check "(d) python3-dkim also rejects the altered message" \
    eval '[ -s "$f" ] && ! dkimpy_verify "$f"'
ar=$(ours "$f")
check "(d) Authentication-Results: dkim=fail header.d=example.com" \
    has "$ar" "dkim=fail[^;]*header\.d=example\.com"
check "(d) Authentication-Results names the body hash mismatch" \
    hasi "$ar" "dkim=fail[^;]*body[ _-]hash"
printf '%s\n' "$ar" | diag
v=$(verdict "$q")
s1=$(sigfield "$v" 'example\.com')
check "(d) verdict line: example.com signature result:fail" \
    has "$s1" "result:fail"
check "(d) verdict line: the reason is the body hash mismatch" \
    has "$s1" ",reason:body-hash-mismatch( |,|$)"
check "(d) verdict line: verdict=fail, reason=\"body hash mismatch...\"" \
    eval 'has "$v" " verdict=fail " && has "$v" " reason=\"body hash mismatch"'
printf '%s\n' "$v" | diag

# (e) the selector is missing, but the provider-appended name exists
mkmsg e1 news@example.com >"$T/msg/e1.plain"
$DKIMPY sign "$T/keys/apexdup.pem" example.com apexdup <"$T/msg/e1.plain" \
    >"$T/msg/e1"
q=$(send e1 "$T/msg/e1" news@example.com 127.0.0.2)
f=$(delivered "$q")
check "(e) the message with the missing selector reaches the sink" test -n "$f"
f=${f:-/dev/null}
ar=$(ours "$f")
check "(e) Authentication-Results: dkim=permerror header.d=example.com" \
    has "$ar" "dkim=permerror[^;]*header\.d=example\.com"
v=$(verdict "$q")
s1=$(sigfield "$v" 'example\.com')
check "(e) verdict line: example.com signature is not a pass" \
    eval '[ -n "$s1" ] && ! has "$s1" "result:pass"'
check "(e) verdict line: hint names apexdup._domainkey.example.com.example.com" \
    hasi "$v" 'hint:?=?"[^"]*apexdup\._domainkey\.example\.com\.example\.com'
printf '%s\n' "$v" | diag

# (g) a DKIM-Signature that is not a tag list at all
{
	printf 'DKIM-Signature: this is ;; not = = a tag-list\r\n'
	mkmsg g1 news@example.com
} >"$T/msg/g1"
q=$(send g1 "$T/msg/g1" news@example.com 127.0.0.2)
f=$(delivered "$q")
check "(g) the message with a garbage signature is delivered" test -n "$f"
f=${f:-/dev/null}
ar=$(ours "$f")
check "(g) Authentication-Results: dkim=permerror" has "$ar" "dkim=permerror"
# Nothing of the signature could be parsed: the result must not invent a
# d= or s= (nor leak bytes that were never in the message).
check "(g) Authentication-Results is printable ASCII" \
    eval '[ -n "$ar" ] && ! printf "%s" "$ar" | LC_ALL=C grep -aq "[^ -~]"'
check "(g) Authentication-Results invents no header.d/header.s" \
    eval '[ -n "$ar" ] && ! has "$ar" "header\.[ds]=[^ ;\"]"'
printf '%s\n' "$ar" | LC_ALL=C sed 's/[^ -~]/?/g' | diag
v=$(verdict "$q")
check "(g) verdict line: verdict=permerror" has "$v" " verdict=permerror "
check "(g) verdict line: sig1 result:permerror,reason:sig-syntax" \
    has "$v" " sig1=[^ ]*result:permerror,reason:sig-syntax( |$)"
check "(g) verdict line: sig1 names no d or s (none parsed), no stray bytes" \
    eval 'has "$v" " sig1=d:,s:," && ! has "$v" "\\\\x"'
printf '%s\n' "$v" | diag

# Forged Authentication-Results carrying our authserv-id are removed; a
# foreign one stays.
{
	printf 'Authentication-Results: %s; dkim=pass header.d=forged.example\r\n' \
	    "$AUTHSERV"
	printf 'Authentication-Results: mx.other.example;\r\n'
	printf '\tdkim=pass header.d=other.example\r\n'
	cat "$T/msg/b1"
} >"$T/msg/ar1"
q=$(send ar1 "$T/msg/ar1" news@example.com 127.0.0.2)
f=$(delivered "$q")
check "(forged A-R) the message is delivered" test -n "$f"
f=${f:-/dev/null}
ar=$(ours "$f")
check "(forged A-R) the forged Authentication-Results is removed" \
    eval '[ -n "$ar" ] && ! has "$ar" "forged\.example"'
check "(forged A-R) one Authentication-Results of ours, with our result" \
    eval 'test "$(printf "%s" "$ar" | grep -a -c .)" -eq 1 &&
    has "$ar" "dkim=pass[^;]*header\.d=example\.com"'
check "(forged A-R) the other host's Authentication-Results stays" \
    eval 'hdrs "$f" Authentication-Results | grep -a -q "mx\.other\.example"'

# (h) 200 messages over 10 concurrent SMTP sessions: none lost
mkmsg bulk user@example.com "dkimlens e2e bulk" | tr -d '\r' >"$T/msg/bulk"
before=$(grep -a -c 'verdict=' "$T/milter.log" 2>/dev/null)
smtp-source -s 10 -m 200 -M client.e2e.test -f user@example.com \
    -t rcpt@example.net -F "$T/msg/bulk" "127.0.0.1:$smtp_port" \
    >"$T/smtp-source.out" 2>&1
check "(h) smtp-source sends 200 messages over 10 sessions" test $? -eq 0
bulkcount() {
	grep -a -l '^Message-ID: <bulk@e2e.example.com>' "$T"/sink/* 2>/dev/null |
	    wc -l | tr -d ' '
}
# Wait for 200, giving up when nothing new arrived for 15 s.
last=-1 idle=0
while :; do
	c=$(bulkcount)
	[ "$c" -ge 200 ] && break
	if [ "$c" -eq "$last" ]; then
		idle=$((idle + 1))
		[ $idle -ge 30 ] && break
	else
		idle=0 last=$c
	fi
	sleep 0.5
done
# Let anything straggling (a duplicate) arrive before counting.
sleep 1
check "(h) 200 messages arrive at the sink" test "$(bulkcount)" -eq 200
echo "# bulk: $(bulkcount) delivered"
# One awk over all dump files: those whose header has a DKIM-Signature.
nsigned=$(grep -a -l '^Message-ID: <bulk@e2e.example.com>' "$T"/sink/* |
    xargs awk 'FNR == 1 { hdr = 1 }
	/^\r?$/ { hdr = 0 }
	hdr && tolower($0) ~ /^dkim-signature:/ { n++; hdr = 0 }
	END { print n + 0 }')
check "(h) all 200 delivered messages carry a DKIM-Signature" \
    test "$nsigned" -eq 200
qids=$(sed -n 's/.*cleanup\[[0-9]*\]: \([0-9A-Za-z]*\): message-id=<bulk@e2e\.example\.com>.*/\1/p' \
    "$T/pf/maillog" | sort -u)
check "(h) Postfix queued 200 distinct messages" \
    test "$(printf '%s\n' "$qids" | grep -a -c .)" -eq 200
after200() {
	[ $(($(grep -a -c 'verdict=' "$T/milter.log") - before)) -ge 200 ]
}
wait_for 10 after200
check "(h) 200 verdict lines, one for each message" \
    test $(($(grep -a -c 'verdict=' "$T/milter.log") - before)) -eq 200
# The queue ids that have no verdict line.
missing=$(printf '%s\n' "$qids" | awk -v lf="$T/milter.log" '
	BEGIN {
		while ((getline l < lf) > 0)
			if (match(l, /[0-9A-Za-z]+: verdict=/))
				seen[substr(l, RSTART, RLENGTH - 10)] = 1
	}
	$0 != "" && !($0 in seen) { n++ }
	END { print n + 0 }')
check "(h) each of the 200 queued messages has its verdict line" \
    eval '[ "$(printf "%s\n" "$qids" | grep -a -c .)" -eq 200 ] &&
    [ "$missing" -eq 0 ]'

# (h2) no 40 ms stall a message on the inet milter: Postfix's smtpd writes
# the RCPT and DATA macros before cleanup sends the headers; unless the
# milter answers DATA, the headers wait for its delayed ACK (~40 ms).
# 20 messages one after another: at least 800 ms with the stall.
mkmsg lat user@example.com "dkimlens e2e latency" | tr -d '\r' >"$T/msg/lat"
t0=$(date +%s%N)
smtp-source -s 1 -m 20 -M client.e2e.test -f user@example.com \
    -t rcpt@example.net -F "$T/msg/lat" "127.0.0.1:$smtp_port" \
    >"$T/smtp-source-lat.out" 2>&1
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "# 20 messages over one session through the inet milter: $ms ms"
check "(h2) 20 messages in turn through the inet milter take under 500 ms, no delayed-ACK stall ($ms ms)" \
    test "$ms" -lt 500

# The promises of the README and the man pages (promises.sh).
promises_run

# Outgoing mail: our keys in DNS, signatures it carries, SesRelay
# (outgoing.sh).
outgoing_run

# (f) the DNS server is gone: temperror, and the mail is still delivered.
# The selector dnsdown was never looked up, so no cache can answer.
nsd_stop "$T/nsd"
setup_step "(f) nsd is stopped, nothing answers on its port" \
    wait_for 10 eval '! alive "$nsd_pid" && ! listening "$dns_port" udp'
nsd_pid=
mkmsg f1 news@example.com >"$T/msg/f1.plain"
$DKIMPY sign "$T/keys/dnsdown.pem" example.com dnsdown <"$T/msg/f1.plain" \
    >"$T/msg/f1"
q=$(send f1 "$T/msg/f1" news@example.com 127.0.0.2)
check "(f) Postfix accepts the message while DNS is down" test -n "$q"
f=$(delivered "$q")
check "(f) the message is delivered while DNS is down" test -n "$f"
f=${f:-/dev/null}
ar=$(ours "$f")
check "(f) Authentication-Results: dkim=temperror header.d=example.com" \
    has "$ar" "dkim=temperror[^;]*header\.d=example\.com"
v=$(verdict "$q")
check "(f) verdict line: verdict=dns-error" has "$v" " verdict=dns-error "
check "(f) verdict line: example.com signature result:temperror,reason:key-dns-error" \
    eval 's=$(sigfield "$v" "example\.com");
    has "$s" "result:temperror,reason:key-dns-error"'
check "(f) verdict line: action=accept (OnDNSError default)" \
    has "$v" " action=accept$"
printf '%s\n' "$v" | diag

# ---------------------------------------------------------------- shutdown

check "the milter is still running after all scenarios" alive "$milter_pid"
postfix -c "$T/pf/etc" stop >"$T/pf/stop.out" 2>&1
setup_step "postfix -c DIR stop: its master process is gone" \
    wait_for 15 eval '! alive "$postfix_up"'
alive "$postfix_up" || postfix_up=
if [ -n "$milter_pid" ]; then
	kill "$milter_pid" 2>/dev/null
	check "the milter exits on SIGTERM" wait_for 10 eval '! alive "$milter_pid"'
	alive "$milter_pid" || milter_pid=
fi

echo "1..$n"
[ "$failed" -eq 0 ]
