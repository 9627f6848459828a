/* SPDX-License-Identifier: MIT */
/*
 * linux/rcupdate.h (shim): read-side sections tracked per thread (ksim.c);
 * rcu_assign_pointer() a release store and rcu_dereference() an acquire
 * load (the model's orders: C11 has no address dependencies), of pointer
 * fields the simulator finds by address.
 */
#ifndef VMLOCK_KSHIM_LINUX_RCUPDATE_H
#define VMLOCK_KSHIM_LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/bug.h>

#define rcu_read_lock() ksim_rcu_read_lock()
#define rcu_read_unlock() ksim_rcu_read_unlock()
#define rcu_read_lock_held() ksim_rcu_read_lock_held()
#define RCU_LOCKDEP_WARN(c, s) ((void)WARN_ON(c))
#define rcu_assign_pointer(p, v)					\
	sim_addr_store(&(p), (uint64_t)(uintptr_t)(v), SIM_RELEASE,	\
		       SIM_SITE("rcu_assign_pointer(" #p ")"))
#define RCU_INIT_POINTER(p, v)						\
	sim_addr_store(&(p), (uint64_t)(uintptr_t)(v), SIM_RELAXED,	\
		       SIM_SITE("RCU_INIT_POINTER(" #p ")"))
#define rcu_dereference(p)						\
	((__typeof__(p))(uintptr_t)sim_addr_load(&(p), SIM_ACQUIRE,	\
		SIM_SITE("rcu_dereference(" #p ")")))
#define rcu_access_pointer(p)						\
	((__typeof__(p))(uintptr_t)sim_addr_load(&(p), SIM_RELAXED,	\
		SIM_SITE("rcu_access_pointer(" #p ")")))

#endif
