#!/bin/sh
# find_variants.sh [FUZZER] [SEEDS] [MAX_RUNS] [CORPUS]
#
# For each bug variant and each seed 1..SEEDS, run the libFuzzer target from
# an empty corpus (or from CORPUS, copied) until its first crash or MAX_RUNS
# executions; print a markdown table of the runs and seconds to the first
# find (median and max over the seeds) and the verdict found.  Also runs the
# correct lock for the same budget, which must find nothing.  ROWS="a b"
# runs only those rows.  MUTATOR=plain takes the default FUZZER without
# the structure-aware mutator (vmlock_fuzz_plain: libFuzzer's own
# mutations), to compare.  LF_FLAGS adds libFuzzer flags.
set -eu
LF_FLAGS=${LF_FLAGS:-}
here=$(cd "$(dirname "$0")/.." && pwd)
case ${MUTATOR:-custom} in
plain) default_fuzzer=$here/build/libfuzzer/vmlock_fuzz_plain ;;
custom) default_fuzzer=$here/build/libfuzzer/vmlock_fuzz ;;
*) echo "MUTATOR is custom or plain" >&2; exit 2 ;;
esac
fuzzer=${1:-$default_fuzzer}
seeds=${2:-5}
max_runs=${3:-2000000}
corpus=${4:-}
# On tmpfs where there is one: libFuzzer writes every new input to the
# corpus directory, and on a disk file system that was a third of the
# early search's time, none of it search.
# -print_funcs=0: libFuzzer names each newly covered function, and the
# first name starts llvm-symbolizer: 25 to 55 ms of a run that finds S3 in
# 50 (measured with -runs=1000 on the correct lock), none of it search.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT

variants="relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"

# Copy stdin to stdout, and write the time the report's first line passed
# to $1: the find, before libFuzzer's crash handler symbolizes its stack
# (a tenth of a second that is not search).
stamp_report() {
	while IFS= read -r line; do
		case $line in vmlock:*) [ -e "$1" ] || date +%s.%N >"$1" ;; esac
		printf '%s\n' "$line"
	done
}

# one VARIANT SEED -> "runs seconds verdict" (runs = max_runs+ if not found;
# seconds from the start to the report, or to the exit if none)
one() {
	dir=$work/c.$1.$2
	rm -rf "$dir" && mkdir -p "$dir"
	[ -n "$corpus" ] && cp "$corpus"/* "$dir"/ 2>/dev/null || true
	log=$work/log.$1.$2
	start=$(date +%s.%N)
	rm -f "$work/found"
	{ VMLOCK_VARIANT=$1 "$fuzzer" -seed="$2" -runs="$max_runs" -max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 -reload=0 \
		-print_final_stats=1 -artifact_prefix="$work/" $LF_FLAGS "$dir" 2>&1 || true; } |
		stamp_report "$work/found" >"$log"
	end=$(cat "$work/found" 2>/dev/null || date +%s.%N)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	verdict=$(sed -n 's/^vmlock: \([a-z-]*\):.*/\1/p' "$log" | head -1)
	if [ -z "$verdict" ]; then
		verdict="-"
		runs="${runs:-$max_runs}+"
	fi
	[ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
	echo "$runs $(echo "$end - $start" | bc) $verdict"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "| variant | seed bug | found | median runs | max runs | median s | max s | verdict |"
echo "|---|---|---|---|---|---|---|---|"
# ROWS may name the rows to run (default: the correct lock, then every variant).
for v in ${ROWS:-none $variants}; do
	: >"$work/rows"
	for s in $(seq 1 "$seeds"); do one "$v" "$s" >>"$work/rows"; done
	found=$(grep -vc '+' "$work/rows" || true)
	mr=$(cut -d' ' -f1 "$work/rows" | tr -d + | median)
	xr=$(cut -d' ' -f1 "$work/rows" | tr -d + | sort -n | tail -1)
	ms=$(cut -d' ' -f2 "$work/rows" | median)
	xs=$(cut -d' ' -f2 "$work/rows" | sort -n | tail -1)
	vd=$(cut -d' ' -f3 "$work/rows" | sort | uniq -c | sort -rn | awk '{printf "%s%s", (NR>1?", ":""), $2}')
	seed=$(VMLOCK_VARIANT= "$here/build/default/vmlock" variants 2>/dev/null | awk -v v="$v" '$1==v {print $2}')
	printf '| %s | %s | %s/%s | %s | %s | %.2f | %.2f | %s |\n' "$v" "${seed:--}" "$found" "$seeds" "$mr" "$xr" "$ms" "$xs" "$vd"
done
