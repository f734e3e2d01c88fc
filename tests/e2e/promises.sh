# promises.sh - end-to-end scenarios for what the README and the man
# pages promise (bash, sourced by tests/e2e/run.sh)
#
# Uses run.sh's helpers (tap, check, setup, bail, sendp, delivered,
# verdict, hdrs, ...) and variables (T, MILTER, PY, DKIMPY, dns_port, ...).
# Each scenario runs against a milter instance of its own (its own
# configuration, log and socket) behind an smtpd port of its own in the
# suite's Postfix (master.cf "-o smtpd_milters=..."), so that one
# scenario's settings cannot hide another's:
#   main  run.sh's milter: SMTP AUTH (an smtpd port with Cyrus SASL and a
#         sasldb), organizational-domain roles from the Public Suffix List,
#         \xNN escaping in the verdict line
#   err   verdict=error with OnInternalError accept
#   hup   SIGHUP: a new key takes effect, a session and a message in
#         progress go on, a failed reload keeps the running settings
#   tf rj every On* action as tempfail, as reject: Postfix's SMTP replies
# err, tf and rj run with the fault injection of tests/lib/failhdr.c
# (LD_PRELOAD, test harness only): libmilter's smfi_insheader fails for a
# field holding "header.s=e2efault", i.e. the Authentication-Results of a
# message signed with the selector e2efault, and for nothing else, so
# that one message meets an internal error and the positive controls
# sent to the same instance pass.  Real input can no longer provoke one.
#   s     Mode s: signed, unsigned, skipped
#   max   MaxSignatures 2
#   slow  Nameservers is a UDP socket that never answers: the key lookups
#         of one message run in parallel
#   sys   Syslog yes, SyslogFacility local3; the milter runs in a private
#         mount namespace whose /dev/log is the suite's datagram socket
#   unix  Socket unix:PATH, Postfix's smtpd_milters = unix:PATH
# A scenario's positive control (the same message where the promise says
# it is treated otherwise) runs in the same suite run.

declare -A mport sport mpid
minst_names="hup err tf rj s max slow sys unix"
FAILHDR=${FAILHDR:-$top/build/tests/lib/failhdr.so}
fault_sel=e2efault
auth_port= silent_port= silent_pid= logsink_pid=
promise_zones=
sasl_pw=e2e-secret-$$

# ---------------------------------------------------------------- helpers

# mlogf NAME - the log (stderr) of instance NAME
mlogf() {
	echo "$T/m/$1/milter.log"
}

# mverdict NAME QID - the verdict line of QID in instance NAME's log
mverdict() {
	verdict "$2" "$(mlogf "$1")" "${mpid[$1]:-}"
}

# nverdicts NAME - how many verdict lines instance NAME logged so far
nverdicts() {
	local c
	c=$(grep -a -c ' verdict=' "$(mlogf "$1")" 2>/dev/null)
	echo "${c:-0}"
}

# new_verdict NAME BEFORE - the first verdict line after the first
# BEFORE ones (waits up to 10 s for it); for refused mail, which has no
# queue id in swaks' transcript
new_verdict() {
	local nv_log nv_before=$2
	nv_log=$(mlogf "$1")
	alive "${mpid[$1]:-}" || return 1
	wait_for 10 eval \
	    '[ "$(grep -a -c " verdict=" "$nv_log")" -gt "$nv_before" ]' ||
	    return 1
	grep -a ' verdict=' "$nv_log" | sed -n "$((nv_before + 1))p"
}

# mconf NAME OPTION=VALUE... - $T/m/NAME/milter.conf: the suite's
# configuration with these options replaced or added
mconf() {
	local name=$1 d=$T/m/$1 o re=
	shift
	mkdir -p "$d"
	for o in "$@"; do re="$re|${o%%=*}"; done
	grep -a -v -i -E "^(${re#|})[[:space:]]" "$T/milter.conf" \
	    >"$d/milter.conf"
	for o in "$@"; do
		printf '%s\t%s\n' "${o%%=*}" "${o#*=}" >>"$d/milter.conf"
	done
}

# nswrap DIR CMD... - exec CMD in a private mount namespace whose /dev is
# a fresh tmpfs holding the usual devices and /dev/log -> DIR/log.sock;
# nothing outside the namespace changes.  It replaces the calling
# (sub)shell, so that $! of "nswrap ... &" is CMD's process id.
nswrap() {
	exec unshare -m --propagation private sh -c '
	d=$1
	shift
	mkdir -p "$d/odev" && mount --rbind /dev "$d/odev" &&
	    mount -t tmpfs -o mode=755 tmpfs /dev || exit 97
	for n in null zero full random urandom tty; do
		[ -e "$d/odev/$n" ] || continue
		: >"/dev/$n" && mount --bind "$d/odev/$n" "/dev/$n" || exit 97
	done
	for n in fd stdin stdout stderr; do cp -P "$d/odev/$n" /dev/; done
	mkdir /dev/pts /dev/shm && ln -s "$d/log.sock" /dev/log || exit 97
	exec "$@"' nswrap "$@"
}

