#!/usr/bin/python3
# smtpstep.py - one SMTP session that waits in the middle of a message
#
#   smtpstep.py PORT LOCALADDR SENDER READY GATE MSG1 MSG2
#
# Connects to 127.0.0.1:PORT from LOCALADDR, says EHLO, MAIL FROM:<SENDER>
# and RCPT TO:<rcpt@example.net> (the MTA has passed the envelope to its
# milters: the message has begun), creates the file READY and waits (up
# to 60 s) for the file GATE.  Then it sends MSG1 as the DATA of that
# message and, in the same session, a second message MSG2 (MAIL, RCPT,
# DATA), and says QUIT.  Prints the queue id of each accepted message,
# one line each ("-" for one refused), and every reply on stderr.
# Exit 0 when both were accepted.  The suite uses it to send SIGHUP
# while a message and a connection are in progress.
import os
import socket
import sys
import time


class Session:
    def __init__(self, port, local):
        self.s = socket.create_connection(('127.0.0.1', port), timeout=60,
                                          source_address=(local, 0))
        self.f = self.s.makefile('rb')

    def reply(self):
        lines = []
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError('connection closed')
            lines.append(line.decode('latin-1').rstrip('\r\n'))
            sys.stderr.write('<- %s\n' % lines[-1])
            if len(line) < 4 or line[3:4] != b'-':
                return int(lines[-1][:3]), lines[-1]

    def cmd(self, text, want):
        sys.stderr.write('-> %s\n' % text)
        self.s.sendall(text.encode() + b'\r\n')
        code, line = self.reply()
        if code // 100 != want:
            raise RuntimeError('%s: %s' % (text, line))
        return line

    def data(self, path):
        self.cmd('DATA', 3)
        with open(path, 'rb') as f:
            body = f.read().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
        if not body.endswith(b'\r\n'):
            body += b'\r\n'
        lines = [b'.' + l if l.startswith(b'.') else l
                 for l in body.split(b'\r\n')]
        self.s.sendall(b'\r\n'.join(lines) + b'.\r\n')
        code, line = self.reply()
        if code != 250:
            return '-'
        return line.split('queued as ')[-1].strip() if 'queued as' in line \
            else '-'


def main(argv):
    if len(argv) != 8:
        sys.stderr.write('usage: smtpstep.py PORT LOCALADDR SENDER READY '
                         'GATE MSG1 MSG2\n')
        return 2
    port, local, sender, ready, gate, m1, m2 = argv[1:]
    s = Session(int(port), local)
    code, line = s.reply()
    if code != 220:
        raise RuntimeError(line)
    s.cmd('EHLO client.e2e.test', 2)
    s.cmd('MAIL FROM:<%s>' % sender, 2)
    s.cmd('RCPT TO:<rcpt@example.net>', 2)
    open(ready, 'w').close()
    deadline = time.time() + 60
    while not os.path.exists(gate):
        if time.time() > deadline:
            sys.stderr.write('smtpstep.py: no %s after 60 s\n' % gate)
            return 1
        time.sleep(0.05)
    q1 = s.data(m1)
    print(q1, flush=True)
    s.cmd('MAIL FROM:<%s>' % sender, 2)
    s.cmd('RCPT TO:<rcpt@example.net>', 2)
    q2 = s.data(m2)
    print(q2, flush=True)
    s.cmd('QUIT', 2)
    return 0 if '-' not in (q1, q2) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
