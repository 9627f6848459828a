#!/bin/sh
# ossfuzz_build.sh REPO DIR CONFIG
#
# Runs build.sh the way OSS-Fuzz's `compile` does (the same variables, with
# Debian's clang-14 and AFL++ in place of OSS-Fuzz's images), into DIR/out,
# then checks what landed in $OUT and runs the target as the runners do.
# CONFIG is ENGINE-SANITIZER: libfuzzer-address, libfuzzer-undefined,
# libfuzzer-memory, libfuzzer-coverage or afl-address.
#
# Checks: the four files are in $OUT; the core library and the target were
# compiled with $CFLAGS and without the engine, the target linked by $CXX
# with the engine; the sanitizer's runtime is in the binary; every seed of
# the zip runs clean (libFuzzer: -runs=0, then a bounded mutation run with
# the .options flags and the dictionary; the AFL++ driver: each file); and a
# bug variant's repro still aborts, so the build checks what it should.
set -eu
repo=$1 dir=$2 config=$3
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
engine=${config%%-*} sanitizer=${config#*-}

fail() { echo "ossfuzz $config: $*"; exit 1; }

# OSS-Fuzz's base CFLAGS and its SANITIZER_FLAGS_* (base-builder); clang-14
# accepts the whole undefined list for C (vptr and function are no-ops).
base="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ub=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow
ub_tail=unreachable,vla-bound,vptr
case $sanitizer in
address) san="-fsanitize=address -fsanitize-address-use-after-scope" rt=__asan_init ;;
undefined) san="-fsanitize=$ub,unsigned-integer-overflow,$ub_tail -fno-sanitize-recover=$ub,$ub_tail"
	rt=__ubsan_handle_ ;;
memory) san="-fsanitize=memory -fsanitize-memory-track-origins" rt=__msan_init ;;
coverage) san="-fprofile-instr-generate -fcoverage-mapping" rt=__llvm_profile_runtime ;;
*) fail "unknown sanitizer" ;;
esac
case $engine in
libfuzzer) CC=clang CXX=clang++ LIB_FUZZING_ENGINE=-fsanitize=fuzzer
	cov="-fsanitize=fuzzer-no-link" ;;
afl) CC=afl-clang-fast CXX=afl-clang-fast++ LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a
	cov="" AFL_QUIET=1; export AFL_QUIET ;;
*) fail "unknown engine" ;;
esac
CFLAGS="$base $san $cov"
# OSS-Fuzz adds -stdlib=libc++ to CXXFLAGS; Debian has no libc++ headers
# here, and nothing C++ is compiled, so the link uses the default library.
CXXFLAGS=$CFLAGS
OUT=$dir/out WORK=$dir/work SRC=$repo
export CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT SRC WORK
export SANITIZER=$sanitizer FUZZING_ENGINE=$engine FUZZING_LANGUAGE=c ARCHITECTURE=x86_64
# As the runners have it: unsigned wrap-around (hashes) is not a finding.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:silence_unsigned_overflow=1
export MSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1
export LLVM_PROFILE_FILE="$dir/profile/%p.profraw"

rm -rf "$dir"
mkdir -p "$dir"
# OSS-Fuzz runs it as `bash -eux $SRC/build.sh`.
bash -eu "$repo/build.sh" >"$dir/build.log" 2>&1 || { tail -30 "$dir/build.log"; fail "build.sh failed"; }

for f in vmlock_fuzz vmlock_fuzz_seed_corpus.zip vmlock_fuzz.dict vmlock_fuzz.options; do
	[ -s "$OUT/$f" ] || fail "\$OUT/$f is missing"
done
[ -x "$OUT/vmlock_fuzz" ] || fail "vmlock_fuzz is not executable"
nm "$OUT/vmlock_fuzz" | grep -q " T LLVMFuzzerTestOneInput$" || fail "no LLVMFuzzerTestOneInput"
nm "$OUT/vmlock_fuzz" | grep -q "$rt" || fail "no $rt: \$CFLAGS did not reach the link"
if [ "$engine" = afl ]; then
	nm "$OUT/vmlock_fuzz" | grep -q __afl_area_ptr || fail "no AFL++ instrumentation"
fi
# What the engine's preset builds (build.sh passes $FUZZING_ENGINE on):
# libFuzzer's target has the structure-aware mutator and crossover and the
# concurrency feedback as extra counters; AFL++'s the feedback registered
# as guards in its map (the driver's warm-up skip is under the same #ifdef,
# fuzz/vmlock_fuzz.c); both abort through one frame per verdict.
syms=$(nm "$OUT/vmlock_fuzz")
has() { printf '%s\n' "$syms" | grep -Eq "$1" || fail "no $2 ($1 in nm)"; }
if [ "$engine" = libfuzzer ]; then
	has " T LLVMFuzzerCustomMutator$" "custom mutator"
	has " T LLVMFuzzerCustomCrossOver$" "custom crossover"
	has " [Dd] __start___libfuzzer_extra_counters$" "concurrency feedback"
