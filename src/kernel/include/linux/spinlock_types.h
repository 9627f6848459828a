/* SPDX-License-Identifier: MIT */
#ifndef VMLOCK_KSHIM_LINUX_SPINLOCK_TYPES_H
#define VMLOCK_KSHIM_LINUX_SPINLOCK_TYPES_H
typedef struct { int unused; } spinlock_t;
struct mutex;
#endif
