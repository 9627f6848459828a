#!/bin/sh
# malformed.sh VMLOCK DIR
#
# Every DIR/*.vmt is malformed in one way, and its first line says how:
# "# error: LINE:COL: message".  Every vmlock command that loads a file
# must refuse it the same way: exactly one line "FILE:LINE:COL: message" on
# stderr, nothing on stdout, exit status 2 (a crash is 134 or 139), and no
# output file.  Two cases that cannot carry the line are made here: an
# empty file and one over the 1 MiB a .vmt may have.
set -eu
vmlock=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/empty.vmt"
head -c 2000000 /dev/zero | tr '\0' '#' >"$work/huge.vmt"	# one comment line

files=0 runs=0 bad=0
fail() {
	echo "$1: vmlock $2: $3"
	bad=$((bad + 1))
}

check() {	# FILE WANT COMMAND...
	f=$1 want=$2
	shift 2
	rm -f "$work/out.bin"
	set +e
	"$vmlock" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
	set -e
	runs=$((runs + 1))
	got=$(cat "$work/stderr")
	[ "$rc" -eq 2 ] || { fail "$f" "$1" "exit status $rc, expected 2"; return; }
	[ ! -s "$work/stdout" ] || { fail "$f" "$1" "wrote to stdout"; return; }
	[ ! -e "$work/out.bin" ] || { fail "$f" "$1" "wrote an output file"; return; }
	[ "$(wc -l <"$work/stderr")" -eq 1 ] ||
		{ fail "$f" "$1" "not one line on stderr: $got"; return; }
	# The format, whatever the message: FILE:LINE:COL: what (expected ...)
	printf '%s\n' "$got" | grep -q "^$f:[1-9][0-9]*:[1-9][0-9]*: [^ ].* (expected .*)\$" ||
		{ fail "$f" "$1" "not FILE:LINE:COL: what (expected ...): $got"; return; }
	[ "$got" = "$f:$want" ] || fail "$f" "$1" "said '$got', expected '$f:$want'"
}

for f in "$dir"/*.vmt "$work/empty.vmt" "$work/huge.vmt"; do
	case $f in
	"$work/empty.vmt") want="1:1: no threads (expected at least a T0 line)" ;;
	"$work/huge.vmt") want="1:1048576: file too long (expected at most 1 MiB)" ;;
	*) want=$(sed -n '1s/^# error: //p' "$f") ;;
	esac
	[ -n "$want" ] || { echo "$f: no '# error:' first line"; bad=$((bad + 1)); continue; }
	files=$((files + 1))
	check "$f" "$want" replay "$f"
	check "$f" "$want" replay --expect "$f"
	check "$f" "$want" trace "$f"
	check "$f" "$want" trace --all "$f"
	check "$f" "$want" hash "$f"
	check "$f" "$want" encode "$f" "$work/out.bin"
	check "$f" "$want" decode "$f"
	check "$f" "$want" minimize "$f"
	check "$f" "$want" explore --runs 1 "$f"
done
[ "$files" -ge 40 ] || { echo "only $files malformed files"; exit 1; }
echo "malformed: $files files, $runs runs, $bad wrong"
[ "$bad" -eq 0 ]
