#!/bin/sh
# engine_cli.sh VMLOCK CORPUS
#
# vmlock fuzz from the command line: a find is written, reported and
# replays (under its variant, not under the correct lock); the same seed
# prints the same lines; --corpus keeps one file per corpus input and is
# read back as seeds;
# --runs 0 runs the seed inputs only; a bad option is a usage error.
# Bounded by --runs, never by time.
set -u
vmlock=$1 corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL $*"; fail=1; }

mkdir "$tmp/a" "$tmp/b"
VMLOCK_VARIANT=detach-no-wait "$vmlock" fuzz --seed 5 --runs 60000 --artifacts "$tmp/a" \
	>"$tmp/out1" 2>"$tmp/err1"
[ $? -eq 1 ] || bad "a find exits 1"
grep -q '^vmlock fuzz: detach-with-readers at run [0-9]* (seed 5)$' "$tmp/out1" ||
	bad "the find line: $(cat "$tmp/out1")"
grep -q '^vmlock: detach-with-readers: ' "$tmp/err1" || bad "the report: $(head -3 "$tmp/err1")"
crash=$(ls "$tmp/a"/crash-* 2>/dev/null | grep -v '\.vmlock$')
[ -n "$crash" ] || bad "no crash file"
if [ -n "$crash" ]; then
	VMLOCK_VARIANT=detach-no-wait "$vmlock" replay "$crash" >"$tmp/r" 2>&1
	[ $? -eq 1 ] && grep -q "detach-with-readers" "$tmp/r" || bad "the crash does not replay: $(cat "$tmp/r")"
	# The sidecar carries the variant: no VMLOCK_VARIANT needed.
	grep -qx "VMLOCK_VARIANT=detach-no-wait VMLOCK_MEMORY=weak VMLOCK_BACKEND=model" "$crash.vmlock" ||
		bad "sidecar: $(cat "$crash.vmlock")"
	"$vmlock" replay "$crash" >"$tmp/r" 2>&1
	[ $? -eq 1 ] && grep -q "detach-with-readers" "$tmp/r" || bad "the crash does not replay from its sidecar: $(cat "$tmp/r")"
	VMLOCK_VARIANT=none "$vmlock" replay "$crash" >"$tmp/r" 2>&1 || bad "the correct lock fails the crash"
	grep -q "note: .* was found with VMLOCK_VARIANT=detach-no-wait; running with VMLOCK_VARIANT=none" "$tmp/r" ||
		bad "no note that the environment overrides the sidecar: $(cat "$tmp/r")"
fi
# A missing artifacts directory is made before the campaign.
VMLOCK_VARIANT=detach-no-wait "$vmlock" fuzz --seed 5 --runs 60000 --artifacts "$tmp/new/dir" >/dev/null 2>&1
[ $? -eq 1 ] && ls "$tmp/new/dir"/crash-* >/dev/null 2>&1 || bad "--artifacts with a missing directory"
VMLOCK_VARIANT=detach-no-wait "$vmlock" fuzz --seed 5 --runs 60000 --artifacts "$tmp/b" \
	>"$tmp/out2" 2>/dev/null
sed "s|$tmp/a|DIR|g" "$tmp/out1" >"$tmp/o1"
sed "s|$tmp/b|DIR|g" "$tmp/out2" >"$tmp/o2"
cmp -s "$tmp/o1" "$tmp/o2" || bad "the same seed, other lines: $(cat "$tmp/o1" "$tmp/o2")"

mkdir "$tmp/c"
out=$("$vmlock" fuzz --seed 2 --runs 3000 --corpus "$tmp/c" 2>/dev/null)
[ $? -eq 0 ] || bad "the correct lock: $out"
n=$(echo "$out" | sed -n 's/^vmlock fuzz: 3000 runs, corpus \([0-9]*\), .*no violation.*/\1/p')
[ -n "$n" ] && [ "$n" -gt 0 ] || bad "the summary: $out"
[ "$(ls "$tmp/c" | wc -l)" = "$n" ] || bad "--corpus kept $(ls "$tmp/c" | wc -l) files, corpus $n"
# The corpus directory is read back: its inputs are the next run's seeds,
# and they are the same files again.
out=$("$vmlock" fuzz --runs 0 --corpus "$tmp/c" 2>/dev/null)
case $out in
"vmlock fuzz: $n runs, corpus "*"no violation"*) ;;
*) bad "--corpus read back as $n seeds: $out" ;;
esac
[ "$(ls "$tmp/c" | wc -l)" = "$n" ] || bad "reading --corpus back wrote other files"
: >"$tmp/file"
"$vmlock" fuzz --runs 10 --corpus "$tmp/file/sub" >/dev/null 2>&1
[ $? -eq 2 ] || bad "a corpus directory that cannot be made is an error"
"$vmlock" fuzz --runs 10 --artifacts "$tmp/file/sub" >/dev/null 2>&1
[ $? -eq 2 ] || bad "an artifacts directory that cannot be made is an error"

nseeds=$(ls "$corpus"/*.vmt | wc -l)
out=$("$vmlock" fuzz --runs 0 "$corpus" 2>/dev/null)
case $out in
"vmlock fuzz: $nseeds runs, "*"no violation"*) ;;
*) bad "--runs 0 with $nseeds seeds: $out" ;;
esac
"$vmlock" fuzz --runs 10 --max-len 2 >/dev/null 2>&1
[ $? -eq 2 ] || bad "--max-len 2 is a usage error"
"$vmlock" fuzz --bogus 1 >/dev/null 2>&1
[ $? -eq 2 ] || bad "an unknown option is a usage error"
[ $fail -eq 0 ] && echo "vmlock fuzz: find, report, replay, determinism, corpus, seeds, usage: ok"
exit $fail
