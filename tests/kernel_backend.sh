#!/bin/sh
# kernel_backend.sh VMLOCK CORPUS REGRESS - the kernel backend driven by the
# whole harness: the corpus replays clean on the unpatched kernel code, and
# so do the kernel backend's own regressions (REGRESS: former false
# positives, their expect lines checked; test_kernel shows each fails
# without its rule); every corpus input gets the same verdict under both
# backends (vmlock hash's
# verdict column; the traces differ: the kernel code has other scheduling
# points); the report names the backend and the kernel version; and, so
# that "clean" means something, a bounded campaign of the in-process
# engine (seed 1, at most 50000 runs) finds each variant patch's copy.
set -eu
vmlock=$1 corpus=$2 regress=$3
patches=$(cd "$(dirname "$0")/../kernel/patches" && pwd)
fail=0
VMLOCK_BACKEND=kernel "$vmlock" replay --expect "$regress" || {
	echo "kernel backend: a regression input does not replay as expected"; fail=1; }
out=$(VMLOCK_BACKEND=kernel "$vmlock" replay "$corpus") || {
	echo "kernel backend: the corpus does not replay clean:"; echo "$out"; exit 1; }
echo "$out" | tail -1
VMLOCK_BACKEND=model "$vmlock" hash "$corpus" | awk '{print $NF, $2}' | sort >model.v
VMLOCK_BACKEND=kernel "$vmlock" hash "$corpus" | awk '{print $NF, $2}' | sort >kernel.v
if ! diff model.v kernel.v; then
	echo "differential: verdicts differ between the backends (above)"; fail=1
else
	echo "differential: $(wc -l <model.v) inputs, the same verdict under both backends"
fi
VMLOCK_BACKEND=nonsense "$vmlock" replay "$corpus" 2>/dev/null && { echo "VMLOCK_BACKEND=nonsense accepted"; fail=1; }
"$vmlock" --version | grep -q '^backend kernel [0-9]' || { echo "--version names no kernel"; fail=1; }
# The seed variants (S1-S6); the deep ones (D1-D5) need minutes, not this
# budget (bench/deep_find.sh measures them).
for v in $("$vmlock" variants 2>/dev/null | awk '$2 !~ /^D/ {print $1}'); do
	rm -rf art && mkdir art
	if VMLOCK_BACKEND=kernel VMLOCK_VARIANT=$v "$vmlock" fuzz --seed 1 --runs 50000 \
		--artifacts art "$corpus" >fuzz.out 2>&1; then
		echo "variant $v: the kernel copy survived 50000 runs"; fail=1
	elif [ -f "$patches/$v.patch" ] &&
		! grep -q "backend kernel [0-9.]* (patched: $v.patch)" fuzz.out; then
		echo "variant $v: the report does not name the patched kernel copy"; fail=1
	elif [ ! -f "$patches/$v.patch" ] && ! grep -q "backend kernel [0-9.]*," fuzz.out; then
		# A caller's defect (src/lock/variant.h): the unpatched copy.
		echo "variant $v: the report does not name the kernel backend"; fail=1
	else
		echo "variant $v: $(grep -m1 'at run' fuzz.out)"
	fi
done
exit $fail
