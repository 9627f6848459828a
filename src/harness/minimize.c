/* SPDX-License-Identifier: MIT */
/*
 * minimize.c - shrink a failing program while it keeps its verdict.
 *
 * Greedy passes over the structure, repeated until none helps: drop a
 * thread, drop an operation, clear an op's flag, shorten a two-page op,
 * drop a schedule run, merge two runs of one thread, shorten a run, drop
 * a reads-from choice or make it 0 (the newest store), drop an initial
 * VMA.  Every candidate is a whole program (no byte surgery), and every
 * candidate runs; the result fails with the same verdict, and is
 * 1-minimal: no single one of those steps keeps the verdict (each pass
 * tries every position, and the passes repeat until none succeeds).
 */
#include "harness.h"

#include "../sim/strategy.h"

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

/* Program p without thread t: later threads move down one, and so do the
 * schedule's and the kills' thread numbers. */
static bool without_thread(const struct vmt_program *p, int t,
			   struct vmt_program *c)
{
	if (p->nthreads < 2)
		return false;
	*c = *p;
	memmove(&c->threads[t], &c->threads[t + 1],
		(c->nthreads - t - 1) * sizeof(c->threads[0]));
	c->nthreads--;
	memset(&c->threads[c->nthreads], 0, sizeof(c->threads[0]));
	for (int u = 0; u < c->nthreads; u++)
		for (unsigned i = 0; i < c->threads[u].nops; i++) {
			struct vmt_op *op = &c->threads[u].ops[i];

			if (op->kind != VMT_OP_KILL)
				continue;
			if (op->arg == t)
				return false;	/* its target goes: keep it */
			if (op->arg > t)
				op->arg--;
		}
	unsigned n = 0;

	for (unsigned i = 0; i < p->nsched; i++) {
		if (p->sched[i].thread == t)
			continue;
		c->sched[n] = p->sched[i];
		if (c->sched[n].thread > t)
			c->sched[n].thread--;
		n++;
	}
	memset(&c->sched[n], 0, (VMT_MAX_SCHED - n) * sizeof(c->sched[0]));
	c->nsched = (uint8_t)n;
	return true;
}

static bool drop_thread(struct shrink *s, struct vmt_program *p)
{
	for (int t = p->nthreads - 1; t >= 0; t--) {
		struct vmt_program c;

		if (without_thread(p, t, &c) && still_fails(s, &c)) {
			*p = c;
			return true;
		}
	}
	return false;
}

