/* SPDX-License-Identifier: MIT */
/*
 * mmap_lock.h - the per-VMA lock's header half, as Linux 7.0's
 * include/linux/mmap_lock.h has it: one function per kernel function, the
 * same names, the same orderings.  Read it side by side with the kernel.
 * The out-of-line half is mmap_lock.c.
 *
 * Sync table (what may run concurrently with what, on one VMA):
 *
 *                  start_read  end_read   start_write   mark_attached  mark_detached
 *   start_read     yes         yes        yes           yes: -EAGAIN   yes: -EAGAIN
 *   end_read       yes         yes        yes: wakes    no (detached)  yes: wakes
 *   start_write    yes         yes        no: the mmap write lock serialises writers
 *   mark_attached  yes         no         no            no             no
 *   mark_detached  yes         yes        no            no             no
 */
#ifndef VMLOCK_LOCK_MMAP_LOCK_H
#define VMLOCK_LOCK_MMAP_LOCK_H

#include "kshim.h"
#include "mm.h"

/* ---- mmap lock assertions (lockdep-precise: the rwsem knows owners) ---- */

static inline void mmap_assert_locked(struct mm_struct *mm)
{
	const struct sim_rwsem *r = &mm->mmap_lock;

	VM_WARN_ON_ONCE(r->writer != sim_self() &&
			!(r->readers & (1u << sim_self())));
}

static inline void mmap_assert_write_locked(struct mm_struct *mm)
{
	VM_WARN_ON_ONCE(mm->mmap_lock.writer != sim_self());
}

/* ---- mm_lock_seq: a seqcount written by the mmap write-lock holder ---- */

/*
 * do_raw_write_seqcount_begin(): sequence++ then smp_wmb().
 *
 * The increment follows down_write()'s acquire.  A reader whose acquire
 * load reads it must see what the previous write-lock holders did: LKMM
 * gives that (reads-from between marked accesses is part of its
 * happens-before, and the acquire orders the increment after everything
 * before it), C11 does not for a relaxed store.  So the model makes the
 * increment a release store: the same guarantee, in C11 terms (as the
 * spec maps the writer's control dependency to an acquire).  It pairs with
 * the acquire of raw_read_seqcount() in vma_start_read().
 */
static inline void mm_lock_seqcount_begin(struct mm_struct *mm)
{
	/* We hold the mmap write lock: nobody else writes the sequence. */
	int32_t seq = sim_load(&mm->mm_lock_seq, SIM_RELAXED,
			       SIM_SITE_LOCAL("mm->mm_lock_seq.sequence"));

	sim_store(&mm->mm_lock_seq, seq + 1, SIM_RELEASE,
		  SIM_SITE("mm->mm_lock_seq.sequence++"));
	smp_wmb();
}

/* do_raw_write_seqcount_end(): smp_wmb() then sequence++. */
static inline void mm_lock_seqcount_end(struct mm_struct *mm)
{
	int32_t seq = sim_load(&mm->mm_lock_seq, SIM_RELAXED,
			       SIM_SITE_LOCAL("mm->mm_lock_seq.sequence"));

	/* Orders the writer's VMA stores before the increment that
	 * releases every VMA write lock.  Pairs with the acquire of
	 * raw_read_seqcount() in vma_start_read(). */
	smp_wmb();
	WRITE_ONCE(mm->mm_lock_seq, seq + 1);
}

/* raw_read_seqcount(): smp_load_acquire() of the sequence. */
#define raw_read_seqcount(mm)						\
	smp_load_acquire(&(mm)->mm_lock_seq)

/*
 * mmap_lock_speculate_try_begin(): raw_seqcount_try_begin(), the sequence
 * read with acquire; false (do not speculate) while a writer holds the
 * mmap lock (odd).  The acquire pairs with the release of the write
 * lock's end (mm_lock_seqcount_end()): what the writer changed before it
 * is seen by the reads after.
 */
static inline bool mmap_lock_speculate_try_begin(struct mm_struct *mm,
						 unsigned int *seq)
{
	*seq = (unsigned int)raw_read_seqcount(mm);
	return !(*seq & 1);
}

/*
 * mmap_lock_speculate_retry(): read_seqcount_retry(), smp_rmb() then the
 * sequence again; true if a writer took the mmap lock since try_begin.
 * The fence orders the speculative reads before the re-read; it pairs
 * with the smp_wmb() of mm_lock_seqcount_begin().
 */
