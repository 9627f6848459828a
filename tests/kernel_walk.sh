#!/bin/sh
# kernel_walk.sh VMLOCK CORPUS - the /proc/pid/maps walk (read-locked walk,
# in one read() or several) and the PROCMAP_QUERY lookup on the kernel
# backend, where mm/mmap_lock.c's own lock_next_vma() runs:
# with the unpatched code every schedule of the walk scenarios with at
# most 2 preemptions runs clean and the search completes; and, so that
# clean means something, the patched copies the walk meets are found: the
# no-identity-check copy (vma_start_read() without its vm_mm check) read-
# locks a VMA recycled into another mm (the walk's read section is checked
# as a fault's), the mm-after-put copy's put in the walk's vma_end_read()
# touches the VMA after its decrement.  Counts, not clocks (--runs).
set -u
vmlock=$1 corpus=$2
fail=0
export VMLOCK_BACKEND=kernel
for f in walk-reuse-across-mm walk-racing-writer walk-at-limit walk-killed map-cache-exhausted \
	walk-chunk-merge-between-reads query-reuse-across-mm; do
	out=$("$vmlock" explore --strategy exhaustive --preemptions 2 --runs 200000 "$corpus/$f.vmt")
	case $out in
	*"no violation (complete"*) echo "clean, complete: $f: $out" ;;
	*) echo "FAIL correct lock, k=2: $f: $out"; fail=1 ;;
	esac
done
while read -r v f verdict; do
	out=$(VMLOCK_VARIANT=$v "$vmlock" explore --strategy exhaustive --preemptions 2 \
		--runs 200000 "$corpus/$f.vmt" | head -1)
	case $out in
	"# schedule "*": $verdict: "*) echo "found $v: $out" ;;
	*) echo "FAIL $v not found on $f: $out"; fail=1 ;;
	esac
done <<'LIST'
no-identity-check walk-reuse-across-mm lookup-identity
no-identity-check query-reuse-across-mm lookup-identity
mm-after-put walk-racing-writer use-after-drop
LIST
exit $fail
