#!/bin/sh
# kernel-source.sh [--update] [--series X.Y] [DIR] - a Linux tree for the
# kernel backend.
#
# Fetches Debian's newest linux-source-7.x (sid and trixie-backports) with
# apt's ordinary client and a private list and cache under DIR/apt (the
# system's apt configuration is never read for sources nor written), and
# extracts only the files the kernel backend compiles or reads into
# DIR/linux-source-<ver>.  apt checks each suite's signed Release file
# against the keys the system trusts and the package against its hash:
# nothing here turns that off.  Prints the tree's path and its exact version
# (from its Makefile), one per line.
#
# Idempotent: with a tree already extracted under DIR, it prints that tree
# and does no network access (--update looks for a newer package).
# --series X.Y takes linux-source-X.Y instead of the newest (another tree
# to build against: cmake's VMLOCK_KERNEL_SRC_OTHERS finds it under DIR);
# DIR/tree names the newest only.
# --litmus also extracts the kernel's memory model and litmus tests
# (tools/memory-model and Documentation/litmus-tests), which `vmlock litmus`
# and its tests read (tests/litmus_kernel.sh).
# VMLOCK_KERNEL_APT=PATH keeps the private apt state elsewhere (shared
# between checkouts).  DIR defaults to build/kernel-src.
set -eu

update=0 series="" litmus=0
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1; shift ;;
	--series) series=$2; shift 2 ;;
	--litmus) litmus=1; shift ;;
	*) break ;;
	esac
done
DIR=${1:-build/kernel-src}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
APT=${VMLOCK_KERNEL_APT:-$DIR/apt}
STAMP=$DIR/tree

# The files the build needs from the tree (cmake/kernel.cmake reads the same
# ones): the two files of the lock, the headers used as they are, and the
# ones the configure step greps for facts (version, vm_refcnt's encoding).
FILES="Makefile mm/mmap_lock.c include/linux/mmap_lock.h include/linux/mm_types.h
include/linux/refcount.h include/linux/refcount_types.h include/linux/rcuwait.h"
# Folders, extracted whole with --litmus.
[ "$litmus" -eq 1 ] && FILES="$FILES tools/memory-model Documentation/litmus-tests"

tree_version() {
	sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$1/Makefile" |
		paste -sd.
}

report() {
	echo "$1"
	echo "$(tree_version "$1")"
}

have_tree() {
	for f in $FILES; do [ -e "$1/$f" ] || return 1; done
}
if [ "$update" -eq 0 ]; then
	if [ -n "$series" ]; then
		tree=$DIR/linux-source-$series
	else
		tree=$(cat "$STAMP" 2>/dev/null || true)
	fi
	[ -n "$tree" ] && have_tree "$tree" && { report "$tree"; exit 0; }
fi

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
[ -f "$APT/sources.list" ] || printf '%s\n' \
	'deb http://deb.debian.org/debian sid main' \
	'deb http://deb.debian.org/debian trixie-backports main' >"$APT/sources.list"
set -- -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts=/dev/null \
	-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
	-o Dir::State::status=/dev/null
apt-get "$@" -qq update >&2

# The newest linux-source-7.x any suite carries (or the series asked for).
pattern='^linux-source-7\.[0-9]+$'
[ -n "$series" ] && pattern="^linux-source-$(echo "$series" | sed 's/\./\\./g')\$"
pkg=$(apt-cache "$@" search --names-only "$pattern" |
	cut -d' ' -f1 | sort -V | tail -n 1)
[ -n "$pkg" ] || { echo "kernel-source: no linux-source-7.x in $APT/sources.list" >&2; exit 1; }
ver=$(apt-cache "$@" policy "$pkg" | sed -n 's/^ *Candidate: //p')
sha=$(apt-cache "$@" show "$pkg=$ver" | sed -n 's/^SHA256: //p' | head -n 1)
base=${pkg#linux-source-}

# A package fetched before is reused only if its hash is the one the signed
# index gives; otherwise apt-get download fetches it and checks it.
deb=$(ls "$APT/${pkg}_"*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ] || [ "$(sha256sum <"$deb" | cut -d' ' -f1)" != "$sha" ]; then
	rm -f "$APT/${pkg}_"*.deb
	(cd "$APT" && apt-get "$@" -qq download "$pkg=$ver" >&2)
	deb=$(ls "$APT/${pkg}_"*.deb | tail -n 1)
fi
[ "$(sha256sum <"$deb" | cut -d' ' -f1)" = "$sha" ] ||
	{ echo "kernel-source: $deb does not match the index's SHA256" >&2; exit 1; }

# The tarball inside the package, streamed: only the files named above.
tree=$DIR/linux-source-$base
rm -rf "$tree"
members=""
for f in $FILES; do members="$members linux-source-$base/$f"; done
# shellcheck disable=SC2086
dpkg-deb --fsys-tarfile "$deb" |
	tar -xOf - "./usr/src/linux-source-$base.tar.xz" |
	tar -xJf - -C "$DIR" $members
[ -n "$series" ] || echo "$tree" >"$STAMP"
report "$tree"
