/* SPDX-License-Identifier: MIT */
/*
 * ghost.c - the ghost state's life, and the kernel debugging shims the
 * model calls (lockdep, RCU read side, slab, mm pins).
 */
#include "ghost.h"

#include <stdio.h>
#include <string.h>

struct ghost ghost;

/* ---- lockdep: a held-lock record per VMA dep map ---- */

static void held_lock_fail(int vma, const char *what, const char *func)
{
	sim_fail(VERDICT_HELD_LOCK, "T%d %s on #%d in %s()", sim_self(), what,
		 vma, func);
}

static void g_lockdep(enum kdebug_lockdep_op op, int vma, const char *func)
{
	struct ghost_vma *g = &ghost.vma[vma];
	uint8_t self = (uint8_t)(1u << sim_self());

	/* The dep map is a field of the VMA: touching it needs a right. */
	check_vma_touch(sim_self(), vma, "vmlock_dep_map", false, func);
	switch (op) {
	case LOCKDEP_ACQUIRE_READ:
		if (g->lockdep_read & self)
			held_lock_fail(vma, "acquires a read lock it holds", func);
		g->lockdep_read |= self;
		break;
	case LOCKDEP_RELEASE_READ:
		if (!(g->lockdep_read & self))
			held_lock_fail(vma, "releases a read lock it does not hold", func);
		g->lockdep_read &= (uint8_t)~self;
		break;
	case LOCKDEP_ACQUIRE_EXCLUSIVE:
		if (g->lockdep_excl >= 0 || (g->lockdep_read & self))
			held_lock_fail(vma, "acquires the exclusive lock while held", func);
		g->lockdep_excl = (int8_t)sim_self();
		break;
	case LOCKDEP_RELEASE_EXCLUSIVE:
		if (g->lockdep_excl != sim_self())
			held_lock_fail(vma, "releases an exclusive lock it does not hold", func);
		g->lockdep_excl = -1;
		break;
	}
	ghost_note_read_held(sim_self(), vma);
}

static bool g_lock_is_held(int vma)
{
	const struct ghost_vma *g = &ghost.vma[vma];

	return (g->lockdep_read & (1u << sim_self())) ||
	       g->lockdep_excl == sim_self();
}

/* ---- RCU read side ---- */

static void g_rcu_read_lock(void)
{
	ghost.th[sim_self()].rcu_depth++;
}

static void g_rcu_read_unlock(void)
{
	struct ghost_thread *gt = &ghost.th[sim_self()];

	if (gt->rcu_depth <= 0)
		sim_fail(VERDICT_RCU_SCOPE, "T%d: rcu_read_unlock() outside an RCU read section",
			 sim_self());
	if (--gt->rcu_depth == 0)
		walk_forget(sim_self());
}

/* ---- slab and mm lifetime ---- */

static void g_vma_alloc(int vma, int mm)
{
	struct ghost_vma *g = &ghost.vma[vma];
	int32_t refcnt = vmlock_backend->vma_refcnt(vma);

	/* Type-safe reuse: nobody may still hold an increment. */
	if (incs_total(g) || refcnt)
		sim_fail(VERDICT_FREE_WITH_REFS,
			 "#%d handed out again with vm_refcnt %d and %d increments outstanding",
			 vma, refcnt, incs_total(g));
	g->gen++;
	g->owner = (int8_t)mm;
	g->live = true;
	g->attached = false;
	walk_vma_event(vma, mm);
}

static void g_vma_free(int vma)
{
	struct ghost_vma *g = &ghost.vma[vma];
	int32_t refcnt = vmlock_backend->vma_refcnt(vma);

	if (refcnt != 0 || incs_total(g))
		sim_fail(VERDICT_FREE_WITH_REFS,
			 "T%d frees #%d gen %u with vm_refcnt %d, %d reader increments outstanding",
			 sim_self(), vma, g->gen, refcnt, incs_total(g));
	if (!g->live)
		sim_fail(VERDICT_FREE_WITH_REFS, "T%d frees #%d twice",
			 sim_self(), vma);
	/* With no reference left, every access must be over: */
	check_free_ordered(vma);
	g->live = false;
	walk_vma_event(vma, -1);
}

static void g_mm_pin(int mm_idx, int delta)
{
	int8_t *pins = &ghost.th[sim_self()].pins[mm_idx];

	*pins = (int8_t)(*pins + delta);
	if (*pins < 0)
		sim_fail(VERDICT_REF_BALANCE, "T%d: mmdrop(mm %c) without its mmgrab",
			 sim_self(), 'A' + mm_idx);
}

void check_mm_user_at(int mm, int delta)
{
	VM_ASSERT(mm >= 0 && mm < MM_POOL_SIZE && (delta == 1 || delta == -1));
	if (delta > 0)
		ghost.mm_had_users |= (uint8_t)(1u << mm);
	g_mm_pin(mm, delta);	/* as a pin: counted, dropped by the end */
}

static void g_mm_free(int mm)
{
	ghost.mm_freed[mm] = true;
}

void check_begin(void)
{
	const struct backend *be = vmlock_backend;

	memset(&ghost, 0, sizeof(ghost));
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		walk_forget(t);
	for (int m = 0; m < MM_POOL_SIZE; m++)
		ghost.mmap_lock[m] = be->mm_lock(m);
	for (int i = 0; i < VMA_POOL_SIZE; i++) {
		struct ghost_vma *g = &ghost.vma[i];

		g->owner = -1;
		g->f_owner = -1;
		g->lockdep_excl = -1;
		if (!be->vma_born(i))
			continue;
		/* Set up before the run: live and attached to its mm. */
		g->gen = 1;
		g->owner = (int8_t)be->vma_mm(i);
		g->live = true;
		g->attached = be->vma_refcnt(i) == 1;
	}
	kdebug.lockdep = g_lockdep;
	kdebug.lock_is_held = g_lock_is_held;
	kdebug.rcu_read_lock = g_rcu_read_lock;
	kdebug.rcu_read_unlock = g_rcu_read_unlock;
	kdebug.vma_alloc = g_vma_alloc;
	kdebug.vma_free = g_vma_free;
	kdebug.mm_pin = g_mm_pin;
	kdebug.mm_free = g_mm_free;
	sim_hooks.pre = check_pre;
	sim_hooks.post = check_post;
	sim_hooks.thread_exit = check_thread_exit;
}

void check_thread_mm(int tid, int mm_idx)
{
	VM_ASSERT(tid >= 0 && tid < SIM_MAX_THREADS);
	ghost.th[tid].mm = (int8_t)mm_idx;
}

unsigned check_vma_gen(int idx)
{
	return ghost.vma[idx].gen;
}

int check_describe_vma_at(int idx, char *buf, size_t len)
{
	const struct ghost_vma *g = &ghost.vma[idx];
	char who[48] = "";
	size_t w = 0;

	for (int t = 0; t < SIM_MAX_THREADS; t++)
		if (g->incs[t] && w < sizeof(who))
			w += (size_t)snprintf(who + w, sizeof(who) - w, " T%d", t);
	return snprintf(buf, len, "%s%s, %d reader increment%s%s%s",
			g->live ? "live" : "free",
			g->attached ? ", attached" : "",
			incs_total(g), incs_total(g) == 1 ? "" : "s",
			w ? ":" : "", who);
}
