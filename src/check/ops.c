/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the oracles on what the lock's callers learn: a read lock taken
 * or dropped, a write lock granted or refused, a detach done, fields
 * changed or read.  Invariants 2, 5, 7, 8, 12, 13 and 16.
 */
#include "ghost.h"

void check_read_locked(struct vm_area_struct *vma, struct mm_struct *mm,
		       unsigned long addr, bool rcu)
{
	struct ghost_vma *g = gvma(vma);
	int t = sim_self();
	uintptr_t start = sim_peek_plain(&vma->vm_start);
	uintptr_t end = sim_peek_plain(&vma->vm_end);

	/* Invariant 7: attached, of this mm, covering the address.  The
	 * generation may differ from the walk's: that is allowed. */
	if (!g->live || !g->attached || g->owner != mm->idx ||
	    (rcu && (addr < start || addr >= end)))
		sim_fail(VERDICT_LOOKUP_IDENTITY,
			 "T%d holds a read lock on #%u gen %u, which belongs to mm %c [%#lx, %#lx)%s, looked up as mm %c %#lx",
			 t, vma->idx, g->gen, g->owner >= 0 ? 'A' + g->owner : '-',
			 (unsigned long)start, (unsigned long)end,
			 g->attached ? "" : " (detached)", 'A' + mm->idx, addr);
	/* Invariant 2: a reader succeeds only on a VMA not write-locked. */
	if (ghost_write_locked(vma))
		sim_fail(VERDICT_EXCLUSION,
			 "T%d read-locked #%u while T%d holds it write-locked",
			 t, vma->idx, world.mm[g->owner].mmap_lock.writer);
	if (g->incs[t] <= 0 || (g->readers & (1u << t)))
		sim_fail(VERDICT_REF_BALANCE,
			 "T%d holds a read lock on #%u without exactly one increment",
			 t, vma->idx);
	g->readers |= (uint8_t)(1u << t);
	ghost_note_read_held(t, vma->idx);
}

void check_read_unlock(struct vm_area_struct *vma)
{
	struct ghost_vma *g = gvma(vma);
	uint8_t self = (uint8_t)(1u << sim_self());

	if (!(g->readers & self))
		sim_fail(VERDICT_REF_BALANCE, "T%d drops a read lock on #%u it does not hold",
			 sim_self(), vma->idx);
	g->readers &= (uint8_t)~self;
	ghost_note_read_held(sim_self(), vma->idx);
}

void check_write_locked(struct vm_area_struct *vma)
{
	const struct ghost_vma *g = gvma(vma);

	if (!ghost_write_locked(vma) || g->f_owner >= 0)
		sim_fail(VERDICT_EXCLUSION,
			 "T%d: vma_start_write(#%u) returned without the VMA write-locked and F released",
			 sim_self(), vma->idx);
	if (g->readers)
		sim_fail(VERDICT_EXCLUSION,
			 "T%d write-locked #%u while a reader holds it", sim_self(), vma->idx);
}

/* Invariant 13: a killed writer leaves the VMA as if it never came. */
void check_write_killed(struct vm_area_struct *vma)
{
	const struct ghost_vma *g = gvma(vma);
	int32_t refcnt = sim_peek(&vma->vm_refcnt);

	if (ghost_write_locked(vma) || (refcnt & VM_REFCNT_EXCLUDE_READERS_FLAG) ||
	    g->f_owner == sim_self() || g->lockdep_excl == sim_self() ||
	    refcnt != 1 + incs_total(g))
		sim_fail(VERDICT_KILLABLE_STATE,
			 "T%d: killed vma_start_write_killable(#%u) left vm_refcnt %d, %s",
			 sim_self(), vma->idx, refcnt,
			 ghost_write_locked(vma) ? "write-locked" : "not write-locked");
}

/* Invariant 5: after vma_mark_detached() no increment is left. */
void check_detached(struct vm_area_struct *vma)
{
	const struct ghost_vma *g = gvma(vma);
	int32_t refcnt = sim_peek(&vma->vm_refcnt);

	if (refcnt != 0 || incs_total(g) || g->attached || g->f_owner >= 0)
		sim_fail(VERDICT_DETACH_WITH_READERS,
			 "T%d: vma_mark_detached(#%u) returned with vm_refcnt %d and %d reader increments",
			 sim_self(), vma->idx, refcnt, incs_total(g));
}

/* Invariants 2 and 16: change an attached VMA only write-locked, and
 * never with a reader inside. */
void check_mutation(struct vm_area_struct *vma)
{
	const struct ghost_vma *g = gvma(vma);

	if (g->attached && !ghost_write_locked(vma))
		sim_fail(VERDICT_UNLOCKED_MUTATION,
			 "T%d changes attached #%u without its write lock",
			 sim_self(), vma->idx);
	if (g->readers & ~(1u << sim_self()))
		sim_fail(VERDICT_EXCLUSION,
			 "T%d changes #%u while a reader holds a read lock on it",
			 sim_self(), vma->idx);
}
