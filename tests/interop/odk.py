#!/usr/bin/python3
# odk.py - OpenDKIM 2.11 (the real filter, in its test mode) as a peer
#
# Usage:
#   odk.py sign WORKDIR JOBS
#       JOBS: one job a line, tab-separated:
#           IN OUT KEYFILE DOMAIN SELECTOR ALGORITHM HEADERCANON/BODYCANON
#       Runs `opendkim -x CONF -t IN` once per job (a config names one key,
#       one algorithm, one canonicalization) and writes OUT = the new
#       DKIM-Signature field + IN.  Prints "OUT<TAB>ok" or
#       "OUT<TAB>error<TAB>why" per job.  Config files go to WORKDIR.
#   odk.py verify CONF FILE...
#       Verifies all FILEs in one `opendkim -x CONF -t F1,F2,...` run and
#       prints "FILE<TAB>pass|fail<TAB>opendkim's line".
#
# What we found (opendkim(8), opendkim.conf(5), trying it):
# - `-t FILES` (comma-separated) runs each file through the milter
#   callbacks, Mode defaulting to v.  The verify verdict goes to stdout, one
#   line per file: "opendkim: FILE: verification (s=S, d=D, N-bit key)
#   succeeded" or "... failed: REASON".
# - In Mode s (without -v) it prints "opendkim: FILE:" and then the whole
#   new field, "DKIM-Signature: ...", folded with CRLF+TAB, on stdout; we
#   fold with the line end of the message itself.  (With -vv it prints
#   "### INSHEADER: ... hvalue='...'" with LF folds instead.)  One run per
#   file when signing keeps it simple (about 30 ms each).
# - RequireSafeKeys (default true) refuses a key when any directory above
#   it is writable by others, and /tmp is; the keys here are ours, so off.
# - Signed fields: SignHeaders defaults to RFC 6376 5.4's SHOULD list and
#   OmitHeaders to its SHOULD NOT list (Received, ...).  To sign what the
#   other signers sign we list every field present and omit nothing ("."),
#   and oversign From.
# - DNS: Nameservers takes addresses only (port 53).  Debian's opendkim
#   links libunbound, and ResolverConfiguration names an unbound config
#   file; the suite writes one with a stub-zone pointing at nsd on
#   127.0.0.1@PORT, iterator only (no DNSSEC validation).
# - It verifies ed25519-sha256 (k=ed25519) and signs it.  MinimumKeyBits
#   (default 1024) also stops it signing with a smaller key ("private key
#   too small"), and 0 does not lift that; the signing config sets 512 so
#   the suite can make a 512-bit signature for the RFC 8301 checks.
import os
import re
import subprocess
import sys

SIGFIELD = re.compile(rb"^DKIM-Signature: (.*?)\r?\n?\Z", re.S | re.M)


def header_names(msg):
    head = re.split(rb"\r?\n\r?\n", msg, maxsplit=1)[0]
    names = []
    for line in re.split(rb"\r?\n", head):
        m = re.match(rb"([\x21-\x39\x3b-\x7e]+):", line)
        if m and m.group(1).lower() not in names:
            names.append(m.group(1).lower())
    return [n.decode() for n in names]


def sign(workdir, jobs):
    rc = 0
    with open(jobs) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    for n, (src, out, keyfile, domain, selector, alg, canon) in \
            enumerate(lines):
        try:
            with open(src, "rb") as f:
                msg = f.read()
            eol = b"\n" if b"\r\n" not in msg else b"\r\n"
            conf = os.path.join(workdir, "sign%d.conf" % n)
            with open(conf, "w") as f:
                f.write("Mode s\nSyslog no\nRequireSafeKeys false\n"
                        "Domain %s\nSelector %s\nKeyFile %s\n"
                        "SignatureAlgorithm %s\nCanonicalization %s\n"
                        "SignHeaders %s\nOmitHeaders .\n"
                        "OversignHeaders From\nMinimumKeyBits 512\n"
                        % (domain, selector, os.path.abspath(keyfile), alg,
                           canon, ",".join(header_names(msg))))
            p = subprocess.run(["opendkim", "-x", conf, "-t", src],
                               capture_output=True, timeout=60)
            m = SIGFIELD.search(p.stdout)
            if p.returncode != 0 or not m:
                raise RuntimeError("opendkim exit %d: %s" % (
                    p.returncode, (p.stderr + p.stdout).decode(
                        errors="replace").strip()))
            value = re.sub(rb"\r?\n", eol, m.group(1))
            with open(out, "wb") as f:
                f.write(b"DKIM-Signature: " + value + eol + msg)
            os.unlink(conf)
            print("%s\tok" % out)
        except Exception as e:
            rc = 1
            print("%s\terror\t%s" % (out, str(e).replace("\n", " ")))
    return rc


def verify(conf, files):
    for f in files:
        if "," in f:
            sys.stderr.write("odk.py: comma in file name: %s\n" % f)
            return 2
    p = subprocess.run(["opendkim", "-x", conf, "-t", ",".join(files)],
                       capture_output=True, text=True, timeout=300)
    said = {}
    for line in (p.stdout + p.stderr).splitlines():
        for f in files:
            pre = "opendkim: %s: " % f
            if line.startswith(pre):
                said.setdefault(f, []).append(line[len(pre):])
    for f in files:
        lines = said.get(f, ["no verdict from opendkim (exit %d)"
                             % p.returncode])
        ok = any(l.startswith("verification (") and
                 l.endswith(") succeeded") for l in lines)
        print("%s\t%s\t%s" % (f, "pass" if ok else "fail",
                              " / ".join(lines)))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sign":
        return sign(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 4 and sys.argv[1] == "verify":
        return verify(sys.argv[2], sys.argv[3:])
    sys.stderr.write("usage: odk.py sign WORKDIR JOBS | "
                     "verify CONF FILE...\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
