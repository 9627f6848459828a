#!/bin/sh
# exhaustive.sh VMLOCK CORPUS
#
# Bounded exhaustive search (vmlock explore --strategy exhaustive) over the
# corpus's scenarios: with the correct lock every schedule with at most 2
# preemptions runs clean and the search completes (a proof of absence up
# to the bound); each variant below is found on its repro within the
# number of preemptions its repro's schedule needs.  Counts, not clocks:
# the search is bounded by --runs.
set -u
vmlock=$1 corpus=$2
fail=0
for f in "$corpus"/*.vmt; do
	out=$("$vmlock" explore --strategy exhaustive --preemptions 2 --runs 200000 "$f")
	case $out in
	*"no violation (complete"*) echo "clean, complete: $(basename "$f"): $out" ;;
	*) echo "FAIL correct lock, k=2: $(basename "$f"): $out"; fail=1 ;;
	esac
done
# variant  file  k  verdict
while read -r v f k verdict; do
	out=$(VMLOCK_VARIANT=$v "$vmlock" explore --strategy exhaustive --preemptions "$k" \
		--runs 200000 "$corpus/$f.vmt" | head -1)
	case $out in
	"# schedule "*": $verdict: "*) echo "found $v at k=$k: $out" ;;
	*) echo "FAIL $v not found at k=$k on $f: $out"; fail=1 ;;
	esac
done <<'LIST'
no-identity-check reuse-within-mm 2 lookup-identity
no-identity-check split-racing-fault 1 lookup-identity
mm-after-put writer-waits-for-reader 2 use-after-drop
lockdep-after-put single-fault 0 use-after-drop
write-waits-for-f writer-waits-for-reader 0 deadlock
detach-no-wait detach-racing-reader 3 detach-with-readers
detach-waits-for-f1 detach-racing-reader 3 kernel-warn
narrow-wake detach-racing-reader 3 lost-wakeup
relaxed-inc reuse-across-mm 2 data-race
no-identity-check walk-reuse-across-mm 2 lookup-identity
no-identity-check query-reuse-across-mm 2 lookup-identity
mm-after-put walk-racing-writer 1 use-after-drop
no-identity-check fork-recycled-stale-reader 2 lookup-identity
write-waits-for-f fork-racing-fault 1 deadlock
LIST
# The bound is a bound: the detach-window repros need 3 preemptions.
out=$(VMLOCK_VARIANT=narrow-wake "$vmlock" explore --strategy exhaustive --preemptions 2 \
	--runs 200000 "$corpus/detach-racing-reader.vmt")
case $out in
*"no violation (complete"*) echo "narrow-wake not found at k=2, as its repro needs 3" ;;
*) echo "FAIL narrow-wake at k=2: $out"; fail=1 ;;
esac
# The deep variants (docs/oracles.md): found at k, and not at k - 1 (the
# search completes clean), so k is their shortest schedule's preemptions.
while read -r v f k verdict; do
	out=$(VMLOCK_VARIANT=$v "$vmlock" explore --strategy exhaustive --preemptions "$k" \
		--runs 2000000 "$corpus/$f.vmt" | head -1)
	case $out in
	"# schedule "*": $verdict: "*) echo "found $v at k=$k: $out" ;;
	*) echo "FAIL $v not found at k=$k on $f: $out"; fail=1 ;;
	esac
	out=$(VMLOCK_VARIANT=$v "$vmlock" explore --strategy exhaustive --preemptions $((k - 1)) \
		--runs 2000000 "$corpus/$f.vmt" | head -1)
	case $out in
	*"no violation (complete"*) echo "$v not found at k=$((k - 1)): $out" ;;
	*) echo "FAIL $v at k=$((k - 1)) on $f: $out"; fail=1 ;;
	esac
done <<'LIST'
unstable-no-pin deep-unstable-put-unpinned 3 mm-use-after-free
unstable-wakes-own-mm deep-unstable-put-unpinned 3 lost-wakeup
exit-detach-no-wait deep-exit-detach-stranger 3 free-with-refs
exit-write-killable deep-killed-exit-stranger 3 kernel-warn
detach-put-no-acquire deep-detach-after-stale-put 2 data-race
LIST
exit $fail