static inline bool mmap_lock_speculate_retry(struct mm_struct *mm,
					     unsigned int seq)
{
	smp_rmb();
	return (unsigned int)READ_ONCE(mm->mm_lock_seq) != seq;
}

static inline void vma_lock_init(struct vm_area_struct *vma, bool reset_refcnt)
{
	if (reset_refcnt)
		refcount_set(&vma->vm_refcnt, 0);
	WRITE_ONCE(vma->vm_lock_seq, UINT_MAX);
}

/* ---- lockdep on the VMA's dep map (which lives inside the VMA) ---- */

#define __vma_lockdep_acquire_read(vma)					\
	kdebug.lockdep(LOCKDEP_ACQUIRE_READ, (vma)->idx, __func__)
#define __vma_lockdep_release_read(vma)					\
	kdebug.lockdep(LOCKDEP_RELEASE_READ, (vma)->idx, __func__)
#define __vma_lockdep_acquire_exclusive(vma)				\
	kdebug.lockdep(LOCKDEP_ACQUIRE_EXCLUSIVE, (vma)->idx, __func__)
#define __vma_lockdep_release_exclusive(vma)				\
	kdebug.lockdep(LOCKDEP_RELEASE_EXCLUSIVE, (vma)->idx, __func__)

/*
 * Do the readers stand excluded at this count?  True at F + 1 (a writer's
 * target) and at F (a detacher's target): for a detach this may say so one
 * reader too early, a harmless spurious wake-up.
 */
static inline bool __vma_are_readers_excluded(int refcnt)
{
	if (variant(V_NARROW_WAKE))	/* S6: the detacher's F is missed */
		return refcnt == VM_REFCNT_EXCLUDE_READERS_FLAG + 1;
	return (refcnt & VM_REFCNT_EXCLUDE_READERS_FLAG) &&
	       refcnt <= VM_REFCNT_EXCLUDE_READERS_FLAG + 1;
}

/* Decrement; return the count right after it (0: now detached). */
static inline unsigned int __vma_refcount_put_return(struct vm_area_struct *vma)
{
	int oldcnt;

	if (__refcount_dec_and_test(&vma->vm_refcnt, &oldcnt))
		return 0;
	return oldcnt - 1;
}

/*
 * Drop a read reference and wake mm's writer if we were the last reader
 * it waits for.  mm is a copy taken before the decrement (the VMA may be
 * freed after it).  The wake-up is decided from the RMW's own result: a
 * separate load could see a later value.
 */
static inline void __vma_refcount_put_wake(struct vm_area_struct *vma,
					   struct mm_struct *mm)
{
	int newcnt;

	/* The dep map is inside the VMA: release it while we still may
	 * touch the VMA. */
	if (!variant(V_LOCKDEP_AFTER_PUT))
		__vma_lockdep_release_read(vma);
	newcnt = (int)__vma_refcount_put_return(vma);
	if (variant(V_LOCKDEP_AFTER_PUT) && newcnt)	/* S4 */
		__vma_lockdep_release_read(vma);

	/*
	 * __vma_start_exclude_readers() may be sleeping waiting for readers
	 * to drop their reference count; wake it if we were the last one.
	 * Racing temporary readers may make this a spurious wake-up.
	 */
	if (newcnt && __vma_are_readers_excluded(newcnt)) {
		if (variant(V_MM_AFTER_PUT))	/* S3: read after the drop */
			mm = vma_mm_unstable(vma);
		rcuwait_wake_up(&mm->vma_writer_wait);
	}
}

/* vma_refcount_put() - drop a read reference, wake the VMA's writer. */
static inline void vma_refcount_put(struct vm_area_struct *vma)
{
	/* Use a copy of vm_mm in case vma is freed after we drop vm_refcnt. */
	struct mm_struct *mm = NULL;

	if (!variant(V_MM_AFTER_PUT))
		mm = vma_mm_of(vma);
	__vma_refcount_put_wake(vma, mm);
}

/*
 * Take a read reference while holding the mmap lock, which guarantees no
 * writer holds F and the VMA is attached; only the reader limit can make it
 * fail.  Used to trade an mmap read lock for a VMA read lock.
 */
static inline bool vma_start_read_locked_nested(struct vm_area_struct *vma,
						int subclass)
{
	int oldcnt;

	(void)subclass;		/* lockdep uses subclass 0 either way */
	mmap_assert_locked(vma_mm_of(vma));
	/* Acquire: pairs with the release of vma_mark_attached() and of
	 * every put, so this reader sees what earlier holders did. */
	if (unlikely(!__refcount_inc_not_zero_limited_acquire(&vma->vm_refcnt,
							      &oldcnt,
							      VM_REFCNT_LIMIT)))
		return false;
	__vma_lockdep_acquire_read(vma);
	return true;
}

