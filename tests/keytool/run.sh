#!/bin/sh
# run.sh - dkimlens-keytool check, selector, genkey and record (issue #4)
#
# Every fixture is made here with the openssl command line, from one key
# per size or type, and every case asserts the exit status, the verdict
# and the exact set of problem names.  Keys that check accepts are fed to
# OpenSSL, and python3-dkim verifies mail signed with them against the
# DNS record check printed.  TAP on stdout; exit 1 when anything failed.
# Usage: sh tests/keytool/run.sh (from the top of the tree); $KEYTOOL
# names the binary (default build/dkimlens-keytool).
set -u
top=${DKIMLENS_TOP:-$(pwd)}
KEYTOOL=${KEYTOOL:-$top/build/dkimlens-keytool}
PY=/usr/bin/python3
INTEROP=$top/tests/keytool/dkim_interop.py
n=0
failed=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; failed=$((failed + 1)); }
show() { printf '%s\n' "$1" | sed 's/^/# /'; }

# assert DESC COMMAND... - a shell test as one TAP line
assert() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

if [ ! -x "$KEYTOOL" ]; then
	fail "$KEYTOOL is built"
	echo "1..$n"
	exit 1
fi
t=$(mktemp -d) || exit 2
trap 'rm -rf "$t"' EXIT
trap 'exit 2' HUP INT TERM
umask 077
cd "$t" || exit 2

# --- fixtures: one key per size/type, every form derived from it ---------
ossl() { openssl "$@" 2>>"$t/openssl.log"; }
ossl genrsa -traditional -out r2048.p1.pem 2048
ossl genrsa -traditional -out r1024.p1.pem 1024
ossl genrsa -traditional -out other.p1.pem 1024
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out r512.pem
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out r3072.pem
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out r4096.pem
ossl genpkey -algorithm ED25519 -out ed.pem
ossl ecparam -genkey -name prime256v1 -out ec.params.pem
ossl ecparam -genkey -name prime256v1 -noout -out ec.sec1.pem
ossl pkey -in ec.sec1.pem -out ec.p8.pem
ossl pkey -in r2048.p1.pem -out r2048.p8.pem
ossl rsa -in r2048.p1.pem -traditional -outform DER -out r2048.p1.der
ossl pkcs8 -topk8 -nocrypt -in r2048.p1.pem -outform DER -out r2048.p8.der
sed '1d;$d' r2048.p1.pem > r2048.p1.b64
tr -d '\n' < r2048.p1.b64 > r2048.p1.b64line
ossl base64 -A -in r2048.p8.der -out r2048.p8.b64line
ossl base64 -in r2048.p8.der -out r2048.p8.b64
ossl pkcs8 -topk8 -in r2048.p1.pem -passout pass:secret -out enc.p8.pem
ossl pkcs8 -topk8 -in r2048.p1.pem -passout pass:secret -outform DER \
    -out enc.p8.der
ossl rsa -in r2048.p1.pem -aes128 -passout pass:secret -traditional \
    -out enc.legacy.pem
ossl pkey -in r2048.p1.pem -pubout -out pub.spki.pem
ossl pkey -in r2048.p1.pem -pubout -outform DER -out pub.spki.der
ossl rsa -in r2048.p1.pem -RSAPublicKey_out -out pub.p1.pem
sed '1d;$d' pub.spki.pem > pub.spki.b64
tr -d '\n' < pub.spki.b64 > pub.spki.b64line
ossl pkey -in ed.pem -pubout -out ed.pub.pem
ossl req -new -x509 -key r2048.p1.pem -subj /CN=keytool-test -days 1 \
    -out cert.pem