# mstart NAME [WRAPPER...] - start instance NAME; one test: it serves
mstart() {
	local name=$1 d=$T/m/$1 sock
	shift
	sock=$(sed -n 's/^Socket[[:space:]]*//p' "$d/milter.conf")
	"$@" "$MILTER" -f -c "$d/milter.conf" >"$d/milter.out" \
	    2>"$d/milter.log" &
	mpid[$name]=$!
	case $sock in
	unix:*)	wait_for 10 test -S "${sock#unix:}" ;;
	*)	wait_for 10 listening "${mport[$name]}" ;;
	esac
	if [ $? -eq 0 ] && alive "${mpid[$name]}"; then
		tap 0 "dkimlens-milter ($name) serves on $sock"
	else
		tap 1 "dkimlens-milter ($name) serves on $sock"
		diag <"$d/milter.log"
	fi
}

# signed_by FILE D S... - FILE's DKIM-Signature fields: one with d=D for
# each selector S given, and no other
signed_by() {
	local f=$1 d=$2 sigs s
	shift 2
	sigs=$(hdrs "$f" DKIM-Signature)
	[ "$(printf '%s\n' "$sigs" | grep -a -c .)" -eq $# ] || return 1
	for s in "$@"; do
		printf '%s\n' "$sigs" | grep -a -E "d=${d//./\\.}(;|$)" |
		    grep -a -q -E "s=$s(;|$)" || return 1
	done
}

# elapsed_ms CMD... - run CMD (output to /dev/null), print milliseconds
elapsed_ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# ---------------------------------------------------------------- setup

# promises_keys - keys beside run.sh's (umask 077 is in force)
promises_keys() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$T/keys/sel3.pem" 2>/dev/null || bail "openssl genpkey sel3"
}

# promises_zones - sel3 and the fault-injection selector (the customer's
# key) in example.com; github.io (a public suffix of the PSL's private
# section) and web.de; sets promise_zones for nsd_start
promises_zones() {
	echo "sel3._domainkey IN TXT $(rsa_txt sel3)" \
	    >>"$T/dns/example.com.zone"
	echo "$fault_sel._domainkey IN TXT $(rsa_txt cust)" \
	    >>"$T/dns/example.com.zone"
	cat >"$T/dns/github.io.zone" <<EOF
\$TTL 300
@ IN SOA ns.github.io. hostmaster.github.io. 1 3600 600 86400 60
@ IN NS ns.github.io.
ns IN A 127.0.0.1
psl._domainkey.a IN TXT $(rsa_txt cust)
psl._domainkey.b IN TXT $(rsa_txt cust)
EOF
	cat >"$T/dns/web.de.zone" <<EOF
\$TTL 300
@ IN SOA ns.web.de. hostmaster.web.de. 1 3600 600 86400 60
@ IN NS ns.web.de.
ns IN A 127.0.0.1
psl._domainkey.news IN TXT $(rsa_txt cust)
EOF
	promise_zones="github.io=$T/dns/github.io.zone web.de=$T/dns/web.de.zone"
}

