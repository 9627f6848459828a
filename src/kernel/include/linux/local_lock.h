/* SPDX-License-Identifier: MIT */
/* linux/local_lock.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_LOCAL_LOCK_H
#define VMLOCK_KSHIM_LINUX_LOCAL_LOCK_H
#endif
