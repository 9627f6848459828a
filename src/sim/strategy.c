/* SPDX-License-Identifier: MIT */
#include "strategy.h"

#include <string.h>

#include "../util/assert.h"

static int nth_ready(unsigned ready, unsigned n)
{
	for (;;) {
		VM_ASSERT(ready);
		int t = __builtin_ctz(ready);

		if (n-- == 0)
			return t;
		ready &= ready - 1;
	}
}

/* ---- bytes ---- */

void strat_bytes_init(struct strat_bytes *c, const struct sim_sched_run *runs,
		      unsigned nruns, const uint8_t *choices, unsigned nchoices)
{
	memset(c, 0, sizeof(*c));
	c->runs = runs;
	c->nruns = nruns;
	c->choices = choices;
	c->nchoices = nchoices;
}

static int bytes_pick(void *ctx, int cur, unsigned ready)
{
	struct strat_bytes *c = ctx;

	if (strat_bytes_goes_on(c, cur, ready))
		return cur;
	while (c->remaining == 0) {
		if (c->idx < c->nruns) {
			/* A zero-length run gives no steps: the loop skips it. */
			c->target = c->runs[c->idx].thread;
			c->remaining = c->runs[c->idx].steps;
			c->idx++;
		} else {
			/* Runs used up: the running thread goes on. */
			c->target = cur;
			c->remaining = UINT32_MAX;
		}
	}
	if (c->remaining != UINT32_MAX)
		c->remaining--;
	VM_ASSERT(ready != 0);
	int t = strat_ready_from(c->target, ready);

	if (c->remaining == UINT32_MAX)
		c->target = t;
	return t;
}

static int bytes_choice(void *ctx)
{
	struct strat_bytes *c = ctx;

	return c->cidx < c->nchoices ? c->choices[c->cidx++] : -1;
}

const struct sim_strategy strategy_bytes = {
	.name = "bytes",
	.pick = bytes_pick,
	.choice = bytes_choice,
};

/* ---- prng ---- */

void strat_prng_init(struct strat_prng *c, uint64_t seed)
{
	c->state = seed;
	c->nchoices = 0;
}

static int prng_pick(void *ctx, int cur, unsigned ready)
{
	struct strat_prng *c = ctx;
	uint64_t r = prng_next(&c->state);

	if ((ready & (1u << cur)) && (r & 3) != 0)
		return cur;
	return nth_ready(ready, (unsigned)((r >> 8) %
				 (unsigned)__builtin_popcount(ready)));
}

/* Random choice bytes, as many as an input can carry. */
static int random_choice(uint64_t *rng, unsigned *used)
{
	if (*used >= STRAT_MAX_CHOICES)
		return -1;
	(*used)++;
	return (int)(prng_next(rng) >> 56);
}

static int prng_choice(void *ctx)
{
	struct strat_prng *c = ctx;

	return random_choice(&c->state, &c->nchoices);
}

const struct sim_strategy strategy_prng = {
	.name = "prng",
	.pick = prng_pick,
	.choice = prng_choice,
};

/* ---- pct ---- */

void strat_pct_init(struct strat_pct *c, uint64_t seed, unsigned depth,
		    unsigned nthreads, uint32_t k)
{
	VM_ASSERT(depth >= 1 && depth <= PCT_MAX_DEPTH);
	VM_ASSERT(nthreads <= SIM_MAX_THREADS && k > 0);
	memset(c, 0, sizeof(*c));
	c->rng = seed;
	c->depth = depth;
	c->last_pick = -1;	/* no pick yet: the first is pct_pick()'s */
	c->low = -1;	/* window drops: below the change points' 0 .. depth - 2 */
	/* Initial priorities: a random permutation of depth .. depth+n-1. */
	for (unsigned i = 0; i < nthreads; i++)
		c->prio[i] = (int)(depth + i);
	for (unsigned i = nthreads; i > 1; i--) {
		unsigned j = (unsigned)(prng_next(&c->rng) % i);
		int tmp = c->prio[i - 1];

		c->prio[i - 1] = c->prio[j];
		c->prio[j] = tmp;
	}
	for (unsigned i = 0; i + 1 < depth; i++)
		c->change[i] = 1 + (uint32_t)(prng_next(&c->rng) % k);
}