# promises_milters - ports, SASL, the silent DNS socket, the syslog
# socket, then every instance
promises_milters() {
	local name i=0
	set -- $(free_ports 20)
	[ $# -eq 20 ] || bail "find 20 free loopback ports"
	for name in $minst_names; do
		sport[$name]=$1 mport[$name]=$2
		shift 2
	done
	auth_port=$1 silent_port=$2

	# Cyrus SASL for the AUTH port: a sasldb that smtpd (as postfix)
	# reads; smtpd.conf in config_directory/sasl, where Debian's Postfix
	# looks (debian/patches/07_sasl_config), and cyrus_sasl_config_path
	# for the others
	command -v saslpasswd2 >/dev/null 2>&1 ||
	    bail "saslpasswd2 is installed (sasl2-bin; sh contrib/install-deps.sh)"
	mkdir -p "$T/pf/etc/sasl"
	cat >"$T/pf/etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $T/pf/etc/sasl/sasldb2
EOF
	printf '%s' "$sasl_pw" | saslpasswd2 -p -c -f "$T/pf/etc/sasl/sasldb2" \
	    -u e2e.test alice || bail "saslpasswd2 makes the sasldb"
	chown postfix "$T/pf/etc/sasl/sasldb2"
	setup "Cyrus sasldb with alice@e2e.test in $T/pf/etc/sasl"

	# a DNS server that never answers: a UDP socket nobody reads
	$PY -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(900)' "$silent_port" &
	silent_pid=$!
	wait_for 10 listening "$silent_port" udp ||
	    bail "a silent UDP socket on 127.0.0.1:$silent_port"
	setup "a silent DNS server (never answers) on 127.0.0.1:$silent_port"

	# the syslog socket, checked once from the namespace with logger
	mkdir -p "$T/m/sys"
	$PY "$here/logsink.py" "$T/m/sys/log.sock" "$T/m/sys/syslog" &
	logsink_pid=$!
	wait_for 10 test -e "$T/m/sys/log.sock.ready" ||
	    bail "logsink.py listens on $T/m/sys/log.sock"
	(nswrap "$T/m/sys" logger -p local3.info "dkimlens-e2e setup probe") ||
	    bail "a private mount namespace with /dev/log -> $T/m/sys/log.sock"
	wait_for 5 grep -a -q '^<158>.*dkimlens-e2e setup probe' \
	    "$T/m/sys/syslog" ||
	    bail "logger's line reaches $T/m/sys/log.sock as <158>"
	setup "syslog capture: /dev/log -> $T/m/sys/log.sock in a mount namespace"

	[ -x "$MILTER" ] || return 0
	if [ -f "$FAILHDR" ]; then
		tap 0 "fault injection $FAILHDR is built"
	else
		tap 1 "fault injection $FAILHDR is built (make tests)"
	fi
	mkdir -p "$T/m/hup"
	printf 'sel1._domainkey.example.com\texample.com:sel1:%s\n' \
	    "$T/keys/sel1.pem" >"$T/m/hup/keytable"
	printf '*@example.com\tsel1._domainkey.example.com\n' \
	    >"$T/m/hup/signingtable"
	mconf hup "Socket=inet:${mport[hup]}@127.0.0.1" \
	    "KeyTable=$T/m/hup/keytable" \
	    "SigningTable=refile:$T/m/hup/signingtable" \
	    "MultipleSignatures=no"
	# a fallback to another action than OnInternalError would show
	mconf err "Socket=inet:${mport[err]}@127.0.0.1" \
	    OnBadSignature=reject OnDNSError=reject \
	    OnNoSignature=reject OnInternalError=accept
	mconf tf "Socket=inet:${mport[tf]}@127.0.0.1" \
	    OnBadSignature=tempfail OnDNSError=tempfail \
	    OnNoSignature=tempfail OnInternalError=tempfail
	mconf rj "Socket=inet:${mport[rj]}@127.0.0.1" \
	    OnBadSignature=reject OnDNSError=reject \
	    OnNoSignature=reject OnInternalError=reject
	mconf s "Socket=inet:${mport[s]}@127.0.0.1" Mode=s
	mconf max "Socket=inet:${mport[max]}@127.0.0.1" MaxSignatures=2
	mconf slow "Socket=inet:${mport[slow]}@127.0.0.1" \
	    "Nameservers=127.0.0.1:$silent_port" DNSTimeout=1
	mconf sys "Socket=inet:${mport[sys]}@127.0.0.1" Syslog=yes \
	    SyslogFacility=local3
	mconf unix "Socket=unix:$T/m/unix/milter.sock" UMask=000
	for name in $minst_names; do
		case $name in
		sys)		mstart sys nswrap "$T/m/sys" ;;
		err|tf|rj)	mstart "$name" env "LD_PRELOAD=$FAILHDR" \
			    "DKIMLENS_FAILHDR=header.s=$fault_sel" ;;
		*)		mstart "$name" ;;
		esac
	done
}

# promises_master - master.cf lines: one smtpd per instance, and the
# SMTP AUTH port (Cyrus SASL) with the main milter
promises_master() {
	local name spec
	for name in $minst_names; do
		spec=inet:127.0.0.1:${mport[$name]}
		[ "$name" = unix ] && spec=unix:$T/m/unix/milter.sock
		echo "127.0.0.1:${sport[$name]} inet n - n - - smtpd" \
		    "-o smtpd_milters=$spec"
	done
	echo "127.0.0.1:$auth_port inet n - n - - smtpd" \
	    "-o smtpd_sasl_auth_enable=yes -o smtpd_sasl_type=cyrus" \
	    "-o smtpd_sasl_path=smtpd" \
	    "-o smtpd_sasl_security_options=noanonymous"
}

# promises_cleanup - stop what promises_milters started
promises_cleanup() {
	local name
	for name in "${!mpid[@]}"; do
		stop_pid "${mpid[$name]}"
	done
	stop_pid "$silent_pid"
	stop_pid "$logsink_pid"
}

