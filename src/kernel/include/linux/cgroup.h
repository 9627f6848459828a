/* SPDX-License-Identifier: MIT */
/* linux/cgroup.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_CGROUP_H
#define VMLOCK_KSHIM_LINUX_CGROUP_H
#endif
