#!/bin/sh
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
# run.sh - the Debian package, installed on this machine, signing for a
# chrooted Postfix; and OpenDKIM's configurations and keys, unchanged
#
#   sh tests/deb/run.sh            (from the repository top, as root)
#
# 0. make install / uninstall with PREFIX, SYSCONFDIR, DESTDIR.
# 1. `make deb`, lintian (no errors); its version is --version's.
# 2. apt-get install ./build/dkimlens_*.deb: files, owners and modes, the
#    conffiles, the dkimlens user, the enabled unit; dkimlens-milter -n
#    on the installed configuration.
# 3. OpenDKIM: Debian's stock /etc/opendkim.conf and a production one
#    (KeyTable, SigningTable, ExternalIgnoreList, InternalHosts files,
#    keys from opendkim-genkey) pass -n unchanged.
# 4. The admin's steps: an opendkim-genkey key in /etc/dkimlens/keys, one
#    line in each table.  /usr/sbin/dkimlens-milter runs as the unit runs
#    it (root, -f, the installed file; no systemd here, so by pid) and
#    makes its socket in /var/spool/postfix/dkimlens.  A Postfix instance
#    with its own config_directory and Debian's queue_directory
#    (/var/spool/postfix) runs smtpd chrooted there, as Debian does, with
#    smtpd_milters = unix:/dkimlens/dkimlens.sock; mail from loopback is
#    signed, delivered to smtp-sink, and python3-dkim verifies the
#    signature against the opendkim-genkey record.
# 5. apt-get remove keeps configuration, keys and user; apt-get purge
#    removes them.
# The package is purged and every process stopped at exit, whatever
# happened.  Prints TAP; exits 1 when a test failed.  Takes about 40 s.
set -u

top=${DKIMLENS_TOP:-$(pwd)}
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
SPOOL=/var/spool/postfix
SOCKDIR=$SPOOL/dkimlens
UNIT=/lib/systemd/system/dkimlens.service
WANTS=/etc/systemd/system/multi-user.target.wants/dkimlens.service

T=
milter_pid=
sink_pid=
postfix_up=
pid_before=

# tap, check, diag, bail, wait_for, alive, listening
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/lib/postfix.sh
. "$top/tests/lib/postfix.sh"

stop_pid() {
	[ -n "$1" ] || return 0
	alive "$1" || return 0
	kill "$1" 2>/dev/null
	wait_for 10 eval '! alive '"$1" && return 0
	kill -9 "$1" 2>/dev/null
	wait_for 2 eval '! alive '"$1"
}

# mode PATH - "owner:group octal-mode"
mode() {
	stat -c '%U:%G %a' "$1"
}

# is PATH WANT - mode PATH is WANT (else say what it is)
is() {
	local got
	got=$(mode "$1" 2>&1)
	[ "$got" = "$2" ] && return 0
	echo "$1: $got, want $2" | diag >&2
	return 1
}

installed() {
	dpkg-query -W -f='${Status}' dkimlens 2>/dev/null |
	    grep -q 'install ok installed'
}

# known - dpkg knows the package at all (installed, or config-files)
known() {
	dpkg-query -W -f='${Status}' dkimlens 2>/dev/null | grep -qv 'not-installed'
}

