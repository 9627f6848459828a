#!/bin/sh
# kernel_patches.sh TREE [VMLOCK]
#
# The variant patches (kernel/patches/<variant>.patch) against a kernel
# tree: every variant of the model has exactly one patch; each patch has a
# header naming its variant and seed, touches only mm/mmap_lock.c and
# include/linux/mmap_lock.h, has hunks whose old side occurs exactly once
# in the file it patches (so little context cannot land in the wrong
# place), applies with `patch -p1` to a scratch copy of TREE's two files
# with neither fuzz nor offset (dry run, then for real), and changes each
# file it names and no other.  The variants come from src/lock/variant.c
# and, given VMLOCK, from `VMLOCK variants` too; the two lists must agree.
# A variant whose defect lives in a caller of the lock (README's table:
# "caller" in the patch column) has no patch, and must have none.
#
# Before that, positive controls show each check can fail: a tree whose
# lines moved (offset), a context line changed (no fuzz allowed), a
# variant with no patch, a caller's variant with one, a patch that changes nothing, a hunk whose
# context is ambiguous, a patch with no header and one touching another
# file must each be reported.  TREE is never written.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:?usage: kernel_patches.sh TREE [VMLOCK]}
vmlock=${2:-}
patches=$here/kernel/patches
files="mm/mmap_lock.c include/linux/mmap_lock.h"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kernel_patches.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
fail=0

command -v patch >/dev/null || { echo "FAIL patch(1) not found (apt-get install patch)"; exit 1; }
for f in $files; do
	[ -f "$tree/$f" ] || { echo "FAIL $tree has no $f"; exit 1; }
