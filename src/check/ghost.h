/* SPDX-License-Identifier: MIT */
/*
 * ghost.h - the oracles' own record of the run (internal to src/check/).
 */
#ifndef VMLOCK_CHECK_GHOST_H
#define VMLOCK_CHECK_GHOST_H

#include "check.h"
#include "../harness/backend.h"
#include "../lock/kdebug.h"
#include "../util/assert.h"
#include "../util/compiler.h"

struct ghost_vma {
	uint32_t gen;			/* bumped at every vm_area_alloc */
	int8_t owner;			/* mm idx of this generation, -1: never */
	bool live;			/* allocated, not freed */
	bool attached;			/* holds the attach reference */
	int8_t f_owner;			/* thread holding F, or -1 */
	int8_t incs[SIM_MAX_THREADS];	/* outstanding reader increments */
	uint8_t readers;		/* threads holding a read lock */
	uint8_t lockdep_read;		/* threads with a read acquire */
	int8_t lockdep_excl;		/* thread with the exclusive, or -1 */
};

struct ghost_thread {
	int8_t mm;			/* the thread's own mm */
	int8_t rcu_depth;
	int8_t pins[MM_POOL_SIZE];	/* mmgrab()s not yet mmdrop()ped */
	/* Bit i: the thread is in VMA i's lockdep_read or readers (the
	 * lock-order check asks at every mmap_lock acquire). */
	uint16_t read_held;
	/* walk.c: the VMA this RCU section's last walk found, or -1, and
	 * its generation then. */
	int8_t walk_vma;
	uint32_t walk_gen;
	/* ops.c: the end of the last VMA the thread's maps walk showed (0
	 * at its start); mm_lock_seq and stale_loads when its query began. */
	unsigned long walk_end;
	int32_t query_seq;
	uint32_t query_stale;
	/* access.c: loads that read a store older than the latest. */
	uint32_t stale_loads;
};

struct ghost {
	struct ghost_vma vma[VMA_POOL_SIZE];
	struct ghost_thread th[SIM_MAX_THREADS];
	bool mm_freed[MM_POOL_SIZE];
	uint32_t exited;		/* threads that have ended */
	uint8_t mm_had_users;		/* mms a fork gave users (bit per mm) */
	/* Each mm's mmap_lock, from the backend at check_begin(). */
	const struct sim_rwsem *mmap_lock[MM_POOL_SIZE];
};

extern struct ghost ghost;

/* After a change to VMA i's lockdep_read or readers bit of thread t. */
static inline void ghost_note_read_held(int t, int i)
{
	const struct ghost_vma *g = &ghost.vma[i];
	uint16_t bit = (uint16_t)(1u << i);

	if ((g->lockdep_read | g->readers) & (1u << t))
		ghost.th[t].read_held |= bit;
	else
		ghost.th[t].read_held &= (uint16_t)~bit;
}

static inline int incs_total(const struct ghost_vma *g)
{
	int n = 0;

	for (int t = 0; t < SIM_MAX_THREADS; t++)
		n += g->incs[t];
	return n;
}

/* Does thread t hold mm idx's mmap lock (any mode)? */
static VM_ALWAYS_INLINE bool ghost_holds_mmap(int t, int mm_idx)
{
	if (mm_idx < 0 || ghost.mm_freed[mm_idx])
		return false;
	const struct sim_rwsem *r = ghost.mmap_lock[mm_idx];

	return r->writer == t || (r->readers & (1u << t));
}

static VM_ALWAYS_INLINE bool ghost_holds_mmap_write(int t, int mm_idx)
{
	return mm_idx >= 0 && !ghost.mm_freed[mm_idx] &&
	       ghost.mmap_lock[mm_idx]->writer == t;
}

/* Is the VMA write-locked right now (the kernel's definition: its mm is
 * write-held and vm_lock_seq equals mm_lock_seq)?  Reads, no access. */
static inline bool ghost_write_locked(int vma)
{
	int m = ghost.vma[vma].owner;

	if (m < 0 || ghost.mm_freed[m])
		return false;
	return ghost.mmap_lock[m]->writer >= 0 &&
	       vmlock_backend->vma_lock_seq(vma) == vmlock_backend->mm_lock_seq(m);
}

/* access.c */
void check_pre(const struct sim_access *a);
void check_post(const struct sim_access *a);
void check_vma_touch_fail(int t, int vma, const char *field, const char *func);

/* lifetime.c */
void check_thread_exit(int tid);
void check_free_ordered(int vma);

/* walk.c */
void walk_forget(int t);
void walk_vma_event(int idx, int reused_mm);
void walk_touch(int t, int idx, const struct sim_site *s);

/* Does thread t hold a reader increment on the VMA, F on it, or the
 * mmap lock of the mm it belongs to? */
static VM_ALWAYS_INLINE bool ghost_vma_right(int t, const struct ghost_vma *g)
{
	return g->incs[t] > 0 || g->f_owner == t || ghost_holds_mmap(t, g->owner);
}

/*
 * May thread t touch this field of the VMA now?  It may with a right to
 * it (above); check_vma_touch_rcu() is the rest of the test, for a thread
 * without one.  Inside an RCU read section it may also touch
 * the fields RCU readers are allowed to read on a stale pointer
 * (vm_refcnt, and vm_lock_seq with READ_ONCE): the object is type-safe,
 * so the memory is a VMA, maybe not the one meant.  Inline: it runs on
 * every access to a VMA.
 */
static inline void check_vma_touch_rcu(int t, int vma, const char *field,
				       bool rcu_safe, const char *func)
{
	if (rcu_safe && ghost.th[t].rcu_depth > 0)
		return;
	check_vma_touch_fail(t, vma, field, func);
}

static inline void check_vma_touch(int t, int vma, const char *field,
				   bool rcu_safe, const char *func)
{
	if (!ghost_vma_right(t, &ghost.vma[vma]))
		check_vma_touch_rcu(t, vma, field, rcu_safe, func);
}

#endif /* VMLOCK_CHECK_GHOST_H */
