#!/bin/sh
# deep_search.sh VMLOCK CORPUS
#
# The deep variants' search, bounded by counts (never a clock):
# 1. Window drops: each deep repro's program without its schedule is
#    found by `vmlock explore --strategy pct --depth 3 --windows 2`
#    within EXPLORE_RUNS schedules (explore seed 1), with the verdict the
#    repro expects of the variant; the same program runs clean under the
#    correct lock for as many schedules (the search could find only the
#    variant's doing).
# 2. `vmlock fuzz` from an empty corpus, seed 1, finds D1, D2, D3 and D5
#    within FUZZ_RUNS inputs, and the find replays as the variant's
#    (replay_find.sh: clean under the correct lock).  D4's inputs to the
#    find spread from 10^4 to 10^6 over seeds (bench/results/
#    window-pct.md): a budget it always met would be a budget of minutes,
#    so bench/deep_find.sh measures it and (1) tests its search.
# VMLOCK_BACKEND from the environment picks the backend of both.
set -eu
vmlock=$1 corpus=$2
here=$(dirname "$0")
EXPLORE_RUNS=${EXPLORE_RUNS:-30000}
FUZZ_RUNS=${FUZZ_RUNS:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

explore_one() {	# FILE VARIANT
	grep -v '^schedule' "$corpus/$1.vmt" >"$work/p.vmt"
	want=$(sed -n "s/^expect $2: *\([a-z-]*\).*/\1/p" "$corpus/$1.vmt")
	[ -n "$want" ] || fail "$1 expects nothing of $2"
	out=$(VMLOCK_VARIANT=$2 "$vmlock" explore --strategy pct --depth 3 \
		--windows 2 --seed 1 --runs "$EXPLORE_RUNS" "$work/p.vmt" 2>&1) &&
		fail "$2: $1's program clean for $EXPLORE_RUNS window-drop schedules"
	got=$(echo "$out" | sed -n 's/^# run [0-9]* (seed [0-9]*): \([a-z-]*\):.*/\1/p' | head -1)
	[ "$got" = "$want" ] || fail "$2: $1's program gave '$got', expected $want"
	VMLOCK_VARIANT=none "$vmlock" explore --strategy pct --depth 3 --windows 2 \
		--seed 1 --runs "$EXPLORE_RUNS" "$work/p.vmt" >"$work/clean" 2>&1 ||
		{ head -5 "$work/clean"; fail "the correct lock flagged on $1's program"; }
	echo "$2: $got at $(echo "$out" | sed -n 's/^# run \([0-9]*\) .*/\1/p' | head -1) schedules of $1's program; the correct lock clean"
}

fuzz_one() {	# VARIANT
	rm -rf "$work/a"
	set +e
	VMLOCK_VARIANT=$1 "$vmlock" fuzz --seed 1 --runs "$FUZZ_RUNS" \
		--artifacts "$work/a" >"$work/log" 2>&1
	rc=$?
	set -e
	[ $rc -eq 1 ] || { tail -3 "$work/log"; fail "$1 not found in $FUZZ_RUNS inputs (rc $rc)"; }
	crash=$(ls "$work"/a/crash-* | grep -v '\.vmlock$' | head -1)
	"$here/replay_find.sh" "$vmlock" "$corpus" "$1" "$crash" >/dev/null 2>&1 ||
		fail "$1's find does not replay as the variant's"
	echo "$1: $(sed -n 's/^vmlock fuzz: \([a-z-]*\) at run \([0-9]*\).*/\1 at input \2/p' "$work/log")"
}

explore_one deep-unstable-put-unpinned unstable-no-pin
explore_one deep-unstable-put-unpinned unstable-wakes-own-mm
explore_one deep-exit-detach-stranger exit-detach-no-wait
explore_one deep-killed-exit-stranger exit-write-killable
for v in unstable-no-pin unstable-wakes-own-mm exit-detach-no-wait detach-put-no-acquire; do
	fuzz_one "$v"
done
