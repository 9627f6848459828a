/* SPDX-License-Identifier: MIT */
#include "kdebug.h"

#include <stddef.h>

static void nop_lockdep(enum kdebug_lockdep_op op, struct vm_area_struct *vma,
			const char *func)
{
	(void)op, (void)vma, (void)func;
}

static void nop_void(void)
{
}

static void nop_vma_alloc(struct vm_area_struct *vma, struct mm_struct *mm)
{
	(void)vma, (void)mm;
}

static void nop_vma(struct vm_area_struct *vma)
{
	(void)vma;
}

static void nop_mm_pin(int mm_idx, int delta)
{
	(void)mm_idx, (void)delta;
}

static void nop_mm(struct mm_struct *mm)
{
	(void)mm;
}

#define KDEBUG_NOP {						\
	.lockdep = nop_lockdep,						\
	.lock_is_held = NULL,	/* no lockdep: decide from the count */	\
	.rcu_read_lock = nop_void,					\
	.rcu_read_unlock = nop_void,					\
	.vma_alloc = nop_vma_alloc,					\
	.vma_free = nop_vma,						\
	.mm_pin = nop_mm_pin,						\
	.mm_free = nop_mm,						\
}

struct kdebug_ops kdebug = KDEBUG_NOP;

void kdebug_reset(void)
{
	kdebug = (struct kdebug_ops)KDEBUG_NOP;
}
