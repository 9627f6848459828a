#!/bin/sh
# reproducing.sh VMLOCK REPO
#
# REPRODUCING.md followed literally on a fresh finding, and the command
# line's conventions.
#
# A fresh finding: `vmlock fuzz` under detach-no-wait writes a crash file
# and its sidecar; the hint it prints runs as printed; every command of the
# blocks REPRODUCING.md marks as tested runs with f set to the file (the
# status a `# exit N` comment states, else 0), `build/default/vmlock`
# being VMLOCK, in a scratch directory.  An engine's crash file (no
# sidecar) replays with the report's replay: line run as printed.  Then:
# help on stdout with exit 0, --version, one-line errors naming the
# command, option or value, the warning for a README read as an input,
# minimize's exit 3 on a clean input, and reports within 80 columns (two
# CPUs, and three or four in the compact layout) with no trailing blanks.
set -u
vmlock=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
bad() { echo "FAIL $*"; fail=1; }
# Runs a command line as printed, `vmlock` (on the PATH) and
# build/default/vmlock being VMLOCK; its status must be want.
mkdir -p bin build/default
ln -s "$vmlock" bin/vmlock
ln -s "$vmlock" build/default/vmlock
# The report's replay: line in file $1, its continuation lines joined.
replay_line() {
	awk '/^  replay: / { r = 1 } r { sub(/^ +/, ""); l = l (l == "" ? "" : " ") $0
		if (l ~ / \\$/) { sub(/ \\$/, "", l); next } sub(/^replay: /, "", l); print l; exit }' "$1"
}
run_as_printed() {
	want=$1 line=$2
	PATH="$tmp/bin:$PATH" sh -c "$line" >out.log 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || bad "'$line': exit $rc, want $want: $(head -3 out.log)"
}

# A fresh finding.
VMLOCK_VARIANT=detach-no-wait "$vmlock" fuzz --seed 5 --runs 60000 --artifacts found/here >fuzz.out 2>fuzz.err
[ $? -eq 1 ] || bad "no finding"
f=$(ls found/here/crash-* | grep -v '\.vmlock$')
[ -s "$f.vmlock" ] || bad "no sidecar beside $f"
hint=$(sed -n 's/.*(\(vmlock minimize [^)]*\) shrinks it)$/\1/p' fuzz.out)
[ -n "$hint" ] || bad "no minimize hint: $(cat fuzz.out)"
run_as_printed 0 "$hint"
replay=$(replay_line fuzz.err)
run_as_printed 1 "$replay"
grep -q "^vmlock: detach-with-readers" out.log || bad "the report's replay line: $(head -2 out.log)"

