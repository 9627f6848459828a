/* SPDX-License-Identifier: MIT */
/*
 * mt.h - the address map as the maple tree keeps it: a root pointer to a
 * node, nodes that writers replace and free after an RCU grace period,
 * and walk states that cache the node they last read.  Both backends'
 * maps are one of these (the model's mm.c, the kernel backend's
 * kworld.c), so the shims of the kernel's walk helpers have the same
 * node semantics as the model.
 *
 * One node per map holds every page's slot (the VMA's pool index + 1, or
 * 0).  A published node is never written: a writer (holding the mmap
 * write lock) copies the root node into a node from the world's pool,
 * edits the copy, publishes it with rcu_assign_pointer() (a release store
 * of the root) and hands the old node to call_rcu() (rcu.h), as the maple
 * tree's mas_store() path replaces nodes and frees them with
 * ma_free_rcu().  The old node is dead from then on (mte_set_node_dead()):
 * a walk in the section that found it sees that and walks again from the
 * root (mas_rewalk_if_dead()); after the grace period it goes back to the
 * pool and a later writer's copy reuses it.
 *
 * A node reference (the root's value, a walk state's cache) is the
 * node's pool index + 1 and its generation, bumped at every reuse, so a
 * reference to a freed node stays recognisable after the reuse.
 *
 * The detectors, at every read of a node:
 *  - a node freed (maybe reused) since the walk state cached it:
 *    rcu-use-after-free, as KASAN reports a slab use-after-free;
 *  - a node read with no RCU read section and without the map's mmap
 *    lock, or read from a walk state that cached it in an earlier RCU
 *    read section (the kernel resets its walk state with vma_iter_set(),
 *    vma_iter_init() or mas_set() after re-entering RCU): rcu-scope, as
 *    lockdep's rcu_dereference_check() reports.
 *
 * Scheduling points: a walk's read of each page's slot is one (the root's
 * rcu_dereference() for the first page of a walk from the root, else a
 * point where only the node's free and reuse can interleave), and a
 * store of n pages is n (the copy's edits, then the publication), as
 * many as the map had when each page was an atomic slot of its own.
 */
#ifndef VMLOCK_LOCK_MT_H
#define VMLOCK_LOCK_MT_H

#include <stdbool.h>
#include <stdint.h>

#include "rcu.h"
#include "../scenario/program.h"
#include "../sim/sim.h"

/* Nodes a run may use: every map store takes one and the grace periods
 * give them back.  With none given back: each mm's first node, the
 * initial layout's stores (a VMA per page at most), at most
 * MT_STORES_PER_OP per operation (a write's two splits, src/harness/ops.c)
 * and exit_mmap()'s clears (a VMA per page at most). */
#define MT_STORES_PER_OP 2
#define MT_NODES 160
_Static_assert(MT_NODES >= VMT_MAX_MMS * (1 + 2 * VMT_PAGES) +
		   MT_STORES_PER_OP * VMT_MAX_OPS,
	       "a run never runs out of map nodes");

/* An mm's map: the root and the lock whose holder may read it without
 * RCU (rcu_dereference_check(..., lockdep_is_held(&mm->mmap_lock))). */
struct mt_map {
	sim_atomic_t root;		/* ATOMIC: a node reference */
	const struct sim_rwsem *lock;
	uint8_t mm;
};

/* A walk state's part of the map: the node it last read (0: none, a
 * walk from the root, MA_START) and the RCU read section it was found in
 * (the thread's rcu_gp_ended() + 1; 0: found under the mmap lock). */
struct mt_cursor {
	int32_t node;
	uint32_t section;
};

static inline void mt_cursor_reset(struct mt_cursor *c)
{
	c->node = 0;
	c->section = 0;
}

/* A new run: every node back in the pool. */
void mt_reset(void);
/* Set up mm's empty map (main context, before the threads). */
void mt_map_init(struct mt_map *m, int mm, const struct sim_rwsem *lock);

/* mas_walk(): page p's slot, read through the cursor's node, or (c NULL
 * or reset) a walk from the root, whose load is root_site (the caller's:
 * the trace and the reports name its function). */
int mt_walk(struct mt_map *m, struct mt_cursor *c, int p,
	    const struct sim_site *root_site);
/* vma_next()'s walk: the first non-empty slot at or after page p, and in
 * *next the page after the run of pages that hold it (VMT_PAGES if none:
 * the returned slot is then 0). */
int mt_next(struct mt_map *m, struct mt_cursor *c, int p, int *next,
	    const struct sim_site *root_site);
/* vma_lookup() under the mmap lock: a local load of the root (no
 * scheduling point; local_site is a SIM_SITE_LOCAL). */
int mt_lookup(struct mt_map *m, int p, const struct sim_site *local_site);
/* mas_store() of pages [p, p + n) to slot value v (0 clears), under the
 * mmap write lock: copy, edit, publish, retire the old node. */
void mt_store(struct mt_map *m, int p, int n, int v);

/* For tests: the node a reference names, whether it is freed, and the
 * node the map's root holds now (a peek: no access). */
int mt_ref_index(int32_t ref);
bool mt_ref_freed(int32_t ref);
int32_t mt_root_peek(const struct mt_map *m);
/* Page p's slot in the map as it stands (a peek: no access, no check). */
int mt_peek(const struct mt_map *m, int p);

#endif /* VMLOCK_LOCK_MT_H */
