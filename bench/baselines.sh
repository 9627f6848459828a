#!/bin/sh
# baselines.sh [SEEDS] [MAX_RUNS] - the same runtime without the fuzzer:
# random programs under random bytes (no feedback), a seeded PRNG
# scheduler, and PCT at depths 1-3 (bench/baseline.c).  For each variant,
# runs and seconds (wall time of the process) to the first find over SEEDS
# seeds; a markdown table.
# Builds bench/baseline (gcc -O2, no sanitizers) if needed.  ROWS and
# STRATS pick rows and columns.
set -eu
cd "$(dirname "$0")/.."
seeds=${1:-5}
max_runs=${2:-300000}
bin=build/bench/baseline
srcs=$(ls src/sim/*.c src/lock/*.c src/check/*.c src/harness/*.c src/scenario/*.c)
mkdir -p build/bench
# shellcheck disable=SC2086
gcc -std=gnu11 -O2 -g -Isrc $srcs bench/baseline.c -o "$bin"
variants=${ROWS:-"relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"}
strats=${STRATS:-"random prng pct:1 pct:2 pct:3"}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf "| variant | strategy | found | median runs | max runs | median s | max s |\n"
printf "|---|---|---|---|---|---|---|\n"
for v in $variants; do
	for st in $strats; do
		s=${st%%:*} d=${st#*:}
		[ "$d" = "$st" ] && d=2
		# Seconds are the process's wall time, start to exit, as
		# find_variants.sh measures the fuzzer's.
		rows=$(for seed in $(seq 1 "$seeds"); do
			t0=$(date +%s.%N)
			r=$(VMLOCK_VARIANT=$v "$bin" "$s" "$seed" "$max_runs" "$d")
			t1=$(date +%s.%N)
			echo "$r" | awk -v s="$(echo "$t1 - $t0" | bc)" '{ printf "%s %.2f %s\n", $1, s, $3 }'
		done)
		found=$(echo "$rows" | awk '$3 != "-"' | wc -l)
		mr=$(echo "$rows" | cut -d' ' -f1 | median)
		xr=$(echo "$rows" | cut -d' ' -f1 | sort -n | tail -1)
		ms=$(echo "$rows" | cut -d' ' -f2 | median)
		xs=$(echo "$rows" | cut -d' ' -f2 | sort -n | tail -1)
		printf "| %s | %s | %s/%s | %s | %s | %s | %s |\n" "$v" "$st" "$found" "$seeds" \
			"$mr" "$xr" "$ms" "$xs"
	done
done
