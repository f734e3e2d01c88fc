#!/bin/sh
# run.sh - DKIM interop both ways: dkimlens <-> python3-dkim, Mail::DKIM,
# OpenDKIM, with the keys served by nsd on loopback
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
#
# Usage (from the top of the tree): sh tests/interop/run.sh
# Prints TAP; exits 1 when a line is "not ok".  Uses $KEYTOOL (default
# build/dkimlens-keytool); starts nsd on 127.0.0.1 and stops it on exit;
# everything else lives in one mktemp -d directory, removed at the end
# unless INTEROP_KEEP is set (to look at the signed files and outputs).
#
# The matrix: keys rsa1024, rsa2048 (rsa-sha256) and ed25519
# (ed25519-sha256) x canonicalizations simple/simple, simple/relaxed,
# relaxed/simple, relaxed/relaxed x the messages of corpus.py.
#   1. dkimlens signs each combination; every peer that can verifies it
#      (one TAP line per combination, naming the peers).
#   2. every peer signs each combination it can; dkimlens verifies it
#      (one TAP line per combination, naming the signers).
#   3. copies with one body octet or one signed header changed fail in
#      dkimlens with the matching reason, and in every peer.
#   4. rsa-sha1 signatures and signatures by a 512-bit RSA key, which
#      peers without RFC 8301 checks pass, are never a pass in dkimlens.
#   Harness checks: each peer verifies what each other peer signed, so a
#   dkimlens failure is not a broken driver.
#
# What a peer cannot do is left out of the matrix (no line is emitted),
# each case checked by hand against the RFC:
#   Mail::DKIM 1.20230212 (Debian 12): no ed25519 at all.  With simple body
#     canonicalization it hashes a body whose last line has no CRLF as is,
#     where RFC 6376 3.4.3 says a CRLF is added (python3-dkim and OpenDKIM
#     add it), so no "nofinaleol" with simple body for it.
#   OpenDKIM 2.11.0~beta2: refuses a body without a final CRLF under
#     relaxed body canonicalization, signing ("no signature added: CRLF at
#     end of body missing") and verifying ("message not signed").  With
#     simple header canonicalization its test mode rebuilds each field as
#     "Name: " + value with the whitespace after the colon removed, so a
#     field like "X-A:\tv", "X-A:v" or "X-A:" followed by a fold (messages
#     trailws and folded) is hashed wrongly, signing and verifying.  Its
#     ed25519-sha256 signatures with simple header canonicalization verify
#     nowhere, not even in OpenDKIM (checked with pynacl against the RFC
#     8463 hash).
#   python3-dkim 1.1.4: no gap found.
set -u
export LC_ALL=C

top=${DKIMLENS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
KEYTOOL=${KEYTOOL:-$top/build/dkimlens-keytool}
here=$top/tests/interop
PY=/usr/bin/python3	# the pyenv python3 on PATH lacks python3-dkim
DOMAIN=example.com
KEYS="rsa1024 rsa2048 ed25519"
CANONS="simple/simple simple/relaxed relaxed/simple relaxed/relaxed"
PEERS="python perl opendkim"

. "$top/tests/lib/nsd.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/dkimlens-interop.XXXXXX") || exit 2
cleanup() {
	nsd_stop "$T/nsd"
	if [ -n "${INTEROP_KEEP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

n=0
nfail=0
# tap OK DESCRIPTION [DIAGNOSTIC] - print one TAP line (OK: 0 = ok)
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		nfail=$((nfail + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed '/^$/d; s/^/#   /'
	fi
}

# bail DESCRIPTION - the setup failed: one failing line, stop
bail() {
	tap 1 "$1"
	echo "1..$n"
	exit 1
}

# Name lookups without a subshell each (a fork costs ~10 ms on CI VMs).
declare -A NAME=([python]=python3-dkim [perl]=Mail::DKIM
    [opendkim]=OpenDKIM [dkimlens]=dkimlens [opendkim-testmsg]=opendkim-testmsg)
declare -A ALG=([rsa512]=rsa-sha256 [rsa1024]=rsa-sha256
    [rsa2048]=rsa-sha256 [ed25519]=ed25519-sha256)

# can ROLE PEER KEY CANON MSG - can PEER sign (ROLE sign) or verify (ROLE
# verify) this combination?  The gaps are explained at the top.
can() {
	case $2 in
	perl)
		[ "$3" = ed25519 ] && return 1
		[ "$5" = nofinaleol ] && [ "${4#*/}" = simple ] && return 1
		;;
	opendkim)
		[ "$5" = nofinaleol ] && [ "${4#*/}" = relaxed ] && return 1
		if [ "${4%/*}" = simple ]; then
			case $5 in trailws|folded) return 1 ;; esac
			[ "$1" = sign ] && [ "$3" = ed25519 ] && return 1
		fi
		;;
	esac
	return 0
}

