/* SPDX-License-Identifier: MIT */
/*
 * linux/maple_tree.h (shim): the address map the RCU walk of
 * lock_vma_under_rcu() reads, the model's own (src/lock/mt.h): a root
 * pointer (rcu_assign_pointer / rcu_dereference) to a node of page
 * slots, which writers replace and free after an RCU grace period.  The
 * kernel's walk state keeps its address (index) and the node it last
 * read (mas->node: ksim_node here); mas_set() clears the node, as the
 * kernel's mas_reset() does, and a walk goes on from it while it is set.
 */
#ifndef VMLOCK_KSHIM_LINUX_MAPLE_TREE_H
#define VMLOCK_KSHIM_LINUX_MAPLE_TREE_H

#include <linux/types.h>

#include "lock/mt.h"

#define KSIM_PAGES 8		/* the program format's VMT_PAGES */

struct maple_tree {
	struct mt_map ksim_map;
};

struct ma_state {
	struct maple_tree *tree;
	unsigned long index, last;
	struct mt_cursor ksim_node;	/* mas->node; 0: MA_START */
	/* Ours: which MA_STATE this is (a walk retried on the same cursor
	 * is a retry loop, see mas_walk() in kworld.c). */
	unsigned ksim_gen;
};

unsigned ksim_mas_gen(void);
#define MA_STATE(name, mt, first, end)					\
	struct ma_state name = { .tree = (mt), .index = (first),	\
				 .last = (end), .ksim_gen = ksim_mas_gen() }

void *mas_walk(struct ma_state *mas);

/* mas_set(): mas_reset() and the range: the next walk starts at the
 * root. */
static inline void mas_set(struct ma_state *mas, unsigned long index)
{
	mt_cursor_reset(&mas->ksim_node);
	mas->index = index;
	mas->last = index;
}

#endif
