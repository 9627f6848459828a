/* SPDX-License-Identifier: MIT */
/*
 * kconfig.h - included before everything in each kernel-backend object
 * (-include): the configuration the kernel files are compiled in, and the
 * names that keep each compiled copy of them apart from the model's
 * functions and from each other.
 */
#ifndef VMLOCK_KERNEL_KCONFIG_H
#define VMLOCK_KERNEL_KCONFIG_H

#define CONFIG_MMU 1
#define CONFIG_PER_VMA_LOCK 1
/* lockdep on: vma_assert_locked() asks lock_is_held() (the shims' held-lock
 * tracking), as the model with its oracles does. */
#define CONFIG_LOCKDEP 1
#define CONFIG_DEBUG_LOCK_ALLOC 1
#define CONFIG_DEBUG_VM 1
/* Off: tracing; lock_mm_and_find_vma() (page-fault entry, needs the
 * exception tables and find_vma). */
#define IS_ENABLED(x) IS_ENABLED_(x)
#define IS_ENABLED_(x) IS_ENABLED__(__ARG_PLACEHOLDER_##x)
#define __ARG_PLACEHOLDER_1 0,
#define IS_ENABLED__(arg) IS_ENABLED___(arg 1, 0)
#define IS_ENABLED___(ignored, val, ...) val

/*
 * Names.  The functions mm/mmap_lock.c defines get the copy's prefix
 * (VMLOCK_KCOPY, "kernel" for the unpatched file; a variant's copy is
 * compiled with its own), the functions the kernel declares and the
 * runtime defines get ksim_: the model defines the same kernel names.
 */
#ifndef VMLOCK_KCOPY
#define VMLOCK_KCOPY kernel
#endif
#define KCOPY__(p, n) p##_##n
#define KCOPY_(p, n) KCOPY__(p, n)
#define __vma_start_write KCOPY_(VMLOCK_KCOPY, __vma_start_write)
#define __vma_exclude_readers_for_detach KCOPY_(VMLOCK_KCOPY, __vma_exclude_readers_for_detach)
#define lock_vma_under_rcu KCOPY_(VMLOCK_KCOPY, lock_vma_under_rcu)
#define lock_next_vma KCOPY_(VMLOCK_KCOPY, lock_next_vma)
#define lock_mm_and_find_vma KCOPY_(VMLOCK_KCOPY, lock_mm_and_find_vma)
#define rcuwait_wake_up ksim_rcuwait_wake_up
#define finish_rcuwait ksim_finish_rcuwait
#define refcount_warn_saturate ksim_refcount_warn_saturate
#define mmgrab ksim_mmgrab
#define mmdrop ksim_mmdrop
#define mas_walk ksim_mas_walk
#define vma_next ksim_vma_next

#endif /* VMLOCK_KERNEL_KCONFIG_H */
