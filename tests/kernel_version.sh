#!/bin/sh
# kernel_version.sh SRC BUILD CC TREE - the kernel backend built against
# another kernel tree: configure a replay build of the project with
# VMLOCK_KERNEL_SRC=TREE in BUILD, build test_kernel, run it, and check it
# ran the tree's version of the lock.
set -eu
src=$1 build=$2 cc=$3 tree=$4
ver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$tree/Makefile" | paste -sd.)
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMLOCK_ENGINE=replay \
	-DVMLOCK_KERNEL_SRC="$tree" -DVMLOCK_KERNEL_REQUIRED=ON >/dev/null
cmake --build "$build" --target test_kernel -j2 >/dev/null
out=$("$build/tests/test_kernel")
echo "$out"
echo "$out" | grep -qx "kernel backend: Linux $ver" ||
	{ echo "kernel_version: expected Linux $ver"; exit 1; }
