/* SPDX-License-Identifier: MIT */
/*
 * vma_lock.cpp - the out-of-line half of the port: src/lock/mmap_lock.c,
 * the parts of src/lock/mm.c the lock leans on, and the operations of
 * src/harness/ops.c the tests run.  Same names, same steps, same orders.
 */
#include "vma_lock.hpp"

namespace vl {

world *W;

/* ---- mmap_lock.h: the mmap lock and its sequence ---- */

/* mm_lock_seqcount_begin(): a release store (mmap_lock.h explains why),
 * then smp_wmb().  Pairs with the acquire of raw_read_seqcount(). */
void mmap_write_lock(mm_struct *mm)
{
	rl::rl_pthread_rwlock_wrlock(&mm->mmap_lock, $);
	W->g.mmap_held[mm->idx] |= 1u << self();
	int seq = mm->mm_lock_seq($).load(VL_RELAXED);

	mm->mm_lock_seq($).store(seq + 1, VL_RELEASE);
	smp_wmb();
}

void mmap_write_unlock(mm_struct *mm)
{
	vma_end_write_all(mm);
	W->g.mmap_held[mm->idx] &= ~(1u << self());
	rl::rl_pthread_rwlock_unlock(&mm->mmap_lock, $);
}

void mmap_read_lock(mm_struct *mm)
{
	rl::rl_pthread_rwlock_rdlock(&mm->mmap_lock, $);
	W->g.mmap_held[mm->idx] |= 1u << self();
}

void mmap_read_unlock(mm_struct *mm)
{
	W->g.mmap_held[mm->idx] &= ~(1u << self());
	rl::rl_pthread_rwlock_unlock(&mm->mmap_lock, $);
}

/* vma_refcount_put(): copy vm_mm first, release lockdep, decrement with
 * release; wake the waiter from the RMW's own result. */
void vma_refcount_put(vm_area_struct *vma)
{
	mm_struct *mm = NULL;
	int newcnt;

	if (!variant(V_MM_AFTER_PUT))
		mm = vma_mm_of(vma);
	if (!variant(V_LOCKDEP_AFTER_PUT))
		__vma_lockdep_release_read(vma);
	newcnt = (int)__vma_refcount_put_return(vma);
	W->g.ref(vma->idx, self(), -1);
	if (variant(V_LOCKDEP_AFTER_PUT) && newcnt)	/* S4 */
		__vma_lockdep_release_read(vma);
	if (newcnt && __vma_are_readers_excluded(newcnt)) {
		if (variant(V_MM_AFTER_PUT))	/* S3: read after the drop */
			mm = vma_mm_of(vma);
		rcuwait_wake_up(&mm->vma_writer_wait);
	}
}

/* ---- mmap_lock.c ---- */

struct vma_exclude_readers_state {
	vm_area_struct *vma;
	int state;
	bool detaching;
	bool detached;
	bool exclusive;
};

static void __vma_end_exclude_readers(vma_exclude_readers_state *ves)
{
	vm_area_struct *vma = ves->vma;

	WARN_ON_ONCE(ves->detached);
	/* Release: publishes vm_lock_seq to the readers' acquire increment. */
	ves->detached = refcount_sub_and_test(VM_REFCNT_EXCLUDE_READERS_FLAG,
					      &vma->vm_refcnt);
	__vma_lockdep_release_exclusive(vma);
}

static int get_target_refcnt(vma_exclude_readers_state *ves)
{
	int tgt = ves->detaching ? 0 : 1;

	if (variant(V_WRITE_WAITS_FOR_F))	/* S5: the detach target */
		tgt = 0;
	if (variant(V_DETACH_WAITS_FOR_F1))	/* S5: the write target */
		tgt = 1;
	return tgt | VM_REFCNT_EXCLUDE_READERS_FLAG;
}

/* The writer's poll: acquire (the kernel's control dependency), pairs
 * with the release of the readers' puts. */
static bool vma_refcnt_reached(vm_area_struct *vma, int target)
{
	return vma->vm_refcnt($).load(VL_ACQUIRE) == target;
}

static int __vma_start_exclude_readers(vma_exclude_readers_state *ves)
{
	vm_area_struct *vma = ves->vma;

	if (!refcount_add_not_zero(VM_REFCNT_EXCLUDE_READERS_FLAG,
				   &vma->vm_refcnt)) {
		ves->detached = true;
		return 0;
	}
	__vma_lockdep_acquire_exclusive(vma);
	rcuwait_wait_event(&vma_mm_of(vma)->vma_writer_wait,
			   vma_refcnt_reached, vma, get_target_refcnt(ves));
	ves->exclusive = true;
	return 0;
}

int __vma_start_write(vm_area_struct *vma, int state)
{
	const int mm_lock_seq = __vma_raw_mm_seqnum(vma);
	vma_exclude_readers_state ves = { vma, state, false, false, false };
	int err = __vma_start_exclude_readers(&ves);

	if (err)
		return err;
	WRITE_ONCE(vma->vm_lock_seq, mm_lock_seq);
	if (ves.exclusive) {
		__vma_end_exclude_readers(&ves);
		WARN_ON_ONCE(ves.detached);
	}
	return 0;
}

void __vma_exclude_readers_for_detach(vm_area_struct *vma)
{
	vma_exclude_readers_state ves = { vma, TASK_UNINTERRUPTIBLE, true,
					  false, false };
	int err = __vma_start_exclude_readers(&ves);

	if (!err && ves.exclusive)
		__vma_end_exclude_readers(&ves);
	WARN_ON_ONCE(!ves.detached);
}

static vm_area_struct *const VMA_EAGAIN = (vm_area_struct *)(intptr_t)-11;

static vm_area_struct *vma_start_read(mm_struct *mm, vm_area_struct *vma)
{
	mm_struct *other_mm;
	int vm_seq;
	bool locked;
	int oldcnt = 0;

	vm_seq = READ_ONCE(vma->vm_lock_seq);
	if (vm_seq == READ_ONCE(mm->mm_lock_seq)) {
		vma = NULL;
		goto err;
	}
	if (variant(V_RELAXED_INC))	/* S1: no acquire */
		locked = vma_refcount_inc_limited(vma, &oldcnt, VL_RELAXED);
	else
		locked = vma_refcount_inc_limited(vma, &oldcnt, VL_ACQUIRE);
	if (!locked) {
		vma = oldcnt ? NULL : VMA_EAGAIN;
		goto err;
	}
	__vma_lockdep_acquire_read(vma);
	if (!variant(V_NO_IDENTITY_CHECK) && vma_mm_of(vma) != mm)
		goto err_unstable;
	/* Acquire on the sequence: pairs with the release in
	 * vma_end_write_all(). */
	vm_seq = READ_ONCE(vma->vm_lock_seq);
	if (vm_seq == smp_load_acquire(&mm->mm_lock_seq)) {
		vma_refcount_put(vma);
		vma = NULL;
		goto err;
	}
	return vma;
err:
	rcu_read_unlock();
	return vma;
err_unstable:
	/* The other mm can be freed after our put: pin it across it. */
	other_mm = vma_mm_of(vma);
	rcu_read_unlock();
	mmgrab(other_mm);
	vma_refcount_put(vma);
	mmdrop(other_mm);
	return NULL;
}

vm_area_struct *lock_vma_under_rcu(mm_struct *mm, unsigned long address)
{
	vm_area_struct *vma;

retry:
	rcu_read_lock();
	vma = mas_walk(mm, address);
	if (!vma) {
		rcu_read_unlock();
		return NULL;
	}
	vma = vma_start_read(mm, vma);
	if (vma == VMA_EAGAIN) {
		/* The writer holds the mmap lock: let it progress. */
		rl::yield(1, $);
		goto retry;
	}
	if (!vma)
		return NULL;
	rcu_read_unlock();
	if (!variant(V_NO_IDENTITY_CHECK) &&
	    (address < (uintptr_t)vma->vm_start($) ||
	     address >= (uintptr_t)vma->vm_end($))) {
		vma_end_read(vma);
		return NULL;
	}
	return vma;
}

/* ---- mm.c ---- */

void mmgrab(mm_struct *mm)
{
	W->g.mm_touch(mm->idx);
	mm->mm_count($).fetch_add(1, VL_RELAXED);
}

static void mm_count_put(mm_struct *mm)
{
	W->g.mm_touch(mm->idx);
	/* atomic_dec_and_test() is fully ordered. */
	if (mm->mm_count($).fetch_sub(1, VL_SEQ_CST) == 1)
		W->g.mm_freed[mm->idx] = true;	/* __mmdrop() */
}

void mmdrop(mm_struct *mm)
{
	mm_count_put(mm);
}

/* rcuwait_wait_event(): publish ourselves, then loop { set our state (a
 * full barrier); condition?  sleep }.  Pairs with the smp_mb() of
 * rcuwait_wake_up().  schedule() is a wait on the task's semaphore,
 * wake_up_process() a post when the task was not running: a wake-up that
 * comes before the sleep is not lost, as with the kernel's task state. */
void rcuwait_wait_event(atomic_t *w, bool (*cond)(vm_area_struct *, int),
			vm_area_struct *vma, int target)
{
	int me = self();

	(*w)($).store(me + 1, VL_RELEASE);
	for (;;) {
		W->task_state[me]($).store(TASK_UNINTERRUPTIBLE, VL_RELAXED);
		smp_mb();	/* set_current_state() */
		if (cond(vma, target))
			break;
		rl::rl_sem_wait(&W->task_sem[me], $);	/* schedule() */
	}
	(*w)($).store(0, VL_RELEASE);
	W->task_state[me]($).store(0, VL_RELAXED);
}

bool rcuwait_wake_up(atomic_t *w)
{
	smp_mb();
	int task = (*w)($).load(VL_ACQUIRE);

	if (!task)
		return false;
	/* wake_up_process(): running again; post if it was not. */
	if (W->task_state[task - 1]($).exchange(0, VL_RELAXED) == 0)
		return false;
	rl::rl_sem_post(&W->task_sem[task - 1], $);
	return true;
}

static int page_of(unsigned long addr)
{
	return (int)(addr / VMT_PAGE_SIZE) - 1;
}

static vm_area_struct *slot_vma(int v)
{
	return v ? &W->vma[v - 1] : NULL;
}

/* rcu_dereference(), pairs with rcu_assign_pointer() of vma_iter_store(). */
vm_area_struct *mas_walk(mm_struct *mm, unsigned long addr)
{
	return slot_vma(mm->mm_mt[page_of(addr)]($).load(VL_ACQUIRE));
}

vm_area_struct *vma_lookup(mm_struct *mm, unsigned long addr)
{
	return slot_vma(mm->mm_mt[page_of(addr)]($).load(VL_RELAXED));
}

void vma_iter_store(mm_struct *mm, vm_area_struct *vma, unsigned long start,
		    unsigned long end)
{
	for (unsigned long a = start; a < end; a += VMT_PAGE_SIZE)
		mm->mm_mt[page_of(a)]($).store(vma->idx + 1, VL_RELEASE);
}

void vma_iter_clear(mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long a = start; a < end; a += VMT_PAGE_SIZE)
		mm->mm_mt[page_of(a)]($).store(0, VL_RELAXED);
}

