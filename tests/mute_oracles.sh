#!/bin/sh
# mute_oracles.sh [BUILD_DIR [TSAN_BUILD_DIR]]
#
# The mutation check of the detectors: silence each verdict in turn and
# show that at least one test fails without it.  A build of its own
# (BUILD_DIR, default build/mute: the default preset's replay build, gcc,
# configured with -DVMLOCK_MUTE_HOOK=ON) has the switch: the verdict named
# by VMLOCK_MUTE_VERDICT is never raised (src/sim/verdict.h).  No product
# build has it.  tsan-report is ThreadSanitizer's verdict, not a check's:
# it is silenced with TSAN_OPTIONS=report_bugs=0 in the tsan preset's build
# (TSAN_BUILD_DIR, default build/tsan; the row says so if it is missing),
# on its unit, corpus and stress tests (its fuzzing runs are the slow ones).
#
# First every test must pass with nothing muted; then, per verdict, the
# tests of the mute build run again (all but the OSS-Fuzz and MSan builds,
# which test no verdict, and the comparisons with other builds, which
# would fail on any change), and the failing ones are listed.  The table (a
# Markdown table, docs/detector-controls.md) goes to stdout; exit 1 if a
# verdict is killed by no test.  Bounded by the suite's own counts: about
# 25 runs of the default preset's tests.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/mute}
tsan=${2:-$src/build/tsan}
jobs=${VMLOCK_MUTE_JOBS:-2}
exclude='^(ossfuzz\.|fuzz\.harness\.msan|determinism\.vs-)'
log=$(mktemp)
trap 'rm -f "$log"' EXIT

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVMLOCK_ENGINE=replay -DVMLOCK_MUTE_HOOK=ON -DVMLOCK_INFRA_TESTS=OFF >/dev/null &&
	cmake --build "$build" -j "$jobs" >/dev/null ||
	{ echo "mute_oracles: the mute build failed"; exit 1; }

# The tests a ctest run failed, on one line.
failed_tests() {
	sed -n '/The following tests FAILED:/,$s/^[[:space:]]*[0-9]* - \([^ ]*\) (.*)$/\1/p' "$log" |
		tr '\n' ' '
}

# ctest in DIR with one extra variable VAR=VALUE, and ctest's own options.
run_ctest() {
	dir=$1 var=$2
	shift 2
	env "$var" ctest --test-dir "$dir" -j "$jobs" -E "$exclude" "$@" >"$log" 2>&1
}

if ! run_ctest "$build" VMLOCK_MUTE_VERDICT=; then
	echo "mute_oracles: with nothing muted, tests fail: $(failed_tests)"
	exit 1
fi
total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log")

verdicts=$(sed -n 's/^[[:space:]]*\[VERDICT_[A-Z_]*\] = { "\([a-z-]*\)".*/\1/p' \
	"$src/src/sim/verdict.c" | grep -vx clean)
survivors=0
echo "| verdict silenced | tests failing (of $total) |"
echo "|---|---|"
for v in $verdicts; do
	if [ "$v" = tsan-report ]; then
		if [ ! -x "$tsan/tests/test_tsan_controls" ]; then
			echo "| $v | not run: no tsan build at $tsan |"
			survivors=$((survivors + 1))
			continue
		fi
		run_ctest "$tsan" TSAN_OPTIONS=report_bugs=0 -R '^(unit|corpus|stress)\.'
		how=" (tsan build, TSAN_OPTIONS=report_bugs=0)"
	else
		run_ctest "$build" VMLOCK_MUTE_VERDICT="$v"
		how=
	fi
	killed=$(failed_tests)
	if [ -z "$killed" ]; then
		echo "| $v | **none: the verdict survives**$how |"
		survivors=$((survivors + 1))
	else
		echo "| $v | $(echo $killed | tr ' ' '\n' | sed 's/.*/`&`/' | tr '\n' ' ')$how |"
	fi
done
echo
echo "mute_oracles: $(echo "$verdicts" | wc -l) verdicts, $survivors not killed by any test"
[ "$survivors" -eq 0 ]
