/* SPDX-License-Identifier: MIT */
/*
 * rcu.c - RCU grace periods (rcu.h).
 */
#include "rcu.h"

#include <string.h>

#include "../util/assert.h"

static struct {
	int8_t depth[SIM_MAX_THREADS];
	uint32_t ended[SIM_MAX_THREADS];
	struct rcu_gp_head *pending;	/* oldest first */
	struct rcu_gp_head **tail;
} rcu;

void rcu_gp_reset(void)
{
	memset(&rcu, 0, sizeof(rcu));
	rcu.tail = &rcu.pending;
}

int rcu_gp_depth(int t)
{
	return rcu.depth[t];
}

uint32_t rcu_gp_ended(int t)
{
	return rcu.ended[t];
}

void rcu_gp_read_lock(void)
{
	int t = sim_self();

	if (t < 0)
		return;
	VM_ASSERT(rcu.depth[t] < INT8_MAX);
	rcu.depth[t]++;
}

/* The grace period of h ends: every thread's later reads of the pointer
 * read past the store that retired the object (a section that begins
 * now, or goes on, finds the new one), and the callback runs. */
static void gp_end(struct rcu_gp_head *h)
{
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		sim_raise_floor(t, h->ptr_loc, h->ptr_store);
	h->func(h);
}

/* Thread t ended its section: each callback that waited for it stops
 * waiting, and t's later sections read past the callback's store. */
static bool head_section_ended(struct rcu_gp_head *h, int t)
{
	if (!(h->waits & (1u << t)) || rcu.ended[t] <= h->section[t])
		return false;
	h->waits &= (uint8_t)~(1u << t);
	sim_raise_floor(t, h->ptr_loc, h->ptr_store);
	return h->waits == 0;
}

/* Run, oldest first, every callback whose grace period t's end ended. */
static void run_ready(int t)
{
	struct rcu_gp_head **pp = &rcu.pending;

	while (*pp) {
		struct rcu_gp_head *h = *pp;

		if (!head_section_ended(h, t)) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		if (rcu.tail == &h->next)
			rcu.tail = pp;
		h->next = NULL;
		gp_end(h);
	}
}

void rcu_gp_read_unlock(void)
{
	int t = sim_self();

	if (t < 0)
		return;
	/* An unlock outside a section is the oracles' finding (rcu-scope);
	 * it ends nothing here. */
	if (rcu.depth[t] <= 0)
		return;
	if (--rcu.depth[t] == 0) {
		rcu.ended[t]++;
		run_ready(t);
	}
}

void rcu_gp_call(struct rcu_gp_head *h, const sim_atomic_t *ptr,
		 void (*func)(struct rcu_gp_head *head))
{
	memset(h, 0, sizeof(*h));
	h->func = func;
	h->ptr_loc = ptr->loc;
	h->ptr_store = sim_store_number(ptr);
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		if (rcu.depth[t] > 0) {
			h->waits |= (uint8_t)(1u << t);
			h->section[t] = rcu.ended[t];
		}
	if (!h->waits) {
		gp_end(h);
		return;
	}
	*rcu.tail = h;
	rcu.tail = &h->next;
}

void rcu_gp_reader_of_retired(struct rcu_gp_head *h)
{
	int t = sim_self();

	if (t < 0 || rcu.depth[t] <= 0 || !h->waits ||
	    (h->waits & (1u << t)))
		return;
	h->waits |= (uint8_t)(1u << t);
	h->section[t] = rcu.ended[t];
}

bool rcu_gp_pending(const struct rcu_gp_head *h)
{
	return h->waits != 0;
}
