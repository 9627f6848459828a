#!/bin/sh
# fuzz_budget.sh [--also VERDICT] [--variant-env NAME] FUZZER VMLOCK CORPUS
#                VARIANT SEED RUNS
#
# libFuzzer from an empty corpus with a fixed seed and a fixed run budget
# (a count, never a clock).  For a bug variant the campaign must crash
# within the budget, and the crash must be the variant's doing: it replays
# clean under the correct lock, and under the variant with a verdict the
# corpus expects of it (replay_find.sh; --also VERDICT: one more).  For
# VARIANT "none" the correct lock must survive the whole budget, and the
# budget must have run.  --variant-env: the variable that gives FUZZER the
# variant (default VMLOCK_VARIANT; the differential target takes
# VMLOCK_DIFF_PATCH).  VMLOCK_BACKEND from the environment reaches both
# the fuzzer and the replay.
set -eu
also= venv=VMLOCK_VARIANT
if [ "$1" = --also ]; then also="--also $2"; shift 2; fi
if [ "$1" = --variant-env ]; then venv=$2; shift 2; fi
fuzzer=$1 vmlock=$2 corpus=$3 variant=$4 seed=$5 runs=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
# libFuzzer is deterministic for a seed and a run count only without ASLR
# (its compare tables hash code addresses) and without corpus reloads.
norand="setarch $(uname -m) -R"
$norand true 2>/dev/null || norand=""
set +e
env "$venv=$variant" $norand "$fuzzer" -seed="$seed" -runs="$runs" -max_len=128 \
	-len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 -reload=0 -artifact_prefix="$work/" -print_final_stats=1 \
	"$work/corpus" >"$work/log" 2>&1
rc=$?
set -e
verdict=$(sed -n 's/^vmlock: \([a-z-]*\):.*/\1/p' "$work/log" | head -1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
crash=$(ls "$work"/crash-* 2>/dev/null | head -1 || true)
if [ "$variant" = none ]; then
	if [ $rc -ne 0 ] || [ -n "$crash" ]; then
		echo "the correct lock was flagged (rc $rc): $verdict"
		sed -n '/^vmlock:/,/^state:/p' "$work/log" | head -60
		exit 1
	fi
	[ "${execs:-0}" -ge "$runs" ] ||
		{ echo "the correct lock ran ${execs:-no} of $runs runs"; tail -5 "$work/log"; exit 1; }
	echo "correct lock: $execs runs, no finding"
	exit 0
fi
if [ -z "$crash" ] || [ -z "$verdict" ]; then
	echo "$variant not found within $runs runs (seed $seed, rc $rc)"
	tail -5 "$work/log"
	exit 1
fi
replayed=$("$(dirname "$0")/replay_find.sh" $also "$vmlock" "$corpus" "$variant" "$crash") ||
	{ echo "$replayed"; exit 1; }
echo "$variant found: $verdict after ${execs:-?} runs (seed $seed); replays as ${replayed##*: }, clean on the correct lock"
