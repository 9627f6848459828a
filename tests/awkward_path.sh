#!/bin/sh
# awkward_path.sh [PRESET] - the tree as it is (git's tracked files, from
# the working tree) copied to a checkout path full of the words an
# ignorelist or a glob could trip on (.../fuzz/tools/bench/vmlock-fuzz,
# the default clone name under OSS-Fuzz's $SRC), then PRESET (tsan) is
# configured, built and tested there.  A sanitizer list that matches a
# path component instead of the project's own folders fails here.
set -eu
preset=${1:-tsan}
src=$(cd "$(dirname "$0")/.." && pwd)
top=$(mktemp -d /tmp/vmlock-awkward.XXXXXX)
trap 'rm -rf "$top"' EXIT
dst=$top/fuzz/tools/bench/vmlock-fuzz
mkdir -p "$dst"
(cd "$src" && git ls-files -z | xargs -0 tar -cf - --) | tar -xf - -C "$dst"
[ -d "$src/../shared" ] && ln -s "$src/../shared" "$top/fuzz/tools/bench/shared"
cd "$dst"
echo "=== $preset at $dst"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
VMLOCK_TSAN_PROBE=verbose build/"$preset"/vmlock replay corpus/single-fault.vmt 2>&1 | head -1
ctest --preset "$preset" -j "$(nproc 2>/dev/null || echo 2)"
