// SPDX-License-Identifier: MIT
/*
 * explicit.c - run-aware schedule mutation (see explicit.h).
 */
#include "explicit.h"
#include "internal.h"
#include "../harness/harness.h"
#include "../util/assert.h"

#include <string.h>

/* One window mutation in WINDOWS_CHAIN_ONE_IN preempts at two or three
 * windows: a chain of visits or an interleaving of the threads' pieces,
 * half each (bench/results/deep-variants.md). */
#define WINDOWS_CHAIN_ONE_IN 3

bool vmt_explicit_from_recorded(struct vmt_program *p, struct vmt_windows *w)
{
	struct vmt_program q = *p;

	if (!harness_recorded(&q))
		return false;
	/* Recording drops the choices (only the bytes strategy reads them). */
	q.nchoices = p->nchoices;
	memcpy(q.choices, p->choices, sizeof(q.choices));
	*p = q;
	if (w)
		w->n = harness_recorded_windows(w->step, VMT_MAX_WINDOWS);
	return true;
}

bool vmt_schedule_make_explicit(struct vmt_program *p, enum variant v,
				struct vmt_windows *w)
{
	struct harness_opts o;
	struct sim_result res;

	harness_opts_default(&o);
	o.variant = v;
	o.record = true;
	/* Deterministic: the recorded runs are those the target will take. */
	harness_run(p, &o, &res);
	return vmt_explicit_from_recorded(p, w);
}

/* The run of explicit schedule p that makes step `at`, or -1 past its
 * end; *before: the steps of that run before it. */
static int run_at(const struct vmt_program *p, unsigned at, unsigned *before)
{
	unsigned pos = 0;

	for (unsigned i = 0; i < p->nsched; i++) {
		if (at < pos + p->sched[i].steps) {
			*before = at - pos;
			return (int)i;
		}
		pos += p->sched[i].steps;
	}
	return -1;
}

/* Another thread than t, uniformly. */
static unsigned other_thread(const struct vmt_program *p, unsigned t,
			     struct mut_rng *r)
{
	return (t + 1 + mut_rng_below(r, p->nthreads - 1u)) % p->nthreads;
}

/*
 * Preempt at a window: the explicit schedule up to the window's step,
 * then another thread, either for good (when its run is used up it goes
 * on until it sleeps or ends) or for 1 to 64 steps before the window's
 * thread makes the access.  False if the step is past the recorded runs.
 */
static bool window_preempt(struct vmt_program *p, const struct vmt_windows *w,
			   struct mut_rng *r)
{
	unsigned before, at = w->step[mut_rng_below(r, w->n)];
	int i = run_at(p, at, &before);

	if (i < 0)
		return false;
	uint8_t reader = p->sched[i].thread;
	uint8_t other = (uint8_t)other_thread(p, reader, r);

	p->nsched = (uint8_t)(i + (before > 0));
	if (before > 0)
		p->sched[i].steps = (uint8_t)before;
	if (p->nsched + 2u > VMT_MAX_SCHED)
		return false;
	if (mut_one_in(r, 2)) {
		p->sched[p->nsched++] = (struct vmt_run){ other, 64 };
	} else {
		p->sched[p->nsched++] =
			(struct vmt_run){ other, (uint8_t)(1 + mut_rng_below(r, 64)) };
		p->sched[p->nsched++] = (struct vmt_run){ reader, 64 };
	}
	return true;
}

/* Thread u's visit of `steps` steps before step `before` of run i of
 * explicit schedule p (which is another thread's); the recorded runs
 * follow.  The caller made room for two runs. */
static void insert_visit(struct vmt_program *p, unsigned i, unsigned before,
			 unsigned u, unsigned steps)
{
	uint8_t t = p->sched[i].thread;
	unsigned rest = p->sched[i].steps - before;

	if (before == 0) {
		mut_sched_insert_at(p, i, u, steps);
		return;
	}
	p->sched[i].steps = (uint8_t)before;
	mut_sched_insert_at(p, i + 1, u, steps);
	mut_sched_insert_at(p, i + 2, t, rest);
}

/*
 * A visit at a window: another thread runs steps(r) steps just before
 * step `at` of explicit schedule p, then the window's thread goes on and
 * the recorded runs follow.  False if `at` is past the runs or the
 * schedule is full.
 */
