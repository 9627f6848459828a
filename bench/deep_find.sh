#!/bin/sh
# deep_find.sh [SEEDS] [CAP_SECONDS] [ENGINES]
#
# Time to the first find of each deep variant (vmlock variants: seeds
# D1-D5) from an empty corpus, per engine, over seeds 1..SEEDS (default
# 10), each run capped at CAP_SECONDS (default 300) of one core:
#   libfuzzer  build/libfuzzer/vmlock_fuzz (ASan+UBSan, the structure-aware
#              mutator), the flags of docs/fuzzing.md, -max_total_time=CAP
#   fuzz       build/default/vmlock fuzz --seed S --seconds CAP
# Prints a markdown table per engine: found, median and max seconds (a miss
# counts as CAP for the median and max), the runs (inputs) to each find,
# the verdicts.  Runs are a function of the seed, the same on any machine
# and load (both engines are deterministic with a seed); seconds are not.
# ROWS="a b" runs only those variants; FIRST_SEED starts the seeds
# elsewhere; VMLOCK and FUZZER name other builds.  Runs take turns variant by variant, seed by
# seed.  Run it niced on a shared machine: nice -n 10 bench/deep_find.sh.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-10}
cap=${2:-300}
engines=${3:-"libfuzzer fuzz"}
first=${FIRST_SEED:-1}
vmlock=${VMLOCK:-$here/build/default/vmlock}
fuzzer=${FUZZER:-$here/build/libfuzzer/vmlock_fuzz}
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
deep=$(VMLOCK_VARIANT= "$vmlock" variants | awk '$2 ~ /^D[0-9]+$/ { print $1 }')
rows=${ROWS:-$deep}

# one ENGINE VARIANT SEED -> "seconds verdict runs" ("CAP+ - RUNS+" if not
# found: the runs made in the time)
one() {
	dir=$work/c.$1.$2.$3 log=$work/log
	rm -rf "$dir" && mkdir -p "$dir"
	start=$(date +%s.%N)
	case $1 in
	libfuzzer)
		VMLOCK_VARIANT=$2 "$fuzzer" -seed="$3" -max_total_time="$cap" \
			-max_len=128 -len_control=0 -entropic=0 -use_counters=0 \
			-print_funcs=0 -reload=0 -dict="$here/fuzz/vmlock_fuzz.dict" \
			-print_final_stats=1 \
			-artifact_prefix="$work/" "$dir" >"$log" 2>&1 || true ;;
	fuzz)
		VMLOCK_VARIANT=$2 "$vmlock" fuzz --seed "$3" --seconds "$cap" \
			--artifacts "$dir" >"$log" 2>&1 || true ;;
	esac
	end=$(date +%s.%N)
	verdict=$(sed -n 's/^vmlock: \([a-z-]*\):.*/\1/p; s/^vmlock fuzz: \([a-z-]*\) at run.*/\1/p' "$log" | head -1)
	runs=$(sed -n 's/^stat::number_of_executed_units: \([0-9]*\)/\1/p; s/^vmlock fuzz: [a-z-]* at run \([0-9]*\).*/\1/p; s/^vmlock fuzz: \([0-9]*\) runs,.*/\1/p' "$log" | head -1)
	if [ -n "$verdict" ]; then
		echo "$(echo "$end - $start" | bc) $verdict ${runs:-?}"
	else
		echo "$cap+ - ${runs:-?}+"
	fi
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for e in $engines; do
	echo "engine $e, seeds $first..$((first + seeds - 1)), cap ${cap}s"
	echo
	echo "| variant | seed | found | median s | max s | per seed (s) | runs per seed | verdict |"
	echo "|---|---|---|---|---|---|---|---|"
	for v in $rows; do
		: >"$work/rows"
		for s in $(seq "$first" $((first + seeds - 1))); do
			one "$e" "$v" "$s" >>"$work/rows"
		done
		found=$(grep -vc '+' "$work/rows" || true)
		ms=$(cut -d' ' -f1 "$work/rows" | tr -d + | median)
		xs=$(cut -d' ' -f1 "$work/rows" | tr -d + | sort -n | tail -1)
		per=$(cut -d' ' -f1 "$work/rows" | awk '{ printf "%s%s", (NR > 1 ? " " : ""), ($1 ~ /\+/ ? $1 : sprintf("%.1f", $1)) }')
		rs=$(cut -d' ' -f3 "$work/rows" | tr '\n' ' ' | sed 's/ $//')
		vd=$(cut -d' ' -f2 "$work/rows" | grep -v '^-$' | sort | uniq -c | sort -rn | awk '{printf "%s%s", (NR>1?", ":""), $2}')
		id=$(VMLOCK_VARIANT= "$vmlock" variants | awk -v v="$v" '$1==v {print $2}')
		printf '| %s | %s | %s/%s | %.1f | %.1f | %s | %s | %s |\n' "$v" "$id" "$found" "$seeds" "$ms" "$xs" "$per" "$rs" "${vd:--}"
	done
	echo
done