# header_list FILE - the names of FILE's header fields, each instance, top
# to bottom, plus From once more (oversigned), colon-separated; what every
# signer is told to sign
header_list() {
	awk '{ sub(/\r$/, "") } /^$/ { exit }
	    /^[!-9;-~]+:/ {
		n = index($0, ":")
		printf "%s:", tolower(substr($0, 1, n - 1))
	    }
	    END { print "from" }' "$1"
}

# FN=KEY.HC-BC.MSG.eml, the file name of one combination
fn() {
	FN="$1.${2/\//-}.$3.eml"
}

# --- preconditions -------------------------------------------------------
[ -x "$KEYTOOL" ] || bail "dkimlens-keytool is built ($KEYTOOL)"
for t in nsd dig openssl opendkim opendkim-testmsg perl; do
	command -v "$t" >/dev/null 2>&1 || bail "$t is installed"
done
$PY -c 'import dkim, dns.resolver, nacl' 2>/dev/null ||
    bail "python3-dkim, python3-dnspython, python3-nacl are installed"
perl -MMail::DKIM::Verifier -MNet::DNS -e1 2>/dev/null ||
    bail "Mail::DKIM and Net::DNS are installed"

# --- keys, zone, nsd -----------------------------------------------------
mkdir -p "$T/keys" "$T/msgs" "$T/work" || bail "work directory"
for k in rsa512 rsa1024 rsa2048; do
	openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${k#rsa}" \
	    -out "$T/keys/$k.pem" 2>/dev/null || bail "openssl makes key $k"
done
openssl genpkey -algorithm ed25519 -out "$T/keys/ed25519.pem" 2>/dev/null ||
    bail "openssl makes key ed25519"
chmod 600 "$T"/keys/*.pem

# txt_rr NAME VALUE - a TXT record, VALUE split into 255-octet strings
txt_rr() {
	printf '%s IN TXT (' "$1"
	printf '%s' "$2" | fold -w 255 | sed 's/.*/ "&"/' | tr -d '\n'
	echo ' )'
}
{
	echo "\$ORIGIN $DOMAIN."
	echo "\$TTL 300"
	echo "@ IN SOA ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300"
	echo "@ IN NS ns.$DOMAIN."
	echo "ns IN A 127.0.0.1"
	for k in rsa512 rsa1024 rsa2048; do
		# p= is the base64 of the DER SubjectPublicKeyInfo
		p=$(openssl pkey -in "$T/keys/$k.pem" -pubout -outform DER |
		    base64 -w0)
		txt_rr "$k._domainkey" "v=DKIM1; k=rsa; p=$p"
	done
	# RFC 8463 4.2: p= is the raw 32-octet key, the tail of the SPKI DER
	p=$(openssl pkey -in "$T/keys/ed25519.pem" -pubout -outform DER |
	    tail -c 32 | base64 -w0)
	txt_rr "ed25519._domainkey" "v=DKIM1; k=ed25519; p=$p"
} >"$T/$DOMAIN.zone"
nsd_start_any "$T/nsd" 127.0.0.1 "$DOMAIN=$T/$DOMAIN.zone" 2>"$T/nsd.err" ||
    bail "nsd serves $DOMAIN on 127.0.0.1 ($(tr '\n' ' ' <"$T/nsd.err"))"
