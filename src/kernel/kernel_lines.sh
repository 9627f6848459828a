#!/bin/sh
# SPDX-License-Identifier: MIT
#
# kernel_lines.sh anchor OBJCOPY OBJDUMP PREFIX OUT_DIR OBJECT...
# kernel_lines.sh table OBJDUMP ADDR2LINE BUILD_DIR OUT.c OBJECT...
#
# Where the kernel backend's plain accesses are (kernel_lines.h): a hook
# call's return address, taken at run time, names the kernel function and
# file:line of the access through a table compiled in: no side file, no
# symbolizer, the same in every build of the same objects.
#
# anchor: a copy of each OBJECT in OUT_DIR with a global symbol at the start
#   of every section that calls a __tsan_* hook
#   (vmlock_kanchor_PREFIX_<object>_<n>).  The linker keeps an input section
#   whole, so a return address is its section's anchor plus the same offset
#   in the executable as in the object, whatever the compiler did with the
#   sections: one .text (gcc), one per function (clang's coverage puts each
#   instrumented function, static ones too, in a section of its own), a cold
#   part of a function in .text.unlikely.
# table: from anchored objects, for each hook call, its anchor and offset and
#   the innermost function, file and line of the call from the object's line
#   info (file names as the objects' -ffile-prefix-map made them, relative
#   to the kernel tree; the compile directory, BUILD_DIR, taken off).
#   Calls with no source line are the compiler's own code (with clang, the
#   coverage counters' accesses: never a shared location, never in a
#   trace) and get no row.  A hook call in a section without an anchor, or
#   an object whose hook calls all lack line info (no -g), fails the
#   build: never a table that silently misses accesses.
set -eu

# The calls whose return address a hook takes (tsan_hooks.c).
HOOK='__tsan_(unaligned_|volatile_)?(read|write)[0-9]+'

die() {
	echo "kernel_lines.sh: $*" >&2
	exit 1
}

# The sections of object $1 that call a hook, one a line, in section order.
hook_sections() {
	"$objdump" -r "$1" | awk -v hook="^$HOOK" '
		/^RELOCATION RECORDS FOR \[/ {
			sec = $4; sub(/^\[/, "", sec); sub(/\]:$/, "", sec); next
		}
		$3 ~ hook && !(sec in seen) { seen[sec] = 1; print sec }'
}

anchor() {
	objcopy=$1 objdump=$2 prefix=$3 outdir=$4
	shift 4
	mkdir -p "$outdir"
	for obj in "$@"; do
		base=$(basename "$obj")
		id=$(printf '%s' "${base%.o}" | tr -c 'A-Za-z0-9_' '_')
		set --
		n=0
		for sec in $(hook_sections "$obj"); do
			set -- "$@" "--add-symbol=vmlock_kanchor_${prefix}_${id}_$n=$sec:0,global,function"
			n=$((n + 1))
		done
		"$objcopy" "$@" "$obj" "$outdir/$base.tmp"
		mv "$outdir/$base.tmp" "$outdir/$base"
	done
}

# "section return-address" of each hook call of object $1.
hook_returns() {
	"$objdump" -dr "$1" | awk -v obj="$1" -v hook="[ \t]$HOOK" '
		/^Disassembly of section / {
			if (want)
				exit 1
			sec = $4; sub(/:$/, "", sec); next
		}
		/^ *[0-9a-f]+:\t/ {
			a = $1; sub(/:$/, "", a)
			if (want) { print sec, a; want = 0 }
			next
		}
		/R_[A-Z0-9_]+/ && $0 ~ hook { want = 1 }
		END { if (want) exit 1 }' ||
		die "$1: a hook call ends its section"
}

# The anchor of each section of object $1: "section symbol value".
anchors() {
	"$objdump" -t "$1" | awk '$NF ~ /^vmlock_kanchor_/ {
		print $(NF - 2), $NF, $1 }'
}

# The rows of object $1's hook calls in section $2 (anchor $3 at hex $4),
# return addresses (hex, section offsets) on stdin.
section_rows() {
	rets=$(cat)
	for r in $rets; do printf '0x%x\n' $((0x$r - 1)); done |
		"$addr2line" -e "$1" -j "$2" -f -i -a |
		awk -v obj="$1" -v anchor="$3" -v abase=$((0x$4)) \
		    -v dir="$builddir/" -v rets="$rets" '
		BEGIN { n = split(rets, ret, " ") }
		/^0x[0-9a-f]+$/ { i++; state = 1; next }
		state == 1 { fn = $0; state = 2; next }
		state == 2 {
			loc = $0; sub(/ \(discriminator [0-9]+\)$/, "", loc)
			if (index(loc, dir) == 1)
				loc = substr(loc, length(dir) + 1)
			c = match(loc, /:[0-9]+$/)
			state = 0
			if (fn == "??" || !c)
				next	# code the compiler made: no line
			file = substr(loc, 1, c - 1); line = substr(loc, c + 1)
			printf "\t{ %s, %d, \"%s\", \"%s\", %d },\n", anchor,
				hex(ret[i]) - abase, fn, file, line
		}
		function hex(h,   v, k) {
			v = 0; h = tolower(h)
			for (k = 1; k <= length(h); k++)
				v = v * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1
			return v
		}'
}

table() {
	objdump=$1 addr2line=$2 builddir=$3 out=$4
	shift 4
	tmp=$out.tmp
	: >"$tmp.rows"
	: >"$tmp.decl"
	for obj in "$@"; do
		calls=$(hook_returns "$obj")
		[ -n "$calls" ] || continue
		secs=$(printf '%s\n' "$calls" | awk '!seen[$1]++ { print $1 }')
		anc=$(anchors "$obj")
		for sec in $secs; do
			a=$(printf '%s\n' "$anc" | awk -v s="$sec" '$1 == s { print $2, $3; exit }')
			[ -n "$a" ] || die "$obj: hook calls in $sec, which has no anchor (kernel_lines.sh anchor)"
			echo "void ${a% *}(void);" >>"$tmp.decl"
			printf '%s\n' "$calls" | awk -v s="$sec" '$1 == s { print $2 }' |
				section_rows "$obj" "$sec" ${a% *} ${a#* } >>"$tmp.obj"
		done
		[ -s "$tmp.obj" ] || die "$obj: no line info for its hook calls (compiled without -g?)"
		cat "$tmp.obj" >>"$tmp.rows"
		rm -f "$tmp.obj"
	done
	[ -s "$tmp.rows" ] || die "no hook call in the kernel objects: not instrumented?"
	{
		echo "/* Generated by src/kernel/kernel_lines.sh from the kernel objects. */"
		echo "#include \"kernel_lines.h\""
		sort -u "$tmp.decl"
		echo "const struct kernel_line kernel_lines[] = {"
		cat "$tmp.rows"
		echo "	{ 0, 0, 0, 0, 0 },"
		echo "};"
	} >"$tmp"
	rm -f "$tmp.rows" "$tmp.decl"
	mv "$tmp" "$out"
}

mode=$1
shift
case $mode in
anchor) anchor "$@" ;;
table) table "$@" ;;
*) die "unknown mode $mode" ;;
esac
