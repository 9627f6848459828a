#!/bin/sh
# test-all.sh - the whole test suite: installs what is missing, builds the
# default (gcc, replay), libfuzzer (clang, ASan+UBSan), afl and tsan presets, and
# runs ctest in each.  The last line is "vmlock tests: N passed, M failed,
# K skipped".  A cross-build comparison (determinism.vs-X-build) skipped
# although preset X was built earlier in this run is a failure.
set -u
cd "$(dirname "$0")/.."
tools/deps.sh || { echo "vmlock tests: 0 passed, 1 failed (dependencies)"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
passed=0 failed=0 skipped=0 built=
for preset in default libfuzzer afl tsan; do
	echo "=== preset $preset"
	if ! cmake --preset "$preset" >/dev/null || ! cmake --build --preset "$preset"; then
		echo "preset $preset: build failed"
		failed=$((failed + 1))
		continue
	fi
	log=build/$preset/ctest.log
	ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
	p=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' "$log")
	total=${p% *} bad=${p#* }
	[ -n "$p" ] || { total=1; bad=1; }
	skips=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (Skipped)$/\1/p' "$log")
	nskip=$(echo "$skips" | grep -c . || true)
	for b in $built; do
		if echo "$skips" | grep -qx "determinism\.vs-$b-build"; then
			echo "preset $preset: determinism.vs-$b-build skipped, but $b is built"
			nskip=$((nskip - 1)) bad=$((bad + 1))
		fi
	done
	built="$built $preset"
	passed=$((passed + total - bad - nskip))
	failed=$((failed + bad))
	skipped=$((skipped + nskip))
done
echo "vmlock tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
