// SPDX-License-Identifier: MIT
/*
 * explicit.c - run-aware schedule mutation (see explicit.h).
 */
#include "explicit.h"
#include "../harness/harness.h"
#include "../util/assert.h"

#include <string.h>

bool vmt_schedule_make_explicit(struct vmt_program *p, enum variant v)
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
	return true;
}

size_t vmt_mutate_explicit_program(const struct vmt_program *p, uint8_t *out,
				   size_t cap, uint64_t seed)
{
	struct vmt_program q = *p;
	size_t n;

	if (cap < VMT_MUT_MIN_CAP)
		return 0;
	vmt_canonicalize(&q, cap);
	if (!vmt_mutate_schedule(&q, seed, cap))
		return 0;
	n = vmt_encode(&q, out, cap);
	VM_ASSERT(n >= VMT_MUT_MIN_CAP && n <= cap);
	return n;
}

size_t vmt_mutate_explicit_bytes(const uint8_t *in, size_t size, uint8_t *out,
				 size_t cap, uint64_t seed, enum variant v)
{
	struct vmt_program p;

	if (cap < VMT_MUT_MIN_CAP)
		return 0;
	vmt_decode(in, size, &p);
	/* One thread: every schedule is the same execution. */
	if (p.nthreads < 2 || !vmt_schedule_make_explicit(&p, v))
		return 0;
	return vmt_mutate_explicit_program(&p, out, cap, seed);
}
