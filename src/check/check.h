/* SPDX-License-Identifier: MIT */
/*
 * check.h - the oracles: the spec's invariants (vma-lock-spec.md section 3)
 * checked on every access from ghost state.
 *
 * Ghost state is what the lock does not record but a checker must know:
 * which thread holds which increment of which VMA, who holds F, the
 * lockdep-style held-lock records, each VMA's generation and owner mm, who
 * pinned which mm, who is inside an RCU read section.  Three feeds keep it:
 *
 *  - the runtime's access hooks (every atomic, plain and lock access):
 *    protection before the access (may this thread touch this object at
 *    all), value invariants after it (encoding, no increment with F set,
 *    attach only from 0, reference balance);
 *  - the kernel debugging shims the model calls (lockdep, RCU, slab, pins);
 *  - the operations (src/harness/), which report what the lock's callers
 *    learn: a read lock taken or dropped, a write lock returned, a detach
 *    done, fields changed or read.
 *
 * Each failure raises a named verdict through sim_fail() and ends the run.
 */
#ifndef VMLOCK_CHECK_CHECK_H
#define VMLOCK_CHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* VMLOCK_CHECK_NEUTRAL: without the model's types (the kernel backend's
 * objects include this beside the kernel's own struct vm_area_struct). */
#ifndef VMLOCK_CHECK_NEUTRAL
#include "../lock/mm_types.h"
#endif

/* Feedback keys of kind walk (walk.c): CHECK_WALK_KEY + event * 64 +
 * detail, the events 1 freed, 2 reused, 3 touched after reuse. */
#define CHECK_WALK_KEY 0x57414c00u

/* Before a run (after the world is set up): reset ghosts, install hooks. */
void check_begin(void);
/* The mm each thread runs in (its own mm needs no pin). */
void check_thread_mm(int tid, int mm_idx);

/*
 * What the operations learn, by VMA and mm index (backend-neutral: the
 * operations compiled against the kernel's files call these too).
 */
/* A read lock was taken: by lock_vma_under_rcu(mm, addr) (rcu = true) or
 * vma_start_read_locked() under the mmap lock (rcu = false).  Either way
 * the VMA must be attached, of mm, and cover addr. */
void check_read_locked_at(int vma, int mm, unsigned long addr, bool rcu);
/* A read lock was taken by lock_next_vma(mm, vmi, from), the walk of
 * /proc/pid/maps: the VMA must be attached, of mm, and end above from. */
void check_walk_locked_at(int vma, int mm, unsigned long from);
/* A walk of /proc/pid/maps begins (in one read() or several). */
void check_walk_begin(void);
/* The walk shows vma (read-locked or under the mmap lock): it must end
 * above every VMA the walk showed before, in this read() or an earlier
 * one, so no range is shown twice and the addresses increase. */
void check_walk_show_at(int vma);
/* A PROCMAP_QUERY lookup begins in mm. */
void check_query_begin(int mm);
/* The query at addr found vma (-1: none), read-locked by lock_next_vma()
 * (locked) or under the mmap lock: attached, of mm, ending above
 * addr, and, if no writer took mm's mmap lock during the query and none
 * of its loads read a stale store, the first such VMA (none if vma is -1). */
void check_query_at(int vma, int mm, unsigned long addr, bool locked);
/* A VMA the mmap-locked fallback of a fault looked up at addr in mm, and
 * is about to read (the identity check of check_read_locked_at()). */
void check_lookup_at(int vma, int mm, unsigned long addr);
/* A walk of the address map (src/lock/mt.c) read a slot holding VMA
 * vma: the walk feedback's find (walk.c: nothing unless SIM_FB_WALK is on). */
void check_map_found(int vma);
/* About to vma_end_read() a read lock taken above. */
void check_read_unlock_at(int vma);
/* vma_start_write(_killable) returned 0. */
void check_write_locked_at(int vma);
/* vma_start_write_killable() returned -EINTR. */
void check_write_killed_at(int vma);
/* vma_mark_detached() returned. */
void check_detached_at(int vma);
/* A writer is about to change the VMA's fields. */
void check_mutation_at(int vma);
/* A reader read the payload pair (vm_flags, vm_pgoff). */
void check_payload_at(int vma, uintptr_t flags, uintptr_t pgoff);
/*
 * The calling thread took (delta +1) or gave up (-1) a user reference of
 * mm, not its own: the fork's reference to the child it makes (dup_mm()'s
 * mm_init()).  Held, it keeps the mm alive as a pin does (the thread may
 * touch the mm), and it must be given up before the thread ends; the mm
 * had a user, so at the end of the run it must be freed if all are gone.
 */
void check_mm_user_at(int mm, int delta);

/* The same with the model's structs (its unit tests). */
#ifndef VMLOCK_CHECK_NEUTRAL
static inline void check_read_locked(struct vm_area_struct *vma,
				     struct mm_struct *mm, unsigned long addr,
				     bool rcu)
{
	check_read_locked_at(vma->idx, mm->idx, addr, rcu);
}

static inline void check_read_unlock(struct vm_area_struct *vma)
{
	check_read_unlock_at(vma->idx);
}

static inline void check_write_locked(struct vm_area_struct *vma)
{
	check_write_locked_at(vma->idx);
}

static inline void check_write_killed(struct vm_area_struct *vma)
{
	check_write_killed_at(vma->idx);
}

static inline void check_detached(struct vm_area_struct *vma)
{
	check_detached_at(vma->idx);
}

static inline void check_mutation(struct vm_area_struct *vma)
{
	check_mutation_at(vma->idx);
}

static inline void check_payload(struct vm_area_struct *vma, uintptr_t flags,
				 uintptr_t pgoff)
{
	check_payload_at(vma->idx, flags, pgoff);
}
#endif

/*
 * refcount_warn_saturate() (include/linux/refcount.h; lib/refcount.c):
 * the events the kernel's refcount_t warns on, in the kernel's order
 * (enum refcount_saturation_type).  Both backends' refcount_t call it
 * where the kernel does: the run ends with refcount-saturate (refcount.c).
 */
enum check_refcount_event {
	CHECK_REFCOUNT_ADD_NOT_ZERO_OVF,	/* add_not_zero: old < 0 or old + i < 0 */
	CHECK_REFCOUNT_ADD_OVF,			/* add: old < 0 or old + i < 0 */
	CHECK_REFCOUNT_ADD_UAF,			/* add: old == 0 */
	CHECK_REFCOUNT_SUB_UAF,			/* sub_and_test: old <= 0 or old - i < 0 */
	CHECK_REFCOUNT_DEC_LEAK,		/* dec: old <= 1 */
};

/* The refcount_t of object (obj_kind, idx) hit event ev; count is the
 * value the operation left (before the kernel saturates it). */
void check_refcount_saturate(unsigned obj_kind, int idx,
			     enum check_refcount_event ev, int32_t count);

/* Reports: the ghost state of VMA idx in words ("attached, 1 reader: T0"). */
int check_describe_vma_at(int idx, char *buf, size_t len);
#ifndef VMLOCK_CHECK_NEUTRAL
static inline int check_describe_vma(const struct vm_area_struct *vma,
				     char *buf, size_t len)
{
	return check_describe_vma_at(vma->idx, buf, len);
}
#endif
unsigned check_vma_gen(int idx);

#endif /* VMLOCK_CHECK_CHECK_H */
