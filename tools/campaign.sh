#!/bin/sh
# campaign.sh [SECONDS] - the main job: a bounded libFuzzer campaign on the
# shipped corpus, on every core, with progress and a summary.
#
# Installs what is missing, builds the libfuzzer preset (clang, ASan+UBSan),
# seeds campaign/corpus from corpus/*.vmt (kept and merged between runs),
# fuzzes for SECONDS (default 120) with one job per core, and prints what
# was run and found.  VMLOCK_VARIANT=<name> fuzzes a bug variant instead of
# the correct lock.  Exit 0: nothing found; 1: a finding (see campaign/).
set -eu
usage() {
	sed -n '2,9s/^# \{0,1\}//p' "$0"
}
# Arguments first: nothing is installed, built or run before they pass.
case $# in
0) seconds=120 ;;
1) case $1 in
	-h|--help) usage; exit 0 ;;
	''|*[!0-9]*|0) echo "campaign.sh: bad SECONDS '$1' (expected a whole number of seconds, 1 or more)" >&2
		usage >&2; exit 2 ;;
	esac
	seconds=$1 ;;
*) echo "campaign.sh: one argument expected, $# given" >&2; usage >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
tools/deps.sh
cmake --preset libfuzzer >/dev/null
cmake --build --preset libfuzzer >/dev/null
fuzzer=build/libfuzzer/vmlock_fuzz
out=campaign
mkdir -p "$out/corpus" "$out/artifacts"
cp -n build/libfuzzer/seed_corpus/* "$out/corpus/" 2>/dev/null || true
before=$(ls "$out/corpus" | wc -l)
variant=${VMLOCK_VARIANT:-none}
echo "campaign: variant $variant, $seconds s, $jobs jobs, $before corpus inputs"
start=$(date +%s)
set +e
"$fuzzer" -fork="$jobs" -max_total_time="$seconds" -max_len=128 -len_control=0 -entropic=0 -use_counters=0 -print_funcs=0 \
	-dict=fuzz/vmlock_fuzz.dict \
	-artifact_prefix="$out/artifacts/" -print_final_stats=1 \
	"$out/corpus" 2>&1 | tee "$out/fuzz.log" |
	grep --line-buffered -E '^#[0-9]+: cov|^vmlock:|crash-|INFO: exiting' |
	sed -u 's/^/  /'
set -e
end=$(date +%s)
# Keep the corpus small between runs: merge the new inputs into it.
mkdir -p "$out/merged"
"$fuzzer" -merge=1 "$out/merged" "$out/corpus" >"$out/merge.log" 2>&1 || true
if [ "$(ls "$out/merged" | wc -l)" -gt 0 ]; then
	rm -rf "$out/corpus" && mv "$out/merged" "$out/corpus"
fi
rm -rf "$out/merged"
# The last fork-mode status line counts every job's executions.
execs=$(grep -o '^#[0-9]*: cov' "$out/fuzz.log" | tail -1 | tr -dc '0-9')
crashes=$(ls "$out/artifacts" | grep -c '^crash-' || true)
echo
echo "campaign summary"
echo "  variant:     $variant"
echo "  time:        $((end - start)) s on $jobs jobs"
echo "  executions:  ${execs:-?}"
echo "  corpus:      $before -> $(ls "$out/corpus" | wc -l) inputs (merged, kept in $out/corpus)"
echo "  findings:    $crashes"
for c in "$out"/artifacts/crash-*; do
	[ -e "$c" ] || continue
	v=$(VMLOCK_VARIANT=$variant build/libfuzzer/vmlock replay "$c" 2>/dev/null | head -1 || true)
	echo "    ${v:-$c}"
	echo "    minimize: VMLOCK_VARIANT=$variant build/libfuzzer/vmlock minimize $c"
done
[ "$crashes" -eq 0 ]