PORT=$NSD_PORT
ans=$(dig +short @127.0.0.1 -p "$PORT" TXT "rsa2048._domainkey.$DOMAIN")
case $ans in
*'v=DKIM1; k=rsa; p=MII'*) ;;
*) bail "nsd answers the rsa2048 selector TXT (got: $ans)" ;;
esac

# OpenDKIM's resolver is libunbound: a stub zone for $DOMAIN at nsd.
cat >"$T/unbound.conf" <<EOF
server:
	do-not-query-localhost: no
	module-config: "iterator"
	do-ip6: no
stub-zone:
	name: "$DOMAIN"
	stub-addr: 127.0.0.1@$PORT
EOF
cat >"$T/opendkim-verify.conf" <<EOF
Mode v
Syslog no
ResolverConfiguration $T/unbound.conf
MinimumKeyBits 1024
EOF

msgs=$($PY "$here/corpus.py" "$T/msgs") || bail "corpus.py writes messages"
msgs=${msgs//$'\n'/ }

# --- peer drivers --------------------------------------------------------
# RES[PEER|FILE] holds "RESULT<TAB>detail" of every peer verification.
declare -A RES
nverify=0

# peer_verify PEER FILE... - PEER verifies FILEs; results into RES
peer_verify() {
	local p=$1 out f r d
	shift
	[ $# -eq 0 ] && return
	nverify=$((nverify + 1))
	out=$T/verify.$nverify.$p
	case $p in
	python) $PY "$here/peer.py" verify "$PORT" 1024 "$@" ;;
	python512) $PY "$here/peer.py" verify "$PORT" 512 "$@" ;;
	perl) perl "$here/peer.pl" verify "$PORT" "$@" ;;
	opendkim) $PY "$here/odk.py" verify "$T/opendkim-verify.conf" "$@" ;;
	esac >"$out" 2>"$out.err"
	while IFS=$'\t' read -r f r d; do
		RES[$p|$f]="$r	$d"
	done <"$out"
}

# peer_sign PEER JOBS - PEER runs the sign JOBS; JOBS.log gets
# "OUT<TAB>ok" or "OUT<TAB>error<TAB>why" per job
peer_sign() {
	case $1 in
	python) $PY "$here/peer.py" sign "$2" ;;
	perl) perl "$here/peer.pl" sign "$2" ;;
	opendkim) $PY "$here/odk.py" sign "$T/work" "$2" ;;
	esac >"$2.log" 2>"$2.err"
}

# job FILE MSG KEY ALG CANON OUT - one sign job line onto FILE
job() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$T/msgs/$2.eml" "$6" \
	    "$T/keys/$3.pem" "$DOMAIN" "$3" "$4" "$5" >>"$1"
}

# kt_verify FILE KEY - dkimlens verifies FILE: KT_RC its exit status,
# KT_OUT its output on one line; KT_PASS=1 when it printed one line
# "dkim=pass ... header.d=$DOMAIN header.s=KEY header.a=ALG ... role=author"
kt_verify() {
	local lines l pat
	"$KEYTOOL" verify --nameserver "127.0.0.1:$PORT" "$1" >"$1.kt" 2>&1
	KT_RC=$?
	mapfile -t lines <"$1.kt"
	KT_OUT="${lines[*]} (exit $KT_RC)"
	KT_NSIG=0
	for l in "${lines[@]}"; do
		case $l in dkim=*) KT_NSIG=$((KT_NSIG + 1)) ;; esac
	done
	KT_PASS=0
	pat="dkim=pass * header.d=$DOMAIN header.s=$2 header.a=${ALG[$2]} *"
	# shellcheck disable=SC2254 # $pat is a glob on purpose
	case ${lines[0]:-} in
	$pat" role=author")
		[ "$KT_RC" -eq 0 ] && [ "$KT_NSIG" -eq 1 ] && KT_PASS=1 ;;
	esac
}