static inline bool vma_start_read_locked(struct vm_area_struct *vma)
{
	return vma_start_read_locked_nested(vma, 0);
}

static inline void vma_end_read(struct vm_area_struct *vma)
{
	vma_refcount_put(vma);
}

static inline unsigned int __vma_raw_mm_seqnum(struct vm_area_struct *vma)
{
	/* Valid only under the mmap write lock: we own the sequence.  The
	 * check peeks at vm_mm, so a caller without the lock is told so
	 * before its read of vm_mm claims to be local. */
	mmap_assert_write_locked(vma_mm_peek(vma));
	struct mm_struct *mm = vma_mm_of(vma);
	return (unsigned int)sim_load(&mm->mm_lock_seq, SIM_RELAXED,
				      SIM_SITE_LOCAL("mm->mm_lock_seq.sequence"));
}

/* Only under the mmap write lock. */
static inline bool __is_vma_write_locked(struct vm_area_struct *vma)
{
	/* Neither sequence can change under us: we hold the mmap write lock
	 * (asserted first, so a caller without it is told so before its
	 * read of vm_lock_seq claims to be local). */
	unsigned int mm_seq = __vma_raw_mm_seqnum(vma);
	unsigned int seq = (unsigned int)sim_load(&vma->vm_lock_seq, SIM_RELAXED,
						  SIM_SITE_LOCAL("vma->vm_lock_seq"));

	return seq == mm_seq;
}

int __vma_start_write(struct vm_area_struct *vma, int state);

/* Exclude readers until the mmap write lock is dropped or downgraded. */
static inline void vma_start_write(struct vm_area_struct *vma)
{
	if (__is_vma_write_locked(vma))
		return;
	__vma_start_write(vma, TASK_UNINTERRUPTIBLE);
}

/* As vma_start_write(), but a fatal signal ends the wait: -EINTR. */
static inline int vma_start_write_killable(struct vm_area_struct *vma)
{
	if (__is_vma_write_locked(vma))
		return 0;
	return __vma_start_write(vma, TASK_KILLABLE);
}

static inline void vma_assert_write_locked(struct vm_area_struct *vma)
{
	VM_WARN_ON_ONCE_VMA(!__is_vma_write_locked(vma), vma);
}

static inline bool vma_is_attached(struct vm_area_struct *vma)
{
	return refcount_read(&vma->vm_refcnt);
}

/*
 * vma_assert_locked() - read- or write-locked, and not detached.  Lockdep
 * knows whether we hold the read lock; only if we do not must it be the
 * write lock.  Deciding from the count alone would misfire on a temporary
 * reader of a detached VMA (F + 1 during a detach).
 */
static inline void vma_assert_locked(struct vm_area_struct *vma)
{
	unsigned int refcnt;

	if (kdebug.lock_is_held) {	/* IS_ENABLED(CONFIG_LOCKDEP) */
		if (!kdebug.lock_is_held(vma->idx))
			vma_assert_write_locked(vma);
		return;
	}
	refcnt = (unsigned int)refcount_read(&vma->vm_refcnt);
	/* Read-locked, write-locked with temporary readers, or excluding
	 * readers: all locked. */
	if (refcnt > 1)
		return;
	/* It is a bug for the VMA to be detached here. */
	VM_WARN_ON_ONCE_VMA(!refcnt, vma);
	/* 1: unlocked or write-locked; it must be write-locked. */
	vma_assert_write_locked(vma);
}

/*
 * vma_assert_stabilised() - nobody can change the VMA under us: we hold
 * its mm's mmap lock, or else a VMA lock (vma_assert_locked()).  With
 * lockdep the mmap lock must be ours; without, any holder passes
 * (rwsem_is_locked()), the kernel's accepted false negative.  Its read
 * of vm_mm is a peek: a debugging check adds no scheduling point, and
 * called wrongly (holding nothing) it must still report, not race.
 */
static inline void vma_assert_stabilised(struct vm_area_struct *vma)
{
	const struct sim_rwsem *r = &vma_mm_peek(vma)->mmap_lock;

	if (kdebug.lock_is_held) {	/* IS_ENABLED(CONFIG_LOCKDEP) */
		if (r->writer == sim_self() || (r->readers & (1u << sim_self())))
			return;
	} else if (r->count != 0) {
		return;
	}
	vma_assert_locked(vma);
}