# REPRODUCING.md's tested blocks, literally.
export f
mkdir corpus
n=0
awk '/^<!-- tested:/ { t = 1; next } t && /^```sh$/ { b = 1; next }
	b && /^```$/ { b = 0; t = 0; next } b { print }' "$repo/REPRODUCING.md" >steps
while IFS= read -r line; do
	want=$(printf '%s\n' "$line" | sed -n 's/.*# .*exit \([0-9]\).*/\1/p')
	run_as_printed "${want:-0}" "$line"
	n=$((n + 1))
done <steps
[ "$n" -ge 6 ] || bad "only $n commands in REPRODUCING.md's tested blocks"
min="$f.min.vmt"
head -1 "$min" | grep -qx "# replay: VMLOCK_VARIANT=detach-no-wait VMLOCK_MEMORY=weak VMLOCK_BACKEND=model" ||
	bad "$min's settings line: $(head -1 "$min")"
grep -qx "expect detach-no-wait: detach-with-readers" "$min" || bad "$min has no expect line"
"$vmlock" minimize "$f" >min.out
case $(replay_line min.out) in *" vmlock trace $min") ;; *) bad "minimize's replay: line does not name $min: $(replay_line min.out)" ;; esac
VMLOCK_VARIANT=detach-no-wait "$vmlock" replay --expect corpus/what-happened.vmt >/dev/null ||
	bad "the corpus file fails its expect line"

# An engine's crash file: no sidecar, the settings in the replay line.
"$vmlock" encode "$repo/corpus/detach-racing-reader.vmt" crash-engine
VMLOCK_VARIANT=narrow-wake "$vmlock" trace crash-engine >trace.out
replay=$(replay_line trace.out)
case $replay in VMLOCK_VARIANT=narrow-wake\ *crash-engine) ;; *) bad "replay line: $replay" ;; esac
run_as_printed 1 "$replay"
grep -q "^vmlock: lost-wakeup" out.log || bad "the engine file's replay line: $(head -2 out.log)"

# Nothing to minimise: its own status.
"$vmlock" minimize "$repo/corpus/single-fault.vmt" >/dev/null 2>&1
[ $? -eq 3 ] || bad "minimize of a clean input: not exit 3"

# Help and version on stdout, exit 0; errors in one line, then the usage.
for args in "--help" "help" "help minimize" "minimize --help" "fuzz --help" "--version"; do
	# shellcheck disable=SC2086
	"$vmlock" $args >help.out 2>help.err
	[ $? -eq 0 ] && [ -s help.out ] && [ ! -s help.err ] || bad "vmlock $args: not on stdout with exit 0"
done
"$vmlock" --version | grep -q "^backend model " || bad "--version names no backend"
"$vmlock" --version | grep -q "^build: " || bad "--version names no build"
check_error() {
	want=$1
	shift
	"$@" >/dev/null 2>err.out
	[ $? -eq 2 ] || bad "$*: not exit 2"
	[ "$(head -1 err.out)" = "$want" ] || bad "$*: first line '$(head -1 err.out)', want '$want'"
	sed -n 2p err.out | grep -q "^usage: vmlock" || bad "$*: no usage after the error"
}
check_error "vmlock: unknown command 'frob'" "$vmlock" frob
check_error "vmlock: unknown option '--frob'" "$vmlock" --frob
check_error "vmlock: replay: unknown option '--frob'" "$vmlock" replay --frob x
check_error "vmlock: fuzz: unknown option '--frob'" "$vmlock" fuzz --frob 1
check_error "vmlock: fuzz: bad value 'x' for --runs (expected a whole number)" "$vmlock" fuzz --runs x
check_error "vmlock: explore: bad value 'dfs' for --strategy (expected runs, prng, pct or exhaustive)" \
	"$vmlock" explore --strategy dfs f.vmt
check_error "vmlock: help: unknown command 'frob'" "$vmlock" help frob

# A README is neither .vmt nor a plausible binary input: a warning.
"$vmlock" hash "$repo/README.md" >/dev/null 2>warn.out
grep -q "^vmlock: warning: .*README.md is neither .vmt text .* read as binary" warn.out ||
	bad "no warning for a README: $(cat warn.out)"
"$vmlock" hash "$f" >/dev/null 2>warn.out
[ ! -s warn.out ] || bad "a warning for a real input: $(cat warn.out)"

# tools/campaign.sh: usage on --help, bad arguments refused before
# anything runs (a PATH with sed alone: no cmake, apt or fuzzer to run).
mkdir nobin
ln -s "$(command -v sed)" nobin/sed
shell=$(command -v sh)
PATH="$tmp/nobin" "$shell" "$repo/tools/campaign.sh" --help >camp.out 2>&1
[ $? -eq 0 ] && grep -q "^campaign.sh \[SECONDS\]" camp.out || bad "campaign.sh --help: $(head -2 camp.out)"
for a in --frob 0 12x "1 2"; do
	# shellcheck disable=SC2086
	PATH="$tmp/nobin" "$shell" "$repo/tools/campaign.sh" $a >camp.out 2>&1
	[ $? -eq 2 ] && grep -q "^campaign.sh: " camp.out || bad "campaign.sh $a: $(head -2 camp.out)"
	grep -q "not found" camp.out && bad "campaign.sh $a ran something: $(cat camp.out)"
done

# Reports fit a mail: two CPUs in columns, three or four compact, and the
# columns layout for four when asked (wider, selectable).  Run from the
# repository with the corpus path as a user gives it (relative): the
# report names the input as given, and a checkout's own path can be any
# length.
width_ok() {
	awk -v f="$2" 'length($0) > 80 { print f ": " length($0) " columns: " $0; e = 1 }
		/[ \t]$/ { print f ": trailing blank: " $0; e = 1 } END { exit e }' "$1"
}
for v in detach-no-wait:detach-racing-reader mm-after-put:two-readers-writer-waits \
	no-identity-check:reuse-within-mm narrow-wake:detach-racing-reader; do
	(cd "$repo" && VMLOCK_VARIANT=${v%%:*} "$vmlock" trace "corpus/${v#*:}.vmt") >r.out
	width_ok r.out "$v" || bad "report of $v is not mail-sized"
done
(cd "$repo" && VMLOCK_LAYOUT=columns VMLOCK_VARIANT=no-identity-check "$vmlock" trace corpus/reuse-within-mm.vmt) >r.out
grep -q "^ *step CPU0 (T0, mm A) *CPU1 (T1, mm A) *CPU2" r.out || bad "VMLOCK_LAYOUT=columns: $(grep step r.out)"
(cd "$repo" && VMLOCK_LAYOUT=compact VMLOCK_VARIANT=narrow-wake "$vmlock" trace corpus/detach-racing-reader.vmt) >r.out
grep -q "^ *[0-9]* CPU[01]  " r.out || bad "VMLOCK_LAYOUT=compact: no compact lines"
width_ok r.out compact || bad "compact report is not mail-sized"
[ $fail -eq 0 ] && echo "reproducing: $n commands of REPRODUCING.md and the hints ran as printed; CLI conventions hold"
exit $fail
