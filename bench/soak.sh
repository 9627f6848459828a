#!/bin/sh
# soak.sh [SECONDS] [JOBS] - the correct lock under libFuzzer for a long,
# fixed time on JOBS cores, from the shipped corpus: every input runs with
# the weak-memory simulation on, and inputs with the explore bit also run
# under their derived PRNG and PCT schedules.  Any finding fails it.  The
# build is clang with libFuzzer and UBSan but no ASan (build/soak), for
# speed: the oracles, not ASan, are what can flag the lock.  Prints the
# executions and the findings.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-3600}
jobs=${2:-$(nproc)}
tools/deps.sh
cmake -S . -B build/soak -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVMLOCK_ENGINE=libfuzzer -DVMLOCK_SANITIZERS=undefined >/dev/null
cmake --build build/soak --target vmlock_fuzz seed_corpus >/dev/null
work=build/soak/run
rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
cp build/soak/seed_corpus/* "$work/corpus/"
start=$(date +%s)
build/soak/vmlock_fuzz -fork="$jobs" -max_total_time="$seconds" -max_len=128 -len_control=0 \
	-dict=fuzz/vmlock_fuzz.dict -artifact_prefix="$work/artifacts/" \
	"$work/corpus" >"$work/log" 2>&1 || true
end=$(date +%s)
execs=$(grep -o '^#[0-9]*: cov' "$work/log" | tail -1 | tr -dc '0-9')
found=$(ls "$work/artifacts" | grep -c . || true)
echo "soak: correct lock, $((end - start)) s on $jobs jobs, ${execs:-?} executions, $found findings"
grep -E '^vmlock:' "$work/log" | head -5 || true
[ "$found" -eq 0 ]
