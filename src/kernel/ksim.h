/* SPDX-License-Identifier: MIT */
/*
 * ksim.h - the kernel backend's runtime: what the shim headers
 * (include/linux/...) call.  Project code, compiled against the shims and
 * the kernel tree's own headers; the out-of-line half is ksim.c.
 */
#ifndef VMLOCK_KERNEL_KSIM_H
#define VMLOCK_KERNEL_KSIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"
#include "sim/verdict.h"

struct vm_area_struct;
struct mm_struct;
struct rcuwait;
struct lockdep_map;
struct task_struct {
	int tid;
};

/* current: the simulated thread's task, one per thread. */
extern struct task_struct ksim_tasks[SIM_MAX_THREADS];
extern const struct sim_addr_codec ksim_task_codec;
struct task_struct *ksim_current(void);

/*
 * A control dependency.  The kernel orders a store after a relaxed read
 * whose value decides a branch before it; C11 has no such thing.  As the
 * model's spec maps the writer's wait (vma-lock-spec.md section 5.1), the
 * read deciding the rcuwait condition is an acquire here: set_current_state()
 * in the wait loop arms it, the condition's atomic_read() takes it.
 */
enum sim_mo ksim_read_mo(void);
/*
 * atomic_read(), with the order above; the read that decides the rcuwait
 * condition also records what the sleeper waits on (its location and the
 * value it saw), for the lost-wake-up test: the kernel code's own
 * condition, whatever the tree or a patch makes it.
 */
int32_t ksim_atomic_read(sim_atomic_t *a, const struct sim_site *s);
/*
 * refcount_add_not_zero()'s control dependency (the linux/refcount.h shim
 * brackets the call): its refcount_read() and its try_cmpxchg are
 * acquires, success and failure (ksim_ctrl_dep_mo()), as the model's
 * refcount_add_not_zero() (src/lock/kshim.h).  ksim_ctrl_dep_off: tests
 * only, to show what the rule orders (test_kernel's regressions).
 */
void ksim_ctrl_dep_begin(void);
void ksim_ctrl_dep_end(void);
enum sim_mo ksim_ctrl_dep_mo(void);
extern bool ksim_ctrl_dep_off;
void ksim_set_current_state(int state, const struct sim_site *s);
void ksim_schedule(const struct sim_site *s);

/* lockdep on the VMA's dep map; the map lives inside the VMA. */
enum ksim_lockdep_op { KSIM_ACQUIRE_READ, KSIM_ACQUIRE_EXCLUSIVE, KSIM_RELEASE };
void ksim_lockdep(enum ksim_lockdep_op op, struct lockdep_map *map,
		  const char *func);
bool ksim_lock_is_held(const struct lockdep_map *map);

/* RCU read side: per-thread nesting, checked. */
void ksim_rcu_read_lock(void);
void ksim_rcu_read_unlock(void);
bool ksim_rcu_read_lock_held(void);

/* Per run (kworld_reset()); the state tests and oracles read. */
void ksim_reset(void);
void ksim_mm_free(struct mm_struct *mm);
unsigned ksim_held_locks(int tid);
int ksim_rcu_depth(int tid);

/* WARN_ON and friends: a finding that stops the run. */
_Noreturn void ksim_warn(const char *cond, const char *func, const char *file,
			 unsigned line);

#endif /* VMLOCK_KERNEL_KSIM_H */
