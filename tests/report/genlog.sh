#!/bin/sh
# genlog.sh - write a synthetic mail log for dkimlens-keytool report
#
# Usage: genlog.sh LINES VERDICT_PERCENT [FORMAT] [SEED]
# FORMAT: classic (default), iso (rsyslog high precision), journal
# (journalctl -o short-iso), rfc5424, stderr (the milter's -f output).
# Every 100/VERDICT_PERCENT-th line is a dkimlens-milter verdict line
# (the fields as lib/report.c writes them); the others are Postfix lines
# of the same shape as a real mail.log.  Times advance one second per
# 20 lines from 2024-12-01 00:00:00 UTC; three hosts; 40 From domains;
# verdicts pass, esp-only, fail, permerror, dns-error, none, signed.
# Used by tests/report/run.sh (small) and tests/bench/run.sh (5 million
# lines).  Deterministic for a given SEED.
set -eu
lines=$1 pct=$2 fmt=${3:-classic} seed=${4:-1}
awk -v lines="$lines" -v pct="$pct" -v fmt="$fmt" -v seed="$seed" '
function stamp(t,   d, s) {
	# t: seconds since 2024-12-01T00:00:00Z; days of December only
	d = int(t / 86400) + 1
	s = t % 86400
	if (fmt == "classic")
		return sprintf("Dec %2d %02d:%02d:%02d", d, s / 3600,
		    (s / 60) % 60, s % 60)
	if (fmt == "journal")
		return sprintf("2024-12-%02dT%02d:%02d:%02d+0000", d,
		    s / 3600, (s / 60) % 60, s % 60)
	return sprintf("2024-12-%02dT%02d:%02d:%02d.%06d+00:00", d,
	    s / 3600, (s / 60) % 60, s % 60, (t * 7919) % 1000000)
}
function line(host, prog, pid, msg,   t) {
	t = int(n / 20)
	if (fmt == "stderr") {
		if (prog == "dkimlens-milter")
			return prog ": " msg
		return prog "[" pid "]: " msg
	}
	if (fmt == "rfc5424")
		return "<22>1 " substr(stamp(t), 1, 19) "Z " host " " prog " " \
		    pid " - - " msg
	return stamp(t) " " host " " prog "[" pid "]: " msg
}
function qid(   i, s) {
	s = ""
	for (i = 0; i < 11; i++)
		s = s substr("0123456789ABCDEF", int(rand() * 16) + 1, 1)
	return s
}
BEGIN {
	srand(seed)
	split("mx1 mx2 relay", hosts, " ")
	every = int(100 / pct)
	for (n = 0; n < lines; n++) {
		host = hosts[n % 3 + 1]
		q = qid()
		if (n % every != every - 1) {
			r = n % 4
			if (r == 0)
				print line(host, "postfix/smtpd", 1000 + n % 50,
				    "connect from mail" n % 97 ".example.net[198.51.100." n % 200 "]")
			else if (r == 1)
				print line(host, "postfix/cleanup", 2000 + n % 50,
				    q ": message-id=<" n ".verdict.example@example.net>")
			else if (r == 2)
				print line(host, "postfix/qmgr", 3000,
				    q ": from=<bounce@example.net>, size=" 1000 + n % 9000 ", nrcpt=1 (queue active)")
			else
				print line(host, "postfix/smtp", 4000 + n % 50,
				    q ": to=<user@example.org>, relay=mx.example.org[203.0.113.5]:25, delay=0.4, status=sent (250 2.0.0 Ok)")
			continue
		}
		dom = "d" int(rand() * 40) ".example"
		k = int(rand() * 100)
		if (k < 55)
			msg = q ": verdict=pass from=" dom " sig1=d:" dom ",s:s1,a:rsa-sha256,role:author,result:pass action=accept"
		else if (k < 70)
			msg = q ": verdict=esp-only from=" dom " sig1=d:amazonses.com,s:ses1,a:rsa-sha256,role:esp,result:pass hint=\"" dom " is not DKIM-signing this mail\" action=accept"
		else if (k < 78)
			msg = q ": verdict=fail from=" dom " reason=\"body hash mismatch: relaxed/relaxed body, 104 canonical bytes\" sig1=d:" dom ",s:s1,a:rsa-sha256,role:author,result:fail,reason:body-hash-mismatch sig1_detail=\"relaxed/relaxed body, 104 canonical bytes\" action=accept"
		else if (k < 84)
			msg = q ": verdict=permerror from=" dom " reason=\"no key record for selector\" sig1=d:" dom ",s:old,a:rsa-sha256,role:author,result:permerror,reason:key-not-found sig1_detail=\"TXT old._domainkey." dom ": NXDOMAIN from 127.0.0.1:53\" action=accept"
		else if (k < 88)
			msg = q ": verdict=dns-error from=" dom " reason=\"key lookup failed\" sig1=d:" dom ",s:s1,a:rsa-sha256,role:author,result:temperror,reason:key-dns-error action=tempfail"
		else if (k < 94)
			msg = q ": verdict=none from=" dom " action=accept"
		else
			msg = q ": verdict=signed from=" dom " signed1=d:" dom ",s:s1,a:rsa-sha256 signed2=d:" dom ",s:s2,a:ed25519-sha256 action=accept"
		print line(host, "dkimlens-milter", 555, msg)
	}
}'
