/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the operations: what the kernel's callers of the lock do (the
 * page-fault handler, munmap, mprotect-like writers, mmap, exit_mmap),
 * each built from the lock's API the way the kernel builds it, each
 * reporting to the oracles what it learns.
 *
 * One source for both backends, written against the kernel's API names:
 * compiled against the model (ops_model.h) and, in the kernel backend,
 * once per compiled copy of the kernel's files against that copy's
 * mmap_lock.h (src/kernel/kglue.h, which gives the functions below the
 * copy's prefix).  The glue gives what is not the lock's API: the world
 * (vma_lookup, vm_area_alloc/free, vma_iter_store/clear, mm_range_free),
 * index fields (VMA_IDX, MM_IDX) and plain accesses (PLAIN_READ/WRITE).
 */
#ifdef VMLOCK_KCOPY
#include "kglue.h"
#else
#include "ops_model.h"
#endif
#include "ops.h"

#include "../lock/variant.h"
#include "../util/assert.h"

/* Read the payload pair; a half-done update shows as a mismatch.  The
 * reader holds the mmap lock or a VMA lock: vma_assert_stabilised(), as
 * the kernel's readers of a VMA's fields assert (anon_vma_name()). */
static void read_payload(struct vm_area_struct *vma)
{
	vma_assert_stabilised(vma);
	uintptr_t flags = PLAIN_READ(vma->vm_flags);
	uintptr_t pgoff = PLAIN_READ(vma->vm_pgoff);

	check_payload_at(VMA_IDX(vma), flags, pgoff);
}

/* A writer's change: the same new value into both fields, one by one. */
static void write_payload(struct vm_area_struct *vma, uintptr_t v)
{
	check_mutation_at(VMA_IDX(vma));
	PLAIN_WRITE(vma->vm_flags, v);
	PLAIN_WRITE(vma->vm_pgoff, v);
}

/*
 * A VMA's new range (__split_vma()'s stores, commit_merge()'s
 * vma_set_range()): only detached or write-locked.  7.3 asserts it with
 * vma_assert_can_modify() where the range's start moves vm_pgoff
 * (vma_add_pgoff(), vma_sub_pgoff()); here every range change asserts it.
 * The oracles see the change of an attached VMA as a mutation.  vm_pgoff,
 * the payload here, keeps its value (the kernel moves it with vm_start).
 */
static void set_range(struct vm_area_struct *vma, unsigned long start,
		      unsigned long end)
{
	vma_assert_can_modify(vma);
	check_mutation_at(VMA_IDX(vma));
	PLAIN_WRITE(vma->vm_start, start);
	PLAIN_WRITE(vma->vm_end, end);
}

static uintptr_t new_payload(struct op_ctx *c)
{
	return ((uintptr_t)c->tid << 16) | ++c->writes;
}

/* Write-lock one VMA for a change; false if a fatal signal ended it. */
static bool write_lock_vma(struct vm_area_struct *vma, bool killable)
{
	int killed = 0;

	if (killable)
		killed = vma_start_write_killable(vma);
	else
		vma_start_write(vma);
	if (killed) {
		sim_note("vma_start_write_killable(#%u) -> -EINTR", VMA_IDX(vma));
		check_write_killed_at(VMA_IDX(vma));
		return false;
	}
	check_write_locked_at(VMA_IDX(vma));
	return true;
}

/*
 * mmap_read_lock() in the form the flags ask: the trylock first
 * (VMT_F_TRYLOCK), then the killable sleep (VMT_F_KILLABLE), else the
 * plain sleep.  Both flags are mm/mmap_lock.c's get_mmap_lock_carefully()
 * for a user-mode fault.  False, with no lock held, if a trylock alone
 * failed or a fatal signal ended the sleep (-EINTR).
 */
static bool mmap_read_lock_as(struct mm_struct *mm, unsigned flags)
{
	if ((flags & VMT_F_TRYLOCK) && mmap_read_trylock(mm))
		return true;
	if (flags == VMT_F_TRYLOCK) {
		sim_note("mmap_read_trylock -> busy");
		return false;
	}
	if (!(flags & VMT_F_KILLABLE)) {
		mmap_read_lock(mm);
		return true;
	}
	if (!mmap_read_lock_killable(mm))
		return true;
	sim_note("mmap_read_lock_killable -> -EINTR");
	return false;
}

/* find_vma(): the first VMA ending above addr, under the mmap lock. */
static struct vm_area_struct *find_vma_above(struct mm_struct *mm,
					     unsigned long addr)
{
	for (unsigned long a = addr; a <= vmt_page_addr(VMT_PAGES - 1);
	     a += VMT_PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, a);

		if (vma)
			return vma;
	}
	return NULL;
}

/* Is any VMA below addr?  The stack guard gap (256 pages by default) is
 * wider than the whole address space here: any one blocks the growth. */
static bool vma_below(struct mm_struct *mm, unsigned long addr)
{
	for (unsigned long a = vmt_page_addr(0); a < addr; a += VMT_PAGE_SIZE)
		if (vma_lookup(mm, a))
			return true;
	return false;
}

