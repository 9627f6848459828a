/* SPDX-License-Identifier: MIT */
/*
 * walk.c - feedback kind "walk": the steps a stale RCU pointer takes
 * toward the lookup identity bug (S2).  A reader walks the tree
 * (mas_walk) and holds the VMA it found without a reference; then the
 * VMA is freed, handed out again (to the same mm or another), and the
 * reader touches the new object.  Each step is an event, so an input that
 * reaches one is kept and mutated toward the next.  Feedback only: no
 * verdict comes from here (the identity check is check_read_locked()).
 */
#include "ghost.h"

enum walk_event {
	WALK_FREED = 1,		/* the VMA a reader found is freed */
	WALK_REUSED,		/* ... and handed out again */
	WALK_TOUCHED,		/* the reader touches the new object */
};

static void walk_feedback(enum walk_event ev, uint32_t detail)
{
	sim_hooks.feedback(CHECK_WALK_KEY + (uint32_t)ev * 64 + (detail & 63));
}

/* walk_touch() runs on a hot path: its callers test the kind first.
 * check_map_found() and walk_vma_event() (at alloc and free) test it
 * themselves. */

/* A map slot read inside an RCU read section found VMA vma. */
void check_map_found(int vma)
{
	int t = sim_self();

	if (!sim_feedback_on(SIM_FB_WALK) || t < 0 || ghost.th[t].rcu_depth <= 0)
		return;
	ghost.th[t].walk_vma = (int8_t)vma;
	ghost.th[t].walk_gen = ghost.vma[vma].gen;
}

void walk_forget(int t)
{
	ghost.th[t].walk_vma = -1;
}

/* VMA idx was freed (reused_mm < 0) or handed out to mm reused_mm: an
 * event for every other thread whose walk found it. */
void walk_vma_event(int idx, int reused_mm)
{
	if (!sim_feedback_on(SIM_FB_WALK))
		return;
	for (int t = 0; t < SIM_MAX_THREADS; t++) {
		const struct ghost_thread *gt = &ghost.th[t];

		if (t == sim_self() || gt->walk_vma != idx || gt->rcu_depth <= 0)
			continue;
		if (reused_mm < 0)
			walk_feedback(WALK_FREED, 0);
		else
			walk_feedback(WALK_REUSED, 1u + (reused_mm != gt->mm));
	}
}

/* Thread t, with no right to it, touches VMA idx at site s. */
void walk_touch(int t, int idx, const struct sim_site *s)
{
	const struct ghost_thread *gt = &ghost.th[t];

	if (gt->walk_vma == idx && gt->walk_gen != ghost.vma[idx].gen)
		walk_feedback(WALK_TOUCHED, sim_site_hash(s));
}
