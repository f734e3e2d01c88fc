#!/bin/sh
# run.sh - `dkimlens-keytool dns` against a fake DNS hierarchy on loopback
#
# Starts, in a fresh temporary directory, a root server, a TLD server (test.
# and com.), three authoritative servers of a hosting company, the DNS
# provider's server that is not delegated, the ESP's server (amazonses.com)
# and a silent server, each its own nsd (or, for the silent one, a UDP
# socket that reads and never answers) on 127.0.77.x port 53, and unbound on
# 127.0.77.2 with root hints pointing at the fake root.  Each scenario of
# tests/diag/zones/ is one domain; each test runs the keytool through
# unbound and asserts the exact check ids and statuses, in text and JSON.
# Everything started is stopped by PID on exit.  Prints TAP; exits 1 when a
# test failed, 2 when the hierarchy could not be set up.
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
set -u

top=${DKIMLENS_TOP:-$(pwd)}
KEYTOOL=${KEYTOOL:-$top/build/dkimlens-keytool}
zones=$top/tests/diag/zones
py=/usr/bin/python3

NET=127.0.77
ROOT=$NET.1 UNBOUND=$NET.2 TLD=$NET.3
NS1=$NET.10 NS2=$NET.11 NS3=$NET.12 SILENT=$NET.13
PROVIDER=$NET.20 ESP=$NET.30
T1=q7hz3kbm4x2wdl5nfr6yc8vjpu1tgoes
T2=m2xk9fwd7rl3zs8hqn4ycv6tpbjeu5ga
T3=w5cr8nvk2tqz6ylh3mdx9bfsjp4eg7ua
TOKENS=$T1,$T2,$T3
TIMEOUT=2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dkimlens-diag.XXXXXX") || exit 2
pids=

# cleanup - stop what this script started, by PID, and remove tmp
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ "$i" -lt 50 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

die() {
	echo "Bail out! $*"
	exit 2
}

# --- keys and zone files ---------------------------------------------------

# pubkey PEM - the base64 of the public key's SubjectPublicKeyInfo
pubkey() {
	openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
}

# zstr VALUE - VALUE as zone-file character-strings of at most 255 bytes
zstr() {
	printf '%s' "$1" | awk '{
		s = $0; out = "";
		while (length(s) > 0) {
			part = substr(s, 1, 255); s = substr(s, 256);
			gsub(/\\/, "\\\\", part); gsub(/"/, "\\\"", part);
			out = out (out == "" ? "" : " ") "\"" part "\"";
		}
		print out;
	}'
}

# rec VALUE - zstr VALUE escaped for the right side of a sed s|||
rec() {
	zstr "$1" | sed 's/[\\&|]/\\&/g'
}

genkeys() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$tmp/a.pem" 2>/dev/null &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 \
	    -out "$tmp/b.pem" 2>/dev/null &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 \
	    -out "$tmp/weak.pem" 2>/dev/null &&
	openssl genpkey -algorithm ED25519 -out "$tmp/ed.pem" 2>/dev/null
}

# mkzones - copy tests/diag/zones to tmp, the keys put in the placeholders
mkzones() {
	ka=$(pubkey "$tmp/a.pem") && kb=$(pubkey "$tmp/b.pem") &&
	    kw=$(pubkey "$tmp/weak.pem") || return 1
	# Ed25519 (RFC 8463): the raw 32 bytes, the end of the SPKI DER.
	ked=$(openssl pkey -in "$tmp/ed.pem" -pubout -outform DER |
	    tail -c 32 | base64 -w0) || return 1
	mkdir -p "$tmp/zones" || return 1
	for f in "$zones"/*.zone; do
		sed -e "s|@ESPKEY@|$(rec "v=DKIM1; k=rsa; p=$ka")|" \
		    -e "s|@KEYA@|$(rec "v=DKIM1; k=rsa; p=$ka")|" \
		    -e "s|@KEYB@|$(rec "v=DKIM1; k=rsa; p=$kb")|" \
		    -e "s|@WEAKKEY@|$(rec "v=DKIM1; k=rsa; p=$kw")|" \
		    -e "s|@TESTKEY@|$(rec "v=DKIM1; t=y; k=rsa; p=$kb")|" \
		    -e "s|@QUOTEDKEY@|$(rec "\" v=DKIM1; k=rsa; p=$ka \"")|" \
		    -e "s|@NOPADKEY@|$(rec "v=DKIM1; k=ed25519; p=${ked%=}")|" \
		    -e "s|@NOEQKEY@|$(rec "v=DKIM1; k=rsa; p$kb")|" \
		    "$f" >"$tmp/zones/${f##*/}" || return 1
	done
}

