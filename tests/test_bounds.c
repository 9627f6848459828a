// SPDX-License-Identifier: MIT
/*
 * test_bounds.c - one run costs a bounded amount, whatever the input.
 *
 * A fuzzer runs millions of inputs in one process, so the harness must
 * never let an input run on without end or make the process grow.  Fed the
 * largest inputs the format allows (VMT_MAX_INPUT bytes: four threads,
 * VMT_MAX_OPS ops, VMT_MAX_SCHED runs, VMT_MAX_CHOICES choices of 0xff)
 * and a sweep of random largest inputs, under the correct lock and every
 * variant, this checks:
 *
 *   - every run returns, within the step budget: at most `budget` steps,
 *     or budget + 1 (the cut point) with `truncated` set; also with a small
 *     budget, which must actually cut some of these runs;
 *   - the runtime allocates nothing per run: after the first run (which
 *     sets up the fiber stacks) no call of malloc and friends comes from the
 *     project's code.  The test is linked with --wrap for each allocation
 *     function, so every call from vmlock_core goes through a counter here;
 *     without a sanitizer, glibc's heap in use must not change either (an
 *     allocation libc makes on the project's behalf).  Under ASan and TSan
 *     that check is skipped: their allocators replace glibc's heap, which
 *     then never moves.  Where it runs, a planted allocation (made past
 *     the counter, as libc would) must move it: the check can fire.
 *
 * Exit status 0 when every check passes; each failure prints file:line.
 */
#include "harness/harness.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkf.h"

#define RANDOM_INPUTS	400	/* per variant */
#define SMALL_BUDGET	64

/* A sanitizer's allocator in place of glibc's heap: ASan's or TSan's. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define OWN_ALLOCATOR 1
#endif
#endif



/* ---- allocation counter (-Wl,--wrap=...) ------------------------------ */

