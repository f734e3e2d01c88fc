#!/usr/bin/python3
"""dkim_interop - python3-dkim against what dkimlens-keytool prints.

usage: dkim_interop.py sign-verify KEY.pem ZONEFILE
           sign a test message with python3-dkim using KEY.pem (PKCS#1 or
           PKCS#8 RSA), then verify it against the record in ZONEFILE
       dkim_interop.py verify MESSAGE ZONEFILE
           verify the DKIM-Signature of MESSAGE against ZONEFILE

ZONEFILE holds one zone-file line as keytool prints it:
  S._domainkey.D. IN TXT ( "v=DKIM1; k=rsa; p=..." "..." )
Selector and domain come from its owner name; the TXT strings (each at
most 255 characters, RFC 1035 3.3) are joined as a resolver would.
Exit 0 when the signature verifies, 1 when it does not, 2 on bad input.
"""
import re
import sys

import dkim

ZONE_RE = re.compile(r'^([A-Za-z0-9.-]+)\._domainkey\.([A-Za-z0-9.-]+)\. '
                     r'IN TXT \( ((?:"[^"]*" )+)\)$')


def parse_zone(path):
    """(selector, domain, joined TXT value) from a zone-file line"""
    with open(path, encoding='ascii') as f:
        line = f.read().strip()
    m = ZONE_RE.match(line)
    if m is None:
        print('not a zone-file TXT line: %r' % line)
        sys.exit(2)
    strings = re.findall(r'"([^"]*)"', m.group(3))
    if any(len(s) > 255 for s in strings):
        print('a character-string longer than 255')
        sys.exit(1)
    return m.group(1), m.group(2), ''.join(strings).encode('ascii')


def resolver(selector, domain, record):
    """a dnsfunc answering only for selector._domainkey.domain"""
    want = ('%s._domainkey.%s.' % (selector, domain)).lower().encode()

    def dnsfunc(name, timeout=5):
        n = name if isinstance(name, bytes) else name.encode()
        if not n.endswith(b'.'):
            n += b'.'
        return record if n.lower() == want else None
    return dnsfunc


def message(domain):
    return ('From: Alice <alice@%s>\r\n'
            'To: bob@example.org\r\n'
            'Subject: dkimlens-keytool interop\r\n'
            'Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n'
            'Message-ID: <keytool-test@%s>\r\n'
            '\r\n'
            'Signed with a key that dkimlens-keytool check accepted.\r\n'
            % (domain, domain)).encode('ascii')


def main(argv):
    if len(argv) != 4 or argv[1] not in ('sign-verify', 'verify'):
        print(__doc__)
        return 2
    selector, domain, record = parse_zone(argv[3])
    if argv[1] == 'sign-verify':
        with open(argv[2], 'rb') as f:
            key = f.read()
        msg = message(domain)
        sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                        include_headers=[b'from', b'to', b'subject',
                                         b'date', b'message-id'])
        msg = sig + msg
    else:
        with open(argv[2], 'rb') as f:
            msg = f.read()
    ok = dkim.verify(msg, dnsfunc=resolver(selector, domain, record))
    print('verify: %s' % ('pass' if ok else 'fail'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