done
version=$(awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
	$1 == "SUBLEVEL" { s = $2 } END { if (v != "") print v "." p "." s }' \
	"$tree/Makefile" 2>/dev/null)
echo "tree: $tree (Linux ${version:-unknown version})"

# The model's variants, "name seed" a line, from the source of truth.
variants_src() {
	sed -n 's/^[[:space:]]*\[V_[A-Z0-9_]*\] = { "\([^"]*\)", "\([^"]*\)".*/\1 \2/p' \
		"$here/src/lock/variant.c" | awk '$1 != "none"'
}

# The variants whose defect lives in a caller of the lock (mm/mmap.c, not
# the two files): their row in the README's table says "caller" in the
# patch column, and they have no patch.
callers_readme() {
	sed -n 's/^| `\([a-z0-9-]*\)` | [SD][0-9]* | caller |.*/\1/p' "$patches/README.md"
}

# The paths a patch touches, from its ---/+++ lines.  Fails on a/ b/
# mismatch or a path outside the two files.
patch_paths() {
	awk -v allowed="$files" '
	BEGIN { n = split(allowed, a, " "); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
	/^--- / { old = $2; sub(/^a\//, "", old); next }
	/^\+\+\+ / { new = $2; sub(/^b\//, "", new)
		if (old != new || !(new in ok)) { print "BAD " $2; bad = 1 } else print new }
	END { exit bad }' "$1"
}

# Each hunk of patch $1 for path $2: its old side (context and removed
# lines) must occur exactly once in file $3, at the line the hunk names.
hunks_unique() {
	awk -v path="$2" '
	NR == FNR { line[++nl] = $0; next }
	/^--- / { cur = $2; sub(/^a\//, "", cur); next }
	/^@@ / && cur == path {
		split($2, o, ","); start = substr(o[1], 2) + 0
		no = (2 in o) ? o[2] + 0 : 1
		split($3, w, ","); nn = (2 in w) ? w[2] + 0 : 1
		k = 0; h++; inhunk = 1; next
	}
	inhunk {
		c = substr($0, 1, 1)
		if (c == " " || c == "-") { old[++k] = substr($0, 2); no--; if (c == " ") nn-- }
		else if (c == "+") nn--
		if (no > 0 || nn > 0) next
		inhunk = 0; found = 0; at = 0
		for (i = 1; i + k - 1 <= nl; i++) {
			for (j = 1; j <= k && line[i + j - 1] == old[j]; j++) ;
			if (j > k) { found++; at = i }
		}
		if (found != 1 || at != start) {
			printf "hunk %d (line %d): old side found %d times%s\n", h, start,
				found, found == 1 ? " at line " at : ""
			bad = 1
		}
	}
	END { exit bad }' "$3" "$1"
}

# patch's messages but its "checking/patching file" lines, on one line.
quote() {
	echo "$1" | grep -v '^\(checking\|patching\) file' | tr '\n' ' '; echo
}

# Apply patch $1 to a fresh copy of tree $2's files in dir $3: dry run,
# then for real; any failure, fuzz or offset is an error.
apply_clean() {
	rm -rf "$3"
	for f in $files; do
		mkdir -p "$3/$(dirname "$f")"
		cp "$2/$f" "$3/$f" && chmod u+w "$3/$f"
	done
	for mode in --dry-run ""; do
		said=$(patch -p1 -F0 -N --batch --no-backup-if-mismatch $mode \
			-d "$3" -i "$1" 2>&1) || { quote "$said"; return 1; }
		case $said in
		*offset* | *fuzz* | *FAILED* | *garbage* | *Reversed*) quote "$said"; return 1 ;;
		esac
	done
}

# Every check on patch $1 (variant $2, seed $3) against tree $4.
check_patch() {
	p=$1 v=$2 seed=$3 t=$4 dst=$scratch/applied
	header=$(sed '/^--- /,$d' "$p")
	case $header in
	*"$v"*"$seed"* | *"$seed"*"$v"*) ;;
	*) echo "header does not name variant $v and seed $seed"; return 1 ;;
	esac
	paths=$(patch_paths "$p") || { echo "bad paths: $paths"; return 1; }
	[ -n "$paths" ] || { echo "touches no file"; return 1; }
	for f in $paths; do
		hunks_unique "$p" "$f" "$t/$f" || return 1
	done
	apply_clean "$p" "$t" "$dst" || return 1
	for f in $files; do
		case " $(echo $paths) " in
		*" $f "*) cmp -s "$t/$f" "$dst/$f" && { echo "$f unchanged"; return 1; } ;;
		*) cmp -s "$t/$f" "$dst/$f" || { echo "$f changed, not named"; return 1; } ;;
		esac
	done
	return 0
}

# Every variant in list $2 ("name seed" lines) has a patch in dir $1, and
# every patch there is a variant's.
check_coverage() {
	rc=0
	for v in $(echo "$2" | awk '{ print $1 }'); do
		if echo "$callers" | grep -qx -- "$v"; then
			[ ! -f "$1/$v.patch" ] || { echo "caller variant $v has a patch"; rc=1; }
			continue
		fi
		[ -f "$1/$v.patch" ] || { echo "no patch for variant $v"; rc=1; }
	done
	for p in "$1"/*.patch; do
		[ -f "$p" ] || continue
		v=$(basename "$p" .patch)
		echo "$2" | awk -v v="$v" '$1 == v { f = 1 } END { exit !f }' ||
			{ echo "$v.patch is no variant's"; rc=1; }
	done
	return $rc
}

# Positive controls: each must be reported as a failure.
expect_fail() {
	what=$1; shift
	if msg=$("$@" 2>&1); then
		echo "FAIL control not detected: $what"; fail=1
	else
		echo "control detected: $what: $(echo "$msg" | head -1)"
	fi
}
variants=$(variants_src)
callers=$(callers_readme)
[ -n "$variants" ] || { echo "FAIL no variants in src/lock/variant.c"; exit 1; }
first=$(echo "$variants" | head -1)
v0=${first% *} s0=${first#* } p0=$patches/$v0.patch
moved=$scratch/moved edited=$scratch/edited
for f in $files; do
	mkdir -p "$moved/$(dirname "$f")" "$edited/$(dirname "$f")"
	{ echo "/* one more line */"; cat "$tree/$f"; } >"$moved/$f"
	cp "$tree/$f" "$edited/$f" && chmod u+w "$edited/$f"
done
expect_fail "offset (lines moved)" apply_clean "$p0" "$moved" "$scratch/ctl"
# Change the first line of the first hunk (the line it starts at): with
# no fuzz allowed the hunk must fail.
ctx_path=$(patch_paths "$p0" | head -1)
ctx_at=$(awk '/^@@ /{ split($2, o, ","); print substr(o[1], 2); exit }' "$p0")
awk -v n="$ctx_at" 'NR == n { $0 = $0 " /* edited */" } 1' \
	"$tree/$ctx_path" >"$edited/$ctx_path"
expect_fail "context changed (fuzz)" apply_clean "$p0" "$edited" "$scratch/ctl"
expect_fail "variant with no patch" check_coverage "$patches" \
	"$(printf '%s\nno-such-variant S0' "$variants")"
# A variant the README calls a caller's must have no patch.
with_callers() { callers=$1; shift; "$@"; }
expect_fail "caller variant with a patch" with_callers "$v0" check_coverage \
	"$patches" "$variants"
noop=$scratch/noop.patch
{
	printf '%s %s: a no-op\n' "$v0" "$s0"
	l1=$(head -1 "$tree/$ctx_path")
	printf -- '--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n-%s\n+%s\n' "$ctx_path" \
		"$ctx_path" "$l1" "$l1"
} >"$noop"
expect_fail "patch changing nothing" check_patch "$noop" "$v0" "$s0" "$tree"
# A hunk whose only context is a lone "}" line: it occurs many times.
amb=$scratch/amb.patch
brace=$(grep -n '^}$' "$tree/$ctx_path" | head -1 | cut -d: -f1)
{
	printf '%s %s: ambiguous\n' "$v0" "$s0"
	printf -- '--- a/%s\n+++ b/%s\n@@ -%s +%s,2 @@\n }\n+/* x */\n' "$ctx_path" \
		"$ctx_path" "$brace" "$brace"
} >"$amb"
expect_fail "ambiguous context" check_patch "$amb" "$v0" "$s0" "$tree"
sed '1,/^--- /{/^--- /!d}' "$p0" >"$scratch/nohdr.patch"
expect_fail "no header" check_patch "$scratch/nohdr.patch" "$v0" "$s0" "$tree"
sed 's#^\([-+][-+][-+] [ab]/\).*#\1mm/memory.c#' "$p0" >"$scratch/other.patch"
expect_fail "another file" check_patch "$scratch/other.patch" "$v0" "$s0" "$tree"

# The variant lists agree.
if [ -n "$vmlock" ]; then
	listed=$("$vmlock" variants | awk '$2 ~ /^[SD][0-9]+$/ { print $1 " " $2 }' | sort)
	if [ "$listed" != "$(echo "$variants" | sort)" ]; then
		echo "FAIL '$vmlock variants' and src/lock/variant.c disagree:"
		echo "$listed"; fail=1
	fi
fi

# The real check.
check_coverage "$patches" "$variants" || fail=1
echo "$variants" | while read -r v seed; do
	p=$patches/$v.patch
	[ -f "$p" ] || continue
	if msg=$(check_patch "$p" "$v" "$seed" "$tree"); then
		stat=$(awk '/^--- /{ d0 = 1; next } /^\+\+\+ /{ f = f " " substr($2, 3); next }
			d0 && /^\+/{ a++ } d0 && /^-/{ d++ } END { printf "%s (+%d -%d)", f, a, d }' "$p")
		echo "ok   $v ($seed):$stat"
	else
		echo "FAIL $v ($seed): $msg"
		echo x >"$scratch/failed"
	fi
done
[ -f "$scratch/failed" ] && fail=1
[ $fail = 0 ] && echo "all patches apply to Linux ${version:-?}" || echo "FAILED"
exit $fail
