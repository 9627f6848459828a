#!/bin/sh
# fuzz_budget.sh FUZZER VMLOCK VARIANT SEED RUNS
#
# libFuzzer from an empty corpus with a fixed seed and a fixed run budget
# (a count, never a clock).  For a bug variant the campaign must crash
# within the budget, and the crash must be the variant's doing: it replays
# as a violation under the variant and clean under the correct lock.  For
# VARIANT "none" the correct lock must survive the whole budget.
set -eu
fuzzer=$1 vmlock=$2 variant=$3 seed=$4 runs=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
# libFuzzer is deterministic for a seed and a run count only without ASLR
# (its compare tables hash code addresses) and without corpus reloads.
norand="setarch $(uname -m) -R"
$norand true 2>/dev/null || norand=""
set +e
VMLOCK_VARIANT=$variant $norand "$fuzzer" -seed="$seed" -runs="$runs" -max_len=128 \
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
	echo "correct lock: ${execs:-$runs} runs, no finding"
	exit 0
fi
if [ -z "$crash" ] || [ -z "$verdict" ]; then
	echo "$variant not found within $runs runs (seed $seed, rc $rc)"
	tail -5 "$work/log"
	exit 1
fi
if VMLOCK_VARIANT=none "$vmlock" replay "$crash" >"$work/replay" 2>&1; then :; else
	echo "the crash input is not clean on the correct lock:"
	cat "$work/replay"
	exit 1
fi
if VMLOCK_VARIANT=$variant "$vmlock" replay "$crash" >/dev/null 2>&1; then
	echo "the crash input does not replay under $variant"
	exit 1
fi
echo "$variant found: $verdict after ${execs:-?} runs (seed $seed); clean on the correct lock"
