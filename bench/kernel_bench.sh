#!/bin/sh
# kernel_bench.sh [SEEDS] [MAX_RUNS] [SECONDS] - the kernel backend beside
# the model, in one binary with the same flags (the kernel preset: clang,
# libFuzzer, ASan+UBSan; build it first with a kernel tree):
#
#  1. executions per second on the same inputs: bench_exec (the fuzz
#     target's entry over a fixed set of generated programs, SECONDS each,
#     one core), and the same over the shipped seed corpus, for
#     VMLOCK_BACKEND=model and kernel;
#  2. runs and seconds to each variant from an empty corpus, libFuzzer with
#     seeds 1..SEEDS (default 5), at most MAX_RUNS (default 300000), for
#     both backends (bench/find_variants.sh's table, one per backend).
#
# Prints markdown; bench/results/kernel-backend.md keeps a run.  Measures
# wall-clock time: run it on an otherwise idle machine, or say the load.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build/kernel}
seeds=${1:-5}
max_runs=${2:-300000}
secs=${3:-5}
for f in bench_exec vmlock_fuzz vmlock; do
	[ -x "$build/$f" ] || { echo "kernel_bench: no $build/$f (cmake --preset kernel && cmake --build --preset kernel)" >&2; exit 2; }
done
"$build/vmlock" --version | grep -q '^backend kernel' ||
	{ echo "kernel_bench: $build has no kernel backend" >&2; exit 2; }

rate() {	# BACKEND ARGS...: bench_exec's exec/s
	b=$1; shift
	VMLOCK_BACKEND=$b "$build/bench_exec" "$@" 2>&1 | sed -n 's/^\([0-9][0-9]*\) exec\/s.*/\1/p' | tail -1
}

echo "## Executions per second (one core, $secs s each)"
echo
echo "| inputs | model exec/s | kernel exec/s | kernel / model |"
echo "|---|---|---|---|"
for what in "generated programs (3 threads, 8 ops each, 16 choice bytes):$secs 8 16" \
	    "the shipped seed corpus:$secs corpus $build/seed_corpus"; do
	label=${what%%:*} args=${what#*:}
	# shellcheck disable=SC2086
	m=$(rate model $args) k=$(rate kernel $args)
	printf '| %s | %s | %s | %.2f |\n' "$label" "$m" "$k" "$(echo "$k / $m" | bc -l)"
done
for b in model kernel; do
	echo
	echo "## Runs and seconds to each variant: VMLOCK_BACKEND=$b, libFuzzer from an empty corpus, seeds 1-$seeds"
	echo
	VMLOCK_BACKEND=$b sh "$here/bench/find_variants.sh" "$build/vmlock_fuzz" "$seeds" "$max_runs"
done
