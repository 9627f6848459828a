/* SPDX-License-Identifier: MIT */
/*
 * bounded.c - bounded exhaustive search: every schedule of a program with
 * at most k preemptions (iterative context bounding, as CHESS does it).
 *
 * Runs are deterministic, so the search is stateless: each run follows a
 * prefix of decisions, then the default (the running thread goes on; when
 * it cannot, the lowest ready thread), and writes down every decision
 * point it met.  The next schedule changes the deepest decision that has
 * an untried alternative within the bound, and runs again.  A decision is
 * a preemption when the thread that ran last could go on but another one
 * is picked; the first decision of a run, and a switch away from a thread
 * that sleeps or ends, are free.  Points with one ready thread are not
 * decisions.  Reads-from choices take their default (the latest store).
 */
#include "strategy.h"

#include <string.h>

#include "../util/assert.h"

void strat_dfs_init(struct strat_dfs *c, unsigned bound)
{
	memset(c, 0, sizeof(*c));
	c->bound = bound;
}

void strat_dfs_rewind(struct strat_dfs *c)
{
	c->npts = 0;
}

/* The alternatives at a point, in the order the search tries them: the
 * thread that ran last first (no preemption), then the others. */
static unsigned alternatives(const struct dfs_point *p, uint8_t *out)
{
	unsigned n = 0;

	if (p->ready & (1u << p->cur))
		out[n++] = p->cur;
	for (unsigned t = 0; t < SIM_MAX_THREADS; t++)
		if ((p->ready & (1u << t)) && t != p->cur)
			out[n++] = (uint8_t)t;
	return n;
}

static bool is_preemption(const struct dfs_point *p, unsigned idx, uint8_t t)
{
	return idx > 0 && (p->ready & (1u << p->cur)) && t != p->cur;
}

static int dfs_pick(void *ctx, int cur, unsigned ready)
{
	struct strat_dfs *c = ctx;
	uint8_t alt[SIM_MAX_THREADS];

	if (__builtin_popcount(ready) == 1)
		return __builtin_ctz(ready);
	if (c->npts == DFS_MAX_POINTS) {
		c->overflow = true;	/* beyond the record: defaults only */
		return (ready & (1u << cur)) ? cur : __builtin_ctz(ready);
	}
	struct dfs_point *p = &c->pts[c->npts];

	p->ready = (uint8_t)ready;
	p->cur = (uint8_t)(cur < 0 ? 0 : cur);
	alternatives(p, alt);
	p->chosen = c->npts < c->nprefix ? c->prefix[c->npts] : alt[0];
	VM_ASSERT(ready & (1u << p->chosen));	/* runs are deterministic */
	c->npts++;
	return p->chosen;
}

static int dfs_choice(void *ctx)
{
	(void)ctx;
	return -1;
}

const struct sim_strategy strategy_dfs = {
	.name = "dfs",
	.pick = dfs_pick,
	.choice = dfs_choice,
};

bool strat_dfs_next(struct strat_dfs *c)
{
	unsigned used = 0;	/* preemptions before point i, for i = npts */

	for (unsigned i = 0; i < c->npts; i++)
		used += is_preemption(&c->pts[i], i, c->pts[i].chosen);
	for (unsigned i = c->npts; i-- > 0;) {
		const struct dfs_point *p = &c->pts[i];
		uint8_t alt[SIM_MAX_THREADS];
		unsigned n = alternatives(p, alt), pos = 0;

		used -= is_preemption(p, i, p->chosen);
		while (alt[pos] != p->chosen)
			pos++;
		for (unsigned j = pos + 1; j < n; j++) {
			if (used + is_preemption(p, i, alt[j]) > c->bound)
				continue;
			for (unsigned k = 0; k < i; k++)
				c->prefix[k] = c->pts[k].chosen;
			c->prefix[i] = alt[j];
			c->nprefix = i + 1;
			c->schedules++;
			return true;
		}
	}
	return false;
}
