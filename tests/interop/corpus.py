#!/usr/bin/python3
# corpus.py - write the interop messages that stress canonicalization
#
# Usage: corpus.py DIR
#        corpus.py --mutate DIR FILE...
# Writes DIR/NAME.eml for every message below and prints the names, one a
# line.  With --mutate, writes for each signed FILE two tampered copies,
# DIR/body.BASENAME (one body octet changed: "interoperability" becomes
# "interoperabilitY") and DIR/header.BASENAME (the signed Subject changed:
# "interop " becomes "interop-"); a copy the change does not apply to is
# not written and is named on stderr.
#
# The bytes are built here rather than kept as files in git, so no editor,
# checkout or .gitattributes can strip a trailing blank or turn CRLF into
# LF.  Every message is From: user@example.com, so a signature with
# d=example.com has the author role.
#
# What each message stresses (RFC 6376 section 3.4):
#   crlf        a plain message with CRLF line ends (the wire form)
#   lf          the same with bare LF line ends (a Unix mailbox file); every
#               tool must treat LF as the line end, as an MTA does
#   trailws     SP and HTAB at the end of header values and body lines, runs
#               of WSP inside lines, WSP-only lines inside the body
#   empty       no body at all (simple hashes CRLF, relaxed hashes nothing)
#   blankend    blank lines, and lines of only WSP, at the end of the body
#   nofinaleol  a body whose last line has no CRLF
#   folded      header fields folded over several lines with SP and HTAB
#   dup         two To: and two Received: (h= picks them bottom-up, 5.4.2)
#   long        900-octet body lines and a 900-octet unfolded header field
#               (long but under the 998 limit of RFC 5322 2.1.1)
#   utf8        8-bit UTF-8 in the body and, raw, in Subject (RFC 6532)
import os
import re
import sys

CRLF = b"\r\n"


def msg(headers, body_lines, eol=CRLF, final_eol=True):
    """Join header lines and body lines with eol; body_lines None = no body"""
    out = eol.join(headers) + eol + eol
    if body_lines is not None:
        out += eol.join(body_lines)
        if final_eol:
            out += eol
    return out


def common(name, subject=None):
    return [
        b"From: Example User <user@example.com>",
        b"To: Receiver <rcpt@example.org>",
        b"Subject: " + (subject or b"interop " + name.encode()),
        b"Date: Mon, 01 Jan 2024 10:00:00 +0000",
        b"Message-ID: <" + name.encode() + b".interop@example.com>",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=utf-8",
    ]


BODY = [
    b"Hello,",
    b"",
    b"this is a test message for DKIM interoperability.",
    b"It has a few lines of plain text.",
    b"",
    b"Regards,",
    b"  the interop suite",
]


def corpus():
    m = {}
    m["crlf"] = msg(common("crlf"), BODY)
    m["lf"] = msg(common("lf"), BODY, eol=b"\n")

    h = common("trailws", subject=b"trailing   blanks \t ")
    h.insert(2, b"X-Trailing:\t  value with  inner   runs  \t")
    h.append(b"X-Empty-Value: ")
    m["trailws"] = msg(h, [
        b"line with trailing spaces   ",
        b"line with a trailing tab\t",
        b"inner  runs \t of\t\twhitespace",
        b"   ",
        b"\t",
        b"last line with blanks  \t ",
    ])

    m["empty"] = msg(common("empty"), None)

    m["blankend"] = msg(common("blankend"), BODY + [
        b"", b"", b"   ", b"\t", b"", b"",
    ])

    m["nofinaleol"] = msg(common("nofinaleol"), BODY + [
        b"the last line has no line end",
    ], final_eol=False)

    h = common("folded")
    h[1] = (b"To: First Receiver <rcpt@example.org>,\r\n"
            b"\tSecond Receiver <rcpt2@example.org>,\r\n"
            b"    Third Receiver <rcpt3@example.org>")
    h[2] = (b"Subject: a subject folded\r\n over\r\n\t three lines")
    h.append(b"X-Folded:\r\n\tstarts on the next line \r\n\t  and ends with"
             b" blanks  ")
    m["folded"] = msg(h, BODY)

    h = [
        b"Received: from relay2.example.net (relay2.example.net"
        b" [192.0.2.2])\r\n\tby mx.example.org; Mon, 01 Jan 2024 10:00:02"
        b" +0000",
        b"Received: from mail.example.com (mail.example.com [192.0.2.1])"
        b"\r\n\tby relay2.example.net; Mon, 01 Jan 2024 10:00:01 +0000",
    ] + common("dup")
    h.insert(4, b"To: Second To <second@example.org>")
    m["dup"] = msg(h, BODY)

    h = common("long")
    h.append(b"X-Long: " + b"".join(b"%03d-" % (i % 1000)
                                    for i in range(180))[:900])
    m["long"] = msg(h, [
        b"x" * 900,
        (b"word " * 180)[:900],
        b"short line",
        (b"0123456789" * 90),
    ])

    h = common("utf8", subject="Grüße aus Köln — ✓ 日本語".encode())
    h[1] = "To: Jürgen Müller <rcpt@example.org>".encode()
    h.append(b"Content-Transfer-Encoding: 8bit")
    m["utf8"] = msg(h, [
        "Grüße, Zoë! Ça va? Ελληνικά, русский, 日本語, emoji 📬.".encode(),
        "Trailing 8-bit then blanks: ß  ".encode(),
        b"",
        "Ende.".encode(),
    ])
    return m


def mutate(outdir, files):
    rc = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        head, sep, body = data.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = data.partition(b"\n\n")
        base = os.path.basename(path)
        for what, new in (
                ("body", head + sep + body.replace(
                    b"interoperability", b"interoperabilitY", 1)),
                ("header", re.sub(rb"(?m)^Subject: interop ",
                                  b"Subject: interop-", head, count=1)
                 + sep + body)):
            if new == data:
                sys.stderr.write("corpus.py: no %s change in %s\n"
                                 % (what, path))
                rc = 1
                continue
            with open(os.path.join(outdir, what + "." + base), "wb") as f:
                f.write(new)
    return rc


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--mutate":
        return mutate(sys.argv[2], sys.argv[3:])
    if len(sys.argv) != 2:
        sys.stderr.write("usage: corpus.py DIR | --mutate DIR FILE...\n")
        return 2
    for name, data in corpus().items():
        with open(os.path.join(sys.argv[1], name + ".eml"), "wb") as f:
            f.write(data)
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