ossl req -new -key r2048.p1.pem -subj /CN=keytool-test -out csr.pem
ossl pkcs12 -export -in cert.pem -inkey r2048.p1.pem -passout pass:secret \
    -out bundle.p12
{ cat pub.spki.b64; echo '-----END PUBLIC KEY-----'; } > pub.nohead.txt
sed '3s/^./*/' r2048.p1.pem > badb64.pem
{ cat r2048.p1.b64line; printf '!!\n'; } > badb64.txt
ossl base64 -in r2048.p1.pem -out b64pem.txt
head -c 700 r2048.p1.der > trunc.der
head -n 10 r2048.p1.pem > trunc-noend.pem
sed '5,10d' r2048.p1.pem > trunc-lines.pem
head -c 800 r2048.p1.b64line > trunc.b64
cp r2048.p1.der corrupt-tag.der
printf '\004' | dd of=corrupt-tag.der bs=1 seek=4 conv=notrunc 2>/dev/null
cp r2048.p1.der corrupt-len.der
printf '\005' | dd of=corrupt-len.der bs=1 seek=9 conv=notrunc 2>/dev/null
# inconsistent RSA: the same numbers with e changed from 65537 to 65539
openssl asn1parse -in r2048.p1.pem | awk -F: '/INTEGER/ { print $NF }' |
    awk 'BEGIN { print "asn1=SEQUENCE:rsa"; print "[rsa]" }
	{ i++; v = $0; if (i == 3) v = "010003"; printf "f%d=INTEGER:0x%s\n", i, v }' \
    > incons.cnf
ossl asn1parse -genconf incons.cnf -noout -out incons.der
ossl rsa -inform DER -in incons.der -traditional -out incons.pem
{ cat r2048.p1.pem; echo 'exported by the key wizard'; } > junk-after.pem
{ cat r2048.p1.der; printf 'xx'; } > junk-after.der
{ cat r2048.p1.b64line; printf '\n-----END RSA PRIVATE KEY-----\n'; } \
    > junk-footer.b64
{ echo 'Bag Attributes'; echo '    localKeyID: 01'; cat r2048.p1.pem; } \
    > junk-before.pem
awk '{ printf "%s\r\n", $0 }' r2048.p1.pem > crlf.pem
{ printf '\357\273\277'; cat r2048.p1.pem; } > bom.pem
{ printf '\357\273\277'; cat crlf.pem; } > bomcrlf.pem
cat r2048.p1.pem r1024.p1.pem > multi.pem
cat r2048.p1.pem cert.pem > keycert.pem
cat r2048.p1.der r2048.p8.der > multi.der
: > empty.pem
cp r2048.p1.pem perm644.pem && chmod 644 perm644.pem
cp r2048.p1.pem perm640.pem && chmod 640 perm640.pem
{ printf '\357\273\277'; awk '{ printf "%s\r\n", $0 }' r3072.pem; } \
    > bomcrlf-3072.pem && chmod 644 bomcrlf-3072.pem
mkdir gw && chmod 775 gw && cp r2048.p1.pem gw/key.pem
if [ -s incons.der ] && [ -s bundle.p12 ] && [ -s enc.legacy.pem ] &&
    [ -s r4096.pem ] && [ -s ec.p8.pem ]; then
	pass "fixtures made with the openssl command line"
else
	fail "fixtures made with the openssl command line"
	sed 's/^/# /' openssl.log
fi

# --- check ------------------------------------------------------------------
# problems - sorted problem names of the check report in $out
problems() {
	printf '%s\n' "$out" |
	    sed -n -E 's/^(error|warning) ([a-z0-9-]+): .*/\2/p' | sort |
	    tr '\n' ' ' | sed 's/ $//'
}

# check_case DESC STATUS VERDICT "SORTED PROBLEMS" ARGS...
check_case() {
	desc=$1 want=$2 verdict=$3 probs=$4
	shift 4
	out=$("$KEYTOOL" check "$@" 2>"$t/stderr")
	rc=$?
	got=$(problems)
	case $(printf '%s\n' "$out" | head -n 1) in
	*": valid for SES BYODKIM") v=valid ;;
	*": INVALID for SES BYODKIM"*) v=invalid ;;
	*) v=none ;;
	esac
	if [ "$rc" = "$want" ] && [ "$v" = "$verdict" ] &&
	    [ "$got" = "$probs" ]; then
		pass "check $desc: exit $want, $verdict${probs:+ ($probs)}"
	else
		fail "check $desc: exit $want, $verdict${probs:+ ($probs)}"
		echo "# got exit $rc, $v ($got)"
		show "$out"
		sed 's/^/# stderr: /' "$t/stderr"
	fi
}

