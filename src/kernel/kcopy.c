/* SPDX-License-Identifier: MIT */
/*
 * kcopy.c - one compiled copy of the kernel's files as a backend
 * (harness/backend.h): compiled with the copy's prefix (VMLOCK_KCOPY) and
 * patch name (VMLOCK_KVARIANT, "" for the unpatched files), beside the
 * copy's mm/mmap_lock.c and the operations compiled against its headers.
 */
#include "kbackend.h"
#include "kglue.h"
#include "harness/ops.h"

#define KCOPY_BACKEND KCOPY_(VMLOCK_KCOPY, backend)

extern const struct backend KCOPY_BACKEND;
const struct backend KCOPY_BACKEND = {
	.name = "kernel",
	.version = VMLOCK_KERNEL_VERSION,
	.variant = VMLOCK_KVARIANT,
	.setup_world = kbackend_setup_world,
	.thread_init = harness_thread_init,
	.thread_body = harness_thread_entry,
	.vma_born = kbackend_vma_born,
	.vma_refcnt = kbackend_vma_refcnt,
	.vma_lock_seq = kbackend_vma_lock_seq,
	.vma_start = kbackend_vma_start,
	.vma_end = kbackend_vma_end,
	.vma_mm = kbackend_vma_mm,
	.mm_freed = kbackend_mm_freed,
	.mm_lock_seq = kbackend_mm_lock_seq,
	.mm_lock = kbackend_mm_lock,
	.mm_users = kbackend_mm_users,
	.mm_count = kbackend_mm_count,
};
