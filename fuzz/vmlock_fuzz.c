/* SPDX-License-Identifier: MIT */
/*
 * vmlock_fuzz.c - the fuzz target.  One source for every engine: libFuzzer,
 * AFL++ (through libAFLDriver), and the replay main for builds without one.
 *
 * An input decodes into a program (never rejected), which runs over the
 * model with the oracles on.  On a violation the same input runs again with
 * tracing (runs are deterministic, so it is the same run), the report goes
 * to stderr, and the target aborts so the engine keeps the input.
 * VMLOCK_VARIANT selects a bug variant; the default is the correct lock.
 * VMLOCK_BACKEND=kernel runs the kernel tree's lock instead of the model
 * (vmlock_kernel_fuzz, built with VMLOCK_DEFAULT_BACKEND, has it as its
 * default).
 * VMLOCK_MEMORY=sc turns the weak-memory simulation off.
 * VMLOCK_EXPLORE=prng or pct: the explore bit adds only that schedule.
 * VMLOCK_FEEDBACK=0 turns the concurrency feedback off; a list such as
 * refcnt,cas keeps only those kinds of event, "all" adds switch and walk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/harness/harness.h"
#include "../src/util/assert.h"

/* Set by the replay main to name the input in reports. */
const char *vmlock_fuzz_input_name;

#ifdef VMLOCK_DIFF_TARGET
/* The differential target (fuzz/diff_fuzz.c): both backends per input; a
 * difference is reported and aborts there. */
#include "diff_fuzz.h"
#define run_input(p, o, res, which)					\
	((void)(which), diff_run_input((p), (o), (res), vmlock_fuzz_input_name))
#else
#define run_input harness_run_input
#endif

/*
 * Concurrency feedback: edge coverage saturates in seconds on a lock this
 * small, so the runtime and the oracles report abstract events (a
 * vm_refcnt class transition at a site, a read of another thread's store,
 * a CAS won or lost, a wake-up; on request a context switch from one site
 * to another) and each lands in a counter the engine reads as extra
 * coverage.
 */
#define FEEDBACK_COUNTERS 8192

/*
 * A build without an engine (the replay main; bench_exec's plain builds)
 * has nobody to read the counters: by default it computes no feedback,
 * which cost that build 6% of its time (README, "Executions per second").
 * A list of kinds in VMLOCK_FEEDBACK still turns the events on there.
 */
#ifdef VMLOCK_NO_ENGINE
#define TARGET_FEEDBACK_DEFAULT 0u
#else
#define TARGET_FEEDBACK_DEFAULT SIM_FB_DEFAULT
#endif

#ifdef VMLOCK_AFL_FEEDBACK
/*
 * AFL++: one coverage guard per counter, registered with AFL++'s runtime
 * like a module's own guards, so each event gets a map entry of its own
 * (numbered after the edges) and its hit count is bucketed as an edge's.
 * The registration must come before AFL++ sizes its map: afl-compiler-rt
 * does that in a constructor of priority 3 (__afl_auto_early), after the
 * modules' guards, which clang registers at priority 2.  So priority 2
 * here too (a value reserved for the implementation, which is what this
 * registration stands in for).
 */
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
void __sanitizer_cov_trace_pc_guard(uint32_t *guard);

static uint32_t feedback_guards[FEEDBACK_COUNTERS];

__attribute__((constructor(2))) static void feedback_register(void)
{
	__sanitizer_cov_trace_pc_guard_init(feedback_guards,
					    feedback_guards + FEEDBACK_COUNTERS);
}

static void feedback(uint32_t key)
{
	__sanitizer_cov_trace_pc_guard(&feedback_guards[key % FEEDBACK_COUNTERS]);
}

/*
 * libAFLDriver (AFL++ 4.04c) calls the target once per fork-server child,
 * before its persistent loop, with 4 bytes of uninitialised stack.  That
 * program is garbage, and a finding in it is charged to the next input
 * (write-waits-for-f is "found" at execution 1).  Under afl-fuzz every
 * real input is in the shared buffer __afl_fuzz_ptr, so a call with other
 * data while that buffer exists is the driver's and is skipped.  Outside
 * afl-fuzz the pointer is NULL and every input runs.
 */
extern uint8_t *__afl_fuzz_ptr;

static int driver_warm_up_call(const uint8_t *data)
{
	return __afl_fuzz_ptr && data != __afl_fuzz_ptr;
}