/* volatile: compilers assume malloc() touches no global of ours */
static volatile unsigned long allocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__real_memalign(size_t a, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n) { allocs++; return __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { allocs++; return __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { allocs++; return __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t a, size_t n) { allocs++; return __real_aligned_alloc(a, n); }
int __wrap_posix_memalign(void **p, size_t a, size_t n) { allocs++; return __real_posix_memalign(p, a, n); }
void *__wrap_memalign(size_t a, size_t n) { allocs++; return __real_memalign(a, n); }
char *__wrap_strdup(const char *s) { allocs++; return __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { allocs++; return __real_strndup(s, n); }

/* glibc's heap in use; constant 0 under ASan or TSan (their own heap). */
static size_t heap_in_use(void)
{
#ifdef OWN_ALLOCATOR
	return 0;
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

/* ---- inputs ------------------------------------------------------------ */

/* xorshift64: a project-owned PRNG, so a failing input replays. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint8_t rng_byte(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint8_t)(rng_state >> 24);
}

/*
 * A largest input: four threads over both mms with every slot mapped, the
 * small limit (overflow reachable), VMT_MAX_OPS ops of the kinds `kinds`
 * picks from, VMT_MAX_SCHED runs of `steps` steps cycling the threads, and
 * VMT_MAX_CHOICES choices of 0xff (the largest choice everywhere).
 */
static void largest(uint8_t *in, unsigned kinds, unsigned steps, int random)
{
	size_t n = 0;
	unsigned i;

	in[n++] = VMT_FORMAT_VERSION;
	in[n++] = 3 | (0x5 << 2) | 0x40;	/* T0 A, T1 B, T2 A, T3 B */
	in[n++] = 0xff;
	in[n++] = VMT_MAX_OPS;
	for (i = 0; i < VMT_MAX_OPS; i++) {
		unsigned kind = (kinds >> (4 * (i % 8))) & 7;

		in[n++] = (uint8_t)((i % 4) << 6 | kind << 3 | (random ? rng_byte() & 7 : 3));
		in[n++] = random ? rng_byte() : (uint8_t)(i % 8 | 8 | 0xf0);
	}
	in[n++] = VMT_MAX_SCHED;
	for (i = 0; i < VMT_MAX_SCHED; i++)
		in[n++] = random ? rng_byte() : (uint8_t)(i % 4 | (steps - 1) << 2);
	for (i = 0; i < VMT_MAX_CHOICES; i++)
		in[n++] = random ? rng_byte() : 0xff;
	if (!CHECKF(n == VMT_MAX_INPUT, "built %zu bytes", n))
		exit(1);
}

/* Op kinds, one nibble each, eight per pattern. */
#define K(a, b, c, d, e, f, g, h)					\
	((a) | (b) << 4 | (c) << 8 | (d) << 12 | (e) << 16 | (f) << 20 |	\
	 (g) << 24 | (unsigned)(h) << 28)

static const struct {
	const char *name;
	unsigned kinds;
	unsigned steps;
} shapes[] = {
	/* Every kind, long runs. */
	{ "every kind", K(VMT_OP_FAULT, VMT_OP_READ_LOCKED, VMT_OP_WRITE, VMT_OP_MAP,
			  VMT_OP_UNMAP, VMT_OP_REATTACH, VMT_OP_KILL, VMT_OP_FAULT), 64 },
	/* Writers and readers on the same VMAs, a switch at every step. */
	{ "contention", K(VMT_OP_WRITE, VMT_OP_FAULT, VMT_OP_WRITE, VMT_OP_READ_LOCKED,
			  VMT_OP_WRITE, VMT_OP_FAULT, VMT_OP_REATTACH, VMT_OP_FAULT), 1 },
	/* Churn: unmap, map with reuse, reattach. */
	{ "churn", K(VMT_OP_UNMAP, VMT_OP_MAP, VMT_OP_REATTACH, VMT_OP_FAULT,
		     VMT_OP_UNMAP, VMT_OP_MAP, VMT_OP_WRITE, VMT_OP_READ_LOCKED), 3 },
	/* Killable writers and kills. */
	{ "kills", K(VMT_OP_WRITE, VMT_OP_KILL, VMT_OP_FAULT, VMT_OP_KILL,
		     VMT_OP_WRITE, VMT_OP_KILL, VMT_OP_READ_LOCKED, VMT_OP_KILL), 2 },
};

/* ---- runs -------------------------------------------------------------- */

struct tally {
	unsigned long runs, truncated, max_steps;
};

/* One run; checks it ended within the budget. */
static void run_one(const uint8_t *in, enum variant v, uint32_t budget,
		    struct tally *t, const char *what)
{
	struct harness_opts o;
	struct vmt_program p;
	struct sim_result res;

	vmt_decode(in, VMT_MAX_INPUT, &p);
	harness_opts_default(&o);
	o.variant = v;
	o.step_budget = budget;
	o.trace = t->runs % 7 == 0;	/* the trace arena must not grow either */
	harness_run(&p, &o, &res);
	t->runs++;
	if (res.steps > t->max_steps)
		t->max_steps = res.steps;
	if (res.truncated) {
		t->truncated++;
		CHECKF(res.steps == budget + 1, "%s, variant %s: cut at step %u, budget %u",
		       what, variant_info(v)->name, res.steps, budget);
	} else {
		CHECKF(res.steps <= budget, "%s, variant %s: %u steps, budget %u",
		       what, variant_info(v)->name, res.steps, budget);
	}
}

static void run_all(uint32_t budget, struct tally *t)
{
	uint8_t in[VMT_MAX_INPUT];
	unsigned s, i;

	for (unsigned v = 0; v < V__COUNT; v++) {
		for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
			largest(in, shapes[s].kinds, shapes[s].steps, 0);
			run_one(in, (enum variant)v, budget, t, shapes[s].name);
		}
		for (i = 0; i < RANDOM_INPUTS; i++) {
			largest(in, 0, 1, 1);
			run_one(in, (enum variant)v, budget, t, "random");
		}
	}
}

int main(void)
{
	uint8_t in[VMT_MAX_INPUT];
	struct tally full = { 0 }, small = { 0 };
	unsigned long setup_allocs, before;
	size_t heap;
	void *volatile probe;	/* volatile: the compiler may not drop the pair */

	/* The counter sees calls made in this link: this one included. */
	before = allocs;
	probe = malloc(16);
	free(probe);
	CHECKF(allocs == before + 1, "the --wrap counter missed a malloc");

#ifndef OWN_ALLOCATOR
	/* The heap check's positive control: 4 KB that libc could allocate
	 * for us, past the counter, moves glibc's heap in use. */
	heap = heap_in_use();
	probe = __real_malloc(4096);
	CHECKF(heap_in_use() >= heap + 4096,
	       "the heap check misses a planted 4096-byte allocation (%zu -> %zu)",
	       heap, heap_in_use());
	free(probe);
#endif

	/* The first run sets up what lives for the whole process. */
	largest(in, shapes[0].kinds, 64, 0);
	run_one(in, V_NONE, HARNESS_STEP_BUDGET, &full, "setup");
	setup_allocs = allocs - before - 1;
	printf("setup: %lu allocations (the fiber stacks)\n", setup_allocs);
	fflush(stdout);

	allocs = 0;
	heap = heap_in_use();
	run_all(HARNESS_STEP_BUDGET, &full);
	run_all(SMALL_BUDGET, &small);
	CHECKF(allocs == 0, "%lu allocations in %lu runs after the first",
	       allocs, full.runs + small.runs - 1);
	CHECKF(heap_in_use() == heap, "glibc heap in use %zu -> %zu bytes",
	       heap, heap_in_use());

	/* The small budget must really cut runs, or its check proved nothing. */
	CHECKF(small.truncated > 0, "no run reached %u steps", SMALL_BUDGET);
	printf("budget %u: %lu runs, %lu cut by the budget, at most %lu steps\n",
	       HARNESS_STEP_BUDGET, full.runs, full.truncated, full.max_steps);
	printf("budget %u: %lu runs, %lu cut by the budget, at most %lu steps\n",
	       SMALL_BUDGET, small.runs, small.truncated, small.max_steps);
	printf("allocations after the first run: %lu%s\n", allocs,
#ifdef OWN_ALLOCATOR
	       " (glibc heap not checked: a sanitizer's allocator replaces it)"
#else
	       ", glibc heap in use unchanged"
#endif
	);
	if (failures) {
		fprintf(stderr, "test_bounds: %u failure%s\n", failures,
			failures == 1 ? "" : "s");
		return 1;
	}
	printf("test_bounds: all checks passed\n");
	return 0;
}
