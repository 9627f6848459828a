#!/usr/bin/env python3
"""litmus_known.py VMLOCK KNOWN MIN DIR... - `vmlock litmus` on DIRs against
a list of the tests that are not simply `ok` (KNOWN).

Each line of KNOWN: NAME STATUS [REASON...]  # comment.  STATUS is the
status the test must have (DISAGREE, no-expectation, unsupported), or
`blind`: unsupported because of a blind spot of the simulator, its reason
starting with REASON ("load buffering", "modification order"), and our
verdict (which blind.c holds back) different from the file's Result: the
classifier is what keeps a wrong verdict out.  A test not listed must be
`ok`.  Fails on any difference, on a listed test that is not there, on
fewer than MIN tests, and when vmlock exits other than 0 or 1."""
import json
import subprocess
import sys


def main():
    vmlock, known_path, least, dirs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    out = subprocess.run([vmlock, "litmus", "--json"] + dirs, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        print("vmlock litmus exited %d: %s" % (out.returncode, out.stderr))
        return 1
    res = [json.loads(line) for line in out.stdout.splitlines()]
    known = {}
    for line in open(known_path):
        f = line.split("#")[0].split()
        if f:
            known[f[0]] = (f[1], " ".join(f[2:]))
    bad = 0
    for r in res:
        want, reason = known.get(r["name"], ("ok", ""))
        got, why = r["status"], r.get("unsupported", "")
        fine = got == want
        if want == "blind":
            fine = (got == "unsupported" and why.startswith(reason) and
                    r.get("verdict") not in (None, r["expected"]))
        line = "%-56s %-14s %s %s" % (r["name"], got, r.get("verdict", ""), why)
        if not fine:
            print("FAIL " + line + "  (listed: %s %s)" % (want, reason))
            bad += 1
        else:
            print("     " + line)
    names = {r["name"] for r in res}
    for n in known:
        if n not in names:
            print("FAIL %s: listed in %s but not run" % (n, known_path))
            bad += 1
    if len(res) < least:
        print("FAIL only %d tests (want at least %d)" % (len(res), least))
        bad += 1
    print("%d tests, %d failures" % (len(res), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
