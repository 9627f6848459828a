/* SPDX-License-Identifier: MIT */
/*
 * real_sim.h - the runtime API of src/sim/sim.h on real threads, as the
 * stress driver sees it.
 *
 * real_sim.c implements sim.h's model-facing half (atomics, plain fields,
 * the rwsem, task state and wake-ups, fatal signals) with pthreads and
 * C11 atomics; no scheduler, no trace, no ghost state.  This header adds
 * what the driver needs around it: thread identity, per-iteration reset,
 * where a thread sleeps (for a hang report), and the finding callback.
 */
#ifndef VMLOCK_STRESS_REAL_SIM_H
#define VMLOCK_STRESS_REAL_SIM_H

#include <stdbool.h>

#include "sim/sim.h"

/* ThreadSanitizer's self-check on two pthreads (src/sim/tsan.h). */
void real_tsan_selfcheck(void);

/* From main, threads idle: nthreads tasks running, no signal pending. */
void real_sim_reset(int nthreads);
/* In a new worker thread, once: it is task tid from now on. */
void real_sim_thread_init(int tid);
/* In a worker, at the start of each iteration. */
void real_sim_thread_begin(void);
/* What task tid is blocked in right now ("schedule() at <func>", NULL if
 * it is not blocked): read racily by the hang watchdog. */
const char *real_sim_blocked_in(int tid, char *buf, unsigned len);

/* Between the runtime's files: the calling task sleeps at s (NULL: no
 * longer); a no-op from main. */
void real_task_blocked(const struct sim_site *s);

/*
 * The first finding of the process (sim_fail from the model or from the
 * checks): the driver prints it and exits, in the thread that found it.
 * Threads hold locks the others wait for, so a thread cannot simply give
 * up its operation; ending the process is what a kernel developer's
 * stress test does on a WARN with panic_on_warn, and the report comes
 * first.  Provided by the driver.
 */
void stress_finding(enum verdict v, const char *msg)
	__attribute__((noreturn));

#endif /* VMLOCK_STRESS_REAL_SIM_H */
