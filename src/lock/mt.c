/* SPDX-License-Identifier: MIT */
/*
 * mt.c - the address map's nodes and their RCU life (mt.h).
 */
#include "mt.h"

#include <stddef.h>
#include <string.h>

#include "obj_kind.h"
#include "../check/check.h"
#include "../util/assert.h"
#include "../util/compiler.h"

enum mt_state {
	MT_FREE,	/* in the pool */
	MT_LIVE,	/* a writer's copy, or published */
	MT_DEAD,	/* replaced: its grace period runs */
};

struct mt_node {
	uint8_t slot[VMT_PAGES];	/* VMA pool index + 1, or 0 */
	uint32_t gen;			/* bumped at every allocation */
	uint8_t state;			/* enum mt_state */
	int8_t mm;
	int8_t retired_by;		/* the writer that replaced it */
	int8_t freed_by;		/* whose rcu_read_unlock() freed it;
					 * -1: freed at call_rcu() */
	struct rcu_gp_head rcu;
};

/*
 * The pool's count of used nodes and a node's state are read by walkers
 * while a writer changes them; the simulator runs one thread at a time,
 * but the stress driver (sanitizers/stress) runs this code on real
 * threads: they are relaxed atomics, which cost the simulator nothing.
 * A node's slots and generation are written before the root's release
 * store publishes it, and read after its acquire load.
 */
static struct {
	struct mt_node node[MT_NODES];
	uint16_t free_list[MT_NODES];	/* LIFO: a freed node comes back first */
	unsigned nfree;
	unsigned nfresh;		/* nodes never used this run */
} pool;

/* A reference: the generation above REF_IDX_BITS, the index + 1 below. */
#define REF_IDX_BITS 10
#define REF_GEN_MAX (UINT32_C(1) << (31 - REF_IDX_BITS))
_Static_assert(MT_NODES < (1 << REF_IDX_BITS), "a node index fits a reference");
_Static_assert(VMT_PAGES <= 8 && SIM_MAX_THREADS <= 8, "slots and waiters fit a byte");

/* Freed nodes' slots: what KASAN's quarantine would not let a reader see. */
#define MT_POISON 0x6b

void mt_reset(void)
{
	pool.nfree = 0;
	pool.nfresh = 0;
}

int mt_ref_index(int32_t ref)
{
	return (int)(ref & ((1 << REF_IDX_BITS) - 1)) - 1;
}

static struct mt_node *node_of(int32_t ref)
{
	int i = mt_ref_index(ref);

	VM_ASSERT(i >= 0 && (unsigned)i < __atomic_load_n(&pool.nfresh, __ATOMIC_RELAXED));
	return &pool.node[i];
}

static enum mt_state node_state(const struct mt_node *n)
{
	return (enum mt_state)__atomic_load_n(&n->state, __ATOMIC_RELAXED);
}

static void node_set_state(struct mt_node *n, enum mt_state st)
{
	__atomic_store_n(&n->state, (uint8_t)st, __ATOMIC_RELAXED);
}

static int32_t ref_of(const struct mt_node *n)
{
	return (int32_t)((n->gen << REF_IDX_BITS) | (uint32_t)(n - pool.node + 1));
}

bool mt_ref_freed(int32_t ref)
{
	const struct mt_node *n = node_of(ref);

	return node_state(n) == MT_FREE || n->gen != (uint32_t)ref >> REF_IDX_BITS;
}

int32_t mt_root_peek(const struct mt_map *m)
{
	return sim_peek(&m->root);
}

int mt_peek(const struct mt_map *m, int p)
{
	VM_ASSERT(p >= 0 && p < VMT_PAGES);
	return node_of(sim_peek(&m->root))->slot[p];
}

static struct mt_node *node_alloc(int mm)
{
	struct mt_node *n;

	if (pool.nfree) {
		n = &pool.node[pool.free_list[--pool.nfree]];
	} else {
		unsigned i = __atomic_fetch_add(&pool.nfresh, 1, __ATOMIC_RELAXED);

		VM_ASSERT(i < MT_NODES);
		n = &pool.node[i];
		n->gen = 0;
	}
	VM_ASSERT(n->gen + 1 < REF_GEN_MAX);
	n->gen++;
	node_set_state(n, MT_LIVE);
	n->mm = (int8_t)mm;
	n->retired_by = -1;
	n->freed_by = -1;
	return n;
}

