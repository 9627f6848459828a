#!/usr/bin/env python3
"""litmus_gen.py N SEED OUTDIR [NWW [NRCU]] - random LKMM C litmus tests in the shapes
and primitives the lock uses (message passing, store buffering, load
buffering, 2+2W, chains over three processes; marked accesses,
release/acquire, the three barriers, value-returning and void atomics with
their ordering forms, cmpxchg/xchg, spin locks).  Deterministic for a seed.
Each test's condition asks for one combination of the values its loads could
read (and the final value of a location written twice), so the set covers
weak and strong outcomes alike.  NWW more tests (W00000...) are 2+2W shapes:
every process writes two locations, in either order, with nothing, smp_wmb(),
smp_mb() or a release between; the condition asks for a final value of each
(and maybe what an observer read): modification order against program
order, which the simulator fixes to the order it runs the stores in.  NRCU
more (R00000...) are RCU shapes: readers in rcu_read_lock() sections,
updaters with synchronize_rcu() between their accesses, a process with
neither; marked or release/acquire accesses."""
import os
import random
import sys

LOADS = ["READ_ONCE(*{v})", "smp_load_acquire({v})"]
STORES = ["WRITE_ONCE(*{v}, {n})", "smp_store_release({v}, {n})"]
FENCES = ["smp_mb();", "smp_rmb();", "smp_wmb();"]
RMWS = ["atomic_add_return({n}, {a})", "atomic_add_return_relaxed({n}, {a})",
        "atomic_add_return_acquire({n}, {a})", "atomic_add_return_release({n}, {a})",
        "atomic_fetch_add({n}, {a})", "atomic_fetch_add_relaxed({n}, {a})",
        "atomic_fetch_add_acquire({n}, {a})", "atomic_fetch_add_release({n}, {a})"]
VOID_RMWS = ["atomic_inc({a});", "atomic_add({n}, {a});"]
AFTER = ["smp_mb__before_atomic();", "smp_mb__after_atomic();"]
XCHG = ["xchg({v}, {n})", "xchg_relaxed({v}, {n})", "xchg_acquire({v}, {n})",
        "xchg_release({v}, {n})", "cmpxchg({v}, {o}, {n})",
        "cmpxchg_relaxed({v}, {o}, {n})", "cmpxchg_acquire({v}, {o}, {n})",
        "cmpxchg_release({v}, {o}, {n})"]


def render(name, params, procs, regs, atoms):
    """The test's text: NAME, processes taking PARAMS (one string), each
    with its registers declared, then the exists clause over ATOMS."""
    out = ["C %s" % name, "", "{}", ""]
    for p, body in enumerate(procs):
        out.append("P%d(%s)" % (p, params))
        out.append("{")
        out.extend("\tint %s;" % r for r, _ in regs[p])
        out.extend("\t" + s for s in body)
        out.append("}")
        out.append("")
    out.append("exists (%s)" % " /\\ ".join(atoms))
    return "\n".join(out) + "\n"


def gen(rng, idx):
    nprocs = rng.choice([2, 2, 3])
    vars_ = ["x", "y"] if nprocs == 2 or rng.random() < 0.4 else ["x", "y", "z"]
    use_atomic = rng.random() < 0.3
    use_lock = rng.random() < 0.2
    written = {v: [0] for v in vars_}
    if use_atomic:
        written["a"] = [0]
    nextval = {v: 1 for v in written}
    procs, regs = [], []
    for p in range(nprocs):
        body, pregs = [], []
        nops = rng.choice([2, 2, 3])
        lock_at = rng.randrange(nops) if use_lock and rng.random() < 0.7 else -1
        for i in range(nops):
            if i == lock_at:
                body.append("spin_lock(l);")
            k = rng.random()
            v = rng.choice(vars_)
            if k < 0.35:
                n = nextval[v]
                nextval[v] += 1
                written[v].append(n)
                body.append(rng.choice(STORES).format(v=v, n=n) + ";")
            elif k < 0.7:
                r = "r%d" % len(pregs)
                pregs.append((r, v))
                body.append("%s = %s;" % (r, rng.choice(LOADS).format(v=v)))
            elif k < 0.8:
                body.append(rng.choice(FENCES))
            elif k < 0.9 and use_atomic:
                n = rng.choice([1, 2])
                if rng.random() < 0.5:
                    r = "r%d" % len(pregs)
                    pregs.append((r, "a"))
                    body.append("%s = %s;" % (r, rng.choice(RMWS).format(n=n, a="a")))
                else:
                    body.append(rng.choice(VOID_RMWS).format(n=n, a="a"))
                if rng.random() < 0.3:
                    body.append(rng.choice(AFTER))
            else:
                n = nextval[v]
                nextval[v] += 1
                written[v].append(n)
                r = "r%d" % len(pregs)
                pregs.append((r, v))
                o = rng.choice(written[v][:-1])
                body.append("%s = %s;" % (r, rng.choice(XCHG).format(v=v, n=n, o=o)))
        if lock_at >= 0:
            body.append("spin_unlock(l);")
        procs.append(body)
        regs.append(pregs)
    # the condition: a value for each register (and maybe a final value)
    atoms = []
    for p, pregs in enumerate(regs):
        for r, v in pregs:
            if v == "a":
                atoms.append("%d:%s=%d" % (p, r, rng.choice([0, 1, 2, 3])))
            else:
                atoms.append("%d:%s=%d" % (p, r, rng.choice(written[v])))
    multi = [v for v in vars_ if len(written[v]) > 2]
    if multi and (rng.random() < 0.5 or not atoms):
        v = rng.choice(multi)
        atoms.append("%s=%d" % (v, rng.choice(written[v][1:])))
    if not atoms:
        v = rng.choice(vars_)
        atoms.append("%s=%d" % (v, rng.choice(written[v])))
    params = ["int *%s" % v for v in vars_]
    if use_atomic:
        params.append("atomic_t *a")
    if use_lock:
        params.append("spinlock_t *l")
    return render("G%05d" % idx, ", ".join(params), procs, regs, atoms)