/* vma_lock_init(vma, false): vm_refcnt left alone; the dep map is set. */
static void vma_lock_init(vm_area_struct *vma)
{
	vma->vmlock_dep_map($) = 1;
	WRITE_ONCE(vma->vm_lock_seq, -1);
}

/* The type-safe cache: a freed object comes back first (LIFO), to any mm;
 * the slab lock orders a free before the alloc that reuses the object. */
vm_area_struct *vm_area_alloc(mm_struct *mm)
{
	vm_area_struct *vma = NULL;

	rl::rl_pthread_mutex_lock(&W->slab_lock, $);
	if (W->nfree)
		vma = &W->vma[W->free_list[--W->nfree]];
	else if (W->nfresh < VMA_POOL_SIZE)
		vma = &W->vma[W->nfresh++];
	rl::rl_pthread_mutex_unlock(&W->slab_lock, $);
	if (!vma)
		return NULL;
	W->g.owner[vma->idx] = mm->idx;
	vma->vm_mm($) = mm_id(mm);
	vma_lock_init(vma);
	return vma;
}

void vm_area_free(vm_area_struct *vma)
{
	WARN_ON_ONCE(vma_is_attached(vma));
	W->g.writer[vma->idx] = -1;
	/* The free pointer overlays vm_start/vm_end. */
	vma->vm_start($) = VMA_FREEPTR_POISON;
	vma->vm_end($) = VMA_FREEPTR_POISON;
	rl::rl_pthread_mutex_lock(&W->slab_lock, $);
	W->free_list[W->nfree++] = vma->idx;
	rl::rl_pthread_mutex_unlock(&W->slab_lock, $);
}

