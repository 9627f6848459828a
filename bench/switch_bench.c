/* SPDX-License-Identifier: MIT */
/*
 * switch_bench.c - cost of one context switch, three ways.
 *
 *   (a) fiber_switch (src/sim/fiber.c): main <-> one fiber
 *   (b) glibc swapcontext: the same ping-pong between two ucontexts
 *   (c) _setjmp/_longjmp: a fiber entered once through makecontext, then
 *       each switch is a setjmp on the way out and a longjmp into the other
 *
 * Each repetition makes 1e6 switches (5e5 round trips) and reports ns per
 * switch; the table gives 5 repetitions and their median.  Build plain:
 *
 *   cc -std=gnu11 -O2 -Isrc src/sim/fiber.c bench/switch_bench.c -o sb
 *
 * In sanitizer builds only (a) runs: the other two switch stacks behind
 * the sanitizers' back.
 */
/* _longjmp between stacks is exactly what the fortified variant rejects. */
#undef _FORTIFY_SOURCE

#include "sim/fiber.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BENCH_SANITIZED 1
#endif

#define SWITCHES 1000000L
#define REPS 5
#define STACK_SIZE (64 * 1024)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *stack_alloc(void)
{
	void *p = aligned_alloc(64, STACK_SIZE);

	if (!p) {
		fputs("switch_bench: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* ---- (a) fiber_switch ---- */

static struct fiber fb_main, fb_fib;

static void fb_entry(void *arg)
{
	(void)arg;
	for (;;)
		fiber_switch(&fb_fib, &fb_main, 1);
}

static double run_fiber(long switches)
{
	double t0 = now_ns();

	for (long i = 0; i < switches / 2; i++)
		fiber_switch(&fb_main, &fb_fib, 0);
	return (now_ns() - t0) / switches;
}

#ifndef BENCH_SANITIZED
/* ---- (b) swapcontext ---- */

static ucontext_t uc_main, uc_fib;

static void uc_entry(void)
{
	for (;;)
		swapcontext(&uc_fib, &uc_main);
}

static void uc_make(ucontext_t *uc, void (*fn)(void))
{
	if (getcontext(uc) != 0)
		abort();
	uc->uc_stack.ss_sp = stack_alloc();
	uc->uc_stack.ss_size = STACK_SIZE;
	uc->uc_link = NULL;
	makecontext(uc, fn, 0);
}

static double run_ucontext(long switches)
{
	double t0 = now_ns();

	for (long i = 0; i < switches / 2; i++)
		swapcontext(&uc_main, &uc_fib);
	return (now_ns() - t0) / switches;
}

/* ---- (c) _setjmp/_longjmp ---- */

static jmp_buf jb_main, jb_fib;
static ucontext_t jb_uc;

static void jb_entry(void)
{
	for (;;)
		if (!_setjmp(jb_fib))
			_longjmp(jb_main, 1);
}

/* One round trip; its own frame, so no local changes between the setjmp
 * and the return into it. */
static __attribute__((noinline)) void jb_round(void)
{
	if (!_setjmp(jb_main))
		_longjmp(jb_fib, 1);
}

static void jb_setup(void)
{
	uc_make(&jb_uc, jb_entry);
	if (!_setjmp(jb_main))
		setcontext(&jb_uc);	/* the fiber's first setjmp, back */
}

static double run_jmp(long switches)
{
	double t0 = now_ns();

	for (long i = 0; i < switches / 2; i++)
		jb_round();
	return (now_ns() - t0) / switches;
}
#endif /* !BENCH_SANITIZED */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *name, double (*run)(long))
{
	double ns[REPS], sorted[REPS];

	run(SWITCHES / 10);	/* warm up caches and predictors */
	for (int r = 0; r < REPS; r++)
		ns[r] = sorted[r] = run(SWITCHES);
	qsort(sorted, REPS, sizeof(sorted[0]), cmp_double);
	printf("| %s |", name);
	for (int r = 0; r < REPS; r++)
		printf(" %.1f", ns[r]);
	printf(" | **%.1f** |\n", sorted[REPS / 2]);
}

int main(void)
{
	fiber_init_main(&fb_main);
	fiber_make(&fb_fib, stack_alloc(), STACK_SIZE, fb_entry, NULL);

	printf("ns per switch, %ld switches per run, median of %d\n\n",
	       SWITCHES, REPS);
	printf("| mechanism | runs | median |\n|---|---|---|\n");
	report("(a) fiber_switch", run_fiber);
#ifndef BENCH_SANITIZED
	uc_make(&uc_fib, uc_entry);
	report("(b) glibc swapcontext", run_ucontext);
	jb_setup();
	report("(c) _setjmp/_longjmp", run_jmp);
#else
	printf("| (b), (c) | not run in sanitizer builds | |\n");
#endif
	return 0;
}