# --- servers ---------------------------------------------------------------

# start_nsd NAME ADDR ZONE=FILE... - one nsd on ADDR:53, stopped on exit
#
# Not tests/lib/nsd.sh: that one refuses a port in use on any address,
# and this hierarchy runs many servers on port 53, one address each.
start_nsd() {
	d=$tmp/$1 a=$2
	shift 2
	mkdir -p "$d" || return 1
	cat >"$d/nsd.conf" <<EOF
server:
	ip-address: $a@53
	server-count: 1
	reuseport: no
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$d"
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	pidfile: "$d/nsd.real.pid"
	logfile: "$d/nsd.log"
	verbosity: 0
	hide-version: yes
remote-control:
	control-enable: no
EOF
	zl=
	for zf in "$@"; do
		zn=${zf%%=*}
		nsd-checkzone "$zn" "${zf#*=}" >"$d/check.out" 2>&1 || {
			cat "$d/check.out" >&2
			return 1
		}
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$zn" \
		    "${zf#*=}" >>"$d/nsd.conf"
		zl="$zl $zn"
	done
	nsd -d -c "$d/nsd.conf" </dev/null >"$d/nsd.out" 2>&1 &
	pids="$pids $!"
	for zn in $zl; do
		i=0
		until [ -n "$(dig +short +norec +time=1 +tries=1 @"$a" SOA \
		    "$zn" 2>/dev/null)" ]; do
			i=$((i + 1))
			if [ "$i" -gt 100 ]; then
				cat "$d/nsd.log" "$d/nsd.out" >&2
				return 1
			fi
			sleep 0.1
		done
	done
}

# auth_zones SERVER - the ZONE=FILE arguments of a hosting server
auth_zones() {
	z=$tmp/zones
	echo "hoster.test=$z/hoster.test.zone"
	for d in good dupapex typo stray noeq notdel sfail revoked testing \
	    weak multi byod nounder; do
		echo "$d.test=$z/$d.test.zone"
	done
	case $1 in
	ns3)	echo "incons.test=$z/incons.test-ns3.zone" ;;
	*)	echo "incons.test=$z/incons.test.zone"
		echo "silent.test=$z/silent.test.zone" ;;
	esac
}

# start_silent ADDR - a UDP socket on ADDR:53 that reads and never answers
start_silent() {
	"$py" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print("ready", flush=True)
while True:
	s.recv(4096)
' "$1" >"$tmp/silent.out" 2>&1 &
	pids="$pids $!"
	i=0
	while [ "$i" -lt 50 ] && ! grep -q ready "$tmp/silent.out"; do
		i=$((i + 1))
		sleep 0.1
	done
	grep -q ready "$tmp/silent.out"
}