/* ---- the operations (src/harness/ops.c) ---- */

static void read_payload(vm_area_struct *vma)
{
	uintptr_t flags = vma->vm_flags($);
	uintptr_t pgoff = vma->vm_pgoff($);

	ghost::payload(flags, pgoff);
}

static void write_payload(vm_area_struct *vma, uintptr_t v)
{
	vma->vm_flags($) = v;
	vma->vm_pgoff($) = v;
}

void op_fault(mm_struct *mm, unsigned long addr)
{
	vm_area_struct *vma = lock_vma_under_rcu(mm, addr);

	if (vma) {
		W->g.read_locked(vma->idx, mm->idx, addr);
		read_payload(vma);
		W->g.read_unlock(vma->idx);
		vma_end_read(vma);
		return;
	}
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		read_payload(vma);
	mmap_read_unlock(mm);
}

void op_write(mm_struct *mm, unsigned long addr, uintptr_t v)
{
	mmap_write_lock(mm);
	vm_area_struct *vma = vma_lookup(mm, addr);

	if (vma) {
		vma_start_write(vma);
		W->g.write_locked(vma->idx, self());
		write_payload(vma, v);
	}
	mmap_write_unlock(mm);
}

/* mmap: in the tree first, attached after (a reader finding it now sees
 * vm_refcnt 0 and retries). */
