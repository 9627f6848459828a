/* SPDX-License-Identifier: MIT */
/*
 * mm.h - the parts of the kernel the per-VMA lock leans on: the mm's life
 * (mmgrab/mmdrop, mmget/mmput), the rcuwait writers sleep in, the address
 * map RCU readers walk (the maple tree), and the vm_area_struct cache,
 * which is type-safe by RCU (SLAB_TYPESAFE_BY_RCU).
 *
 * The world of a run: two mms and a pool of VMA objects.  VMA memory is
 * never returned (an RCU reader may always hold a stale pointer, and the
 * cache hands a freed object out again at once, to any mm); an mm is really
 * freed at its last mmdrop: touching it afterwards is a finding, and in
 * ASan builds its memory is poisoned as well.
 */
#ifndef VMLOCK_LOCK_MM_H
#define VMLOCK_LOCK_MM_H

#include "mm_types.h"
#include "../util/sanitizer.h"

struct lock_world {
	struct mm_struct mm[MM_POOL_SIZE];
	struct vm_area_struct vma[VMA_POOL_SIZE];
	uint8_t free_list[VMA_POOL_SIZE];	/* freed objects, LIFO */
	unsigned nfree;
	unsigned nfresh;			/* objects never handed out */
	unsigned cache_size;			/* objects the cache may hold */
	bool mm_freed[MM_POOL_SIZE];
	/* The cache's lock: a free happens-before the alloc that reuses the
	 * object, as the slab allocator's own synchronisation gives. */
	struct sim_rwsem slab_lock;
} SAN_PAGE_ALIGNED;	/* tsan: whole pages, renewed per run */

extern struct lock_world world;

/* Start a run: small selects F = 4 and a cache of VMT_SMALL_CACHE
 * objects.  Called from main, before threads. */
void lock_world_reset(bool small_limit);
/* Set up mm idx with its first user; called from main. */
struct mm_struct *mm_init_world(int idx);

static inline struct vm_area_struct *vma_from_idx(int idx)
{
	return idx >= 0 && idx < VMA_POOL_SIZE ? &world.vma[idx] : NULL;
}

/*
 * vm_mm holds an mm id (index + 1, 0 for none) rather than the pointer, so
 * the values the trace hash sees are the same in every process and build.
 */
static inline uintptr_t mm_id(const struct mm_struct *mm)
{
	return mm ? (uintptr_t)mm->idx + 1 : 0;
}

static inline struct mm_struct *mm_from_id(uintptr_t id)
{
	return id ? &world.mm[id - 1] : NULL;
}

static inline struct mm_struct *vma_mm_peek(const struct vm_area_struct *vma)
{
	return mm_from_id(sim_peek_plain(&vma->vm_mm));
}

/*
 * A lifetime event comes next (a free, a reuse, an exit's detach, a put
 * on a recycled VMA): the step is a window the run-aware mutation may
 * preempt at (src/mutator/explicit.h), as it is at a reader's touch
 * without a reference.  Search only: no effect on the run or its trace.
 */
static inline void lifetime_window(void)
{
	sim_note_window();
}

/* kernel/fork.c: pins (mm_count) and users (mm_users). */
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
void mmget(struct mm_struct *mm);
/* mmput: the last user tears the address space down (exit_mmap). */
void mmput(struct mm_struct *mm);
/* mm/mmap.c's exit_mmap(): the operations' code (src/harness/ops.c), as
 * the kernel's is one of the lock's callers. */
void exit_mmap(struct mm_struct *mm);

/* include/linux/rcuwait.h, kernel/exit.c: one sleeper, its condition. */
int rcuwait_wait_event(sim_atomic_t *w, bool (*cond)(void *), void *arg,
		       int state);
bool rcuwait_wake_up(sim_atomic_t *w);

/* The address map: what the maple tree gives the lock.  mas_walk() is
 * a walk from the root (the model's callers set a new walk state each
 * time, as the kernel's mas_set() before a retry). */
struct vm_area_struct *mas_walk(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
void vma_iter_store(struct mm_struct *mm, struct vm_area_struct *vma,
		    unsigned long start, unsigned long end);
void vma_iter_clear(struct mm_struct *mm, unsigned long start,
		    unsigned long end);
/*
 * The VMA iterator (include/linux/mm.h's vma_iterator over the maple
 * tree): the address a walk goes on from, and the node it last read
 * (mas->node).  vma_next() returns the first VMA at or after the address
 * and moves it to that VMA's end, reading on from the cached node while
 * it is set; vma_iter_init() and vma_iter_set() clear it (mas_set()), as
 * a walk must after it re-enters RCU (mt.h says what a stale one is).
 * The node is read under RCU or under the mmap lock alike.
 */
struct vma_iterator {
	struct mm_struct *mm;
	unsigned long index;
	struct mt_cursor node;
};

static inline void vma_iter_init(struct vma_iterator *vmi,
				 struct mm_struct *mm, unsigned long addr)
{
	vmi->mm = mm;
	vmi->index = addr;
	mt_cursor_reset(&vmi->node);
}

static inline void vma_iter_set(struct vma_iterator *vmi, unsigned long addr)
{
	vmi->index = addr;
	mt_cursor_reset(&vmi->node);
}

struct vm_area_struct *vma_next(struct vma_iterator *vmi);
/* Is [start, end) free in mm's map?  Under the mmap lock. */
bool mm_range_free(struct mm_struct *mm, unsigned long start,
		   unsigned long end);

/* mm/vma_init.c: the vm_area_struct cache.  reuse picks which freed
 * object comes back (0 = the most recently freed); NULL when the cache
 * is exhausted (every object live), as kmem_cache_alloc() fails. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm, unsigned reuse);
/* vm_area_dup(): a detached copy of orig from the cache (reuse as above). */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig, unsigned reuse);
void vm_area_free(struct vm_area_struct *vma);
/* dup_mmap()'s tmp->vm_mm = mm: a copy moves to the child (detached). */
void vma_set_vm_mm(struct vm_area_struct *vma, struct mm_struct *mm);

/* Readers' accessors for the plain fields. */
/* vm_mm changes only when the object is reallocated, which needs vm_refcnt
 * 0 and no increment: holding a reference, F or the mmap lock, it is
 * stable.  The unstable read is for code that holds none of them. */
#define vma_mm_of(vma) mm_from_id(PLAIN_READ_STABLE((vma)->vm_mm))
#define vma_mm_unstable(vma) mm_from_id(PLAIN_READ((vma)->vm_mm))

#endif /* VMLOCK_LOCK_MM_H */
