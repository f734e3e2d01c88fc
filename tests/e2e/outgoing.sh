# outgoing.sh - end-to-end scenarios for outgoing mail (issue 9): our own
# selectors checked in DNS, signatures already on outgoing mail verified,
# and SesRelay for a Postfix that relays to Amazon SES (bash, sourced by
# tests/e2e/run.sh after promises.sh)
#
# Uses run.sh's helpers (tap, check, setup, bail, sendp, delivered,
# verdict, hdrs, ...) and promises.sh's instance helpers (mconf, mstart,
# mlogf, mverdict; the arrays mport, sport, mpid).  Milter instances:
#   kw     keys sel1 (published), kmiss (no record), kmism (the record
#          holds another key), OnBadSignature reject; relays to smtp-sink
#   ttl    key kttl of ttl.example, a zone whose records live 2 s: the
#          record is deleted while the milter runs, then put back
#   ses    SesRelay yes, key sel1
#   sesrm  SesRelay yes, SesRelayRemoveEspSignatures yes, key sel1
# The smtpd ports of ses and sesrm (and sesctl: the main milter, without
# SesRelay, as the control) relay to sesstub.py, a small SMTP server that
# plays Amazon SES: it refuses a message already carrying a
# d=amazonses.com signature with SES's 554, and replaces Message-ID and
# Date as SES does before keeping the message.

ses_port= ses_pid=
out_zones=
ttl_zone_copy=

# ---------------------------------------------------------------- helpers

# settled_at QID - Postfix logged a delivery, deferral or bounce of QID
# (the SES stand-in refuses with 554: bounced)
settled_at() {
	[ -n "$1" ] && wait_for 30 settled "$1"
}

