#!/bin/sh
# engine_find.sh [SEEDS] [MAX_RUNS] - the in-process engine (vmlock fuzz)
# against the baselines on the same clock: for each variant, runs and
# milliseconds from the process's start to the first find, over SEEDS
# seeds, from nothing (or from the seed inputs SEED_INPUTS names, a file or
# directory); a markdown table (bench/time_to_find.py).
# Builds build/bench/vmlock and build/bench/baseline with gcc -O2, the
# same flags for both.  ROWS and STRATS pick rows and columns;
# BUILD_ONLY=1 stops after the builds.
set -eu
cd "$(dirname "$0")/.."
seeds=${1:-40}
max_runs=${2:-300000}
srcs=$(ls src/sim/*.c src/lock/*.c src/check/*.c src/harness/*.c src/scenario/*.c)
mkdir -p build/bench
# shellcheck disable=SC2086
gcc -std=gnu11 -O2 -g -Isrc $srcs src/mutator/*.c src/engine/engine.c \
	tools/vmlock.c tools/fuzz.c -o build/bench/vmlock
# shellcheck disable=SC2086
gcc -std=gnu11 -O2 -g -Isrc $srcs bench/baseline.c -o build/bench/baseline
[ "${BUILD_ONLY:-0}" = 1 ] && exit 0
variants=${ROWS:-"relaxed-inc no-identity-check mm-after-put lockdep-after-put detach-no-wait write-waits-for-f detach-waits-for-f1 narrow-wake"}
python3 bench/time_to_find.py build/bench/vmlock build/bench/baseline "$seeds" "$max_runs" \
	"$variants" "${STRATS:-fuzz pct:3}"
