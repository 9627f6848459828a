#!/bin/sh
# afl_find_variants.sh [FUZZER] [SEEDS] [MAX_EXECS] [MUTATOR_LIB]
#
# The AFL++ twin of find_variants.sh: for each bug variant and each seed
# 1..SEEDS, afl-fuzz -s SEED from a corpus of one input (the empty program)
# until its first crash (AFL_BENCH_UNTIL_CRASH) or about MAX_EXECS
# executions; prints a markdown table of the executions and seconds of
# fuzzing (AFL++'s clock, startup excluded) to the first find.  MUTATOR_LIB, when given, is loaded as AFL_CUSTOM_MUTATOR_LIBRARY
# (build/afl/libvmlock_mutator.so).  ROWS="a b" runs only those rows.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fuzzer=${1:-$here/build/afl/vmlock_fuzz}
seeds=${2:-5}
max_execs=${3:-1000000}
lib=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
printf '\001' >"$work/in/empty"

variants="no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_QUIET=1 AFL_NO_STARTUP_CALIBRATION=1 AFL_BENCH_UNTIL_CRASH=1
[ -z "$lib" ] || export AFL_CUSTOM_MUTATOR_LIBRARY="$lib"

# one VARIANT SEED -> "execs seconds found" (execs = max+ if not found).
# afl-fuzz stops some time after the first crash, so the figures are the
# ones AFL++ writes into the first crash's name (execs:, time: in ms).
one() {
	out=$work/o.$1.$2
	rm -rf "$out"
	VMLOCK_VARIANT=$1 afl-fuzz -s "$2" -E "$max_execs" -i "$work/in" -o "$out" \
		-- "$fuzzer" >"$work/log" 2>&1 || true
	first=$(ls "$out/default/crashes" 2>/dev/null | grep '^id:000000' || true)
	if [ -n "$first" ]; then
		execs=$(echo "$first" | sed -n 's/.*,execs:\([0-9]*\).*/\1/p')
		ms=$(echo "$first" | sed -n 's/.*,time:\([0-9]*\).*/\1/p')
		echo "$execs $(echo "scale=3; $ms / 1000" | bc) 1"
	else
		execs=$(sed -n 's/^execs_done *: *//p' "$out/default/fuzzer_stats" 2>/dev/null || echo 0)
		secs=$(sed -n 's/^run_time *: *//p' "$out/default/fuzzer_stats" 2>/dev/null || echo 0)
		echo "$execs+ $secs 0"
	fi
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "| variant | found | median execs | max execs | median s | max s |"
echo "|---|---|---|---|---|---|"
for v in ${ROWS:-$variants}; do
	: >"$work/rows"
	for s in $(seq 1 "$seeds"); do one "$v" "$s" >>"$work/rows"; done
	found=$(awk '{n += $3} END {print n}' "$work/rows")
	me=$(cut -d' ' -f1 "$work/rows" | tr -d + | median)
	xe=$(cut -d' ' -f1 "$work/rows" | tr -d + | sort -n | tail -1)
	ms=$(cut -d' ' -f2 "$work/rows" | median)
	xs=$(cut -d' ' -f2 "$work/rows" | sort -n | tail -1)
	printf '| %s | %s/%s | %s | %s | %.2f | %.2f |\n' "$v" "$found" "$seeds" "$me" "$xe" "$ms" "$xs"
done
