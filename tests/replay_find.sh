#!/bin/sh
# replay_find.sh [--also VERDICT] VMLOCK CORPUS VARIANT FILE...
#
# The finds of a fuzzing campaign against VARIANT must be the variant's
# doing, found through the verdict the variant is known for: each FILE
# replays clean under the correct lock, and under VARIANT with a verdict
# that a repro of CORPUS expects of it (an "expect VARIANT: VERDICT"
# line).  A find through an unrelated verdict (an abort, another check)
# fails.  --also accepts one more verdict (tsan-report, where the test
# runs under ThreadSanitizer and the variant is a missing ordering).
# Prints "FILE: VERDICT" per file; exit 1 at the first that is not.
set -eu
also=
if [ "$1" = --also ]; then also=$2; shift 2; fi
vmlock=$1 corpus=$2 variant=$3
shift 3
expected=$(sed -n "s/^expect $variant: *\([a-z-]*\).*/\1/p" "$corpus"/*.vmt | sort -u)
[ -n "$expected" ] || { echo "no repro of $corpus expects a verdict of $variant"; exit 1; }
[ $# -gt 0 ] || { echo "no find to replay"; exit 1; }
expected="$expected $also"
verdict() { VMLOCK_VARIANT=$1 "$vmlock" hash "$2" | awk 'NR == 1 { print $2 }'; }
for f; do
	correct=$(verdict none "$f")
	got=$(verdict "$variant" "$f")
	[ "$correct" = clean ] ||
		{ echo "$f: $correct under the correct lock"; exit 1; }
	echo $expected | tr ' ' '\n' | grep -qx -- "$got" ||
		{ echo "$f: $got under $variant, which the corpus expects to give" $expected; exit 1; }
	echo "$f: $got"
done