/* AFL++ clears its map before every execution. */
static void feedback_reset(void)
{
}
#else
/* libFuzzer reads this section as extra counters; the replay build
 * ignores it. */
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t feedback_counters[FEEDBACK_COUNTERS];

static void feedback(uint32_t key)
{
	uint8_t *c = &feedback_counters[key % FEEDBACK_COUNTERS];

	if (*c < 255)
		(*c)++;
}

static int driver_warm_up_call(const uint8_t *data)
{
	(void)data;
	return 0;
}

/*
 * Each run counts from zero.  libFuzzer clears the counters itself; the
 * replay build and the stability checker run inputs back to back, and
 * counts carried over would saturate and change what a run covers.
 */
static void feedback_reset(void)
{
	if (sim_hooks.feedback_kinds)	/* else nothing counted */
		memset(feedback_counters, 0, sizeof(feedback_counters));
}
#endif

static struct harness_opts opts;
static int initialised;

/*
 * Warm-up programs: four threads over both mms, every op kind on every
 * page, once with a switch at every step and once with long runs (so that
 * threads also sleep and wake each other).
 */
#define WARMUP_OPS 48
static void warmup_input(uint8_t *in, size_t *n, unsigned steps)
{
	static const uint8_t kinds[] = {
		VMT_OP_FAULT, VMT_OP_READ_LOCKED, VMT_OP_WRITE, VMT_OP_MAP,
		VMT_OP_UNMAP, VMT_OP_REATTACH, VMT_OP_KILL, VMT_OP_WRITE,
	};
	size_t k = 0;

	in[k++] = VMT_FORMAT_VERSION;
	in[k++] = 3 | 0x5 << 2;		/* four threads: mm A, B, A, B */
	in[k++] = 0x5a;			/* half of each mm's slots mapped */
	in[k++] = WARMUP_OPS;
	for (unsigned i = 0; i < WARMUP_OPS; i++) {
		in[k++] = (uint8_t)((i % 4) << 6 | kinds[(i / 4 + i) % 8] << 3 | (i / 8) % 4);
		in[k++] = (uint8_t)((i * 3) % 8 | ((i / 5) % 2) << 3 | (i % 16) << 4);
	}
	in[k++] = VMT_MAX_SCHED;
	for (unsigned i = 0; i < VMT_MAX_SCHED; i++)
		in[k++] = (uint8_t)((i * 7 / 3) % 4 | (steps - 1) << 2);
	*n = k;
}

/*
 * The runtime builds a fiber the first time a thread slot is used and
 * hashes a site the first time it is reached: one-time paths, so the first
 * run of an input that reaches them covers edges its later runs do not,
 * which an engine sees as unstable coverage (AFL++ marks the edges
 * variable).  Two runs of the warm-up programs before the engine's first
 * input take these paths once for all: every fiber is made, and most
 * sites are hashed (the rest stay lazy, see tests/CMakeLists.txt,
 * fuzz.stability).  AFL++ starts its fork server after
 * LLVMFuzzerInitialize, so every child inherits the warm state.
 */
static void warm_up(void)
{
	uint8_t in[VMT_MAX_INPUT];
	struct vmt_program p;
	struct sim_result res;
	size_t n;

	for (unsigned steps = 1; steps <= 64; steps += 63) {
		warmup_input(in, &n, steps);
		vmt_decode(in, n, &p);
		harness_run(&p, &opts, &res);
	}
}

static void init_once(void)
{
	if (initialised)
		return;
#ifdef VMLOCK_DEFAULT_BACKEND
	/* vmlock_kernel_fuzz: the kernel backend unless VMLOCK_BACKEND says
	 * otherwise (the infrastructure runs targets without environment);
	 * a report's repro line names the backend either way. */
	setenv("VMLOCK_BACKEND", VMLOCK_DEFAULT_BACKEND, 0);
#endif
	harness_opts_from_env(&opts);
	opts.no_hash = true;	/* only the report reads it */
	warm_up();
	/* VMLOCK_FEEDBACK=0: edge coverage only, to measure what the events
	 * are worth; or a list of the kinds to report (README, "Measured"). */
	sim_hooks.feedback_kinds = harness_feedback_from_env(TARGET_FEEDBACK_DEFAULT);
	if (sim_hooks.feedback_kinds)
		sim_hooks.feedback = feedback;
	initialised = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	init_once();
	return 0;
}

