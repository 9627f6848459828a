#!/bin/sh
# run.sh [SEEDS] [CAP] [FUZZ_RUNS] [LF_RUNS]
#
# The lock under Relacy beside our engines, in one run on one machine:
# installs relacy-dev and g++ if missing (apt-get), builds the Relacy port
# (build/relacy/vmlock_relacy), then for each seed variant
#   - Relacy on the variant's test (the shape of its corpus repro) under the
#     random scheduler (seeds 1..SEEDS), the context-bound scheduler (bound
#     1, Relacy's default, and 2) and the full search, each until its first
#     failure or CAP iterations (default 1,000,000); the two enumerating
#     schedulers have no seed: a find is timed SEEDS times, a miss once;
#   - `vmlock explore` on the same program (the corpus repro of that shape
#     without its schedule): PCT (seeds 1..SEEDS) and the exhaustive search
#     with at most 1, 2 and 3 preemptions, FUZZ_RUNS runs at most;
#   - `vmlock fuzz` from an empty corpus, seeds 1..SEEDS, FUZZ_RUNS inputs at
#     most (bench/time_to_find.py; default 200,000);
#   - libFuzzer (build/libfuzzer/vmlock_fuzz) from an empty corpus, seeds
#     1..SEEDS, LF_RUNS runs at most (bench/find_variants.sh; default
#     2,000,000);
# then the rate of each on the correct lock.  Prints the markdown tables of
# bench/results/relacy.md.  Needs build/default and build/libfuzzer
# (cmake --preset default / libfuzzer; cmake --build ...).  NICE (default
# 10) is the niceness of every measured process.
set -eu
seeds=${1:-5}
cap=${2:-1000000}
fuzz_runs=${3:-200000}
lf_runs=${4:-2000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
nice="nice -n ${NICE:-10}"

"$here/build.sh" "$root/build/relacy"
bin=$root/build/relacy/vmlock_relacy
vmlock=$root/build/default/vmlock
for f in "$vmlock" "$root/build/libfuzzer/vmlock_fuzz"; do
	[ -x "$f" ] || { echo "run.sh: $f missing (build its preset)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The test each variant runs under Relacy: the shape of its corpus repro.
shape() {
	case $1 in
	relaxed-inc | write-waits-for-f) echo stale-read ;;
	no-identity-check) echo reuse-across-mm ;;
	mm-after-put | lockdep-after-put) echo writer-waits-for-readers ;;
	*) echo detach-racing-reader ;;
	esac
}
variants="relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"

# relacy VARIANT SCHED ARGS... -> appends result lines to $work/rl.VARIANT
relacy() {
	v=$1 s=$2
	shift 2
	line=$($nice "$bin" "$(shape "$v")" "$v" $s --iterations "$cap" "$@" \
		2>"$work/hist" || true)
	# The assertion Relacy's report names: its text starts with our verdict.
	a=$(sed -n 's/^\[[0-9]*\] [0-9]*: USER ASSERT FAILED (assertion: !"\([a-z-]*\).*/\1/p' \
		"$work/hist" | head -1)
	echo "$line${a:+ [$a]}" >>"$work/rl.$v"
}

# Our schedule search on the same program: the corpus repro of the shape
# without its schedule and choices (vmlock explore).
repro() {
	case $1 in
	stale-read) echo stale-lock-seq-after-relaxed-inc ;;
	writer-waits-for-readers) echo two-readers-writer-waits ;;
	*) echo "$1" ;;
	esac
}
for t in detach-racing-reader reuse-across-mm writer-waits-for-readers stale-read; do
	grep -v '^schedule:\|^choices:\|^expect' "$root/corpus/$(repro $t).vmt" >"$work/$t.vmt"
done
# explore VARIANT NAME ARGS... -> "NAME found|clean RUNS SECONDS [VERDICT]"
explore() {
	v=$1 name=$2
	shift 2
	start=$(date +%s.%N)
	out=$(VMLOCK_VARIANT=$v $nice "$vmlock" explore "$@" "$work/$(shape "$v").vmt" | head -1 || true)
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	# A find: "# schedule N: VERDICT: ..." (exhaustive, N counts from 1)
	# or "# run N (seed S): VERDICT: ..." (PCT, N counts from 0).
	case $out in
	"# schedule "*) echo "$out" | sed "s/^# schedule \([0-9]*\): \([a-z-]*\):.*/$name found \1 $secs \2/" ;;
	"# run "*) echo "$out" | sed "s/^# run \([0-9]*\) [^:]*: \([a-z-]*\):.*/$name found \1 $secs \2/" |
		awk '{$3 = $3 + 1; print}' ;;
	*) echo "$name clean $(echo "$out" | grep -o '^[0-9]*') $secs" ;;
	esac >>"$work/ex.$v"
}

for v in $variants; do
	: >"$work/ex.$v"
	for s in $(seq 1 "$seeds"); do
		# Run r of --seed S uses PCT seed S + r: seeds S * 10^6 keep
		# the streams of the seeds apart (FUZZ_RUNS at most 10^6).
		explore "$v" pct --strategy pct --seed "${s}000000" --runs "$fuzz_runs"
	done
	for k in 1 2 3; do	# no seed: a find is timed SEEDS times, a miss once
		explore "$v" exhaustive-$k --strategy exhaustive --preemptions $k --runs "$fuzz_runs"
		if tail -1 "$work/ex.$v" | grep -q found; then
			for s in $(seq 2 "$seeds"); do
				explore "$v" exhaustive-$k --strategy exhaustive --preemptions $k --runs "$fuzz_runs"
			done
		fi
	done
	: >"$work/rl.$v"
	for s in $(seq 1 "$seeds"); do relacy "$v" random --seed "$s"; done
	for sched in "bound --bound 1" "bound --bound 2" "full"; do
		relacy "$v" $sched
		if ! tail -1 "$work/rl.$v" | grep -q clean; then
			for s in $(seq 2 "$seeds"); do relacy "$v" $sched; done
		fi
	done
done

SEED_INPUTS= "$root/bench/time_to_find.py" "$vmlock" /bin/false "$seeds" \
	"$fuzz_runs" "$variants" fuzz >"$work/fuzz.md"
ROWS=$variants $nice "$root/bench/find_variants.sh" \
	"$root/build/libfuzzer/vmlock_fuzz" "$seeds" "$lf_runs" >"$work/lf.md"

# The rate of each on the correct lock.
for t in detach-racing-reader reuse-across-mm writer-waits-for-readers stale-read; do
	$nice "$bin" "$t" none random --iterations 200000 >>"$work/rate.relacy" 2>/dev/null
done
start=$(date +%s.%N)
VMLOCK_VARIANT= $nice "$vmlock" fuzz --seed 1 --runs 100000 --artifacts "$work" >/dev/null 2>&1
echo "vmlock fuzz 100000 $(echo "$(date +%s.%N) - $start" | bc)" >"$work/rate.ours"
mkdir "$work/lfc"
VMLOCK_VARIANT= $nice "$root/build/libfuzzer/vmlock_fuzz" -seed=1 -runs=100000 \
	-max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 \
	-print_final_stats=1 "$work/lfc" 2>"$work/lf.rate" >/dev/null || true
echo "libFuzzer $(sed -n 's/^stat::number_of_executed_units: *//p' "$work/lf.rate") $(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/lf.rate")" >>"$work/rate.ours"

python3 "$here/table.py" "$work" "$seeds" "$cap" $variants
