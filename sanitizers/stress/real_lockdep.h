/* SPDX-License-Identifier: MIT */
/*
 * real_lockdep.h - lockdep's per-task held-lock record on real threads
 * (see real_lockdep.c).
 */
#ifndef VMLOCK_STRESS_REAL_LOCKDEP_H
#define VMLOCK_STRESS_REAL_LOCKDEP_H

/* From main, once: the model's lockdep hooks point here. */
void real_lockdep_install(void);
/* In a worker, at the start of each iteration: nothing held. */
void real_lockdep_thread_begin(void);
/* In a worker, when its body returns: holding a lock is a finding. */
void real_lockdep_thread_exit(void);

#endif /* VMLOCK_STRESS_REAL_LOCKDEP_H */
