#!/bin/sh
# litmus_kernel.sh VMLOCK KNOWN [TREE] - `vmlock litmus` on the kernel's own
# litmus tests (TREE/tools/memory-model/litmus-tests and
# TREE/Documentation/litmus-tests, from tools/kernel-source.sh --litmus).
#
# Fails on any disagreement not listed in KNOWN (tests/litmus/kernel-known.txt:
# the simulator's documented blind spots, each with its cause), on a listed
# one that no longer disagrees (the list must stay true), and on any test
# that is not supported (the supported set may not shrink: today it is all
# of them).  Without a tree: exit 77 (skipped), saying so.
set -eu
VMLOCK=$1 KNOWN=$2
TREE=${3:-${VMLOCK_KERNEL_SRC:-}}
if [ -z "$TREE" ] || [ ! -d "$TREE/tools/memory-model/litmus-tests" ] ||
	[ ! -d "$TREE/Documentation/litmus-tests" ]; then
	echo "litmus_kernel: no kernel tree with its litmus tests (tools/kernel-source.sh --litmus, then VMLOCK_KERNEL_SRC=<tree>): skipped"
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$VMLOCK" litmus --json "$TREE/tools/memory-model/litmus-tests" "$TREE/Documentation/litmus-tests" >"$out" || rc=$?
[ "$rc" -le 1 ] || { echo "litmus_kernel: vmlock litmus exited $rc"; exit 1; }
python3 - "$out" "$KNOWN" <<'PY'
import json, sys
res = [json.loads(l) for l in open(sys.argv[1])]
known = {}
for line in open(sys.argv[2]):
    line = line.split("#")[0].strip()
    if line:
        name, status = line.split()[:2]
        known[name] = status
bad = 0
for r in res:
    want = known.get(r["name"], "ok")
    got = r["status"]
    line = "%-56s %-14s %s" % (r["name"], got, r.get("verdict", r.get("unsupported", "")))
    if got != want:
        print("FAIL " + line + "  (listed: %s)" % want)
        bad += 1
    else:
        print("     " + line)
names = {r["name"] for r in res}
for n in known:
    if n not in names:
        print("FAIL %s: listed in %s but not in the tree" % (n, sys.argv[2]))
        bad += 1
if len(res) < 47:
    print("FAIL only %d tests (the 7.3 tree has 47)" % len(res))
    bad += 1
print("%d tests, %d failures" % (len(res), bad))
sys.exit(1 if bad else 0)
PY