/* Two neighbouring runs of the same thread become one: fewer switches. */
static bool merge_runs(struct shrink *s, struct vmt_program *p)
{
	for (unsigned i = 0; i + 1 < p->nsched; i++) {
		struct vmt_program c = *p;
		unsigned j = i + 1;

		while (j < c.nsched && c.sched[j].thread != c.sched[i].thread)
			j++;
		if (j == c.nsched || c.sched[i].steps + c.sched[j].steps > 64)
			continue;
		c.sched[i].steps = (uint8_t)(c.sched[i].steps + c.sched[j].steps);
		memmove(&c.sched[j], &c.sched[j + 1],
			(c.nsched - j - 1) * sizeof(c.sched[0]));
		c.nsched--;
		memset(&c.sched[c.nsched], 0, sizeof(c.sched[0]));
		if (still_fails(s, &c)) {
			*p = c;
			return true;
		}
	}
	return false;
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

/* Each op with each flag bit cleared, or a two-page op made one page. */
static bool simplify_op(struct shrink *s, struct vmt_program *p)
{
	for (int t = 0; t < p->nthreads; t++)
		for (unsigned i = 0; i < p->threads[t].nops; i++) {
			const struct vmt_op *op = &p->threads[t].ops[i];

			for (unsigned b = 0; b < 8; b++) {
				struct vmt_program c = *p;

				if (!(op->flags & 1u << b))
					continue;
				c.threads[t].ops[i].flags = (uint8_t)
					vmt_op_canonical_flags(op->kind,
							       op->flags & ~(1u << b));
				if (still_fails(s, &c)) {
					*p = c;
					return true;
				}
			}
			if (op->len > 1) {
				struct vmt_program c = *p;

				c.threads[t].ops[i].len = 1;
				if (still_fails(s, &c)) {
					*p = c;
					return true;
				}
			}
		}
	return false;
}

/* Any one reads-from choice dropped (the later ones move up), or a
 * nonzero one made 0. */
static bool simplify_choice(struct shrink *s, struct vmt_program *p)
{
	for (unsigned i = 0; i < p->nchoices; i++) {
		struct vmt_program c = *p;

		memmove(&c.choices[i], &c.choices[i + 1], c.nchoices - i - 1);
		c.choices[--c.nchoices] = 0;
		if (still_fails(s, &c)) {
			*p = c;
			return true;
		}
		if (!p->choices[i])
			continue;
		c = *p;
		c.choices[i] = 0;
		if (still_fails(s, &c)) {
			*p = c;
			return true;
		}
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

/* The passes, repeated until none helps. */
static void shrink_all(struct shrink *s, struct vmt_program *p)
{
	for (bool again = true; again;) {
		again = false;
		while (drop_thread(s, p))
			again = true;
		while (drop_op(s, p))
			again = true;
		while (simplify_op(s, p))
			again = true;
		while (drop_run(s, p))
			again = true;
		while (merge_runs(s, p))
			again = true;
		again |= shorten_run(s, p);
		while (simplify_choice(s, p))
			again = true;
		while (drop_vma(s, p))
			again = true;
	}
}

unsigned harness_minimize(struct vmt_program *p, const struct harness_opts *o)
{
	struct sim_result res;
	struct shrink s = { .o = o };

	harness_run(p, o, &res);
	if (res.verdict == VERDICT_CLEAN)
		return 0;
	s.want = res.verdict;
	shrink_all(&s, p);
	return s.runs;
}

/* p under the schedule runs[0 .. n) fails with want. */
static bool long_fails(const struct vmt_program *p,
		       const struct harness_opts *o,
		       const struct sim_sched_run *runs, unsigned n,
		       enum verdict want)
{
	struct harness_opts b = *o;
	struct sim_result res;

	b.strategy = HS_BYTES;
	b.long_sched = runs;
	b.nlong = n;
	harness_run(p, &b, &res);
	return res.verdict == want;
}

/* Drop runs of the schedule, last first, while p still fails; until it
 * fits the encoding or no single run can go.  Returns the new length. */
/* Neighbouring runs of one thread joined where the encoding allows (at
 * most 64 steps): the same schedule in fewer runs.  The new count. */
static unsigned join_runs(struct sim_sched_run *runs, unsigned n)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n; i++) {
		struct sim_sched_run *last = m ? &runs[m - 1] : NULL;

		if (last && last->thread == runs[i].thread &&
		    last->steps + runs[i].steps <= 64)
			last->steps = (uint8_t)(last->steps + runs[i].steps);
		else
			runs[m++] = runs[i];
	}
	return m;
}

static unsigned shorten_long(const struct vmt_program *p,
			     const struct harness_opts *o,
			     struct sim_sched_run *runs, unsigned n,
			     enum verdict want)
{
	struct sim_sched_run c[RECORD_MAX_RUNS];

	n = join_runs(runs, n);
	for (bool again = true; again && n > VMT_MAX_SCHED;) {
		again = false;
		for (unsigned i = n; i-- > 0 && n > VMT_MAX_SCHED;) {
			memcpy(c, runs, i * sizeof(c[0]));
			memcpy(c + i, runs + i + 1, (n - i - 1) * sizeof(c[0]));
			unsigned m = join_runs(c, n - 1);

			if (long_fails(p, o, c, m, want)) {
				memcpy(runs, c, m * sizeof(c[0]));
				n = m;
				again = true;
				i = i < n ? i : n;
			}
		}
	}
	return n;
}

bool harness_settle_shrinking(struct vmt_program *p,
			      const struct harness_opts *o,
			      struct sim_result *res)
{
	struct sim_sched_run runs[RECORD_MAX_RUNS];
	unsigned which, n;

	if (harness_settle(p, o, res))
		return true;
	/* A derived run failed, its schedule longer than the encoding holds
	 * (a PRNG schedule switches threads every few steps).  Record it in
	 * full and drop runs while it still fails. */
	harness_run_input(p, o, res, &which);
	enum verdict want = res->verdict;
	struct harness_opts d = harness_derived_opts(p, o, which);
	struct vmt_program q = *p;

	d.record = true;
	harness_run(p, &d, res);
	n = harness_recorded_long(&q, runs, RECORD_MAX_RUNS);
	if (!n || !long_fails(&q, o, runs, n, want))
		return false;
	n = shorten_long(&q, o, runs, n, want);
	if (n > VMT_MAX_SCHED)
		return false;
	q.explore = 0;
	q.nsched = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		q.sched[i].thread = runs[i].thread;
		q.sched[i].steps = runs[i].steps;
	}
	harness_run(&q, o, res);
	if (res->verdict != want)
		return false;
	*p = q;
	return true;
}
