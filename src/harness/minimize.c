/* SPDX-License-Identifier: MIT */
/*
 * minimize.c - shrink a failing program while it keeps its verdict.
 *
 * Greedy passes over the structure, repeated until none helps: drop an
 * operation, drop a schedule run, shorten a run, drop a choice byte, drop
 * an initial VMA.  Every candidate is a whole program (no byte surgery),
 * and every candidate runs; the result fails with the same verdict.
 */
#include "harness.h"

#include <string.h>

struct shrink {
	const struct harness_opts *o;
	enum verdict want;
	unsigned runs;		/* candidates tried */
};

static bool still_fails(struct shrink *s, const struct vmt_program *p)
{
	struct sim_result res;

	s->runs++;
	harness_run(p, s->o, &res);
	return res.verdict == s->want;
}

static bool drop_op(struct shrink *s, struct vmt_program *p)
{
	for (int t = 0; t < p->nthreads; t++) {
		struct vmt_thread *th = &p->threads[t];

		for (unsigned i = 0; i < th->nops; i++) {
			struct vmt_program c = *p;
			struct vmt_thread *ct = &c.threads[t];

			memmove(&ct->ops[i], &ct->ops[i + 1],
				(ct->nops - i - 1) * sizeof(ct->ops[0]));
			ct->nops--;
			memset(&ct->ops[ct->nops], 0, sizeof(ct->ops[0]));
			if (still_fails(s, &c)) {
				*p = c;
				return true;
			}
		}
	}
	return false;
}

static bool drop_run(struct shrink *s, struct vmt_program *p)
{
	for (unsigned i = 0; i < p->nsched; i++) {
		struct vmt_program c = *p;

		memmove(&c.sched[i], &c.sched[i + 1],
			(c.nsched - i - 1) * sizeof(c.sched[0]));
		c.nsched--;
		memset(&c.sched[c.nsched], 0, sizeof(c.sched[0]));
		if (still_fails(s, &c)) {
			*p = c;
			return true;
		}
	}
	return false;
}

/* Shorten one run as far as it goes (halving, then one by one). */
static bool shorten_run(struct shrink *s, struct vmt_program *p)
{
	bool any = false;

	for (unsigned i = 0; i < p->nsched; i++) {
		for (unsigned cut = p->sched[i].steps / 2; cut >= 1;) {
			struct vmt_program c = *p;

			if (c.sched[i].steps <= cut)
				break;
			c.sched[i].steps = (uint8_t)(c.sched[i].steps - cut);
			if (still_fails(s, &c)) {
				*p = c;
				any = true;
			} else {
				cut /= 2;
			}
		}
	}
	return any;
}

static bool drop_choice(struct shrink *s, struct vmt_program *p)
{
	if (!p->nchoices)
		return false;
	struct vmt_program c = *p;

	c.choices[--c.nchoices] = 0;
	if (still_fails(s, &c)) {
		*p = c;
		return true;
	}
	return false;
}

static bool drop_vma(struct shrink *s, struct vmt_program *p)
{
	for (int m = 0; m < VMT_MAX_MMS; m++)
		for (unsigned b = 0; b < VMT_SLOTS; b++) {
			struct vmt_program c = *p;

			if (!(c.layout[m] & (1u << b)))
				continue;
			c.layout[m] &= (uint8_t)~(1u << b);
			if (still_fails(s, &c)) {
				*p = c;
				return true;
			}
		}
	return false;
}

unsigned harness_minimize(struct vmt_program *p, const struct harness_opts *o)
{
	struct sim_result res;
	struct shrink s = { .o = o };

	harness_run(p, o, &res);
	if (res.verdict == VERDICT_CLEAN)
		return 0;
	s.want = res.verdict;
	for (bool again = true; again;) {
		again = false;
		while (drop_op(&s, p))
			again = true;
		while (drop_run(&s, p))
			again = true;
		again |= shorten_run(&s, p);
		while (drop_choice(&s, p))
			again = true;
		while (drop_vma(&s, p))
			again = true;
	}
	return s.runs;
}