static bool visit_at(struct vmt_program *p, unsigned at,
		     unsigned (*steps)(struct mut_rng *r), struct mut_rng *r)
{
	unsigned before;
	int i = run_at(p, at, &before);

	if (i < 0 || p->nsched + 2u > VMT_MAX_SCHED)
		return false;
	unsigned u = other_thread(p, p->sched[i].thread, r);

	insert_visit(p, (unsigned)i, before, u, steps(r));
	return true;
}

/*
 * Preempt at two or three windows of one run: at each (the latest first,
 * so that the earlier ones keep their place in the recorded runs) a visit
 * by another thread of 1 to 64 steps, small most often, after which the
 * window's thread goes on and the recorded runs follow.  A deep bug needs
 * a stall at each of its windows: a reader between its walk and its
 * increment while the object is freed and reused, then again between its
 * increment and its put while a writer or an exit of the new mm comes in.
 * False if fewer than two windows fall in the recorded runs or the
 * schedule is full.
 */
static bool windows_chain(struct vmt_program *p, const struct vmt_windows *w,
			  struct mut_rng *r)
{
	unsigned k = 2 + mut_rng_below(r, 2), pick[3], n = 0;

	if (w->n < 2)
		return false;
	/* k distinct windows, in step order (the list is ascending). */
	for (unsigned i = 0; i < w->n && n < k; i++)
		if (mut_rng_below(r, w->n - i) < k - n)
			pick[n++] = i;
	for (unsigned j = n; j-- > 0;)
		if (!visit_at(p, w->step[pick[j]], mut_random_steps, r))
			return false;
	return true;
}

/* Where a window falls in explicit schedule p: the thread that makes
 * step `at` and how many steps it made before it.  False past the end. */
static bool window_place(const struct vmt_program *p, unsigned at,
			 unsigned *thread, unsigned *local)
{
	unsigned pos = 0, mine[VMT_MAX_THREADS] = { 0 };

	for (unsigned i = 0; i < p->nsched; i++) {
		const struct vmt_run *run = &p->sched[i];

		if (at < pos + run->steps) {
			*thread = run->thread;
			*local = mine[run->thread] + (at - pos);
			return true;
		}
		pos += run->steps;
		mine[run->thread] += run->steps;
	}
	return false;
}

/* A run of t for n steps, split into runs of at most 64; false if the
 * schedule is full. */
static bool append_steps(struct vmt_program *p, unsigned t, unsigned n)
{
	while (n > 0) {
		unsigned s = n < 64 ? n : 64;

		if (p->nsched >= VMT_MAX_SCHED)
			return false;
		p->sched[p->nsched++] = (struct vmt_run){ (uint8_t)t, (uint8_t)s };
		n -= s;
	}
	return true;
}

/* A thread's piece of a recorded run: its own steps [from, to), and
 * the step of the run where it began (the pieces' recorded order). */
struct piece {
	uint8_t thread;
	uint16_t from, to, at;
};

/* The step of explicit schedule p at which thread t makes its step
 * `local` (p's length if it makes no such step). */
static unsigned global_step(const struct vmt_program *p, unsigned t,
			    unsigned local)
{
	unsigned pos = 0, mine = 0;

	for (unsigned i = 0; i < p->nsched; i++) {
		const struct vmt_run *run = &p->sched[i];

		if (run->thread == t && local < mine + run->steps)
			return pos + (local - mine);
		pos += run->steps;
		mine += run->thread == t ? run->steps : 0;
	}
	return pos;
}

/*
 * A cut at a window's step, or one or two steps after it, half the time:
 * a lifetime window is noted where the event comes next, between two
 * scheduling points, so the step it names is the one before (the
 * reader's increment, when its put on a recycled VMA comes next).
 */
static unsigned window_slack(struct mut_rng *r)
{
	return mut_one_in(r, 2) ? 0 : 1 + mut_rng_below(r, 2);
}

#define INTERLEAVE_CUTS 3
#define MAX_PIECES (VMT_MAX_THREADS + INTERLEAVE_CUTS)

/* Each thread's steps of p cut at k of the windows (each cut a window's
 * step, or slack after it), as pieces in their recorded order; returns
 * how many, 0 if a window is past p's runs. */
static unsigned cut_pieces(const struct vmt_program *p,
			   const struct vmt_windows *w, unsigned k,
			   struct mut_rng *r, struct piece *pc)
{
	unsigned total[VMT_MAX_THREADS] = { 0 }, last[VMT_MAX_THREADS] = { 0 };
	unsigned n = 0, picked = 0;

