#!/bin/sh
# check_tsan_objects.sh - the tsan build's check that ThreadSanitizer
# instruments what it must and nothing else (a blind TSan reports
# nothing, and every "no report" would read as a pass).
#
#   check_tsan_objects.sh NM HOOKED BARE FILE...
#
# FILE: objects or static archives (each member counts as one object,
# named ARCHIVE:MEMBER).  Every object whose name matches the extended
# regular expression HOOKED must call a plain-access hook of TSan
# (__tsan_read*, __tsan_write*, unaligned or volatile forms); every object
# matching BARE must call none (atomics and function entry hooks do not
# count: clang instruments atomics even in ignorelisted code); at least
# one object must match HOOKED.  Exit 1 with one line per object at
# fault.
set -u
[ $# -ge 4 ] || { echo "usage: $0 NM HOOKED BARE FILE..." >&2; exit 2; }
nm=$1 hooked=$2 bare=$3
shift 3
plain='__tsan_(unaligned_|volatile_)?(read|write)[0-9]+$|__tsan_(read|write)_range$'
# "object hooks" for every object with at least one plain-access hook,
# "object -" for every object (so objects without symbols are listed).
list=$("$nm" -A "$@" 2>/dev/null | awk -v re="$plain" '
	{ name = $1; if (!sub(/:$/, "", name)) sub(/:[^:]*$/, "", name) }
	{ if (!(name in seen)) { seen[name] = 1; print name " -" } }
	$NF ~ re && $(NF-1) == "U" { print name " hooks" }' | sort -u)
fail=0 nhooked=0
for obj in $(printf '%s\n' "$list" | awk '{ print $1 }' | sort -u); do
	has=no
	printf '%s\n' "$list" | grep -qxF "$obj hooks" && has=yes
	if printf '%s\n' "$obj" | grep -Eq "$hooked"; then
		nhooked=$((nhooked + 1))
		[ $has = yes ] || { echo "tsan build check: $obj has no plain-access hooks: TSan cannot see the accesses it is meant to check (is it ignorelisted?)"; fail=1; }
	elif printf '%s\n' "$obj" | grep -Eq "$bare"; then
		[ $has = no ] || { echo "tsan build check: $obj calls TSan's plain-access hooks but is meant to be ignorelisted (sanitizers/tsan_ignorelist.txt.in)"; fail=1; }
	fi
done
[ $nhooked -gt 0 ] || { echo "tsan build check: no object matches '$hooked' in $*"; fail=1; }
[ $fail -eq 0 ] && echo "tsan build check: $nhooked instrumented object(s) have access hooks, the ignorelisted ones none"
exit $fail
