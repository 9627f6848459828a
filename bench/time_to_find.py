#!/usr/bin/env python3
"""time_to_find.py VMLOCK BASELINE SEEDS MAX_RUNS VARIANTS STRATEGIES

Runs and milliseconds to the first find of each variant, per strategy,
over SEEDS seeds from $FIRST_SEED (default 1); prints a markdown table.
Strategies:

  fuzz       VMLOCK fuzz --seed S --runs MAX_RUNS (the in-process engine),
             with the seed inputs $SEED_INPUTS names (a file or directory) if set
             and the options in $FUZZ_ARGS (e.g. "--max-len 64")
  fuzz@PATH  the same with the vmlock binary PATH (another commit's build,
             to compare engines)
  pct:D      BASELINE pct S MAX_RUNS D
  prng, random   BASELINE prng|random S MAX_RUNS

Both are gcc -O2 builds of the same runtime (engine_find.sh makes them).
The strategies take turns seed by seed (seed 1 of each, then seed 2 of
each, ...), so that the machine's slower spells fall on all of them.
Time is the wall time from the process's start to the line that says it
found a violation (the engine prints it before its report; the baseline
prints its result line as it stops), or to its exit if none: the same
clock for every strategy, startup included.  Runs are the engine's inputs
(each one to three schedules) and the baseline's runs (one schedule each).
Means as well as medians: where both strategies find at their first run
at the median, the means still tell them apart.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def command(strategy, vmlock, baseline, seed, max_runs, artifacts):
    if strategy == "fuzz" or strategy.startswith("fuzz@"):
        vmlock = strategy[5:] or vmlock
        seeds = [os.environ["SEED_INPUTS"]] if os.environ.get("SEED_INPUTS") else []
        return ([vmlock, "fuzz", "--seed", str(seed), "--runs", str(max_runs),
                 "--artifacts", artifacts] +
                os.environ.get("FUZZ_ARGS", "").split() + seeds)
    name, _, depth = strategy.partition(":")
    return [baseline, name, str(seed), str(max_runs), depth or "2"]


def one(cmd, variant, max_runs):
    """(runs, seconds, verdict or None) of one process."""
    env = dict(os.environ, VMLOCK_VARIANT=variant)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    found_at, runs, verdict = None, max_runs, None
    for line in proc.stdout:
        m = re.match(r"vmlock fuzz: (\S+) at run (\d+)", line)
        b = re.match(r"(\d+) \S+ (\S+)$", line.strip())
        if m and found_at is None:
            found_at = time.perf_counter() - start
            verdict, runs = m.group(1), int(m.group(2))
        elif b and found_at is None:
            runs, verdict = int(b.group(1)), b.group(2)
            if verdict != "-":
                found_at = time.perf_counter() - start
            else:
                verdict = None
    proc.wait()
    end = time.perf_counter() - start
    return runs, found_at if found_at is not None else end, verdict


def main():
    vmlock, baseline, seeds, max_runs = sys.argv[1:5]
    variants, strategies = sys.argv[5].split(), sys.argv[6].split()
    seeds, max_runs = int(seeds), int(max_runs)
    first = int(os.environ.get("FIRST_SEED", "1"))
    print("| variant | strategy | found | median runs | max runs "
          "| median ms | max ms | mean runs | mean ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as artifacts:
        for v in variants:
            # Seed by seed, every strategy in turn: a slower spell of the
            # machine falls on all of them alike.
            by_strategy = {st: [] for st in strategies}
            for s in range(first, first + seeds):
                for st in strategies:
                    by_strategy[st].append(
                        one(command(st, vmlock, baseline, s, max_runs,
                                    artifacts), v, max_runs))
            for st in strategies:
                rows = by_strategy[st]
                runs = [r for r, _, _ in rows]
                ms = [t * 1000 for _, t, _ in rows]
                found = sum(1 for _, _, vd in rows if vd)
                name = "vmlock fuzz" if st == "fuzz" else st
                print(f"| {v} | {name} | {found}/{seeds} "
                      f"| {statistics.median(runs):g} | {max(runs)} "
                      f"| {statistics.median(ms):.2f} | {max(ms):.1f} "
                      f"| {statistics.mean(runs):.2f} "
                      f"| {statistics.mean(ms):.3f} |", flush=True)


if __name__ == "__main__":
    main()