	for (unsigned i = 0; i < p->nsched; i++)
		total[p->sched[i].thread] += p->sched[i].steps;
	/* k distinct windows in step order: each thread's cuts ascend. */
	for (unsigned i = 0; i < w->n && picked < k; i++) {
		unsigned t, local;

		if (mut_rng_below(r, w->n - i) >= k - picked)
			continue;
		picked++;
		if (!window_place(p, w->step[i], &t, &local))
			return 0;
		local += window_slack(r);
		if (local <= last[t] || local >= total[t])
			continue;
		pc[n++] = (struct piece){ (uint8_t)t, (uint16_t)last[t],
					  (uint16_t)local, 0 };
		last[t] = local;
	}
	for (unsigned t = 0; t < p->nthreads; t++)
		if (last[t] < total[t])
			pc[n++] = (struct piece){ (uint8_t)t, (uint16_t)last[t],
						  (uint16_t)total[t], 0 };
	for (unsigned i = 0; i < n; i++)
		pc[i].at = (uint16_t)global_step(p, pc[i].thread, pc[i].from);
	for (unsigned i = 1; i < n; i++)	/* insertion sort by .at */
		for (unsigned j = i; j > 0 && pc[j - 1].at > pc[j].at; j--) {
			struct piece x = pc[j];

			pc[j] = pc[j - 1];
			pc[j - 1] = x;
		}
	return n;
}

/* Move a random piece to another place its thread's order allows (after
 * its thread's piece before it, before the one after it).  False if the
 * piece drawn has no other place. */
static bool move_piece(struct piece *pc, unsigned n, struct mut_rng *r)
{
	unsigned i = mut_rng_below(r, n), lo = 0, hi = n - 1u;
	struct piece x = pc[i];

	for (unsigned j = 0; j < n; j++)
		if (j != i && pc[j].thread == x.thread) {
			if (j < i)
				lo = j + 1;
			else if (hi == n - 1u)
				hi = j - 1;
		}
	if (lo == hi)
		return false;
	/* Positions lo .. hi of the list without piece i, but i itself. */
	unsigned to = lo + mut_rng_below(r, hi - lo);

	to += to >= i;
	memmove(&pc[i], &pc[i + 1], (n - i - 1u) * sizeof(pc[0]));
	memmove(&pc[to + 1], &pc[to], (n - to - 1u) * sizeof(pc[0]));
	pc[to] = x;
	return true;
}

/* A uniformly random order of the pieces that keeps each thread's: the
 * next is a thread's next piece, the thread drawn by its pieces left.
 * False if that is the order they had. */
static bool shuffle_pieces(struct piece *pc, unsigned n, struct mut_rng *r)
{
	struct piece by[VMT_MAX_THREADS][MAX_PIECES], out[MAX_PIECES];
	unsigned have[VMT_MAX_THREADS] = { 0 }, next[VMT_MAX_THREADS] = { 0 };

	for (unsigned i = 0; i < n; i++)
		by[pc[i].thread][have[pc[i].thread]++] = pc[i];
	for (unsigned i = 0; i < n; i++) {
		unsigned x = mut_rng_below(r, n - i), t = 0;

		for (; x >= have[t] - next[t]; t++)
			x -= have[t] - next[t];
		out[i] = by[t][next[t]++];
	}
	bool moved = false;

	/* Field by field: a piece's padding is not a value (memcmp would
	 * read it uninitialised). */
	for (unsigned i = 0; i < n; i++)
		moved |= pc[i].thread != out[i].thread || pc[i].from != out[i].from;

	memcpy(pc, out, n * sizeof(out[0]));
	return moved;
}

/*
 * Interleave the threads' own steps at windows: cut each thread's steps
 * of the recorded run at one to three windows (a thread stops just before
 * the window's access, or a step or two after a lifetime window), then
 * put the pieces in a random order that keeps each thread's own: half the
 * time any such order, half the time the recorded one with one or two
 * pieces moved elsewhere.  A deep bug is such an order: a reader
 * stops at its walk while an unmapper runs to its end and another mm's
 * thread to its exit's detach, then the reader makes its increment and
 * stops again before its put.  The other threads' windows are where they
 * stop for the reader, not only where the reader stops for them (the
 * chain above visits each window with one thread for a few steps).  The
 * recorded order kept but for a move or two: each move is one step of a
 * deep interleaving, and the fuzzer keeps what is new on the way; any
 * order reaches those that are far from the recorded one.
 * False if a window is past the recorded runs, nothing moved or the
 * schedule is full.
 */
