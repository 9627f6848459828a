/* SPDX-License-Identifier: MIT */
/*
 * world.c - the model's world a program starts in: shared by the
 * simulator (the model's backend, backend_model.c) and the real-thread
 * stress driver (sanitizers/stress/), so both run the same programs.
 */
#include "ops.h"

#include "../lock/mmap_lock.h"
#include "../util/assert.h"

/* ops.h: the operations' test-only wrong order (every compiled copy of
 * the operations reads this one switch), off unless a test sets it. */
bool ops_split_publish_early;
bool ops_fork_attach_early;
bool ops_fork_skip_parent_lock;
bool ops_walk_resume_at_start;
bool ops_query_skips_page;

/* An initial VMA, attached before any thread runs (main context: no
 * scheduling points, no oracles yet). */
static void setup_vma(struct mm_struct *mm, unsigned slot, unsigned payload)
{
	unsigned long start = vmt_page_addr(2 * slot);
	unsigned long end = start + 2 * VMT_PAGE_SIZE;
	struct vm_area_struct *vma = vm_area_alloc(mm, 0);

	VM_ASSERT(vma != NULL);
	vma->vm_start.v = start;
	vma->vm_end.v = end;
	vma->vm_flags.v = payload;
	vma->vm_pgoff.v = payload;
	/* Main context: a store every thread sees, no scheduling point. */
	sim_store(&vma->vm_refcnt, 1, SIM_RELAXED, SIM_SITE("setup_vma"));
	vma_iter_store(mm, vma, start, end);
}

void harness_setup_world(const struct vmt_program *p)
{
	lock_world_reset(p->small_limit);
	for (int m = 0; m < VMT_MAX_MMS; m++) {
		struct mm_struct *mm = mm_init_world(m);

		for (unsigned s = 0; s < VMT_SLOTS; s++)
			if (p->layout[m] & (1u << s))
				setup_vma(mm, s, 0x100u * (m + 1) + s);
	}
}
