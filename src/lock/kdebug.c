/* SPDX-License-Identifier: MIT */
#include "kdebug.h"

#include <stddef.h>

static void nop_lockdep(enum kdebug_lockdep_op op, int vma, const char *func)
{
	(void)op, (void)vma, (void)func;
}

static void nop_void(void)
{
}

static void nop_int2(int a, int b)
{
	(void)a, (void)b;
}

static void nop_int(int a)
{
	(void)a;
}

#define KDEBUG_NOP {						\
	.lockdep = nop_lockdep,						\
	.lock_is_held = NULL,	/* no lockdep: decide from the count */	\
	.rcu_read_lock = nop_void,					\
	.rcu_read_unlock = nop_void,					\
	.vma_alloc = nop_int2,						\
	.vma_free = nop_int,						\
	.mm_pin = nop_int2,						\
	.mm_free = nop_int,						\
}

struct kdebug_ops kdebug = KDEBUG_NOP;

void kdebug_reset(void)
{
	kdebug = (struct kdebug_ops)KDEBUG_NOP;
}
