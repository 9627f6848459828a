#!/bin/sh
# harness_fuzz.sh [RUNS] - the harness's own fuzz targets, each for a fixed
# number of runs (default 10000000; a count, never a clock) on one job:
# decode_fuzz (the binary decoder), vmt_fuzz (the .vmt parser) and
# mutator_fuzz (the structure-aware mutator), under ASan+UBSan (the
# libfuzzer preset's build) and under MSan with origins (build/harness-msan,
# clang with libFuzzer).  Each starts from its seeds, as the ctest entries
# do: the encoded corpus and the v1 fixtures for decode_fuzz and
# mutator_fuzz, corpus/*.vmt, tests/malformed and the fixtures for vmt_fuzz
# (with fuzz/vmt.dict).  Prints a markdown table (target, sanitizer,
# executions, seconds, exec/s, findings) and fails on any finding: a crash,
# a sanitizer report, a broken check, a leak, an allocation over 64 MB or an
# input running 25 s.  Seconds are wall time, so they depend on the load.
#
# SANITIZERS="asan msan" and TARGETS="decode_fuzz vmt_fuzz mutator_fuzz"
# choose the rows.  Logs, corpora and findings: build/harness-fuzz/.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-10000000}
sanitizers=${SANITIZERS:-asan msan}
targets=${TARGETS:-decode_fuzz vmt_fuzz mutator_fuzz}
tools/deps.sh

build_dir() {
	case $1 in
	asan) echo build/libfuzzer ;;
	msan) echo build/harness-msan ;;
	*) echo "harness_fuzz: unknown sanitizer $1" >&2; exit 2 ;;
	esac
}

build() {
	case $1 in
	asan) cmake --preset libfuzzer >/dev/null ;;
	msan) cmake -S . -B build/harness-msan -G Ninja -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMLOCK_ENGINE=libfuzzer \
		-DVMLOCK_SANITIZERS=memory \
		-DCMAKE_C_FLAGS=-fsanitize-memory-track-origins >/dev/null ;;
	esac
	cmake --build "$(build_dir "$1")" --target $targets seed_corpus >/dev/null
}

# The seed directories and -max_len of a target (as tests/CMakeLists.txt).
seeds() {
	case $1 in
	vmt_fuzz) echo "corpus tests/malformed tests/fixtures/v1" ;;
	*) echo "$2/seed_corpus tests/fixtures/v1" ;;
	esac
}
max_len() {
	case $1 in
	decode_fuzz) echo 256 ;;
	vmt_fuzz) echo 4096 ;;
	mutator_fuzz) echo 512 ;;
	*) echo "harness_fuzz: unknown target $1" >&2; exit 2 ;;
	esac
}

now() { date +%s.%N; }

# One row: run TARGET under SANITIZER, print the table row, return 1 on a
# finding.
run_one() {
	target=$1 san=$2 dir=$(build_dir "$2")
	work=build/harness-fuzz/$san/$target
	rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
	dict=""
	[ "$target" = vmt_fuzz ] && dict=-dict=fuzz/vmt.dict
	start=$(now)
	set +e
	"$dir/$target" -runs="$runs" -seed=1 -max_len="$(max_len "$target")" $dict \
		-print_final_stats=1 -malloc_limit_mb=64 -rss_limit_mb=2048 -timeout=25 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" $(seeds "$target" "$dir") \
		>"$work/log" 2>&1
	rc=$?
	set -e
	end=$(now)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	found=$(ls "$work/artifacts" | grep -c . || true)
	[ "$rc" -eq 0 ] || [ "$found" -gt 0 ] || found=1
	echo "$target $san ${execs:-0} $start $end $found" | awk '{
		s = $5 - $4
		printf "| %s | %s | %s | %.1f | %.0f | %s |\n", $1, ($2 == "asan" ? "ASan+UBSan" : "MSan"),
			$3, s, (s > 0 ? $3 / s : 0), $6 }'
	if [ "$found" -gt 0 ]; then
		grep -v '^#[0-9]' "$work/log" | tail -30 >&2
		return 1
	fi
}

for san in $sanitizers; do
	build "$san"
done
echo "| target | sanitizer | executions | seconds | exec/s | findings |"
echo "|---|---|---|---|---|---|"
failed=0
for san in $sanitizers; do
	for target in $targets; do
		run_one "$target" "$san" || failed=1
	done
done
[ "$failed" -eq 0 ]
