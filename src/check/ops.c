/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the oracles on what the lock's callers learn: a read lock taken
 * or dropped, a write lock granted or refused, a detach done, fields
 * changed or read.  Invariants 2, 5, 7, 8, 12, 13 and 16.  VMAs and mms
 * by index; their state through the backend's peeks.
 */
#include "ghost.h"

/*
 * Invariant 7: the VMA a reader found is attached, of its mm, and where
 * it asked for (in_range: the range check of its kind of lookup).  The
 * generation may differ from the walk's: that is allowed.
 */
static void identity(int vma, int mm, unsigned long addr, bool in_range,
		     const char *how)
{
	const struct ghost_vma *g = &ghost.vma[vma];

	if (!g->live || !g->attached || g->owner != mm || !in_range)
		sim_fail(VERDICT_LOOKUP_IDENTITY,
			 "T%d found #%d gen %u, which belongs to mm %c [%#lx, %#lx)%s, %s mm %c %#lx",
			 sim_self(), vma, g->gen, g->owner >= 0 ? 'A' + g->owner : '-',
			 (unsigned long)vmlock_backend->vma_start(vma),
			 (unsigned long)vmlock_backend->vma_end(vma),
			 g->attached ? "" : " (detached)", how, 'A' + mm, addr);
}

/* What the map gives under the mmap lock must cover the address as well:
 * a VMA published before its range is set breaks it there. */
void check_lookup_at(int vma, int mm, unsigned long addr)
{
	identity(vma, mm, addr,
		 addr >= vmlock_backend->vma_start(vma) &&
		 addr < vmlock_backend->vma_end(vma), "looked up as");
}

/* A read lock was taken on vma, whose identity the caller checked. */
static void read_locked(int vma)
{
	struct ghost_vma *g = &ghost.vma[vma];
	int t = sim_self();

	/* Invariant 2: a reader succeeds only on a VMA not write-locked. */
	if (ghost_write_locked(vma))
		sim_fail(VERDICT_EXCLUSION,
			 "T%d read-locked #%d while T%d holds it write-locked",
			 t, vma, ghost.mmap_lock[g->owner]->writer);
	if (g->incs[t] <= 0 || (g->readers & (1u << t)))
		sim_fail(VERDICT_REF_BALANCE,
			 "T%d holds a read lock on #%d without exactly one increment",
			 t, vma);
	g->readers |= (uint8_t)(1u << t);
	ghost_note_read_held(t, vma);
}

void check_read_locked_at(int vma, int mm, unsigned long addr, bool rcu)
{
	(void)rcu;	/* found under RCU or under the mmap lock: the same rule */
	check_lookup_at(vma, mm, addr);
	read_locked(vma);
}

void check_walk_locked_at(int vma, int mm, unsigned long from)
{
	identity(vma, mm, from, vmlock_backend->vma_end(vma) > from,
		 "walked to from");
	read_locked(vma);
}

void check_walk_begin(void)
{
	ghost.th[sim_self()].walk_end = 0;
}

void check_walk_show_at(int vma)
{
	struct ghost_thread *gt = &ghost.th[sim_self()];
	unsigned long end = vmlock_backend->vma_end(vma);

	if (end <= gt->walk_end)
		sim_fail(VERDICT_LOOKUP_IDENTITY,
			 "T%d shows #%d [%#lx, %#lx), which its walk had passed: it showed up to %#lx",
			 sim_self(), vma, (unsigned long)vmlock_backend->vma_start(vma),
			 end, gt->walk_end);
	gt->walk_end = end;
}

void check_query_begin(int mm)
{
	struct ghost_thread *gt = &ghost.th[sim_self()];

	gt->query_seq = vmlock_backend->mm_lock_seq(mm);
	gt->query_stale = gt->stale_loads;
}

/*
 * Did the query see the map as it is now?  Only if no writer took mm's
 * mmap lock since it began (the map did not change) and none of its loads
 * read an older store than the latest (weak memory lets an RCU reader see
 * a map older than the last writer left it: no order makes it see more).
 */
static bool query_saw_now(int mm)
{
	const struct ghost_thread *gt = &ghost.th[sim_self()];
	int32_t seq = vmlock_backend->mm_lock_seq(mm);

	return seq == gt->query_seq && !(seq & 1) &&
	       gt->stale_loads == gt->query_stale;
}

