// SPDX-License-Identifier: MIT
/*
 * explicit.c - run-aware schedule mutation (see explicit.h).
 */
#include "explicit.h"
#include "internal.h"
#include "../harness/harness.h"
#include "../util/assert.h"

#include <string.h>

/* One window preemption in WINDOWS_CHAIN_ONE_IN preempts at two or three
 * windows (bench/results/deep-variants.md). */
#define WINDOWS_CHAIN_ONE_IN 3

bool vmt_schedule_make_explicit(struct vmt_program *p, enum variant v,
				struct vmt_windows *w)
{
	struct harness_opts o;
	struct sim_result res;
	struct vmt_program q = *p;

	harness_opts_default(&o);
	o.variant = v;
	o.record = true;
	/* Deterministic: the recorded runs are those the target will take. */
	harness_run(p, &o, &res);
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
	uint8_t other = (uint8_t)((reader + 1 +
				   mut_rng_below(r, p->nthreads - 1u)) %
				  p->nthreads);

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
	for (unsigned j = n; j-- > 0;) {
		unsigned before;
		int i = run_at(p, w->step[pick[j]], &before);

		if (i < 0 || p->nsched + 2u > VMT_MAX_SCHED)
			return false;
		uint8_t t = p->sched[i].thread;
		uint8_t u = (uint8_t)((t + 1 + mut_rng_below(r, p->nthreads - 1u)) %
				      p->nthreads);
		unsigned rest = p->sched[i].steps - before;

		if (before == 0) {
			mut_sched_insert_at(p, (unsigned)i, u, mut_random_steps(r));
			continue;
		}
		p->sched[i].steps = (uint8_t)before;
		mut_sched_insert_at(p, (unsigned)i + 1, u, mut_random_steps(r));
		mut_sched_insert_at(p, (unsigned)i + 2, t, rest);
	}
	return true;
}

bool vmt_explicit_make(const uint8_t *in, size_t size, enum variant v,
		       struct vmt_explicit *e)
{
	vmt_decode(in, size, &e->p);
	return e->p.nthreads > 1 && vmt_schedule_make_explicit(&e->p, v, &e->w);
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
	    (mut_one_in(&r, WINDOWS_CHAIN_ONE_IN) ? windows_chain(&q, &e->w, &r)
						   : window_preempt(&q, &e->w, &r))) {
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