# start_unbound - the recursive resolver, primed from the fake root
start_unbound() {
	mkdir -p "$tmp/unbound" || return 1
	cat >"$tmp/unbound/root.hints" <<EOF
.			3600000	NS	a.root-servers.test.
a.root-servers.test.	3600000	A	$ROOT
EOF
	cat >"$tmp/unbound/unbound.conf" <<EOF
server:
	interface: $UNBOUND
	port: 53
	do-ip6: no
	do-not-query-localhost: no
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	root-hints: "$tmp/unbound/root.hints"
	username: ""
	chroot: ""
	directory: "$tmp/unbound"
	pidfile: "$tmp/unbound/unbound.pid"
	use-syslog: no
	logfile: "$tmp/unbound/unbound.log"
	verbosity: 1
	num-threads: 1
	so-reuseport: no
	qname-minimisation: no
	harden-referral-path: no
	target-fetch-policy: "0 0 0 0 0"
	infra-host-ttl: 60
	infra-cache-min-rtt: 50
	infra-keep-probing: yes
	serve-expired: no
	# RFC 6761 makes test. a static local zone by default.
	local-zone: "test." nodefault
remote-control:
	control-enable: no
EOF
	unbound-checkconf "$tmp/unbound/unbound.conf" >/dev/null || return 1
	unbound -d -c "$tmp/unbound/unbound.conf" </dev/null \
	    >"$tmp/unbound/unbound.out" 2>&1 &
	unbound_pid=$!
	pids="$pids $!"
	i=0
	while [ "$i" -lt 50 ]; do
		i=$((i + 1))
		[ -n "$(dig +short +time=1 +tries=1 @$UNBOUND SOA good.test \
		    2>/dev/null)" ] && return 0
		sleep 0.2
	done
	cat "$tmp/unbound/unbound.log" "$tmp/unbound/unbound.out" >&2
	return 1
}

# stop_unbound - stop the resolver (its caches go with it)
stop_unbound() {
	kill "$unbound_pid" 2>/dev/null
	wait "$unbound_pid" 2>/dev/null
	pids=$(echo "$pids" | sed "s/ $unbound_pid\b//")
}

setup() {
	genkeys || die "cannot generate keys with openssl"
	mkzones || die "cannot write the zone files"
	z=$tmp/zones
	start_nsd root $ROOT ".=$z/root.zone" || die "root server"
	start_nsd tld $TLD "test=$z/test.zone" "com=$z/com.zone" ||
	    die "TLD server"
	start_nsd esp $ESP "amazonses.com=$z/amazonses.com.zone" ||
	    die "ESP server"
	# shellcheck disable=SC2046
	start_nsd ns1 $NS1 $(auth_zones ns1) || die "ns1"
	# shellcheck disable=SC2046
	start_nsd ns2 $NS2 $(auth_zones ns2) || die "ns2"
	# shellcheck disable=SC2046
	start_nsd ns3 $NS3 $(auth_zones ns3) || die "ns3"
	start_nsd provider $PROVIDER \
	    "notdel.test=$z/notdel.test-provider.zone" || die "provider"
	start_silent $SILENT || die "silent server"
	start_unbound || die "unbound"
}

# --- tests -----------------------------------------------------------------

n=0 failed=0

# ok COND DESCRIPTION... - one TAP line; COND is a command
ok() {
	cond=$1
	shift
	n=$((n + 1))
	if eval "$cond" >"$tmp/why" 2>&1; then
		echo "ok $n - $*"
	else
		echo "not ok $n - $*"
		sed 's/^/# /' "$tmp/why"
		failed=$((failed + 1))
	fi
}

# now_ms - the clock in milliseconds
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# diag TAG DOMAIN ARGS... - run the keytool, text and JSON, through unbound;
# outputs in $tmp/out/TAG.{txt,json,rc,jrc,ms}
diag() {
	tag=$1
	shift
	mkdir -p "$tmp/out"
	t0=$(now_ms)
	"$KEYTOOL" dns --nameserver $UNBOUND --timeout $TIMEOUT "$@" \
	    >"$tmp/out/$tag.txt" 2>"$tmp/out/$tag.err"
	echo $? >"$tmp/out/$tag.rc"
	echo $(($(now_ms) - t0)) >"$tmp/out/$tag.ms"
	"$KEYTOOL" dns --nameserver $UNBOUND --timeout $TIMEOUT --json "$@" \
	    >"$tmp/out/$tag.json" 2>>"$tmp/out/$tag.err"
	echo $? >"$tmp/out/$tag.jrc"
}

# rc_is TAG N - both runs exited N
rc_is() {
	r=$(cat "$tmp/out/$1.rc") j=$(cat "$tmp/out/$1.jrc")
	[ "$r" = "$2" ] && [ "$j" = "$2" ] && return 0
	echo "exit $r (text) and $j (json), want $2"
	cat "$tmp/out/$1.err"
	return 1
}

