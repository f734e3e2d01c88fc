#!/bin/sh
# lint - the layering rules of STYLE.md that a machine can check
#
# lib/ knows nothing of libmilter, stdout, syslog or exit(); it uses no
# thread-unsafe libc calls; every public header has its guard.
set -u
top=${DKIMLENS_TOP:-$(pwd)}
cd "$top" || exit 2
n=0 failed=0

check() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "$2" | sed 's/^/# /'
		failed=1
	fi
}

check "lib/ includes no libmilter header" \
    "$(grep -nE '#include.*(libmilter|mfapi)' lib/*.c lib/*.h)"
check "lib/ writes nothing to stdout, stderr or syslog" \
    "$(grep -nE '(^|[^a-z_])(printf|fprintf|puts|fputs|putchar|perror|syslog|vsyslog|warnx?|errx?) *\(' lib/*.c |
    grep -vE '(snprintf|vsnprintf)')"
check "lib/ never exits or aborts the process" \
    "$(grep -nE '(^|[^a-z_])(exit|_exit|abort) *\(' lib/*.c)"
check "lib/ uses no thread-unsafe libc calls" \
    "$(grep -nE '(^|[^a-z_])(strtok|strerror|gmtime|localtime|ctime|asctime|rand|getpwnam|getgrnam|inet_ntoa) *\(' lib/*.c)"
# ldns stays inside the DNS module: its transport (dnsio.c), packet
# reading (dnspkt.c), the lookup that holds a question and its reply
# (dns.c) and their internal header; the cache and the names use none.
check "only lib/dns.c, dnsio.c, dnspkt.c and dnsint.h include ldns" \
    "$(grep -nE '#include *<ldns/' lib/*.c lib/*.h milter/*.c keytool/*.c 2>/dev/null |
    grep -vE '^lib/(dns|dnsio|dnspkt)\.c:|^lib/dnsint\.h:')"
check "lib/dnscache.c and lib/dnsname.c call no ldns function" \
    "$(grep -nE '(^|[^a-z_])ldns_[a-z0-9_]+ *\(' lib/dnscache.c lib/dnsname.c)"
# A module split into files shares an internal header (lib/Xint.h): only
# the files of that module (lib/X*.c) include it.
bad=
for h in lib/*int.h; do
	[ -f "$h" ] || continue
	m=$(basename "$h" int.h)
	bad="$bad$(grep -lE "#include \"lib/${m}int\.h\"" lib/*.c lib/*.h \
	    milter/*.c keytool/*.c tests/*/*.c 2>/dev/null |
	    grep -vE "^lib/${m}[a-z]*\.c$")"
done
check "an internal header (lib/Xint.h) is included only by lib/X*.c" "$bad"
if [ -f build/libdkimlens.a ]; then
	check "libdkimlens.a references no libmilter symbol" \
	    "$(nm build/libdkimlens.a 2>/dev/null | grep -E ' (U|T) (smfi_|mi_)')"
else
	check "libdkimlens.a references no libmilter symbol" \
	    "build/libdkimlens.a is missing: build first (make all)"
fi
bad=
for h in lib/*.h; do
	g=DKIMLENS_$(basename "$h" .h | tr 'a-z' 'A-Z')_H
	grep -q "^#ifndef $g\$" "$h" || bad="$bad $h"
done
check "every lib/ header has its DKIMLENS_X_H guard" "$bad"
check "no commented-out code markers (#if 0)" \
    "$(grep -nE '^#if 0' lib/*.c milter/*.c keytool/*.c 2>/dev/null)"
# contrib/sendmail.mc, added to a stock .mc, through Sendmail's own m4
# macros (Debian's sendmail-cf): no error, and the filter and the macros
# dkimlens reads come out in sendmail.cf
cfm4=/usr/share/sendmail/cf/m4/cf.m4
smtmp=$(mktemp -d) || exit 2
if [ -r "$cfm4" ] && command -v m4 >/dev/null 2>&1; then
	cat /usr/share/sendmail/cf/cf/generic-linux.mc contrib/sendmail.mc \
	    >"$smtmp/t.mc"
	m4 "$cfm4" "$smtmp/t.mc" >"$smtmp/t.cf" 2>"$smtmp/err"
	rc=$?
	check "contrib/sendmail.mc goes through Sendmail's cf.m4 without an error" \
	    "$([ "$rc" -eq 0 ] || echo "m4 exit $rc"; cat "$smtmp/err")"
	why=
	grep -q '^Xdkimlens, S=inet:8891@127\.0\.0\.1, F=T, T=' "$smtmp/t.cf" ||
	    why="no Xdkimlens line with S=inet:8891@127.0.0.1 (the default Socket)"
	grep -q '^O InputMailFilters=dkimlens$' "$smtmp/t.cf" ||
	    why="$why${why:+; }no InputMailFilters=dkimlens"
	grep -q '^O Milter\.macros\.envfrom=.*{auth_authen}' "$smtmp/t.cf" ||
	    why="$why${why:+; }{auth_authen} not sent at MAIL FROM"
	grep -q '^O Milter\.macros\.eom=.*{i}' "$smtmp/t.cf" ||
	    why="$why${why:+; }{i} not sent at end of message"
	check "contrib/sendmail.mc: sendmail.cf gets the dkimlens filter, {auth_authen} at MAIL, {i} at end of message" \
	    "$why"
else
	check "contrib/sendmail.mc goes through Sendmail's cf.m4 without an error" \
	    "$cfm4 or m4 is missing (sendmail-cf; sh contrib/install-deps.sh)"
fi
rm -rf "$smtmp"
echo "1..$n"
[ "$failed" -eq 0 ]