S="--selector s1 --domain example.com"
check_case "PEM PKCS#1 2048" 0 valid "" r2048.p1.pem $S
check_case "PEM PKCS#8 2048" 0 valid "" r2048.p8.pem $S
check_case "PEM PKCS#1 1024" 0 valid "" r1024.p1.pem $S
check_case "DER PKCS#1" 0 valid "" r2048.p1.der $S
check_case "DER PKCS#8" 0 valid "" r2048.p8.der $S
check_case "base64 PKCS#1 with line breaks" 0 valid "" r2048.p1.b64 $S
check_case "base64 PKCS#1 on one line" 0 valid "" r2048.p1.b64line $S
check_case "base64 PKCS#8 with line breaks" 0 valid "" r2048.p8.b64 $S
check_case "base64 PKCS#8 on one line" 0 valid "" r2048.p8.b64line $S
check_case "encrypted PKCS#8 PEM" 1 invalid "encrypted" enc.p8.pem
check_case "encrypted PKCS#8 DER" 1 invalid "encrypted" enc.p8.der
check_case "legacy encrypted PKCS#1 PEM" 1 invalid "encrypted" \
    enc.legacy.pem
check_case "Ed25519 key" 1 invalid "not-rsa" ed.pem
check_case "EC key (SEC1)" 1 invalid "not-rsa" ec.sec1.pem
check_case "EC key with its EC PARAMETERS block" 1 invalid "not-rsa" \
    ec.params.pem
check_case "EC key (PKCS#8)" 1 invalid "not-rsa" ec.p8.pem
check_case "RSA 512" 1 invalid "rsa-size" r512.pem
check_case "RSA 3072" 1 invalid "rsa-size" r3072.pem
check_case "RSA 4096" 1 invalid "rsa-size" r4096.pem
check_case "public key PEM" 1 invalid "public-key" pub.spki.pem
check_case "public key DER" 1 invalid "public-key" pub.spki.der
check_case "PKCS#1 public key PEM" 1 invalid "public-key" pub.p1.pem
check_case "public key base64" 1 invalid "public-key" pub.spki.b64line
check_case "certificate" 1 invalid "certificate" cert.pem
check_case "certificate signing request" 1 invalid "unknown-format" \
    csr.pem
check_case "PKCS#12 bundle" 1 invalid "unknown-format" bundle.p12
check_case "invalid base64 in PEM" 1 invalid "bad-base64" badb64.pem
check_case "invalid base64, bare" 1 invalid "bad-base64" badb64.txt
check_case "base64 of a PEM file" 1 invalid "base64-of-pem" b64pem.txt
check_case "truncated DER" 1 invalid "truncated" trunc.der
check_case "PEM without its END line" 1 invalid "truncated" \
    trunc-noend.pem
check_case "PEM with lines missing" 1 invalid "truncated" trunc-lines.pem
check_case "truncated base64" 1 invalid "truncated" trunc.b64
check_case "corrupt DER (wrong tag)" 1 invalid "corrupt-der" \
    corrupt-tag.der
check_case "corrupt DER (overlong element)" 1 invalid "corrupt-der" \
    corrupt-len.der
check_case "inconsistent RSA parameters (DER)" 1 invalid \
    "inconsistent-rsa" incons.der
check_case "inconsistent RSA parameters (PEM)" 1 invalid \
    "inconsistent-rsa" incons.pem
check_case "text after the END line" 1 invalid "trailing-junk" \
    junk-after.pem
check_case "bytes after the DER" 1 invalid "trailing-junk" junk-after.der
check_case "a footer after bare base64" 1 invalid "trailing-junk" \
    junk-footer.b64