static bool windows_interleave(struct vmt_program *p,
			       const struct vmt_windows *w, struct mut_rng *r)
{
	struct piece pc[MAX_PIECES];
	unsigned k = 1 + mut_rng_below(r, INTERLEAVE_CUTS);
	unsigned n = cut_pieces(p, w, k, r, pc), moves = 1 + mut_one_in(r, 3);
	bool moved = false;

	if (n < 2)
		return false;
	if (mut_one_in(r, 2))
		moved = shuffle_pieces(pc, n, r);
	else
		while (moves--)
			moved |= move_piece(pc, n, r);
	if (!moved)
		return false;
	p->nsched = 0;
	for (unsigned i = 0; i < n; i++)
		if (!append_steps(p, pc[i].thread, pc[i].to - pc[i].from))
			return false;
	return true;
}

bool vmt_windows_interleave(struct vmt_program *p, const struct vmt_windows *w,
			    uint64_t seed)
{
	struct mut_rng r = { .state = seed };

	return w->n > 0 && windows_interleave(p, w, &r);
}

/*
 * How long a deepening visit is: half the time until the visiting thread
 * sleeps or ends (its run used up), half 1 to 64 steps, small most often.
 * (Up to the visitor's own next window instead, a third of the time, found
 * D3 and D4 no more often: bench/results/deep-variants.md.)
 */
static unsigned visit_steps(struct mut_rng *r)
{
	return mut_one_in(r, 2) ? 64 : mut_random_steps(r);
}

size_t vmt_mutate_explicit_deepen(const struct vmt_explicit *e, unsigned from,
				  uint8_t *out, size_t cap, uint64_t seed,
				  unsigned *next)
{
	struct vmt_program q = e->p;
	struct mut_rng r = { .state = seed };
	unsigned n = 0;

	if (cap < VMT_MUT_MIN_CAP || q.nthreads < 2)
		return 0;
	for (unsigned i = 0; i < e->w.n; i++)
		n += e->w.step[i] >= from;
	if (n == 0)
		return 0;
	/* The k-th window at or after `from` (the list is ascending). */
	unsigned k = e->w.n - n + mut_rng_below(&r, n);
	unsigned at = e->w.step[k] + window_slack(&r);

	if (!visit_at(&q, at, visit_steps, &r))
		return 0;
	*next = at + 1;
	/* The chain's next step starts from this run's own recording. */
	q.explore = 0;
	vmt_canonicalize(&q, cap);
	size_t len = vmt_encode(&q, out, cap);

	VM_ASSERT(len >= VMT_MUT_MIN_CAP && len <= cap);
	return len;
}

bool vmt_explicit_make(const uint8_t *in, size_t size, enum variant v,
		       struct vmt_explicit *e)
{
	vmt_decode(in, size, &e->p);
	return e->p.nthreads > 1 && vmt_schedule_make_explicit(&e->p, v, &e->w);
}

/* One of the window mutations: a preemption at one window most often,
 * else a chain of visits or an interleaving of pieces. */
static bool window_mutation(struct vmt_program *p, const struct vmt_windows *w,
			    struct mut_rng *r)
{
	if (!mut_one_in(r, WINDOWS_CHAIN_ONE_IN))
		return window_preempt(p, w, r);
	if (mut_one_in(r, 2))
		return windows_chain(p, w, r);
	return windows_interleave(p, w, r);
}

size_t vmt_mutate_explicit_program(const struct vmt_explicit *e, uint8_t *out,
				   size_t cap, uint64_t seed)
{
	struct vmt_program q = e->p;
	struct mut_rng r = { .state = seed };
	size_t n;

	if (cap < VMT_MUT_MIN_CAP)
		return 0;
	if (e->w.n > 0 && e->p.nthreads > 1 && mut_one_in(&r, 2) &&
	    window_mutation(&q, &e->w, &r)) {
		vmt_canonicalize(&q, cap);
	} else {
		q = e->p;
		vmt_canonicalize(&q, cap);
		if (!vmt_mutate_schedule(&q, mut_rng_next(&r), cap))
			return 0;
	}
	n = vmt_encode(&q, out, cap);
	VM_ASSERT(n >= VMT_MUT_MIN_CAP && n <= cap);
	return n;
}

size_t vmt_mutate_explicit_bytes(const uint8_t *in, size_t size, uint8_t *out,
				 size_t cap, uint64_t seed, enum variant v)
{
	struct vmt_explicit e;

	if (cap < VMT_MUT_MIN_CAP || !vmt_explicit_make(in, size, v, &e))
		return 0;
	return vmt_mutate_explicit_program(&e, out, cap, seed);
}