# at_ses QID - the file the SES stand-in kept of QID, once relayed there
at_ses() {
	settled_at "$1" && sent "$1" || return 1
	grep -a -l "(Postfix) with E\{0,1\}SMTPS\{0,1\}A\{0,1\} id $1.\{0,1\}\$" \
	    "$T"/ses/*.eml 2>/dev/null | head -1
}

# sig_of FILE D S - the DKIM-Signature of FILE with d=D and s=S
sig_of() {
	hdrs "$1" DKIM-Signature | grep -a -E "d=${2//./\\.}(;|$)" |
	    grep -a -E "s=$3(;|$)" | head -1
}

# htag SIG - the h= tag of a DKIM-Signature value, lower case, blanks out
htag() {
	printf '%s\n' "$1" | tr -d ' \t' | tr 'A-Z' 'a-z' |
	    grep -a -oE '(^|;)h=[^;]*' | sed 's/^;//'
}

# keylines NAME STATE - how many "key ... state=STATE" lines instance NAME
# logged for the key named by the regex in $kl_key (default any)
keylines() {
	local c
	c=$(grep -a -c -E "^[^ ]*: key d=${kl_key:-[^ ]*} .*state=$2 " \
	    "$(mlogf "$1")" 2>/dev/null)
	echo "${c:-0}"
}

# ttl_zone [WITH] - write ttl.example's zone (with the key record when
# WITH is given) to FILE $ttl_zone_copy and make nsd read it again
ttl_zone() {
	local f=$1
	{
		echo "\$TTL 2"
		echo "@ IN SOA ns.ttl.example. hostmaster.ttl.example. 1 3600 600 86400 2"
		echo "@ IN NS ns.ttl.example."
		echo "ns IN A 127.0.0.1"
		[ -n "${2:-}" ] && echo "kttl._domainkey IN TXT $(rsa_txt kttl)"
	} >"$f"
}

# ---------------------------------------------------------------- setup

# outgoing_keys - keys beside run.sh's (umask 077 is in force)
outgoing_keys() {
	local k
	for k in kmiss kmism kttl; do
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		    -out "$T/keys/$k.pem" 2>/dev/null ||
		    bail "openssl genpkey $k"
	done
}

# outgoing_zones - kmism's record holds the cust key; kmiss has none;
# ttl.example with 2 s TTLs (negative answers too); sets out_zones
outgoing_zones() {
	echo "kmism._domainkey IN TXT $(rsa_txt cust)" \
	    >>"$T/dns/example.com.zone"
	ttl_zone "$T/dns/ttl.example.zone" with
	out_zones="ttl.example=$T/dns/ttl.example.zone"
	# nsd_start copies it there; case (d) edits that copy
	ttl_zone_copy=$T/nsd/zone-ttl.example.db
}

# outgoing_milters - ports, the SES stand-in, then every instance
outgoing_milters() {
	local name
	set -- $(free_ports 10)
	[ $# -eq 10 ] || bail "find 10 free loopback ports"
	for name in kw ttl ses sesrm; do
		sport[$name]=$1 mport[$name]=$2
		shift 2
	done
	sport[sesctl]=$1 ses_port=$2

	mkdir -p "$T/ses"
	$PY "$here/sesstub.py" "$ses_port" "$T/ses" >"$T/ses.out" 2>&1 &
	ses_pid=$!
	wait_for 10 listening "$ses_port" ||
	    bail "sesstub.py (the SES stand-in) listens on 127.0.0.1:$ses_port"
	setup "sesstub.py plays Amazon SES on 127.0.0.1:$ses_port"

	[ -x "$MILTER" ] || return 0
	mkdir -p "$T/m/kw" "$T/m/ttl" "$T/m/ses"
	{
		printf 'sel1._domainkey.example.com\texample.com:sel1:%s\n' \
		    "$T/keys/sel1.pem"
		printf 'kmiss._domainkey.example.com\texample.com:kmiss:%s\n' \
		    "$T/keys/kmiss.pem"
		printf 'kmism._domainkey.example.com\texample.com:kmism:%s\n' \
		    "$T/keys/kmism.pem"
	} >"$T/m/kw/keytable"
	{
		printf 'miss@example.com\tkmiss._domainkey.example.com\n'
		printf 'mism@example.com\tkmism._domainkey.example.com\n'
		printf '*@example.com\tsel1._domainkey.example.com\n'
	} >"$T/m/kw/signingtable"
	printf 'kttl._domainkey.ttl.example\tttl.example:kttl:%s\n' \
	    "$T/keys/kttl.pem" >"$T/m/ttl/keytable"
	printf '*@ttl.example\tkttl._domainkey.ttl.example\n' \
	    >"$T/m/ttl/signingtable"
	printf 'sel1._domainkey.example.com\texample.com:sel1:%s\n' \
	    "$T/keys/sel1.pem" >"$T/m/ses/keytable"
	printf '*@example.com\tsel1._domainkey.example.com\n' \
	    >"$T/m/ses/signingtable"
	mconf kw "Socket=inet:${mport[kw]}@127.0.0.1" \
	    "KeyTable=$T/m/kw/keytable" \
	    "SigningTable=refile:$T/m/kw/signingtable" \
	    MultipleSignatures=no OnBadSignature=reject
	mconf ttl "Socket=inet:${mport[ttl]}@127.0.0.1" \
	    "KeyTable=$T/m/ttl/keytable" \
	    "SigningTable=refile:$T/m/ttl/signingtable"
	mconf ses "Socket=inet:${mport[ses]}@127.0.0.1" \
	    "KeyTable=$T/m/ses/keytable" \
	    "SigningTable=refile:$T/m/ses/signingtable" \
	    MultipleSignatures=no SesRelay=yes
	mconf sesrm "Socket=inet:${mport[sesrm]}@127.0.0.1" \
	    "KeyTable=$T/m/ses/keytable" \
	    "SigningTable=refile:$T/m/ses/signingtable" \
	    MultipleSignatures=no SesRelay=yes SesRelayRemoveEspSignatures=yes
	for name in kw ttl ses sesrm; do
		mstart "$name"
	done
}

# outgoing_master - master.cf lines: one smtpd per instance; ses, sesrm
# and sesctl (the main milter) relay to the SES stand-in
outgoing_master() {
	local name ses="-o content_filter=smtp:[127.0.0.1]:$ses_port"
	for name in kw ttl; do
		echo "127.0.0.1:${sport[$name]} inet n - n - - smtpd" \
		    "-o smtpd_milters=inet:127.0.0.1:${mport[$name]}"
	done
	for name in ses sesrm; do
		echo "127.0.0.1:${sport[$name]} inet n - n - - smtpd" \
		    "-o smtpd_milters=inet:127.0.0.1:${mport[$name]} $ses"
	done
	echo "127.0.0.1:${sport[sesctl]} inet n - n - - smtpd $ses"
}

# outgoing_cleanup - stop what outgoing_milters started besides the
# instances (promises_cleanup stops every mpid)
outgoing_cleanup() {
	stop_pid "$ses_pid"
}

# ---------------------------------------------------------------- scenarios

# (a), (b), (c): each key's state at start, in -n and in the verdict line
o_keys() {
	local log q f v rc
	log=$(mlogf kw)
	wait_for 10 eval '[ "$(grep -a -c "^[^ ]*: key d=example\.com " "$log")" -ge 3 ]'
	check "(keys a) the start log: key d=example.com s=sel1 state=published was=unknown" \
	    grep -a -q -E "key d=example\.com s=sel1 state=published was=unknown name=sel1\._domainkey\.example\.com( |$)" "$log"
	grep -a -E "key d=" "$log" | diag

	# (a) published
	mkmsg ka1 pub@example.com >"$T/msg/ka1"
	q=$(sendp "${sport[kw]}" ka1 "$T/msg/ka1" pub@example.com 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict kw "$q")
	check "(keys a) a published key: verdict=signed, signed1=d:example.com,s:sel1,a:rsa-sha256,key:published, no hint" \
	    eval 'has "$v" " verdict=signed " &&
	    has "$v" " signed1=d:example\.com,s:sel1,a:rsa-sha256,key:published( |$)" &&
	    ! has "$v" " hint="'
	check "(keys a) relayed with that signature, and python3-dkim verifies it against nsd" \
	    eval 'signed_by "${f:-/dev/null}" example.com sel1 &&
	    dkimpy_verify "$f"'
	printf 'verdict (a): %s\n' "$v" | diag

	# (b) missing
	check "(keys b) the start log: state=missing for kmiss, naming the record and the fix" \
	    grep -a -q -E "key d=example\.com s=kmiss state=missing was=unknown name=kmiss\._domainkey\.example\.com cause=\"TXT kmiss\._domainkey\.example\.com: NXDOMAIN[^\"]*\" fix=\"Publish the TXT record" "$log"
	"$MILTER" -n -c "$T/m/kw/milter.conf" >"$T/m/kw/n.out" \
	    2>"$T/m/kw/n.err"
	rc=$?
	check "(keys b) -n warns but succeeds (exit 0; a host may be offline)" \
	    test "$rc" -eq 0
	check "(keys b) -n prints the published key on stdout: key sel1._domainkey.example.com: published" \
	    grep -a -q ": key sel1\._domainkey\.example\.com: published$" \
	    "$T/m/kw/n.out"
	check "(keys b) -n names the missing selector and the fix: warning: key kmiss._domainkey.example.com: missing: cause=... fix=\"Publish ...\"" \
	    grep -a -q -E ": warning: key kmiss\._domainkey\.example\.com: missing: cause=\"TXT kmiss\._domainkey\.example\.com: NXDOMAIN[^\"]*\" fix=\"Publish the TXT record" \
	    "$T/m/kw/n.err"
	diag <"$T/m/kw/n.out"
	diag <"$T/m/kw/n.err"
	mkmsg kb1 miss@example.com >"$T/msg/kb1"
	q=$(sendp "${sport[kw]}" kb1 "$T/msg/kb1" miss@example.com 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict kw "$q")
	check "(keys b) a missing selector: signed1=d:example.com,s:kmiss,a:rsa-sha256,key:missing" \
	    eval 'has "$v" " verdict=signed " &&
	    has "$v" " signed1=d:example\.com,s:kmiss,a:rsa-sha256,key:missing( |$)"'
	check "(keys b) and the hint: receivers will fail signed1, the record kmiss._domainkey.example.com is missing" \
	    has "$v" ' hint="receivers will fail signed1: the key record kmiss\._domainkey\.example\.com is missing'
	check "(keys b) the mail is still relayed, signed with s=kmiss" \
	    signed_by "${f:-/dev/null}" example.com kmiss
	printf 'verdict (b): %s\n' "$v" | diag

	# (c) mismatch
	check "(keys c) the start log: state=mismatch for kmism, with cause and fix" \
	    grep -a -q -E "key d=example\.com s=kmism state=mismatch was=unknown name=kmism\._domainkey\.example\.com cause=\"published p= differs from the given key's public half .* fix=\"Publish the public half of the key you sign with" "$log"
	check "(keys c) -n names the mismatch: warning: key kmism._domainkey.example.com: mismatch" \
	    grep -a -q ": warning: key kmism\._domainkey\.example\.com: mismatch: cause=" \
	    "$T/m/kw/n.err"
	mkmsg kc1 mism@example.com >"$T/msg/kc1"
	q=$(sendp "${sport[kw]}" kc1 "$T/msg/kc1" mism@example.com 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict kw "$q")
	check "(keys c) a published key that is not ours: signed1=d:example.com,s:kmism,a:rsa-sha256,key:mismatch and the hint" \
	    eval 'has "$v" " signed1=d:example\.com,s:kmism,a:rsa-sha256,key:mismatch( |$)" &&
	    has "$v" " hint=\"receivers will fail signed1: the key record kmism\._domainkey\.example\.com does not hold this key \(key:mismatch\)"'
	check "(keys c) python3-dkim indeed fails that signature" \
	    eval '[ -n "$f" ] && ! dkimpy_verify "$f"'
	printf 'verdict (c): %s\n' "$v" | diag
}

# (d) the record deleted while the milter runs, then put back
o_ttl() {
	local log q v t0 t1 ms
	log=$(mlogf ttl)
	kl_key='ttl\.example'
	wait_for 10 eval '[ "$(keylines ttl published)" -ge 1 ]'
	check "(keys d) the start log: key d=ttl.example s=kttl state=published was=unknown" \
	    grep -a -q -E "key d=ttl\.example s=kttl state=published was=unknown " "$log"
	mkmsg kd1 user@ttl.example >"$T/msg/kd1"
	q=$(sendp "${sport[ttl]}" kd1 "$T/msg/kd1" user@ttl.example 127.0.0.1)
	v=$(mverdict ttl "$q")
	check "(keys d) before the deletion: signed1=d:ttl.example,s:kttl,a:rsa-sha256,key:published" \
	    has "$v" " signed1=d:ttl\.example,s:kttl,a:rsa-sha256,key:published( |$)"
	printf 'verdict (d, before): %s\n' "$v" | diag

	# delete the record (TTL 2 s; the milter looks again every 5 s,
	# KEYSTATE_TTL_MIN)
	ttl_zone "$ttl_zone_copy"
	touch -d '+1 second' "$ttl_zone_copy"
	[ -n "$nsd_pid" ] && kill -HUP "$nsd_pid"
	setup_step "(keys d) nsd reloads ttl.example without the record" \
	    wait_for 10 eval '! nsd_answers kttl._domainkey.ttl.example'
	t0=$(date +%s%N)
	wait_for 20 eval '[ "$(keylines ttl missing)" -ge 1 ]'
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	check "(keys d) the change is logged within the TTL (2 s, checked at least every 5 s): state=missing was=published after $ms ms" \
	    eval 'grep -a -q -E "key d=ttl\.example s=kttl state=missing was=published name=kttl\._domainkey\.ttl\.example cause=\"TXT kttl\._domainkey\.ttl\.example: NXDOMAIN" "$log" &&
	    [ "$ms" -le 10000 ]'
	grep -a "key d=ttl" "$log" | diag
	mkmsg kd2 user@ttl.example >"$T/msg/kd2"
	q=$(sendp "${sport[ttl]}" kd2 "$T/msg/kd2" user@ttl.example 127.0.0.1)
	v=$(mverdict ttl "$q")
	check "(keys d) after the deletion: signed1=d:ttl.example,s:kttl,a:rsa-sha256,key:missing and the hint" \
	    eval 'has "$v" " signed1=d:ttl\.example,s:kttl,a:rsa-sha256,key:missing( |$)" &&
	    has "$v" " hint=\"receivers will fail signed1: the key record kttl\._domainkey\.ttl\.example is missing"'
	printf 'verdict (d, after): %s\n' "$v" | diag
	# the other scenarios run while the record stays missing
	o_presigned
	o_ses
	# at least three more checks (every 5 s) while it stays missing
	while [ $((($(date +%s%N) - t1) / 1000000)) -lt 16000 ]; do
		sleep 1
	done
	ttl_zone "$ttl_zone_copy" with
	touch -d '+2 seconds' "$ttl_zone_copy"
	[ -n "$nsd_pid" ] && kill -HUP "$nsd_pid"
	setup_step "(keys d) nsd serves the record again" \
	    wait_for 10 nsd_answers kttl._domainkey.ttl.example
	wait_for 20 grep -a -q -E "key d=ttl\.example s=kttl state=published was=missing " "$log"
	check "(keys d) put back, the record is seen again: state=published was=missing (the checks went on)" \
	    grep -a -q -E "key d=ttl\.example s=kttl state=published was=missing " "$log"
	check "(keys d) the change to missing was logged exactly once, over $(((t1 - t0) / 1000000000 + 16)) s of checks every 5 s" \
	    eval '[ "$(keylines ttl missing)" -eq 1 ] &&
	    [ "$(grep -a -c "^[^ ]*: key d=ttl\.example " "$log")" -eq 3 ]'
	grep -a "key d=ttl" "$log" | diag
	kl_key=
}

# (e) outgoing mail already signed by another signer (python3-dkim)
o_presigned() {
	local q f v s r
	mkmsg ke1 user@example.com >"$T/msg/ke1.plain"
	$DKIMPY sign "$T/keys/cust.pem" example.com cust <"$T/msg/ke1.plain" \
	    >"$T/msg/ke1"
	q=$(sendp "${sport[kw]}" ke1 "$T/msg/ke1" user@example.com 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict kw "$q")
	s=$(sigfield "$v" 'example\.com')
	check "(presigned e) a valid signature: sig1=d:example.com,s:cust,a:rsa-sha256,role:author,result:pass beside signed1=...,key:published" \
	    eval 'has "$s" "^ sig1=d:example\.com,s:cust,a:rsa-sha256,role:author,result:pass$" &&
	    has "$v" " signed1=d:example\.com,s:sel1,a:rsa-sha256,key:published( |$)"'
	check "(presigned e) the verdict stays signed, action=accept" \
	    eval 'has "$v" " verdict=signed " && has "$v" " action=accept$"'
	check "(presigned e) relayed with both signatures, no Authentication-Results added on outgoing mail" \
	    eval '[ -n "$f" ] && [ "$(count_hdrs "$f" DKIM-Signature)" -eq 2 ] &&
	    [ -z "$(ours "$f")" ] && dkimpy_verify "$f"'
	printf 'verdict (e, valid): %s\n' "$v" | diag

	# the body changed after the application signed it
	sed 's/end-to-end test message/end-to-end test messagE/' "$T/msg/ke1" \
	    >"$T/msg/ke2"
	q=$(sendp "${sport[kw]}" ke2 "$T/msg/ke2" user@example.com 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict kw "$q")
	s=$(sigfield "$v" 'example\.com')
	check "(presigned e) a broken signature: sig1=...,s:cust,...,result:fail,reason:body-hash-mismatch beside signed1=...,key:published" \
	    eval 'has "$s" "^ sig1=d:example\.com,s:cust,a:rsa-sha256,role:author,result:fail,reason:body-hash-mismatch$" &&
	    has "$v" " signed1=d:example\.com,s:sel1,a:rsa-sha256,key:published( |$)"'
	check "(presigned e) with a hint on the body changed after signing" \
	    hasi "$v" ' hint="[^"]*body'
	check "(presigned e) outgoing: verdict=signed, no On* action (OnBadSignature reject is set): action=accept, relayed, no Authentication-Results" \
	    eval 'has "$v" " verdict=signed " && has "$v" " action=accept$" &&
	    [ -n "$f" ] && [ -z "$(ours "$f")" ]'
	printf 'verdict (e, broken): %s\n' "$v" | diag
	# the control: the same message from outside InternalHosts is
	# incoming, and OnBadSignature reject applies
	q=$(sendp "${sport[kw]}" ke3 "$T/msg/ke2" user@example.com 127.0.0.2)
	r=$(smtp_reply ke3)
	check "(presigned e) control: the same message from 127.0.0.2 (incoming) is rejected by OnBadSignature reject: \"$r\"" \
	    eval '[ -z "$q" ] && has "$r" "^550 5\.7\.20 "'
}

# (f) SesRelay: what SES will see
o_ses() {
	local q f v s h out rc
	# what we sign leaves out Message-ID and Date
	mkmsg sf1 user@example.com >"$T/msg/sf1"
	q=$(sendp "${sport[ses]}" sf1 "$T/msg/sf1" user@example.com 127.0.0.1)
	f=$(at_ses "$q")
	v=$(mverdict ses "$q")
	s=$(sig_of "${f:-/dev/null}" example.com sel1)
	h=$(htag "$s")
	check "(SES f) SesRelay: verdict=signed signed1=d:example.com,s:sel1,a:rsa-sha256,key:published" \
	    eval 'has "$v" " verdict=signed " &&
	    has "$v" " signed1=d:example\.com,s:sel1,a:rsa-sha256,key:published( |$)"'
	check "(SES f) our h= has From and Subject but no Message-ID, Date, Return-Path or Bounces-To: $h" \
	    eval 'has "$h" "^h=(.*:)?from(:|$)" && has "$h" "(:|=)subject(:|$)" &&
	    ! has "$h" "(:|=)(message-id|date|return-path|bounces-to)(:|$)"'
	check "(SES f) the SES stand-in replaced Message-ID and Date, and python3-dkim still verifies our signature" \
	    eval '[ -n "$f" ] && hdrs "$f" Message-ID | grep -a -q "@email\.amazonses\.com>" &&
	    dkimpy_verify "$f"'
	printf 'verdict (f, signed): %s\n' "$v" | diag
	# control: the main milter (no SesRelay) signs Message-ID and Date,
	# and what SES relays then fails
	q=$(sendp "${sport[sesctl]}" sf1c "$T/msg/sf1" user@example.com \
	    127.0.0.1)
	f=$(at_ses "$q")
	s=$(sig_of "${f:-/dev/null}" example.com sel1)
	check "(SES f) control: without SesRelay h= has Message-ID and Date, and after SES python3-dkim fails it" \
	    eval '[ -n "$f" ] && has "$(htag "$s")" "(:|=)message-id(:|$)" &&
	    has "$(htag "$s")" "(:|=)date(:|$)" && ! dkimpy_verify "$f"'

	# a message that already carries d=amazonses.com
	mkmsg sf2 user@example.com >"$T/msg/sf2.plain"
	$DKIMPY sign "$T/keys/ses1.pem" amazonses.com ses1 \
	    <"$T/msg/sf2.plain" >"$T/msg/sf2"
	q=$(sendp "${sport[ses]}" sf2 "$T/msg/sf2" user@example.com 127.0.0.1)
	v=$(mverdict ses "$q")
	check "(SES f) a d=amazonses.com signature on outgoing mail: sig1=d:amazonses.com,...,role:esp,result:pass beside signed1" \
	    eval 'has "$v" " sig1=d:amazonses\.com,s:ses1,a:rsa-sha256,role:esp,result:pass " &&
	    has "$v" " signed1=d:example\.com,s:sel1,a:rsa-sha256,key:published( |$)"'
	check "(SES f) the hint names SES's 554 Duplicate header 'DKIM-Signature' and SesRelayRemoveEspSignatures" \
	    eval 'has "$v" " hint=\"the message already carries a d=amazonses\.com signature: Amazon SES refuses it with .*554 Transaction failed: Duplicate header '"'"'DKIM-Signature'"'"'.*; set SesRelayRemoveEspSignatures yes\" action=accept$"'
	check "(SES f) and indeed the SES stand-in refuses it: 554 Transaction failed: Duplicate header 'DKIM-Signature'" \
	    eval 'settled_at "$q" && grep -a -q "$q: .*status=bounced .*554 Transaction failed: Duplicate header" "$T/pf/maillog"'
	printf 'verdict (f, 554 hint): %s\n' "$v" | diag

	# the same with SesRelayRemoveEspSignatures yes
	q=$(sendp "${sport[sesrm]}" sf3 "$T/msg/sf2" user@example.com 127.0.0.1)
	f=$(at_ses "$q")
	v=$(mverdict sesrm "$q")
	check "(SES f) SesRelayRemoveEspSignatures: removed1=d:amazonses.com,s:ses1,a:rsa-sha256 after signed1" \
	    eval 'has "$v" " signed1=d:example\.com,s:sel1,a:rsa-sha256,key:published removed1=d:amazonses\.com,s:ses1,a:rsa-sha256( |$)"'
	check "(SES f) and no \"example.com is not DKIM-signing\" hint: it just was signed for example.com" \
	    eval '[ -n "$v" ] && ! has "$v" "not DKIM-signing"'
	check "(SES f) relayed to SES without the d=amazonses.com signature: only ours, and python3-dkim verifies it" \
	    eval '[ -n "$f" ] && signed_by "$f" example.com sel1 &&
	    ! hdrs "$f" DKIM-Signature | grep -a -q "amazonses" && dkimpy_verify "$f"'
	printf 'verdict (f, removed): %s\n' "$v" | diag

	# an existing signature over Message-ID and Date
	mkmsg sf4 user@example.com >"$T/msg/sf4.plain"
	$DKIMPY sign "$T/keys/cust.pem" example.com cust \
	    <"$T/msg/sf4.plain" >"$T/msg/sf4"
	q=$(sendp "${sport[ses]}" sf4 "$T/msg/sf4" user@example.com 127.0.0.1)
	f=$(at_ses "$q")
	v=$(mverdict ses "$q")
	check "(SES f) an existing signature over Message-ID/Date: result:pass here, and a hint that SES rewrites those fields" \
	    eval 'has "$v" " sig1=d:example\.com,s:cust,a:rsa-sha256,role:author,result:pass " &&
	    has "$v" " hint=\"the d=example\.com signature covers a field Amazon SES adds or rewrites"'
	$DKIMPY verify "$dns_port" "${f:-/dev/null}" >"$T/dkimpy.sf4" 2>&1
	check "(SES f) which is right: after SES python3-dkim fails s=cust and passes our s=sel1" \
	    eval 'grep -a -q "d=example\.com s=cust .*result=fail" "$T/dkimpy.sf4" &&
	    grep -a -q "d=example\.com s=sel1 .*result=pass" "$T/dkimpy.sf4"'
	printf 'verdict (f, field hint): %s\n' "$v" | diag

	# -n refuses SignHeaders naming a field SES rewrites
	mconf sesbad "Socket=inet:${mport[ses]}@127.0.0.1" \
	    "KeyTable=$T/m/ses/keytable" \
	    "SigningTable=refile:$T/m/ses/signingtable" SesRelay=yes \
	    SignHeaders=From,Subject,Message-ID
	out=$("$MILTER" -n -c "$T/m/sesbad/milter.conf" 2>&1)
	rc=$?
	check "(SES f) -n refuses SesRelay yes with SignHeaders naming Message-ID" \
	    eval '[ $rc -ne 0 ] && has "$out" "SignHeaders names Message-ID"'
	printf '%s\n' "$out" | diag
	sed -i 's/^SignHeaders.*/SignHeaders\tFrom,Subject/' \
	    "$T/m/sesbad/milter.conf"
	check "(SES f) control: SignHeaders From,Subject with SesRelay yes is accepted" \
	    "$MILTER" -n -c "$T/m/sesbad/milter.conf"
}

# outgoing_run - every scenario above ((e) and (f) run inside (d), while
# its record stays deleted)
outgoing_run() {
	o_keys
	o_ttl
}