/* mt_free_rcu(): the grace period is over, the node goes back to the
 * pool (it runs in the thread whose section ended it). */
static void node_free_rcu(struct rcu_gp_head *h)
{
	struct mt_node *n = (struct mt_node *)((char *)h - offsetof(struct mt_node, rcu));

	VM_ASSERT(node_state(n) == MT_DEAD);
	node_set_state(n, MT_FREE);
	n->freed_by = (int8_t)sim_self();
	memset(n->slot, MT_POISON, sizeof(n->slot));
	VM_ASSERT(pool.nfree < MT_NODES);
	pool.free_list[pool.nfree++] = (uint16_t)(n - pool.node);
}

void mt_map_init(struct mt_map *m, int mm, const struct sim_rwsem *lock)
{
	struct mt_node *n = node_alloc(mm);

	memset(n->slot, 0, sizeof(n->slot));
	m->lock = lock;
	m->mm = (uint8_t)mm;
	sim_atomic_init(&m->root, ref_of(n), OBJ_MM_TREE, (uint8_t)mm, "mm_mt");
}

/* ---- the detectors ---- */

static bool holds_lock(const struct sim_rwsem *r, int t)
{
	return r->writer == t || (r->readers & (1u << t));
}

/* The section a node found now is protected by (0: the mmap lock). */
static uint32_t section_now(int t)
{
	return rcu_gp_depth(t) > 0 ? rcu_gp_ended(t) + 1 : 0;
}

static VM_NOINLINE void use_after_free(const struct mt_map *m, int t, int32_t ref,
				       const char *func)
{
	const struct mt_node *n = node_of(ref);
	unsigned gen = (uint32_t)ref >> REF_IDX_BITS;

	if (node_state(n) == MT_FREE)
		sim_fail(VERDICT_RCU_USE_AFTER_FREE,
			 "BUG: KASAN: slab-use-after-free in %s(): T%d reads maple node %d gen %u of mm %c, replaced by T%d and freed after its grace period (T%d's rcu_read_unlock())",
			 func, t, mt_ref_index(ref), gen, 'A' + m->mm,
			 n->retired_by, n->freed_by);
	sim_fail(VERDICT_RCU_USE_AFTER_FREE,
		 "BUG: KASAN: slab-use-after-free in %s(): T%d reads maple node %d gen %u of mm %c, freed after its grace period and reused (gen %u, mm %c)",
		 func, t, mt_ref_index(ref), gen, 'A' + m->mm, n->gen, 'A' + n->mm);
}

/* rcu_dereference_check(p, lockdep_is_held(&mm->mmap_lock)). */
static void check_protected(const struct mt_map *m, int t, int32_t ref,
			    const char *func)
{
	if (rcu_gp_depth(t) > 0 || holds_lock(m->lock, t))
		return;
	sim_fail(VERDICT_RCU_SCOPE,
		 "suspicious rcu_dereference_check() usage: T%d reads maple node %d of mm %c in %s() outside an RCU read section, without the mmap lock",
		 t, mt_ref_index(ref), 'A' + m->mm, func);
}

/* A walk state's node, used in the thread's present section or under
 * the mmap lock. */
static void check_cursor(const struct mt_map *m, const struct mt_cursor *c,
			 int t, const char *func)
{
	if (mt_ref_freed(c->node))
		use_after_free(m, t, c->node, func);
	check_protected(m, t, c->node, func);
	if (holds_lock(m->lock, t) || c->section == section_now(t))
		return;
	sim_fail(VERDICT_RCU_SCOPE,
		 "T%d reads maple node %d of mm %c in %s() through a walk state that found it %s, not reset since (vma_iter_set(), mas_set())",
		 t, mt_ref_index(c->node), 'A' + m->mm, func,
		 c->section ? "in an earlier RCU read section" : "under the mmap lock");
}

/* ---- walks ---- */

/* A walk from the root: rcu_dereference(mt->ma_root), which pairs with
 * the rcu_assign_pointer() of mt_store(); func: the walk's, for reports. */
