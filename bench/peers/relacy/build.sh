#!/bin/sh
# build.sh OUTDIR - build the Relacy port (OUTDIR/vmlock_relacy) with g++,
# installing Debian's relacy-dev and g++ first if they are missing.
set -eu
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f /usr/include/relacy/relacy.hpp ] || ! command -v g++ >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends relacy-dev g++ >/dev/null
fi
mkdir -p "$out"
gcc -O2 -Wall -Wextra -c -o "$out/variant.o" "$here/../../../src/lock/variant.c"
g++ -O2 -std=c++11 -Wall -Wextra -o "$out/vmlock_relacy" \
	"$here/tests.cpp" "$here/vma_lock.cpp" "$out/variant.o"
