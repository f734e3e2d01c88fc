#!/bin/sh
# run.sh - lib/dns.c against real servers on loopback (TAP)
#
# Starts two nsd instances on 127.0.0.1 (tests/lib/nsd.sh): "parent"
# serves test (which delegates deleg.test, with glue), example.test and
# other.test; "child" serves deleg.test.  A UDP sink that never answers
# stands for a silent server.  build/tests/dns/dnsq (tests/dns/dnsq.c)
# asks through lib/dns.h and prints what it got; each assertion greps that.
# DNSQ, UDPSINK, SANDNSQ override the programs; a sanitizer build's dnsq
# (build-san/tests/dns/dnsq) is run too, and its absence is a failure.
set -u
top=${DKIMLENS_TOP:-$(pwd)}
. "$top/tests/lib/nsd.sh"
dnsq=${DNSQ:-$top/build/tests/dns/dnsq}
sandnsq=${SANDNSQ:-$top/build-san/tests/dns/dnsq}
sink=${UDPSINK:-$top/build/tests/dns/udpsink}
zones=$top/tests/dns

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dkimlens-dns.XXXXXX") || exit 1
sinkpid=
cleanup() {
	if [ -n "$sinkpid" ]; then
		kill "$sinkpid" 2>/dev/null
		wait "$sinkpid" 2>/dev/null
	fi
	nsd_stop "$tmp/parent"
	nsd_stop "$tmp/child"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

. "$top/tests/lib/tap.sh"

# answer FILE QNAME [N] - the Nth (default 1st) answer line for QNAME
answer() {
	grep "^answer q=$2 " "$1" | sed -n "${3:-1}p"
}

# has FILE QNAME N REGEX - the Nth answer line for QNAME matches REGEX
has() {
	answer "$1" "$2" "$3" | grep -Eq -- "$4"
}

# line FILE TEXT - FILE has exactly this line
line() {
	grep -Fxq -- "$2" "$1"
}

# ms - now in milliseconds
ms() {
	echo $(($(date +%s%N) / 1000000))
}

for b in "$dnsq" "$sink"; do
	if [ ! -x "$b" ]; then
		echo "not ok 1 - $b is not built (make tests)"
		exit 1
	fi
done

# --- servers -----------------------------------------------------------------
if nsd_start_any "$tmp/parent" 127.0.0.1 test="$zones/test.zone" \
    example.test="$zones/example.test.zone" \
    other.test="$zones/other.test.zone"; then
	ok "nsd parent: test, example.test, other.test on 127.0.0.1:$NSD_PORT"
	P=$NSD_PORT
else
	notok "nsd parent starts"
	exit 1
fi
if nsd_start_any "$tmp/child" 127.0.0.1 deleg.test="$zones/deleg.test.zone"
then
	ok "nsd child serves deleg.test on 127.0.0.1:$NSD_PORT"
	C=$NSD_PORT
else
	notok "nsd child starts"
	exit 1
fi
"$sink" 127.0.0.1 100 >"$tmp/sink.port" 2>"$tmp/sink.err" &
sinkpid=$!
i=0
while [ ! -s "$tmp/sink.port" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
S=$(cat "$tmp/sink.port")
check "silent UDP sink listening on 127.0.0.1:$S" test -n "$S"
R=$(nsd_free_port 127.0.0.1)

# --- one resolver, many queries ----------------------------------------------
"$dnsq" --ns "127.0.0.1:$P, 127.0.0.1:$C" --timeout-ms 2000 \
    sel2048._domainkey.example.test TXT \
    c1.example.test TXT c1.example.test TXT \
    nx.example.test TXT nx.example.test TXT \
    host.example.test TXT host.example.test TXT \
    multi.example.test TXT \
    dangling.example.test TXT dangling2.example.test TXT \
    loop1.example.test TXT \
    big.example.test TXT \
    xc1.example.test TXT XC1.Example.Test. TXT \
    host.example.test A \
    ns2.deleg.test AAAA \
    short.example.test TXT short.example.test TXT +sleep 2500 \
    short.example.test TXT \
    >"$tmp/q1" 2>&1
check "dnsq exits 0 on the query list" test $? -eq 0
f=$tmp/q1

check "servers listed as given" \
    line "$f" "servers 127.0.0.1:$P,127.0.0.1:$C"
key=$(sed -n '/^sel2048/,/)/p' "$zones/example.test.zone" |
    grep -o '"[^"]*"' | tr -d '"\n')
check "2048-bit key TXT: NOERROR, one record" \
    has "$f" sel2048._domainkey.example.test 1 \
    "status=NOERROR rcode=0 aa=1 server=127.0.0.1:$P cache=0 cname=- nrr=1 "
check "2048-bit key TXT: 2 strings joined with nothing between" \
    line "$f" "rr sel2048._domainkey.example.test TXT 300 nstrings=2 $key"
# The product's joined data, checked by openssl: its p= must be a whole
# 2048-bit RSA public key (a string lost or a blank at the join breaks it).
rsabits() {
	sed -n 's/^rr sel2048\._domainkey\.example\.test TXT [0-9]* nstrings=[0-9]* //p' \
	    "$1" | head -1 | sed -n 's/.*; *p=//p' | base64 -d 2>/dev/null |
	    openssl pkey -pubin -inform DER -noout -text 2>/dev/null |
	    grep -q 'Public-Key: (2048 bit)'
}
check "2048-bit key TXT: dnsq's joined p= is a 2048-bit RSA key to openssl" \
    rsabits "$f"
chain=c2.example.test,c3.other.test,final.other.test
xchain=xc2.example.test,t.deleg.test,final.deleg.test
check "CNAME chain of 3 links recorded, TXT at its end" \
    has "$f" c1.example.test 1 "status=NOERROR .*cache=0 cname=$chain nrr=1 "
check "CNAME chain target data" \
    line "$f" "rr final.other.test TXT 300 nstrings=1 v=DKIM1; p=final"
check "repeated query answered from cache" \
    has "$f" c1.example.test 2 "status=NOERROR .*cache=1 cname=$chain nrr=1 "
check "NXDOMAIN" \
    has "$f" nx.example.test 1 "status=NXDOMAIN rcode=3 .*cache=0 .*nrr=0 "
check "NXDOMAIN carries the SOA" \
    line "$f" "auth example.test SOA 60 nstrings=0 ns1.example.test $(
    )hostmaster.example.test 1 3600 600 86400 60"
check "NXDOMAIN cached (negative caching)" \
    has "$f" nx.example.test 2 "status=NXDOMAIN rcode=3 .*cache=1 "
check "NODATA: name exists, no TXT" \
    has "$f" host.example.test 1 \
    "type=TXT status=NODATA rcode=0 .*cache=0 .*nrr=0 "
check "NODATA cached" \
    has "$f" host.example.test 2 "type=TXT status=NODATA rcode=0 .*cache=1 "
check "two TXT records at one name" \
    has "$f" multi.example.test 1 "status=NOERROR .*nrr=2 "
check "two TXT records: first, one string" \
    line "$f" "rr multi.example.test TXT 300 nstrings=1 first record"
check "two TXT records: second, two strings joined" \
    line "$f" "rr multi.example.test TXT 300 nstrings=2 second record"
check "CNAME to a missing name in the zone: NXDOMAIN, link recorded" \
    has "$f" dangling.example.test 1 \
    "status=NXDOMAIN rcode=3 .*cname=missing.example.test nrr=0 "
check "CNAME to a missing name in another zone: NXDOMAIN, link recorded" \
    has "$f" dangling2.example.test 1 \
    "status=NXDOMAIN rcode=3 .*cname=missing.other.test nrr=0 "
check "CNAME loop: BADRESPONSE, not endless" \
    has "$f" loop1.example.test 1 "status=BADRESPONSE "
check "six 250-octet TXT records: truncated UDP, retried over TCP" \
    has "$f" big.example.test 1 "status=NOERROR .*nrr=6 "
f250=$(printf '%250s' '' | tr ' ' f)
check "TCP answer data intact" \
    line "$f" "rr big.example.test TXT 300 nstrings=1 $f250"
check "referral from the first server: chain re-queried at the next" \
    has "$f" xc1.example.test 1 \
    "status=NOERROR rcode=0 aa=1 server=127.0.0.1:$C cache=0 cname=$xchain "
check "re-queried chain target data" \
    line "$f" "rr final.deleg.test TXT 300 nstrings=1 v=DKIM1; p=child-final"
check "trailing dot and case: same cache entry, qname as asked" \
    has "$f" XC1.Example.Test 1 "status=NOERROR .*cache=1 cname=$xchain "
check "A record" line "$f" "rr host.example.test A 300 nstrings=0 127.0.0.1"
check "AAAA below a delegation, from the child" \
    line "$f" "rr ns2.deleg.test AAAA 300 nstrings=0 ::1"
check "short TTL: cached at first" \
    has "$f" short.example.test 2 "status=NOERROR .*cache=1 "
check "short TTL: gone from the cache after 2.5 s" \
    has "$f" short.example.test 3 "status=NOERROR .*cache=0 "

# --- no cache ----------------------------------------------------------------
"$dnsq" --ns "127.0.0.1:$P" --no-cache c1.example.test TXT \
    c1.example.test TXT >"$tmp/q2" 2>&1
check "no_cache: the second query goes to the server" \
    has "$tmp/q2" c1.example.test 2 "status=NOERROR .*cache=0 "

# --- bad names and settings --------------------------------------------------
long=$(printf '%064d' 0)
"$dnsq" --ns "127.0.0.1:$P" "$long.example.test" TXT a..example.test TXT \
    host.example.test A >"$tmp/q3" 2>&1
rc=$?
check "label over 63 octets: local error, no query" \
    grep -q "^error q=$long.example.test " "$tmp/q3"
check "empty label: local error" grep -q '^error q=a..example.test ' "$tmp/q3"
check "dnsq exits 2 after a local error" test $rc -eq 2
check "a good query after bad names still works" \
    has "$tmp/q3" host.example.test 1 "status=NOERROR "
"$dnsq" --ns "[::1]:5353, 127.0.0.2 ::1" --timeout-ms 200 \
    --at 127.0.0.1:"$P" host.example.test A >"$tmp/q4" 2>&1
check "nameserver list: [v6]:port, default port 53, bare v6" \
    line "$tmp/q4" "servers [::1]:5353,127.0.0.2:53,[::1]:53"
"$dnsq" --ns "127.0.0.1:99999" host.example.test A >"$tmp/q5" 2>&1
check "bad port in settings: resolver refused" test $? -eq 2
check "bad port: message names it" grep -q 'bad port' "$tmp/q5"
"$dnsq" host.example.test A >"$tmp/q6" 2>&1
want=$(awk '$1 == "nameserver" { n = $2; if (n ~ /:/) n = "[" n "]";
    s = s (s == "" ? "" : ",") n ":53" } END { print s }' /etc/resolv.conf)
check "no nameservers: /etc/resolv.conf ($want)" \
    line "$tmp/q6" "servers ${want:-127.0.0.1:53}"

# --- silent and closed servers -----------------------------------------------
t0=$(ms)
"$dnsq" --ns "127.0.0.1:$S" --timeout-ms 400 --retries 1 \
    example.test TXT >"$tmp/q7" 2>&1
el=$(($(ms) - t0))
check "silent server: TIMEOUT, rcode -1" \
    has "$tmp/q7" example.test 1 "status=TIMEOUT rcode=-1 "
check "silent server: 400 ms x 2 tries took ${el} ms (< 1800)" \
    test "$el" -lt 1800
check "silent server: both tries waited (${el} ms >= 780)" \
    test "$el" -ge 780
check "silent server: TIMEOUT not cached" \
    sh -c "'$dnsq' --ns 127.0.0.1:$S --timeout-ms 100 example.test TXT \
    example.test TXT | grep '^answer' | sed -n 2p | grep -q 'cache=0'"
t0=$(ms)
"$dnsq" --ns "127.0.0.1:$R" --timeout-ms 3000 example.test TXT \
    >"$tmp/q8" 2>&1
el=$(($(ms) - t0))
check "closed port: NETERROR (ICMP port unreachable)" \
    has "$tmp/q8" example.test 1 "status=NETERROR rcode=-1 "
check "closed port: no waiting (${el} ms < 1000)" test "$el" -lt 1000
"$dnsq" --ns "127.0.0.1:$S 127.0.0.1:$P" --timeout-ms 300 \
    host.example.test A >"$tmp/q9" 2>&1
check "silent first server: the next one answers" \
    has "$tmp/q9" host.example.test 1 "status=NOERROR .*server=127.0.0.1:$P "

# --- dns_query_at: referral from the parent ----------------------------------
"$dnsq" --at "127.0.0.1:$P" --norecurse deleg.test NS \
    >"$tmp/q10" 2>&1
f=$tmp/q10
check "parent, no recursion: referral (NODATA, aa=0, empty answer)" \
    has "$f" deleg.test 1 \
    "type=NS status=NODATA rcode=0 aa=0 server=127.0.0.1:$P cache=0 $(
    )cname=- nrr=0 nauth=2 naddl=2"
