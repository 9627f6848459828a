/* SPDX-License-Identifier: MIT */
#ifndef VMLOCK_KSHIM_LINUX_SCHED_MM_H
#define VMLOCK_KSHIM_LINUX_SCHED_MM_H
#include <linux/types.h>
#include <linux/sched/signal.h>
struct mm_struct;
/* kernel/fork.c: the pin count (ksim.c, kconfig.h renames them). */
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
#endif
