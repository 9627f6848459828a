#!/usr/bin/env python3
"""table.py WORK SEEDS CAP VARIANTS... - the tables of bench/results/relacy.md
from run.sh's work directory: Relacy's result lines (rl.VARIANT), the
vmlock fuzz table of bench/time_to_find.py (fuzz.md), the libFuzzer table of
bench/find_variants.sh (lf.md), the rates on the correct lock (rate.*)."""
import re
import statistics
import sys

LINE = re.compile(r"relacy: (\S+) (\S+) (\S+) seed \S+: (?:(.+?) at iteration "
                  r"(\d+) in ([\d.]+) s|clean after (\d+) iterations in ([\d.]+) s)"
                  r"(?:.*?\[([a-z-]+)\])?")
SCHEDS = ["random", "bound-1", "bound-2", "full"]


def relacy_rows(path):
    """{sched: [(found, iterations, seconds, report)]} and the test name."""
    by, test = {s: [] for s in SCHEDS}, "?"
    for line in open(path):
        m = LINE.match(line.strip())
        if not m:
            continue
        test, sched = m.group(1), m.group(3)
        if m.group(4):
            report = m.group(4) + (f" ({m.group(9)})" if m.group(9) else "")
            by[sched].append((True, int(m.group(5)), float(m.group(6)), report))
        else:
            by[sched].append((False, int(m.group(7)), float(m.group(8)), None))
    return by, test


def cell(rows, seeded):
    """"iterations / seconds" to the first find, medians over the rows
    (seeded: the misses count at their cap); "none in N" where no row
    found (N below the cap: the search completed)."""
    if not rows:
        return "-"
    found = [r for r in rows if r[0]]
    if not found:
        return f"none in {max(r[1] for r in rows):,}"
    its = statistics.median(r[1] for r in rows if r[0] or seeded)
    secs = statistics.median(r[2] for r in found)
    prefix = f"{len(found)}/{len(rows)}: " if seeded and len(found) < len(rows) else ""
    return f"{prefix}{its:g} / {secs:.3f}"


def explore_rows(path):
    """{name: [(found, runs, seconds, verdict)]} of run.sh's explore lines."""
    by = {}
    for line in open(path):
        p = line.split()
        if len(p) >= 4 and p[2]:
            by.setdefault(p[0], []).append(
                (p[1] == "found", int(p[2]), float(p[3]), p[4] if len(p) > 4 else None))
    return by


def md_rows(path, key):
    """Rows of a markdown table whose first cell is a variant name."""
    rows = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 3 and cells[0] not in ("variant", "---"):
            rows[cells[0]] = cells
    return rows


def main():
    work, seeds, cap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    variants = sys.argv[4:]
    fuzz = md_rows(f"{work}/fuzz.md", 0)
    lf = md_rows(f"{work}/lf.md", 0)
    print("| variant | Relacy test | Relacy random | Relacy context bound 1 "
          "| Relacy context bound 2 | Relacy full search "
          "| `vmlock explore` PCT | `vmlock explore` exhaustive, 1 preemption "
          "| 2 preemptions | 3 preemptions | `vmlock fuzz` | libFuzzer "
          "| Relacy reports | we report |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for v in variants:
        by, test = relacy_rows(f"{work}/rl.{v}")
        cells = [cell(by[s], s == "random") for s in SCHEDS]
        reports = sorted({r[3] for s in SCHEDS for r in by[s] if r[0]})
        ex = explore_rows(f"{work}/ex.{v}")
        cells += [cell(ex.get(n, []), n == "pct")
                  for n in ("pct", "exhaustive-1", "exhaustive-2", "exhaustive-3")]
        f = fuzz.get(v)
        fz = f"{f[2]}: {f[3]} / {float(f[5]) / 1000:.3f}" if f else "-"
        l = lf.get(v)
        lfc = f"{l[2]}: {l[3]} / {l[5]}" if l else "-"
        ours = l[7] if l else "-"
        print(f"| {v} | {test} | " + " | ".join(cells) +
              f" | {fz} | {lfc} | {'; '.join(reports) or '-'} | {ours} |")
    print()
    print("| on the correct lock | unit | count | seconds | per second |")
    print("|---|---|---|---|---|")
    for line in open(f"{work}/rate.relacy"):
        m = LINE.match(line.strip())
        if m and m.group(7):
            n, s = int(m.group(7)), float(m.group(8))
            print(f"| Relacy {m.group(1)}, random | iteration | {n:,} | {s:.2f} "
                  f"| {n / s:,.0f} |")
    for line in open(f"{work}/rate.ours"):
        parts = line.split()
        if parts[0] == "vmlock":
            n, s = int(parts[2]), float(parts[3])
            print(f"| `vmlock fuzz` | input (1-3 schedules) | {n:,} | {s:.2f} "
                  f"| {n / s:,.0f} |")
        elif len(parts) == 3:
            print(f"| libFuzzer (ASan+UBSan) | run | {int(parts[1]):,} | "
                  f"| {int(parts[2]):,} |")


if __name__ == "__main__":
    main()
