#!/bin/sh
# afl_stability.sh FUZZER SEEDS EXECS
#
# afl-fuzz from the seed corpus for a fixed number of executions (-E, a
# count), with its calibration on: every seed and every new queue entry
# runs several times and the edges whose counts vary are counted.  The
# "stability" of fuzzer_stats must be 100.00%: the coverage of an input
# depends on the input alone, in a fresh child as in a long-lived one.
# A target that ran nothing would be as stable: the whole budget must have
# run, every seed been calibrated, and the inputs have covered at least
# MIN_EDGES edges of the target (the model and the decoder have hundreds).
set -eu
MIN_EDGES=200
fuzzer=$1 seeds=$2 execs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_QUIET=1
afl-fuzz -s 1 -E "$execs" -i "$seeds" -o "$work/out" -- "$fuzzer" >"$work/log" 2>&1 || {
	echo "afl-fuzz failed:"; tail -20 "$work/log"; exit 1; }
stats=$work/out/default/fuzzer_stats
stability=$(sed -n 's/^stability *: *//p' "$stats")
var=$(sed -n 's/^var_byte_count *: *//p' "$stats")
queue=$(sed -n 's/^corpus_count *: *//p' "$stats")
done_execs=$(sed -n 's/^execs_done *: *//p' "$stats")
edges=$(sed -n 's/^edges_found *: *//p' "$stats")
nseeds=$(find "$seeds" -maxdepth 1 -type f | wc -l)
echo "afl-fuzz: $done_execs executions, $queue inputs calibrated ($nseeds seeds), $edges edges, stability $stability, $var variable edges"
[ "$done_execs" -ge "$execs" ] || { echo "ran $done_execs of $execs executions"; exit 1; }
[ "$nseeds" -gt 0 ] && [ "$queue" -ge "$nseeds" ] || { echo "$queue inputs calibrated, $nseeds seeds"; exit 1; }
[ "$edges" -ge "$MIN_EDGES" ] || { echo "$edges edges covered, fewer than $MIN_EDGES: did the target run?"; exit 1; }
[ "$stability" = "100.00%" ]
