#!/bin/sh
# afl_budget.sh FUZZER SEEDS VARIANT EXECS
#
# afl-fuzz from the seed corpus for a fixed number of executions (-E, a
# count); a bug variant must leave a crash, the correct lock none.
# afl-fuzz exits 0 even when it saved crashes, so the crashes directory is
# what counts.  AFL_CUSTOM_MUTATOR_LIBRARY, if set, must contribute inputs.
set -eu
fuzzer=$1 seeds=$2 variant=$3 execs=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_QUIET=1 AFL_NO_STARTUP_CALIBRATION=1
export VMLOCK_VARIANT=$variant
afl-fuzz -s 1 -E "$execs" -i "$seeds" -o "$work/out" -- "$fuzzer" >"$work/log" 2>&1 || {
	echo "afl-fuzz failed:"; tail -20 "$work/log"; exit 1; }
crashes=$(ls "$work/out/default/crashes" 2>/dev/null | grep -c '^id:' || true)
execs_done=$(sed -n 's/^execs_done *: *//p' "$work/out/default/fuzzer_stats")
# With a custom mutator loaded, some queue entries must be its work (it
# names them "vmlock-<mutations>" through afl_custom_describe).
if [ -n "${AFL_CUSTOM_MUTATOR_LIBRARY:-}" ] &&
	! ls "$work/out/default/queue" "$work/out/default/crashes" | grep -q ',vmlock-'; then
	echo "no input from the custom mutator $AFL_CUSTOM_MUTATOR_LIBRARY"; exit 1
fi
if [ "$variant" = none ]; then
	[ "$crashes" -eq 0 ] || { echo "the correct lock was flagged: $crashes crashes"; exit 1; }
	echo "correct lock: $execs_done executions, no crash"
else
	[ "$crashes" -gt 0 ] || { echo "$variant not found in $execs_done executions"; exit 1; }
	echo "$variant found: $crashes crash(es) in $execs_done executions"
fi
