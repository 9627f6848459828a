#!/bin/sh
# minimize_compare.sh - for every variant repro of the corpus, the size of
# the crash before and after three minimisers: vmlock minimize (program
# level), libFuzzer -minimize_crash=1, and afl-tmin.  Sizes: bytes of the
# binary input, operations, and context switches of the failing run.
# Needs build/default, build/libfuzzer and build/afl.  Prints markdown.
set -eu
cd "$(dirname "$0")/.."
vmlock=build/default/vmlock
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure VARIANT FILE -> "bytes ops switches verdict"
measure() {
	bin=$work/m.bin
	$vmlock encode "$2" "$bin" 2>/dev/null || cp "$2" "$bin"
	bytes=$(wc -c <"$bin")
	ops=$($vmlock decode "$bin" | sed -n 's/^# [0-9]* threads*, \([0-9]*\) ops*,.*/\1/p')
	tr=$(VMLOCK_VARIANT=$1 $vmlock trace "$bin" 2>/dev/null || true)
	sw=$(echo "$tr" | sed -n 's/.* steps, \([0-9]*\) context switches.*/\1/p' | head -1)
	verdict=$(echo "$tr" | sed -n 's/^vmlock: \([a-z-]*\):.*/\1/p' | head -1)
	echo "$bytes ${ops:-?} ${sw:-?} ${verdict:-clean}"
}

echo "| variant | repro | verdict | before (bytes/ops/switches) | vmlock minimize | libFuzzer -minimize_crash | afl-tmin |"
echo "|---|---|---|---|---|---|---|"
for f in corpus/*.vmt; do
	for v in $(sed -n 's/^expect \([a-z0-9-]*\): .*/\1/p' "$f"); do
		name=$(basename "$f" .vmt)
		crash=$work/$name.$v
		$vmlock encode "$f" "$crash"
		set -- $(measure "$v" "$crash")
		before="$1/$2/$3" verdict=$4
		# vmlock minimize: print the minimized .vmt, encode it
		VMLOCK_VARIANT=$v $vmlock minimize "$crash" 2>/dev/null |
			sed -n '/^# minimized/,/^$/p' | sed 1d >"$work/vm.vmt" || true
		set -- $(measure "$v" "$work/vm.vmt")
		vm="$1/$2/$3"
		[ "$4" = "$verdict" ] || vm="$vm (verdict $4)"
		# libFuzzer
		rm -f "$work"/lf.*
		VMLOCK_VARIANT=$v build/libfuzzer/vmlock_fuzz -minimize_crash=1 -runs=20000 \
			-exact_artifact_path="$work/lf.min" "$crash" >/dev/null 2>&1 || true
		if [ -s "$work/lf.min" ]; then
			set -- $(measure "$v" "$work/lf.min")
			lf="$1/$2/$3"
			[ "$4" = "$verdict" ] || lf="$lf (verdict $4)"
		else
			lf="(no result)"
		fi
		# afl-tmin
		rm -f "$work/tmin.out"
		VMLOCK_VARIANT=$v AFL_SKIP_CPUFREQ=1 afl-tmin -i "$crash" -o "$work/tmin.out" \
			-- build/afl/vmlock_fuzz >/dev/null 2>&1 || true
		if [ -s "$work/tmin.out" ]; then
			set -- $(measure "$v" "$work/tmin.out")
			tm="$1/$2/$3"
			[ "$4" = "$verdict" ] || tm="$tm (verdict $4)"
		else
			tm="(no result)"
		fi
		echo "| $v | $name | $verdict | $before | $vm | $lf | $tm |"
	done
done
