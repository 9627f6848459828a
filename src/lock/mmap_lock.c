/* SPDX-License-Identifier: MIT */
/*
 * mmap_lock.c - the per-VMA lock's out-of-line half, as Linux 7.0's
 * mm/mmap_lock.c has it: excluding readers (write lock and detach), the RCU
 * read path, lock_vma_under_rcu(), and the VMA walk of /proc/pid/maps,
 * lock_next_vma() (Linux 7.3's).  Same names, same steps, same orderings;
 * the bug variants sit beside the lines they change.
 */
#include "mmap_lock.h"

/* State shared across __vma_[start, end]_exclude_readers. */
struct vma_exclude_readers_state {
	/* Input parameters. */
	struct vm_area_struct *vma;
	int state;		/* TASK_KILLABLE or TASK_UNINTERRUPTIBLE */
	bool detaching;

	/* Output parameters. */
	bool detached;
	bool exclusive;		/* are we exclusively locked? */
};

/* Readers are gone: leave the 'exclude readers' state. */
static void __vma_end_exclude_readers(struct vma_exclude_readers_state *ves)
{
	struct vm_area_struct *vma = ves->vma;

	VM_WARN_ON_ONCE(ves->detached);
	/* Release: publishes vm_lock_seq (set while F was held) to any
	 * reader whose acquire increment reads from this subtraction. */
	ves->detached = refcount_sub_and_test(VM_REFCNT_EXCLUDE_READERS_FLAG,
					      &vma->vm_refcnt);
	__vma_lockdep_release_exclusive(vma);
}

static unsigned int get_target_refcnt(struct vma_exclude_readers_state *ves)
{
	unsigned int tgt = ves->detaching ? 0 : 1;

	if (variant(V_WRITE_WAITS_FOR_F))	/* S5: the detach target */
		tgt = 0;
	if (variant(V_DETACH_WAITS_FOR_F1))	/* S5: the write target */
		tgt = 1;
	return tgt | (unsigned int)VM_REFCNT_EXCLUDE_READERS_FLAG;
}

struct refcnt_wait {
	struct vm_area_struct *vma;
	int target;
};

/*
 * The condition the writer sleeps on.  The kernel reads the count with
 * refcount_read() and relies on the control dependency to order its later
 * store to vm_lock_seq after the readers' puts; C11 has no control
 * dependencies, so the model reads with acquire (spec section 5.1).  It
 * pairs with the release of the readers' puts.
 */
static bool vma_refcnt_reached(void *arg)
{
	const struct refcnt_wait *w = arg;

	return sim_load(&w->vma->vm_refcnt, SIM_ACQUIRE,
			SIM_SITE("refcount_read(vm_refcnt) == target")) ==
	       w->target;
}

/*
 * Mark the VMA as excluding readers, and wait for the readers inside to
 * leave.  Pairs with vma_refcount_put(), which wakes us when the last one
 * goes.  Returns 0, or -EINTR for a fatal signal in a TASK_KILLABLE wait;
 * ves->exclusive says whether readers were excluded (we must end that),
 * ves->detached that the VMA was detached already.
 */
static int __vma_start_exclude_readers(struct vma_exclude_readers_state *ves)
{
	struct vm_area_struct *vma = ves->vma;
	struct refcnt_wait w = { vma, (int)get_target_refcnt(ves) };
	int err;

	mmap_assert_write_locked(vma_mm_of(vma));
	/*
	 * A detached VMA can only be raised by vma_mark_attached(), which
	 * needs the mmap write lock we hold: nothing to exclude.
	 */
	if (!refcount_add_not_zero(VM_REFCNT_EXCLUDE_READERS_FLAG,
				   &vma->vm_refcnt)) {
		ves->detached = true;
		return 0;
	}
	__vma_lockdep_acquire_exclusive(vma);
	err = rcuwait_wait_event(&vma_mm_of(vma)->vma_writer_wait,
				 vma_refcnt_reached, &w, ves->state);
	if (err) {
		__vma_end_exclude_readers(ves);
		return err;
	}
	ves->exclusive = true;
	return 0;
}

int __vma_start_write(struct vm_area_struct *vma, int state)
{
	const unsigned int mm_lock_seq = __vma_raw_mm_seqnum(vma);
	struct vma_exclude_readers_state ves = {
		.vma = vma,
		.state = state,
	};
	int err;

	err = __vma_start_exclude_readers(&ves);
	if (err) {
		WARN_ON_ONCE(ves.detached);
		return err;
	}
	/*
	 * WRITE_ONCE because the early check in vma_start_read() reads it
	 * without a reference; readers with a reference see it after our
	 * release below.
	 */
	WRITE_ONCE(vma->vm_lock_seq, mm_lock_seq);
	if (ves.exclusive) {
		__vma_end_exclude_readers(&ves);
		/* VMA should remain attached. */
		WARN_ON_ONCE(ves.detached);
	}
	return 0;
}