/*
 * expand_downwards() (mm/vma.c) under the mmap write lock: the VMA
 * write-locked before its start moves down to addr, vm_pgoff with it
 * (the payload), the tree overwritten.  -ENOMEM past the guard gap.
 */
static bool expand_stack_locked(struct mm_struct *mm, struct vm_area_struct *vma,
				unsigned long addr, struct op_ctx *c)
{
	if (vma_below(mm, addr))
		return false;
	write_lock_vma(vma, false);
	unsigned long start = PLAIN_READ(vma->vm_start);
	unsigned long end = PLAIN_READ(vma->vm_end);

	if (addr < start) {
		sim_note("expand_downwards(#%u) %#lx -> %#lx", VMA_IDX(vma), start, addr);
		vma_assert_can_modify(vma);	/* vma_sub_pgoff() */
		PLAIN_WRITE(vma->vm_start, addr);
		write_payload(vma, new_payload(c));
		vma_iter_store(mm, vma, addr, end);
	}
	return true;
}

/*
 * The unlock and re-lock upgrade of lock_mm_and_find_vma(): there is no
 * atomic upgrade (mmap_upgrade_trylock() is always false), so the read
 * lock is dropped, the write lock taken killably, the VMA looked up again
 * and re-checked; a success is downgraded.  NULL with no lock on failure.
 */
static struct vm_area_struct *upgrade_and_expand(struct op_ctx *c,
						 unsigned long addr, bool grows)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;

	mmap_read_unlock(mm);
	if (mmap_write_lock_killable(mm)) {
		sim_note("mmap_write_lock_killable -> -EINTR");
		return NULL;
	}
	vma = find_vma_above(mm, addr);
	if (!vma)
		goto fail;
	if (PLAIN_READ(vma->vm_start) <= addr)
		goto success;
	if (!grows || !expand_stack_locked(mm, vma, addr, c))
		goto fail;
success:
	mmap_write_downgrade(mm);
	return vma;
fail:
	mmap_write_unlock(mm);
	return NULL;
}

/*
 * lock_mm_and_find_vma() (mm/mmap_lock.c, CONFIG_LOCK_MM_AND_FIND_VMA): the
 * mmap read lock taken carefully, find_vma(); a VMA above the address that
 * grows down (VMT_F_STACK: the model has no VM_GROWSDOWN of its own) is
 * expanded under an upgraded lock.  The VMA, mmap read-locked, or NULL
 * with no lock.
 */
static struct vm_area_struct *lock_mm_and_find_vma(struct op_ctx *c,
						   unsigned long addr, bool grows)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;

	if (!mmap_read_lock_as(mm, VMT_F_TRYLOCK | VMT_F_KILLABLE))
		return NULL;
	vma = find_vma_above(mm, addr);
	if (vma && PLAIN_READ(vma->vm_start) <= addr)
		return vma;
	if (!vma || !grows) {
		mmap_read_unlock(mm);
		return NULL;
	}
	return upgrade_and_expand(c, addr, grows);
}

/* The fault's fallback: lock_mm_and_find_vma() (careful), or the plain
 * mmap_read_lock() and vma_lookup() of kernels before it. */
static void fault_fallback(struct op_ctx *c, unsigned long addr, unsigned flags)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;

	if (flags & VMT_F_CAREFUL) {
		vma = lock_mm_and_find_vma(c, addr, flags & VMT_F_STACK);
		if (!vma)
			return;		/* no lock held: the fault fails */
	} else {
		mmap_read_lock(mm);
		vma = vma_lookup(mm, addr);
	}
	if (vma) {
		check_lookup_at(VMA_IDX(vma), MM_IDX(mm), addr);
		read_payload(vma);
	}
	mmap_read_unlock(mm);
}

/* A page fault: the per-VMA lock under RCU, else the mmap lock. */
static void op_fault(struct op_ctx *c, const struct vmt_op *op)
{
	unsigned long addr = vmt_page_addr(op->page);
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;

	sim_note("fault %#lx", addr);
	vma = lock_vma_under_rcu(mm, addr);
	if (vma) {
		sim_note("lock_vma_under_rcu -> #%u", VMA_IDX(vma));
		check_read_locked_at(VMA_IDX(vma), MM_IDX(mm), addr, true);
		vma_assert_locked(vma);
		read_payload(vma);
		check_read_unlock_at(VMA_IDX(vma));
		vma_end_read(vma);
		return;
	}
	sim_note("lock_vma_under_rcu -> NULL: mmap_read_lock fallback");
	fault_fallback(c, addr, op->flags);
}

/*
 * The /proc/pid/maps reader (fs/proc/task_mmu.c, CONFIG_PER_VMA_LOCK): its
 * lock context and iterator.  Under RCU each step read-locks the next
 * VMA with lock_next_vma(); after the fallback the walk goes on under the
 * mmap read lock.
 */