WW_SEP = ["", "", "smp_wmb();", "smp_mb();"]


def gen_ww(rng, idx):
    nprocs = rng.choice([2, 2, 3])
    vars_ = ["x", "y"] if nprocs == 2 else rng.choice([["x", "y"], ["x", "y", "z"]])
    nextval = {v: 1 for v in vars_}
    procs, finals, regs = [], {}, []
    for p in range(nprocs):
        a, b = rng.sample(vars_, 2)
        body, pregs = [], []
        if nprocs == 3 and p == 2 and rng.random() < 0.5:
            # an observer: reads both, maybe ordered
            for v in (a, b):
                r = "r%d" % len(pregs)
                pregs.append((r, v))
                body.append("%s = %s;" % (r, rng.choice(LOADS).format(v=v)))
                if not pregs[1:] and rng.random() < 0.5:
                    body.append(rng.choice(["smp_rmb();", "smp_mb();"]))
        else:
            for k, v in enumerate((a, b)):
                n = nextval[v]
                nextval[v] += 1
                finals.setdefault(v, []).append(n)
                st = STORES[1] if rng.random() < 0.3 else STORES[0]
                body.append(st.format(v=v, n=n) + ";")
                if k == 0:
                    sep = rng.choice(WW_SEP)
                    if sep:
                        body.append(sep)
        procs.append(body)
        regs.append(pregs)
    atoms = ["%s=%d" % (v, rng.choice(ns)) for v, ns in sorted(finals.items())
             if len(ns) > 1 or rng.random() < 0.3]
    for p, pregs in enumerate(regs):
        for r, v in pregs:
            atoms.append("%d:%s=%d" % (p, r, rng.choice([0] + finals.get(v, []))))
    if not atoms:
        v = sorted(finals)[0]
        atoms.append("%s=%d" % (v, finals[v][0]))
    params = ", ".join("int *%s" % v for v in vars_)
    return render("W%05d" % idx, params, procs, regs, atoms)


RCU_READS = ["READ_ONCE(*{v})", "smp_load_acquire({v})"]


def rcu_body(rng, role, vars_, nextval, finals, pregs):
    """One process of an RCU shape: role 'r' (a reader: its accesses in a
    read-side critical section), 'u' (an updater: synchronize_rcu() between
    two of its accesses) or 'p' (neither)."""
    body = ["rcu_read_lock();"] if role == "r" else []
    nops = rng.choice([2, 2, 3])
    sync_at = rng.randrange(1, nops) if role == "u" else -1
    for i in range(nops):
        if i == sync_at:
            body.append("synchronize_rcu();")
        v = rng.choice(vars_)
        if rng.random() < 0.5:
            n = nextval[v]
            nextval[v] += 1
            finals.setdefault(v, []).append(n)
            body.append(rng.choice(STORES).format(v=v, n=n) + ";")
        else:
            r = "r%d" % len(pregs)
            pregs.append((r, v))
            body.append("%s = %s;" % (r, rng.choice(RCU_READS).format(v=v)))
    if role == "r":
        body.append("rcu_read_unlock();")
    return body


def gen_rcu(rng, idx):
    nprocs = rng.choice([2, 2, 3])
    roles = ["r", "u"] + ([rng.choice(["r", "u", "p"])] if nprocs == 3 else [])
    rng.shuffle(roles)
    vars_ = ["x", "y"] if rng.random() < 0.6 else ["x", "y", "z"]
    nextval = {v: 1 for v in vars_}
    finals, procs, regs = {}, [], []
    for role in roles:
        pregs = []
        procs.append(rcu_body(rng, role, vars_, nextval, finals, pregs))
        regs.append(pregs)
    atoms = ["%d:%s=%d" % (p, r, rng.choice([0] + finals.get(v, [])))
             for p, pregs in enumerate(regs) for r, v in pregs]
    multi = [v for v, ns in sorted(finals.items()) if len(ns) > 1]
    if multi and (rng.random() < 0.4 or not atoms):
        v = rng.choice(multi)
        atoms.append("%s=%d" % (v, rng.choice(finals[v])))
    if not atoms:
        atoms.append("x=0")
    params = ", ".join("int *%s" % v for v in vars_)
    return render("R%05d" % idx, params, procs, regs, atoms)


def main():
    n, seed, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    nww = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    nrcu = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    for i in range(n):
        with open(os.path.join(outdir, "G%05d.litmus" % i), "w") as f:
            f.write(gen(rng, i))
    rng = random.Random(seed + 1000003)	# the G tests stay as they were
    for i in range(nww):
        with open(os.path.join(outdir, "W%05d.litmus" % i), "w") as f:
            f.write(gen_ww(rng, i))
    rng = random.Random(seed + 2000003)  # the G and W tests stay as they were
    for i in range(nrcu):
        with open(os.path.join(outdir, "R%05d.litmus" % i), "w") as f:
            f.write(gen_rcu(rng, i))


if __name__ == "__main__":
    main()
