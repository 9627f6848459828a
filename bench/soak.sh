#!/bin/sh
# soak.sh [RUNS] [JOBS] - the correct lock under libFuzzer for a fixed
# number of executions, split over JOBS processes (seeds 1..JOBS), each
# from its own copy of the shipped corpus.  Every input runs with the
# weak-memory simulation on, and inputs with the explore bit also run
# under their derived PRNG and PCT schedules.  Any finding, timeout,
# out-of-memory or leak (-detect_leaks=1) fails it.
#
# The build (build/soak) is clang with libFuzzer, LeakSanitizer and UBSan
# in trap mode (LSan's runtime does not carry UBSan's; a trap is a crash
# libFuzzer reports), but not ASan, for speed: the oracles, not ASan, are
# what can flag the lock, and the runtime never allocates per execution.  Prints one line
# per job and a summary; the logs stay in build/soak/run.
#
# VMLOCK_BACKEND=kernel soaks the unpatched kernel code instead, in
# build/soak-kernel, compiled from VMLOCK_KERNEL_SRC (or the tree
# tools/kernel-source.sh fetches when that is unset).
set -eu
cd "$(dirname "$0")/.."
runs=${1:-100000000}
jobs=${2:-$(nproc)}
backend=${VMLOCK_BACKEND:-model}
tools/deps.sh
build=build/soak kernel_flags=
if [ "$backend" = kernel ]; then
	build=build/soak-kernel kernel_flags=-DVMLOCK_KERNEL_REQUIRED=ON
	[ -n "${VMLOCK_KERNEL_SRC:-}" ] || tools/kernel-source.sh >/dev/null
fi
export VMLOCK_BACKEND="$backend"
cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVMLOCK_ENGINE=libfuzzer "-DVMLOCK_SANITIZERS=undefined;leak" $kernel_flags \
	-DCMAKE_C_FLAGS=-fsanitize-trap=undefined >/dev/null
cmake --build "$build" --target vmlock_fuzz seed_corpus >/dev/null
work=$build/run
rm -rf "$work" && mkdir -p "$work"
# First, that this build, backend and these flags can find something: a
# seed variant from the shipped corpus within a small budget.
mkdir -p "$work/check" "$work/check.art"
cp "$build"/seed_corpus/* "$work/check/"
if VMLOCK_VARIANT=${VMLOCK_SOAK_CHECK:-narrow-wake} "$build"/vmlock_fuzz -seed=1 -runs=100000 \
	-max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 \
	-dict=fuzz/vmlock_fuzz.dict -artifact_prefix="$work/check.art/" "$work/check" \
	>"$work/check.log" 2>&1 || ! ls "$work/check.art" | grep -q .; then
	echo "soak: the ${VMLOCK_SOAK_CHECK:-narrow-wake} variant was not found within 100000 runs ($work/check.log)"
	exit 1
fi
echo "soak: check: $(grep -m1 '^vmlock: ' "$work/check.log" | cut -c1-60); $(grep -m1 '^  backend ' "$work/check.log" | sed 's/^ *//')"
per=$(( (runs + jobs - 1) / jobs ))
start=$(date +%s)
for j in $(seq 1 "$jobs"); do
	mkdir -p "$work/corpus.$j" "$work/artifacts.$j"
	cp "$build"/seed_corpus/* "$work/corpus.$j/"
	"$build"/vmlock_fuzz -seed="$j" -runs="$per" -max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 \
		-detect_leaks=1 -dict=fuzz/vmlock_fuzz.dict -print_final_stats=1 \
		-artifact_prefix="$work/artifacts.$j/" "$work/corpus.$j" \
		>"$work/log.$j" 2>&1 &
done
wait
end=$(date +%s)
total=0 found=0
for j in $(seq 1 "$jobs"); do
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.$j" | tail -1)
	a=$(ls "$work/artifacts.$j" | wc -l)
	echo "job $j: seed $j, ${n:-?} executions, $a findings (log $work/log.$j)"
	total=$((total + ${n:-0}))
	found=$((found + a))
	grep -E '^vmlock:|ERROR: libFuzzer|LeakSanitizer' "$work/log.$j" | head -3 || true
done
echo "soak: correct lock ($backend), $total executions in $((end - start)) s on $jobs jobs, $found findings"
[ "$found" -eq 0 ] && [ "$total" -ge "$runs" ]
