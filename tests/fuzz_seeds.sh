#!/bin/sh
# fuzz_seeds.sh ENGINE FUZZER RUNS MAX_LEN SEED_DIR...
#
# A fuzz target on its seeds, for any engine: the replay main and
# libAFLDriver run every seed once; libFuzzer runs the seeds and then
# fuzzes RUNS inputs (a count, never a clock) from seed 1, into a scratch
# corpus so the seed directories are never written.  Any crash, sanitizer
# report or broken check of the target fails the test, and so does what
# libFuzzer reports on its own: a leak (LeakSanitizer after every input
# that allocated more than it freed), a single allocation over 64 MB, an
# RSS over 2 GB, or an input still running after 25 s (a run takes well
# under a millisecond: that is a hang detector, not a budget).  Under
# ThreadSanitizer (VMLOCK_NO_LSAN set) there is no LeakSanitizer: leaks are
# then not covered, and the output says so.
#
# Every SEED_DIR must hold at least one file: a test of nothing passes
# nothing.  libFuzzer must have run at least RUNS inputs.
set -eu
engine=$1 fuzzer=$2 runs=$3 max_len=$4
shift 4
[ $# -gt 0 ] || { echo "no seed directory"; exit 1; }
for d in "$@"; do
	[ -n "$(find "$d" -maxdepth 1 -type f 2>/dev/null | head -1)" ] ||
		{ echo "$d: no seed (missing or empty)"; exit 1; }
done
case $engine in
replay)
	exec "$fuzzer" "$@" ;;
afl)
	n=0
	for d in "$@"; do
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			"$fuzzer" "$f" || { echo "$f: exit status $?"; exit 1; }
			n=$((n + 1))
		done
	done
	echo "$n seeds ran clean"
	exit 0 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
set +e
leaks=1 uncovered=
if [ -n "${VMLOCK_NO_LSAN:-}" ]; then
	leaks=0 uncovered="; leaks not covered (no LeakSanitizer in this build)"
fi
"$fuzzer" -seed=1 -runs="$runs" -max_len="$max_len" -print_final_stats=1 \
	-detect_leaks=$leaks -malloc_limit_mb=64 -rss_limit_mb=2048 -timeout=25 \
	-artifact_prefix="$work/" "$work/corpus" "$@" >"$work/log" 2>&1
rc=$?
set -e
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
found=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' \
	-o -name 'timeout-*' -o -name 'oom-*' \) | head -1)
if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
	echo "$(basename "$fuzzer"): rc $rc after ${execs:-?} runs${found:+, found: $(basename "$found")}"
	grep -v '^#[0-9]' "$work/log" | tail -30
	exit 1
fi
[ "${execs:-0}" -ge "$runs" ] ||
	{ echo "$(basename "$fuzzer"): ${execs:-no} of $runs runs"; tail -5 "$work/log"; exit 1; }
echo "$(basename "$fuzzer"): $execs runs from seed 1, no finding$uncovered"
