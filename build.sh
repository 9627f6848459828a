#!/bin/bash
# build.sh - the fuzzing build for every infrastructure: OSS-Fuzz,
# ClusterFuzzLite and local runs.  It reads only the variables OSS-Fuzz's
# `compile` sets, each with a local default:
#
#   CC CXX               compilers (default clang, clang++)
#   CFLAGS CXXFLAGS      everything the core library and the target are
#                        compiled with: sanitizer, coverage instrumentation
#                        (default: libFuzzer with ASan, as OSS-Fuzz has it)
#   LIB_FUZZING_ENGINE   link flags or library of the engine, given to the
#                        fuzz target only (default -fsanitize=fuzzer; empty:
#                        the replay main, no engine)
#   FUZZING_ENGINE       libfuzzer (default) or afl: the target is built as
#                        the preset of that name builds it (VMLOCK_ENGINE):
#                        libfuzzer with the structure-aware mutator and
#                        crossover (LLVMFuzzerCustomMutator/CrossOver), afl
#                        with the concurrency feedback in AFL++'s map and
#                        the driver's warm-up call skipped; anything else
#                        is refused (honggfuzz is not supported)
#   OUT                  where the results go (default build/oss-fuzz/out)
#   SRC                  sources: the repository is where this script is,
#                        wherever OSS-Fuzz cloned it; $SRC/linux, if it is
#                        there, is the kernel tree (the Dockerfiles clone it)
#   VMLOCK_KERNEL_SRC    a kernel tree, before $SRC/linux (cmake/kernel.cmake;
#                        a checkout's build/kernel-src/tree is found there too)
#   WORK                 scratch (default build/oss-fuzz/work)
#
# Into $OUT: vmlock_fuzz (linked with $CXX, as OSS-Fuzz requires),
# vmlock_fuzz_seed_corpus.zip (corpus/*.vmt encoded by a host build of the
# vmlock CLI, with no engine and no sanitizer), vmlock_fuzz.dict and
# vmlock_fuzz.options.  The target fuzzes the correct lock; a bug variant
# is chosen at run time with VMLOCK_VARIANT (README, "OSS-Fuzz and
# ClusterFuzzLite").  With a kernel tree, two more targets, each with the
# same seed corpus and options: vmlock_kernel_fuzz (the tree's
# own lock files, VMLOCK_BACKEND=kernel by default) and diff_fuzz (each
# input on the model and the kernel code, a difference is the finding);
# without one, vmlock_fuzz alone (docs/infrastructure.md).
set -eu

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CC=${CC:-clang}
CXX=${CXX:-clang++}
CFLAGS=${CFLAGS-"-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"}
CXXFLAGS=${CXXFLAGS-$CFLAGS}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE--fsanitize=fuzzer}
OUT=${OUT:-$repo/build/oss-fuzz/out}
SRC=${SRC:-$(dirname "$repo")}
FUZZING_ENGINE=${FUZZING_ENGINE:-libfuzzer}
case $FUZZING_ENGINE in
libfuzzer|afl) ;;
*) echo "build.sh: FUZZING_ENGINE=$FUZZING_ENGINE is not supported (libfuzzer or afl)" >&2; exit 1 ;;
esac
WORK=${WORK:-$repo/build/oss-fuzz/work}
kernel_src=${VMLOCK_KERNEL_SRC:-}
if [ -z "$kernel_src" ] && [ -f "$SRC/linux/Makefile" ]; then
	kernel_src=$SRC/linux
fi

generator="Unix Makefiles"
command -v ninja >/dev/null 2>&1 && generator=Ninja
command -v zip >/dev/null 2>&1 || { echo "build.sh: zip is missing" >&2; exit 1; }
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd) WORK=$(cd "$WORK" && pwd)

# The host tool: the vmlock CLI built plainly, to encode the seeds.  It must
# not carry the engine (no main of its own under libFuzzer) nor the
# sanitizers (MSan would need every library instrumented), so it gets a
# plain compiler and none of the flags above (cmake would read them from
# the environment).
host_cc=cc
command -v cc >/dev/null 2>&1 || host_cc=clang
env -u CFLAGS -u CXXFLAGS -u LDFLAGS -u LIB_FUZZING_ENGINE \
	cmake -S "$repo" -B "$WORK/host" -G "$generator" \
	-DCMAKE_C_COMPILER="$host_cc" -DCMAKE_BUILD_TYPE=Release -DVMLOCK_ENGINE=replay >/dev/null
cmake --build "$WORK/host" --target vmlock

# The fuzz target: the core library and the target compiled with $CFLAGS,
# the engine linked into the target alone, the link done by $CXX; what the
# engine's preset adds to the target (CMakeLists.txt, VMLOCK_ENGINE) added.
cmake -S "$repo" -B "$WORK/fuzz" -G "$generator" \
	-DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
	-DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
	-DCMAKE_BUILD_TYPE= -DVMLOCK_ENGINE="$FUZZING_ENGINE" -DVMLOCK_LINK_CXX=ON \
	-DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" ${kernel_src:+"-DVMLOCK_KERNEL_SRC=$kernel_src"} >/dev/null
# The kernel targets where cmake configured the kernel backend: a tree in
# its cache (a tree the shims do not know stops the configure above with
# one line saying why).
targets=vmlock_fuzz
if grep -q '^VMLOCK_KERNEL_SRC:PATH=.' "$WORK/fuzz/CMakeCache.txt"; then
	targets="vmlock_fuzz vmlock_kernel_fuzz diff_fuzz"
fi
for t in $targets; do
	cmake --build "$WORK/fuzz" --target "$t"
	cp "$WORK/fuzz/$t" "$OUT/$t"
done

# The seed corpus: the readable .vmt files, encoded; one flat zip.
rm -rf "$WORK/seeds" "$OUT/vmlock_fuzz_seed_corpus.zip"
mkdir -p "$WORK/seeds"
for vmt in "$repo"/corpus/*.vmt; do
	name=$(basename "$vmt" .vmt)
	"$WORK/host/vmlock" encode "$vmt" "$WORK/seeds/$name"
done
(cd "$WORK/seeds" && zip -q -j -X "$OUT/vmlock_fuzz_seed_corpus.zip" ./*)

# The programs are the same whatever the backend: every target gets the
# seeds and the options (whose dict is vmlock_fuzz.dict, in $OUT too).
cp "$repo/fuzz/vmlock_fuzz.dict" "$repo/fuzz/vmlock_fuzz.options" "$OUT/"
for t in $targets; do
	[ "$t" = vmlock_fuzz ] && continue
	rm -f "$OUT/${t}_seed_corpus.zip"
	cp "$OUT/vmlock_fuzz_seed_corpus.zip" "$OUT/${t}_seed_corpus.zip"
	cp "$repo/fuzz/vmlock_fuzz.options" "$OUT/$t.options"
done
echo "build.sh: $targets in $OUT ($FUZZING_ENGINE), $(ls "$WORK/seeds" | wc -l) seeds, dict, options"
