/* SPDX-License-Identifier: MIT */
/*
 * stress_world.c - the world of a program and a thread's body, as
 * src/harness/run.c sets up and runs them for the simulator (setup_vma,
 * setup_world, thread_body there): the same initial VMAs and payloads,
 * the same operation loop, so a run on real threads starts where a
 * simulated run starts.  Keep the two in step.
 *
 * (They are copies, not shared, on purpose: moving run.c's static
 * functions changes the order in which the linker pulls vmlock_core's
 * objects into the AFL++ build, and AFL++ 4.04c's pcguard
 * instrumentation of a select reads one guard past its array, which
 * crashes the afl preset's vmlock whenever src/sim/history.c's guards end
 * up last.)
 */
#include "stress_world.h"

#include "lock/mmap_lock.h"
#include "util/assert.h"

/* An initial VMA, attached before any thread runs (from main). */
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
	sim_store(&vma->vm_refcnt, 1, SIM_RELAXED, SIM_SITE("setup_vma"));
	vma_iter_store(mm, vma, start, end);
}

void stress_world_setup(const struct vmt_program *p)
{
	lock_world_reset(p->small_limit);
	for (int m = 0; m < VMT_MAX_MMS; m++) {
		struct mm_struct *mm = mm_init_world(m);

		for (unsigned s = 0; s < VMT_SLOTS; s++)
			if (p->layout[m] & (1u << s))
				setup_vma(mm, s, 0x100u * (m + 1) + s);
	}
}

void stress_thread_body(struct op_ctx *c)
{
	for (unsigned i = 0; i < c->prog->nops; i++) {
		const struct vmt_op *op = &c->prog->ops[i];

		if (op->kind == VMT_OP_EXIT || sim_fatal_signal_pending())
			break;
		op_run(c, op);
	}
	mmput(c->mm);
}
