#!/bin/sh
# afl_find_variants.sh [FUZZER] [SEEDS] [MAX_EXECS] [MUTATOR_LIB] [CORPUS]
#
# The AFL++ twin of find_variants.sh: for each bug variant and each seed
# 1..SEEDS, afl-fuzz -s SEED from a corpus of one input (the empty program)
# or from CORPUS (copied; build/afl/seed_corpus is the shipped one) until
# its first crash (AFL_BENCH_UNTIL_CRASH) or about MAX_EXECS executions;
# prints a markdown table of the executions and seconds of fuzzing to the
# first find (median and max over the seeds) and the verdicts.  The
# figures are AFL++'s own, from the first crash's file name (execs:, and
# time: in ms since afl-fuzz's start).  MUTATOR_LIB, when given (not
# empty), is loaded as AFL_CUSTOM_MUTATOR_LIBRARY
# (build/afl/libvmlock_mutator.so).  ROWS="a b" runs only those rows.
# Each run's figures also go to stderr, one line per seed.
#
# From CORPUS, afl-fuzz's dry run executes every seed first and, with
# AFL_SKIP_CRASHES, drops the ones that crash by themselves (AFL++ saves
# no crash for them; libFuzzer counts them as finds in its first runs):
# the "seeds crash" column counts them, and the figures are for the
# search from the remaining seeds (executions include the dry run's).
# When every seed crashes, afl-fuzz refuses to start and the row says so.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fuzzer=${1:-$here/build/afl/vmlock_fuzz}
seeds=${2:-5}
max_execs=${3:-1000000}
lib=${4:-}
corpus=${5:-}
# On tmpfs where there is one: afl-fuzz writes every new queue entry.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
if [ -n "$corpus" ]; then
	cp "$corpus"/* "$work/in/"
	# the dry run must execute the seeds, to skip those that crash
	export AFL_SKIP_CRASHES=1
else
	printf '\001' >"$work/in/empty"
	export AFL_NO_STARTUP_CALIBRATION=1
fi
nin=$(ls "$work/in" | wc -l)

variants="relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_BENCH_UNTIL_CRASH=1
[ -z "$lib" ] || export AFL_CUSTOM_MUTATOR_LIBRARY="$lib"

# one VARIANT SEED -> "execs seconds verdict skipped" (execs = N+ and
# verdict - if not found).  afl-fuzz stops some time after the first
# crash, so the figures are the ones AFL++ writes into the first crash's
# name.  The verdict is the fuzzer's report on replaying that crash.
one() {
	out=$work/o.$1.$2
	rm -rf "$out"
	VMLOCK_VARIANT=$1 afl-fuzz -s "$2" -E "$max_execs" -i "$work/in" -o "$out" \
		-- "$fuzzer" >"$work/log" 2>&1 || true
	skipped=$(grep -c 'results in a crash, skipping' "$work/log" || true)
	first=$(ls "$out/default/crashes" 2>/dev/null | grep '^id:000000' || true)
	if [ -n "$first" ]; then
		execs=$(echo "$first" | sed -n 's/.*,execs:\([0-9]*\).*/\1/p')
		ms=$(echo "$first" | sed -n 's/.*,time:\([0-9]*\).*/\1/p')
		verdict=$( (VMLOCK_VARIANT=$1 "$fuzzer" "$out/default/crashes/$first" 2>&1) 2>/dev/null |
			sed -n 's/^vmlock: \([a-z-]*\):.*/\1/p' | head -1)
		echo "$execs $(echo "scale=3; $ms / 1000" | bc) ${verdict:-?} $skipped"
	else
		execs=$(sed -n 's/^execs_done *: *//p' "$out/default/fuzzer_stats" 2>/dev/null || echo 0)
		secs=$(sed -n 's/^run_time *: *//p' "$out/default/fuzzer_stats" 2>/dev/null || echo 0)
		echo "$execs+ $secs - $skipped"
	fi
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [ -n "$corpus" ]; then
	echo "| variant | seeds crash | found | median execs | max execs | median s | max s | verdict |"
	echo "|---|---|---|---|---|---|---|---|"
else
	echo "| variant | found | median execs | max execs | median s | max s | verdict |"
	echo "|---|---|---|---|---|---|---|"
fi
for v in ${ROWS:-$variants}; do
	: >"$work/rows"
	for s in $(seq 1 "$seeds"); do
		# (2>/dev/null: the shell's "Aborted" for the replayed crash)
		r=$(one "$v" "$s" 2>/dev/null)
		echo "$r" >>"$work/rows"
		echo "# $v seed $s: $r" >&2
	done
	found=$(grep -vc '+' "$work/rows" || true)
	me=$(cut -d' ' -f1 "$work/rows" | tr -d + | median)
	xe=$(cut -d' ' -f1 "$work/rows" | tr -d + | sort -n | tail -1)
	# a seed that found nothing makes the max a lower bound
	[ "$found" = "$seeds" ] || xe="$xe+"
	ms=$(cut -d' ' -f2 "$work/rows" | median)
	xs=$(cut -d' ' -f2 "$work/rows" | sort -n | tail -1)
	vd=$(cut -d' ' -f3 "$work/rows" | grep -v '^-$' | sort | uniq -c | sort -rn |
		awk '{printf "%s%s", (NR>1?", ":""), $2}')
	if [ -n "$corpus" ]; then
		sk=$(cut -d' ' -f4 "$work/rows" | sort -n | tail -1)
		if [ "$sk" = "$nin" ]; then
			# afl-fuzz stops: "We need at least one valid input seed that does not crash!"
			printf '| %s | %s/%s | - | - | - | - | - | every seed crashes: no search |\n' "$v" "$sk" "$nin"
			continue
		fi
		printf '| %s | %s/%s | %s/%s | %s | %s | %.2f | %.2f | %s |\n' "$v" "$sk" "$nin" \
			"$found" "$seeds" "$me" "$xe" "$ms" "$xs" "${vd:--}"
	else
		printf '| %s | %s/%s | %s | %s | %.2f | %.2f | %s |\n' "$v" "$found" "$seeds" \
			"$me" "$xe" "$ms" "$xs" "${vd:--}"
	fi
done