struct maps_walk {
	struct mm_struct *mm;
	struct vma_iterator vmi;
	struct vm_area_struct *locked_vma;	/* lock_next_vma()'s, or NULL */
	bool mmap_locked;			/* the fallback's mmap read lock */
	bool held;		/* RCU or the mmap lock (false: a failed fallback) */
	unsigned flags;		/* the op's: the fallback's lock form */
};

/* unlock_ctx_vma(): drop the read lock of the VMA shown last. */
static void walk_unlock_vma(struct maps_walk *w)
{
	if (!w->locked_vma)
		return;
	check_read_unlock_at(VMA_IDX(w->locked_vma));
	vma_end_read(w->locked_vma);
	w->locked_vma = NULL;
}

/* lock_next_vma() and what it returned, noted; a VMA it returns is
 * read-locked (the caller checks it: a walk's or a query's). */
static struct vm_area_struct *walk_lock_next(struct mm_struct *mm,
					     struct vma_iterator *vmi,
					     unsigned long pos)
{
	struct vm_area_struct *vma = lock_next_vma(mm, vmi, pos);

	if (!vma) {
		sim_note("lock_next_vma -> NULL");
		return NULL;
	}
	if (IS_ERR(vma)) {
		sim_note("lock_next_vma -> %s",
			 PTR_ERR(vma) == -EAGAIN ? "-EAGAIN" : "-EINTR");
		return vma;
	}
	sim_note("lock_next_vma -> #%u", VMA_IDX(vma));
	return vma;
}

/* get_next_vma(): the next VMA from pos, read-locked under RCU, or the
 * map's next under the mmap lock; NULL at the end, or an error. */
static struct vm_area_struct *walk_get_next(struct maps_walk *w,
					    unsigned long pos)
{
	struct vm_area_struct *vma;

	if (w->mmap_locked)
		return vma_next(&w->vmi);
	walk_unlock_vma(w);
	vma = walk_lock_next(w->mm, &w->vmi, pos);
	if (IS_ERR_OR_NULL(vma))
		return vma;
	check_walk_locked_at(VMA_IDX(vma), MM_IDX(w->mm), pos);
	vma_assert_locked(vma);
	w->locked_vma = vma;
	return vma;
}

/* fallback_to_mmap_lock(): RCU traded for the mmap read lock, in the
 * op's form; false, with neither held, if the lock was not had. */
static bool walk_fallback(struct maps_walk *w, unsigned long pos)
{
	rcu_read_unlock();
	if (!mmap_read_lock_as(w->mm, w->flags & (VMT_F_KILLABLE | VMT_F_TRYLOCK))) {
		w->held = false;
		return false;
	}
	sim_note("walk: mmap_read_lock fallback from %#lx", pos);
	vma_iter_set(&w->vmi, pos);
	w->mmap_locked = true;
	return true;
}

/* proc_get_vma(): the next VMA, on -EAGAIN (the reader limit) from the
 * mmap lock instead; NULL at the end, or an error (-EINTR, or -EAGAIN
 * with nothing held if the fallback's lock was not had). */
static struct vm_area_struct *walk_next(struct maps_walk *w, unsigned long pos)
{
	struct vm_area_struct *vma = walk_get_next(w, pos);

	if (!IS_ERR(vma) || PTR_ERR(vma) != -EAGAIN || w->mmap_locked)
		return vma;
	if (!walk_fallback(w, pos))
		return vma;
	return walk_get_next(w, pos);
}

/* show_map_vma(): the VMA's range and payload, read under its read lock
 * or the mmap lock; the walk goes on from its end (*start: its start). */
static unsigned long walk_show(struct vm_area_struct *vma, unsigned long *start)
{
	*start = PLAIN_READ(vma->vm_start);
	unsigned long end = PLAIN_READ(vma->vm_end);

	sim_note("walk: #%u %#lx-%#lx", VMA_IDX(vma), *start, end);
	check_walk_show_at(VMA_IDX(vma));
	read_payload(vma);
	return end;
}

/* m_start(): lock_vma_range() (rcu_read_lock(), the context reset) and
 * the iterator at the walk's position. */
static void walk_start(struct maps_walk *w, unsigned long pos)
{
	rcu_read_lock();
	w->locked_vma = NULL;
	w->mmap_locked = false;
	w->held = true;
	vma_iter_init(&w->vmi, w->mm, pos);
}

/* m_stop(): unlock_vma_range(), the mmap lock or the last VMA's read
 * lock and RCU (nothing if a failed fallback left nothing held). */
static void walk_stop(struct maps_walk *w)
{
	if (!w->held)
		return;
	if (w->mmap_locked) {
		mmap_read_unlock(w->mm);
		w->mmap_locked = false;
		return;
	}
	walk_unlock_vma(w);
	rcu_read_unlock();
}

/*
 * One read() of /proc/pid/maps: m_start() at *pos, a VMA shown per
 * m_next(), m_stop().  chunk 0 shows every VMA; else the read() is full
 * after chunk VMAs: the next one is looked up (and read-locked) by one more
 * m_next() but not shown, m_stop() drops it, and the next read()'s
 * m_start() resumes from the end of the last VMA shown (priv->last_pos),
 * where it looks up afresh.  True if the walk goes on.  Each VMA shown
 * ends above *pos, so a walk shows at most VMT_PAGES.
 */