/*
 * One crash state per verdict.  ClusterFuzz (and OSS-Fuzz, ClusterFuzzLite,
 * CIFuzz's SARIF) name a crash by its top three stack frames, skipping
 * frames it ignores (abort, raise, LLVMFuzzerTestOneInput, fuzzer::, main,
 * the sanitizers' own, anything containing "assert": the list is in
 * tests/crash_state.py, with where it comes from).  So the target aborts
 * through one frame per verdict, named vmlock_bug_<verdict> ('-' as '_'):
 * the first frame ClusterFuzz keeps says the verdict, two verdicts are two
 * bugs, and one verdict found from two inputs is one.  Each frame is
 * noinline, reached through a table (nothing to inline), ends in a call to
 * abort (a call to a noreturn function is never a sibling call, so the
 * frame stays on the stack) and stores its own verdict first (no two
 * bodies alike, nothing for identical-code folding to merge).
 */
#define VERDICT_FRAMES(X) \
	X(DEADLOCK, deadlock) X(LOST_WAKEUP, lost_wakeup) X(LIVELOCK, livelock) \
	X(DATA_RACE, data_race) X(TSAN_REPORT, tsan_report) \
	X(REFCNT_ENCODING, refcnt_encoding) \
	X(INC_WHILE_EXCLUDED, inc_while_excluded) X(EXCLUSION, exclusion) \
	X(ATTACH_DISCIPLINE, attach_discipline) \
	X(DETACH_WITH_READERS, detach_with_readers) \
	X(FREE_WITH_REFS, free_with_refs) X(LOOKUP_IDENTITY, lookup_identity) \
	X(REF_BALANCE, ref_balance) X(USE_AFTER_DROP, use_after_drop) \
	X(MM_USE_AFTER_FREE, mm_use_after_free) X(HELD_LOCK, held_lock) \
	X(SEQ_PARITY, seq_parity) X(KILLABLE_STATE, killable_state) \
	X(LOCK_ORDER, lock_order) X(UNLOCKED_MUTATION, unlocked_mutation) \
	X(TORN_READ, torn_read) X(RCU_SCOPE, rcu_scope) \
	X(KERNEL_WARN, kernel_warn) X(REFCOUNT_SATURATE, refcount_saturate) \
	X(HELD_AT_EXIT, held_at_exit) X(LEAK, leak) \
	X(RCU_USE_AFTER_FREE, rcu_use_after_free)

/* The verdict being aborted for, where a debugger finds it. */
volatile int vmlock_crash_verdict;

#define VERDICT_FRAME(U, l)						\
	__attribute__((noinline, noreturn, used))			\
	static void vmlock_bug_##l(void)				\
	{								\
		vmlock_crash_verdict = VERDICT_##U;			\
		abort();						\
	}
VERDICT_FRAMES(VERDICT_FRAME)

#define VERDICT_ENTRY(U, l) [VERDICT_##U] = vmlock_bug_##l,
static void (*const verdict_frame[VERDICT__COUNT])(void) = {
	VERDICT_FRAMES(VERDICT_ENTRY)
};

#define VERDICT_ONE(U, l) + 1
_Static_assert(0 VERDICT_FRAMES(VERDICT_ONE) == VERDICT__COUNT - 1,
	       "every verdict but clean needs its crash frame");

/*
 * The report shows the failing run as one program under its own schedule
 * (a failure under a derived schedule is written down as that schedule),
 * then the target aborts through the verdict's frame.
 */
static void report_and_abort(const struct vmt_program *input,
			     const struct sim_result *first)
{
	harness_report_find(stderr, input, &opts, first, vmlock_fuzz_input_name);
	fflush(stderr);
	VM_ASSERT(first->verdict > VERDICT_CLEAN && first->verdict < VERDICT__COUNT);
	VM_ASSERT(verdict_frame[first->verdict]);
	verdict_frame[first->verdict]();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_program p;
	struct sim_result res;
	unsigned which;

	init_once();
	if (driver_warm_up_call(data))
		return 0;
	feedback_reset();
	vmt_decode(data, size, &p);
	run_input(&p, &opts, &res, &which);
	if (res.verdict != VERDICT_CLEAN)
		report_and_abort(&p, &res);
	return 0;
}
