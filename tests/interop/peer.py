#!/usr/bin/python3
# peer.py - python3-dkim (dkimpy 1.1.4) as an interop peer, many messages a run
#
# Usage:
#   peer.py sign JOBS
#       JOBS: one job a line, tab-separated:
#           IN OUT KEYFILE DOMAIN SELECTOR ALGORITHM HEADERCANON/BODYCANON
#       Writes OUT = the new DKIM-Signature field + IN, and prints
#       "OUT<TAB>ok" or "OUT<TAB>error<TAB>why" per job.
#   peer.py verify PORT MINKEY FILE...
#       Verifies the first DKIM-Signature of each FILE against the name
#       server on 127.0.0.1:PORT and prints "FILE<TAB>pass|fail<TAB>why".
#
# What we found in dkimpy (read /usr/lib/python3/dist-packages/dkim/):
# - rfc822_parse() splits lines on CRLF or bare LF, so a file with LF line
#   ends is canonicalized as if it had CRLF (what an MTA would send).
#   dkim.sign() returns only the new field; its folds use `linesep`, so we
#   pass the line end the message itself uses and prepend the field.
# - RSA private keys may be PKCS#1 or PKCS#8 PEM.  An ed25519 key must be
#   the base64 of the raw 32-byte seed; the PKCS#8 DER that openssl genpkey
#   writes ends with exactly that seed, so we take the last 32 octets.
# - include_headers picks header fields bottom-up, once per name listed
#   (select_headers), so listing a name twice signs two instances, and a
#   name listed more often than present is "oversigned".  We sign every
#   field present (each instance) plus From once more.  DKIM.SHOULD_NOT
#   (Received, ...) raises an error unless should_not_sign is emptied.
# - dkim.verify() verifies only the first DKIM-Signature; our files carry
#   one.  It takes dnsfunc(name, timeout=5) returning the TXT bytes, and
#   minkey (default 1024) below which RSA keys raise KeyFormatError.  It
#   still verifies rsa-sha1 (no RFC 8301 check in 1.1.4).
import base64
import logging
import re
import subprocess
import sys

import dkim
import dns.resolver
import dns.rdatatype


def header_names(msg):
    """Names of the header fields of msg, top to bottom, lower case"""
    head = re.split(b"\r?\n\r?\n", msg, maxsplit=1)[0]
    names = []
    for line in re.split(b"\r?\n", head):
        m = re.match(rb"([\x21-\x39\x3b-\x7e]+):", line)
        if m:
            names.append(m.group(1).lower())
    return names


def load_key(path, alg):
    with open(path, "rb") as f:
        pem = f.read()
    if alg != b"ed25519-sha256":
        return pem
    der = subprocess.run(["openssl", "pkey", "-in", path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der[-32:])


def sign(jobs):
    rc = 0
    with open(jobs) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    keys = {}
    for src, out, keyfile, domain, selector, alg, canon in lines:
        alg_b = alg.encode()
        try:
            if (keyfile, alg) not in keys:
                keys[(keyfile, alg)] = load_key(keyfile, alg_b)
            with open(src, "rb") as f:
                msg = f.read()
            eol = b"\n" if b"\r\n" not in msg else b"\r\n"
            d = dkim.DKIM(msg, signature_algorithm=alg_b, linesep=eol)
            d.should_not_sign = set()
            h = header_names(msg) + [b"from"]
            hc, bc = canon.encode().split(b"/")
            sig = d.sign(selector.encode(), domain.encode(),
                         keys[(keyfile, alg)], canonicalize=(hc, bc),
                         include_headers=h)
            with open(out, "wb") as f:
                f.write(sig + msg)
            print("%s\tok" % out)
        except Exception as e:  # a job's failure is reported, not fatal
            rc = 1
            print("%s\terror\t%s" % (out, str(e).replace("\n", " ")))
    return rc


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def verify(port, minkey, files):
    res = dns.resolver.Resolver(configure=False)
    res.nameservers = ["127.0.0.1"]
    res.port = int(port)
    res.lifetime = 5

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode()
        try:
            ans = res.resolve(name, "TXT", raise_on_no_answer=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers):
            return None
        for rr in ans.rrset or []:
            return b"".join(rr.strings)
        return None

    log = logging.getLogger("peer")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    for path in files:
        col = Collect()
        log.handlers = [col]
        with open(path, "rb") as f:
            msg = f.read()
        try:
            ok = dkim.verify(msg, logger=log, dnsfunc=dnsfunc,
                             minkey=int(minkey))
            why = " / ".join(l for l in col.lines
                             if "sig:" not in l and "hashed" not in l)
        except Exception as e:
            ok, why = False, "%s: %s" % (type(e).__name__, e)
        why = why.replace("\n", " ").replace("\t", " ")[:300]
        print("%s\t%s\t%s" % (path, "pass" if ok else "fail", why))
    return 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "sign":
        return sign(sys.argv[2])
    if len(sys.argv) >= 4 and sys.argv[1] == "verify":
        return verify(sys.argv[2], sys.argv[3], sys.argv[4:])
    sys.stderr.write("usage: peer.py sign JOBS | verify PORT MINKEY FILE...\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