# ========================================================================
# 1. dkimlens signs, the peers verify
echo "# 1. dkimlens signs, the peers verify (at ${SECONDS}s)"
mkdir -p "$T/s/dkimlens"
declare -A SIGNERR
for m in $msgs; do
	hl=$(header_list "$T/msgs/$m.eml")
	for k in $KEYS; do for c in $CANONS; do
		fn "$k" "$c" "$m"
		f=$T/s/dkimlens/$FN
		"$KEYTOOL" sign --key "$T/keys/$k.pem" --domain "$DOMAIN" \
		    --selector "$k" --algorithm "${ALG[$k]}" --canon "$c" \
		    --headers "$hl" "$T/msgs/$m.eml" >"$f" 2>"$f.err"
		rc=$?
		read -r first <"$f"
		if [ $rc -ne 0 ] || [ -s "$f.err" ] ||
		    [ "${first#DKIM-Signature:}" = "$first" ]; then
			SIGNERR[$f]="dkimlens sign exit $rc: $(cat "$f.err")"
		fi
	done; done
done
for p in $PEERS; do
	set --
	for m in $msgs; do for k in $KEYS; do for c in $CANONS; do
		fn "$k" "$c" "$m"
		can verify "$p" "$k" "$c" "$m" && set -- "$@" "$T/s/dkimlens/$FN"
	done; done; done
	peer_verify "$p" "$@"
done
for k in $KEYS; do for c in $CANONS; do for m in $msgs; do
	fn "$k" "$c" "$m"
	f=$T/s/dkimlens/$FN
	ok=0 by='' bad='' diag=''
	if [ -n "${SIGNERR[$f]:-}" ]; then
		ok=1 bad=", sign failed" diag=${SIGNERR[$f]}
	fi
	for p in $PEERS; do
		can verify "$p" "$k" "$c" "$m" || continue
		by="$by, ${NAME[$p]}"
		r=${RES[$p|$f]:-no result}
		case $r in
		pass*) ;;
		*) ok=1 bad="$bad, not ${NAME[$p]}"
		   diag="$diag
