/* SPDX-License-Identifier: MIT */
/*
 * ops_model.h - what ops.c needs beyond the lock's API, for the model: the
 * model's world (src/lock/mm.h: vma_lookup, vm_area_alloc/free,
 * vma_iter_store/clear, the address map), its index fields, and its plain
 * accesses (PLAIN_READ/PLAIN_WRITE, src/lock/kshim.h).  The kernel
 * backend's counterpart is src/kernel/kglue.h.
 */
#ifndef VMLOCK_HARNESS_OPS_MODEL_H
#define VMLOCK_HARNESS_OPS_MODEL_H

#include "../check/check.h"
#include "../lock/mm.h"
#include "../lock/mmap_lock.h"

#define VMA_IDX(vma) ((vma)->idx)
#define MM_IDX(mm) ((mm)->idx)
#define mm_of_idx(m) (&world.mm[(m)])
/* The model's rcuwait knows the condition a writer sleeps for. */

#endif /* VMLOCK_HARNESS_OPS_MODEL_H */
