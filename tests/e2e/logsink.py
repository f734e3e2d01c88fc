#!/usr/bin/python3
# logsink.py - a syslog receiver on a unix datagram socket, for the suite
#
#   logsink.py SOCKET OUT
#
# Binds SOCKET (mode 0666) as /dev/log does, creates SOCKET.ready, then
# appends every datagram received to OUT, one per line, as it came
# ("<PRI>timestamp tag: message"), until killed.  The milter's /dev/log
# is pointed here inside a private mount namespace (see run.sh), so
# nothing on the machine changes.
import os
import socket
import sys


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: logsink.py SOCKET OUT\n')
        return 2
    path, out = argv[1], argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    open(path + '.ready', 'w').close()
    with open(out, 'ab', buffering=0) as f:
        while True:
            d = s.recv(65536)
            f.write(d.rstrip(b'\n') + b'\n')


if __name__ == '__main__':
    sys.exit(main(sys.argv))
