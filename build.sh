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
#   SRC                  sources; unused: the repository is where this
#                        script is, wherever OSS-Fuzz cloned it
#   WORK                 scratch (default build/oss-fuzz/work)
#
# Into $OUT: vmlock_fuzz (linked with $CXX, as OSS-Fuzz requires),
# vmlock_fuzz_seed_corpus.zip (corpus/*.vmt encoded by a host build of the
# vmlock CLI, with no engine and no sanitizer), vmlock_fuzz.dict and
# vmlock_fuzz.options.  The target fuzzes the correct lock; a bug variant
# is chosen at run time with VMLOCK_VARIANT (README, "OSS-Fuzz and
# ClusterFuzzLite").
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
	-DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" >/dev/null
cmake --build "$WORK/fuzz" --target vmlock_fuzz
cp "$WORK/fuzz/vmlock_fuzz" "$OUT/vmlock_fuzz"

# The seed corpus: the readable .vmt files, encoded; one flat zip.
rm -rf "$WORK/seeds" "$OUT/vmlock_fuzz_seed_corpus.zip"
mkdir -p "$WORK/seeds"
for vmt in "$repo"/corpus/*.vmt; do
	name=$(basename "$vmt" .vmt)
	"$WORK/host/vmlock" encode "$vmt" "$WORK/seeds/$name"
done
(cd "$WORK/seeds" && zip -q -j -X "$OUT/vmlock_fuzz_seed_corpus.zip" ./*)

cp "$repo/fuzz/vmlock_fuzz.dict" "$repo/fuzz/vmlock_fuzz.options" "$OUT/"
echo "build.sh: $OUT/vmlock_fuzz ($FUZZING_ENGINE), $(ls "$WORK/seeds" | wc -l) seeds, dict, options"