static bool walk_read(struct maps_walk *w, unsigned long *pos, unsigned chunk)
{
	unsigned long start = *pos;

	walk_start(w, *pos);
	for (unsigned shown = 0;; shown++) {
		VM_ASSERT(shown <= VMT_PAGES);
		struct vm_area_struct *vma = walk_next(w, *pos);

		if (IS_ERR_OR_NULL(vma))
			break;		/* the end, -EINTR or no lock */
		if (chunk && shown == chunk) {
			sim_note("walk: read() full at #%u", VMA_IDX(vma));
			walk_stop(w);
			/* test-only: resume from the VMA's start, not last_pos */
			if (ops_walk_resume_at_start)
				*pos = start;
			return true;
		}
		*pos = walk_show(vma, &start);
	}
	walk_stop(w);
	return false;
}

/*
 * Read every VMA from the address up, as reading /proc/pid/maps does: in
 * one read() (chunk 0: the v3 walk) or in read() calls of chunk VMAs
 * each, with the locks dropped between them.
 */
static void op_walk(struct op_ctx *c, const struct vmt_op *op)
{
	struct maps_walk w = { .mm = c->mm, .flags = op->flags };
	unsigned long pos = vmt_page_addr(op->page);
	unsigned chunk = vmt_walk_chunk(op);

	if (chunk)
		sim_note("walk %#lx chunk %u", pos, chunk);
	else
		sim_note("walk %#lx", pos);
	check_walk_begin();
	for (unsigned reads = 0; walk_read(&w, &pos, chunk); reads++) {
		VM_ASSERT(reads < VMT_PAGES);
		sim_note("walk: read() resumes at %#lx", pos);
	}
}

/*
 * query_vma_find_by_addr() (fs/proc/task_mmu.c, CONFIG_PER_VMA_LOCK): one
 * lock_next_vma() step from addr under RCU; on -EAGAIN (the reader limit)
 * find_vma() under the mmap read lock (in the op's form: the kernel takes
 * the plain one).  The VMA covering addr or the first above it, NULL if
 * none, or an error (-EINTR, or -EAGAIN with nothing held).
 */
static struct vm_area_struct *query_find(struct maps_walk *w, unsigned long addr)
{
	struct vm_area_struct *vma;

	rcu_read_lock();
	vma_iter_init(&w->vmi, w->mm, addr);
	/* test-only: the lookup a page above the address */
	vma = walk_lock_next(w->mm, &w->vmi,
			     ops_query_skips_page ? addr + VMT_PAGE_SIZE : addr);
	rcu_read_unlock();
	if (!IS_ERR_OR_NULL(vma)) {
		w->locked_vma = vma;
		return vma;
	}
	if (!IS_ERR(vma) || PTR_ERR(vma) != -EAGAIN)
		return vma;
	if (!mmap_read_lock_as(w->mm, w->flags & (VMT_F_KILLABLE | VMT_F_TRYLOCK)))
		return vma;
	sim_note("query: mmap_read_lock fallback");
	w->mmap_locked = true;
	return find_vma_above(w->mm, addr);
}

/*
 * The PROCMAP_QUERY ioctl with PROCMAP_QUERY_COVERING_OR_NEXT_VMA
 * (do_procmap_query()): query_vma_setup(), the VMA found by address, its
 * range and payload read, query_vma_teardown() (its read lock, or the
 * mmap lock of the fallback).  No VMA is -ENOENT.
 */
static void op_query(struct op_ctx *c, const struct vmt_op *op)
{
	struct maps_walk w = { .mm = c->mm, .flags = op->flags };
	unsigned long addr = vmt_page_addr(op->page);
	struct vm_area_struct *vma;
	unsigned long start, end;

	sim_note("query %#lx", addr);
	check_query_begin(MM_IDX(w.mm));
	vma = query_find(&w, addr);
	if (!IS_ERR_OR_NULL(vma)) {
		check_query_at(VMA_IDX(vma), MM_IDX(w.mm), addr, !w.mmap_locked);
		if (!w.mmap_locked)
			vma_assert_locked(vma);
		/* One read a statement: the order of the accesses is the trace's. */
		start = PLAIN_READ(vma->vm_start);
		end = PLAIN_READ(vma->vm_end);
		sim_note("query: #%u %#lx-%#lx", VMA_IDX(vma), start, end);
		read_payload(vma);
	} else if (!vma) {
		check_query_at(-1, MM_IDX(w.mm), addr, false);
		sim_note("query -> -ENOENT");
	}
	if (w.mmap_locked)
		mmap_read_unlock(w.mm);
	else
		walk_unlock_vma(&w);
}