${NAME[$p]}: $r" ;;
		esac
	done
	bad=${bad:+ -- FAILED:${bad#,}}
	tap $ok "dkimlens signs $k $c $m; verified by ${by#, }$bad" \
	    "$diag"
done; done; done

# dkimlens reads back what it signed
bad=
for k in $KEYS; do for c in $CANONS; do for m in $msgs; do
	fn "$k" "$c" "$m"
	kt_verify "$T/s/dkimlens/$FN" "$k"
	[ $KT_PASS -eq 1 ] || bad="$bad
$FN: $KT_OUT"
done; done; done
tap "$([ -z "$bad" ]; echo $?)" "dkimlens verifies its own signatures" "$bad"

# ========================================================================
# 2. the peers sign, dkimlens verifies
echo "# 2. the peers sign, dkimlens verifies (at ${SECONDS}s)"
for p in $PEERS; do
	mkdir -p "$T/s/$p"
	: >"$T/jobs.$p"
	for m in $msgs; do for k in $KEYS; do for c in $CANONS; do
		can sign "$p" "$k" "$c" "$m" || continue
		fn "$k" "$c" "$m"
		job "$T/jobs.$p" "$m" "$k" "${ALG[$k]}" "$c" "$T/s/$p/$FN"
	done; done; done
	peer_sign "$p" "$T/jobs.$p"
done
declare -A SIGNED
while IFS=$'\t' read -r f r d; do
	SIGNED[$f]="$r${d:+: $d}"
done < <(cat "$T"/jobs.*.log)
for k in $KEYS; do for c in $CANONS; do for m in $msgs; do
	fn "$k" "$c" "$m"
	ok=0 by='' bad='' diag=''
	for p in $PEERS; do
		can sign "$p" "$k" "$c" "$m" || continue
		f=$T/s/$p/$FN
		by="$by, ${NAME[$p]}"
		if [ "${SIGNED[$f]:-}" != ok ]; then
			ok=1 bad="$bad, ${NAME[$p]} (its signing failed)"
			diag="$diag
${NAME[$p]} sign: ${SIGNED[$f]:-no result}"
			continue
		fi
		kt_verify "$f" "$k"
		if [ $KT_PASS -ne 1 ]; then
			ok=1 bad="$bad, ${NAME[$p]}"
			diag="$diag
signed by ${NAME[$p]}: $KT_OUT"
		fi
	done
	bad=${bad:+ -- FAILED:${bad#,}}
	tap $ok "dkimlens verifies $k $c $m signed by ${by#, }$bad" \
	    "$diag"
done; done; done

# Harness: each peer verifies what the other peers signed.
for v in $PEERS; do
	set --
	for p in $PEERS; do
		[ "$p" = "$v" ] && continue
		for m in $msgs; do for k in $KEYS; do for c in $CANONS; do
			can sign "$p" "$k" "$c" "$m" || continue
			can verify "$v" "$k" "$c" "$m" || continue
			fn "$k" "$c" "$m"
			set -- "$@" "$T/s/$p/$FN"
		done; done; done
	done
	peer_verify "$v" "$@"
	for p in $PEERS; do
		[ "$p" = "$v" ] && continue
		total=0 bad=
		for f in "$@"; do
			case $f in "$T/s/$p/"*) ;; *) continue ;; esac
			total=$((total + 1))
			r=${RES[$v|$f]:-no result}
			case $r in pass*) ;; *) bad="$bad
${f#"$T"/s/}: $r" ;; esac
		done
		tap "$([ -z "$bad" ] && [ $total -gt 0 ]; echo $?)" \
		    "harness: ${NAME[$v]} verifies the $total signatures of ${NAME[$p]}" \
		    "$bad"
	done
done

# ========================================================================
# 3. tampered copies fail in dkimlens as in the peers
# corpus.py --mutate changes one body octet, or the signed Subject, of
# message "dup", which every peer handles in every canonicalization.
echo "# 3. tampered copies (at ${SECONDS}s)"
mkdir -p "$T/mut"
set --
for p in dkimlens $PEERS; do
	mkdir -p "$T/mut/$p"
	for k in rsa2048 ed25519; do for c in $CANONS; do
		[ "$p" = dkimlens ] || can sign "$p" "$k" "$c" dup || continue
		fn "$k" "$c" dup
		set -- "$@" "$p/$FN"
	done; done
done
for s in "$@"; do
	$PY "$here/corpus.py" --mutate "$T/mut/${s%%/*}" "$T/s/$s"
done 2>"$T/mutate.err"
for v in $PEERS; do
	files=()
	for s in "$@"; do
		IFS=. read -r k c _ <<<"${s#*/}"
		c=${c/-//}
		can verify "$v" "$k" "$c" dup &&
		    files+=("$T/mut/${s%%/*}/body.${s#*/}" \
		    "$T/mut/${s%%/*}/header.${s#*/}")
	done
	peer_verify "$v" "${files[@]}"
done
for s in "$@"; do
	p=${s%%/*}
	IFS=. read -r k c _ <<<"${s#*/}"
	c=${c/-//}
	for what in body header; do
		f=$T/mut/$p/$what.${s#*/}
		case $what in
		body) want='body hash mismatch' ;;
		header) want='signature did not verify' ;;
		esac
		ok=0 diag='' also=''
		if [ ! -f "$f" ]; then
			ok=1 diag="no $what change made: $(cat "$T/mutate.err")"
		else
			kt_verify "$f" "$k"
			case $KT_OUT in
			"dkim=fail ($want"*"(exit 1)") ;;
			*) ok=1 diag="dkimlens: $KT_OUT" ;;
			esac
		fi
		for v in $PEERS; do
			can verify "$v" "$k" "$c" dup || continue
			also="$also, ${NAME[$v]}"
			r=${RES[$v|$f]:-no result}
			case $r in
			fail*|invalid*) ;;
			*) ok=1 diag="$diag
