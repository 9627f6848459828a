#!/bin/sh
# afl_budget.sh FUZZER VMLOCK CORPUS SEEDS VARIANT EXECS
#
# afl-fuzz from the seed corpus for a fixed number of executions (-E, a
# count); a bug variant must leave a crash, the correct lock none after
# the whole budget.  afl-fuzz exits 0 even when it saved crashes, so the
# crashes directory is what counts, and every crash must be the variant's
# doing: replayed through VMLOCK, clean under the correct lock and a
# verdict the corpus expects of the variant under it (replay_find.sh); an
# unrelated abort fails.  AFL_CUSTOM_MUTATOR_LIBRARY, if set, must
# contribute inputs.
set -eu
fuzzer=$1 vmlock=$2 corpus=$3 seeds=$4 variant=$5 execs=$6
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
	[ "$execs_done" -ge "$execs" ] || { echo "the correct lock ran $execs_done of $execs executions"; exit 1; }
	echo "correct lock: $execs_done executions, no crash"
else
	[ "$crashes" -gt 0 ] || { echo "$variant not found in $execs_done executions"; exit 1; }
	"$(dirname "$0")/replay_find.sh" "$vmlock" "$corpus" "$variant" "$work"/out/default/crashes/id:* >"$work/replayed" ||
		{ tail -1 "$work/replayed"; exit 1; }
	echo "$variant found: $crashes crash(es) in $execs_done executions, each replayed as" \
		$(sed 's/.*: //' "$work/replayed" | sort | uniq -c)
fi
