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
# REPS=N (default 3) measures each rate N times, model and kernel in turn,
# and prints the medians and the median of the N paired ratios (a drift in
# the machine's speed moves both of a pair); ONLY=exec skips part 2.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build/kernel}
seeds=${1:-5}
max_runs=${2:-300000}
secs=${3:-5}
reps=${REPS:-3}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
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
	ms= ks= rs=
	for _ in $(seq "$reps"); do
		# shellcheck disable=SC2086
		m=$(rate model $args) k=$(rate kernel $args)
		ms="$ms $m" ks="$ks $k" rs="$rs $(echo "$k / $m" | bc -l)"
	done
	printf '| %s | %s | %s | %.2f |\n' "$label" "$(median $ms)" "$(median $ks)" "$(median $rs)"
done
[ "${ONLY:-}" = exec ] && exit 0
for b in model kernel; do
	echo
	echo "## Runs and seconds to each variant: VMLOCK_BACKEND=$b, libFuzzer from an empty corpus, seeds 1-$seeds"
	echo
	VMLOCK_BACKEND=$b sh "$here/bench/find_variants.sh" "$build/vmlock_fuzz" "$seeds" "$max_runs"
done
