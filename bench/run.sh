#!/bin/sh
# bench/run.sh [SEEDS] [MAX_RUNS] - build what is needed and print the
# benchmark tables (markdown):
#   1. executions per second on one core of the issue's reference input
#      (3 threads, 24 operations, 12 schedule runs), per build, and per
#      strategy (the input's schedule, the explore bit's three, PRNG, PCT);
#   2. runs and seconds for libFuzzer to find each bug variant from an
#      empty corpus with the structure-aware mutator and with libFuzzer's
#      own mutations, without sanitizers (to compare with the baselines),
#      and from the shipped corpus (find_variants.sh); the same for the
#      in-process engine against PCT on one clock (engine_find.sh).
# EXEC_ONLY=1 stops after the first table.
set -eu
cd "$(dirname "$0")/.."
seeds=${1:-5}
max_runs=${2:-1000000}
tools/deps.sh
srcs=$(ls src/sim/*.c src/lock/*.c src/check/*.c src/harness/*.c src/scenario/*.c)
mkdir -p build/bench
# The plain builds have no engine, so the fuzz target computes no
# feedback in them (VMLOCK_NO_ENGINE, as CMake's replay build);
# VMLOCK_FEEDBACK=refcnt,read-from,cas,wake (the kinds the engines get)
# turns it back on.
build() {	# NAME COMPILER FLAGS...
	name=$1 cc=$2
	shift 2
	$cc -std=gnu11 -O2 -g -fno-omit-frame-pointer -DVMLOCK_NO_ENGINE=1 -Isrc "$@" $srcs \
		fuzz/vmlock_fuzz.c bench/bench_exec.c -o "build/bench/$name"
}
build gcc gcc
build clang clang
build clang-asan-ubsan clang -fsanitize=address,undefined
# The tsan build as CMake makes it: only src/sim/real.c instrumented, and
# function entry/exit hooks only in the model (src/lock) and real.c.
build_tsan() {
	o=build/bench/tsan-obj
	rm -rf "$o" && mkdir -p "$o"
	for f in $srcs fuzz/vmlock_fuzz.c bench/bench_exec.c; do
		case $f in
		src/lock/*|src/sim/real.c) quiet="" ;;
		*) quiet="-mllvm -tsan-instrument-func-entry-exit=0" ;;
		esac
		# shellcheck disable=SC2086
		clang -c -std=gnu11 -O2 -g -fno-omit-frame-pointer -DVMLOCK_NO_ENGINE=1 -Isrc -fsanitize=thread \
			-fsanitize-ignorelist=sanitizers/tsan_ignorelist.txt $quiet "$f" \
			-o "$o/$(echo "$f" | tr / _).o"
	done
	clang -fsanitize=thread "$o"/*.o -o build/bench/clang-tsan
}
build_tsan
cmake --preset default >/dev/null && cmake --build --preset default >/dev/null
cmake --preset libfuzzer >/dev/null && cmake --build --preset libfuzzer >/dev/null
# libFuzzer's instrumentation without sanitizers: the build the baselines
# (uninstrumented) are compared with in seconds.
cmake -S . -B build/bench-lf -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVMLOCK_ENGINE=libfuzzer >/dev/null
cmake --build build/bench-lf --target vmlock_fuzz bench_exec >/dev/null

echo "## Executions per second (one core, 5 s each)"
echo
echo "| build | exec/s |"
echo "|---|---|"
for b in gcc clang clang-asan-ubsan clang-tsan; do
	echo "| $b | $(build/bench/$b 5 | cut -d' ' -f1) |"
done
for b in gcc clang; do
	echo "| $b, weak memory off (VMLOCK_MEMORY=sc) | $(VMLOCK_MEMORY=sc build/bench/$b 5 | cut -d' ' -f1) |"
done
# The same input without choice bytes (the weak-memory simulation has no
# choices to keep views for), and without operations (what every run
# costs whatever it does).
for b in gcc clang; do
	echo "| $b, no choice bytes (bench_exec 5 8 0) | $(build/bench/$b 5 8 0 | cut -d' ' -f1) |"
done
echo "| gcc, no operations (bench_exec 5 0) | $(build/bench/gcc 5 0 | cut -d' ' -f1) |"
# The shipped corpus as it is (its own programs, schedules, explore bits).
shipped=build/default/seed_corpus
echo "| gcc, the shipped corpus (bench_exec 5 corpus $shipped) | $(build/bench/gcc 5 corpus $shipped | cut -d' ' -f1) |"
# The same input through the fuzz target as libFuzzer builds it: coverage
# instrumentation and libFuzzer's hooks, with and without sanitizers.
echo "| libFuzzer build, ASan+UBSan (the libfuzzer preset) | $(build/libfuzzer/bench_exec 5 | cut -d' ' -f1) |"
echo "| libFuzzer build, no sanitizers | $(build/bench-lf/bench_exec 5 | cut -d' ' -f1) |"
echo "| libFuzzer build, ASan+UBSan, the shipped corpus (bench_exec 5 corpus $shipped) |" \
	"$(build/libfuzzer/bench_exec 5 corpus $shipped | cut -d' ' -f1) |"
lf=$(mktemp -d)
cp build/libfuzzer/seed_corpus/* "$lf/"
rate=$(build/libfuzzer/vmlock_fuzz -max_total_time=10 -max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 \
	"$lf" 2>&1 | grep -o 'exec/s: [0-9]*' | tail -1 | cut -d' ' -f2)
rm -rf "$lf"
echo "| libFuzzer, ASan+UBSan, fuzzing the shipped corpus (its own mutations) | $rate |"
# The in-process engine, gcc -O2 as engine_find.sh builds it: its inputs
# per second at the last progress line of 5 s on the shipped corpus.
BUILD_ONLY=1 bench/engine_find.sh
rate=$(build/bench/vmlock fuzz --seconds 5 corpus 2>&1 >/dev/null | grep -o 'exec/s: [0-9]*' |
	tail -1 | cut -d' ' -f2)
echo "| vmlock fuzz (gcc), the shipped corpus (an input: one to three schedules) | $rate |"
echo
echo "## Executions per second per strategy (the same programs, one core, 3 s each)"
echo
echo "target: the input's own schedule through the fuzz target; explore: the"
echo "explore bit on (its schedule, then a PRNG and a PCT schedule: three runs"
echo "per execution); prng, pct (depth 3): one run each, as bench/baseline runs"
echo "them (bench_exec 3 8 16 STRATEGY)."
echo
echo "| strategy | gcc | libFuzzer build, ASan+UBSan | libFuzzer build, no sanitizers |"
echo "|---|---|---|---|"
for m in target explore prng pct; do
	echo "| $m | $(build/bench/gcc 3 8 16 $m | cut -d' ' -f1) |" \
		"$(build/libfuzzer/bench_exec 3 8 16 $m | cut -d' ' -f1) |" \
		"$(build/bench-lf/bench_exec 3 8 16 $m | cut -d' ' -f1) |"
done
[ "${EXEC_ONLY:-0}" = 1 ] && exit 0
echo
echo "## Runs and seconds to the first find, from an empty corpus ($seeds seeds, at most $max_runs runs)"
echo
bench/find_variants.sh build/libfuzzer/vmlock_fuzz "$seeds" "$max_runs"
echo
echo "## The same without sanitizers (libFuzzer's instrumentation only: compare with bench/baselines.sh)"
echo
bench/find_variants.sh build/bench-lf/vmlock_fuzz "$seeds" "$max_runs"
echo
echo "## The same with libFuzzer's own mutations (vmlock_fuzz_plain, the bug variants only)"
echo
ROWS="no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake" \
	bench/find_variants.sh build/libfuzzer/vmlock_fuzz_plain "$seeds" "$max_runs"
echo
echo "## vmlock fuzz (the in-process engine) and PCT at depth 3, on one clock (milliseconds)"
echo
bench/engine_find.sh "$seeds" 300000
echo
echo "## The same, from the shipped corpus (the bug variants only)"
echo
ROWS="relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake" \
	bench/find_variants.sh build/libfuzzer/vmlock_fuzz "$seeds" "$max_runs" build/libfuzzer/seed_corpus
