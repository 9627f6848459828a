/* SPDX-License-Identifier: MIT */
/*
 * linux/compiler.h (shim): annotations, and the marked accesses on fields
 * of plain C type, which the simulator finds by address (sim_addr_*): each
 * one a scheduling point with a memory order, as the model's kshim.h maps
 * them (vma-lock-spec.md section 5.1): READ_ONCE/WRITE_ONCE relaxed,
 * smp_load_acquire/smp_store_release acquire/release (the table:
 * docs/weak-memory.md, "Kernel primitives on the simulator").
 */
#ifndef VMLOCK_KSHIM_LINUX_COMPILER_H
#define VMLOCK_KSHIM_LINUX_COMPILER_H

#include <linux/types.h>
#include <asm/barrier.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __must_check __attribute__((warn_unused_result))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __rcu
#define __force
#define __user
#define __init
#define __read_mostly
#define ____cacheline_aligned_in_smp
#define __randomize_layout
#define barrier() __asm__ __volatile__("" ::: "memory")
/* The 7.x Clang context-analysis annotations. */
#define __acquires(...)
#define __releases(...)
#define __acquires_shared(...)
#define __releases_shared(...)
#define __cond_acquires(...)
#define __cond_acquires_shared(...)
#define __assumes_ctx_lock(...)
#define __must_hold(...)
#define context_unsafe(...) __VA_ARGS__
#define ASSERT_EXCLUSIVE_WRITER(x) do { } while (0)

#define READ_ONCE(x)							\
	((__typeof__(x))sim_addr_load(&(x), SIM_RELAXED,		\
				      SIM_SITE("READ_ONCE(" #x ")")))
#define WRITE_ONCE(x, val)						\
	sim_addr_store(&(x), (uint64_t)(val), SIM_RELAXED,		\
		       SIM_SITE("WRITE_ONCE(" #x ")"))

#include <linux/export.h>

#endif
