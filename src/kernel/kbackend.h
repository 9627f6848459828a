/* SPDX-License-Identifier: MIT */
/*
 * kbackend.h - the kernel backend's half of the backend interface that
 * every compiled copy shares (kbackend.c); kcopy.c puts it together with
 * a copy's own thread bodies.
 */
#ifndef VMLOCK_KERNEL_KBACKEND_H
#define VMLOCK_KERNEL_KBACKEND_H

#include "kworld.h"
#include "harness/backend.h"

bool kbackend_vma_born(int i);
int32_t kbackend_vma_refcnt(int i);
int32_t kbackend_vma_lock_seq(int i);
uintptr_t kbackend_vma_start(int i);
uintptr_t kbackend_vma_end(int i);
int kbackend_vma_mm(int i);
bool kbackend_mm_freed(int m);
int32_t kbackend_mm_lock_seq(int m);
const struct sim_rwsem *kbackend_mm_lock(int m);
int32_t kbackend_mm_users(int m);
int32_t kbackend_mm_count(int m);

/* A kernel function's name without its copy's prefix (kconfig.h). */
const char *kbackend_func_name(const char *func);

#endif /* VMLOCK_KERNEL_KBACKEND_H */