else
	has " t feedback_register$" "concurrency feedback registration"
	has " b feedback_guards$" "concurrency feedback guards"
	has " T LLVMFuzzerInitialize$" "warm-up"
fi
nframes=$(printf '%s\n' "$syms" | grep -c " t vmlock_bug_[a-z_]*$" || true)
nverdicts=$(grep -c '^	\[VERDICT_[A-Z_]*\] = ' "$repo/src/sim/verdict.c")
[ "$nframes" -eq $((nverdicts - 1)) ] || fail "$nframes crash frames for $nverdicts verdicts (clean has none)"

# Every compile got $CFLAGS, none got the engine; the link is $CXX's.
cmds=$(ninja -C "$WORK/fuzz" -t commands vmlock_fuzz)
for src in src/lock/mmap_lock.c src/sim/fiber.c fuzz/vmlock_fuzz.c; do
	line=$(printf '%s\n' "$cmds" | grep -F -- "-c $repo/$src") || fail "no compile of $src"
	case $line in *"$CFLAGS"*) ;; *) fail "$src compiled without \$CFLAGS" ;; esac
	case " $line " in *" $LIB_FUZZING_ENGINE "*) fail "$src compiled with the engine" ;; esac
done
link=$(printf '%s\n' "$cmds" | tail -1) cxx=$(command -v "$CXX")
case $link in *" $cxx "*"$LIB_FUZZING_ENGINE"*) ;; *) fail "not linked by \$CXX with the engine: $link" ;; esac

