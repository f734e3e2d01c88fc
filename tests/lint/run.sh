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
echo "1..$n"
[ "$failed" -eq 0 ]
