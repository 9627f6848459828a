/* SPDX-License-Identifier: MIT */
/*
 * linux/maple_tree.h (shim): the address map the RCU walk of
 * lock_vma_under_rcu() reads, as the model's (src/lock/mm.h): one slot
 * per page holding the VMA's world index + 1, stored with release
 * (rcu_assign_pointer) and walked with acquire (rcu_dereference).  The
 * kernel's cursor state is kept (index), its nodes are not.
 */
#ifndef VMLOCK_KSHIM_LINUX_MAPLE_TREE_H
#define VMLOCK_KSHIM_LINUX_MAPLE_TREE_H

#include <linux/types.h>

#define KSIM_PAGES 8		/* the program format's VMT_PAGES */

struct maple_tree {
	sim_atomic_t slot[KSIM_PAGES];
};

struct ma_state {
	struct maple_tree *tree;
	unsigned long index, last;
	/* Ours: which MA_STATE this is (a walk retried on the same cursor
	 * is a retry loop, see mas_walk() in kworld.c). */
	unsigned ksim_gen;
};

unsigned ksim_mas_gen(void);
#define MA_STATE(name, mt, first, end)					\
	struct ma_state name = { .tree = (mt), .index = (first),	\
				 .last = (end), .ksim_gen = ksim_mas_gen() }

void *mas_walk(struct ma_state *mas);

static inline void mas_set(struct ma_state *mas, unsigned long index)
{
	mas->index = index;
	mas->last = index;
}

#endif