/* Trade the mmap read lock (in the flags' form) for a VMA read lock. */
static void op_read_locked(struct op_ctx *c, const struct vmt_op *op)
{
	unsigned long addr = vmt_page_addr(op->page);
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;
	bool locked = false;

	if (vmt_op_is_query(op)) {
		op_query(c, op);
		return;
	}
	if (op->flags & VMT_F_WALK) {
		op_walk(c, op);
		return;
	}
	sim_note("read-locked %#lx", addr);
	if (!mmap_read_lock_as(mm, op->flags))
		return;
	vma = vma_lookup(mm, addr);
	if (vma && vma_start_read_locked(vma)) {
		locked = true;
		check_read_locked_at(VMA_IDX(vma), MM_IDX(mm), addr, false);
	}
	mmap_read_unlock(mm);
	if (!locked)
		return;
	vma_assert_locked(vma);
	read_payload(vma);
	check_read_unlock_at(VMA_IDX(vma));
	vma_end_read(vma);
}

/* The ranges an operation left, read back (for traces and tests). */
static void note_ranges(const char *what, struct vm_area_struct *lo,
			struct vm_area_struct *hi)
{
	unsigned long ls = PLAIN_READ_STABLE(lo->vm_start);
	unsigned long le = PLAIN_READ_STABLE(lo->vm_end);

	if (!hi) {
		sim_note("%s #%u [%#lx, %#lx)", what, VMA_IDX(lo), ls, le);
		return;
	}
	/* One read a statement: the order of the accesses is the trace's. */
	unsigned long hs = PLAIN_READ_STABLE(hi->vm_start);
	unsigned long he = PLAIN_READ_STABLE(hi->vm_end);

	sim_note("%s #%u [%#lx, %#lx) #%u [%#lx, %#lx)", what, VMA_IDX(lo), ls, le,
		 VMA_IDX(hi), hs, he);
}

/* vma_complete()'s vma_iter_store_new(): attached, then stored over its
 * range as it stands. */
static void publish_new(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned long start, end;

	vma_mark_attached(vma);
	start = PLAIN_READ_STABLE(vma->vm_start);
	end = PLAIN_READ_STABLE(vma->vm_end);
	vma_iter_store(mm, vma, start, end);
}

/*
 * __split_vma() (mm/vma.c) in its order: the part of vma below addr
 * (new_below) or from addr on goes to a vm_area_dup() copy, whose range is
 * set while it is detached; both are write-locked (the copy's
 * vma_start_write() sets only its vm_lock_seq), vma shrinks, and
 * vma_complete() attaches the copy and stores it in the tree.  Readers
 * see the copy only write-locked, and only with its range.  False if the
 * cache is used up (-ENOMEM): nothing changed.
 */
static bool split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long addr, bool new_below)
{
	unsigned long start = PLAIN_READ_STABLE(vma->vm_start);
	unsigned long end = PLAIN_READ_STABLE(vma->vm_end);
	struct vm_area_struct *new = vm_area_dup(vma, 0);

	if (!new)
		return false;
	sim_note("split #%u at %#lx", VMA_IDX(vma), addr);
	if (ops_split_publish_early) {	/* test-only: the wrong order */
		vma_start_write(new);
		publish_new(mm, new);
	}
	set_range(new, new_below ? start : addr, new_below ? addr : end);
	write_lock_vma(vma, false);
	vma_start_write(new);
	set_range(vma, new_below ? addr : start, new_below ? end : addr);
	if (!ops_split_publish_early)
		publish_new(mm, new);
	note_ranges("split:", new_below ? new : vma, new_below ? vma : new);
	return true;
}

/* vma_modify()'s splits: a VMA reaching past [start, end) is split at the
 * range's ends, so the range is VMAs of its own.  False on -ENOMEM. */
static bool split_range(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	struct vm_area_struct *vma = vma_lookup(mm, start);

	if (vma && PLAIN_READ_STABLE(vma->vm_start) < start &&
	    !split_vma(mm, vma, start, true))
		return false;
	vma = vma_lookup(mm, end - VMT_PAGE_SIZE);
	if (vma && PLAIN_READ_STABLE(vma->vm_end) > end &&
	    !split_vma(mm, vma, end, false))
		return false;
	return true;
}

/* Change every VMA in [page, page + len) under the write lock, split
 * first to the range (VMT_F_SPLIT: mprotect(), madvise()). */
static void op_write(struct op_ctx *c, const struct vmt_op *op)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *done[2] = { NULL, NULL };
	unsigned last = op->page + op->len > VMT_PAGES ? VMT_PAGES : op->page + op->len;
	unsigned n = 0;

	sim_note("write %#lx+%u", vmt_page_addr(op->page), op->len);
	mmap_write_lock(mm);
	if ((op->flags & VMT_F_SPLIT) &&
	    !split_range(mm, vmt_page_addr(op->page), vmt_page_addr(last))) {
		sim_note("split -> -ENOMEM");
		mmap_write_unlock(mm);
		return;
	}
	for (unsigned p = op->page; p < last; p++) {
		struct vm_area_struct *vma = vma_lookup(mm, vmt_page_addr(p));

		if (!vma || vma == done[0])
			continue;
		if (!write_lock_vma(vma, op->flags & VMT_F_KILLABLE)) {
			mmap_write_unlock(mm);
			return;
		}
		write_payload(vma, new_payload(c));
		done[n++] = vma;
	}
	if (!(op->flags & VMT_F_DOWNGRADE)) {
		mmap_write_unlock(mm);
		return;
	}
	mmap_write_downgrade(mm);
	for (unsigned i = 0; i < n; i++)
		read_payload(done[i]);
	mmap_read_unlock(mm);
}