check_case "text before the BEGIN line" 1 invalid "leading-junk" \
    junk-before.pem
check_case "CRLF line ends (tolerated)" 0 valid "crlf" crlf.pem $S
check_case "UTF-8 BOM (tolerated)" 0 valid "bom" bom.pem $S
check_case "BOM and CRLF (tolerated)" 0 valid "bom crlf" bomcrlf.pem $S
check_case "two keys in one PEM file" 1 invalid "multiple-keys" multi.pem
check_case "a key and a certificate" 1 invalid "multiple-keys" \
    keycert.pem
check_case "two DER keys" 1 invalid "multiple-keys" multi.der
check_case "empty file" 1 invalid "empty" empty.pem
check_case "mode 0644 (reported)" 0 valid "file-permissions" perm644.pem
check_case "mode 0640 (reported)" 0 valid "file-permissions" perm640.pem
check_case "group-writable directory (reported)" 0 valid \
    "file-permissions" gw/key.pem
check_case "SES-invalid selector" 1 invalid "selector" r2048.p1.pem \
    --selector s-1 --domain example.com
check_case "several problems at once" 1 invalid \
    "bom crlf file-permissions rsa-size" bomcrlf-3072.pem

# Each problem line names its fix; fixes name the file.
out=$("$KEYTOOL" check enc.p8.pem 2>/dev/null)
assert "check encrypted: the fix decrypts with openssl pkey" \
    eval 'printf "%s\n" "$out" | grep -q "fix: .*openssl pkey -in enc.p8.pem"'
out=$("$KEYTOOL" check perm644.pem 2>/dev/null)
assert "check file-permissions: names path, owner, mode and chmod 600" \
    eval 'printf "%s\n" "$out" | grep -Eq "warning file-permissions: .*perm644.pem: mode 0644, owner [^ ]+: readable" &&
    printf "%s\n" "$out" | grep -Eq "fix: chmod 600 .*perm644.pem"'
out=$("$KEYTOOL" check gw/key.pem 2>/dev/null)
assert "check file-permissions: names the writable directory and chmod go-w" \
    eval 'printf "%s\n" "$out" | grep -Eq "directory .*/gw: mode 0775" &&
    printf "%s\n" "$out" | grep -Eq "fix: chmod go-w .*/gw"'
out=$("$KEYTOOL" check badb64.pem 2>/dev/null)
assert "check bad-base64: says which line and character" \
    eval 'printf "%s\n" "$out" | grep -q "line 3, column 1: .\*."'
out=$("$KEYTOOL" check r4096.pem 2>/dev/null)
assert "check rsa-size: names the size and the genkey fix" \
    eval 'printf "%s\n" "$out" | grep -q "RSA key of 4096 bits" &&
    printf "%s\n" "$out" | grep -q "fix: .*genkey --bits 2048"'
out=$("$KEYTOOL" check r4096.pem 2>/dev/null)
assert "check prints no upload string for an invalid key" \
    eval '! printf "%s\n" "$out" | grep -q "^upload string"'

# Usage and I/O.
kt_rc() { "$KEYTOOL" "$@" >/dev/null 2>&1; echo $?; }
assert "check without KEYFILE: exit 2" [ "$(kt_rc check)" = 2 ]
assert "check of a missing file: exit 2" [ "$(kt_rc check nosuch.pem)" = 2 ]
assert "check --bogus: exit 2" [ "$(kt_rc check --bogus r2048.p1.pem)" = 2 ]
assert "check --domain not a domain: exit 2" \
    [ "$(kt_rc check r2048.p1.pem --domain 'exa mple')" = 2 ]
for c in check selector genkey record; do
	assert "$c --help: usage on stdout, exit 0" \
	    eval '"$KEYTOOL" $c --help | grep -q "^usage: dkimlens-keytool $c"'
done
out=$("$KEYTOOL" check - $S < r2048.p8.b64line 2>/dev/null)
assert "check - reads stdin" \
    eval 'printf "%s\n" "$out" | head -n 1 | grep -q "^stdin: valid"'

