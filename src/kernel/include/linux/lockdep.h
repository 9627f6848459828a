/* SPDX-License-Identifier: MIT */
/* linux/lockdep.h (shim): the dep-map calls the lock makes, to the
 * runtime's held-lock tracking (ksim.c). */
#ifndef VMLOCK_KSHIM_LINUX_LOCKDEP_H
#define VMLOCK_KSHIM_LINUX_LOCKDEP_H

#include <linux/types.h>

struct lock_class_key {
	int unused;
};
struct lockdep_map {
	const char *name;
};
#define _RET_IP_ 0UL
/* The subclass of a lock taken nested in one of its class. */
#define SINGLE_DEPTH_NESTING 1
#define lock_acquire_shared(map, sub, try, nest, ip)			\
	ksim_lockdep(KSIM_ACQUIRE_READ, (map), __func__)
#define lock_acquire_exclusive(map, sub, try, nest, ip)			\
	ksim_lockdep(KSIM_ACQUIRE_EXCLUSIVE, (map), __func__)
#define lock_release(map, ip) ksim_lockdep(KSIM_RELEASE, (map), __func__)
#define lock_acquired(map, ip) do { } while (0)
#define lock_is_held(map) ksim_lock_is_held(map)
#define lockdep_init_map(map, n, key, sub) do { (void)(key); } while (0)

#endif
