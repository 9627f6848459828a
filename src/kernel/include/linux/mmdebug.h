/* SPDX-License-Identifier: MIT */
#ifndef VMLOCK_KSHIM_LINUX_MMDEBUG_H
#define VMLOCK_KSHIM_LINUX_MMDEBUG_H
#include <linux/bug.h>
/* CONFIG_DEBUG_VM: the VM_* checks are WARNs, findings. */
#define VM_WARN_ON(cond) ((void)WARN_ON(cond))
#define VM_WARN_ON_ONCE(cond) ((void)WARN_ON(cond))
#define VM_WARN_ON_ONCE_VMA(cond, vma) ((void)WARN_ON(cond))
#define VM_WARN_ON_VMA(cond, vma) ((void)WARN_ON(cond))
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_BUG_ON_VMA(cond, vma) BUG_ON(cond)
#endif
