#!/bin/sh
# fixtures.sh VMLOCK DIR
#
# Frozen inputs of one format version (DIR = tests/fixtures/v1 or v2).  Each
# NAME.bin is a binary input written by hand to exercise one part of the
# decoder (README.md there says which); NAME.vmt is what `vmlock decode`
# printed for it when it was frozen; trace-hashes.txt is what the correct
# lock did with it then (NAME HASH VERDICT STEPS, from `vmlock hash`).
#
# What is frozen, and why:
#   - The program.  A v1 input means the same program for as long as the
#     version byte says 1: fuzzer corpora, crash repros and bug reports
#     are binary inputs.  So NAME.bin must decode to the program NAME.vmt
#     describes, and NAME.vmt must still parse (old .vmt files stay
#     readable).  The two are compared through their canonical encoding
#     (`vmlock encode`), which is one-to-one on programs; a failure here
#     is a format break: bump VMT_FORMAT_VERSION instead.
#   - The correct lock's verdict: clean, as for every input.
#   - Not the trace hash.  It hashes the interleaving the model produced,
#     so it moves whenever the model gains or loses a scheduling point,
#     without the input meaning anything else.  It is compared and a
#     difference is reported as a note, to tell a reader that the same
#     program now interleaves differently; it fails nothing.  Never
#     regenerate the .bin or .vmt files; trace-hashes.txt may be.
set -eu
vmlock=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 bad=0 moved=0
for bin in "$dir"/*.bin; do
	name=$(basename "$bin" .bin)
	n=$((n + 1))
	if ! "$vmlock" encode "$dir/$name.vmt" "$work/from-text" ||
	   ! "$vmlock" encode "$bin" "$work/from-bin"; then
		echo "$name: cannot encode"; bad=$((bad + 1)); continue
	fi
	if ! cmp -s "$work/from-text" "$work/from-bin"; then
		echo "$name: $name.bin no longer decodes to the program of $name.vmt; it now decodes to:"
		"$vmlock" decode "$bin"
		bad=$((bad + 1)); continue
	fi
	set -- $(VMLOCK_VARIANT=none "$vmlock" hash "$bin")
	if [ "$2" != clean ]; then
		echo "$name: the correct lock gives $2"; bad=$((bad + 1)); continue
	fi
	frozen=$(sed -n "s/^$name //p" "$dir/trace-hashes.txt")
	if [ "$frozen" != "$1 $2 $3" ]; then
		echo "note: $name interleaves differently since it was frozen: now '$1 $2 $3', then '$frozen'"
		moved=$((moved + 1))
	fi
done
[ "$n" -ge 8 ] || { echo "only $n fixtures in $dir"; exit 1; }
echo "fixtures: $n $(basename "$dir") inputs, $bad changed their program or verdict, $moved with a new trace hash (not a failure)"
[ "$bad" -eq 0 ]
