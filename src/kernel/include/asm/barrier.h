/* SPDX-License-Identifier: MIT */
/*
 * asm/barrier.h (shim): fences and acquire/release accesses.  smp_wmb()
 * is a release fence, smp_rmb() an acquire fence: each stronger than the
 * kernel's (they also order loads, resp. stores), as in the model.
 */
#ifndef VMLOCK_KSHIM_ASM_BARRIER_H
#define VMLOCK_KSHIM_ASM_BARRIER_H

#include <linux/types.h>

#define smp_mb() sim_fence(SIM_SEQ_CST, SIM_SITE("smp_mb()"))
#define smp_wmb() sim_fence(SIM_RELEASE, SIM_SITE("smp_wmb()"))
#define smp_rmb() sim_fence(SIM_ACQUIRE, SIM_SITE("smp_rmb()"))
#define smp_acquire__after_ctrl_dep()					\
	sim_fence(SIM_ACQUIRE, SIM_SITE("smp_acquire__after_ctrl_dep()"))
#define smp_load_acquire(p)						\
	((__typeof__(*(p)))sim_addr_load((p), SIM_ACQUIRE,		\
					 SIM_SITE("smp_load_acquire(" #p ")")))
#define smp_store_release(p, v)						\
	sim_addr_store((p), (uint64_t)(v), SIM_RELEASE,			\
		       SIM_SITE("smp_store_release(" #p ")"))

#endif