static struct mt_node *walk_root(struct mt_map *m, struct mt_cursor *c,
				 const struct sim_site *s, const char *func)
{
	int t = sim_self();
	int32_t ref = sim_load(&m->root, SIM_ACQUIRE, s);

	if (t >= 0) {
		check_protected(m, t, ref, func);
		if (mt_ref_freed(ref))	/* the grace period's floor forbids it */
			use_after_free(m, t, ref, func);
		if (node_state(node_of(ref)) == MT_DEAD)
			rcu_gp_reader_of_retired(&node_of(ref)->rcu);
	}
	c->node = ref;
	c->section = t >= 0 ? section_now(t) : 0;
	return node_of(ref);
}

/* The node a read of the next slot goes through: the cached one, after
 * a point where its free can interleave; walked again from the root if
 * it was replaced since (mas_rewalk_if_dead()); the root if none. */
static struct mt_node *walk_node(struct mt_map *m, struct mt_cursor *c,
				 const struct sim_site *root_site)
{
	if (!c->node)
		return walk_root(m, c, root_site, root_site->func);
	sim_point(SIM_SITE("mas_next_slot: rcu_dereference(slot)"));
	if (sim_self() >= 0)
		check_cursor(m, c, sim_self(), root_site->func);
	struct mt_node *n = node_of(c->node);

	if (node_state(n) == MT_DEAD)
		return walk_root(m, c, SIM_SITE("mas_rewalk_if_dead: rcu_dereference(mt->ma_root)"),
				 root_site->func);
	return n;
}

/* The walk feedback (src/check/walk.c) hears of every slot a walk finds
 * a VMA in. */
static int found(int v)
{
	if (v)
		check_map_found(v - 1);
	return v;
}

static int read_slot(struct mt_map *m, struct mt_cursor *c, int p,
		     const struct sim_site *root_site)
{
	VM_ASSERT(p >= 0 && p < VMT_PAGES);
	return found(walk_node(m, c, root_site)->slot[p]);
}

int mt_walk(struct mt_map *m, struct mt_cursor *c, int p,
	    const struct sim_site *root_site)
{
	struct mt_cursor fresh = { 0, 0 };

	return read_slot(m, c ? c : &fresh, p, root_site);
}

int mt_next(struct mt_map *m, struct mt_cursor *c, int p, int *next,
	    const struct sim_site *root_site)
{
	int v = 0;

	for (; p < VMT_PAGES && !v; p++)
		v = read_slot(m, c, p, root_site);
	while (v && p < VMT_PAGES && read_slot(m, c, p, root_site) == v)
		p++;
	*next = p;
	return v;
}

int mt_lookup(struct mt_map *m, int p, const struct sim_site *local_site)
{
	/* Under the mmap lock: the lock orders us after the writers. */
	int32_t ref = sim_load(&m->root, SIM_RELAXED, local_site);

	VM_ASSERT(local_site->local);
	VM_ASSERT(p >= 0 && p < VMT_PAGES);
	return found(node_of(ref)->slot[p]);
}

/* ---- the writer ---- */

void mt_store(struct mt_map *m, int p, int n, int v)
{
	VM_ASSERT(p >= 0 && n >= 0 && p + n <= VMT_PAGES);
	VM_ASSERT(v >= 0 && v <= UINT8_MAX);
	if (!n)
		return;
	/* The writer holds the mmap write lock: the root is its own. */
	int32_t old_ref = sim_load(&m->root, SIM_RELAXED,
				   SIM_SITE_LOCAL("mas_store: mt->ma_root"));
	struct mt_node *old = node_of(old_ref);
	struct mt_node *copy = node_alloc(m->mm);

	VM_ASSERT(node_state(old) == MT_LIVE);
	memcpy(copy->slot, old->slot, sizeof(copy->slot));
	for (int i = 0; i < n; i++) {
		if (i)	/* the copy's edits: nobody sees them yet */
			sim_point(SIM_SITE("mas_store: edit the copy"));
		copy->slot[p + i] = (uint8_t)v;
	}
	/* Publish the copy: pairs with the walks' rcu_dereference() of the
	 * root (walk_root()). */
	sim_store(&m->root, ref_of(copy), SIM_RELEASE,
		  SIM_SITE("rcu_assign_pointer(mt->ma_root, copy)"));
	node_set_state(old, MT_DEAD);	/* mte_set_node_dead() */
	old->retired_by = (int8_t)sim_self();
	rcu_gp_call(&old->rcu, &m->root, node_free_rcu);	/* ma_free_rcu() */
}
