/* SPDX-License-Identifier: MIT */
/*
 * kdebug.h - the kernel's debugging facilities the lock calls into:
 * lockdep, the RCU read-side bookkeeping, the slab's alloc/free, and the mm
 * pin count.  The model calls them where the kernel does; the oracles
 * (src/check/) provide them.  The defaults do nothing, so the model also
 * runs without oracles (unit tests of its sequential semantics).
 *
 * Backend-neutral: VMAs and mms by index (the pool index, "#idx" in
 * traces), so the kernel backend's shims (src/kernel/) call the same hooks
 * from the kernel's own lockdep, RCU, slab and pin calls.
 */
#ifndef VMLOCK_LOCK_KDEBUG_H
#define VMLOCK_LOCK_KDEBUG_H

#include <stdbool.h>

enum kdebug_lockdep_op {
	LOCKDEP_ACQUIRE_READ,		/* __vma_lockdep_acquire_read */
	LOCKDEP_ACQUIRE_EXCLUSIVE,	/* __vma_lockdep_acquire_exclusive */
	LOCKDEP_RELEASE_READ,		/* __vma_lockdep_release_read */
	LOCKDEP_RELEASE_EXCLUSIVE,	/* __vma_lockdep_release_exclusive */
};

struct kdebug_ops {
	/* The dep map lives inside the VMA: each call touches the VMA. */
	void (*lockdep)(enum kdebug_lockdep_op op, int vma, const char *func);
	/* NULL: no lockdep (vma_assert_locked() decides from the count). */
	bool (*lock_is_held)(int vma);
	void (*rcu_read_lock)(void);
	void (*rcu_read_unlock)(void);
	void (*vma_alloc)(int vma, int mm);
	void (*vma_free)(int vma);
	/* mmgrab/mmdrop: after the drop the mm may be gone. */
	void (*mm_pin)(int mm, int delta);
	void (*mm_free)(int mm);
};

extern struct kdebug_ops kdebug;
/* Put the do-nothing defaults back. */
void kdebug_reset(void);

#endif /* VMLOCK_LOCK_KDEBUG_H */