/* mmap: a new VMA, maybe a recycled object, published then attached. */
static void op_map(struct op_ctx *c, const struct vmt_op *op)
{
	struct mm_struct *mm = c->mm;
	unsigned long start = vmt_page_addr(op->page);
	unsigned last = op->page + op->len > VMT_PAGES ? VMT_PAGES : op->page + op->len;
	unsigned long end = vmt_page_addr(last - 1) + VMT_PAGE_SIZE;
	struct vm_area_struct *vma;

	sim_note("map %#lx-%#lx", start, end);
	mmap_write_lock(mm);
	if (!mm_range_free(mm, start, end)) {
		mmap_write_unlock(mm);
		return;
	}
	vma = vm_area_alloc(mm, op->arg);
	if (!vma) {
		/* The cache is exhausted: the mmap fails with -ENOMEM. */
		sim_note("vm_area_alloc() -> NULL: map fails, -ENOMEM");
		mmap_write_unlock(mm);
		return;
	}
	PLAIN_WRITE(vma->vm_start, start);
	PLAIN_WRITE(vma->vm_end, end);
	write_payload(vma, new_payload(c));
	vma_start_write(vma);		/* detached: only vm_lock_seq */
	/* In the tree first, attached after: a reader finding it now sees
	 * vm_refcnt 0 and retries (-EAGAIN). */
	vma_iter_store(mm, vma, start, end);
	vma_mark_attached(vma);
	mmap_write_unlock(mm);
}

/* Write-lock and detach vma (found under the mmap write lock). */
static void lock_and_detach(struct vm_area_struct *vma)
{
	write_lock_vma(vma, false);
	vma_mark_detached(vma);
	check_detached_at(VMA_IDX(vma));
}

/*
 * vma_merge_existing_range() into the lower neighbour, the VMA removed
 * (merge_left): is_mergeable_vma() reads the neighbour stabilised, both
 * are write-locked, commit_merge() sets the neighbour's range over the VMA
 * and overwrites the tree, vma_complete() detaches the VMA and frees it.
 * False if the page below the VMA is not mapped: nothing to merge with.
 */
static bool merge_into_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned long start = PLAIN_READ_STABLE(vma->vm_start);
	unsigned long end = PLAIN_READ_STABLE(vma->vm_end);
	struct vm_area_struct *prev = start > vmt_page_addr(0)
		? vma_lookup(mm, start - VMT_PAGE_SIZE) : NULL;

	if (!prev)
		return false;
	unsigned long prev_start = PLAIN_READ_STABLE(prev->vm_start);

	sim_note("merge #%u into #%u", VMA_IDX(vma), VMA_IDX(prev));
	vma_assert_stabilised(prev);	/* anon_vma_name() */
	write_lock_vma(vma, false);
	write_lock_vma(prev, false);
	set_range(prev, prev_start, end);
	vma_assert_attached(prev);	/* vma_iter_store_overwrite() */
	vma_iter_store(mm, prev, prev_start, end);
	vma_mark_detached(vma);
	check_detached_at(VMA_IDX(vma));
	vm_area_free(vma);
	note_ranges("merge:", prev, NULL);
	return true;
}

/* munmap: detach (still in the tree), remove, free; maybe downgraded.
 * With VMT_F_MERGE the VMA is merged into its lower neighbour instead,
 * if it has one (the downgrade is munmap's: not with a merge). */
static void op_unmap(struct op_ctx *c, const struct vmt_op *op)
{
	struct mm_struct *mm = c->mm;
	unsigned long addr = vmt_page_addr(op->page);
	struct vm_area_struct *vma;

	sim_note("%s %#lx", op->flags & VMT_F_MERGE ? "merge" : "unmap", addr);
	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma || ((op->flags & VMT_F_MERGE) && merge_into_prev(mm, vma))) {
		mmap_write_unlock(mm);
		return;
	}
	lock_and_detach(vma);
	unsigned long start = PLAIN_READ_STABLE(vma->vm_start);

	vma_iter_clear(mm, start, PLAIN_READ_STABLE(vma->vm_end));
	if (op->flags & VMT_F_DOWNGRADE) {
		mmap_write_downgrade(mm);
		vm_area_free(vma);
		mmap_read_unlock(mm);
	} else {
		vm_area_free(vma);
		mmap_write_unlock(mm);
	}
}

/* A munmap that fails after the detach: the VMA is attached again. */
static void op_reattach(struct op_ctx *c, const struct vmt_op *op)
{
	struct mm_struct *mm = c->mm;
	unsigned long addr = vmt_page_addr(op->page);
	struct vm_area_struct *vma;

	sim_note("unmap %#lx fails: reattach", addr);
	mmap_write_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma) {
		lock_and_detach(vma);
		vma_mark_attached(vma);
	}
	mmap_write_unlock(mm);
}

