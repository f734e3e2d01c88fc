#!/bin/sh
# run.sh - dkimlens-keytool report (issue 10)
#
# Feeds the report:
#   - the verdict lines of a real milter run: dkimlens-milter -f on
#     loopback, keys made here with openssl and served by nsd, driven by
#     tests/bench's milterload (the Postfix side of the milter protocol):
#     signed, pass, fail (body changed), permerror (selector not
#     published) and none; the same lines again as two hosts' syslog;
#   - generated logs (tests/report/genlog.sh) in every timestamp format,
#     rotated and gzipped, with garbage lines, a Postfix line quoting a
#     forged verdict line, and a verdict line cut short at the end;
#   - a From domain holding escape sequences and markup.
# The JSON counts are compared with an independent count made here with
# awk (per verdict, per From domain, per host, unparsed lines with their
# file and line number).  The HTML page is rendered by headless Chromium
# and its DOM after load is checked for the domains and their counts; the
# screenshot is kept in build/tests/report/report.png.
# TAP on stdout; exit 1 when a test failed.
set -u
top=${DKIMLENS_TOP:-$(pwd)}
KEYTOOL=${KEYTOOL:-$top/build/dkimlens-keytool}
MILTER=${MILTER:-$top/build/dkimlens-milter}
LOAD=${MILTERLOAD:-$top/build/tests/bench/milterload}
GEN=$top/tests/report/genlog.sh
out=$top/build/tests/report
n=0
failed=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; failed=$((failed + 1)); }
show() { printf '%s\n' "$1" | sed 's/^/# /'; }

# same DESC EXPECTED ACTUAL - equal strings, or a diff
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '%s\n' "$2" >"$t/expected"
		printf '%s\n' "$3" >"$t/actual"
		show "$(diff "$t/expected" "$t/actual" | head -20)"
	fi
}

# assert DESC COMMAND... - a shell test as one TAP line
assert() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

for f in "$KEYTOOL" "$MILTER" "$LOAD"; do
	if [ ! -x "$f" ]; then
		fail "$f is built (make all tests)"
		echo "1..$n"
		exit 1
	fi
