/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the operations: what the kernel's callers of the lock do (the
 * page-fault handler, munmap, mprotect-like writers, mmap), each built from
 * the model's API the way the kernel builds it, each reporting to the
 * oracles what it learns.
 */
#include "ops.h"

#include "../check/check.h"
#include "../lock/mmap_lock.h"

/* Read the payload pair; a half-done update shows as a mismatch. */
static void read_payload(struct vm_area_struct *vma)
{
	uintptr_t flags = PLAIN_READ(vma->vm_flags);
	uintptr_t pgoff = PLAIN_READ(vma->vm_pgoff);

	check_payload(vma, flags, pgoff);
}

/* A writer's change: the same new value into both fields, one by one. */
static void write_payload(struct vm_area_struct *vma, uintptr_t v)
{
	check_mutation(vma);
	PLAIN_WRITE(vma->vm_flags, v);
	PLAIN_WRITE(vma->vm_pgoff, v);
}

static uintptr_t new_payload(struct op_ctx *c)
{
	return ((uintptr_t)c->tid << 16) | ++c->writes;
}

/* A page fault: the per-VMA lock under RCU, else the mmap lock. */
static void op_fault(struct op_ctx *c, unsigned long addr)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;

	sim_note("fault %#lx", addr);
	vma = lock_vma_under_rcu(mm, addr);
	if (vma) {
		sim_note("lock_vma_under_rcu -> #%u", vma->idx);
		check_read_locked(vma, mm, addr, true);
		vma_assert_locked(vma);
		read_payload(vma);
		check_read_unlock(vma);
		vma_end_read(vma);
		return;
	}
	sim_note("lock_vma_under_rcu -> NULL: mmap_read_lock fallback");
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		read_payload(vma);
	mmap_read_unlock(mm);
}

/* Trade the mmap read lock for a VMA read lock, then read. */
static void op_read_locked(struct op_ctx *c, unsigned long addr)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *vma;
	bool locked = false;

	sim_note("read-locked %#lx", addr);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma_start_read_locked(vma)) {
		locked = true;
		check_read_locked(vma, mm, addr, false);
	}
	mmap_read_unlock(mm);
	if (!locked)
		return;
	vma_assert_locked(vma);
	read_payload(vma);
	check_read_unlock(vma);
	vma_end_read(vma);
}

/* Write-lock one VMA for a change; false if a fatal signal ended it. */
static bool write_lock_vma(struct vm_area_struct *vma, bool killable)
{
	if (killable) {
		if (vma_start_write_killable(vma)) {
			sim_note("vma_start_write_killable(#%u) -> -EINTR", vma->idx);
			check_write_killed(vma);
			return false;
		}
	} else {
		vma_start_write(vma);
	}
	check_write_locked(vma);
	return true;
}

/* Change every VMA in [page, page + len) under the write lock. */
static void op_write(struct op_ctx *c, const struct vmt_op *op)
{
	struct mm_struct *mm = c->mm;
	struct vm_area_struct *done[2] = { NULL, NULL };
	unsigned n = 0;

	sim_note("write %#lx+%u", vmt_page_addr(op->page), op->len);
	mmap_write_lock(mm);
	for (unsigned p = op->page; p < op->page + op->len && p < VMT_PAGES; p++) {
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
	if (!mm_range_free(mm, start, end) || !(vma = vm_area_alloc(mm, op->arg))) {
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

/* Write-lock and detach the VMA at addr; NULL if there is none. */
static struct vm_area_struct *lock_and_detach(struct mm_struct *mm,
					      unsigned long addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (!vma)
		return NULL;
	vma_start_write(vma);
	check_write_locked(vma);
	vma_mark_detached(vma);
	check_detached(vma);
	return vma;
}

/* munmap: detach (still in the tree), remove, free; maybe downgraded. */
static void op_unmap(struct op_ctx *c, const struct vmt_op *op)
{
	struct mm_struct *mm = c->mm;
	unsigned long addr = vmt_page_addr(op->page);
	struct vm_area_struct *vma;

	sim_note("unmap %#lx", addr);
	mmap_write_lock(mm);
	vma = lock_and_detach(mm, addr);
	if (!vma) {
		mmap_write_unlock(mm);
		return;
	}
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
	vma = lock_and_detach(mm, addr);
	if (vma)
		vma_mark_attached(vma);
	mmap_write_unlock(mm);
}

void op_run(struct op_ctx *c, const struct vmt_op *op)
{
	switch (op->kind) {
	case VMT_OP_FAULT:
		op_fault(c, vmt_page_addr(op->page));
		break;
	case VMT_OP_READ_LOCKED:
		op_read_locked(c, vmt_page_addr(op->page));
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
		break;		/* the thread body stops before it */
	default:
		VM_ASSERT(!"decoded op kind out of range");
	}
}
