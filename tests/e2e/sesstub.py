#!/usr/bin/python3
# sesstub.py - a small SMTP server on loopback that plays Amazon SES
#
#   sesstub.py PORT OUTDIR
#
# Listens on 127.0.0.1:PORT (creates OUTDIR/ready once it does) and
# accepts mail the way the SES SMTP endpoint treats it, as far as the
# end-to-end suite needs (SES's "Manual DKIM signing in Amazon SES"):
#   - a message that already carries a DKIM-Signature with
#     d=amazonses.com is refused after DATA with
#     "554 Transaction failed: Duplicate header 'DKIM-Signature'."
#     (SES adds that signature itself);
#   - any other message is accepted, its Message-ID and Date replaced
#     (SES sets its own), and written to OUTDIR/NNNN.eml as relayed, CRLF.
# Every transaction is logged in OUTDIR/log, one line each ("accepted
# FILE" or "refused 554 ...").  Runs until killed.
import os
import re
import socketserver
import sys
import threading
import time

REFUSAL = b"554 Transaction failed: Duplicate header 'DKIM-Signature'."
count = 0
lock = threading.Lock()


def header_fields(head):
    """The unfolded header fields of head (bytes, CRLF) as (name, value)."""
    fields = []
    for line in head.split(b'\r\n'):
        if line[:1] in (b' ', b'\t') and fields:
            fields[-1][1] += b'\r\n' + line
        elif b':' in line:
            name, value = line.split(b':', 1)
            fields.append([name, value])
    return fields


def esp_signed(head):
    """A DKIM-Signature with d=amazonses.com among the fields."""
    for name, value in header_fields(head):
        if name.strip().lower() != b'dkim-signature':
            continue
        flat = re.sub(rb'\s+', b'', value).lower()
        if re.search(rb'(^|;)d=amazonses\.com(;|$)', flat):
            return True
    return False


def rewrite(head):
    """Message-ID and Date as SES sets them."""
    out = []
    stamp = time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())
    mid = '<0100%013x-stub@email.amazonses.com>' % int(time.time() * 1000)
    for name, value in header_fields(head):
        key = name.strip().lower()
        if key == b'message-id':
            value = b' ' + mid.encode()
        elif key == b'date':
            value = b' ' + stamp.encode()
        out.append(name + b':' + value)
    return b'\r\n'.join(out)


def log(outdir, text):
    with lock:
        with open(os.path.join(outdir, 'log'), 'a') as f:
            f.write(text + '\n')


class Handler(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write(line + b'\r\n')
        self.wfile.flush()

    def handle(self):
        global count
        outdir = self.server.outdir
        self.say(b'220 email-smtp.stub.e2e.test ESMTP SES stand-in')
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.strip().upper()
            if cmd.startswith(b'EHLO'):
                self.say(b'250-email-smtp.stub.e2e.test')
                self.say(b'250 8BITMIME')
            elif cmd.startswith(b'HELO'):
                self.say(b'250 email-smtp.stub.e2e.test')
            elif cmd.startswith((b'MAIL', b'RCPT', b'RSET', b'NOOP')):
                self.say(b'250 Ok')
            elif cmd == b'DATA':
                self.say(b'354 End data with <CR><LF>.<CR><LF>')
                lines = []
                while True:
                    d = self.rfile.readline()
                    if not d:
                        return
                    d = d.rstrip(b'\r\n')
                    if d == b'.':
                        break
                    lines.append(d[1:] if d.startswith(b'.') else d)
                msg = b'\r\n'.join(lines) + b'\r\n'
                head, sep, body = msg.partition(b'\r\n\r\n')
                if esp_signed(head):
                    log(outdir, 'refused ' + REFUSAL.decode())
                    self.say(REFUSAL)
                    continue
                with lock:
                    count += 1
                    name = os.path.join(outdir, '%04d.eml' % count)
                with open(name, 'wb') as f:
                    f.write(rewrite(head) + sep + body)
                log(outdir, 'accepted ' + name)
                self.say(b'250 Ok stub-%04d' % count)
            elif cmd == b'QUIT':
                self.say(b'221 Bye')
                return
            else:
                self.say(b'502 Command not implemented')


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: sesstub.py PORT OUTDIR\n')
        return 2
    srv = Server(('127.0.0.1', int(argv[1])), Handler)
    srv.outdir = argv[2]
    open(os.path.join(argv[2], 'ready'), 'w').close()
    srv.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