check "referral: NS ns1.deleg.test in authority" \
    line "$f" "auth deleg.test NS 300 nstrings=0 ns1.deleg.test"
check "referral: NS ns2.deleg.test in authority" \
    line "$f" "auth deleg.test NS 300 nstrings=0 ns2.deleg.test"
check "referral: glue A in additional" \
    line "$f" "addl ns1.deleg.test A 300 nstrings=0 127.0.0.1"
check "referral: glue AAAA in additional" \
    line "$f" "addl ns2.deleg.test AAAA 300 nstrings=0 ::1"
"$dnsq" --at "127.0.0.1:$C" --norecurse deleg.test NS c1.example.test TXT \
    deleg.test NS >"$tmp/q11" 2>&1
f=$tmp/q11
check "child server: authoritative NS answer" \
    has "$f" deleg.test 1 "status=NOERROR rcode=0 aa=1 .*nrr=2 "
check "query_at bypasses the cache" has "$f" deleg.test 2 "cache=0 "
check "child server refuses a zone it does not serve" \
    has "$f" c1.example.test 1 "status=REFUSED rcode=5 "
"$dnsq" --at "127.0.0.1:$P" c1.example.test TXT >"$tmp/q12" 2>&1
check "query_at does not follow CNAMEs: records as received" \
    has "$tmp/q12" c1.example.test 1 "status=NOERROR .*cname=- nrr=4 "
