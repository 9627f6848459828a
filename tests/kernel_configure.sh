#!/bin/sh
# kernel_configure.sh SRC TREE WORK - trees the shims do not know fail at
# configure time with one line naming the version and what is missing:
# a 6.12 tree (the lock an rwsem), a tree whose mmap_lock.c includes a
# header no shim provides, one whose lock lost a function the shims know
# (the 6.15-7.1 names).  TREE is a good tree the others are made from; the
# good one configures.
set -eu
src=$1 tree=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
files="Makefile mm/mmap_lock.c include/linux/mmap_lock.h include/linux/mm_types.h
include/linux/refcount.h include/linux/refcount_types.h include/linux/rcuwait.h"
make_tree() {	# name: a copy of the good tree
	for f in $files; do
		mkdir -p "$work/$1/$(dirname "$f")"
		cp "$tree/$f" "$work/$1/$f"
	done
}
fail=0
expect() {	# name pattern: configure fails, one line matches
	out=$(cmake -S "$src" -B "$work/build-$1" -G Ninja -DVMLOCK_ENGINE=replay \
		-DVMLOCK_KERNEL_SRC="$work/$1" -DVMLOCK_KERNEL_REQUIRED=ON 2>&1) && {
		echo "FAIL $1: configured"; fail=1; return; }
	line=$(echo "$out" | grep '^kernel backend: Linux' || true)
	if [ "$(echo "$line" | grep -c .)" -ne 1 ] || ! echo "$line" | grep -q "$2"; then
		echo "FAIL $1: no single line matching '$2' in:"; echo "$out"; fail=1; return
	fi
	echo "ok   $1:$line"
}
make_tree old
sed -i 's/^VERSION = .*/VERSION = 6/; s/^PATCHLEVEL = .*/PATCHLEVEL = 12/' "$work/old/Makefile"
expect old 'Linux 6\.12\.[0-9]* .*older than 6\.15'
make_tree newdep
sed -i 's/^PATCHLEVEL = .*/PATCHLEVEL = 99/' "$work/newdep/Makefile"
sed -i '0,/^#include <linux\/mm.h>/s//#include <linux\/mm.h>\n#include <linux\/vma_newdep.h>/' "$work/newdep/mm/mmap_lock.c"
expect newdep 'Linux 7\.99\.[0-9]* .*<linux/vma_newdep.h>, which the shims do not provide'
make_tree renamed
sed -i 's/__vma_start_exclude_readers/__vma_enter_locked/g' "$work/renamed/mm/mmap_lock.c"
expect renamed 'mm/mmap_lock.c has no __vma_start_exclude_readers()'
make_tree good
if cmake -S "$src" -B "$work/build-good" -G Ninja -DVMLOCK_ENGINE=replay \
	-DVMLOCK_KERNEL_SRC="$work/good" -DVMLOCK_KERNEL_REQUIRED=ON >/dev/null 2>&1; then
	echo "ok   good: configured"
else
	echo "FAIL good: did not configure"; fail=1
fi
exit $fail