# ---------------------------------------------------------------- scenarios

# 1. SMTP AUTH: a client outside InternalHosts that authenticated is
# signed for; without AUTH the same client's mail is only verified.
p_auth() {
	local q f v
	mkmsg auth1 user@example.com >"$T/msg/auth1"
	q=$(sendp "$auth_port" auth1 "$T/msg/auth1" user@example.com \
	    127.0.0.2 --auth PLAIN --auth-user alice@e2e.test \
	    --auth-password "$sasl_pw")
	f=$(delivered "$q")
	check "(auth) AUTH PLAIN as alice from 127.0.0.2 (outside InternalHosts): 235, and the message is delivered" \
	    eval 'grep -a -q "^<- *235 " "$T/swaks.auth1" && [ -n "$f" ]'
	check "(auth) the authenticated client's mail is signed: d=example.com, s=sel1 and s=sel2ed" \
	    signed_by "${f:-/dev/null}" example.com sel1 sel2ed
	check "(auth) python3-dkim verifies both signatures" \
	    dkimpy_verify "${f:-/dev/null}"
	v=$(verdict "$q")
	check "(auth) verdict line: verdict=signed" has "$v" " verdict=signed "
	mkmsg auth2 user@example.com >"$T/msg/auth2"
	q=$(sendp "$auth_port" auth2 "$T/msg/auth2" user@example.com 127.0.0.2)
	f=$(delivered "$q")
	v=$(verdict "$q")
	check "(auth) the same client without AUTH is not signed for: no DKIM-Signature, verdict=none" \
	    eval '[ -n "$f" ] && [ "$(count_hdrs "$f" DKIM-Signature)" -eq 0 ] &&
	    has "$v" " verdict=none " && ! has "$v" " signed[0-9]+="'
	printf '%s\n' "$v" | diag
}

# 10. Organizational domains from the Public Suffix List, and \xNN.
p_psl() {
	local q f v s
	mkmsg psl1 x@a.github.io >"$T/msg/psl1.plain"
	$DKIMPY sign "$T/keys/cust.pem" a.github.io psl \
	    <"$T/msg/psl1.plain" >"$T/msg/psl1"
	q=$(send psl1 "$T/msg/psl1" x@a.github.io 127.0.0.2)
	v=$(verdict "$q")
	s=$(sigfield "$v" 'a\.github\.io')
	check "(PSL) d=a.github.io on From a.github.io: role:author result:pass, verdict=pass (control)" \
	    eval 'has "$s" "role:author" && has "$s" "result:pass" &&
	    has "$v" " verdict=pass "'
	mkmsg psl2 x@a.github.io >"$T/msg/psl2.plain"
	$DKIMPY sign "$T/keys/cust.pem" b.github.io psl \
	    <"$T/msg/psl2.plain" >"$T/msg/psl2"
	q=$(send psl2 "$T/msg/psl2" x@a.github.io 127.0.0.2)
	v=$(verdict "$q")
	s=$(sigfield "$v" 'b\.github\.io')
	check "(PSL) d=b.github.io on From a.github.io (github.io is a public suffix): role:third-party, verdict=third-party" \
	    eval 'has "$s" "role:third-party" && has "$s" "result:pass" &&
	    has "$v" " verdict=third-party "'
	printf '%s\n' "$v" | diag
	mkmsg psl3 x@web.de >"$T/msg/psl3.plain"
	$DKIMPY sign "$T/keys/cust.pem" news.web.de psl \
	    <"$T/msg/psl3.plain" >"$T/msg/psl3"
	q=$(send psl3 "$T/msg/psl3" x@web.de 127.0.0.2)
	v=$(verdict "$q")
	s=$(sigfield "$v" 'news\.web\.de')
	check "(PSL) d=news.web.de on From web.de (one organizational domain): role:author, verdict=pass" \
	    eval 'has "$s" "role:author" && has "$s" "result:pass" &&
	    has "$v" " verdict=pass "'

	# A d= with an 8-bit byte, an s= and a From domain with a control
	# byte (no domain name: no author domain, from="")
	{
		printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;'
		printf ' d=ex\344mple.com; s=sel\001x; h=from; bh=AAAA; b=AAAA\r\n'
		mkmsg esc1 $'x@ctl.ex\001mple.com'
	} >"$T/msg/esc1"
	q=$(send esc1 "$T/msg/esc1" news@example.com 127.0.0.2)
	v=$(verdict "$q")
	check "(escape) verdict line: sig1's 8-bit d= byte is \\xe4 and s= control byte \\x01; reason too" \
	    eval 'has "$v" " sig1=d:ex\\\\xe4mple\\.com,s:sel\\\\x01x," &&
	    has "$v" " reason=\"[^\"]*d=ex\\\\xe4mple\\.com"'
	check "(escape) verdict line: a From domain with a control byte is no author domain: from=\"\"" \
	    has "$v" ' from="" '
	check "(escape) verdict line: no byte outside printable ASCII" \
	    eval '[ -n "$v" ] && ! printf "%s" "$v" | LC_ALL=C grep -a -q "[^ -~]"'
	printf '%s\n' "$v" | diag
	# A From address with a control and an 8-bit byte is no parsable
	# address (lib/from.c): nothing of it is echoed, the note says so.
	# The a= of the DKIM-Signature it carries (verified: outgoing mail
	# without a key) is echoed, escaped, in sig1_detail.
	{
		printf 'DKIM-Signature: v=1; a=rsa\001sha\351; c=relaxed/relaxed;'
		printf ' d=example.com; s=sel1; h=from; bh=AAAA; b=AAAA\r\n'
		mkmsg esc2 $'x\001y\351@other.example'
	} >"$T/msg/esc2"
	q=$(send esc2 "$T/msg/esc2" news@example.com 127.0.0.1)
	v=$(verdict "$q")
	check "(escape) verdict line: a From address with control and 8-bit bytes is named unparsable in note=, and nothing of it is echoed" \
	    eval 'has "$v" " note=\"[^\"]*From does not hold one parsable address" &&
	    ! has "$v" "x\\\\x01y|other\\.example"'
	check "(escape) verdict line: sig1_detail names a= with its control and 8-bit bytes as \\x01 and \\xe9" \
	    has "$v" ' sig1_detail="a=rsa\\x01sha\\xe9"'
	check "(escape) verdict line (esc2): no byte outside printable ASCII" \
	    eval '[ -n "$v" ] && ! printf "%s" "$v" | LC_ALL=C grep -a -q "[^ -~]"'
	printf '%s\n' "$v" | diag
}