# --- what check prints for a valid key ------------------------------------
# field NAME - the line after "NAME" in $out
field() { printf '%s\n' "$out" | sed -n "/^$1/{n;p;q;}"; }
pub_b64() { openssl pkey -in "$1" -pubout -outform DER 2>/dev/null |
    openssl base64 -A; }

for f in r2048.p1.pem r2048.p8.pem r1024.p1.pem r2048.p1.der r2048.p8.der \
    r2048.p1.b64 r2048.p8.b64line crlf.pem bom.pem; do
	out=$("$KEYTOOL" check --upload-string "$f" $S 2>/dev/null)
	up=$(field "upload string")
	zone=$(field "DNS record")
	txt=$(field "TXT value")
	case $f in
	*.der) form=$(openssl base64 -A -in "$f") ;;
	*p1*|crlf.pem|bom.pem) form=$(cat r2048.p1.b64line) ;;
	*) form=$(cat r2048.p8.b64line) ;;
	esac
	[ "$f" = r1024.p1.pem ] && form=$(sed '1d;$d' "$f" | tr -d '\n')
	case $f in
	*.p1.pem|crlf.pem|bom.pem) fmt="PEM PKCS#1 (-----BEGIN RSA PRIVATE KEY-----)" ;;
	*.p8.pem) fmt="PEM PKCS#8 (-----BEGIN PRIVATE KEY-----)" ;;
	*.p1.der) fmt="DER PKCS#1" ;;
	*.p8.der) fmt="DER PKCS#8" ;;
	*.p1.b64*) fmt="base64 PKCS#1" ;;
	*.p8.b64*) fmt="base64 PKCS#8" ;;
	esac
	assert "check $f: reports format $fmt and key RSA $(
	    [ "$f" = r1024.p1.pem ] && echo 1024 || echo 2048) bits" \
	    eval '[ "$(field "$f: valid")" = "format: $fmt" ] &&
	    printf "%s\n" "$out" | grep -Eq "^key: RSA (1024|2048) bits$"'
	assert "check $f: the upload string is the key's own DER, one line" \
	    [ "$up" = "$form" ]
	printf '%s' "$up" | openssl base64 -d -A > up.der
	assert "check $f: OpenSSL accepts the upload string (pkey -check)" \
	    eval 'openssl pkey -inform DER -in up.der -check -noout \
	    >/dev/null 2>&1'
	src=$f
	case $f in *.der|*.b64|*.b64line) src=r2048.p1.pem ;; esac
	assert "check $f: TXT value is v=DKIM1; k=rsa; p=<SPKI of the key>" \
	    [ "$txt" = "v=DKIM1; k=rsa; p=$(pub_b64 "$src")" ]
	printf '%s\n' "$zone" > zone.txt
	assert "check $f: zone line at s1._domainkey.example.com., strings <= 255" \
	    eval 'printf "%s\n" "$zone" | grep -Eq "^s1\._domainkey\.example\.com\. IN TXT \( (\"[^\"]{1,255}\" )+\)$"'
	openssl pkey -inform DER -in up.der -out up.pem 2>/dev/null
	if out=$($PY "$INTEROP" sign-verify up.pem zone.txt 2>&1); then
		pass "check $f: python3-dkim signs with it and verifies against the printed record"
	else
		fail "check $f: python3-dkim signs with it and verifies against the printed record"
		show "$out"
	fi
done

# The record really is what verification depends on: another key's
# record must fail, and dkimlens-keytool sign agrees with python3-dkim.
"$KEYTOOL" record other.p1.pem --selector s1 --domain example.com |
    sed -n '/^DNS record/{n;p;}' > other-zone.txt
out=$("$KEYTOOL" check r2048.p1.pem $S 2>/dev/null)
field "DNS record" > zone.txt
openssl pkey -in r2048.p1.pem -out signkey.pem 2>/dev/null
assert "python3-dkim fails against another key's record (the test can fail)" \
    eval '! $PY "$INTEROP" sign-verify signkey.pem other-zone.txt >/dev/null 2>&1'