"$dnsq" --at "127.0.0.1:$S" --timeout-ms 200 deleg.test NS >"$tmp/q13" 2>&1
check "query_at a silent server: TIMEOUT" \
    has "$tmp/q13" deleg.test 1 "status=TIMEOUT "

# --- threads -----------------------------------------------------------------
set -- c1.example.test TXT nx.example.test TXT xc1.example.test TXT \
    big.example.test TXT sel2048._domainkey.example.test TXT
"$dnsq" --ns "127.0.0.1:$P,127.0.0.1:$C" --threads 8 "$@" >"$tmp/q14" 2>&1
check "8 threads on one resolver: exit 0" test $? -eq 0
good='^answer q=(c1|xc1|big|sel2048._domainkey).example.test .*status=NOERROR '
good="$good|^answer q=nx.example.test .*status=NXDOMAIN "
check "8 threads: 40 answers, all as expected" \
    test "$(grep -cE "$good" "$tmp/q14")" -eq 40

# --- the same under ASan/UBSan (make check builds it; missing is a failure) ---
check "sanitizer build of dnsq exists ($sandnsq)" test -x "$sandnsq"
if [ -x "$sandnsq" ]; then
	"$dnsq" --ns "127.0.0.1:$P,127.0.0.1:$C" "$@" c1.example.test TXT \
	    loop1.example.test TXT dangling2.example.test TXT \
	    >"$tmp/q15" 2>&1
	"$sandnsq" --ns "127.0.0.1:$P,127.0.0.1:$C" "$@" c1.example.test TXT \
	    loop1.example.test TXT dangling2.example.test TXT \
	    >"$tmp/q16" 2>&1
	check "sanitizer build: dnsq exits 0" test $? -eq 0
	check "sanitizer build: same answers" \
	    test "$(grep '^answer' "$tmp/q15")" = "$(grep '^answer' "$tmp/q16")"
	"$sandnsq" --ns "127.0.0.1:$P,127.0.0.1:$C" --threads 4 "$@" \
	    >"$tmp/q17" 2>&1
	check "sanitizer build: 4 threads, exit 0" test $? -eq 0
	check "sanitizer build: no sanitizer report" \
	    sh -c "! grep -qE 'ERROR: AddressSanitizer|runtime error' \
	    '$tmp/q16' '$tmp/q17'"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