/* vma_iter_bulk_store(): in the tree over its range, then attached (a
 * reader finding it first sees vm_refcnt 0 and retries). */
static void bulk_store(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned long start = PLAIN_READ_STABLE(vma->vm_start);

	vma_iter_store(mm, vma, start, PLAIN_READ_STABLE(vma->vm_end));
	vma_mark_attached(vma);
}

/*
 * One turn of dup_mmap()'s loop (mm/mmap.c) for the parent's VMA mpnt:
 * mpnt write-locked (7.3: vma_start_write_killable()), its copy from
 * vm_area_dup() (maybe a recycled object a stale reader of either mm
 * still points at) moved to the child while detached (tmp->vm_mm = mm),
 * write-locked (detached: only vm_lock_seq, the child's sequence), stored
 * in the child's tree and attached; then copy_page_range(), which
 * write-protects the parent's page tables for copy-on-write: a change of
 * the parent, which is why the parent is write-locked (a fault under its
 * VMA lock must not run into it).  0, or -EINTR or -ENOMEM with no copy
 * of mpnt made.
 */
static int dup_vma(struct mm_struct *child, struct vm_area_struct *mpnt)
{
	struct vm_area_struct *tmp;

	if (!ops_fork_skip_parent_lock && !write_lock_vma(mpnt, true))
		return -EINTR;
	tmp = vm_area_dup(mpnt, 0);
	if (!tmp) {
		sim_note("vm_area_dup() -> NULL: fork fails, -ENOMEM");
		return -ENOMEM;
	}
	if (ops_fork_attach_early) {	/* test-only: the wrong order */
		vma_start_write(tmp);
		bulk_store(child, tmp);
	}
	vma_set_vm_mm(tmp, child);
	vma_start_write(tmp);
	if (!ops_fork_attach_early)
		bulk_store(child, tmp);
	check_mutation_at(VMA_IDX(mpnt));	/* copy_page_range() */
	sim_note("fork: #%u copies #%u", VMA_IDX(tmp), VMA_IDX(mpnt));
	return 0;
}

/* dup_mmap()'s failure (loop_out): tear_down_vmas() of the copies made,
 * each detached (write-locked with the child's sequence: the child's
 * mmap write lock is still held), removed and freed. */
static void dup_tear_down(struct mm_struct *child)
{
	for (int p = 0; p < VMT_PAGES; p++) {
		struct vm_area_struct *vma = vma_lookup(child, vmt_page_addr(p));

		if (!vma)
			continue;
		vma_mark_detached(vma);
		check_detached_at(VMA_IDX(vma));
		/* remove_vma(), as exit_mmap()'s (which keeps its own copy:
		 * a site's function is part of the trace hash). */
		unsigned long start = PLAIN_READ_STABLE(vma->vm_start);

		vma_iter_clear(child, start, PLAIN_READ_STABLE(vma->vm_end));
		vm_area_free(vma);
	}
}

/*
 * dup_mmap() (mm/mmap.c, 7.3) into the empty child: the parent's mmap
 * write lock (killable), the child's nested under it, each parent VMA
 * copied in address order; on failure the copies made are torn down.
 * The child's lock is dropped first, then the parent's: the parent's
 * VMAs stay write-locked until then.  0 or the error.
 */
static int dup_mmap(struct mm_struct *child, struct mm_struct *oldmm)
{
	struct vm_area_struct *prev = NULL;
	int ret = 0;

	if (mmap_write_lock_killable(oldmm)) {
		sim_note("mmap_write_lock_killable -> -EINTR");
		return -EINTR;
	}
	mmap_write_lock_nested(child, SINGLE_DEPTH_NESTING);
	for (int p = 0; p < VMT_PAGES && !ret; p++) {
		struct vm_area_struct *mpnt = vma_lookup(oldmm, vmt_page_addr(p));

		if (mpnt && mpnt != prev)
			ret = dup_vma(child, mpnt);
		prev = mpnt;
	}
	if (ret)
		dup_tear_down(child);
	else
		sim_note("fork: copied; mmap_write_unlock(mm B), mmap_write_unlock(mm A)");
	mmap_write_unlock(child);
	mmap_write_unlock(oldmm);
	return ret;
}

/* The threads of the fork's child: started (each a user of the child),
 * or, if the fork failed or never came, ended unstarted. */
static void fork_children(struct mm_struct *child, bool start)
{
	for (int t = 0; t < sim_nthreads(); t++) {
		if (!sim_thread_held(t))
			continue;
		if (!start) {
			sim_note("T%d never runs: no child", t);
			sim_cancel_held(t);
			continue;
		}
		mmget(child);
		sim_start_held(t);
	}
}