chk() {
	"$py" "$top/tests/diag/check.py" "$@"
}

# scenario TAG RC WANT... - the three assertions every scenario makes:
# exit status, exactly these warn/fail findings in JSON, text = JSON
scenario() {
	tag=$1 rc=$2
	shift 2
	ok "rc_is $tag $rc" "$tag: exit status $rc"
	ok "chk problems $tmp/out/$tag.json $*" \
	    "$tag: findings are exactly: ${*:-no warn, no fail}"
	ok "chk text $tmp/out/$tag.json $tmp/out/$tag.txt" \
	    "$tag: text output says the same, worst first, with the fixes"
}

# sel TOKEN DOMAIN - the Easy DKIM name of a token
sel() {
	echo "$1._domainkey.$2"
}

setup
echo "# fake DNS on $NET.x:53 ready; keytool $KEYTOOL"

d=good.test
diag good $d --ses-tokens $TOKENS
scenario good 0
ok "chk has $tmp/out/good.json ok:delegation:$d ok:ns-unreachable:$d \
    ok:ns-consistency:$d ok:cname-target:$(sel $T1 $d) \
    ok:cname-target:$(sel $T2 $d) ok:cname-target:$(sel $T3 $d) \
    ok:key-record:$(sel $T1 $d) ok:key-record:$(sel $T2 $d) \
    ok:key-record:$(sel $T3 $d)" \
    "good: delegation, servers, CNAMEs and the three keys are ok"
ok "grep -q 'no problem found' $tmp/out/good.txt" \
    "good: the summary says no problem found"

diag gooddot $d --ses-tokens $TOKENS --expect-cname-suffix dkim.amazonses.com.
scenario gooddot 0

d=dupapex.test
diag dupapex $d --ses-tokens $TOKENS
scenario dupapex 1 fail:duplicated-apex:$(sel $T1 $d).$d \
    fail:duplicated-apex:$(sel $T2 $d).$d fail:duplicated-apex:$(sel $T3 $d).$d

d=typo.test
diag typo $d --ses-tokens $TOKENS
scenario typo 1 fail:cname-target:$(sel $T2 $d)

d=stray.test
diag stray $d --ses-tokens $TOKENS --selector byod
scenario stray 1 fail:stray-characters:$(sel $T1 $d) \
    fail:stray-characters:$(sel byod $d)
ok "chk has $tmp/out/stray.json ok:key-record:$(sel byod $d)" \
    "stray: the key inside the quotes is judged valid"

d=noeq.test
diag noeq $d --selector nopad --selector noeq
scenario noeq 1 fail:key-record:$(sel nopad $d) fail:key-record:$(sel noeq $d)
ok "grep -q \"padding is missing\" $tmp/out/noeq.txt &&
    grep -q \"has no '='\" $tmp/out/noeq.txt" \
    "noeq: names the missing padding and the tag without '='"

d=incons.test
diag incons $d --ses-tokens $TOKENS
scenario incons 1 fail:ns-consistency:$(sel $T1 $d) \
    fail:ns-consistency:$(sel $T2 $d) fail:ns-consistency:$(sel $T3 $d)
ok "grep -q '^fail  ns-consistency .*@ ns3.hoster.test ($NS3)' \
    $tmp/out/incons.txt" "incons: names ns3 as the server without records"

d=silent.test
# A cold resolver, every time: it may try the silent server first and time
# out on the keytool's first question.  The diagnosis must not depend on
# that: 20 runs in a row, unbound restarted before each, the same findings.
stop_unbound
start_unbound || die "unbound (restart)"
diag silent $d --ses-tokens $TOKENS
scenario silent 1 fail:ns-unreachable:$d
ok "[ $(cat "$tmp/out/silent.ms") -lt $((TIMEOUT * 1000 + 2500)) ]" \
    "silent: the silent server costs one timeout" \
    "($(cat "$tmp/out/silent.ms") ms, timeout ${TIMEOUT}s)"