# fault_msg ID - $T/msg/ID: a message from news@example.com signed with the
# customer's key under the selector e2efault (published: it passes), whose
# Authentication-Results the fault injection refuses to insert
fault_msg() {
	mkmsg "$1" news@example.com >"$T/msg/$1.plain"
	$DKIMPY sign "$T/keys/cust.pem" example.com "$fault_sel" \
	    <"$T/msg/$1.plain" >"$T/msg/$1"
}

# error_reason LINE - the verdict line of a failed Authentication-Results
# insertion: verdict=error, the reason names it
error_reason() {
	has "$1" " verdict=error " &&
	    has "$1" ' reason="smfi_insheader Authentication-Results: failed"'
}

# 4. verdict=error (OnInternalError accept): the mail still goes through.
p_error() {
	local q f v log
	log=$(mlogf err)
	fault_msg err1
	q=$(send err1main "$T/msg/err1" news@example.com 127.0.0.2)
	v=$(verdict "$q")
	check "(error) control: without fault injection (main milter) the s=$fault_sel message passes" \
	    eval 'has "$v" " verdict=pass " &&
	    has "$v" " sig1=d:example\.com,s:$fault_sel,[^ ]*result:pass"'
	q=$(sendp "${sport[err]}" err-pass "$T/msg/b1" news@example.com \
	    127.0.0.2)
	f=$(delivered "$q")
	v=$(mverdict err "$q")
	check "(error) control: the err instance passes a message the fault does not hit: verdict=pass, action=accept, Authentication-Results added" \
	    eval '[ -n "$f" ] && [ -n "$(ours "$f")" ] &&
	    has "$v" " verdict=pass " && has "$v" " action=accept$"'
	q=$(sendp "${sport[err]}" err1 "$T/msg/err1" news@example.com \
	    127.0.0.2)
	f=$(delivered "$q")
	v=$(mverdict err "$q")
	check "(error) smfi_insheader fails for the Authentication-Results (injected, logged by failhdr)" \
	    grep -a -q "^failhdr: smfi_insheader Authentication-Results refused" \
	    "$log"
	check "(error) verdict line: verdict=error, reason names the failed smfi_insheader, action=accept (OnInternalError; the other On* are reject)" \
	    eval 'error_reason "$v" && has "$v" " action=accept$"'
	check "(error) the message is delivered (OnInternalError accept), with no Authentication-Results of ours" \
	    eval '[ -n "$f" ] && [ -z "$(ours "$f")" ]'
	printf '%s\n' "$v" | diag
}

