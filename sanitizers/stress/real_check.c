/* SPDX-License-Identifier: MIT */
/*
 * real_check.c - the operations' checks (src/check/check.h) as a stress
 * test checks by hand.
 *
 * The simulator's oracles keep ghost state (who holds which increment,
 * generations, owners) updated at every scheduling point; on real threads
 * there are no such points, so none of that is here.  What is left is what
 * a thread can see for itself at the moment it learns something: the VMA
 * it read-locked is of its mm and covers its address, a reader never sees
 * half an update, a returned write lock is a write lock with F released,
 * a detach leaves the count at 0.  Each is a plain assertion a kernel
 * developer would put in a stress test; each raises the verdict the
 * simulator's oracle for the same fact raises.
 */
#include "check/check.h"

#include "lock/mmap_lock.h"
#include "util/assert.h"

/* Another thread may change vm_refcnt: read it as the atomic it is. */
static int32_t refcnt_now(struct vm_area_struct *vma)
{
	VM_ASSERT(vma != NULL);
	return __atomic_load_n(&vma->vm_refcnt.v, __ATOMIC_RELAXED);
}

/* Invariant 7: the VMA a reader found is of our mm and where it asked
 * for (in_range: the range check of its kind of lookup).  With a read
 * reference or the mmap lock the fields are stable. */
static void identity(struct vm_area_struct *vma, int mm_idx,
		     unsigned long addr, bool in_range, const char *how)
{
	struct mm_struct *owner = vma_mm_peek(vma);

	if (owner != &world.mm[mm_idx] || !in_range)
		sim_fail(VERDICT_LOOKUP_IDENTITY,
			 "T%d found #%u, which belongs to mm %c [%#lx, %#lx), %s mm %c %#lx",
			 sim_self(), vma->idx, owner ? 'A' + owner->idx : '-',
			 (unsigned long)sim_peek_plain(&vma->vm_start),
			 (unsigned long)sim_peek_plain(&vma->vm_end), how,
			 'A' + mm_idx, addr);
}

/* Read-locked, or found under the mmap lock: it covers the address. */
void check_lookup_at(int vma_idx, int mm_idx, unsigned long addr)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);
	unsigned long start = sim_peek_plain(&vma->vm_start);
	unsigned long end = sim_peek_plain(&vma->vm_end);

	identity(vma, mm_idx, addr, addr >= start && addr < end, "looked up as");
}

void check_read_locked_at(int vma_idx, int mm_idx, unsigned long addr, bool rcu)
{
	(void)rcu;
	check_lookup_at(vma_idx, mm_idx, addr);
}

/* Walked to by lock_next_vma(), it ends above the walk's position. */
void check_walk_locked_at(int vma_idx, int mm_idx, unsigned long from)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);

	identity(vma, mm_idx, from, sim_peek_plain(&vma->vm_end) > from,
		 "walked to from");
}

/* The end of the last VMA each thread's walk showed (its own slot). */
static unsigned long walk_end[SIM_MAX_THREADS];

void check_walk_begin(void)
{
	walk_end[sim_self()] = 0;
}

/* Shown under its read lock or the mmap lock: past what the walk showed. */
void check_walk_show_at(int vma_idx)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);
	unsigned long end = sim_peek_plain(&vma->vm_end);

	if (end <= walk_end[sim_self()])
		sim_fail(VERDICT_LOOKUP_IDENTITY,
			 "T%d shows #%u ending at %#lx, which its walk had passed: it showed up to %#lx",
			 sim_self(), vma->idx, end, walk_end[sim_self()]);
	walk_end[sim_self()] = end;
}

void check_query_begin(int mm_idx)
{
	(void)mm_idx;
}

/* The VMA a query found ends above its address; that it is the first
 * such needs the whole map at one moment, which only the simulator has. */
void check_query_at(int vma_idx, int mm_idx, unsigned long addr, bool locked)
{
	(void)locked;
	if (vma_idx < 0)
		return;
	struct vm_area_struct *vma = vma_from_idx(vma_idx);

	identity(vma, mm_idx, addr, sim_peek_plain(&vma->vm_end) > addr,
		 "queried as covering or next from");
}

void check_read_unlock_at(int vma)
{
	(void)vma;
}

/* A write lock is granted with F released: only we could have set it. */
void check_write_locked_at(int vma_idx)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);
	int32_t refcnt = refcnt_now(vma);

	vma_assert_write_locked(vma);
	if (refcnt & VM_REFCNT_EXCLUDE_READERS_FLAG)
		sim_fail(VERDICT_EXCLUSION,
			 "T%d: vma_start_write(#%u) returned with F still set (vm_refcnt %#x)",
			 sim_self(), vma->idx, (unsigned)refcnt);
}

/* Invariant 13: a killed writer leaves neither F nor the write lock. */
void check_write_killed_at(int vma_idx)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);
	int32_t refcnt = refcnt_now(vma);

	if ((refcnt & VM_REFCNT_EXCLUDE_READERS_FLAG) || __is_vma_write_locked(vma))
		sim_fail(VERDICT_KILLABLE_STATE,
			 "T%d: killed vma_start_write_killable(#%u) left vm_refcnt %#x, %s",
			 sim_self(), vma->idx, (unsigned)refcnt,
			 __is_vma_write_locked(vma) ? "write-locked" : "not write-locked");
}

/* Invariant 5: detached means 0, and nobody raises a count from 0. */
void check_detached_at(int vma_idx)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);
	int32_t refcnt = refcnt_now(vma);

	if (refcnt != 0)
		sim_fail(VERDICT_DETACH_WITH_READERS,
			 "T%d: vma_mark_detached(#%u) returned with vm_refcnt %#x",
			 sim_self(), vma->idx, (unsigned)refcnt);
}

/* Invariant 16: an attached VMA changes only under its write lock. */
void check_mutation_at(int vma_idx)
{
	struct vm_area_struct *vma = vma_from_idx(vma_idx);
	if (refcnt_now(vma))
		vma_assert_write_locked(vma);
}

/* A fork's user reference of its child: no fork runs here. */
void check_mm_user_at(int mm, int delta)
{
	(void)mm;
	(void)delta;
	VM_ASSERT(!"no fork on real threads");
}

/* The walk feedback is the fuzzer's: nothing to steer here. */
void check_map_found(int vma)
{
	(void)vma;
}
