/* SPDX-License-Identifier: MIT */
/*
 * vma_lock.hpp - the per-VMA lock of src/lock/ ported to Relacy: the same
 * functions under the same names (mmap_lock.h, mmap_lock.c, mm.c), the same
 * memory orders, the same seed variants beside the lines they change.
 *
 * What changes is the substrate: rl::atomic for our sim_atomic_t, rl::var
 * (VAR()) for our sim_plain_t, an rl rwlock for the mmap_lock, an rl
 * semaphore per task for schedule()/wake_up_process(), and plain C++ ghost
 * state (ghost.hpp) for the oracles Relacy has no detector for.  Relacy
 * switches fibers only at its own operations, so a ghost update right after
 * an atomic is one step with it.  Differences: README.md, "what Relacy
 * cannot express".
 */
#ifndef VMLOCK_RELACY_VMA_LOCK_HPP
#define VMLOCK_RELACY_VMA_LOCK_HPP

#include <relacy/relacy.hpp>
#include <relacy/stdlib/pthread.hpp>

#include <climits>

#include "ghost.hpp"

/* The variants: the model's own list (src/lock/variant.c, compiled as C). */
extern "C" {
#include "../../../src/lock/variant.h"
}

namespace vl {

/* ---- kshim.h: the kernel primitives, in rl terms ---- */

#define VL_RELAXED rl::mo_relaxed
#define VL_ACQUIRE rl::mo_acquire
#define VL_RELEASE rl::mo_release
#define VL_SEQ_CST rl::mo_seq_cst

#define READ_ONCE(x) (x)($).load(VL_RELAXED)
#define WRITE_ONCE(x, v) (x)($).store((v), VL_RELAXED)
#define smp_load_acquire(p) (*(p))($).load(VL_ACQUIRE)
#define smp_mb() rl::atomic_thread_fence(VL_SEQ_CST, $)
/* The model's smp_wmb(): a release fence (kshim.h). */
#define smp_wmb() rl::atomic_thread_fence(VL_RELEASE, $)
#define smp_acquire__after_ctrl_dep() rl::atomic_thread_fence(VL_ACQUIRE, $)

/* WARN_ON_ONCE in the model is a finding: here a failed assertion. */
#define WARN_ON_ONCE(cond)						\
	([&]() {							\
		bool warn_ = (cond);					\
		RL_ASSERT(!"kernel-warn: WARN_ON_ONCE(" #cond ")" || !warn_); \
		return warn_;						\
	}())

#define TASK_UNINTERRUPTIBLE 2

typedef rl::atomic<int> atomic_t;

/* F and L: the kernel's (1 << 30); the small limit is not ported. */
const int VM_REFCNT_EXCLUDE_READERS_FLAG = 1 << 30;
const int VM_REFCNT_LIMIT = VM_REFCNT_EXCLUDE_READERS_FLAG - 1;

const int VMT_PAGES = 4;
const unsigned long VMT_PAGE_SIZE = 0x1000;
const int VMA_POOL_SIZE = 2;
const int MM_POOL_SIZE = 2;
const int MAX_TASKS = 3;
const uintptr_t VMA_FREEPTR_POISON = 0x6b6b6b6b6b6bUL;

struct mm_struct {
	rl::rl_pthread_rwlock_t mmap_lock;
	atomic_t mm_lock_seq;
	atomic_t vma_writer_wait;	/* tid + 1 of the sleeper, or 0 */
	atomic_t mm_count;
	atomic_t mm_mt[VMT_PAGES];	/* pool index + 1, or 0 */
	int idx;
};

struct vm_area_struct {
	rl::var<uintptr_t> vm_start;
	rl::var<uintptr_t> vm_end;
	rl::var<uintptr_t> vm_mm;	/* mm idx + 1 */
	rl::var<uintptr_t> vm_flags;
	rl::var<uintptr_t> vm_pgoff;
	/* The lockdep map lives inside the VMA: vma_lock_init() writes it,
	 * lock_acquire()/lock_release() read it. */
	rl::var<int> vmlock_dep_map;
	atomic_t vm_lock_seq;
	atomic_t vm_refcnt;
	int idx;
};

/* The world of one iteration: two mms, a pool of VMAs, one task each. */
struct world {
	mm_struct mm[MM_POOL_SIZE];
	vm_area_struct vma[VMA_POOL_SIZE];
	int free_list[VMA_POOL_SIZE];
	int nfree;
	int nfresh;
	rl::rl_pthread_mutex_t slab_lock;
	atomic_t task_state[MAX_TASKS];
	rl::rl_sem_t task_sem[MAX_TASKS];
	ghost g;
};

extern world *W;

inline int self()
{
	return (int)rl::ctx().current_thread();
}

inline uintptr_t mm_id(const mm_struct *mm)
{
	return mm ? (uintptr_t)mm->idx + 1 : 0;
}

inline mm_struct *mm_from_id(uintptr_t id)
{
	return id ? &W->mm[id - 1] : NULL;
}

/* vm_mm, read holding a reference (or the mmap lock): the ghost checks. */
inline mm_struct *vma_mm_of(vm_area_struct *vma)
{
	W->g.touch(vma->idx, self());
	return mm_from_id(vma->vm_mm($));
}

/* ---- lockdep on the dep map inside the VMA ---- */

inline void vma_lockdep(vm_area_struct *vma)
{
	W->g.touch(vma->idx, self());
	(void)(int)vma->vmlock_dep_map($);
}

#define __vma_lockdep_acquire_read(vma) vma_lockdep(vma)
#define __vma_lockdep_release_read(vma) vma_lockdep(vma)
#define __vma_lockdep_acquire_exclusive(vma) vma_lockdep(vma)
#define __vma_lockdep_release_exclusive(vma) vma_lockdep(vma)

/* ---- refcount_t (kshim.h) ---- */

inline bool refcount_add_not_zero_limited_mo(atomic_t *r, int i, int *oldp,
					     int limit, rl::memory_order mo,
					     rl::memory_order read_mo)
{
	int old = (*r)($).load(read_mo);

	do {
		if (!old)
			break;
		if (i > limit - old) {
			if (oldp)
				*oldp = old;
			return false;
		}
	} while (!(*r)($).compare_exchange_strong(old, old + i, mo, read_mo));
	if (oldp)
		*oldp = old;
	return old != 0;
}

/* A reader's increment: the ghost counts it as that task's reference. */
inline bool vma_refcount_inc_limited(vm_area_struct *vma, int *oldp,
				     rl::memory_order mo)
{
	bool ok = refcount_add_not_zero_limited_mo(&vma->vm_refcnt, 1, oldp,
						   VM_REFCNT_LIMIT, mo, VL_RELAXED);

	if (ok)
		W->g.ref(vma->idx, self(), +1);
	return ok;
}

/* refcount_add_not_zero: deciding reads acquire (kshim.h). */
inline bool refcount_add_not_zero(int i, atomic_t *r)
{
	return refcount_add_not_zero_limited_mo(r, i, NULL, INT_MAX,
						VL_ACQUIRE, VL_ACQUIRE);
}

inline bool refcount_sub_and_test(int i, atomic_t *r, int *oldp = NULL)
{
	int old = (*r)($).fetch_sub(i, VL_RELEASE);

	if (oldp)
		*oldp = old;
	if (old > 0 && old == i) {
		/* Pairs with the release of every earlier put. */
		smp_acquire__after_ctrl_dep();
		return true;
	}
	WARN_ON_ONCE(old <= 0 || old - i < 0);	/* refcount_warn_saturate */
	return false;
}

inline void rcu_read_lock() {}		/* typesafe-by-RCU: see README.md */
inline void rcu_read_unlock() {}

/* ---- mm.c: pins, rcuwait, the address map, the VMA cache ---- */

void mmgrab(mm_struct *mm);
void mmdrop(mm_struct *mm);
void rcuwait_wait_event(atomic_t *w, bool (*cond)(vm_area_struct *, int),
			vm_area_struct *vma, int target);
bool rcuwait_wake_up(atomic_t *w);
vm_area_struct *mas_walk(mm_struct *mm, unsigned long addr);
vm_area_struct *vma_lookup(mm_struct *mm, unsigned long addr);
void vma_iter_store(mm_struct *mm, vm_area_struct *vma, unsigned long start,
		    unsigned long end);
void vma_iter_clear(mm_struct *mm, unsigned long start, unsigned long end);
vm_area_struct *vm_area_alloc(mm_struct *mm);
void vm_area_free(vm_area_struct *vma);

/* ---- mmap_lock.h ---- */

void mmap_write_lock(mm_struct *mm);
void mmap_write_unlock(mm_struct *mm);
void mmap_read_lock(mm_struct *mm);
void mmap_read_unlock(mm_struct *mm);

inline bool __vma_are_readers_excluded(int refcnt)
{
	if (variant(V_NARROW_WAKE))	/* S6: the detacher's F is missed */
		return refcnt == VM_REFCNT_EXCLUDE_READERS_FLAG + 1;
	return (refcnt & VM_REFCNT_EXCLUDE_READERS_FLAG) &&
	       refcnt <= VM_REFCNT_EXCLUDE_READERS_FLAG + 1;
}

/* Decrement; return the count right after it (0: now detached). */
inline unsigned __vma_refcount_put_return(vm_area_struct *vma)
{
	int oldcnt;

	if (refcount_sub_and_test(1, &vma->vm_refcnt, &oldcnt))
		return 0;
	return oldcnt - 1;
}

void vma_refcount_put(vm_area_struct *vma);

inline void vma_end_read(vm_area_struct *vma)
{
	vma_refcount_put(vma);
}

/* Under the mmap write lock: we own the sequence. */
inline int __vma_raw_mm_seqnum(vm_area_struct *vma)
{
	return vma_mm_of(vma)->mm_lock_seq($).load(VL_RELAXED);
}

inline bool __is_vma_write_locked(vm_area_struct *vma)
{
	return vma->vm_lock_seq($).load(VL_RELAXED) == __vma_raw_mm_seqnum(vma);
}

int __vma_start_write(vm_area_struct *vma, int state);

inline void vma_start_write(vm_area_struct *vma)
{
	if (__is_vma_write_locked(vma))
		return;
	__vma_start_write(vma, TASK_UNINTERRUPTIBLE);
}

inline void vma_assert_write_locked(vm_area_struct *vma)
{
	WARN_ON_ONCE(!__is_vma_write_locked(vma));
}

inline bool vma_is_attached(vm_area_struct *vma)
{
	return vma->vm_refcnt($).load(VL_RELAXED);
}

inline void vma_mark_attached(vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
	WARN_ON_ONCE(vma_is_attached(vma));
	/* Release: pairs with the readers' acquire increment. */
	vma->vm_refcnt($).store(1, VL_RELEASE);
	W->g.attach(vma->idx, true);
}

void __vma_exclude_readers_for_detach(vm_area_struct *vma);

inline void vma_mark_detached(vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
	WARN_ON_ONCE(!vma_is_attached(vma));
	W->g.attach(vma->idx, false);
	if (__vma_refcount_put_return(vma) == 0)
		return;
	if (variant(V_DETACH_NO_WAIT))	/* S5: no wait for those readers */
		return;
	__vma_exclude_readers_for_detach(vma);
}

vm_area_struct *lock_vma_under_rcu(mm_struct *mm, unsigned long address);

/* mm_lock_seqcount_end(): smp_wmb() then sequence++; pairs with the
 * acquire of raw_read_seqcount() in vma_start_read(). */
inline void vma_end_write_all(mm_struct *mm)
{
	int seq = mm->mm_lock_seq($).load(VL_RELAXED);

	smp_wmb();
	WRITE_ONCE(mm->mm_lock_seq, seq + 1);
	W->g.end_write_all(mm->idx);
}

/* The harness's operations (src/harness/ops.c). */
void op_fault(mm_struct *mm, unsigned long addr);
void op_write(mm_struct *mm, unsigned long addr, uintptr_t v);
void op_map(mm_struct *mm, unsigned long start, unsigned long end, uintptr_t v);
void op_unmap(mm_struct *mm, unsigned long addr);

void world_init(world *w);
void world_fini(world *w);
vm_area_struct *map_initial(mm_struct *mm, unsigned long start,
			    unsigned long end);

} /* namespace vl */

#endif
