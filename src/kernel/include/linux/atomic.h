/* SPDX-License-Identifier: MIT */
/*
 * linux/atomic.h (shim): atomic_t is a sim_atomic_t; every operation the
 * kernel's refcount.h and the lock use is a simulator access with the
 * kernel's ordering: _relaxed relaxed, _acquire/_release as named, a
 * value-returning RMW without a suffix fully ordered (seq_cst).  A failed
 * cmpxchg orders nothing (relaxed).  atomic_read() and the relaxed
 * try_cmpxchg are relaxed except where a control dependency orders the
 * stores after them: the rcuwait condition and refcount_add_not_zero()
 * (ksim_read_mo(), ksim_ctrl_dep_mo(), ksim.h).  This follows the one
 * kernel-primitive-to-simulator table, docs/weak-memory.md ("Kernel
 * primitives on the simulator"), tested by the litmus results there.
 */
#ifndef VMLOCK_KSHIM_LINUX_ATOMIC_H
#define VMLOCK_KSHIM_LINUX_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>

#define ATOMIC_INIT(i) { .v = (i) }

#define atomic_read(a)							\
	((int)ksim_atomic_read((sim_atomic_t *)(a),			\
			       SIM_SITE("atomic_read(" #a ")")))
#define atomic_set(a, i)						\
	sim_store((a), (i), SIM_RELAXED, SIM_SITE("atomic_set(" #a ")"))
#define atomic_set_release(a, i)					\
	sim_store((a), (i), SIM_RELEASE, SIM_SITE("atomic_set_release(" #a ")"))
/* Used by refcount_add_not_zero() only: acquire inside it (its control
 * dependency, ksim_ctrl_dep_mo()), relaxed elsewhere. */
#define atomic_try_cmpxchg_relaxed(a, oldp, new)			\
	sim_cmpxchg((a), (oldp), (new), ksim_ctrl_dep_mo(), ksim_ctrl_dep_mo(), \
		    SIM_SITE("atomic_try_cmpxchg_relaxed(" #a ")"))
#define atomic_try_cmpxchg_acquire(a, oldp, new)			\
	sim_cmpxchg((a), (oldp), (new), SIM_ACQUIRE, SIM_RELAXED,	\
		    SIM_SITE("atomic_try_cmpxchg_acquire(" #a ")"))
#define atomic_try_cmpxchg_release(a, oldp, new)			\
	sim_cmpxchg((a), (oldp), (new), SIM_RELEASE, SIM_RELAXED,	\
		    SIM_SITE("atomic_try_cmpxchg_release(" #a ")"))
#define atomic_fetch_add_relaxed(i, a)					\
	sim_fetch_add((a), (i), SIM_RELAXED,				\
		      SIM_SITE("atomic_fetch_add_relaxed(" #a ")"))
#define atomic_fetch_sub_release(i, a)					\
	sim_fetch_add((a), -(i), SIM_RELEASE,				\
		      SIM_SITE("atomic_fetch_sub_release(" #a ")"))
/* The new value, release only (a variant patch's decrement: D5). */
#define atomic_dec_return_release(a)					\
	(sim_fetch_add((a), -1, SIM_RELEASE,				\
		       SIM_SITE("atomic_dec_return_release(" #a ")")) - 1)
#define atomic_inc(a)							\
	((void)sim_fetch_add((a), 1, SIM_RELAXED, SIM_SITE("atomic_inc(" #a ")")))
#define atomic_dec_and_test(a)						\
	(sim_fetch_add((a), -1, SIM_SEQ_CST,				\
		       SIM_SITE("atomic_dec_and_test(" #a ")")) == 1)

#endif