${NAME[$v]} did not fail it: $r" ;;
			esac
		done
		d="$what-changed copy of dup ($k $c, signed by ${NAME[$p]})"
		tap $ok "$d fails in dkimlens ($want) and in ${also#, }" \
		    "$diag"
	done
done

# ========================================================================
# 4. RFC 8301: rsa-sha1, and RSA keys under 1024 bits, are never a pass
echo "# 4. RFC 8301 (at ${SECONDS}s)"
mkdir -p "$T/weak"
# signer  algorithm  key  canon
while read -r p a k c; do
	job "$T/jobs.weak.$p" crlf "$k" "$a" "$c" "$T/weak/$p.$a.$k.eml"
done <<EOF
python rsa-sha1 rsa2048 relaxed/relaxed
perl rsa-sha1 rsa2048 simple/simple
opendkim rsa-sha1 rsa1024 simple/relaxed
python rsa-sha256 rsa512 relaxed/relaxed
perl rsa-sha256 rsa512 simple/simple
opendkim rsa-sha256 rsa512 relaxed/simple
EOF
for p in $PEERS; do
	peer_sign "$p" "$T/jobs.weak.$p"
done
# opendkim-testmsg signs rsa-sha1 relaxed/simple only; -C: CRLF folds
opendkim-testmsg -C -d "$DOMAIN" -s rsa2048 -k "$T/keys/rsa2048.pem" \
    -t "$T/work" <"$T/msgs/crlf.eml" \
    >"$T/weak/opendkim-testmsg.rsa-sha1.rsa2048.eml" \
    2>"$T/jobs.weak.testmsg.log"
weak=("$T"/weak/*.eml)
# Each is sound but for RFC 8301: python3-dkim has no rsa-sha1 check and
# here takes minkey=512; Mail::DKIM with Strict applies RFC 8301.
peer_verify python512 "${weak[@]}"
peer_verify perl "${weak[@]}"
for f in "${weak[@]}"; do
	IFS=. read -r p a k _ <<<"${f##*/}"
	ok=0 diag=
	r=${RES[python512|$f]:-no result}
	case $r in
	pass*) ;;
	*) ok=1 diag="python3-dkim (minkey=512) did not pass it: $r" ;;
	esac
	r=${RES[perl|$f]:-no result}
	case $r in
	pass*) ok=1 diag="$diag
Mail::DKIM Strict passed it" ;;
	esac
	kt_verify "$f" "$k"
	case $KT_OUT in
	dkim=pass*) ok=1 ;;
	esac
	if [ "$KT_RC" -ne 1 ] || [ "$KT_NSIG" -ne 1 ]; then
		ok=1
	fi
	[ $ok -eq 0 ] || diag="$diag
dkimlens: $KT_OUT"
	case $a in
	rsa-sha1) why="rsa-sha1" ;;
	*) why="a ${k#rsa}-bit RSA key" ;;
	esac
	d="dkimlens does not pass $why signed by ${NAME[$p]} (RFC 8301),"
	d="$d nor does Mail::DKIM Strict; python3-dkim without the check"
	tap $ok "$d passes it" \
	    "$diag"
done
[ ${#weak[@]} -eq 7 ] && [ -s "${weak[0]}" ]
tap $? "all seven weak signatures were made (found ${#weak[@]})" \
    "$(cat "$T"/jobs.weak.*.log 2>/dev/null)"

echo "# done in ${SECONDS}s"
echo "1..$n"
[ "$nfail" -eq 0 ]
