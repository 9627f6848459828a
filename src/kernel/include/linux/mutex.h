/* SPDX-License-Identifier: MIT */
/* linux/mutex.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_MUTEX_H
#define VMLOCK_KSHIM_LINUX_MUTEX_H
#endif
