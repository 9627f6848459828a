/* SPDX-License-Identifier: MIT */
/*
 * lifetime.c - the oracles on the ends of lives: a thread's, an object's.
 *
 *  - held-at-exit: a thread ends (returns to user space) holding a lock of
 *    any kind: an mmap_lock, a VMA read lock or increment, F, a VMA dep map
 *    record, an RCU read section (lockdep's "lock held when returning to
 *    user space");
 *  - leak: a pin (mmgrab) never dropped by the thread that took it, and,
 *    when the last thread has ended, an mm whose users are all gone but
 *    which was never freed (mm_count left above 0), or a VMA never freed
 *    though nothing can reach it (detached, or its mm gone): what kmemleak
 *    reports;
 *  - the free as a write (data-race, as ThreadSanitizer reports a free
 *    racing with an access): vm_area_free() must happen after every
 *    earlier access, by any thread, to the VMA's plain fields.  The
 *    free's own writes (the free pointer over vm_start/vm_end) check two
 *    fields; this checks them all (vm_mm, the payload), at the free,
 *    whether or not the object is used again.  The atomic fields are left
 *    out: the cache is type-safe by RCU, so a reader may touch vm_refcnt
 *    and vm_lock_seq of a freed object (invariant 14), and what a reader
 *    does under a reference it does on the plain fields too.
 */
#include "ghost.h"

/* ---- a thread ends: everything it took is given back ---- */

static void exit_vma(int t, int i)
{
	const struct ghost_vma *g = &ghost.vma[i];
	uint8_t self = (uint8_t)(1u << t);

	if (g->incs[t] || (g->readers & self))
		sim_fail(VERDICT_HELD_AT_EXIT,
			 "T%d ends holding %d increment(s) of #%d%s: a get never put",
			 t, g->incs[t], i, g->readers & self ? " (a read lock)" : "");
	if ((g->lockdep_read & self) || g->lockdep_excl == t)
		sim_fail(VERDICT_HELD_AT_EXIT,
			 "T%d ends with #%d's dep map still recorded as held", t, i);
	if (g->f_owner == t)
		sim_fail(VERDICT_HELD_AT_EXIT, "T%d ends holding F on #%d", t, i);
}

/* An mm that had users: all are gone, so its last mmput dropped the
 * shared mm_count reference, and no pin is left (each thread's is
 * checked as it ends): it must be freed. */
static void leak_mm(int m)
{
	const struct backend *be = vmlock_backend;

	if (!be->mm_freed(m))
		sim_fail(VERDICT_LEAK,
			 "mm %c is never freed: its users are gone (mm_users %d) but mm_count is %d",
			 'A' + m, be->mm_users(m), be->mm_count(m));
}

/* A live VMA nothing can reach: detached, or of an mm that is gone. */
static void leak_vma(int i)
{
	const struct ghost_vma *g = &ghost.vma[i];

	if (!g->live)
		return;
	if (g->owner < 0 || vmlock_backend->mm_freed(g->owner))
		sim_fail(VERDICT_LEAK, "#%d gen %u is never freed: its mm %c is gone",
			 i, g->gen, g->owner >= 0 ? 'A' + g->owner : '-');
	if (!g->attached)
		sim_fail(VERDICT_LEAK, "#%d gen %u is never freed: detached, nothing reaches it",
			 i, g->gen);
}

/* The last thread has ended: every object is where it stays. */
static void check_run_end(void)
{
	unsigned used = ghost.mm_had_users;	/* mms that had users */

	/* A thread that never started (a fork's child that never came) was
	 * never a user of its mm. */
	for (int t = 0; t < sim_nthreads(); t++)
		if (sim_thread_started(t))
			used |= 1u << ghost.th[t].mm;
	for (int m = 0; m < MM_POOL_SIZE; m++)
		if (used & (1u << m))
			leak_mm(m);
	for (int i = 0; i < VMA_POOL_SIZE; i++)
		leak_vma(i);
}

void check_thread_exit(int t)
{
	const struct ghost_thread *gt = &ghost.th[t];

	for (int i = 0; i < VMA_POOL_SIZE; i++)
		exit_vma(t, i);
	if (gt->rcu_depth)
		sim_fail(VERDICT_HELD_AT_EXIT, "T%d ends inside an RCU read section", t);
	for (int m = 0; m < MM_POOL_SIZE; m++) {
		if (ghost_holds_mmap(t, m))
			sim_fail(VERDICT_HELD_AT_EXIT, "T%d ends holding mm %c's mmap_lock",
				 t, 'A' + m);
		if (gt->pins[m])
			sim_fail(VERDICT_LEAK,
				 "T%d ends with an mmgrab of mm %c not dropped", t, 'A' + m);
	}
	ghost.exited |= 1u << t;
	if (ghost.exited == (1u << sim_nthreads()) - 1)
		check_run_end();
}

/* ---- a free happens after every access ---- */

static bool is_vma_kind(uint8_t kind)
{
	return obj_is_vma(kind);
}

void check_free_ordered(int vma)
{
	int other;
	uint16_t loc = sim_plain_unordered((uint8_t)vma, is_vma_kind, &other);

	if (loc)
		sim_fail(VERDICT_DATA_RACE,
			 "T%d frees #%d (a free writes the whole object) racing with T%d's earlier access to #%d.%s",
			 sim_self(), vma, other, vma, sim_loc(loc)->field);
}
