/* SPDX-License-Identifier: MIT */
/* linux/bug.h (shim): a WARN or BUG that fires is a finding (ksim_warn()
 * stops the run with VERDICT_KERNEL_WARN and the kernel's file:line). */
#ifndef VMLOCK_KSHIM_LINUX_BUG_H
#define VMLOCK_KSHIM_LINUX_BUG_H

#include <linux/compiler.h>

#define WARN_ON(cond)							\
	({								\
		bool warn_ = !!(cond);					\
		if (unlikely(warn_))					\
			ksim_warn(#cond, __func__, __FILE__, __LINE__);	\
		warn_;							\
	})
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define WARN(cond, ...) WARN_ON(cond)
#define WARN_ONCE(cond, ...) WARN_ON(cond)
#define BUG_ON(cond) ((void)WARN_ON(cond))
#define BUG() ksim_warn("BUG()", __func__, __FILE__, __LINE__)

#endif