# 4. Mode s: signed, unsigned (no key), skipped (incoming); no verifying.
p_mode_s() {
	local q f v
	mkmsg ms1 user@example.com >"$T/msg/ms1"
	q=$(sendp "${sport[s]}" ms1 "$T/msg/ms1" user@example.com 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict s "$q")
	check "(Mode s) outgoing mail with a key is signed: verdict=signed, s=sel1 and s=sel2ed" \
	    eval 'has "$v" " verdict=signed " &&
	    signed_by "${f:-/dev/null}" example.com sel1 sel2ed'
	mkmsg ms2 user@other.example >"$T/msg/ms2"
	q=$(sendp "${sport[s]}" ms2 "$T/msg/ms2" user@other.example 127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict s "$q")
	check "(Mode s) outgoing mail without a key: verdict=unsigned, nothing signed, no Authentication-Results" \
	    eval '[ -n "$f" ] && has "$v" " verdict=unsigned " &&
	    [ "$(count_hdrs "$f" DKIM-Signature)" -eq 0 ] && [ -z "$(ours "$f")" ]'
	printf '%s\n' "$v" | diag
	q=$(sendp "${sport[s]}" ms3 "$T/msg/b1" news@example.com 127.0.0.2)
	f=$(delivered "$q")
	v=$(mverdict s "$q")
	check "(Mode s) incoming mail: verdict=skipped, not verified (no Authentication-Results), not signed" \
	    eval '[ -n "$f" ] && has "$v" " verdict=skipped " &&
	    [ "$(count_hdrs "$f" DKIM-Signature)" -eq 2 ] && [ -z "$(ours "$f")" ]'
	printf '%s\n' "$v" | diag
}

# 3. The On* actions as tempfail (tf) and reject (rj): Postfix's reply.
p_actions() {
	local inst code cls what b q r v msg want opt
	mkmsg act_none news@example.com >"$T/msg/act_none"
	mkmsg act_dns.plain news@dnsfail.example >"$T/msg/act_dns.plain"
	# nsd does not serve dnsfail.example: REFUSED, a temporary failure
	$DKIMPY sign "$T/keys/cust.pem" dnsfail.example cust \
	    <"$T/msg/act_dns.plain" >"$T/msg/act_dns"
	fault_msg act_int
	for inst in tf rj; do
		if [ $inst = tf ]; then code=451 cls=4; else code=550 cls=5; fi
		# the positive control: a message that passes is accepted
		q=$(sendp "${sport[$inst]}" "$inst-pass" "$T/msg/b1" \
		    news@example.com 127.0.0.2)
		v=$(mverdict $inst "$q")
		check "($inst) a passing message is still accepted: verdict=pass action=accept" \
		    eval '[ -n "$q" ] && has "$v" " verdict=pass " &&
		    has "$v" " action=accept$"'
		for what in bad dns none int; do
			case $what in
			bad)	msg=d1 opt=OnBadSignature
				want="$code $cls.7.20 DKIM: no valid signature \\(From domain example\\.com\\)" ;;
			dns)	msg=act_dns opt=OnDNSError
				if [ $cls = 4 ]; then
					want="451 4.4.3 DKIM: key lookup failed \\(From domain dnsfail\\.example\\)"
				else
					want="550 5.7.20 DKIM: key lookup failed \\(From domain dnsfail\\.example\\)"
				fi ;;
			none)	msg=act_none opt=OnNoSignature
				want="$code $cls.7.20 DKIM: no signature" ;;
			int)	msg=act_int opt=OnInternalError
				want="$code $cls.3.0 DKIM: internal error" ;;
			esac
			b=$(nverdicts $inst)
			q=$(sendp "${sport[$inst]}" "$inst-$what" "$T/msg/$msg" \
			    news@example.com 127.0.0.2)
			r=$(smtp_reply "$inst-$what")
			v=$(new_verdict $inst "$b")
			check "($inst) $opt $([ $cls = 4 ] && echo tempfail || echo reject): Postfix replies \"$r\"" \
			    eval '[ -z "$q" ] && has "$r" "^$want"'
			check "($inst) $opt: the verdict line says action=$([ $cls = 4 ] && echo tempfail || echo reject)" \
			    has "$v" " action=$([ $cls = 4 ] && echo tempfail || echo reject)$"
			[ $what = int ] &&
			    check "($inst) $opt: the verdict line says verdict=error, naming the failed smfi_insheader" \
			    error_reason "$v"
			[ -n "$r" ] || tail -3 "$T/swaks.$inst-$what" | diag
			printf '%s\n' "$v" | cut -c1-300 | diag
		done
	done
}

