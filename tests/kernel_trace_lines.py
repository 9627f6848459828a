#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kernel_trace_lines.py VMLOCK INPUT TREE [VARIANT]

A kernel-backend trace (vmlock trace --all) names the kernel's file:line of
its accesses: marked ones (READ_ONCE and the like, by their site) and plain
ones (by the instrumentation hook's pc, src/kernel/kernel_lines.sh).  For
each event of the trace that names mm/mmap_lock.c or
include/linux/mmap_lock.h, the line in TREE (the kernel tree, or the
variant's patched copy) must hold that access: it mentions the marked
accessor and its argument's field (a marked access), or the field or a call
of a function of these files that accesses it (a plain access: the line
info of an inlined call may name the call's line), and the function the
trace names is the one whose body holds the line.  Both files must be named
for a plain access, mm/mmap_lock.c for a marked one (include/linux/mmap_lock.h
makes its marked accesses through the kernel's refcount.h, named there).
"""
import os
import re
import subprocess
import sys

FILES = ("mm/mmap_lock.c", "include/linux/mmap_lock.h")
# Compact layout: an event's first line is "<step> CPU<n>  <text>", its
# continuation lines the text's next chunks after GUTTER + 6 blanks.
FIRST = re.compile(r"^ *\d+ CPU\d  (.*)$")
CONT = 13
WHERE = re.compile(r"(?P<file>mm/mmap_lock\.c|include/linux/mmap_lock\.h):"
                   r"(?P<line>\d+) (?P<func>\w+)")
MARKED = re.compile(r"(READ_ONCE|WRITE_ONCE|smp_load_acquire|smp_store_release)"
                    r"\((?P<arg>[^)]*)\)")
PLAIN = re.compile(r": plain (read|write) (#\d+|mm [A-Z])\.(?P<field>\w+) =")


def events(text):
    out = []
    for line in text.splitlines():
        m = FIRST.match(line)
        if m:
            out.append(m.group(1))
        elif out and line.startswith(" " * CONT):
            out[-1] += line[CONT:]
    return out


def enclosing_function(lines, n):
    """The function whose definition is the nearest one above line n."""
    for i in range(n - 1, -1, -1):
        m = re.match(r"^[a-z_].*?\b(\w+)\(", lines[i])
        if m and not lines[i].startswith(("#", "typedef")):
            return m.group(1)
    return None


def bodies(lines):
    """Each function's body text, by name (a definition starts in column 0,
    its body ends at the next '}' in column 0)."""
    out, name = {}, None
    for line in lines:
        m = re.match(r"^[a-z_].*?\b(\w+)\(", line)
        if name is None and m and not line.startswith(("#", "typedef")) \
                and not line.rstrip().endswith(";"):
            name, body = m.group(1), []
        if name is not None:
            body.append(line)
            if line.startswith("}"):
                out[name] = "\n".join(body)
                name = None
    return out


def reaches(text, field, funcs, depth=3):
    """text mentions field, or calls a function of funcs that does."""
    if re.search(r"\b%s\b" % field, text):
        return True
    return depth > 0 and any(
        reaches(funcs[f], field, funcs, depth - 1)
        for f in re.findall(r"\b(\w+)\(", text) if f in funcs)


def check(ev, tree, cache, fails):
    w = WHERE.search(ev)
    if not w:
        return None
    path = os.path.join(tree, w.group("file"))
    lines = cache.setdefault(path, open(path, encoding="utf-8").read().split("\n"))
    if "funcs" not in cache:
        cache["funcs"] = {}
        for f in FILES:
            with open(os.path.join(tree, f), encoding="utf-8") as fh:
                cache["funcs"].update(bodies(fh.read().split("\n")))
    n = int(w.group("line"))
    src = lines[n - 1] if 0 < n <= len(lines) else ""
    m, p = MARKED.search(ev), PLAIN.search(ev)
    if m:
        kind, field = "marked", re.findall(r"\w+", m.group("arg"))[-1]
        ok = m.group(1) in src and field in src
    elif p:
        kind, field = "plain", p.group("field")
        ok = reaches(src, field, cache["funcs"])
    else:
        return None
    fn = enclosing_function(lines, n)
    if not ok or fn != w.group("func"):
        fails.append(f"{ev!r}: {w.group('file')}:{n} is {src.strip()!r} "
                     f"in {fn}(), not the {kind} access of {field} in "
                     f"{w.group('func')}()")
    return (w.group("file"), kind)


def main():
    vmlock, inp, tree = sys.argv[1:4]
    env = dict(os.environ, VMLOCK_BACKEND="kernel", VMLOCK_LAYOUT="compact",
               VMLOCK_VARIANT=sys.argv[4] if len(sys.argv) > 4 else "none")
    r = subprocess.run([vmlock, "trace", "--all", inp], env=env,
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"vmlock trace exited {r.returncode}: {r.stderr}")
    fails, seen, cache = [], {}, {}
    for ev in events(r.stdout):
        k = check(ev, tree, cache, fails)
        if k:
            seen[k] = seen.get(k, 0) + 1
    for f, kind in (("mm/mmap_lock.c", "marked"), ("mm/mmap_lock.c", "plain"),
                    ("include/linux/mmap_lock.h", "plain")):
        if not seen.get((f, kind)):
            fails.append(f"no {kind} access named at {f}:<line>")
    for f in fails:
        print("FAIL:", f)
    print(f"{sum(seen.values())} accesses at a kernel file:line checked: "
          + ", ".join(f"{f} {k} {n}" for (f, k), n in sorted(seen.items())))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