void op_map(mm_struct *mm, unsigned long start, unsigned long end, uintptr_t v)
{
	mmap_write_lock(mm);
	vm_area_struct *vma = vm_area_alloc(mm);

	if (vma) {
		vma->vm_start($) = start;
		vma->vm_end($) = end;
		W->g.start[vma->idx] = start;
		W->g.end[vma->idx] = end;
		write_payload(vma, v);
		vma_start_write(vma);
		vma_iter_store(mm, vma, start, end);
		vma_mark_attached(vma);
	}
	mmap_write_unlock(mm);
}

void op_unmap(mm_struct *mm, unsigned long addr)
{
	mmap_write_lock(mm);
	vm_area_struct *vma = vma_lookup(mm, addr);

	if (vma) {
		vma_start_write(vma);
		W->g.write_locked(vma->idx, self());
		vma_mark_detached(vma);
		W->g.detached(vma->idx);
		vma_iter_clear(mm, vma->vm_start($), vma->vm_end($));
		vm_area_free(vma);
	}
	mmap_write_unlock(mm);
}

/* ---- the world of one iteration ---- */

void world_init(world *w)
{
	W = w;
	w->g.init();
	w->nfree = 0;
	w->nfresh = 0;
	rl::rl_pthread_mutex_init(&w->slab_lock, NULL, $);
	for (int t = 0; t < MAX_TASKS; t++) {
		w->task_state[t]($).store(0, VL_RELAXED);
		rl::rl_sem_init(&w->task_sem[t], 0, 0, $);
	}
	for (int i = 0; i < VMA_POOL_SIZE; i++) {
		vm_area_struct *vma = &w->vma[i];

		vma->idx = i;
		vma->vm_start($) = 0;
		vma->vm_end($) = 0;
		vma->vm_mm($) = 0;
		vma->vm_flags($) = 0;
		vma->vm_pgoff($) = 0;
		vma->vmlock_dep_map($) = 0;
		vma->vm_lock_seq($).store(-1, VL_RELAXED);
		vma->vm_refcnt($).store(0, VL_RELAXED);
	}
	for (int m = 0; m < MM_POOL_SIZE; m++) {
		mm_struct *mm = &w->mm[m];

		mm->idx = m;
		rl::rl_pthread_rwlock_init(&mm->mmap_lock, NULL, $);
		mm->mm_lock_seq($).store(0, VL_RELAXED);
		mm->vma_writer_wait($).store(0, VL_RELAXED);
		mm->mm_count($).store(1, VL_RELAXED);
		for (int p = 0; p < VMT_PAGES; p++)
			mm->mm_mt[p]($).store(0, VL_RELAXED);
	}
}

void world_fini(world *w)
{
	for (int m = 0; m < MM_POOL_SIZE; m++)
		rl::rl_pthread_rwlock_destroy(&w->mm[m].mmap_lock, $);
	for (int t = 0; t < MAX_TASKS; t++)
		rl::rl_sem_destroy(&w->task_sem[t], $);
	rl::rl_pthread_mutex_destroy(&w->slab_lock, $);
}

/* The initial layout, set up before the threads start (no locks: Relacy
 * runs before() with the scheduler off): mapped, in the tree, attached. */
vm_area_struct *map_initial(mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	vm_area_struct *vma = &W->vma[W->nfresh++];

	W->g.owner[vma->idx] = mm->idx;
	W->g.start[vma->idx] = start;
	W->g.end[vma->idx] = end;
	W->g.attached[vma->idx] = true;
	vma->vm_mm($) = mm_id(mm);
	vma->vm_start($) = start;
	vma->vm_end($) = end;
	write_payload(vma, 1);
	vma_lock_init(vma);
	vma_iter_store(mm, vma, start, end);
	vma->vm_refcnt($).store(1, VL_RELEASE);
	return vma;
}

} /* namespace vl */
