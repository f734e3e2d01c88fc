#!/bin/sh
# install-deps.sh - install the Debian packages dkimlens builds and tests with
#
# Installs only what is missing, so a second run costs one dpkg query.
# Build: gcc make pkg-config libmilter-dev libssl-dev libldns-dev libpsl-dev
# zlib1g-dev (keytool report reads .gz logs).
# Tests: libcmocka-dev, the DKIM peers (python3-dkim, Mail::DKIM, OpenDKIM),
# DNS servers for loopback tests (nsd, unbound, ldnsutils), Postfix and swaks
# for the end-to-end suite (with Cyrus SASL's saslpasswd2 and sasldb for
# SMTP AUTH: sasl2-bin, libsasl2-modules), Sendmail's m4 macros to check
# contrib/sendmail.mc (sendmail-cf, m4; no MTA: it does not replace
# Postfix), openssl for fixtures; the Debian tools for the deb suite
# (make deb, lintian); dkimpy-milter for the bench; chromium (headless) for the report suite's HTML
# page, time for the bench's peak RSS.
set -eu

pkgs="gcc make pkg-config libmilter-dev libssl-dev libldns-dev libpsl-dev publicsuffix zlib1g-dev libcmocka-dev
openssl python3 python3-dkim python3-dnspython python3-nacl libmail-dkim-perl
libnet-dns-perl libcrypt-openssl-rsa-perl opendkim opendkim-tools dkimpy-milter nsd unbound
ldnsutils bind9-dnsutils postfix swaks iproute2 procps chromium time
debhelper dpkg-dev fakeroot lintian
sasl2-bin libsasl2-modules libsasl2-modules-db sendmail-cf m4 util-linux"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root: apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
# The packaged daemons must not hold the ports or files the tests use.
for s in nsd unbound opendkim dkimpy-milter postfix; do
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now "$s" >/dev/null 2>&1 || true
	fi
	if [ -x "/etc/init.d/$s" ]; then
		"/etc/init.d/$s" stop >/dev/null 2>&1 || true
	fi
done
exit 0
