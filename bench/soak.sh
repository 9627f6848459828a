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
set -eu
cd "$(dirname "$0")/.."
runs=${1:-100000000}
jobs=${2:-$(nproc)}
tools/deps.sh
cmake -S . -B build/soak -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVMLOCK_ENGINE=libfuzzer "-DVMLOCK_SANITIZERS=undefined;leak" \
	-DCMAKE_C_FLAGS=-fsanitize-trap=undefined >/dev/null
cmake --build build/soak --target vmlock_fuzz seed_corpus >/dev/null
work=build/soak/run
rm -rf "$work" && mkdir -p "$work"
per=$(( (runs + jobs - 1) / jobs ))
start=$(date +%s)
for j in $(seq 1 "$jobs"); do
	mkdir -p "$work/corpus.$j" "$work/artifacts.$j"
	cp build/soak/seed_corpus/* "$work/corpus.$j/"
	build/soak/vmlock_fuzz -seed="$j" -runs="$per" -max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 \
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
echo "soak: correct lock, $total executions in $((end - start)) s on $jobs jobs, $found findings"
[ "$found" -eq 0 ] && [ "$total" -ge "$runs" ]
