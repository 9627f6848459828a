// SPDX-License-Identifier: MIT
/*
 * explicit.c - run-aware schedule mutation (see explicit.h).
 */
#include "explicit.h"
#include "internal.h"
#include "../harness/harness.h"
#include "../util/assert.h"

#include <string.h>

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
	    window_preempt(&q, &e->w, &r)) {
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