# 8. MaxSignatures: the excess signatures are counted as ignored.
p_max() {
	local q v
	$DKIMPY sign "$T/keys/sel1.pem" example.com sel1 <"$T/msg/b1" \
	    >"$T/msg/max3"
	q=$(sendp "${sport[max]}" max3 "$T/msg/max3" news@example.com 127.0.0.2)
	v=$(mverdict max "$q")
	check "(MaxSignatures 2) 3 signatures: sig1 and sig2 checked, ignored=1, no sig3" \
	    eval 'has "$v" " sig1=d:example\.com,s:sel1,[^ ]*result:pass" &&
	    has "$v" " sig2=d:amazonses\.com,[^ ]*result:pass" &&
	    has "$v" " ignored=1 " && ! has "$v" " sig3="'
	printf '%s\n' "$v" | diag
	q=$(send max3main "$T/msg/max3" news@example.com 127.0.0.2)
	v=$(verdict "$q")
	check "(MaxSignatures default 8) the same 3 signatures are all checked, nothing ignored (control)" \
	    eval 'has "$v" " sig3=d:example\.com,s:cust,[^ ]*result:pass" &&
	    ! has "$v" " ignored="'
}

# 8. Key lookups in parallel: two silent selectors cost about one.
p_parallel() {
	local t1 t2 q v
	mkmsg par1 news@example.com >"$T/msg/par1.plain"
	$DKIMPY sign "$T/keys/cust.pem" example.com slowa \
	    <"$T/msg/par1.plain" >"$T/msg/par1"
	mkmsg par2 news@example.com >"$T/msg/par2.plain"
	$DKIMPY sign "$T/keys/cust.pem" example.com slowb \
	    <"$T/msg/par2.plain" >"$T/msg/par2.b"
	$DKIMPY sign "$T/keys/cust.pem" example.com slowc \
	    <"$T/msg/par2.b" >"$T/msg/par2"
	t1=$(elapsed_ms sendp "${sport[slow]}" par1 "$T/msg/par1" \
	    news@example.com 127.0.0.2)
	t2=$(elapsed_ms sendp "${sport[slow]}" par2 "$T/msg/par2" \
	    news@example.com 127.0.0.2)
	echo "# one silent selector: $t1 ms, two: $t2 ms (DNSTimeout 1 s)"
	q=$(sed -n 's/.*250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
	    "$T/swaks.par1" | tail -1)
	v=$(mverdict slow "$q")
	check "(parallel) one silent selector: verdict=dns-error after at least DNSTimeout ($t1 ms)" \
	    eval 'has "$v" " verdict=dns-error " && [ "$t1" -ge 1000 ]'
	q=$(sed -n 's/.*250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
	    "$T/swaks.par2" | tail -1)
	v=$(mverdict slow "$q")
	check "(parallel) two silent selectors: both temperror, verdict=dns-error" \
	    eval 'has "$v" " verdict=dns-error " &&
	    has "$v" " sig1=d:example\.com,s:slowc,[^ ]*result:temperror" &&
	    has "$v" " sig2=d:example\.com,s:slowb,[^ ]*result:temperror"'
	check "(parallel) two silent selectors cost about one: $t2 ms < 1.6 x $t1 ms" \
	    eval 'has "$v" " verdict=dns-error " && [ "$t1" -ge 1000 ] &&
	    [ $((t2 * 10)) -lt $((t1 * 16)) ]'
}

# 7. The verdict line reaches syslog with SyslogFacility (local3 = 19;
# info = 6: <158>).
p_syslog() {
	local q line
	mkmsg sys1 user@example.com >"$T/msg/sys1"
	q=$(sendp "${sport[sys]}" sys1 "$T/msg/sys1" user@example.com 127.0.0.1)
	[ -n "$q" ] && wait_for 10 grep -a -q "$q: verdict=" "$T/m/sys/syslog"
	line=$(grep -a "$q: verdict=" "$T/m/sys/syslog" 2>/dev/null | tail -1)
	check "(syslog) the verdict line reaches /dev/log at local3.info (<158>)" \
	    eval '[ -n "$q" ] && has "$line" "^<158>.*$q: verdict=signed "'
	check "(syslog) it is the line logged on stderr" \
	    eval '[ -n "$line" ] && grep -a -F -q "${line#*: }" "$T/m/sys/milter.log"'
	printf '%s\n' "${line:-(nothing)}" | diag
}

# 9. Socket unix:PATH with Postfix's smtpd_milters = unix:PATH.
p_unix() {
	local q f v
	mkmsg unix1 user@example.com >"$T/msg/unix1"
	q=$(sendp "${sport[unix]}" unix1 "$T/msg/unix1" user@example.com \
	    127.0.0.1)
	f=$(delivered "$q")
	v=$(mverdict unix "$q")
	check "(unix socket) Postfix reaches the milter at unix:$T/m/unix/milter.sock: signed, and python3-dkim verifies" \
	    eval 'has "$v" " verdict=signed " &&
	    signed_by "${f:-/dev/null}" example.com sel1 sel2ed && dkimpy_verify "$f"'
}

