/* SPDX-License-Identifier: MIT */
/*
 * ksim.c - the kernel backend's runtime (ksim.h): current and the task
 * states, the rcuwait functions the kernel has out of line (kernel/exit.c,
 * kernel/rcu/update.c), held-lock tracking for the VMA's dep map, RCU
 * read-side sections, the mm pin count, WARN.  Compiled against the shims,
 * not instrumented.
 */
#include "kworld.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbackend.h"
#define VMLOCK_CHECK_NEUTRAL 1
#include "check/check.h"
#include "lock/kdebug.h"
#include "lock/rcu.h"
#include "util/assert.h"

struct task_struct ksim_tasks[SIM_MAX_THREADS];
const struct sim_addr_codec ksim_task_codec = {
	ksim_tasks, sizeof(ksim_tasks[0])
};

static struct ksim_thread {
	bool ctrl_dep;		/* set_current_state() armed the next read */
	int ctrl_dep_scope;	/* inside refcount_add_not_zero() */
	unsigned nheld;
	struct {
		const struct lockdep_map *map;
		bool exclusive;
	} held[4];
	/* What the sleeper's condition read last (ksim_atomic_read()). */
	const sim_atomic_t *wait_loc;
	int32_t wait_seen;
} kth[SIM_MAX_THREADS];

/* Per run, from kworld_reset(). */
void ksim_reset(void)
{
	memset(kth, 0, sizeof(kth));
	for (int i = 0; i < SIM_MAX_THREADS; i++)
		ksim_tasks[i].tid = i;
}

static struct ksim_thread *me(void)
{
	int t = sim_self();

	VM_ASSERT(t >= 0 && t < SIM_MAX_THREADS);
	return &kth[t];
}

struct task_struct *ksim_current(void)
{
	return &ksim_tasks[sim_self()];
}

static const char *tree_path(const char *file)
{
	const char *p = strstr(file, "/include/linux/");

	if (!p)
		p = strstr(file, "/mm/");
	return p ? p + 1 : file;
}

_Noreturn void ksim_warn(const char *cond, const char *func, const char *file,
			 unsigned line)
{
	sim_fail(VERDICT_KERNEL_WARN, "WARN_ON(%s) in %s() at %s:%u", cond,
		 kbackend_func_name(func), tree_path(file), line);
	/* Only the main context returns from sim_fail(). */
	fprintf(stderr, "kernel WARN outside the threads: %s in %s()\n", cond, func);
	abort();
}

/* The kernel's hook under its own refcount.h (kconfig.h renames it): the
 * oracle of src/check/refcount.c, whose events are the kernel's, in its
 * order. */
_Static_assert(REFCOUNT_ADD_NOT_ZERO_OVF == (int)CHECK_REFCOUNT_ADD_NOT_ZERO_OVF &&
	       REFCOUNT_ADD_OVF == (int)CHECK_REFCOUNT_ADD_OVF &&
	       REFCOUNT_ADD_UAF == (int)CHECK_REFCOUNT_ADD_UAF &&
	       REFCOUNT_SUB_UAF == (int)CHECK_REFCOUNT_SUB_UAF &&
	       REFCOUNT_DEC_LEAK == (int)CHECK_REFCOUNT_DEC_LEAK,
	       "enum refcount_saturation_type moved");

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	check_refcount_saturate(r->refs.obj_kind, r->refs.obj_idx,
				(enum check_refcount_event)t, sim_peek(&r->refs));
	/* Only the main context returns from sim_fail(). */
	fprintf(stderr, "refcount_warn_saturate outside the threads\n");
	abort();
}

/* ---- task states, the control dependency, schedule() ---- */

void ksim_set_current_state(int state, const struct sim_site *s)
{
	if (!s) {	/* __set_current_state(TASK_RUNNING): no barrier */
		VM_ASSERT(state == TASK_RUNNING);
		sim_set_task_running();
		me()->wait_loc = NULL;	/* the wait is over */
		return;
	}
	sim_set_current_state(state == TASK_KILLABLE ? SIM_TASK_KILLABLE
						     : SIM_TASK_UNINTERRUPTIBLE, s);
	me()->ctrl_dep = true;
}

bool ksim_ctrl_dep_off;

void ksim_ctrl_dep_begin(void)
{
	if (sim_self() >= 0 && !ksim_ctrl_dep_off)
		me()->ctrl_dep_scope++;
}

void ksim_ctrl_dep_end(void)
{
	if (sim_self() >= 0 && !ksim_ctrl_dep_off) {
		VM_ASSERT(me()->ctrl_dep_scope > 0);
		me()->ctrl_dep_scope--;
	}
}

enum sim_mo ksim_ctrl_dep_mo(void)
{
	/* refcount_add_not_zero()'s reads: the value that ends its loop
	 * decides the caller's later stores (linux/refcount.h shim); pairs
	 * with the release of the puts it reads from. */
	if (sim_self() >= 0 && kth[sim_self()].ctrl_dep_scope)
		return SIM_ACQUIRE;
	return SIM_RELAXED;
}

enum sim_mo ksim_read_mo(void)
{
	if (ksim_ctrl_dep_mo() == SIM_ACQUIRE)
		return SIM_ACQUIRE;
	if (sim_self() < 0 || !kth[sim_self()].ctrl_dep)
		return SIM_RELAXED;
	/* The rcuwait condition's read: its value decides whether the
	 * writer goes on to store vm_lock_seq (pairs with the release of
	 * the readers' puts, as in the model). */
	kth[sim_self()].ctrl_dep = false;
	return SIM_ACQUIRE;
}