cold=0 differ=
while [ "$cold" -lt 20 ]; do
	cold=$((cold + 1))
	stop_unbound
	start_unbound || die "unbound (restart $cold)"
	"$KEYTOOL" dns --nameserver $UNBOUND --timeout $TIMEOUT --json $d \
	    --ses-tokens $TOKENS >"$tmp/out/cold$cold.json" 2>&1
	chk problems "$tmp/out/cold$cold.json" fail:ns-unreachable:$d \
	    >"$tmp/out/cold$cold.why" 2>&1 ||
	    differ="$differ $cold"
done
for i in $differ; do
	echo "# cold run $i:"
	sed 's/^/#   /' "$tmp/out/cold$i.why" "$tmp/out/cold$i.json" | head -20
done
ok "[ -z '$differ' ]" \
    "silent: 20 cold-resolver runs in a row give exactly" \
    "fail:ns-unreachable:$d (differing runs:${differ:- none})"

d=notdel.test
diag notdel $d --ses-tokens $TOKENS --nameserver $PROVIDER
scenario notdel 1 fail:not-delegated:$(sel $T1 $d) \
    fail:not-delegated:$(sel $T2 $d) fail:not-delegated:$(sel $T3 $d)
ok "grep -q '@ $PROVIDER:53' $tmp/out/notdel.txt" \
    "notdel: names the server that has the records"
diag notdel-alone $d --ses-tokens $TOKENS
scenario notdel-alone 1 fail:selector-missing:$(sel $T1 $d) \
    fail:selector-missing:$(sel $T2 $d) fail:selector-missing:$(sel $T3 $d)

d=sfail.test
diag sfail $d --ses-tokens $TOKENS --expect-cname-suffix dkim.broken-esp.test
scenario sfail 1 fail:txt-via-cname:$(sel $T1 $d) \
    fail:txt-via-cname:$(sel $T2 $d) fail:txt-via-cname:$(sel $T3 $d)
ok "chk has $tmp/out/sfail.json ok:cname-target:$(sel $T1 $d)" \
    "sfail: the CNAME itself is right"

diag revoked revoked.test --selector sel
scenario revoked 1 fail:key-revoked:sel._domainkey.revoked.test

diag testing testing.test --selector sel
scenario testing 0 warn:key-testing:sel._domainkey.testing.test

diag weak weak.test --selector sel
scenario weak 1 fail:key-weak:sel._domainkey.weak.test

diag multi multi.test --selector sel
scenario multi 1 fail:multiple-records:sel._domainkey.multi.test

diag match byod.test --selector match --key "$tmp/a.pem"
scenario match 0
ok "chk has $tmp/out/match.json ok:key-mismatch:match._domainkey.byod.test" \
    "match: the published key is --key's public half"
diag nomatch byod.test --selector nomatch --key "$tmp/a.pem"
scenario nomatch 1 fail:key-mismatch:nomatch._domainkey.byod.test

diag nounder nounder.test --selector sel
scenario nounder 1 fail:no-underscore:sel.domainkey.nounder.test

# Usage and I/O errors: exit 2, nothing on stdout, the error on stderr.
usage() {
	"$KEYTOOL" dns "$@" >"$tmp/usage.out" 2>"$tmp/usage.err"
	r=$?
	[ "$r" -eq 2 ] || { echo "exit $r"; cat "$tmp/usage.out" \
	    "$tmp/usage.err"; return 1; }
	[ ! -s "$tmp/usage.out" ] || { echo "stdout is not empty:"
	    cat "$tmp/usage.out"; return 1; }
	[ -s "$tmp/usage.err" ] || { echo "nothing on stderr"; return 1; }
}
ok "usage good.test" "usage: no selector is exit 2, stdout empty"
ok "usage --selector s" "usage: no domain is exit 2, stdout empty"
ok "usage good.test --selector s --timeout 0" \
    "usage: --timeout 0 is exit 2, stdout empty"
ok "usage good.test --selector s --key $tmp/nonexistent.pem" \
    "usage: an unreadable --key is exit 2, stdout empty"

echo "1..$n"
[ "$failed" -eq 0 ]
