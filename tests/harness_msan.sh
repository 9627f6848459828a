#!/bin/sh
# harness_msan.sh REPO DIR RUNS
#
# The harness's own fuzz targets (decode_fuzz, vmt_fuzz, mutator_fuzz)
# under MemorySanitizer with origins and libFuzzer (clang), as
# bench/harness_fuzz.sh builds them: configures REPO into DIR, builds the
# three targets on one core, checks MSan's runtime is in each, and fuzzes
# each RUNS runs from its seeds (tests/fuzz_seeds.sh), which must find
# nothing.  Keeps the MSan build of the targets working.
set -eu
repo=$1 dir=$2 runs=$3
cmake -S "$repo" -B "$dir" -G Ninja -DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMLOCK_ENGINE=libfuzzer \
	-DVMLOCK_SANITIZERS=memory -DCMAKE_C_FLAGS=-fsanitize-memory-track-origins >/dev/null
cmake --build "$dir" -j1 --target decode_fuzz vmt_fuzz mutator_fuzz seed_corpus >/dev/null
for t in decode_fuzz vmt_fuzz mutator_fuzz; do
	nm "$dir/$t" | grep -q __msan_init || { echo "$t: no MSan runtime"; exit 1; }
done
fixtures=$repo/tests/fixtures/v1
seeds=$repo/tests/fuzz_seeds.sh
"$seeds" libfuzzer "$dir/decode_fuzz" "$runs" 256 "$dir/seed_corpus" "$fixtures"
"$seeds" libfuzzer "$dir/vmt_fuzz" "$runs" 4096 "$repo/corpus" "$repo/tests/malformed" "$fixtures"
"$seeds" libfuzzer "$dir/mutator_fuzz" "$runs" 512 "$dir/seed_corpus" "$fixtures"
