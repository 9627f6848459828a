/* SPDX-License-Identifier: MIT */
/*
 * test_fiber.c - unit test of the fiber switch (src/sim/fiber.c).
 *
 * Covers: deterministic ping-pong of three fibers through main, a direct
 * fiber-to-fiber switch, restarting fibers that were abandoned mid-run
 * (many times, so leaked sanitizer state would overflow), deep recursion
 * with stack arrays, per-fiber floating point control state, setjmp and
 * longjmp inside a fiber, and destroy + make on another stack.
 *
 * Data a fiber hands to main goes through relaxed atomics: in TSan builds
 * main -> fiber switches carry no happens-before edge, so a plain variable
 * main reads and a fiber writes again would be a (true) race.  Arguments
 * set before fiber_make need no atomics: fiber_make orders them.
 *
 * `test_fiber race` runs a deliberate race between two fibers instead; a
 * TSan build must report it (exit status 66), which shows that the
 * switches really are no_sync towards the fibers.
 *
 * Exit status 0 when every check passed; each failed check is printed.
 */
#include "sim/fiber.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			failures++;					\
		}							\
	} while (0)

#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

#define STACK_SIZE (256 * 1024)
#define BIG_STACK_SIZE (2 * 1024 * 1024)

static struct fiber main_ctx;