void __vma_exclude_readers_for_detach(struct vm_area_struct *vma)
{
	struct vma_exclude_readers_state ves = {
		.vma = vma,
		.state = TASK_UNINTERRUPTIBLE,
		.detaching = true,
	};
	int err;

	/*
	 * Wait until the VMA is detached with no readers.  We hold the write
	 * lock, so the only readers left are temporary ones, which
	 * incremented before seeing vm_lock_seq and are backing off.
	 */
	err = __vma_start_exclude_readers(&ves);
	if (!err && ves.exclusive) {
		/* Afterwards no reader can increment: the VMA is detached. */
		__vma_end_exclude_readers(&ves);
	}
	/* If an error arose but we were detached anyway, we don't care. */
	WARN_ON_ONCE(!ves.detached);
}

/*
 * Try to read-lock a VMA found under RCU.  May fail when it need not (the
 * caller falls back to the mmap lock), never succeed when it must not.
 * Returns the VMA, NULL (locked, excluded, at the limit, or recycled into
 * another mm), or VMA_EAGAIN (detached from under us: look it up again).
 *
 * RCU must be held on entry; on any failure IT IS RELEASED.
 */
static struct vm_area_struct *vma_start_read(struct mm_struct *mm,
					     struct vm_area_struct *vma)
{
	struct mm_struct *other_mm;
	int32_t vm_seq;
	bool locked;
	int oldcnt;

	/*
	 * Check before locking; a race only gives a false "locked".  No
	 * ordering needed: the mm_lock_seq read we rely on is below.
	 * (Every shared access is its own statement: C leaves the order of
	 * an operator's operands open, and the model's order must not
	 * depend on the compiler.)
	 */
	vm_seq = READ_ONCE(vma->vm_lock_seq);
	if (vm_seq == READ_ONCE(mm->mm_lock_seq)) {
		vma = NULL;
		goto err;
	}
	/*
	 * With F set the limited increment fails: L is below F.  Acquire:
	 * the later reads of vm_lock_seq and of the VMA's fields must not
	 * be satisfied before the increment (seed S1).
	 */
	if (variant(V_RELAXED_INC))	/* S1: no acquire */
		locked = __refcount_inc_not_zero_limited(&vma->vm_refcnt,
							 &oldcnt, VM_REFCNT_LIMIT);
	else
		locked = __refcount_inc_not_zero_limited_acquire(&vma->vm_refcnt,
								 &oldcnt,
								 VM_REFCNT_LIMIT);
	if (unlikely(!locked)) {
		/* -EAGAIN if the VMA got detached from under us. */
		vma = oldcnt ? NULL : VMA_EAGAIN;
		goto err;
	}
	__vma_lockdep_acquire_read(vma);

	/* The object may have been freed and reused for another mm. */
	if (!variant(V_NO_IDENTITY_CHECK) &&	/* S2 skips the check */
	    unlikely(vma_mm_of(vma) != mm))
		goto err_unstable;

	/*
	 * vm_lock_seq is stable: we hold a reference.  Acquire on the
	 * sequence: if we race with vma_end_write_all(), we read the VMA
	 * only after it was unlocked.  Pairs with the release in
	 * vma_end_write_all().
	 */
	vm_seq = READ_ONCE(vma->vm_lock_seq);
	if (unlikely((unsigned int)vm_seq == (unsigned int)raw_read_seqcount(mm))) {
		vma_refcount_put(vma);
		vma = NULL;
		goto err;
	}
	return vma;
err:
	rcu_read_unlock();
	return vma;
err_unstable:
	/*
	 * The VMA belongs to another mm now, which can be freed in the
	 * window after our put and before its rcuwait_wake_up(): pin it.
	 */
	other_mm = vma_mm_of(vma);	/* a copy: vma may go after the put */
	rcu_read_unlock();
	lifetime_window();	/* the search's, not the kernel's */
	if (variant(V_UNSTABLE_WAKES_OWN_MM)) {	/* D2: the wrong rcuwait */
		__vma_refcount_put_wake(vma, mm);
		return NULL;
	}
	if (!variant(V_UNSTABLE_NO_PIN))	/* D1: no pin */
		mmgrab(other_mm);
	vma_refcount_put(vma);
	if (!variant(V_UNSTABLE_NO_PIN))
		mmdrop(other_mm);
	return NULL;
}

