/* SPDX-License-Identifier: MIT */
/* linux/memcontrol.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_MEMCONTROL_H
#define VMLOCK_KSHIM_LINUX_MEMCONTROL_H
#endif
