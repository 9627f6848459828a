#!/usr/bin/env python3
"""plot_ttb.py OUT.svg TABLE.md... - time to the first find, as an SVG.

Reads the markdown tables bench/find_variants.sh and bench/baselines.sh
print (columns: variant, strategy or seed bug, found, median runs, ...,
median s), and draws one group of bars per variant, one bar per
strategy, on a log scale of median seconds.  A strategy that did not find
the variant in every seed is drawn hatched at its budget.  Standard
library only.
"""
import math
import sys


def rows(path, label):
    """Yield (variant, strategy, median_s, all_found) from a table."""
    with open(path) as f:
        lines = [l.strip() for l in f if l.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rec = dict(zip(head, cells))
        found = rec.get("found", "0/1").split("/")
        strategy = rec.get("strategy", label)
        yield (rec["variant"], strategy, float(rec["median s"]),
               found[0] == found[1])


def main():
    out, tables = sys.argv[1], sys.argv[2:]
    data = []
    for t in tables:
        label = "libFuzzer" if "strategy" not in open(t).read() else ""
        data.extend(rows(t, label or "libFuzzer"))
    variants = sorted({d[0] for d in data}, key=lambda v: [d[0] for d in data].index(v))
    strategies = sorted({d[1] for d in data}, key=lambda s: [d[1] for d in data].index(s))
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    # From the power of ten below the fastest nonzero median (0.01 s at
    # most); a zero (a find faster than the table's resolution) sits on it.
    fastest = min([d[2] for d in data if d[2] > 0] + [0.01])
    lo = 10 ** math.floor(math.log10(fastest))
    hi = max(max(d[2] for d in data), 1.0) * 2
    W, H, left, bottom, top = 980, 420, 70, 90, 30
    gw = (W - left - 20) / len(variants)
    bw = gw * 0.8 / len(strategies)

    def y(s):
        s = min(max(s, lo), hi)
        return top + (H - top - bottom) * (1 - (math.log10(s) - math.log10(lo)) /
                                           (math.log10(hi) - math.log10(lo)))

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           'font-family="sans-serif" font-size="11">',
           '<defs><pattern id="h" width="4" height="4" patternUnits="userSpaceOnUse">'
           '<path d="M0,4 l4,-4" stroke="#555"/></pattern></defs>',
           f'<text x="{W/2}" y="16" text-anchor="middle" font-size="13">'
           'Median seconds to the first find (log scale; hatched: not found in every seed)</text>']
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi:
        yy = y(10 ** e)
        svg.append(f'<line x1="{left}" x2="{W-20}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{left-6}" y="{yy+4:.1f}" text-anchor="end">{10**e:g}</text>')
        e += 1
    for i, v in enumerate(variants):
        x0 = left + i * gw + gw * 0.1
        for j, s in enumerate(strategies):
            m = [d for d in data if d[0] == v and d[1] == s]
            if not m:
                continue
            _, _, sec, ok = m[0]
            yy = y(sec)
            fill = colours[j % len(colours)] if ok else "url(#h)"
            svg.append(f'<rect x="{x0 + j*bw:.1f}" y="{yy:.1f}" width="{bw-1:.1f}" '
                       f'height="{H-bottom-yy:.1f}" fill="{fill}" stroke="{colours[j % len(colours)]}"/>')
        svg.append(f'<text x="{left + i*gw + gw/2:.1f}" y="{H-bottom+14}" text-anchor="end" '
                   f'transform="rotate(-30 {left + i*gw + gw/2:.1f},{H-bottom+14})">{v}</text>')
    for j, s in enumerate(strategies):
        svg.append(f'<rect x="{left + j*120}" y="{H-18}" width="10" height="10" '
                   f'fill="{colours[j % len(colours)]}"/>'
                   f'<text x="{left + j*120 + 14}" y="{H-9}">{s}</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
