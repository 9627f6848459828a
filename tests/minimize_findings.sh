#!/bin/sh
# minimize_findings.sh FUZZER TEST_MINIMIZE VARIANT...
#
# libFuzzer's own findings minimise to 1-minimal repros: for each variant,
# the target from no corpus with a fixed seed and run budget (a count)
# writes a crash file, and test_minimize checks harness_minimize() on it.
set -eu
fuzzer=$1 check=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for v in "$@"; do
	mkdir -p "$work/$v/corpus"
	VMLOCK_VARIANT=$v "$fuzzer" -seed=1 -runs=200000 -max_len=128 -len_control=0 -entropic=0 \
		-use_counters=0 -reload=0 -artifact_prefix="$work/$v/" "$work/$v/corpus" >"$work/$v/log" 2>&1 || true
	crash=$(ls "$work/$v"/crash-* 2>/dev/null | head -1)
	[ -n "$crash" ] || { echo "FAIL $v: no finding in 200000 runs"; exit 1; }
	"$check" "$v" "$crash"
done
