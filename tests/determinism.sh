#!/bin/sh
# determinism.sh VMLOCK_A VMLOCK_B CORPUS...
# Both binaries must give every input the same verdict, step count and trace
# hash (the same binary twice, or two builds: gcc replay vs clang libFuzzer).
# Exit 77 (skipped) when VMLOCK_B does not exist.
set -eu
a=$1 b=$2
shift 2
[ -x "$b" ] || { echo "determinism: $b not built: skipped"; exit 77; }
out_a=$(mktemp) out_b=$(mktemp)
trap 'rm -f "$out_a" "$out_b"' EXIT
for v in none no-identity-check mm-after-put lockdep-after-put detach-no-wait \
	 write-waits-for-f detach-waits-for-f1 narrow-wake; do
	VMLOCK_VARIANT=$v "$a" hash "$@" | sed "s/^/$v /" >>"$out_a"
	VMLOCK_VARIANT=$v "$b" hash "$@" | sed "s/^/$v /" >>"$out_b"
done
if ! diff -u "$out_a" "$out_b"; then
	echo "determinism: the two runs differ"
	exit 1
fi
echo "determinism: $(wc -l <"$out_a") input/variant runs, identical verdicts, steps and trace hashes"