void strat_pct_windows(struct strat_pct *c, unsigned one_in)
{
	c->window_one_in = one_in;
}

/* A window drop of cur, if the access it last made was a window. */
static void pct_window_drop(struct strat_pct *c, int cur)
{
	if (!c->at_window)
		return;
	c->at_window = false;
	if (cur >= 0 && prng_next(&c->rng) % c->window_one_in == 0)
		c->prio[cur] = c->low--;
}

static int pct_pick(void *ctx, int cur, unsigned ready)
{
	struct strat_pct *c = ctx;
	int best = -1;

	c->step++;
	for (unsigned i = 0; i + 1 < c->depth; i++)
		if (c->change[i] == c->step && cur >= 0)
			c->prio[cur] = (int)(c->depth - 1 - i);	/* below all */
	pct_window_drop(c, cur);
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		if ((ready & (1u << t)) &&
		    (best < 0 || c->prio[t] > c->prio[best]))
			best = t;
	c->last_ready = ready;
	c->last_pick = best;
	return best;
}

static int pct_choice(void *ctx)
{
	struct strat_pct *c = ctx;

	return random_choice(&c->rng, &c->nchoices);
}

static void pct_window(void *ctx)
{
	struct strat_pct *c = ctx;

	c->at_window = c->window_one_in > 0;
}

const struct sim_strategy strategy_pct = {
	.name = "pct",
	.pick = pct_pick,
	.choice = pct_choice,
	.window = pct_window,
};

/* ---- record ---- */

void strat_record_init(struct strat_record *c, const struct sim_strategy *inner,
		       void *inner_ctx)
{
	memset(c, 0, sizeof(*c));
	c->inner = inner;
	c->inner_ctx = inner_ctx;
}

static int record_pick(void *ctx, int cur, unsigned ready)
{
	struct strat_record *c = ctx;
	int t = c->inner->pick(c->inner_ctx, cur, ready);
	struct sim_sched_run *last = c->nruns ? &c->runs[c->nruns - 1] : NULL;

	c->picks++;

	/* Runs are at most 64 steps: the encoding's limit. */
	if (last && last->thread == t && last->steps < 64) {
		last->steps++;
	} else if (c->nruns < RECORD_MAX_RUNS) {
		c->runs[c->nruns++] = (struct sim_sched_run){ (uint8_t)t, 1 };
	} else {
		c->overflow = true;
	}
	return t;
}

static int record_choice(void *ctx)
{
	struct strat_record *c = ctx;
	int b = c->inner->choice ? c->inner->choice(c->inner_ctx) : -1;

	if (b < 0)
		return b;
	if (c->nchoices < STRAT_MAX_CHOICES)
		c->choices[c->nchoices++] = (uint8_t)b;
	else
		c->overflow = true;
	return b;
}

/* Every access that is a scheduling point had a pick (at its point, or
 * main's when it resumed the thread), and windows are never local: the
 * window is the last pick's step.  An access may mark it twice. */
static void record_window(void *ctx)
{
	struct strat_record *c = ctx;
	uint32_t step = c->picks - 1;

	VM_ASSERT(c->picks > 0);
	if (c->inner->window)	/* the recorded run is the inner one's */
		c->inner->window(c->inner_ctx);
	if (step > UINT16_MAX || c->nwindows == RECORD_MAX_WINDOWS ||
	    (c->nwindows && c->windows[c->nwindows - 1] == step))
		return;
	c->windows[c->nwindows++] = (uint16_t)step;
}

const struct sim_strategy strategy_record = {
	.name = "record",
	.pick = record_pick,
	.choice = record_choice,
	.window = record_window,
};