/*
 * fork(): dup_mm() (kernel/fork.c) makes mm B, the child, with mm_init()'s
 * user reference (mm_users 1), and dup_mmap() fills it.  On success each
 * thread of the child gets a user reference of its own and starts; the
 * fork's reference is dropped at the end (mmput: a child with no thread
 * is torn down at once, as a child that exits at once is).  On failure
 * the child's threads never start, and the mmput tears the empty child
 * down (dup_mm()'s free_pt).
 */
static void op_fork(struct op_ctx *c)
{
	const int b = 1;	/* the child's index: mmput() may free it */
	struct mm_struct *child = mm_of_idx(b);
	int ret;

	VM_ASSERT(MM_IDX(c->mm) == 0 && MM_IDX(child) == b);
	sim_note("fork: mm A -> mm B");
	check_mm_user_at(b, 1);
	mmget(child);
	ret = dup_mmap(child, c->mm);
	if (ret)
		sim_note("fork fails: %s", ret == -EINTR ? "-EINTR" : "-ENOMEM");
	fork_children(child, !ret);
	mmput(child);
	check_mm_user_at(b, -1);
}

void op_run(struct op_ctx *c, const struct vmt_op *op)
{
	switch (op->kind) {
	case VMT_OP_FAULT:
		op_fault(c, op);
		break;
	case VMT_OP_READ_LOCKED:
		op_read_locked(c, op);
		break;
	case VMT_OP_WRITE:
		op_write(c, op);
		break;
	case VMT_OP_MAP:
		op_map(c, op);
		break;
	case VMT_OP_UNMAP:
		op_unmap(c, op);
		break;
	case VMT_OP_REATTACH:
		op_reattach(c, op);
		break;
	case VMT_OP_KILL:
		sim_note("kill T%u", op->arg);
		sim_send_fatal_signal(op->arg, SIM_SITE("send_sig(SIGKILL)"));
		break;
	case VMT_OP_EXIT:
		if (vmt_op_is_fork(op))
			op_fork(c);
		break;		/* an exit: the thread body stops before it */
	default:
		VM_ASSERT(!"decoded op kind out of range");
	}
}

/*
 * Write-lock and detach a VMA of an mm with no users left.  Readers of
 * other mms may still hold a temporary increment through a stale pointer
 * to a recycled object: the detach must wait for them like any other.
 * Both steps are lifetime windows (the deep variants' search).
 */
static void exit_detach(struct vm_area_struct *vma)
{
	sim_note_window();
	if (variant(V_EXIT_WRITE_KILLABLE)) {	/* D4: -EINTR ignored */
		int err = vma_start_write_killable(vma);

		(void)err;
	} else {
		vma_start_write(vma);
	}
	sim_note_window();
	if (!variant(V_EXIT_DETACH_NO_WAIT)) {
		vma_mark_detached(vma);
	} else {
		/* D3: "no users, no readers": a plain decrement. */
		vma_assert_write_locked(vma);
		vma_assert_attached(vma);
		unsigned int left = __vma_refcount_put_return(vma);

		(void)left;
	}
}

/* exit_mmap(): every VMA write-locked, detached (waiting for temporary
 * readers on stale pointers), removed and freed. */
void exit_mmap(struct mm_struct *mm)
{
	sim_note("exit_mmap(mm %c)", 'A' + MM_IDX(mm));
	mmap_write_lock(mm);
	for (int p = 0; p < VMT_PAGES; p++) {
		struct vm_area_struct *vma = vma_lookup(mm, vmt_page_addr(p));

		if (!vma)
			continue;
		exit_detach(vma);
		unsigned long start = PLAIN_READ_STABLE(vma->vm_start);

		vma_iter_clear(mm, start, PLAIN_READ_STABLE(vma->vm_end));
		vm_area_free(vma);
	}
	mmap_write_unlock(mm);
}

/* Does the thread fork (its program has the fork)? */
static bool thread_forks(const struct vmt_thread *prog)
{
	for (unsigned i = 0; i < prog->nops; i++)
		if (vmt_op_is_fork(&prog->ops[i]))
			return true;
	return false;
}

void harness_thread_body(struct op_ctx *c)
{
	for (unsigned i = 0; i < c->prog->nops; i++) {
		const struct vmt_op *op = &c->prog->ops[i];

		if (vmt_op_ends_thread(op) || sim_fatal_signal_pending())
			break;
		op_run(c, op);
	}
	/* A fork that never came (exited or killed first): no child. */
	if (thread_forks(c->prog))
		fork_children(mm_of_idx(1), false);
	sim_note("exit: mmput(mm %c)", 'A' + MM_IDX(c->mm));
	mmput(c->mm);
}

static struct op_ctx ctx[VMT_MAX_THREADS];

void harness_thread_init(int tid, int mm, const struct vmt_thread *prog)
{
	struct op_ctx *c = &ctx[tid];

	c->tid = tid;
	c->mm = mm_of_idx(mm);
	c->prog = prog;
	c->writes = 0;
	/* A fork's child thread is the child's user once the fork made it. */
	if (!sim_thread_held(tid))
		mmget(c->mm);
}

void harness_thread_entry(void *arg)
{
	harness_thread_body(&ctx[(intptr_t)arg]);
}
