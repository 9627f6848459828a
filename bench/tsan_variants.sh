#!/bin/sh
# tsan_variants.sh [RUNS] - for each variant: the verdict of its corpus
# repros in the tsan build (our oracles, and whether ThreadSanitizer
# reported a race in the same run), and what libFuzzer on the tsan build
# finds first from an empty corpus within RUNS runs (seed 1): a
# tsan-report verdict means TSan saw the bug before any oracle did.
# Needs build/tsan.  Prints markdown.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-20000}
vmlock=build/tsan/vmlock
fuzzer=build/tsan/vmlock_fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "| variant | seed bug | repro verdict (oracles) | TSan on the repros | libFuzzer+TSan, first find in $runs runs |"
echo "|---|---|---|---|---|"
build/default/vmlock variants | while read -r v seed _; do
	verdicts="" tsan=no
	for f in $(grep -l "^expect $v:" corpus/*.vmt); do
		line=$(VMLOCK_VARIANT=$v timeout -s KILL 60 $vmlock replay "$f" 2>/dev/null | grep '^corpus' | head -1)
		verdicts="$verdicts $(echo "$line" | sed -n 's/^[^:]*: \([a-z-]*\):.*/\1/p')"
		case $line in *"ThreadSanitizer reported"*|*tsan-report*) tsan=yes ;; esac
	done
	rm -rf "$work/c" && mkdir -p "$work/c"
	VMLOCK_VARIANT=$v timeout -s KILL 600 setarch "$(uname -m)" -R $fuzzer -seed=1 -runs="$runs" \
		-max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 -reload=0 -artifact_prefix="$work/" "$work/c" >"$work/log" 2>&1 || true
	first=$(sed -n 's/^vmlock: \([a-z-]*\):.*/\1/p' "$work/log" | head -1)
	also=""
	grep -q "ThreadSanitizer reported too" "$work/log" && also=" (TSan reported too)"
	n=$(grep -o '^#[0-9]*' "$work/log" | tail -1 | tr -d '#')
	echo "| $v | $seed | $(echo $verdicts | tr ' ' '\n' | sort -u | tr '\n' ' ')| $tsan | ${first:-none}${also} after ${n:-?} runs |"
done
