/* SPDX-License-Identifier: MIT */
/* linux/smp.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_SMP_H
#define VMLOCK_KSHIM_LINUX_SMP_H
#endif
