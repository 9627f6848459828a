#!/usr/bin/env python3
"""litmus_diff.py --vmlock PATH --herd PATH --lkmm DIR [--n N] [--ww K]
[--rcu M] [--seed S] [--work DIR] [--save DIR] - differential test of
`vmlock litmus` against herd7 with the LKMM on generated tests
(bench/litmus_gen.py: N tests in the lock's shapes, K more 2+2W shapes, by
default N/10, M more RCU shapes, by default none).

herd7 runs from DIR (the kernel's tools/memory-model, for linux-kernel.cfg)
and gives each test's Observation; vmlock litmus --json gives ours.  Prints
the agreement, the disagreements by direction (ours Never where the LKMM
allows the outcome: a behaviour the simulator does not produce; ours
Sometimes where the LKMM forbids it: a false alarm), the tests vmlock
reports unsupported, and herd7's time beside ours.  A test unsupported for
a blind spot (blind.c) still carries our verdict: the run counts how many of
them would have disagreed (the classifier was needed) and how many would
have agreed anyway (what its conservatism costs), per shape (G, W, R).  --save DIR copies each
disagreeing test there with its reference verdict as a Result: line."""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_herd(herd, lkmm, files, chunk=200):
    obs = {}
    t0 = time.monotonic()
    for i in range(0, len(files), chunk):
        out = subprocess.run([herd, "-conf", "linux-kernel.cfg"] + files[i:i + chunk],
                             cwd=lkmm, capture_output=True, text=True).stdout
        for m in re.finditer(r"^Observation (\S+) (\w+) (\d+) (\d+)", out, re.M):
            obs[m.group(1)] = (m.group(2), int(m.group(3)) + int(m.group(4)))
    return obs, time.monotonic() - t0


def run_ours(vmlock, d):
    t0 = time.monotonic()
    out = subprocess.run([vmlock, "litmus", "--json", d], capture_output=True, text=True)
    if out.returncode == 2:
        sys.exit("vmlock litmus: " + out.stderr)
    res = {}
    for line in out.stdout.splitlines():
        j = json.loads(line)
        res[j["name"]] = j
    return res, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmlock", required=True)
    ap.add_argument("--herd", required=True)
    ap.add_argument("--lkmm", required=True)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--ww", type=int)
    ap.add_argument("--rcu", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="build/litmus-diff")
    ap.add_argument("--save")
    a = ap.parse_args()
    a.herd, a.vmlock = os.path.abspath(a.herd), os.path.abspath(a.vmlock)
    gen = os.path.join(a.work, "gen")
    if a.ww is None:
        a.ww = a.n // 10
    subprocess.run([sys.executable, os.path.join(HERE, "litmus_gen.py"), str(a.n),
                    str(a.seed), gen, str(a.ww), str(a.rcu)], check=True)
    count = {"G": a.n, "W": a.ww, "R": a.rcu}
    files = sorted(os.path.abspath(os.path.join(gen, f)) for f in os.listdir(gen)
                   if f.endswith(".litmus") and
                   int(f[1:6]) < count.get(f[0], 0))
    ref, herd_s = run_herd(a.herd, a.lkmm, files)
    ours, ours_s = run_ours(a.vmlock, gen)
    agree, unsup, missing = 0, [], []
    stronger, weaker = [], []
    blind = {}  # shape -> [needed, would have agreed]
    shapes = {}
    for f in files:
        name = os.path.basename(f)[:-len(".litmus")]
        if name not in ref:
            missing.append(name)
            continue
        o = ours.get(name)
        shapes[name[0]] = shapes.get(name[0], 0) + 1
        if o is None or o["status"] == "unsupported":
            unsup.append((name, o and o.get("unsupported")))
            if o and "verdict" in o:
                cls = o["unsupported"].split(" (")[0]
                k = blind.setdefault((name[0], cls), [0, 0])
                k[o["verdict"] == ref[name][0]] += 1
            continue
        want, got = ref[name][0], o["verdict"]
        if want == got:
            agree += 1
        elif got == "Never" or (want == "Always" and got == "Sometimes"):
            stronger.append((name, want, got))
        else:
            weaker.append((name, want, got))
    checked = agree + len(stronger) + len(weaker)
    print("generated %d (seed %d: %s); herd7 judged %d; vmlock unsupported %d" %
          (len(files), a.seed, ", ".join("%s %d" % kv for kv in sorted(shapes.items())),
           len(files) - len(missing), len(unsup)))
    for (shape, cls), (needed, fine) in sorted(blind.items()):
        print("  unsupported, %s: shape %s: %d (our verdict would disagree on %d, agree on %d)"
              % (cls, shape, needed + fine, needed, fine))
    print("agreement: %d/%d (%.2f%%)" % (agree, checked, 100.0 * agree / max(checked, 1)))
    print("ours stronger (an LKMM-allowed outcome not produced): %d" % len(stronger))
    print("ours weaker (an LKMM-forbidden outcome produced): %d" % len(weaker))
    print("time: herd7 %.2f s, vmlock litmus %.2f s" % (herd_s, ours_s))
    for name, want, got in stronger + weaker:
        print("  DISAGREE %s: LKMM %s, ours %s" % (name, want, got))
    for name, why in [u for u in unsup if "verdict" not in (ours.get(u[0]) or {})][:20]:
        print("  unsupported %s: %s" % (name, why))
    if a.save:
        os.makedirs(a.save, exist_ok=True)
        for name, want, got in stronger + weaker:
            text = open(os.path.join(gen, name + ".litmus")).read()
            text = text.replace("\n{}", "\n(* Generated by bench/litmus_gen.py (seed %d).\n"
                                " * Result: %s\n * (herd7 with the LKMM; vmlock litmus: %s) *)\n\n{}"
                                % (a.seed, want, got), 1)
            open(os.path.join(a.save, name + ".litmus"), "w").write(text)
    return 0 if not weaker else 1


if __name__ == "__main__":
    sys.exit(main())
