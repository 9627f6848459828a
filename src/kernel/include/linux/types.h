/* SPDX-License-Identifier: MIT */
/* linux/types.h (shim): the kernel's integer types, atomic_t as the
 * simulator's atomic, struct rcuwait. */
#ifndef VMLOCK_KSHIM_LINUX_TYPES_H
#define VMLOCK_KSHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ksim.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;
typedef unsigned long vm_flags_t;

/* Every atomic_t operation is a simulator access (linux/atomic.h). */
typedef sim_atomic_t atomic_t;

struct rcuwait {
	struct task_struct *task;	/* __rcu */
};

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

struct list_head {
	struct list_head *next, *prev;
};

#endif
