/* SPDX-License-Identifier: MIT */
/*
 * kglue.h - what the operations (src/harness/ops.c) need beyond the lock's
 * API, for one compiled copy of the kernel's files (VMLOCK_KCOPY, its name
 * prefix; ops.c is compiled once per copy against that copy's
 * mmap_lock.h, so a variant patch to the header's inline functions reaches
 * its operations too).  The model's counterpart is
 * src/harness/ops_model.h.
 *
 *  - this copy's names for ops.c's functions (kconfig.h's prefix);
 *  - the world: vma_lookup, vm_area_alloc/free, vma_iter_store/clear,
 *    mm_range_free, mmget/mmput (kworld.c);
 *  - index fields (ksim_idx) and plain accesses: plain C, which the
 *    compiler's instrumentation turns into scheduling points (tsan_hooks.c).
 */
#ifndef VMLOCK_KERNEL_KGLUE_H
#define VMLOCK_KERNEL_KGLUE_H

#include "kworld.h"

#define VMLOCK_CHECK_NEUTRAL 1
#include "check/check.h"

#define op_run KCOPY_(VMLOCK_KCOPY, op_run)
#define harness_thread_body KCOPY_(VMLOCK_KCOPY, harness_thread_body)
#define harness_thread_init KCOPY_(VMLOCK_KCOPY, harness_thread_init)
#define harness_thread_entry KCOPY_(VMLOCK_KCOPY, harness_thread_entry)
#define exit_mmap KCOPY_(VMLOCK_KCOPY, exit_mmap)

/* A tree older than 7.3 has no vma_assert_can_modify(): where 7.3's
 * callers assert, its callers asserted nothing (kernel_facts.h says which
 * tree this is). */
#if !VMLOCK_KERNEL_HAS_ASSERT_CAN_MODIFY
static inline void vma_assert_can_modify(struct vm_area_struct *vma)
{
	(void)vma;
}
#endif

#define VMA_IDX(vma) ((vma)->ksim_idx)
#define MM_IDX(mm) ((mm)->ksim_idx)
#define mm_of_idx(m) kworld_mm(m)
#define PLAIN_READ(f) (f)
#define PLAIN_READ_STABLE(f) (f)
#define PLAIN_WRITE(f, v) ((f) = (v))

#define vma_lookup kvma_lookup
#define vm_area_alloc kvm_area_alloc
#define vm_area_dup kvm_area_dup
#define vm_area_free kvm_area_free
#define vma_set_vm_mm kvma_set_vm_mm
#define vma_iter_store kvma_iter_store
#define vma_iter_clear kvma_iter_clear
#define mm_range_free kmm_range_free
#define mmget kmmget

void exit_mmap(struct mm_struct *mm);

/* kernel/fork.c's mmput(): the last user tears the address space down
 * with this copy's exit_mmap(), then drops the users' shared pin. */
static inline void mmput(struct mm_struct *mm)
{
	if (atomic_dec_and_test(&mm->mm_users)) {
		exit_mmap(mm);
		kmm_count_put(mm);
	}
}

#endif /* VMLOCK_KERNEL_KGLUE_H */
