#!/usr/bin/python3
"""check.py - judge one `dkimlens-keytool dns` report for tests/diag/run.sh

  check.py problems JSON [STATUS:CHECK:NAME ...]
      the warn and fail findings are exactly these (as a multiset)
  check.py has JSON STATUS:CHECK:NAME ...
      these findings (of any status) are present, among others
  check.py text JSON TEXT
      the text output says the same as the JSON: one line per finding in
      the same order ("STATUS  CHECK NAME ..."), worst first, each warn
      or fail with its evidence and fix, then the one-line summary

Prints why on failure and exits 1; exits 0 when the report is as wanted.
"""
import json
import sys

RANK = {"fail": 2, "warn": 1, "ok": 0}
IDS = {"delegation", "ns-consistency", "ns-unreachable", "not-delegated",
       "selector-missing", "duplicated-apex", "no-underscore",
       "cname-target", "stray-characters", "txt-via-cname",
       "multiple-records", "key-record", "key-revoked", "key-testing",
       "key-weak", "key-mismatch"}


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc.get("domain"), str):
        sys.exit("no domain in the JSON")
    for x in doc["findings"]:
        for k in ("check", "status", "name", "server", "evidence", "fix"):
            if not isinstance(x.get(k), str):
                sys.exit("finding without %s: %r" % (k, x))
        if x["check"] not in IDS or x["status"] not in RANK:
            sys.exit("unknown check or status: %r" % x)
    return doc


def key(x):
    return "%s:%s:%s" % (x["status"], x["check"], x["name"])


def problems(doc, want):
    got = sorted(key(x) for x in doc["findings"] if x["status"] != "ok")
    if got != sorted(want):
        sys.exit("findings\n  got:  %s\n  want: %s" %
                 ("\n        ".join(got) or "(none)",
                  "\n        ".join(sorted(want)) or "(none)"))


def has(doc, want):
    got = [key(x) for x in doc["findings"]]
    missing = [w for w in want if w not in got]
    if missing:
        sys.exit("missing %s; got %s" % (missing, got))


def text(doc, path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    fs = doc["findings"]
    if len(lines) != len(fs) + 1:
        sys.exit("%d text lines for %d findings" % (len(lines), len(fs)))
    prev = 2
    for line, x in zip(lines, fs):
        words = line.split()
        if len(words) > 2:
            words[2] = words[2].rstrip(":")
        if words[:3] != [x["status"], x["check"], x["name"]]:
            sys.exit("text line %r is not finding %r" % (line, x))
        if RANK[x["status"]] > prev:
            sys.exit("not worst first at %r" % line)
        prev = RANK[x["status"]]
        if x["evidence"] not in line:
            sys.exit("evidence missing from %r" % line)
        if x["status"] != "ok":
            if not x["evidence"] or not x["fix"]:
                sys.exit("no evidence or fix: %r" % x)
            if ("fix: " + x["fix"]) not in line:
                sys.exit("fix missing from %r" % line)
    n = {s: sum(1 for x in fs if x["status"] == s) for s in RANK}
    summary = "%s: %d fail, %d warn, %d ok: " % (doc["domain"], n["fail"],
                                                n["warn"], n["ok"])
    if not lines[-1].startswith(summary):
        sys.exit("summary %r, want it to start %r" % (lines[-1], summary))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    doc = load(path)
    if mode == "problems":
        problems(doc, sys.argv[3:])
    elif mode == "has":
        has(doc, sys.argv[3:])
    elif mode == "text":
        text(doc, sys.argv[3])
    else:
        sys.exit("unknown mode " + mode)


main()