/* A VMA of mm other than vma that is attached and reaches into
 * [addr, below): -1 if none. */
static int attached_between(int mm, int vma, unsigned long addr,
			    unsigned long below)
{
	for (int i = 0; i < VMA_POOL_SIZE; i++) {
		const struct ghost_vma *g = &ghost.vma[i];

		if (i == vma || !g->live || !g->attached || g->owner != mm)
			continue;
		if (vmlock_backend->vma_end(i) > addr &&
		    vmlock_backend->vma_start(i) < below)
			return i;
	}
	return -1;
}

void check_query_at(int vma, int mm, unsigned long addr, bool locked)
{
	unsigned long below = ~0UL;
	int first;

	if (vma >= 0) {
		identity(vma, mm, addr, vmlock_backend->vma_end(vma) > addr,
			 "queried as covering or next from");
		if (locked)
			read_locked(vma);
		below = vmlock_backend->vma_start(vma);
	}
	if (!query_saw_now(mm))
		return;
	first = attached_between(mm, vma, addr, below);
	if (first >= 0)
		sim_fail(VERDICT_LOOKUP_IDENTITY,
			 "T%d's query of mm %c %#lx found %s, but #%d [%#lx, %#lx) is mapped before it",
			 sim_self(), 'A' + mm, addr, vma >= 0 ? "a VMA above" : "none",
			 first, (unsigned long)vmlock_backend->vma_start(first),
			 (unsigned long)vmlock_backend->vma_end(first));
}

void check_read_unlock_at(int vma)
{
	struct ghost_vma *g = &ghost.vma[vma];
	uint8_t self = (uint8_t)(1u << sim_self());

	if (!(g->readers & self))
		sim_fail(VERDICT_REF_BALANCE, "T%d drops a read lock on #%d it does not hold",
			 sim_self(), vma);
	g->readers &= (uint8_t)~self;
	ghost_note_read_held(sim_self(), vma);
}

void check_write_locked_at(int vma)
{
	const struct ghost_vma *g = &ghost.vma[vma];

	if (!ghost_write_locked(vma) || g->f_owner >= 0)
		sim_fail(VERDICT_EXCLUSION,
			 "T%d: vma_start_write(#%d) returned without the VMA write-locked and F released",
			 sim_self(), vma);
	if (g->readers)
		sim_fail(VERDICT_EXCLUSION,
			 "T%d write-locked #%d while a reader holds it", sim_self(), vma);
}

/* Invariant 13: a killed writer leaves the VMA as if it never came. */
void check_write_killed_at(int vma)
{
	const struct ghost_vma *g = &ghost.vma[vma];
	int32_t refcnt = vmlock_backend->vma_refcnt(vma);

	if (ghost_write_locked(vma) || (refcnt & VM_REFCNT_EXCLUDE_READERS_FLAG) ||
	    g->f_owner == sim_self() || g->lockdep_excl == sim_self() ||
	    refcnt != 1 + incs_total(g))
		sim_fail(VERDICT_KILLABLE_STATE,
			 "T%d: killed vma_start_write_killable(#%d) left vm_refcnt %d, %s",
			 sim_self(), vma, refcnt,
			 ghost_write_locked(vma) ? "write-locked" : "not write-locked");
}

/* Invariant 5: after vma_mark_detached() no increment is left. */
void check_detached_at(int vma)
{
	const struct ghost_vma *g = &ghost.vma[vma];
	int32_t refcnt = vmlock_backend->vma_refcnt(vma);

	if (refcnt != 0 || incs_total(g) || g->attached || g->f_owner >= 0)
		sim_fail(VERDICT_DETACH_WITH_READERS,
			 "T%d: vma_mark_detached(#%d) returned with vm_refcnt %d and %d reader increments",
			 sim_self(), vma, refcnt, incs_total(g));
}

/* Invariants 2 and 16: change an attached VMA only write-locked, and
 * never with a reader inside. */
void check_mutation_at(int vma)
{
	const struct ghost_vma *g = &ghost.vma[vma];

	if (g->attached && !ghost_write_locked(vma))
		sim_fail(VERDICT_UNLOCKED_MUTATION,
			 "T%d changes attached #%d without its write lock",
			 sim_self(), vma);
	if (g->readers & ~(1u << sim_self()))
		sim_fail(VERDICT_EXCLUSION,
			 "T%d changes #%d while a reader holds a read lock on it",
			 sim_self(), vma);
}