printf 'From: alice@example.com\r\nTo: bob@example.org\r\nSubject: t\r\n\r\nbody\r\n' \
    > msg.eml
if "$KEYTOOL" sign --key r2048.p1.pem --domain example.com --selector s1 \
    msg.eml > signed.eml 2>sign.err; then
	assert "keytool sign with a checked key: python3-dkim verifies" \
	    eval '$PY "$INTEROP" verify signed.eml zone.txt >/dev/null 2>&1'
else
	fail "keytool sign with a checked key: python3-dkim verifies"
	sed 's/^/# /' sign.err
fi

# JSON.
out=$("$KEYTOOL" check --json bomcrlf-3072.pem $S 2>/dev/null)
assert "check --json: valid false, problem names, severities, null upload" \
    eval 'printf "%s" "$out" | $PY -c "
import json, sys
j = json.load(sys.stdin)
names = sorted((p[\"name\"], p[\"severity\"]) for p in j[\"problems\"])
assert j[\"valid\"] is False and j[\"upload\"] is None, j
assert names == [(\"bom\", \"warning\"), (\"crlf\", \"warning\"),
    (\"file-permissions\", \"warning\"), (\"rsa-size\", \"error\")], names
assert j[\"bits\"] == 3072 and j[\"key_type\"] == \"RSA\", j
assert all(p[\"fix\"] for p in j[\"problems\"]), j
"'
out=$("$KEYTOOL" check --json --upload-string r2048.p8.der $S 2>/dev/null)
assert "check --json: a valid key has its upload, txt and zone" \
    eval 'printf "%s" "$out" | $PY -c "
import json, sys
j = json.load(sys.stdin)
assert j[\"valid\"] is True and j[\"problems\"] == [], j
assert j[\"format\"] == \"DER PKCS#8\", j
assert j[\"upload\"] == open(\"r2048.p8.b64line\").read().strip(), j
assert j[\"txt\"].startswith(\"v=DKIM1; k=rsa; p=MII\"), j
assert j[\"zone\"].startswith(\"s1._domainkey.example.com. IN TXT ( \"), j
"'

# --- selector ---------------------------------------------------------------
# sel_case S STATUS VERDICT PROBLEM
sel_case() {
	out=$("$KEYTOOL" selector -- "$1" 2>&1)
	rc=$?
	first=$(printf '%s\n' "$out" | head -n 1)
	prob=$(printf '%s\n' "$out" | sed -n 's/^  problem \([a-z-]*\):.*/\1/p')
	if [ "$rc" = "$2" ] && [ "$first" != "${first#selector \"$1\": $3: }" ] &&
	    [ "$prob" = "$4" ]; then
		pass "selector '$1': exit $2, $3${4:+ ($4)}"
	else
		fail "selector '$1': exit $2, $3${4:+ ($4)}"
		show "$out"
	fi
}
long63=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz01234567890
sel_case s1 0 ses-ok ""
sel_case "$long63" 0 ses-ok ""
sel_case 202401 0 ses-ok ""
sel_case "${long63}x" 1 invalid too-long
sel_case "abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstuvwxyz.abcdefghijklm" \
    1 dkim-only too-long
sel_case s-1 1 dkim-only hyphen
sel_case mail.2024 1 dkim-only period
sel_case a_b 1 invalid underscore
sel_case "s 1" 1 invalid whitespace
sel_case "s!1" 1 invalid punctuation
sel_case "$(printf 's\303\251')" 1 invalid non-ascii
sel_case "" 1 invalid empty
sel_case -s1 1 invalid bad-label
sel_case s1- 1 invalid bad-label
sel_case a..b 1 invalid bad-label
sel_case .s1 1 invalid bad-label
sel_case s1._domainkey.example.com 1 invalid full-name
out=$("$KEYTOOL" selector s-1 2>&1)
assert "selector s-1: says valid DKIM but rejected by SES, suggests s1" \
    eval 'printf "%s\n" "$out" | grep -q "valid DKIM (RFC 6376 allows dots and hyphens) but rejected by SES" &&
    printf "%s\n" "$out" | grep -q "fix: use \"s1\""'
out=$("$KEYTOOL" selector --json s1 mail.2024 a_b 2>&1)
assert "selector --json: verdicts and validity flags per selector" \
    eval 'printf "%s" "$out" | $PY -c "
import json, sys
j = json.load(sys.stdin)
got = [(x[\"selector\"], x[\"verdict\"], x[\"dkim_valid\"], x[\"ses_valid\"],
    x[\"problem\"]) for x in j]
assert got == [(\"s1\", \"ses-ok\", True, True, None),
    (\"mail.2024\", \"dkim-only\", True, False, \"period\"),
    (\"a_b\", \"invalid\", False, False, \"underscore\")], got
"'
assert "selector without S: exit 2" [ "$(kt_rc selector)" = 2 ]

# --- genkey -----------------------------------------------------------------
mkdir keys
out=$("$KEYTOOL" genkey --selector s2024 --domain example.com --out keys \
    --upload-string 2>"$t/stderr")
rc=$?
assert "genkey rsa: exit 0" [ "$rc" = 0 ]
assert "genkey rsa: keys/s2024.private is mode 0600" \
    [ "$(stat -c %a keys/s2024.private 2>/dev/null)" = 600 ]
assert "genkey rsa: PKCS#1 PEM of 2048 bits by default" \
    eval 'head -n 1 keys/s2024.private | grep -q "BEGIN RSA PRIVATE KEY" &&
    openssl rsa -in keys/s2024.private -noout -text 2>/dev/null |
    grep -q "Private-Key: (2048 bit"'
up=$(field "upload string")
zone=$(field "DNS record (zone-file")
assert "genkey rsa: keys/s2024.txt holds the printed record" \
    eval '[ -n "$zone" ] && [ "$(cat keys/s2024.txt 2>/dev/null)" = "$zone" ]'
assert "genkey rsa: the upload string is the key file's DER" \
    eval '[ -n "$up" ] &&
    [ "$up" = "$(sed "1d;\$d" keys/s2024.private | tr -d "\n")" ]'
out2=$("$KEYTOOL" check keys/s2024.private --selector s2024 \
    --domain example.com --upload-string 2>/dev/null)
rc=$?
assert "genkey rsa: check accepts the new key, same record and upload" \
    eval '[ $rc = 0 ] && [ "$(out=$out2 field "DNS record")" = "$zone" ] &&
    [ "$(out=$out2 field "upload string")" = "$up" ]'
assert "genkey rsa: python3-dkim verifies mail signed with it against s2024.txt" \
    eval '$PY "$INTEROP" sign-verify keys/s2024.private keys/s2024.txt \
    >/dev/null 2>&1'
assert "genkey refuses to overwrite: exit 2, key unchanged" \
    eval 'cp keys/s2024.private before.pem &&
    ! "$KEYTOOL" genkey --selector s2024 --domain example.com --out keys \
    >/dev/null 2>&1 && cmp -s before.pem keys/s2024.private'
out=$("$KEYTOOL" genkey --selector k1024 --domain example.com --bits 1024 \
    --format pkcs8 --out keys 2>/dev/null)
assert "genkey --bits 1024 --format pkcs8: PKCS#8 RSA 1024 that check accepts" \
    eval 'head -n 1 keys/k1024.private | grep -q "BEGIN PRIVATE KEY" &&
    "$KEYTOOL" check keys/k1024.private 2>/dev/null |
    grep -q "^key: RSA 1024 bits"'
out=$("$KEYTOOL" genkey --selector ed1 --domain example.com --type ed25519 \
    --out keys 2>/dev/null)
rc=$?
assert "genkey --type ed25519: k=ed25519 record of 32 bytes, no upload" \
    eval '[ $rc = 0 ] && grep -q "k=ed25519; p=" keys/ed1.txt &&
    ! printf "%s\n" "$out" | grep -q "^upload string" &&
    [ "$(sed -n "s/.*p=\([^\"]*\).*/\1/p" keys/ed1.txt | openssl base64 -d -A |
    wc -c)" = 32 ]'
if "$KEYTOOL" sign --key keys/ed1.private --domain example.com \
    --selector ed1 msg.eml > signed-ed.eml 2>sign.err; then
	assert "genkey ed25519: python3-dkim verifies keytool's ed25519-sha256 signature" \
	    eval '$PY "$INTEROP" verify signed-ed.eml keys/ed1.txt >/dev/null 2>&1'
else
	fail "genkey ed25519: python3-dkim verifies keytool's ed25519-sha256 signature"
	sed 's/^/# /' sign.err
fi
assert "genkey --bits 4096: exit 2 (SES takes 1024 or 2048)" \
    [ "$(kt_rc genkey --selector x1 --domain example.com --bits 4096 --out keys)" = 2 ]
assert "genkey with an invalid selector: exit 2, no file" \
    eval '[ "$(kt_rc genkey --selector a_b --domain example.com --out keys)" = 2 ] &&
    [ ! -e keys/a_b.private ]'
assert "genkey without --domain: exit 2" \
    [ "$(kt_rc genkey --selector x1 --out keys)" = 2 ]
assert "genkey --type ed25519 --format pkcs1: exit 2" \
    [ "$(kt_rc genkey --selector x1 --domain example.com --type ed25519 --format pkcs1 --out keys)" = 2 ]

# --- record -----------------------------------------------------------------
want="v=DKIM1; k=rsa; p=$(pub_b64 r2048.p1.pem)"
for f in r2048.p1.pem r2048.p8.pem r2048.p1.der r2048.p1.b64 \
    r2048.p1.b64line pub.spki.pem pub.spki.der pub.p1.pem pub.spki.b64 \
    pub.spki.b64line pub.nohead.txt cert.pem crlf.pem bom.pem; do
	assert "record $f: TXT value of the public key" \
	    [ "$("$KEYTOOL" record --value "$f" 2>/dev/null)" = "$want" ]
done
assert "record --public: the one-line public key, no header or line breaks" \
    [ "$("$KEYTOOL" record --public pub.spki.pem 2>/dev/null)" = \
    "$(cat pub.spki.b64line)" ]
out=$("$KEYTOOL" record pub.spki.pem --selector s1 --domain example.com 2>/dev/null)
zone=$(field "DNS record")
assert "record --selector --domain: the zone-file line, as check prints it" \
    eval '[ -n "$zone" ] && [ "$zone" = "$("$KEYTOOL" check r2048.p1.pem $S \
    2>/dev/null | sed -n "/^DNS record/{n;p;q;}")" ]'
assert "record of an Ed25519 public key: k=ed25519, raw 32-byte key" \
    [ "$("$KEYTOOL" record --value ed.pub.pem 2>/dev/null)" = \
    "v=DKIM1; k=ed25519; p=$(openssl pkey -pubin -in ed.pub.pem -outform DER |
    tail -c 32 | openssl base64 -A)" ]
assert "record of an EC key: exit 1, says not-rsa" \
    eval '"$KEYTOOL" record ec.sec1.pem >/dev/null 2>rec.err; [ $? = 1 ] &&
    grep -q "not-rsa" rec.err'
assert "record of corrupt data: exit 1, says corrupt-der" \
    eval '"$KEYTOOL" record corrupt-tag.der >/dev/null 2>rec.err; [ $? = 1 ] &&
    grep -q "corrupt-der" rec.err'
assert "record of a missing file: exit 2" [ "$(kt_rc record nosuch.pem)" = 2 ]
assert "record --selector without --domain: exit 2" \
    [ "$(kt_rc record pub.spki.pem --selector s1)" = 2 ]

. "$top/tests/keytool/hostile.sh"

echo "1..$n"
[ "$failed" -eq 0 ]
