#!/usr/bin/python3
# dkimpy.py - the end-to-end suite's independent DKIM peer (python3-dkim)
#
#   dkimpy.py sign KEYFILE DOMAIN SELECTOR < MSG > SIGNED
#       Prepend a DKIM-Signature (rsa-sha256, relaxed/relaxed) made by
#       python3-dkim; the message is read and written with CRLF line ends.
#   dkimpy.py verify DNSPORT FILE
#       Verify every DKIM-Signature of a message delivered to smtp-sink
#       (the sink's own X-Client-* and Received header block is removed
#       first), looking keys up in the suite's nsd on 127.0.0.1:DNSPORT.
#       Prints one line per signature, top to bottom:
#         sig N d=DOMAIN s=SELECTOR a=ALGORITHM result=pass|fail
#       Exit 0 when there is at least one signature and all pass, else 1.
#   dkimpy.py strip FILE
#       The message of a smtp-sink dump file, without the sink's headers.
#
# Run with /usr/bin/python3 (Debian's python3-dkim, python3-dnspython,
# python3-nacl for ed25519).
import re
import sys

import dkim
import dns.resolver

SIGNED_HEADERS = [b'from', b'to', b'subject', b'date', b'message-id']


def crlf(data):
    """Normalise line ends to CRLF."""
    return re.sub(rb'\r?\n', b'\r\n', data)


def strip_sink_headers(data):
    """Drop smtp-sink's dump header block (up to its Received field)."""
    lines = data.split(b'\n')
    if not lines or not lines[0].startswith(b'X-Client-Addr:'):
        return data
    i = 0
    while i < len(lines) and not lines[i].startswith(b'Received:'):
        i += 1
    i += 1
    while i < len(lines) and lines[i][:1] in (b' ', b'\t'):
        i += 1
    rest = lines[i:]
    # The sink appends one empty line after the message.
    if len(rest) >= 2 and rest[-1] == b'' and rest[-2] in (b'', b'\r'):
        rest = rest[:-1]
    return b'\n'.join(rest)


def make_dnsfunc(port):
    res = dns.resolver.Resolver(configure=False)
    res.nameservers = ['127.0.0.1']
    res.port = port
    res.lifetime = 5.0

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode('ascii')
        try:
            ans = res.resolve(name, 'TXT')
        except Exception:
            return None
        for rr in ans:
            return b''.join(rr.strings)
        return None
    return dnsfunc


def tags(value):
    out = {}
    for part in re.sub(rb'\s+', b'', value).split(b';'):
        if b'=' in part:
            k, v = part.split(b'=', 1)
            out[k.decode()] = v.decode(errors='replace')
    return out


def cmd_sign(keyfile, domain, selector):
    msg = crlf(sys.stdin.buffer.read())
    with open(keyfile, 'rb') as f:
        key = f.read()
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    canonicalize=(b'relaxed', b'relaxed'),
                    include_headers=SIGNED_HEADERS)
    if not sig:
        sys.stderr.write('dkimpy.py: signing failed\n')
        return 2
    sys.stdout.buffer.write(crlf(sig) + msg)
    return 0


def cmd_verify(port, path):
    with open(path, 'rb') as f:
        msg = crlf(strip_sink_headers(f.read()))
    dnsfunc = make_dnsfunc(int(port))
    d = dkim.DKIM(msg, minkey=1024)
    sigs = [v for (k, v) in d.headers if k.lower() == b'dkim-signature']
    if not sigs:
        print('no DKIM-Signature')
        return 1
    allpass = True
    for i, value in enumerate(sigs):
        t = tags(value)
        try:
            ok = d.verify(idx=i, dnsfunc=dnsfunc)
        except Exception as e:
            sys.stderr.write('dkimpy.py: sig %d: %s\n' % (i + 1, e))
            ok = False
        allpass = allpass and ok
        print('sig %d d=%s s=%s a=%s result=%s' % (
            i + 1, t.get('d', '?'), t.get('s', '?'), t.get('a', '?'),
            'pass' if ok else 'fail'))
    return 0 if allpass else 1


def main(argv):
    if len(argv) == 5 and argv[1] == 'sign':
        return cmd_sign(argv[2], argv[3], argv[4])
    if len(argv) == 3 and argv[1] == 'strip':
        with open(argv[2], 'rb') as f:
            sys.stdout.buffer.write(crlf(strip_sink_headers(f.read())))
        return 0
    if len(argv) == 4 and argv[1] == 'verify':
        return cmd_verify(argv[2], argv[3])
    sys.stderr.write('usage: dkimpy.py sign KEY DOMAIN SELECTOR | '
                     'verify DNSPORT FILE | strip FILE\n')
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