# spool_pid_restore - remove the lock files our master left in Debian's
# $SPOOL/pid (master.pid, one per service), keeping those that were there
spool_pid_restore() {
	local f
	for f in "$SPOOL"/pid/*; do
		[ -e "$f" ] || continue
		printf '%s\n' "$pid_before" | grep -qxF "$(basename "$f")" ||
		    rm -f "$f"
	done
}

cleanup() {
	set +e
	if [ -n "$postfix_up" ]; then
		postfix -c "$T/pf/etc" stop >/dev/null 2>&1
		wait_for 10 eval '! alive '"$postfix_up"
		alive "$postfix_up" && kill -9 "$postfix_up" 2>/dev/null
		spool_pid_restore
	fi
	stop_pid "$milter_pid"
	stop_pid "$sink_pid"
	if known; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q dkimlens \
		    >/dev/null 2>&1 || dpkg -P dkimlens >/dev/null 2>&1
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		case ${KEEP:-}:$failed in
		1:*|:[1-9]*) echo "# kept $T" ;;
		*) rm -rf "$T" ;;
		esac
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- setup

[ "$(id -u)" -eq 0 ] || bail "runs as root (installs the package)"
for p in dpkg-buildpackage dh lintian fakeroot apt-get postfix smtp-sink \
    swaks opendkim-genkey ss; do
	command -v "$p" >/dev/null 2>&1 ||
	    bail "$p is installed (sh contrib/install-deps.sh)"
done
if postfix status >/dev/null 2>&1; then
	bail "Debian's own Postfix is stopped (this suite runs one on $SPOOL)"
fi
T=$(mktemp -d /tmp/dkimlens-deb.XXXXXX) || bail "mktemp -d"
chmod 755 "$T"
mkdir -p "$T/sink" "$T/pf/etc" "$T/pf/data" "$T/odk/keys/example.com"
chown nobody "$T/sink"
chown postfix "$T/pf/data"
# a package left by an interrupted run goes first
known && { apt-get purge -y -q dkimlens >/dev/null 2>&1 ||
    dpkg -P dkimlens >/dev/null 2>&1; }

# ---------------------------------------------------------------- make install

# A plain build, then install with another SYSCONFDIR: what embeds the
# path is rebuilt (in a build tree of our own, B=, not the developer's).
b=$T/b inst=$T/inst
(cd "$top" && nice make -j1 B="$b" all) >"$T/make.out" 2>&1 ||
    { diag <"$T/make.out"; bail "make B=DIR all"; }
(cd "$top" && make B="$b" PREFIX=/usr SYSCONFDIR=/etc DESTDIR="$inst" \
    install) >"$T/install-src.out" 2>&1
check "make install PREFIX=/usr SYSCONFDIR=/etc DESTDIR=DIR after a plain make: the milter's default file is /etc/dkimlens/dkimlens.conf" \
    eval '"$inst/usr/sbin/dkimlens-milter" --help | grep -q "default /etc/dkimlens/dkimlens.conf"'
check "make install writes the unit with /usr/sbin and /etc" eval \
    'grep -qx "ExecStart=/usr/sbin/dkimlens-milter -f -c /etc/dkimlens/dkimlens.conf" "$inst/usr/lib/systemd/system/dkimlens.service"'
check "make install: keytool, man pages, samples" eval \
    '[ -x "$inst/usr/bin/dkimlens-keytool" ] && [ -f "$inst/usr/share/man/man5/dkimlens.conf.5" ] && [ -f "$inst/etc/dkimlens/key.table.sample" ]'
: >"$inst/etc/dkimlens/dkimlens.conf"
(cd "$top" && make B="$b" PREFIX=/usr SYSCONFDIR=/etc DESTDIR="$inst" \
    uninstall) >"$T/uninstall.out" 2>&1
check "make uninstall removes every file install wrote, and keeps the admin's dkimlens.conf" \
    test "$(find "$inst" -type f)" = "$inst/etc/dkimlens/dkimlens.conf"
rm -rf "$b" "$inst"

# ---------------------------------------------------------------- build

if (cd "$top" && make deb) >"$T/make-deb.out" 2>&1; then
	tap 0 "make deb builds the package with dpkg-buildpackage"
else
	diag <"$T/make-deb.out"
	bail "make deb builds the package with dpkg-buildpackage"
fi
deb=$(ls "$top"/build/dkimlens_*_"$(dpkg --print-architecture)".deb 2>/dev/null |
    head -1)
version=$(dpkg-deb -f "$deb" Version)
check "the package is build/dkimlens_VERSION_ARCH.deb (version $version)" \
    test "$deb" = "$top/build/dkimlens_${version}_$(dpkg --print-architecture).deb"

lintian "$deb" >"$T/lintian.out" 2>&1
grep -E '^[EWIP]: ' "$T/lintian.out" | diag
if grep -q '^E: ' "$T/lintian.out"; then
	tap 1 "lintian reports no error"
else
	tap 0 "lintian reports no error ($(grep -c '^W: ' "$T/lintian.out") warnings)"
fi

# ---------------------------------------------------------------- install

if (cd "$top" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    "./build/$(basename "$deb")") >"$T/install.out" 2>&1 && installed; then
	tap 0 "apt-get install ./build/$(basename "$deb")"
else
	diag <"$T/install.out"
	bail "apt-get install ./build/$(basename "$deb")"
fi

check "dkimlens-milter --version names $version, OpenSSL and ldns" \
    eval '/usr/sbin/dkimlens-milter --version | grep -qE "^dkimlens-milter $version \(OpenSSL [0-9].*, ldns [0-9]"'
check "dkimlens-keytool --version names $version" \
    eval '/usr/bin/dkimlens-keytool --version | grep -q "^dkimlens-keytool $version "'
check "dkimlens-milter --help exits 0" /usr/sbin/dkimlens-milter --help

want_files="/usr/sbin/dkimlens-milter /usr/bin/dkimlens-keytool
/usr/share/man/man8/dkimlens-milter.8.gz /usr/share/man/man1/dkimlens-keytool.1.gz
/usr/share/man/man5/dkimlens.conf.5.gz /etc/dkimlens/dkimlens.conf
/etc/dkimlens/key.table /etc/dkimlens/signing.table $UNIT
/usr/share/doc/dkimlens/copyright"
missing=
for f in $want_files; do
	dpkg -L dkimlens | grep -qx "$f" && [ -e "$f" ] || missing="$missing $f"
done
tap "$([ -z "$missing" ] && echo 0 || echo 1)" \
    "the package installs binaries, man pages, /etc/dkimlens and the unit${missing:+ (missing:$missing)}"
dpkg -L dkimlens | grep -vE '^/(\.|usr|etc|lib)?$' | diag

conffiles=$(dpkg-query -W -f='${Conffiles}\n' dkimlens | awk 'NF { print $1 }' |
    sort | tr '\n' ' ')
check "the configuration and tables are conffiles" test \
    "$conffiles" = "/etc/dkimlens/dkimlens.conf /etc/dkimlens/key.table /etc/dkimlens/signing.table "

check "dkimlens is a system user with group dkimlens and no login" eval \
    '[ "$(id -u dkimlens)" -lt 1000 ] && id -gn dkimlens | grep -qx dkimlens && getent passwd dkimlens | grep -q ":/usr/sbin/nologin$"'
check "/etc/dkimlens/keys is dkimlens:dkimlens 0700" \
    is /etc/dkimlens/keys "dkimlens:dkimlens 700"
check "/etc/dkimlens/dkimlens.conf is root:root 0644" \
    is /etc/dkimlens/dkimlens.conf "root:root 644"
check "$SOCKDIR (Postfix's chroot) is root:dkimlens 0750" \
    is "$SOCKDIR" "root:dkimlens 750"
check "postfix is in the dkimlens group" \
    eval 'id -Gn postfix | tr " " "\n" | grep -qx dkimlens'
check "the unit is enabled (multi-user.target.wants)" \
    test "$(readlink "$WANTS")" = "$UNIT"
check "the unit reloads with SIGHUP and runs the installed files" eval \
    'grep -qx "ExecReload=/bin/kill -HUP \$MAINPID" $UNIT && grep -qx "ExecStart=/usr/sbin/dkimlens-milter -f -c /etc/dkimlens/dkimlens.conf" $UNIT'
check "the unit is sandboxed, and may write its socket directory" eval \
    'grep -qx "ProtectSystem=strict" $UNIT && grep -qx "ReadWritePaths=-$SOCKDIR" $UNIT && grep -qx "NoNewPrivileges=yes" $UNIT'

/usr/sbin/dkimlens-milter -n -c /etc/dkimlens/dkimlens.conf \
    >"$T/n.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "ok: Socket unix:$SOCKDIR/dkimlens.sock, Mode sv, 0 signing keys.*UserID dkimlens" "$T/n.out"; then
	tap 0 "dkimlens-milter -n: the installed configuration is good"
else
	diag <"$T/n.out"
	tap 1 "dkimlens-milter -n: the installed configuration is good"
fi

# ---------------------------------------------------------------- OpenDKIM

cp /etc/opendkim.conf "$T/odk/debian-opendkim.conf"
/usr/sbin/dkimlens-milter -n -c "$T/odk/debian-opendkim.conf" >"$T/odk/n1" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'TrustAnchorFile: OpenDKIM option ignored' "$T/odk/n1"; then
	tap 0 "Debian's stock opendkim.conf passes -n unchanged (TrustAnchorFile ignored, said why)"
else
	diag <"$T/odk/n1"
	tap 1 "Debian's stock opendkim.conf passes -n unchanged"
fi

# A production setup as the OpenDKIM guides make it.
(cd "$T/odk/keys/example.com" &&
    opendkim-genkey -b 2048 -d example.com -s mail) >/dev/null 2>&1
chown -R opendkim:opendkim "$T/odk/keys"
chmod 700 "$T/odk/keys" "$T/odk/keys/example.com"
cat >"$T/odk/opendkim.conf" <<EOF
Syslog                  yes
SyslogSuccess           yes
LogWhy                  yes
UMask                   007
Mode                    sv
SubDomains              no
AutoRestart             yes
AutoRestartRate         10/1M
Background              yes
DNSTimeout              5
SignatureAlgorithm      rsa-sha256
Canonicalization        relaxed/simple
OversignHeaders         From
RemoveOldSignatures     no
KeyTable                refile:$T/odk/key.table
SigningTable            refile:$T/odk/signing.table
ExternalIgnoreList      refile:$T/odk/trusted.hosts
InternalHosts           refile:$T/odk/trusted.hosts
Socket                  inet:8891@localhost
PidFile                 /run/opendkim/opendkim.pid
UserID                  opendkim:opendkim
TrustAnchorFile         /usr/share/dns/root.key
EOF
echo "mail._domainkey.example.com example.com:mail:$T/odk/keys/example.com/mail.private" \
    >"$T/odk/key.table"
printf '*@example.com mail._domainkey.example.com\n*@*.example.com mail._domainkey.example.com\n' \
    >"$T/odk/signing.table"
printf '127.0.0.1\n::1\nlocalhost\n10.1.0.0/16\n' >"$T/odk/trusted.hosts"
/usr/sbin/dkimlens-milter -n -c "$T/odk/opendkim.conf" >"$T/odk/n2" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'ok: Socket inet:8891@localhost, Mode sv, 1 signing key, InternalHosts 4 entries' "$T/odk/n2"; then
	tap 0 "a production opendkim.conf with its tables, host lists and opendkim-genkey key passes -n unchanged"
else
	diag <"$T/odk/n2"
	tap 1 "a production opendkim.conf with its tables, host lists and opendkim-genkey key passes -n unchanged"
fi

# ---------------------------------------------------------------- sign

# What the admin does: a key (OpenDKIM's tool, to show its keys serve
# unchanged), owned by dkimlens, named in the tables.
(cd /etc/dkimlens/keys && opendkim-genkey -b 2048 -d example.com -s odk2025) \
    >/dev/null 2>&1
chown dkimlens:dkimlens /etc/dkimlens/keys/odk2025.private
echo "odk2025 example.com:odk2025:./keys/odk2025.private" >>/etc/dkimlens/key.table
echo "*@example.com odk2025" >>/etc/dkimlens/signing.table
/usr/sbin/dkimlens-milter -n -c /etc/dkimlens/dkimlens.conf >"$T/n2.out" 2>&1
check "with an opendkim-genkey key in /etc/dkimlens/keys, -n counts 1 signing key" \
    grep -q '1 signing key,' "$T/n2.out"

ports=$($PY -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
read -r smtp_port sink_port <<<"$ports"

smtp-sink -u nobody -h sink.deb.test -d "$T/sink/%H%M%S." \
    "127.0.0.1:$sink_port" 20 >"$T/sink.out" 2>&1 &
sink_pid=$!
wait_for 10 listening "$sink_port" || bail "smtp-sink listens"

# the milter as the unit starts it: root, -f, the installed file
/usr/sbin/dkimlens-milter -f -c /etc/dkimlens/dkimlens.conf \
    >"$T/milter.log" 2>&1 &
milter_pid=$!
if wait_for 10 test -S "$SOCKDIR/dkimlens.sock"; then
	tap 0 "the installed milter listens on $SOCKDIR/dkimlens.sock"
else
	diag <"$T/milter.log"
	bail "the installed milter listens on $SOCKDIR/dkimlens.sock"
fi
check "the socket is dkimlens:dkimlens 0770 (UMask 007)" \
    is "$SOCKDIR/dkimlens.sock" "dkimlens:dkimlens 770"
check "the milter runs as dkimlens" \
    test "$(ps -o user= -p "$milter_pid" | tr -d ' ')" = dkimlens

pid_before=$(ls -A "$SPOOL/pid" 2>/dev/null)
pf_main "$T/pf/etc" "$SPOOL" "$T/pf/data" mta.deb.test "$sink_port"
cat >>"$T/pf/etc/main.cf" <<EOF
smtpd_milters = unix:/dkimlens/dkimlens.sock
non_smtpd_milters = \$smtpd_milters
EOF
# smtpd chrooted in the queue directory, as in Debian's master.cf
{
	echo "127.0.0.1:$smtp_port inet n - y - - smtpd"
	pf_services
} >"$T/pf/etc/master.cf"
if postfix -c "$T/pf/etc" start >"$T/pf/start.out" 2>&1 &&
    wait_for 10 test -s "$SPOOL/pid/master.pid"; then
	postfix_up=$(tr -d ' \n' <"$SPOOL/pid/master.pid")
fi
if [ -n "$postfix_up" ] && wait_for 10 listening "$smtp_port"; then
	tap 0 "Postfix runs smtpd chrooted in $SPOOL on 127.0.0.1:$smtp_port"
else
	diag <"$T/pf/start.out"
	bail "Postfix runs smtpd chrooted in $SPOOL on 127.0.0.1:$smtp_port"
fi

{
	printf 'From: Admin <admin@example.com>\r\nTo: <rcpt@example.net>\r\n'
	printf 'Subject: dkimlens deb test\r\nDate: %s\r\n' "$(LC_ALL=C date -R)"
	printf 'Message-ID: <deb1@example.com>\r\n\r\nSigned by the package.\r\n'
} >"$T/msg"
swaks --server "127.0.0.1:$smtp_port" --helo client.deb.test \
    --from admin@example.com --to rcpt@example.net --data "$T/msg" \
    --timeout 60 >"$T/swaks.out" 2>&1
qid=$(sed -n 's/.*250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$T/swaks.out" | tail -1)
if [ -n "$qid" ]; then
	tap 0 "Postfix accepts the mail through the milter (queue id $qid)"
else
	diag <"$T/swaks.out"
	diag <"$T/pf/maillog" 2>/dev/null
	tap 1 "Postfix accepts the mail through the milter"
fi
got=
if [ -n "$qid" ] && wait_for 30 eval "grep -a -l 'SMTP id $qid\$' $T/sink/* "; then
	got=$(grep -a -l "SMTP id $qid\$" "$T"/sink/* | head -1)
fi
if [ -n "$got" ] && grep -aq '^DKIM-Signature:.*d=example.com' "$got" &&
    grep -aA3 '^DKIM-Signature:' "$got" | tr -d '\r\n\t ' | grep -q 's=odk2025'; then
	tap 0 "smtp-sink received the mail with a DKIM-Signature d=example.com s=odk2025"
else
	[ -n "$got" ] && diag <"$got"
	diag <"$T/pf/maillog" 2>/dev/null
	tap 1 "smtp-sink received the mail with a DKIM-Signature d=example.com s=odk2025"
fi
check "the verdict line says the milter signed it" \
    grep -aqE "$qid: verdict=signed from=example.com signed1=d:example.com,s:odk2025,a:rsa-sha256" "$T/milter.log"

# python3-dkim verifies it against opendkim-genkey's record
if [ -n "$got" ]; then
	$PY "$here/../e2e/dkimpy.py" strip "$got" >"$T/delivered.eml"
	$PY - /etc/dkimlens/keys/odk2025.txt "$T/delivered.eml" >"$T/verify.out" 2>&1 <<'EOF'
import re, sys
import dkim
rec = ''.join(re.findall(r'"([^"]*)"', open(sys.argv[1]).read()))
def dnsfunc(name, timeout=5):
    return rec.encode() if name == b'odk2025._domainkey.example.com.' else None
msg = open(sys.argv[2], 'rb').read()
sys.exit(0 if dkim.verify(msg, dnsfunc=dnsfunc) else 1)
EOF
	rc=$?
else
	rc=1
fi
[ $rc -ne 0 ] && diag <"$T/verify.out"
tap $rc "python3-dkim verifies the signature with opendkim-genkey's DNS record"

postfix -c "$T/pf/etc" stop >/dev/null 2>&1
wait_for 10 eval '! alive '"$postfix_up"
spool_pid_restore
postfix_up=
stop_pid "$milter_pid"
check "the milter stops on SIGTERM" eval '! alive '"$milter_pid"
check "Postfix's spool is left as it was (queue empty, no lock files of ours)" \
    eval '[ -z "$(find $SPOOL/incoming $SPOOL/active $SPOOL/deferred -type f)" ] && [ "$(ls -A $SPOOL/pid)" = "$pid_before" ]'
milter_pid=
stop_pid "$sink_pid"
sink_pid=

# ---------------------------------------------------------------- remove

DEBIAN_FRONTEND=noninteractive apt-get remove -y -q dkimlens >"$T/remove.out" 2>&1
check "apt-get remove: the binaries are gone" \
    eval '! installed && [ ! -e /usr/sbin/dkimlens-milter ]'
check "apt-get remove keeps the configuration, the tables and the keys" eval \
    'grep -q odk2025 /etc/dkimlens/key.table && [ -f /etc/dkimlens/dkimlens.conf ] && [ -f /etc/dkimlens/keys/odk2025.private ]'
check "apt-get remove keeps the dkimlens user" getent passwd dkimlens

DEBIAN_FRONTEND=noninteractive apt-get purge -y -q dkimlens >"$T/purge.out" 2>&1
check "apt-get purge: dpkg forgets the package" eval '! known'
check "apt-get purge removes /etc/dkimlens (configuration and keys)" \
    test ! -e /etc/dkimlens
check "apt-get purge removes the socket directory and the enabled unit" \
    eval "[ ! -e $SOCKDIR ] && [ ! -L $WANTS ]"
check "apt-get purge removes the dkimlens user and group" \
    eval '! getent passwd dkimlens && ! getent group dkimlens'

echo "1..$n"
[ "$failed" -eq 0 ]