# 2. SIGHUP: a new key takes effect, a session and a message in progress
# go on (the message with the settings it began with), a failed reload
# keeps the running settings and is logged.
p_hup() {
	local d=$T/m/hup log q1 q2 q f f1 f2 v rc
	log=$(mlogf hup)
	mkdir -p "$d"
	mkmsg hup0 user@example.com >"$T/msg/hup0"
	q=$(sendp "${sport[hup]}" hup0 "$T/msg/hup0" user@example.com 127.0.0.1)
	f=$(delivered "$q")
	check "(HUP) before SIGHUP the hup instance signs with s=sel1" \
	    signed_by "${f:-/dev/null}" example.com sel1
	# a session whose message has begun (MAIL, RCPT) waits for the HUP
	mkmsg hup1 user@example.com >"$T/msg/hup1"
	mkmsg hup2 user@example.com >"$T/msg/hup2"
	rm -f "$d/ready" "$d/gate"
	$PY "$here/smtpstep.py" "${sport[hup]}" 127.0.0.1 user@example.com \
	    "$d/ready" "$d/gate" "$T/msg/hup1" "$T/msg/hup2" \
	    >"$d/step.out" 2>"$d/step.err" &
	local step=$!
	wait_for 20 test -e "$d/ready" ||
	    tap 1 "setup: smtpstep.py opens a session and begins a message"
	printf 'sel3._domainkey.example.com\texample.com:sel3:%s\n' \
	    "$T/keys/sel3.pem" >"$d/keytable"
	printf '*@example.com\tsel3._domainkey.example.com\n' \
	    >"$d/signingtable"
	[ -n "${mpid[hup]:-}" ] && kill -HUP "${mpid[hup]}" 2>/dev/null
	wait_for 10 grep -a -q "reloaded .*: 1 keys" "$log"
	check "(HUP) SIGHUP: the milter logs the reload" \
	    grep -a -q "reloaded $d/milter.conf: 1 keys" "$log"
	: >"$d/gate"
	wait "$step"
	rc=$?
	q1=$(sed -n 1p "$d/step.out") q2=$(sed -n 2p "$d/step.out")
	f1=$(delivered "$q1")
	f2=$(delivered "$q2")
	check "(HUP) the message begun before SIGHUP finishes with the old settings: s=sel1" \
	    eval '[ $rc -eq 0 ] && signed_by "${f1:-/dev/null}" example.com sel1'
	check "(HUP) the SMTP session (and milter connection) opened before SIGHUP goes on: its next message is signed with the new key s=sel3" \
	    eval '[ $rc -eq 0 ] && signed_by "${f2:-/dev/null}" example.com sel3'
	check "(HUP) python3-dkim verifies both" \
	    eval 'dkimpy_verify "${f1:-/dev/null}" && dkimpy_verify "${f2:-/dev/null}"'
	[ $rc -eq 0 ] || diag <"$d/step.err"
	mkmsg hup3 user@example.com >"$T/msg/hup3"
	q=$(sendp "${sport[hup]}" hup3 "$T/msg/hup3" user@example.com 127.0.0.1)
	f=$(delivered "$q")
	check "(HUP) a new session after SIGHUP: signed with s=sel3 only" \
	    signed_by "${f:-/dev/null}" example.com sel3
	# a broken configuration: the reload fails, the running one stays
	cp "$d/milter.conf" "$d/milter.conf.good"
	echo "NoSuchOption yes" >>"$d/milter.conf"
	[ -n "${mpid[hup]:-}" ] && kill -HUP "${mpid[hup]}" 2>/dev/null
	wait_for 10 grep -a -q "reload failed" "$log"
	check "(HUP) a reload of a broken configuration is logged as failed, naming file and line" \
	    grep -a -q -E "reload failed, keeping the running configuration: .*milter\.conf:[0-9]+: .*NoSuchOption" "$log"
	grep -a "reload failed" "$log" | diag
	mkmsg hup4 user@example.com >"$T/msg/hup4"
	q=$(sendp "${sport[hup]}" hup4 "$T/msg/hup4" user@example.com 127.0.0.1)
	f=$(delivered "$q")
	check "(HUP) after the failed reload the running settings stay: still signed with s=sel3" \
	    eval 'alive "${mpid[hup]:-}" && signed_by "${f:-/dev/null}" example.com sel3'
	cp "$d/milter.conf.good" "$d/milter.conf"
}

# promises_run - every scenario above
promises_run() {
	p_auth
	p_psl
	p_error
	p_mode_s
	p_actions
	p_max
	p_parallel
	p_syslog
	p_unix
	p_hup
}
