#!/bin/sh
# test-all.sh - the whole test suite: installs what is missing, builds the
# default (gcc, replay), libfuzzer (clang, ASan+UBSan), afl and tsan presets,
# and the kernel backend's kernel-replay and kernel presets (a kernel tree
# from tools/kernel-source.sh), and runs ctest in each; then the tsan preset
# again from a copy of the tree at a path an ignorelist could trip on
# (tests/awkward_path.sh).  The last line is "vmlock tests: N passed, M
# failed, K skipped".  A cross-build comparison (determinism.vs-X-build)
# skipped although preset X was built earlier in this run is a failure.
set -u
cd "$(dirname "$0")/.."
tools/deps.sh || { echo "vmlock tests: 0 passed, 1 failed (dependencies)"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
passed=0 failed=0 skipped=0 built=
# Add the tests of a ctest log to the totals (a log without ctest's
# summary counts as one failure); $built names the presets whose
# cross-build comparisons must have run.
count() {
	p=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' "$1")
	total=${p% *} bad=${p#* }
	[ -n "$p" ] || { total=1; bad=1; }
	skips=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (Skipped)$/\1/p' "$1")
	nskip=$(echo "$skips" | grep -c . || true)
	for b in $built; do
		if echo "$skips" | grep -qx "determinism\.vs-$b-build"; then
			echo "determinism.vs-$b-build skipped, but $b is built"
			nskip=$((nskip - 1)) bad=$((bad + 1))
		fi
	done
	passed=$((passed + total - bad - nskip))
	failed=$((failed + bad))
	skipped=$((skipped + nskip))
}
presets="default libfuzzer afl tsan"
# The kernel backend's presets build the lock from Debian's kernel source
# (the newest 7.x, with the kernel's litmus tests), and are also tested
# against 7.2 (kernel.version.*).
if tools/kernel-source.sh --litmus >/dev/null &&
	tools/kernel-source.sh --series 7.2 >/dev/null; then
	presets="$presets kernel-replay kernel"
else
	echo "kernel backend: tools/kernel-source.sh failed"
	failed=$((failed + 1))
fi
for preset in $presets; do
	echo "=== preset $preset"
	if ! cmake --preset "$preset" >/dev/null || ! cmake --build --preset "$preset"; then
		echo "preset $preset: build failed"
		failed=$((failed + 1))
		continue
	fi
	# The TSan self-check's line (every TSan binary checks at start-up).
	[ "$preset" != tsan ] ||
		VMLOCK_TSAN_PROBE=verbose build/tsan/vmlock replay corpus/single-fault.vmt 2>&1 | head -1
	log=build/$preset/ctest.log
	ctest --preset "$preset" -j "$jobs" 2>&1 | tee "$log"
	count "$log"
	built="$built $preset"
done
echo "=== preset tsan, from a checkout at an awkward path"
log=build/awkward-path.log
built=
tests/awkward_path.sh tsan 2>&1 | tee "$log"
count "$log"
echo "vmlock tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
