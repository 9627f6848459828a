#!/bin/sh
# litmus_controls.sh VMLOCK DIR - the exit statuses and messages of
# `vmlock litmus` on its controls: a wrong Result: is a DISAGREE (exit 1), a
# syntax error is file:line:col and what was expected (exit 2), an unknown
# primitive is "unsupported: <name>" (exit 0, no verdict).
set -u
V=$1 D=$2 fail=0
check() {	# want-status want-pattern file
	out=$("$V" litmus "$3" 2>&1); rc=$?
	if [ "$rc" -ne "$1" ] || ! printf '%s\n' "$out" | grep -q -- "$2"; then
		echo "FAIL $3: exit $rc (want $1), output:"; printf '%s\n' "$out"; fail=1
	else
		echo "ok   $3: exit $rc, $(printf '%s\n' "$out" | grep -- "$2" | head -n 1)"
	fi
}
check 1 'DISAGREE' "$D/wrong-result.litmus"
check 2 'syntax-error.litmus:8:1: expected .;. after the expression' "$D/syntax-error.litmus"
check 0 'unsupported: srcu_read_lock' "$D/unsupported.litmus"
exit $fail