static void *stack_alloc(size_t size)
{
	void *p = aligned_alloc(64, size);

	if (!p) {
		fputs("FAIL: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* Back to main; the fiber's entry must never return. */
static void yield(struct fiber *self)
{
	fiber_switch(self, &main_ctx, 1);
}

static __attribute__((noreturn)) void finish(struct fiber *self)
{
	fiber_switch(self, &main_ctx, 1);
	fputs("FAIL: a finished fiber was resumed\n", stderr);
	abort();
}

/* Project-owned PRNG (xorshift64): the schedule is the same on every run. */
static uint64_t prng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- 1. three fibers ping-pong through main ---- */

#define PP_FIBERS 3
#define PP_STEPS 30000

struct pp_fiber {
	struct fiber fib;
	int id;
	long out;		/* ATOMIC: id * 1000000 + step, last produced */
};

static struct pp_fiber pp[PP_FIBERS];

static void pp_entry(void *arg)
{
	struct pp_fiber *p = arg;

	for (long k = 0;; k++) {
		STORE(&p->out, p->id * 1000000L + k);
		yield(&p->fib);
	}
}

static void test_ping_pong(void)
{
	void *stacks[PP_FIBERS];
	long count[PP_FIBERS] = { 0 };
	char seq[16] = "";
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	static const int head[] = { 0, 1, 2, 2, 1, 0, 0, 2, 1 };

	for (int i = 0; i < PP_FIBERS; i++) {
		stacks[i] = stack_alloc(STACK_SIZE);
		pp[i].id = i;
		fiber_make(&pp[i].fib, stacks[i], STACK_SIZE, pp_entry, &pp[i]);
	}
	/* A fixed opening, checked as a string, then a PRNG schedule. */
	for (int n = 0; n < PP_STEPS; n++) {
		int i = n < 9 ? head[n] : (int)(prng_next(&s) % PP_FIBERS);

		fiber_switch(&main_ctx, &pp[i].fib, 0);
		long v = LOAD(&pp[i].out);

		CHECK(v == i * 1000000L + count[i]);
		if (n < 9)
			seq[n] = (char)('a' + v / 1000000L);
		count[i]++;
	}
	CHECK(strcmp(seq, "abccbaacb") == 0);
	CHECK(count[0] + count[1] + count[2] == PP_STEPS);
	CHECK(count[0] > 0 && count[1] > 0 && count[2] > 0);
	/* Abandoned mid-loop: destroy must unwind and free them. */
	for (int i = 0; i < PP_FIBERS; i++) {
		fiber_destroy(&pp[i].fib);
		free(stacks[i]);
	}
}

/* ---- 2. a fiber switches straight to another fiber ---- */

static struct fiber chain_a, chain_b;
static int chain_log[8];	/* ATOMIC */
static int chain_n;		/* ATOMIC */

static void chain_put(int v)
{
	int n = LOAD(&chain_n);

	STORE(&chain_log[n], v);
	STORE(&chain_n, n + 1);
}

static void chain_a_entry(void *arg)
{
	(void)arg;
	chain_put(1);
	fiber_switch(&chain_a, &chain_b, 1);	/* starts b */
	chain_put(3);
	finish(&chain_a);
}

static void chain_b_entry(void *arg)
{
	(void)arg;
	chain_put(2);
	finish(&chain_b);
}

static void test_chain(void)
{
	void *sa = stack_alloc(STACK_SIZE), *sb = stack_alloc(STACK_SIZE);

	fiber_make(&chain_a, sa, STACK_SIZE, chain_a_entry, NULL);
	fiber_make(&chain_b, sb, STACK_SIZE, chain_b_entry, NULL);
	fiber_switch(&main_ctx, &chain_a, 0);	/* a -> b -> main */
	CHECK(LOAD(&chain_n) == 2);
	fiber_switch(&main_ctx, &chain_a, 0);	/* a resumes, ends */
	CHECK(LOAD(&chain_n) == 3);
	for (int i = 0; i < 3; i++)
		CHECK(LOAD(&chain_log[i]) == i + 1);
	fiber_destroy(&chain_a);
	fiber_destroy(&chain_b);
	free(sa);
	free(sb);
}

/* ---- 3. restart after abandoning mid-run, many times ---- */

#define RS_RUNS 20000
#define RS_DEPTH 12

struct rs_arg {
	int run;
	int depth;
};

static struct fiber rs_fib;
static int rs_started;	/* ATOMIC: run number seen at entry */
static int rs_deep;	/* ATOMIC: run number at the deepest point */
static int rs_done;	/* ATOMIC: run number at the end */

static int rs_recurse(const struct rs_arg *a, int level)
{
	volatile char buf[48];

	memset((char *)buf, level, sizeof(buf));
	if (level == a->depth) {
		STORE(&rs_deep, a->run);
		yield(&rs_fib);
		return buf[0];
	}
	return buf[level % 48] + rs_recurse(a, level + 1);
}

static void rs_entry(void *arg)
{
	const struct rs_arg *a = arg;

	STORE(&rs_started, a->run);
	yield(&rs_fib);
	int sum = rs_recurse(a, 0);

	if (sum == a->depth * (a->depth + 1) / 2)
		STORE(&rs_done, a->run);
	finish(&rs_fib);
}

static void test_restart(void)
{
	void *stack = stack_alloc(STACK_SIZE);
	static struct rs_arg args[2];

	/* Made twice before it ever runs: the second make wins. */
	args[0] = (struct rs_arg){ .run = -1, .depth = RS_DEPTH };
	fiber_make(&rs_fib, stack, STACK_SIZE, rs_entry, &args[0]);
	for (int run = 0; run < RS_RUNS; run++) {
		struct rs_arg *a = &args[run & 1];

		a->run = run;
		a->depth = RS_DEPTH;
		fiber_make(&rs_fib, stack, STACK_SIZE, rs_entry, a);
		fiber_switch(&main_ctx, &rs_fib, 0);
		CHECK(LOAD(&rs_started) == run);
		fiber_switch(&main_ctx, &rs_fib, 0);
		CHECK(LOAD(&rs_deep) == run);
		/* Every third run completes; the others stay abandoned deep
		 * inside the recursion. */
		if (run % 3 == 0) {
			fiber_switch(&main_ctx, &rs_fib, 0);
			CHECK(LOAD(&rs_done) == run);
		}
		if (failures)
			break;
	}
	fiber_destroy(&rs_fib);

	/* Destroyed, then made again on another stack. */
	void *other = stack_alloc(STACK_SIZE);

	args[0] = (struct rs_arg){ .run = RS_RUNS, .depth = RS_DEPTH };
	fiber_make(&rs_fib, other, STACK_SIZE, rs_entry, &args[0]);
	for (int i = 0; i < 3; i++)
		fiber_switch(&main_ctx, &rs_fib, 0);
	CHECK(LOAD(&rs_done) == RS_RUNS);
	/* And made on a third stack without destroy: fiber_make frees the
	 * old stack's sanitizer state itself. */
	args[1] = (struct rs_arg){ .run = RS_RUNS + 1, .depth = RS_DEPTH };
	fiber_make(&rs_fib, stack, STACK_SIZE, rs_entry, &args[1]);
	fiber_switch(&main_ctx, &rs_fib, 0);
	CHECK(LOAD(&rs_started) == RS_RUNS + 1);
	fiber_destroy(&rs_fib);
	free(stack);
	free(other);
}

/* ---- 4. deep recursion with stack arrays ---- */

#define DEEP_LEVELS 1000

static struct fiber deep_fib;
static int deep_yields;			/* ATOMIC */
static unsigned long deep_result;	/* ATOMIC */

static unsigned long deep_recurse(int level, int switching)
{
	volatile unsigned char buf[256];
	unsigned long sum = 0;

	for (int i = 0; i < 256; i++)
		buf[i] = (unsigned char)(level * 31 + i);
	if (switching && level % 100 == 0) {
		STORE(&deep_yields, LOAD(&deep_yields) + 1);
		yield(&deep_fib);
	}
	if (level < DEEP_LEVELS)
		sum = deep_recurse(level + 1, switching);
	for (int i = 0; i < 256; i += 7)
		sum = sum * 1099511628211UL + buf[i];
	return sum;
}

static void deep_entry(void *arg)
{
	(void)arg;
	STORE(&deep_result, deep_recurse(0, 1));
	finish(&deep_fib);
}

static void test_deep(void)
{
	void *stack = stack_alloc(BIG_STACK_SIZE);
	int switches = 0;

	fiber_make(&deep_fib, stack, BIG_STACK_SIZE, deep_entry, NULL);
	while (LOAD(&deep_result) == 0 && switches < 100) {
		fiber_switch(&main_ctx, &deep_fib, 0);
		switches++;
	}
	CHECK(LOAD(&deep_yields) == DEEP_LEVELS / 100 + 1);
	CHECK(switches == DEEP_LEVELS / 100 + 2);
	CHECK(LOAD(&deep_result) == deep_recurse(0, 0));
	fiber_destroy(&deep_fib);
	free(stack);
}

/* ---- 5. floating point control state is per fiber ---- */

#if defined(__x86_64__)
#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_UP 0x5f80u	/* rounding control = toward +inf */
#define MXCSR_DOWN 0x3f80u	/* rounding control = toward -inf */
#define X87CW_DEFAULT 0x037fu
#define X87CW_SINGLE 0x007fu	/* precision control = 24 bits */

/* The control bits only: the low six are sticky exception flags, which
 * any inexact division sets.  The reads start from 0 because MSan does not
 * see asm memory outputs being written. */
static unsigned get_mxcsr(void)
{
	unsigned v = 0;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v & ~0x3fu;
}

static void set_mxcsr(unsigned v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

static unsigned get_x87cw(void)
{
	unsigned short v = 0;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

static void set_x87cw(unsigned v)
{
	unsigned short cw = (unsigned short)v;

	__asm__ volatile("fldcw %0" : : "m"(cw) : "memory");
}

/* Not inlined, and the asm above clobbers memory: without -frounding-math
 * the compiler may otherwise move the division across a mode change. */
static __attribute__((noinline)) double third(void)
{
	volatile double one = 1.0, three = 3.0;

	return one / three;
}

static struct fiber fp_a, fp_b;
static int fp_ok_a, fp_ok_b;	/* ATOMIC: checks passed inside the fibers */

static void fp_a_entry(void *arg)
{
	(void)arg;
	int ok = get_mxcsr() == MXCSR_DEFAULT && get_x87cw() == X87CW_DEFAULT;
	double near = third();

	set_mxcsr(MXCSR_UP);
	set_x87cw(X87CW_SINGLE);
	ok = ok && third() > near;
	yield(&fp_a);
	ok = ok && get_mxcsr() == MXCSR_UP && get_x87cw() == X87CW_SINGLE;
	ok = ok && third() > near;
	STORE(&fp_ok_a, ok);
	yield(&fp_a);		/* abandoned here with MXCSR_UP */
	finish(&fp_a);
}

static void fp_b_entry(void *arg)
{
	(void)arg;
	int ok = get_mxcsr() == MXCSR_DEFAULT && get_x87cw() == X87CW_DEFAULT;
	double near = third();

	set_mxcsr(MXCSR_DOWN);
	yield(&fp_b);
	ok = ok && get_mxcsr() == MXCSR_DOWN && third() == near;
	STORE(&fp_ok_b, ok);
	finish(&fp_b);
}

static void test_fp(void)
{
	void *sa = stack_alloc(STACK_SIZE), *sb = stack_alloc(STACK_SIZE);
	unsigned m0 = get_mxcsr(), c0 = get_x87cw();
	double near = third();

	fiber_make(&fp_a, sa, STACK_SIZE, fp_a_entry, NULL);
	fiber_make(&fp_b, sb, STACK_SIZE, fp_b_entry, NULL);
	fiber_switch(&main_ctx, &fp_a, 0);
	CHECK(get_mxcsr() == m0 && get_x87cw() == c0 && third() == near);
	fiber_switch(&main_ctx, &fp_b, 0);
	CHECK(get_mxcsr() == m0 && third() == near);
	fiber_switch(&main_ctx, &fp_a, 0);
	CHECK(LOAD(&fp_ok_a) == 1);
	fiber_switch(&main_ctx, &fp_b, 0);
	CHECK(LOAD(&fp_ok_b) == 1);
	CHECK(get_mxcsr() == m0 && get_x87cw() == c0);
	/* Restart a, abandoned with non-default control words: it must
	 * start from the defaults again. */
	STORE(&fp_ok_a, 0);
	fiber_make(&fp_a, sa, STACK_SIZE, fp_a_entry, NULL);
	fiber_switch(&main_ctx, &fp_a, 0);
	fiber_switch(&main_ctx, &fp_a, 0);
	CHECK(LOAD(&fp_ok_a) == 1);
	CHECK(get_mxcsr() == m0 && get_x87cw() == c0);
	fiber_destroy(&fp_a);
	fiber_destroy(&fp_b);
	free(sa);
	free(sb);
}
#else
static void test_fp(void)
{
	fputs("test_fp: skipped (x86_64 only)\n", stderr);
}
#endif

/* ---- 6. setjmp/longjmp inside one fiber ---- */

#define SJ_ROUNDS 5
#define SJ_DEPTH 20

static struct fiber sj_fib;
static int sj_rounds;	/* ATOMIC: longjmps taken */
static int sj_ended;	/* ATOMIC */

static void sj_recurse(jmp_buf *jb, int level, int round)
{
	volatile char buf[100];

	memset((char *)buf, round, sizeof(buf));
	if (level >= SJ_DEPTH) {
		yield(&sj_fib);		/* suspended deep, then unwound */
		longjmp(*jb, round + 1);
	}
	if (level < SJ_DEPTH)
		sj_recurse(jb, level + 1, round);
}

static void sj_entry(void *arg)
{
	jmp_buf jb;
	volatile int round;

	(void)arg;
	round = setjmp(jb);
	STORE(&sj_rounds, round);
	if (round < SJ_ROUNDS)
		sj_recurse(&jb, 0, round);
	STORE(&sj_ended, 1);
	finish(&sj_fib);
}

static void test_setjmp(void)
{
	void *stack = stack_alloc(STACK_SIZE);

	fiber_make(&sj_fib, stack, STACK_SIZE, sj_entry, NULL);
	for (int i = 0; i <= SJ_ROUNDS; i++) {
		CHECK(LOAD(&sj_ended) == 0);
		fiber_switch(&main_ctx, &sj_fib, 0);
		CHECK(LOAD(&sj_rounds) == i);
	}
	CHECK(LOAD(&sj_ended) == 1);
	fiber_destroy(&sj_fib);
	free(stack);
}

/* ---- opt-in: a real race between two fibers, for TSan to report ---- */

static struct fiber race_a, race_b;
static long race_var;		/* plain on purpose */

static void race_a_entry(void *arg)
{
	(void)arg;
	race_var++;
	finish(&race_a);
}

static void race_b_entry(void *arg)
{
	(void)arg;
	race_var++;
	finish(&race_b);
}

static void run_race(void)
{
	void *sa = stack_alloc(STACK_SIZE), *sb = stack_alloc(STACK_SIZE);

	fiber_make(&race_a, sa, STACK_SIZE, race_a_entry, NULL);
	fiber_make(&race_b, sb, STACK_SIZE, race_b_entry, NULL);
	fiber_switch(&main_ctx, &race_a, 0);
	fiber_switch(&main_ctx, &race_b, 0);
	fiber_destroy(&race_a);
	fiber_destroy(&race_b);
	free(sa);
	free(sb);
}

int main(int argc, char **argv)
{
	fiber_init_main(&main_ctx);
	if (argc > 1 && strcmp(argv[1], "race") == 0) {
		run_race();
		return 0;
	}
	test_ping_pong();
	test_chain();
	test_restart();
	test_deep();
	test_fp();
	test_setjmp();
	fiber_destroy(&main_ctx);	/* a no-op on main */
	if (failures) {
		fprintf(stderr, "test_fiber: %d check(s) failed\n", failures);
		return 1;
	}
	puts("test_fiber: all checks passed");
	return 0;
}
