/* SPDX-License-Identifier: MIT */
/*
 * tsan.h - ThreadSanitizer's reports and self-check (tsan.c); no-ops in
 * other builds.
 */
#ifndef VMLOCK_SIM_TSAN_H
#define VMLOCK_SIM_TSAN_H

/* The exit status of a TSan binary whose self-check failed. */
#define SAN_SELFCHECK_EXIT 4

/* Reports ThreadSanitizer made so far in this process. */
unsigned san_tsan_reports(void);

/*
 * Prove that TSan reports a race planted by plant() (run in a child
 * process: two threads of the caller's kind, `what`, e.g. "fibers",
 * write one location unordered); quiet when it does, else say what is
 * wrong in one line and exit with SAN_SELFCHECK_EXIT.
 * VMLOCK_TSAN_PROBE=verbose says that it passed too; =show also prints
 * the planted race's report; =skip skips it, with a line saying so.
 */
void san_selfcheck(void (*plant)(void), const char *what);

/* The runtime's self-check: a race between two fibers (sim_setup()). */
void sim_tsan_selfcheck(void);

#endif /* VMLOCK_SIM_TSAN_H */