/*
 * Look up and read-lock the VMA covering address, under RCU.  The VMA
 * returned is stable, attached to mm and covers address; NULL means fall
 * back to the mmap lock.
 */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm,
					  unsigned long address)
{
	struct vm_area_struct *vma;
	uint64_t mark;

retry:
	mark = sim_spin_mark();	/* the simulator's fairness, not the kernel's */
	rcu_read_lock();
	vma = mas_walk(mm, address);
	if (!vma) {
		rcu_read_unlock();
		goto inval;
	}
	vma = vma_start_read(mm, vma);
	if (vma == VMA_EAGAIN) {
		sim_note("vma_start_read -> -EAGAIN: walk again");
		/* Detached after we found it: walk again from the top.  The
		 * writer holds the mmap lock and will remove it; wait for it
		 * to make progress rather than spin. */
		sim_spin(mark, SIM_SITE("lock_vma_under_rcu: -EAGAIN, retry"));
		goto retry;
	}
	if (!vma)
		goto inval;	/* RCU already released */
	/* A stable reference: no more RCU rules for the fields. */
	rcu_read_unlock();

	/* Is the VMA we locked the one that covers address? */
	if (!variant(V_NO_IDENTITY_CHECK) &&	/* S2 skips the check */
	    unlikely(address < PLAIN_READ_STABLE(vma->vm_start) ||
		     address >= PLAIN_READ_STABLE(vma->vm_end))) {
		vma_end_read(vma);
		goto inval;
	}
	return vma;
inval:
	return NULL;
}

/*
 * The mmap-lock fallback of lock_next_vma(): the next VMA from from_addr
 * looked up again under the mmap read lock (killable), and read-locked
 * with vma_start_read_locked().  The VMA, NULL at the end,
 * ERR_PTR(-EAGAIN) at the reader limit or ERR_PTR(-EINTR); no mmap lock
 * held on return.
 */
static struct vm_area_struct *
lock_next_vma_under_mmap_lock(struct mm_struct *mm, struct vma_iterator *vmi,
			      unsigned long from_addr)
{
	struct vm_area_struct *vma;
	int ret;

	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ERR_PTR(ret);
	vma_iter_set(vmi, from_addr);
	vma = vma_next(vmi);
	/* Only the reader limit can refuse: we hold the mmap lock. */
	if (vma && unlikely(!vma_start_read_locked(vma)))
		vma = ERR_PTR(-EAGAIN);
	mmap_read_unlock(mm);
	return vma;
}

struct vm_area_struct *lock_next_vma(struct mm_struct *mm,
				     struct vma_iterator *vmi,
				     unsigned long from_addr)
{
	struct vm_area_struct *vma;
	unsigned int mm_wr_seq;
	bool mmap_unlocked;
	uint64_t mark;

retry:
	mark = sim_spin_mark();	/* the simulator's fairness, not the kernel's */
	/* Speculate on the mmap lock, in case the VMA must be checked later. */
	mmap_unlocked = mmap_lock_speculate_try_begin(mm, &mm_wr_seq);
	vma = vma_next(vmi);
	if (!vma)
		return NULL;
	vma = vma_start_read(mm, vma);
	if (vma == VMA_EAGAIN) {
		sim_note("vma_start_read -> -EAGAIN: walk again from %#lx", from_addr);
		/* Detached from under us: look again from the last address,
		 * once the detacher made progress (as lock_vma_under_rcu()). */
		sim_spin(mark, SIM_SITE("lock_next_vma: -EAGAIN, retry"));
		rcu_read_lock();
		vma_iter_set(vmi, from_addr);
		goto retry;
	}
	if (!vma)
		goto fallback;	/* RCU already released */
	/* Not behind the last position (a reused object may be anywhere). */
	if (unlikely(from_addr >= PLAIN_READ_STABLE(vma->vm_end)))
		goto fallback_unlock;
	/*
	 * Ahead of the last position: it must not have shrunk, nor a VMA
	 * been installed in the gap before it, or the walk would see a gap
	 * that is not there.  Walk again only if the address space may have
	 * changed since the speculation began.
	 */
	if (from_addr < PLAIN_READ_STABLE(vma->vm_start)) {
		if (!mmap_unlocked || mmap_lock_speculate_retry(mm, mm_wr_seq)) {
			vma_iter_set(vmi, from_addr);
			if (vma != vma_next(vmi))
				goto fallback_unlock;
		}
	}
	return vma;
fallback_unlock:
	rcu_read_unlock();
	vma_end_read(vma);
fallback:
	sim_note("lock_next_vma: mmap_read_lock fallback from %#lx", from_addr);
	vma = lock_next_vma_under_mmap_lock(mm, vmi, from_addr);
	rcu_read_lock();
	/* The iterator again, in the new RCU read section. */
	vma_iter_set(vmi, IS_ERR_OR_NULL(vma) ? from_addr
					      : PLAIN_READ_STABLE(vma->vm_end));
	return vma;
}
