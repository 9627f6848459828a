/* SPDX-License-Identifier: MIT */
/*
 * linux/sched/signal.h (shim): current, task states, the signal test and
 * schedule() the real rcuwait_wait_event() loops over.  set_current_state()
 * is the store and its full barrier (sim_set_current_state()); only a
 * fatal signal is ever sent, so signal_pending_state() is a killable
 * sleep's fatal_signal_pending().
 */
#ifndef VMLOCK_KSHIM_LINUX_SCHED_SIGNAL_H
#define VMLOCK_KSHIM_LINUX_SCHED_SIGNAL_H

#include <linux/types.h>

#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_WAKEKILL 0x0100
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)

#define current ksim_current()
#define set_current_state(st)						\
	ksim_set_current_state((st), SIM_SITE("set_current_state(" #st ")"))
#define __set_current_state(st) ksim_set_current_state((st), NULL)
#define signal_pending_state(st, p)					\
	(((st) & TASK_WAKEKILL) && sim_fatal_signal_pending())
#define fatal_signal_pending(p) sim_fatal_signal_pending()
#define schedule() ksim_schedule(SIM_SITE("schedule()"))

#endif