static inline void vma_assert_attached(struct vm_area_struct *vma)
{
	WARN_ON_ONCE(!vma_is_attached(vma));
}

static inline void vma_assert_detached(struct vm_area_struct *vma)
{
	WARN_ON_ONCE(vma_is_attached(vma));
}

/* Attached: publish the VMA's initialised fields with the count. */
static inline void vma_mark_attached(struct vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
	vma_assert_detached(vma);
	/* Release: orders every initialising store before the count turns
	 * 1.  Pairs with the acquire increment of the readers. */
	refcount_set_release(&vma->vm_refcnt, 1);
}

void __vma_exclude_readers_for_detach(struct vm_area_struct *vma);

static inline void vma_mark_detached(struct vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
	vma_assert_attached(vma);
	/*
	 * Still attached after our put (refcnt > 0) is unlikely: the VMA is
	 * write-locked, so readers only hold a count briefly, until they see
	 * vm_lock_seq and back off.
	 */
	if (variant(V_DETACH_PUT_NO_ACQUIRE)) {	/* D5: no acquire at 0 */
		if (sim_fetch_add(&vma->vm_refcnt, -1, SIM_RELEASE,
				  SIM_SITE("atomic_dec_return_release(vm_refcnt)")) == 1)
			return;
	} else if (likely(!__vma_refcount_put_return(vma))) {
		return;
	}
	if (variant(V_DETACH_NO_WAIT))	/* S5: no wait for those readers */
		return;
	__vma_exclude_readers_for_detach(vma);
}

struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm,
					  unsigned long address);
/*
 * The next VMA at or after the iterator (from_addr: where the walk is),
 * read-locked, under RCU; the /proc/pid/maps reader's step.  RCU is held
 * on entry and on return.  NULL at the end; ERR_PTR(-EAGAIN) if the
 * reader limit refused the fallback's lock, ERR_PTR(-EINTR) if a fatal
 * signal ended its wait for the mmap lock.
 */
struct vm_area_struct *lock_next_vma(struct mm_struct *mm,
				     struct vma_iterator *vmi,
				     unsigned long from_addr);

/* Linux 7.3: a VMA's fields change only detached or write-locked. */
static inline void vma_assert_can_modify(struct vm_area_struct *vma)
{
	if (vma_is_attached(vma))
		vma_assert_write_locked(vma);
}

/* ---- the mmap lock ---- */

/* Drop every VMA write lock of mm at once: the sequence moves on. */
static inline void vma_end_write_all(struct mm_struct *mm)
{
	mmap_assert_write_locked(mm);
	mm_lock_seqcount_end(mm);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	sim_down_write(&mm->mmap_lock, SIM_SITE("down_write(mmap_lock)"));
	mm_lock_seqcount_begin(mm);
}

/* dup_mmap()'s lock of the child under the parent's: the subclass only
 * tells lockdep the nesting is intended (the model has no lock classes). */
#define SINGLE_DEPTH_NESTING 1
static inline void mmap_write_lock_nested(struct mm_struct *mm, int subclass)
{
	(void)subclass;
	mmap_write_lock(mm);
}

/* -EINTR if a fatal signal ends the wait: then no lock and no sequence. */
static inline int mmap_write_lock_killable(struct mm_struct *mm)
{
	int ret = sim_down_killable(&mm->mmap_lock, true,
				    SIM_SITE("down_write_killable(mmap_lock)"));

	if (!ret)
		mm_lock_seqcount_begin(mm);
	return ret;
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	vma_end_write_all(mm);
	sim_up_write(&mm->mmap_lock, SIM_SITE("up_write(mmap_lock)"));
}

static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	vma_end_write_all(mm);
	sim_downgrade_write(&mm->mmap_lock, SIM_SITE("downgrade_write(mmap_lock)"));
}

static inline void mmap_read_lock(struct mm_struct *mm)
{
	sim_down_read(&mm->mmap_lock, SIM_SITE("down_read(mmap_lock)"));
}

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	return sim_down_killable(&mm->mmap_lock, false,
				 SIM_SITE("down_read_killable(mmap_lock)"));
}

static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	return sim_down_trylock(&mm->mmap_lock, false,
				SIM_SITE("down_read_trylock(mmap_lock)"));
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	sim_up_read(&mm->mmap_lock, SIM_SITE("up_read(mmap_lock)"));
}

#endif /* VMLOCK_LOCK_MMAP_LOCK_H */
