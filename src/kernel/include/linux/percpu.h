/* SPDX-License-Identifier: MIT */
/* linux/percpu.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_PERCPU_H
#define VMLOCK_KSHIM_LINUX_PERCPU_H
#endif
