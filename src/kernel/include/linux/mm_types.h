/* SPDX-License-Identifier: MIT */
/*
 * linux/mm_types.h (shim): struct mm_struct and struct vm_area_struct with
 * the fields the lock touches, under the kernel's names and types.  The
 * vm_refcnt encoding's two constants come from the tree itself
 * (kernel_facts.h, written at configure time from its mm_types.h).
 * ksim_idx is ours: the object's index in the world (kworld.c), the
 * "#idx" of traces and the obj_idx of its simulator locations.
 */
#ifndef VMLOCK_KSHIM_LINUX_MM_TYPES_H
#define VMLOCK_KSHIM_LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/lockdep.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/seqlock.h>
#include <linux/maple_tree.h>
#include <linux/rcuwait.h>

#include "kernel_facts.h"

struct mm_struct {
	struct rw_semaphore mmap_lock;
	seqcount_t mm_lock_seq;
	struct rcuwait vma_writer_wait;
	atomic_t mm_count;
	atomic_t mm_users;
	struct maple_tree mm_mt;
	uint8_t ksim_idx;
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	vm_flags_t vm_flags;
	unsigned long vm_pgoff;
	unsigned int vm_lock_seq;
	refcount_t vm_refcnt;
	struct lockdep_map vmlock_dep_map;
	uint8_t ksim_idx;
};

struct vma_iterator {
	struct ma_state mas;
};

#endif
