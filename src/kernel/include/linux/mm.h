/* SPDX-License-Identifier: MIT */
/*
 * linux/mm.h (shim): what mm/mmap_lock.c takes from it: the types, error
 * pointers, the VMA iterator over the address map, the vm event counters
 * (nothing counts them here).
 */
#ifndef VMLOCK_KSHIM_LINUX_MM_H
#define VMLOCK_KSHIM_LINUX_MM_H

#include <linux/types.h>
#include <linux/err.h>
#include <linux/mm_types.h>
#include <linux/rcupdate.h>

#define count_vm_vma_lock_event(e) do { } while (0)

/* A new cursor on mm's map at addr (mas_init()): a walk of its own,
 * from the root (no node cached). */
static inline void vma_iter_init(struct vma_iterator *vmi,
				 struct mm_struct *mm, unsigned long addr)
{
	vmi->mas = (struct ma_state){ .tree = &mm->mm_mt, .index = addr,
				      .last = addr, .ksim_gen = ksim_mas_gen() };
}

static inline void vma_iter_set(struct vma_iterator *vmi, unsigned long addr)
{
	mas_set(&vmi->mas, addr);
}

/* The next VMA at or after the iterator's address (the map's walk, on
 * from the node the iterator cached while it is set); the iterator moves
 * past it. */
struct vm_area_struct *vma_next(struct vma_iterator *vmi);

#endif