done
mkdir -p "$out" || exit 2
# The milter refuses keys below a world-writable directory (/tmp).
t=$(mktemp -d "$out/run.XXXXXX") || exit 2
chmod 700 "$t"
milter_pid=
have_nsd=0
cleanup() {
	if [ -n "$milter_pid" ]; then
		kill "$milter_pid" 2>/dev/null
		wait "$milter_pid" 2>/dev/null
	fi
	[ "$have_nsd" = 1 ] && nsd_stop "$t/nsd"
	rm -rf "$t"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM
export TZ=UTC

# --- independent count: awk over the decompressed logs --------------------
# Prints sorted "kind key value" lines: messages, unparsed, verdict V N,
# domain D N, host H N, badline FILE:LINE - the same shape json_counts
# prints from the report's JSON.  A verdict line: the program is
# dkimlens-milter (syslog tag, RFC 5424 APP-NAME or the -f prefix) and it
# holds " verdict="; it counts when it ends in action=WORD and its
# unescaped double quotes pair up.
awk_counts() {
	for f in "$@"; do
		gzip -dcf "$f" | awk -v file="$f" '
		{
			host = "-"
			if ($0 ~ /^dkimlens-milter: /)
				host = ""
			else if ($0 ~ /^<[0-9]+>1 / && $4 == "dkimlens-milter")
				host = $3
			else if ($1 ~ /^[0-9][0-9][0-9][0-9]-/ &&
			    $3 ~ /^dkimlens-milter(\[[0-9]+\])?:$/)
				host = $2
			else if ($5 ~ /^dkimlens-milter(\[[0-9]+\])?:$/)
				host = $4
			if (host == "-" || index($0, " verdict=") == 0)
				next
			# cut short, or a quoted value without its end
			s = $0
			gsub(/\\\\/, "", s)
			gsub(/\\"/, "", s)
			if ($0 !~ / action=(accept|tempfail|reject)$/ ||
			    gsub(/"/, "", s) % 2 == 1) {
				print "badline " file ":" NR
				next
			}
			match($0, / verdict=[a-z-]+/)
			v = substr($0, RSTART + 9, RLENGTH - 9)
			match($0, / from=[^ ]*/)
			d = substr($0, RSTART + 6, RLENGTH - 6)
			msgs++
			verdict[v]++
			dom[d]++
			hosts[host == "" ? "(none)" : host]++
		}
		END {
			for (v in verdict) print "verdict " v " " verdict[v]
			for (d in dom) print "domain " d " " dom[d]
			for (h in hosts) print "host " h " " hosts[h]
			print "messages " msgs + 0
		}'
	done | awk '
	$1 == "badline" { print; bad++; next }
	$1 == "messages" { m += $2; next }
	{ k = $1 " " $2; c[k] += $3 }
	END {
		for (k in c) print k " " c[k]
		print "messages " m
		print "unparsed " bad + 0
	}' | sort
}

# json_counts FILE - the same lines from the report's JSON
json_counts() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("messages", r["messages"])
print("unparsed", r["unparsed"])
for v, c in r["verdicts"].items():
    if c:
        print("verdict", v, c)
for d in r["domains"]:
    print("domain", d["domain"], d["messages"])
for h in r["hosts"]:
    print("host", h["host"] or "(none)", h["messages"])
for u in r["unparsed_lines"]:
    print("badline %s:%d" % (u["file"], u["line"]))
' "$1" | sort
}

# --- 1. a real milter run ---------------------------------------------------
# shellcheck source=../lib/nsd.sh
. "$top/tests/lib/nsd.sh"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$t/rsa.pem" 2>/dev/null
chmod 600 "$t/rsa.pem"
pub=$(openssl pkey -in "$t/rsa.pem" -pubout -outform DER 2>/dev/null |
    base64 -w0)
# shellcheck disable=SC2016
{
	echo '$ORIGIN example.com.'
	echo '$TTL 3600'
	echo '@ SOA ns1 hostmaster 1 3600 600 86400 300'
	echo '@ NS ns1'
	echo 'ns1 A 127.0.0.1'
	printf 'rsa._domainkey TXT ( "v=DKIM1; k=rsa; p="'
	echo "$pub" | fold -w 200 | sed 's/.*/ "&"/' | tr -d '\n'
	echo ' )'
} >"$t/example.com.zone"
if nsd_start_any "$t/nsd" 127.0.0.1 example.com="$t/example.com.zone"; then
	have_nsd=1
	pass "nsd serves the test key"
else
	fail "nsd serves the test key"
fi
mport=$(nsd_free_port 127.0.0.1)
cat >"$t/milter.conf" <<EOF
Socket inet:$mport@127.0.0.1
Mode sv
Domain example.com
Selector rsa
KeyFile $t/rsa.pem
Canonicalization relaxed/relaxed
InternalHosts 127.0.0.1
AuthservID mta.example.com
Syslog no
Nameservers 127.0.0.1:${NSD_PORT:-53}
EOF
"$MILTER" -f -c "$t/milter.conf" 2>"$t/milter.log" &
milter_pid=$!
i=0
while [ -z "$(ss -Hltn "sport = :$mport" 2>/dev/null)" ] && [ $i -lt 100 ]
do
	i=$((i + 1))
	sleep 0.1
done
drive() {
	"$LOAD" --socket "inet:$mport@127.0.0.1" --concurrency 1 \
	    --warmup 0 "$@" >>"$t/load.log" 2>&1
}
drive --mode sign --messages 3 --save "$t/signed.eml"
drive --mode verify --message "$t/signed.eml" --messages 2
# the body changed in transit: fail, body-hash-mismatch
sed '$s/$/ changed in transit/' "$t/signed.eml" >"$t/changed.eml"
drive --mode verify --message "$t/changed.eml" --messages 1
# a selector that is not published: permerror, key-not-found
sed 's/s=rsa;/s=gone;/' "$t/signed.eml" >"$t/gone.eml"
drive --mode verify --message "$t/gone.eml" --messages 1
# no signature, another From domain: none
printf 'From: <a@other.example>\r\nTo: <b@example.org>\r\nSubject: x\r\n\r\nhello\r\n' \
    >"$t/plain.eml"
drive --mode verify --message "$t/plain.eml" --messages 1
kill "$milter_pid" 2>/dev/null
wait "$milter_pid" 2>/dev/null
milter_pid=
real=$t/milter.log
for v in signed pass fail permerror none; do
	c=$(grep -c "^dkimlens-milter: [^ ]*: verdict=$v " "$real")
	if [ "$c" -gt 0 ]; then
		pass "the real milter run logged verdict=$v ($c)"
	else
		fail "the real milter run logged verdict=$v"
		show "$(cat "$t/milter.log" "$t/load.log" | tail -20)"
	fi
done
"$KEYTOOL" report --json "$real" >"$t/real.json"
assert "report on the milter's -f output exits 0" [ $? -eq 0 ]
same "milter -f output: JSON counts equal awk's" \
    "$(awk_counts "$real")" "$(json_counts "$t/real.json")"
python3 - "$t/real.json" >"$t/real.check" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
d = {x["domain"]: x for x in r["domains"]}
ex = d["example.com"]
codes = {x["code"]: x for x in ex["reasons"]}
assert "body-hash-mismatch" in codes, codes
assert "key-not-found" in codes, codes
assert codes["body-hash-mismatch"]["hint"], codes
assert codes["key-not-found"]["example"], codes
assert d["other.example"]["verdicts"]["none"] == 1, d
keys = {(k["d"], k["s"]): k["messages"] for k in r["keys"]}
assert keys == {("example.com", "rsa"): r["verdicts"]["signed"]}, keys
assert r["first"] is None and r["untimed"] == r["messages"], r
EOF
assert "real run: reason codes with hint and example, none for other.example, signing key counted" \
    [ $? -eq 0 ] || show "$(cat "$t/real.check")"
# The same lines as two MTAs' syslog (classic and high precision).
awk 'NR % 2 == 1 { sub(/^dkimlens-milter: /, ""); printf "Dec  1 10:%02d:00 mta-a dkimlens-milter[7]: %s\n", NR % 60, $0 }' \
    "$real" >"$t/mta-a.log"
awk 'NR % 2 == 0 { sub(/^dkimlens-milter: /, ""); printf "2024-12-01T11:%02d:00.5+01:00 mta-b dkimlens-milter[8]: %s\n", NR % 60, $0 }' \
    "$real" >"$t/mta-b.log"
"$KEYTOOL" report --json "$t/mta-a.log" "$t/mta-b.log" >"$t/two.json"
same "two MTAs: JSON counts (per host too) equal awk's" \
    "$(awk_counts "$t/mta-a.log" "$t/mta-b.log")" \
    "$(json_counts "$t/two.json")"

# --- 2. generated logs, every format, rotated, gzipped, damaged -------------
g=$t/gen
mkdir "$g"
sh "$GEN" 3000 10 classic 1 >"$g/mail.log.2"
sh "$GEN" 3000 10 iso 2 >"$g/mail.log.1"
sh "$GEN" 3000 10 journal 3 >"$g/journal.txt"
sh "$GEN" 2000 10 rfc5424 4 >"$g/rfc5424.log"
sh "$GEN" 1000 10 stderr 5 >"$g/milter.err"
gzip -9 "$g/mail.log.2"
# a rotated file of two gzip members (logrotate + a concatenation)
sh "$GEN" 500 10 classic 6 | gzip >"$g/mail.log.3.gz"
sh "$GEN" 500 10 classic 7 | gzip >>"$g/mail.log.3.gz"
# garbage lines, binary bytes, a forged verdict line in a Postfix header
# warning, then a verdict line cut short without its newline
{
	sh "$GEN" 1000 10 iso 8
	printf '\001\002\377garbage verdict= \000 dkimlens-milter\n'
	echo 'total garbage line'
	echo 'Dec  4 10:00:01 mx1 postfix/cleanup[1]: Q: warning: header Subject: Q9: verdict=pass from=bank.example action=accept'
	echo 'Dec  4 10:00:02 mx1 dkimlens-milter[3]: QBAD: verdict=fail from=x.example reason="unterminated action=accept'
	printf 'Dec  4 10:00:03 mx1 dkimlens-milter[3]: QCUT: verdict=pass from=d1.example sig1=d:d1.exa'
} >"$g/mail.log"
set -- "$g/mail.log.3.gz" "$g/mail.log.2.gz" "$g/mail.log.1" "$g/mail.log" \
    "$g/journal.txt" "$g/rfc5424.log" "$g/milter.err"
"$KEYTOOL" report --json "$@" >"$t/gen.json" 2>"$t/gen.err"
rc=$?
assert "unparsable verdict lines: exit status 1" [ "$rc" -eq 1 ]
expected=$(awk_counts "$@")
same "generated logs (all formats, .gz, garbage, cut short): JSON counts equal awk's" \
    "$expected" "$(json_counts "$t/gen.json")"
lines=$(wc -l <"$g/mail.log")
same "the cut-short last line is reported with its file and line number" \
    "yes" "$(echo "$expected" | grep -qx "badline $g/mail.log:$((lines + 1))" &&
    echo yes)"
assert "the forged line from Postfix is not counted" \
    [ "$(grep -c bank.example "$t/gen.json")" -eq 0 ]
for fmt in classic iso journal rfc5424 stderr; do
	sh "$GEN" 400 10 "$fmt" 9 >"$t/one.$fmt"
	"$KEYTOOL" report --json "$t/one.$fmt" >"$t/one.json"
	same "format $fmt alone: JSON counts equal awk's" \
	    "$(awk_counts "$t/one.$fmt")" "$(json_counts "$t/one.json")"
done
# standard input, plain and gzipped, with and without "-"
a=$("$KEYTOOL" report --json "$g/mail.log.1")
b=$("$KEYTOOL" report --json <"$g/mail.log.1")
c=$(gzip -c "$g/mail.log.1" | "$KEYTOOL" report --json -)
same "standard input gives the same report as the file" "$a" "$b"
same "gzipped standard input too" "$a" "$c"
"$KEYTOOL" report "$t/does-not-exist" >/dev/null 2>"$t/err"
assert "a missing file: exit 2 and a message" \
    [ $? -eq 2 ] && grep -q does-not-exist "$t/err"
printf 'x\n' | gzip | head -c 15 >"$t/short.gz"
"$KEYTOOL" report "$t/short.gz" >/dev/null 2>"$t/err"
assert "a truncated .gz: exit 2 and a message" [ $? -eq 2 ] &&
    [ -s "$t/err" ]

# --domain, --since, --until against awk
dcount=$(gzip -dcf "$@" | grep -c 'dkimlens-milter.* verdict=[a-z-]* from=d3\.example .*action=[a-z]*$')
"$KEYTOOL" report --json --domain d3.example "$@" >"$t/d3.json"
same "--domain: only that domain's messages" "$dcount" \
    "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["messages"], len(r["domains"]))' "$t/d3.json" | sed 's/ 1$//')"
# iso lines: 20 lines a second from 2024-12-01T00:00:00Z
since=$(awk '/dkimlens-milter/ && / action=[a-z]*$/ && $1 >= "2024-12-01T00:01:00" && $1 < "2024-12-01T00:02:00"' "$g/mail.log.1" | wc -l)
"$KEYTOOL" report --json --since 2024-12-01T00:01:00Z \
    --until 2024-12-01T00:02Z "$g/mail.log.1" >"$t/since.json"
same "--since/--until: the lines of that minute" "$since" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$t/since.json")"
"$KEYTOOL" report --since yesterday "$g/mail.log.1" >/dev/null 2>&1
assert "--since with a bad time: exit 2" [ $? -eq 2 ]

# the text report: worst first, the esp-only call-out with the causes
{
	sh "$GEN" 300 10 classic 10
	for i in 1 2 3 4 5 6 7; do
		echo "Dec  1 09:00:0$i mx1 dkimlens-milter[5]: E$i: verdict=esp-only from=ses.example sig1=d:amazonses.com,s:ses1,a:rsa-sha256,role:esp,result:pass action=accept"
	done
	echo "Dec  1 09:00:09 mx1 dkimlens-milter[5]: E9: verdict=pass from=ses.example sig1=d:ses.example,s:s,a:rsa-sha256,role:author,result:pass action=accept"
} >"$t/esp.log"
"$KEYTOOL" report "$t/esp.log" >"$t/esp.txt"
assert "text: a domain mostly esp-only is called out first, with the causes" \
    [ "$(grep -n . "$t/esp.txt" | grep -m1 ATTENTION | grep -c 'ses.example: 7 of 8 messages')" -eq 1 ] &&
    grep -q 'individually verified address' "$t/esp.txt" &&
    grep -q 'another region' "$t/esp.txt"
first=$(sed -n '/^Verdicts/,/^$/p' "$t/esp.txt" | sed -n 2p | awk '{print $1}')
same "text: verdicts worst first" "fail" "$first"

# --- 3. escaping: a From domain with escape sequences and markup ------------
cat >"$t/evil.log" <<'EOF'
Dec  1 10:00:00 mx1 dkimlens-milter[1]: Q1: verdict=fail from="\x1b[31mred\x07<script>document.title='pwned'</script>&amp;\xff" sig1=d:evil.example,s:s,a:rsa-sha256,role:author,result:fail,reason:body-hash-mismatch hint="\x1b]0;title\x07" action=accept
Dec  1 10:00:01 mx1 dkimlens-milter[1]: Q2: verdict=pass from=caf\xc3\xa9.example action=accept
EOF
"$KEYTOOL" report "$t/evil.log" >"$t/evil.txt"
"$KEYTOOL" report --json "$t/evil.log" >"$t/evil.json"
"$KEYTOOL" report --html "$t/evil.html" "$t/evil.log" >/dev/null
assert "text: no control byte or 8-bit byte reaches the terminal" \
    [ "$(LC_ALL=C tr -d '\n\040-\176' <"$t/evil.txt" | wc -c)" -eq 0 ]
assert "text: the escape sequence is shown as \\x1b" \
    grep -q '\\x1b\[31mred\\x07<script>' "$t/evil.txt"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
names = sorted(d["domain"] for d in r["domains"])
assert names[0] == "\x1b[31mred\x07<script>document.title=\x27pwned\x27</script>&amp;\xff", names
' "$t/evil.json" 2>"$t/err"
assert "JSON: valid, and the From domain decodes to the bytes logged" \
    [ $? -eq 0 ] || show "$(cat "$t/err")"
assert "HTML: no raw <script>, no control byte" \
    [ "$(grep -c '<script' "$t/evil.html")" -eq 0 ] &&
    [ "$(LC_ALL=C tr -d '\n\040-\176' <"$t/evil.html" | wc -c)" -eq 2 ]

# --- 4. HTML in headless Chromium -----------------------------------------
chromium=$(command -v chromium || command -v chromium-browser || true)
# render FILE.html OUT.dom [SHOT.png] - the DOM after load
render() {
	ud=$(mktemp -d)
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$ud" \
	    --window-size=1000,2400 ${3:+--screenshot="$3"} \
	    --dump-dom "file://$1" >"$2" 2>"$t/chromium.err"
	rc=$?
	rm -rf "$ud"
	return $rc
}
if [ -z "$chromium" ]; then
	fail "chromium is installed (contrib/install-deps.sh)"
else
	"$KEYTOOL" report --html "$t/gen.html" "$@" >/dev/null
	render "$t/gen.html" "$t/gen.dom"
	assert "chromium renders the page" [ $? -eq 0 ] && [ -s "$t/gen.dom" ]
	render "$t/gen.html" "$t/shot.dom" "$out/report.png" >/dev/null
	assert "a screenshot is kept in build/tests/report/report.png" \
	    [ -s "$out/report.png" ]
	python3 - "$t/gen.json" "$t/gen.dom" >"$t/dom.check" 2>&1 <<'EOF'
import json, re, sys
r = json.load(open(sys.argv[1]))
dom = open(sys.argv[2]).read()
rows = dict(re.findall(r'<td class="domain">([^<]*)</td><td class="num messages">(\d+)</td>', dom))
want = {d["domain"]: str(d["messages"]) for d in r["domains"]}
assert rows == want, (rows, want)
assert re.search(r'<span id="messages">%d</span>' % r["messages"], dom)
assert re.search(r'<span id="unparsed">%d</span>' % r["unparsed"], dom)
charts = re.findall(r'<figure class="timeline" data-domain="([^"]*)"', dom)
assert charts == [d["domain"] for d in r["domains"]][:12], charts
assert dom.count("<rect") > 100
assert '<svg id="passing"' in dom and '<svg id="reasons"' in dom
for v, c in r["verdicts"].items():
    assert re.search(r'<td class="verdict">%s</td><td class="num">%d</td>' % (v, c), dom), v
EOF
	assert "DOM after load: every domain with its count, the totals, one chart per worst domain" \
	    [ $? -eq 0 ] || show "$(tail -5 "$t/dom.check")"
	render "$t/evil.html" "$t/evil.dom"
	assert "DOM: the hostile From domain is text, no script element ran" \
	    grep -q '&lt;script&gt;document.title' "$t/evil.dom" &&
	    [ "$(grep -c '<script' "$t/evil.dom")" -eq 0 ] &&
	    grep -q '<title>dkimlens report</title>' "$t/evil.dom" &&
	    grep -q 'café.example' "$t/evil.dom"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
