/* SPDX-License-Identifier: MIT */
/*
 * real_rcu.c - src/lock/rcu.h on real threads: each thread's read-side
 * nesting and ended sections (its own counters: no other thread reads
 * them), and no grace period ever ends.  The simulator's grace periods
 * (src/lock/rcu.c) look at every thread's section at call_rcu() and at
 * each unlock, which on real threads would need RCU itself; here a
 * replaced map node stays dead, never freed, until the next iteration's
 * reset (src/lock/mt.c), so the stress driver's readers never meet a
 * freed node and the grace-period detector is the simulator's alone.
 */
#include "lock/rcu.h"

#include "util/assert.h"

static struct {
	int8_t depth;
	uint32_t ended;
} sec[SIM_MAX_THREADS];

void rcu_gp_reset(void)
{
	/* Called from the main thread between iterations, threads joined. */
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		sec[t].depth = 0, sec[t].ended = 0;
}

void rcu_gp_read_lock(void)
{
	int t = sim_self();

	if (t >= 0)
		sec[t].depth++;
}

void rcu_gp_read_unlock(void)
{
	int t = sim_self();

	if (t >= 0 && sec[t].depth > 0 && --sec[t].depth == 0)
		sec[t].ended++;
}

int rcu_gp_depth(int t)
{
	return sec[t].depth;
}

uint32_t rcu_gp_ended(int t)
{
	return sec[t].ended;
}

void rcu_gp_call(struct rcu_gp_head *head, const sim_atomic_t *ptr,
		 void (*func)(struct rcu_gp_head *head))
{
	head->func = func;
	head->ptr_loc = ptr->loc;
	head->waits = 1;	/* forever: see above */
}

void rcu_gp_reader_of_retired(struct rcu_gp_head *head)
{
	(void)head;	/* its grace period never ends: nothing to extend */
}

bool rcu_gp_pending(const struct rcu_gp_head *head)
{
	return head->waits != 0;
}
