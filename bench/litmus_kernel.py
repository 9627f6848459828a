#!/usr/bin/env python3
"""litmus_kernel.py --vmlock PATH --herd PATH --tree TREE [--reps N] -
time to check the kernel's two litmus folders with `vmlock litmus` beside
herd7 with the LKMM, in the same run, each pinned to one core (taskset -c 0),
best of N; and per test, our executions explored beside herd7's candidate
executions (Positive + Negative) and final states.  Prints a Markdown
report with the command, date, commit and machine."""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time


def timed(cmd, cwd=None):
    t0 = time.monotonic()
    out = subprocess.run(["taskset", "-c", "0"] + cmd, cwd=cwd, capture_output=True, text=True)
    return time.monotonic() - t0, out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmlock", required=True)
    ap.add_argument("--herd", required=True)
    ap.add_argument("--tree", required=True)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    mm = os.path.join(a.tree, "tools/memory-model")
    dirs = [os.path.join(mm, "litmus-tests"), os.path.join(a.tree, "Documentation/litmus-tests")]
    files = []
    for d in dirs:
        for root, _, fs in os.walk(d):
            files += [os.path.join(root, f) for f in fs if f.endswith(".litmus")]
    files.sort()
    herd_t, ours_t = [], []
    for _ in range(a.reps):
        t, herd_out = timed([os.path.abspath(a.herd), "-conf", "linux-kernel.cfg"] + files, cwd=mm)
        herd_t.append(t)
        t, ours_out = timed([os.path.abspath(a.vmlock), "litmus", "--json"] + dirs)
        ours_t.append(t)
    herd = {}
    for blk in herd_out.split("\nTest ")[0:]:
        m = re.search(r"Observation (\S+) (\w+) (\d+) (\d+)", blk)
        s = re.search(r"States (\d+)", blk)
        if m:
            herd[m.group(1)] = (m.group(2), int(m.group(3)) + int(m.group(4)), int(s.group(1)) if s else 0)
    ours = [json.loads(l) for l in ours_out.splitlines()]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    cpu = ""
    try:
        cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
    except (OSError, IndexError):
        pass
    print("# The kernel's litmus tests: vmlock litmus beside herd7\n")
    print("- command: `%s`" % " ".join(["bench/litmus_kernel.py"] + sys.argv[1:]))
    print("- date: %s; commit: %s; machine: %s, %s, %d cores (each tool pinned to core 0)"
          % (time.strftime("%Y-%m-%d"), commit, platform.node() and "x86_64", cpu, os.cpu_count()))
    print("- %d tests; best of %d runs\n" % (len(files), a.reps))
    print("| tool | time (s), best | all runs |")
    print("|---|---|---|")
    print("| herd7 %s (LKMM) | %.3f | %s |" % ("7.58", min(herd_t), " ".join("%.3f" % t for t in herd_t)))
    print("| vmlock litmus | %.3f | %s |" % (min(ours_t), " ".join("%.3f" % t for t in ours_t)))
    print("\n| test | LKMM | ours | our executions | herd7 executions | herd7 states |")
    print("|---|---|---|---|---|---|")
    tot_o = tot_h = 0
    for r in ours:
        h = herd.get(r["name"], ("?", 0, 0))
        ex = r.get("execs", 0) + r.get("filtered", 0) + r.get("blocked", 0)
        tot_o += ex
        tot_h += h[1]
        print("| %s | %s | %s | %d | %d | %d |" % (r["name"], h[0], r.get("verdict", r["status"]),
                                                 ex, h[1], h[2]))
    print("| **all** | | | %d | %d | |" % (tot_o, tot_h))


if __name__ == "__main__":
    main()
