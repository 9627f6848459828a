/* SPDX-License-Identifier: MIT */
/*
 * mm_types.h - struct mm_struct and struct vm_area_struct as the model has
 * them, and the vm_refcnt encoding.
 *
 * Only the fields the per-VMA lock reads or writes are here.  Every shared
 * field is a simulator location (sim_atomic_t or sim_plain_t), so each
 * access is a scheduling point the oracles see.
 */
#ifndef VMLOCK_LOCK_MM_TYPES_H
#define VMLOCK_LOCK_MM_TYPES_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "mt.h"
#include "../sim/sim.h"
#include "../scenario/program.h"

/*
 * vm_refcnt encoding (Linux 7.0 include/linux/mm_types.h):
 *
 *   0               detached: not attached, being freed, or fresh
 *   1               attached; unlocked or write-locked (see vm_lock_seq)
 *   2 .. L          attached with value - 1 readers (real or temporary)
 *   F               detaching, no readers left; about to become 0
 *   F + 1           writer excluded all readers, or detacher waits for
 *                   one last temporary reader
 *   F + 2 .. F + L  writer or detacher waits for readers to leave
 *
 * F = VM_REFCNT_EXCLUDE_READERS_FLAG, L = VM_REFCNT_LIMIT = F - 1.  Every
 * value with F set is above L, so the readers' limited increment fails.
 * The kernel's F is 1 << 30; the small configuration (F = 4, L = 3) makes
 * the reader limit reachable with a handful of threads.  The flag is a
 * run-time setting so one binary fuzzes both; the relations are the same.
 */
#define VM_REFCNT_EXCLUDE_READERS_BIT_KERNEL 30
#define VM_REFCNT_EXCLUDE_READERS_BIT_SMALL 2

extern int vm_refcnt_flag;	/* set per run: 1 << one of the bits above */
#define VM_REFCNT_EXCLUDE_READERS_FLAG (vm_refcnt_flag)
#define VM_REFCNT_LIMIT (VM_REFCNT_EXCLUDE_READERS_FLAG - 1)

/* F + L must fit a signed int: the sign bit is never set by design. */
_Static_assert((1LL << VM_REFCNT_EXCLUDE_READERS_BIT_KERNEL) * 2 - 1 <= INT_MAX,
	       "F + L fits in int");
_Static_assert(VM_REFCNT_EXCLUDE_READERS_BIT_SMALL >= 2,
	       "small F leaves room for two readers below L");

#define VMA_POOL_SIZE 16	/* the vm_area_struct slab cache */
/* Two mms of VMT_PAGES one-page VMAs: the full cache never runs out;
 * the small one (small_limit) does. */
_Static_assert(VMA_POOL_SIZE == VMT_MAX_MMS * VMT_PAGES, "the full cache fits every map");
_Static_assert(VMT_SMALL_CACHE < VMA_POOL_SIZE, "the small cache is smaller");
#define MM_POOL_SIZE VMT_MAX_MMS

#include "obj_kind.h"

struct mm_struct {
	struct sim_rwsem mmap_lock;
	/*
	 * mm_lock_seq: a seqcount.  Odd while the mmap lock is write-held.
	 * Written only by the mmap write-lock holder; read plainly by it,
	 * with acquire by anyone else.
	 */
	sim_atomic_t mm_lock_seq;	/* ATOMIC */
	/* struct rcuwait: the one writer waiting for VMA readers, as
	 * tid + 1, or 0.  One per mm: every waiter holds the mmap write
	 * lock. */
	sim_atomic_t vma_writer_wait;	/* ATOMIC */
	sim_atomic_t mm_count;		/* ATOMIC: mmgrab/mmdrop pins */
	sim_atomic_t mm_users;		/* ATOMIC: mmget/mmput users */
	/*
	 * The address map RCU readers walk (the maple tree): a root
	 * pointer to a node whose slot p holds the VMA covering page p, as
	 * pool index + 1, or 0 (mt.h: writers replace nodes, readers
	 * rcu_dereference() the root, nodes are freed after a grace period).
	 */
	struct mt_map mm_mt;

	/* test-only */
	uint8_t idx;			/* 0 = mm A, 1 = mm B */
};

struct vm_area_struct {
	/* vm_start/vm_end share storage with vm_freeptr: free scribbles
	 * them, and only them. */
	sim_plain_t vm_start;
	sim_plain_t vm_end;
	sim_plain_t vm_mm;		/* struct mm_struct *, as mm_id() */
	/* The payload writers change under the write lock and readers
	 * read: a writer stores the same new value to both, so a reader
	 * that sees them differ saw a half-done update. */
	sim_plain_t vm_flags;
	sim_plain_t vm_pgoff;
	/*
	 * vm_lock_seq: written (WRITE_ONCE) only with the mmap write lock
	 * held and either F held in vm_refcnt or the VMA detached.  Read
	 * reliably under mmap_lock or holding a read reference; read racily
	 * (READ_ONCE) for the early check in vma_start_read().  UINT_MAX
	 * when never locked.
	 */
	sim_atomic_t vm_lock_seq;	/* ATOMIC */
	/* vm_refcnt: see the encoding above.  RCU readers may read it on a
	 * stale pointer: free leaves it at 0 and alloc never raises it. */
	sim_atomic_t vm_refcnt;		/* ATOMIC */

	/* test-only */
	uint8_t idx;			/* pool index: "#idx" in traces */
	bool born;			/* locations registered this run */
};

#define TASK_UNINTERRUPTIBLE SIM_TASK_UNINTERRUPTIBLE
#define TASK_KILLABLE SIM_TASK_KILLABLE
#define EINTR 4
#define EAGAIN 11
#define ENOMEM 12

/* The kernel's error pointer for lock_vma_under_rcu's -EAGAIN. */
#define VMA_EAGAIN ((struct vm_area_struct *)(intptr_t)-EAGAIN)

#endif /* VMLOCK_LOCK_MM_TYPES_H */
