#!/bin/sh
# determinism.sh VMLOCK_A VMLOCK_B CORPUS...
# Both binaries must give every input the same verdict, step count and trace
# hash (the same binary twice, or two builds: gcc replay, clang libFuzzer,
# AFL++), under the correct lock and every variant `vmlock variants` lists;
# and `vmlock fuzz` with one seed must make the same search in both (its
# coverage is the runtime's events, not the build's edges).
# Exit 77 (skipped) when either binary is not built, or, with
# VMLOCK_SOURCE_DIR set, older than a source of it (another preset's build
# that was not rebuilt yet: comparing it would report the source change).
set -eu
a=$1 b=$2
shift 2
for x in "$a" "$b"; do
	[ -x "$x" ] || { echo "determinism: $x not built: skipped"; exit 77; }
	[ -z "${VMLOCK_SOURCE_DIR:-}" ] ||
	[ -z "$(find "$VMLOCK_SOURCE_DIR/src" "$VMLOCK_SOURCE_DIR/tools" -name '*.[ch]' -newer "$x" | head -1)" ] ||
		{ echo "determinism: $x is older than the sources: skipped"; exit 77; }
done
out_a=$(mktemp) out_b=$(mktemp) one=$(mktemp) art=$(mktemp -d)
trap 'rm -rf "$out_a" "$out_b" "$one" "$art"' EXIT
# Not in a pipe: a binary that fails must fail the test, not shorten both lists.
hash_all() {	# VMLOCK VARIANT OUT INPUTS...
	bin=$1 v=$2 out=$3
	shift 3
	VMLOCK_VARIANT=$v "$bin" hash "$@" >"$one" ||
		{ echo "determinism: $bin hash failed under $v"; exit 1; }
	sed "s/^/$v /" "$one" >>"$out"
}
variants=$("$a" variants | cut -d' ' -f1)
[ "$variants" = "$("$b" variants | cut -d' ' -f1)" ] ||
	{ echo "determinism: the two builds have different variants"; exit 1; }
for v in none $variants; do
	hash_all "$a" "$v" "$out_a" "$@"
	hash_all "$b" "$v" "$out_b" "$@"
done
# The engine: the summary of a clean search, a variant's find (its run
# and the crash file's name, a hash of the input).
fuzz_all() {	# VMLOCK OUT
	for v in none narrow-wake relaxed-inc; do
		rc=0
		VMLOCK_VARIANT=$v "$1" fuzz --seed 3 --runs 3000 --artifacts "$art" \
			>"$one" 2>/dev/null || rc=$?
		[ $rc -le 1 ] || { echo "determinism: $1 fuzz failed under $v ($rc)"; exit 1; }
		sed "s/^/fuzz $v exit $rc: /" "$one" >>"$2"
	done
}
fuzz_all "$a" "$out_a"
fuzz_all "$b" "$out_b"
if ! diff -u "$out_a" "$out_b"; then
	echo "determinism: the two runs differ"
	exit 1
fi
echo "determinism: $(grep -vc "^fuzz " "$out_a") input/variant runs, identical verdicts, steps and trace hashes; the same vmlock fuzz searches"