# The seeds are the encoded corpus, one per .vmt.
seeds=$dir/seeds
mkdir -p "$seeds"
unzip -q "$OUT/vmlock_fuzz_seed_corpus.zip" -d "$seeds"
n=$(ls "$seeds" | wc -l) nvmt=$(ls "$repo"/corpus/*.vmt | wc -l)
[ "$n" -eq "$nvmt" ] || fail "$n seeds for $nvmt corpus files"

# The [libfuzzer] section as flags, as the runner passes them.
opts=$(sed -n '/^\[libfuzzer\]/,/^\[/s/^\([a-z_]*\) *= *\(.*\)$/-\1=\2/p' "$OUT/vmlock_fuzz.options")
opts=$(printf '%s\n' "$opts" | sed "s|^-dict=|-dict=$OUT/|" | tr '\n' ' ')

cd "$dir"
if [ "$engine" = libfuzzer ]; then
	"$OUT/vmlock_fuzz" -runs=0 $opts "$seeds" >run.log 2>&1 || { tail -40 run.log; fail "seed corpus not clean"; }
	grep -q "Dictionary: [1-9]" run.log || fail "the dictionary was not loaded"
	mkdir -p corpus && cp "$seeds"/* corpus/
	"$OUT/vmlock_fuzz" -runs=3000 -seed=1 $opts -artifact_prefix="$dir/" corpus >fuzz.log 2>&1 ||
		{ tail -40 fuzz.log; fail "3000 runs from the seeds found something on the correct lock"; }
	run_one() { "$OUT/vmlock_fuzz" -runs=1 -artifact_prefix="$dir/" "$1"; }
else
	for f in "$seeds"/*; do
		"$OUT/vmlock_fuzz" "$f" >run.log 2>&1 || { tail -40 run.log; fail "$f not clean"; }
	done
	run_one() { "$OUT/vmlock_fuzz" "$1"; }
fi
if [ "$sanitizer" = coverage ]; then
	ls "$dir"/profile/*.profraw >/dev/null 2>&1 || fail "no profile written"
fi

# The checks are in the build: a variant's repro aborts with its verdict.
if VMLOCK_VARIANT=lockdep-after-put run_one "$seeds/single-fault" >variant.log 2>&1; then
	fail "lockdep-after-put's repro ran clean"
fi
grep -q "^vmlock: use-after-drop:" variant.log || { tail -20 variant.log; fail "no use-after-drop report"; }

# The crash state ClusterFuzz gives each verdict the variants produce: one
# per verdict (tests/crash_state.py).  Not the coverage build: nothing
# there prints a stack.
if [ "$sanitizer" != coverage ]; then
	if [ "$engine" = libfuzzer ]; then set -- -runs=1; else set --; fi
	python3 "$repo/tests/crash_state.py" "$WORK/host/vmlock" "$repo/corpus" -- "$OUT/vmlock_fuzz" "$@" \
		>state.log 2>&1 || { cat state.log; fail "crash states"; }
fi

# The mutator at work: from no corpus, a fixed seed and a run budget (a
# count), the libFuzzer target finds a variant (no-identity-check: a median
# of 685 runs with the libfuzzer preset's build, 3 seeds).
if [ "$engine" = libfuzzer ] && [ "$sanitizer" != coverage ]; then
	mkdir -p empty
	if VMLOCK_VARIANT=no-identity-check "$OUT/vmlock_fuzz" -seed=1 -runs=20000 $opts \
		-artifact_prefix="$dir/found-" empty >find.log 2>&1; then
		fail "no-identity-check not found in 20000 runs"
	fi
	grep -q "^vmlock: lookup-identity:" find.log || { tail -20 find.log; fail "no lookup-identity report"; }
	runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' find.log | tail -1)
	echo "ossfuzz $config: no-identity-check found after about ${runs:-?} runs"
fi

# The kernel targets (build.sh with a tree; the tests give it as
# VMLOCK_KERNEL_SRC), in this configuration: vmlock_kernel_fuzz and
# diff_fuzz with their seeds and options, the engine's glue as vmlock_fuzz
# has it, the tree's lock compiled in, the seeds clean on the kernel code
# and on both backends, and each target's checks at work: a variant's
# patched kernel copy aborts through its verdict's frame, and under
# diff_fuzz a patched kernel side is a difference charged to the kernel.
if [ -n "${VMLOCK_KERNEL_SRC:-}" ] && [ "$config" = libfuzzer-address ]; then
	for t in vmlock_kernel_fuzz diff_fuzz; do
		for f in $t ${t}_seed_corpus.zip $t.options; do
			[ -s "$OUT/$f" ] || fail "\$OUT/$f is missing (a kernel tree was given)"
		done
		cmp -s "$OUT/${t}_seed_corpus.zip" "$OUT/vmlock_fuzz_seed_corpus.zip" || fail "$t: not vmlock_fuzz's seeds"
		syms=$(nm "$OUT/$t")
		has " T LLVMFuzzerTestOneInput$" "$t: LLVMFuzzerTestOneInput"
		has "$rt" "$t: $rt"
		has " T LLVMFuzzerCustomMutator$" "$t: custom mutator"
		has " [Dd] __start___libfuzzer_extra_counters$" "$t: concurrency feedback"
		# The tree's lock compiled in: the unpatched copy's functions
		# (prefix kernel_, src/kernel/kconfig.h).
		has " T kernel_lock_vma_under_rcu$" "$t: the tree's lock_vma_under_rcu"
		line=$(ninja -C "$WORK/fuzz" -t commands $t | grep -F -- "-c $VMLOCK_KERNEL_SRC/mm/mmap_lock.c" | head -1) ||
			fail "$t: no compile of the tree's mm/mmap_lock.c"
		tmp=$dir/$t
		mkdir -p "$tmp/corpus" && cp "$seeds"/* "$tmp/corpus/"
		"$OUT/$t" -runs=0 $opts "$seeds" >"$tmp/run.log" 2>&1 ||
			{ tail -40 "$tmp/run.log"; fail "$t: seed corpus not clean"; }
		"$OUT/$t" -runs=3000 -seed=1 $opts -artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1 ||
			{ tail -40 "$tmp/fuzz.log"; fail "$t: 3000 runs from the seeds found something on the correct lock"; }
	done
	nkframes=$(nm "$OUT/vmlock_kernel_fuzz" | grep -c " t vmlock_bug_[a-z_]*$" || true)
	[ "$nkframes" -eq "$nframes" ] || fail "vmlock_kernel_fuzz: $nkframes crash frames, vmlock_fuzz $nframes"
	for f in model_flags kernel_flags both_flag; do
		nm "$OUT/diff_fuzz" | grep -q " t vmlock_diff_$f$" || fail "diff_fuzz: no frame vmlock_diff_$f"
	done
	klog=$dir/vmlock_kernel_fuzz/variant.log
	if VMLOCK_VARIANT=lockdep-after-put "$OUT/vmlock_kernel_fuzz" -runs=1 -artifact_prefix="$dir/" \
		"$seeds/single-fault" >"$klog" 2>&1; then
		fail "vmlock_kernel_fuzz: lockdep-after-put's repro ran clean"
	fi
	grep -q "^vmlock: use-after-drop:" "$klog" || { tail -20 "$klog"; fail "vmlock_kernel_fuzz: no use-after-drop report"; }
	grep -q "VMLOCK_BACKEND=kernel" "$klog" || { tail -20 "$klog"; fail "vmlock_kernel_fuzz: the report does not name the kernel backend"; }
	grep -Eq " in vmlock_bug_use_after_drop " "$klog" || { tail -20 "$klog"; fail "vmlock_kernel_fuzz: no vmlock_bug_use_after_drop frame"; }
	dlog=$dir/diff_fuzz/variant.log
	if VMLOCK_DIFF_PATCH=lockdep-after-put "$OUT/diff_fuzz" -runs=1 -artifact_prefix="$dir/" \
		"$seeds/single-fault" >"$dlog" 2>&1; then
		fail "diff_fuzz: a patched kernel side (lockdep-after-put) made no difference"
	fi
	grep -q "^vmlock diff: model (correct lock): clean; kernel .*: use-after-drop" "$dlog" ||
		{ tail -20 "$dlog"; fail "diff_fuzz: no difference report"; }
	grep -Eq " in vmlock_diff_kernel_flags " "$dlog" || { tail -20 "$dlog"; fail "diff_fuzz: no vmlock_diff_kernel_flags frame"; }
	echo "ossfuzz $config: kernel targets built against $VMLOCK_KERNEL_SRC, seeds clean, variant and difference caught"
fi
echo "ossfuzz $config: built, $n seeds clean, variant repro caught"