int32_t ksim_atomic_read(sim_atomic_t *a, const struct sim_site *s)
{
	bool cond = sim_self() >= 0 && kth[sim_self()].ctrl_dep;
	int32_t v = sim_load(a, ksim_read_mo(), s);

	if (cond) {	/* the wait condition's read: what it waits on */
		me()->wait_loc = a;
		me()->wait_seen = v;
	}
	return v;
}

/*
 * The lost-wake-up test (asked only when no thread can run): the location
 * the sleeper's condition read no longer holds what it read, so whoever
 * changed it made the condition worth re-evaluating and woke nobody.  A
 * sleeper whose location is unchanged waits for what never came: deadlock.
 */
static bool wait_cond(void *arg)
{
	const struct ksim_thread *t = arg;

	return sim_peek(t->wait_loc) != t->wait_seen;
}

void ksim_schedule(const struct sim_site *s)
{
	struct ksim_thread *t = me();

	t->ctrl_dep = false;
	if (rcu_gp_depth(sim_self()))
		sim_fail(VERDICT_RCU_SCOPE, "T%d sleeps in schedule() inside an RCU read-side section",
			 sim_self());
	sim_schedule(t->wait_loc ? wait_cond : NULL, t, s);
}

/* kernel/exit.c */
int rcuwait_wake_up(struct rcuwait *w)
{
	int ret = 0;
	struct task_struct *task;

	rcu_read_lock();
	/* (B): pairs with the barrier of set_current_state() (A) in
	 * rcuwait_wait_event(): either the sleeper sees our condition, or
	 * we see its task pointer. */
	smp_mb();
	task = rcu_dereference(w->task);
	if (task)
		ret = sim_wake_up_process(task->tid, SIM_SITE("wake_up_process(task)"));
	rcu_read_unlock();
	return ret;
}

/* kernel/rcu/update.c */
void finish_rcuwait(struct rcuwait *w)
{
	rcu_assign_pointer(w->task, NULL);
	__set_current_state(TASK_RUNNING);
}

/* ---- lockdep on the VMA's dep map ---- */

static int held_at(const struct ksim_thread *t, const struct lockdep_map *map)
{
	for (unsigned i = 0; i < t->nheld; i++)
		if (t->held[i].map == map)
			return (int)i;
	return -1;
}

static unsigned map_vma(const struct lockdep_map *map)
{
	return container_of(map, struct vm_area_struct, vmlock_dep_map)->ksim_idx;
}

/* The oracles' record (kdebug.h) first: lock_release() does not say
 * which mode it releases; the held record does. */
static void oracle_lockdep(enum ksim_lockdep_op op, const struct ksim_thread *t,
			   int i, const struct lockdep_map *map, const char *func)
{
	enum kdebug_lockdep_op k;

	if (op == KSIM_RELEASE)
		k = i >= 0 && t->held[i].exclusive ? LOCKDEP_RELEASE_EXCLUSIVE
						   : LOCKDEP_RELEASE_READ;
	else
		k = op == KSIM_ACQUIRE_READ ? LOCKDEP_ACQUIRE_READ
					    : LOCKDEP_ACQUIRE_EXCLUSIVE;
	kdebug.lockdep(k, (int)map_vma(map), func);
}

void ksim_lockdep(enum ksim_lockdep_op op, struct lockdep_map *map,
		  const char *func)
{
	struct ksim_thread *t = me();
	int i = held_at(t, map);

	oracle_lockdep(op, t, i, map, func);
	if (op == KSIM_RELEASE) {
		if (i < 0)
			sim_fail(VERDICT_HELD_LOCK, "T%d releases #%u's vm_lock in %s(), not held",
				 sim_self(), map_vma(map), func);
		t->held[i] = t->held[--t->nheld];
		return;
	}
	if (i >= 0)
		sim_fail(VERDICT_HELD_LOCK, "T%d takes #%u's vm_lock again in %s()",
			 sim_self(), map_vma(map), func);
	VM_ASSERT(t->nheld < sizeof(t->held) / sizeof(t->held[0]));
	t->held[t->nheld].map = map;
	t->held[t->nheld++].exclusive = op == KSIM_ACQUIRE_EXCLUSIVE;
}

bool ksim_lock_is_held(const struct lockdep_map *map)
{
	return held_at(me(), map) >= 0;
}

unsigned ksim_held_locks(int tid)
{
	return kth[tid].nheld;
}

/* ---- RCU read side ---- */

void ksim_rcu_read_lock(void)
{
	if (sim_self() < 0)
		return;
	(*kdebug.rcu_read_lock)();	/* not the shim's macro */
	rcu_gp_read_lock();		/* the grace periods' (lock/rcu.h) */
}

void ksim_rcu_read_unlock(void)
{
	if (sim_self() < 0)
		return;
	(*kdebug.rcu_read_unlock)();
	if (rcu_gp_depth(sim_self()) == 0)
		sim_fail(VERDICT_RCU_SCOPE, "T%d: rcu_read_unlock() outside a read-side section",
			 sim_self());
	rcu_gp_read_unlock();
}

bool ksim_rcu_read_lock_held(void)
{
	return sim_self() < 0 || rcu_gp_depth(sim_self()) > 0;
}

int ksim_rcu_depth(int tid)
{
	return rcu_gp_depth(tid);
}

/* ---- kernel/fork.c: the pin count ---- */

void mmgrab(struct mm_struct *mm)
{
	sim_note("mmgrab(mm %c)", 'A' + mm->ksim_idx);
	atomic_inc(&mm->mm_count);
	kdebug.mm_pin(mm->ksim_idx, +1);
}

void mmdrop(struct mm_struct *mm)
{
	uint8_t idx = mm->ksim_idx;	/* the mm may be freed by our put */

	sim_note("mmdrop(mm %c)", 'A' + idx);
	kmm_count_put(mm);	/* the pin covers its own decrement */
	kdebug.mm_pin(idx, -1);
}
