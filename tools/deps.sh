#!/bin/sh
# deps.sh - install what vmlock-fuzz needs from Debian's packages, if any of
# it is missing: cmake and ninja (build), clang with its sanitizer and
# libFuzzer runtimes (libclang-rt-14-dev), AFL++ (afl-clang-fast,
# libAFLDriver.a, afl-fuzz, afl-tmin), bc (benchmark arithmetic), zip and
# unzip (build.sh's seed corpus), python3-yaml (the CI files' test), llvm
# (llvm-profdata and llvm-cov for tools/coverage.sh); for the kernel
# backend, xz-utils (the Debian source tarball), patch (the variant
# patches, applied at build time) and binutils (objdump, objcopy and
# addr2line: the trace's file:line table, src/kernel/kernel_lines.sh);
# relacy-dev and g++ (the Relacy peer,
# bench/peers/relacy, and its ctests).
set -eu
need=""
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v ninja >/dev/null 2>&1 || need="$need ninja-build"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v gcc >/dev/null 2>&1 || need="$need gcc"
command -v afl-clang-fast >/dev/null 2>&1 || need="$need afl++"
command -v bc >/dev/null 2>&1 || need="$need bc"
ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
	need="$need libclang-rt-14-dev"
command -v zip >/dev/null 2>&1 || need="$need zip"
command -v unzip >/dev/null 2>&1 || need="$need unzip"
command -v llvm-cov-14 >/dev/null 2>&1 || need="$need llvm"
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || need="$need python3-yaml"
command -v xz >/dev/null 2>&1 || need="$need xz-utils"
command -v patch >/dev/null 2>&1 || need="$need patch"
for t in objdump objcopy addr2line; do
	command -v $t >/dev/null 2>&1 || { need="$need binutils"; break; }
done
command -v g++ >/dev/null 2>&1 || need="$need g++"
[ -f /usr/include/relacy/relacy.hpp ] || need="$need relacy-dev"
[ -n "$need" ] || exit 0
echo "deps: installing$need"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
