/* SPDX-License-Identifier: MIT */
#ifndef VMLOCK_KSHIM_LINUX_CLEANUP_H
#define VMLOCK_KSHIM_LINUX_CLEANUP_H
/* Scope guards: the lock files define some, none is used here. */
#define DEFINE_GUARD(name, type, lock, unlock)
#define DEFINE_GUARD_COND(name, ext, cond, ...)
#endif
