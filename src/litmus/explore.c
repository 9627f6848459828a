/* SPDX-License-Identifier: MIT */
/*
 * explore.c - a litmus test over every execution the simulator allows:
 * a stateless depth-first search over its decisions, which are of two
 * kinds, both in the order the run meets them: at a scheduling point with
 * more than one ready thread, which one runs (the thread that ran last
 * first, then the others in order); at a load that may read an older store,
 * how many stores back it reads (the latest first).  Runs are
 * deterministic, so each run follows a prefix of decisions and takes the
 * first alternative after it; the next run changes the deepest decision
 * with an untried alternative.  No preemption bound, no partial-order
 * reduction: every interleaving of every access counts as an execution.
 */
#include "interp.h"

#include <stdio.h>
#include <string.h>

#include "../sim/sim.h"
#include "../util/assert.h"

#define MAX_POINTS 4096

struct lit_dfs {
	unsigned npts, nprefix;
	uint8_t n[MAX_POINTS], chosen[MAX_POINTS], prefix[MAX_POINTS];
	bool overflow;
};

static unsigned decide(struct lit_dfs *c, unsigned n)
{
	if (c->npts == MAX_POINTS) {
		c->overflow = true;
		return 0;
	}
	unsigned i = c->npts < c->nprefix ? c->prefix[c->npts] : 0;

	VM_ASSERT(i < n);	/* runs are deterministic */
	c->n[c->npts] = (uint8_t)n;
	c->chosen[c->npts++] = (uint8_t)i;
	return i;
}

static int dfs_pick(void *ctx, int cur, unsigned ready)
{
	uint8_t alt[SIM_MAX_THREADS];
	unsigned n = 0;

	if (__builtin_popcount(ready) == 1)
		return __builtin_ctz(ready);
	if (cur >= 0 && (ready & (1u << cur)))
		alt[n++] = (uint8_t)cur;
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		if ((ready & (1u << t)) && t != cur)
			alt[n++] = (uint8_t)t;
	return alt[decide(ctx, n)];
}

static int dfs_choice(void *ctx)
{
	(void)ctx;
	return 0;	/* keeps the simulation on; dfs_rf() decides */
}

static unsigned dfs_rf(void *ctx, unsigned ncand)
{
	return decide(ctx, ncand);
}

static const struct sim_strategy strategy_litmus = {
	.name = "litmus",
	.pick = dfs_pick,
	.choice = dfs_choice,
	.rf = dfs_rf,
};

static bool dfs_next(struct lit_dfs *c)
{
	for (unsigned i = c->npts; i-- > 0;) {
		if (c->chosen[i] + 1u < c->n[i]) {
			memcpy(c->prefix, c->chosen, i);
			c->prefix[i] = (uint8_t)(c->chosen[i] + 1);
			c->nprefix = i + 1;
			c->npts = 0;
			return true;
		}
	}
	return false;
}

/* ---- the condition ---- */

static bool holds(const struct lit_cond *c)
{
	const struct lit_test *t = lit_run.t;

	switch (c->kind) {
	case LC_TRUE:
		return true;
	case LC_NOT:
		return !holds(c->a);
	case LC_AND:
		return holds(c->a) && holds(c->b);
	case LC_OR:
		return holds(c->a) || holds(c->b);
	default: {
		int64_t v = c->proc >= 0 ? lit_run.regs[c->proc][c->idx] :
			    sim_peek(&lit_run.vars[c->idx]);

		(void)t;
		return (v == c->val) != c->neq;
	}
	}
}

static void setup(const struct lit_test *t, struct lit_dfs *dfs)
{
	struct sim_run_cfg cfg = {
		.strategy = &strategy_litmus, .strategy_ctx = dfs,
		.step_budget = 20000, .no_hash = true,
	};

	sim_begin(&cfg);
	memset(lit_run.regs, 0, sizeof(lit_run.regs));
	memset(lit_run.rcu_depth, 0, sizeof(lit_run.rcu_depth));
	memset(lit_run.rcu_gen, 0, sizeof(lit_run.rcu_gen));
	lit_run.t = t;
	for (int v = 0; v < t->nvars; v++)
		sim_atomic_init(&lit_run.vars[v], (int32_t)t->init[v], 0,
				(uint8_t)v, t->vars[v]);
	sim_atomic_init(&lit_run.rcu_gp, 0, 1, 0, "rcu_gp");
	sim_atomic_init(&lit_run.rcu_rd, 0, 1, 1, "rcu_rd");
	for (int p = 0; p < t->nprocs; p++)
		sim_spawn(lit_thread, (void *)(intptr_t)p);
}

void lit_explore(const struct lit_test *t, unsigned long max_execs,
		 struct lit_result *r)
{
	static struct lit_dfs dfs;
	static bool once;

	if (!once) {
		sim_setup();
		once = true;
	}
	memset(r, 0, sizeof(*r));
	memset(&dfs, 0, sizeof(dfs));
	do {
		struct sim_result res;

		dfs.npts = 0;
		setup(t, &dfs);
		sim_run(&res);
		if (res.verdict == VERDICT_DEADLOCK) {
			r->blocked++;
		} else if (res.verdict != VERDICT_CLEAN || res.truncated) {
			snprintf(r->error, sizeof(r->error), "%s: %s",
				 res.truncated ? "step budget" : verdict_name(res.verdict),
				 res.msg);
			return;
		} else if (t->filter && !holds(t->filter)) {
			r->filtered++;
		} else {
			r->execs++;
			r->sat += holds(t->cond);
		}
		if (dfs.overflow) {
			r->overflow = true;
			snprintf(r->error, sizeof(r->error),
				 "more than %d decisions in a run", MAX_POINTS);
			return;
		}
		if (r->execs + r->filtered + r->blocked >= max_execs) {
			snprintf(r->error, sizeof(r->error),
				 "more than %lu executions", max_execs);
			return;
		}
	} while (dfs_next(&dfs));
	snprintf(r->verdict, sizeof(r->verdict), "%s",
		 r->sat == 0 ? "Never" : r->sat == r->execs ? "Always" : "Sometimes");
}
