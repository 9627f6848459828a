#!/bin/sh
# window_pct.sh [SEEDS] [RUNS] [DROPS]
#
# PCT with window drops on the programs of repros: each row's corpus file
# without its schedule (the program alone), searched by
# `vmlock explore --strategy pct --depth 3 --windows Q` for each Q of
# DROPS (default "0 2 3 4"; 0: plain PCT), over seeds 1..SEEDS (default
# 10, each seed S starting at S * 1000000), at most RUNS schedules each
# (default 20000).  Prints a markdown table: per row and Q, the mean
# schedules to the first violation (a miss counts as RUNS) and the misses.
# Schedules are a function of the seed: the same on any machine.
# ROWS="FILE:VARIANT ..." picks other rows; VMLOCK names another build.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-10}
runs=${2:-20000}
drops=${3:-"0 2 3 4"}
vmlock=${VMLOCK:-$here/build/default/vmlock}
rows=${ROWS:-"deep-unstable-put-unpinned:unstable-no-pin
deep-unstable-put-unpinned:unstable-wakes-own-mm
deep-exit-detach-stranger:exit-detach-no-wait
deep-killed-exit-stranger:exit-write-killable
deep-detach-after-stale-put:detach-put-no-acquire
relaxed-inc-detached-lookup:relaxed-inc
reuse-across-mm:no-identity-check
reuse-within-mm:mm-after-put
detach-racing-reader:detach-no-wait
regress-detach-after-last-put:narrow-wake"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '| program | variant |'
for q in $drops; do printf ' drops 1 in %s: mean, misses |' "$q"; done
printf '\n|---|---|'
for q in $drops; do printf -- '---|'; done
printf '\n'
for row in $rows; do
	file=${row%%:*} variant=${row#*:}
	grep -v '^schedule' "$here/corpus/$file.vmt" >"$work/p.vmt"
	printf '| %s | %s |' "$file" "$variant"
	for q in $drops; do
		total=0 miss=0 s=1
		while [ "$s" -le "$seeds" ]; do
			n=$(VMLOCK_VARIANT=$variant "$vmlock" explore --strategy pct \
				--depth 3 --windows "$q" --seed $((s * 1000000)) \
				--runs "$runs" "$work/p.vmt" 2>&1 |
				sed -n 's/^# run \([0-9]*\) .*/\1/p' | head -1)
			if [ -z "$n" ]; then
				miss=$((miss + 1)) n=$runs
			fi
			total=$((total + n)) s=$((s + 1))
		done
		printf ' %s, %s |' $((total / seeds)) "$miss"
	done
	printf '\n'
done
