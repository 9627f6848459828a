/* SPDX-License-Identifier: MIT */
/*
 * rcu.h - RCU grace periods, modelled for both backends.
 *
 * Per simulated thread: its read-side nesting and the number of sections
 * it has ended.  A section is named by that number when it begins (the
 * thread's n-th section is section n).  rcu_gp_call() (call_rcu()) records,
 * for every thread inside a section now, that section; the callback runs
 * once each of them has ended, which is checked where that can become
 * true: at the outermost rcu_read_unlock() (a grace period's state
 * changes nowhere else, so polling at other scheduling points would find
 * nothing new).  No time: the earliest end a grace period may have, so a
 * use after it is found on the schedule that makes it possible.
 *
 * The grace period's ordering, narrowed to the pointer the callback's
 * writer replaced (the memory barriers of a real grace period give more):
 * once it has ended, every thread reads that pointer's new value or a
 * later one (sim_raise_floor()), so nobody finds the freed object
 * through it.  Before, a section that begins after call_rcu() may still
 * read the old value (weak memory: nothing orders the reader's loads
 * after the writer's store yet; a real grace period starts some time
 * after call_rcu()), and then the grace period waits for that section
 * too (rcu_gp_reader_of_retired()): its start is the latest the kernel
 * allows, after every section that saw the object began.  A thread
 * whose own section the grace period waited for reads the new value
 * from that section's end on.
 *
 * The names are ours (rcu_gp_*): the kernel backend's shims have the
 * kernel's.
 */
#ifndef VMLOCK_LOCK_RCU_H
#define VMLOCK_LOCK_RCU_H

#include <stdbool.h>
#include <stdint.h>

#include "../sim/sim.h"

struct rcu_gp_head {
	struct rcu_gp_head *next;	/* pending callbacks, oldest first */
	void (*func)(struct rcu_gp_head *head);
	uint8_t waits;			/* threads whose section must end */
	uint32_t section[SIM_MAX_THREADS];	/* which of their sections */
	/* The pointer replaced before call_rcu() (its location: the memory
	 * may be freed before the grace period ends), and the store that
	 * replaced it. */
	uint16_t ptr_loc;
	uint32_t ptr_store;
};

/* A new run: no thread in a section, nothing pending. */
void rcu_gp_reset(void);
/* rcu_read_lock() / rcu_read_unlock() of the running thread (both
 * backends' shims call these; nothing in the main context). */
void rcu_gp_read_lock(void);
void rcu_gp_read_unlock(void);
/* Thread t's nesting, and how many sections it has ended. */
int rcu_gp_depth(int t);
uint32_t rcu_gp_ended(int t);
/* call_rcu(head, func) after the store to ptr that retired the object:
 * func runs once every section now open has ended (now, if none is). */
void rcu_gp_call(struct rcu_gp_head *head, const sim_atomic_t *ptr,
		 void (*func)(struct rcu_gp_head *head));
/* The running thread, in a section, read the pointer's old value (the
 * object head retires): head's grace period, still running, waits for
 * this section as well. */
void rcu_gp_reader_of_retired(struct rcu_gp_head *head);
/* Is head's grace period still running? */
bool rcu_gp_pending(const struct rcu_gp_head *head);

#endif /* VMLOCK_LOCK_RCU_H */
