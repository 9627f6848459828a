#!/bin/sh
# tsan_variant.sh VMLOCK FILE VARIANT - ThreadSanitizer itself, not only
# our race detector, reports the race of FILE under VARIANT (the tsan
# build's vmlock): its report is printed and the run's verdict notes it;
# and under the correct lock the same file replays clean with no report.
set -u
vmlock=$1 file=$2 variant=$3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail=0
VMLOCK_TSAN_PROBE=verbose VMLOCK_VARIANT=$variant "$vmlock" replay "$file" >"$out" 2>&1
st=$?
grep -q "self-check passed" "$out" || { echo "FAIL: no TSan self-check line"; fail=1; }
[ $st -eq 1 ] || { echo "FAIL: $variant: exit status $st, expected 1 (a violation)"; fail=1; }
grep -q "^WARNING: ThreadSanitizer: data race" "$out" ||
	{ echo "FAIL: $variant: ThreadSanitizer printed no data race report"; fail=1; }
grep -Eq "ThreadSanitizer reported (too|[0-9]+ race)" "$out" ||
	{ echo "FAIL: $variant: the verdict does not note TSan's report"; fail=1; }
[ $fail -eq 0 ] || cat "$out"
VMLOCK_VARIANT= "$vmlock" replay "$file" >"$out" 2>&1
st=$?
[ $st -eq 0 ] || { echo "FAIL: correct lock: exit status $st, expected 0"; fail=1; }
if grep -q "WARNING: ThreadSanitizer" "$out"; then
	echo "FAIL: correct lock: TSan reported"; cat "$out"; fail=1
fi
[ $fail -eq 0 ] && echo "ok: TSan reports $file under $variant, and not under the correct lock"
exit $fail
