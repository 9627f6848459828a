#!/bin/sh
# coverage.sh [--variants] - what the shipped corpus reaches of the lock model.
#
# Builds the coverage preset (clang source-based coverage, replay engine),
# replays corpus/ with the correct lock (--variants: then under every bug
# variant too, which adds the variants' own branches), prints llvm-cov's
# report for src/lock/ (regions, functions, lines, branches per file) and
# writes the HTML report of src/ to build/coverage/html.
set -eu
cd "$(dirname "$0")/.."
variants=0
[ "${1:-}" = --variants ] && variants=1
tools/deps.sh
cmake --preset coverage >/dev/null
cmake --build --preset coverage --target vmlock

# The profile tools must match the compiler's profile format: same version.
v=$(clang -dumpversion | cut -d. -f1)
profdata=llvm-profdata-$v cov=llvm-cov-$v
command -v "$profdata" >/dev/null 2>&1 || profdata=llvm-profdata
command -v "$cov" >/dev/null 2>&1 || cov=llvm-cov

dir=build/coverage
rm -rf "$dir/profile" "$dir/html"
mkdir -p "$dir/profile"
LLVM_PROFILE_FILE="$dir/profile/%p.profraw"
export LLVM_PROFILE_FILE
VMLOCK_VARIANT=none "$dir/vmlock" replay --expect corpus >/dev/null
if [ "$variants" -eq 1 ]; then
	for name in $("$dir/vmlock" variants | awk '{print $1}'); do
		VMLOCK_VARIANT=$name "$dir/vmlock" replay --expect corpus >/dev/null
	done
fi
"$profdata" merge -sparse "$dir"/profile/*.profraw -o "$dir/vmlock.profdata"
"$cov" report "$dir/vmlock" -instr-profile="$dir/vmlock.profdata" src/lock/
# report counts a header's inline function once per group of copies, by its
# best single copy; a line some other copy reached still counts as missed.
# The merged view (as the HTML shows it): lines no copy reached.
echo
echo "lines reached by any copy (merged over the files that inline them):"
for f in src/lock/*.[ch]; do
	"$cov" show "$dir/vmlock" -instr-profile="$dir/vmlock.profdata" \
		-show-instantiations=false "$f" |
		awk -v f="$f" -F'|' '$1 ~ /^ *[0-9]+$/ && $2 ~ /[0-9]/ { n++; if ($2 + 0 == 0) z++ }
			END { if (n) printf "  %-22s %4d lines, %3d missed, %6.2f%%\n", f, n, z, 100 * (n - z) / n }'
done
"$cov" show "$dir/vmlock" -instr-profile="$dir/vmlock.profdata" -format=html \
	-show-branches=count -show-line-counts-or-regions -output-dir="$dir/html" src/ >/dev/null
echo "coverage: $dir/html/index.html"
