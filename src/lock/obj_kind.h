/* SPDX-License-Identifier: MIT */
/*
 * obj_kind.h - the kinds of object a simulator location belongs to, as the
 * oracles and the trace name them.  Both backends register their fields
 * with these (the model in mm.c, the kernel backend in src/kernel/kworld.c).
 */
#ifndef VMLOCK_LOCK_OBJ_KIND_H
#define VMLOCK_LOCK_OBJ_KIND_H

#include <stdbool.h>
#include <stdint.h>

/* Object kinds of simulator locations, for the oracles and the trace. */
enum obj_kind {
	OBJ_VMA_REFCNT = 1,	/* vma->vm_refcnt */
	OBJ_VMA_LOCK_SEQ,	/* vma->vm_lock_seq */
	OBJ_VMA_MM,		/* vma->vm_mm (plain) */
	OBJ_VMA_RANGE,		/* vma->vm_start, vm_end (plain; vm_freeptr) */
	OBJ_VMA_PAYLOAD,	/* vma->vm_flags, vm_pgoff (plain) */
	OBJ_MM_LOCK,		/* mm->mmap_lock */
	OBJ_MM_SEQ,		/* mm->mm_lock_seq */
	OBJ_MM_WAIT,		/* mm->vma_writer_wait */
	OBJ_MM_COUNT,		/* mm->mm_count, mm->mm_users */
	OBJ_MM_TREE,		/* mm->mm_mt slots */
	OBJ_SLAB,		/* the VMA cache's own lock */
};

static inline bool obj_is_vma(uint8_t kind)
{
	return kind >= OBJ_VMA_REFCNT && kind <= OBJ_VMA_PAYLOAD;
}

static inline bool obj_is_mm(uint8_t kind)
{
	return kind >= OBJ_MM_LOCK && kind <= OBJ_MM_TREE;
}

#endif /* VMLOCK_LOCK_OBJ_KIND_H */
