/* SPDX-License-Identifier: MIT */
/*
 * real_lockdep.c - lockdep's held-lock record for the VMA lock, on real
 * threads.
 *
 * The model calls lockdep where the kernel does (src/lock/kdebug.h).  A
 * kernel developer stress-tests with CONFIG_PROVE_LOCKING, whose basic
 * checks need no global view: each task keeps the locks it holds, a
 * release of a lock the task does not hold is a "bad unlock balance", and
 * a task that exits holding one is a bug (debug_check_no_locks_held() in
 * do_exit()).  That record is per thread, so it works as is on real
 * threads; the other kdebug hooks (RCU, slab, mm pins) stay the no-op
 * defaults of src/lock/kdebug.c.
 */
#include "real_lockdep.h"

#include "lock/kdebug.h"
#include "lock/mm_types.h"
#include "sim/sim.h"
#include "util/assert.h"

#define HELD_MAX 8

struct held_lock {
	uint8_t vma;		/* pool index */
	bool exclusive;
	const char *func;	/* where it was acquired */
};

static _Thread_local struct {
	struct held_lock held[HELD_MAX];
	unsigned n;
} task_locks;

static int held_find(int vma, bool exclusive)
{
	for (int i = (int)task_locks.n - 1; i >= 0; i--)
		if (task_locks.held[i].vma == vma &&
		    task_locks.held[i].exclusive == exclusive)
			return i;
	return -1;
}

static void lock_acquire(int vma, bool exclusive, const char *func)
{
	VM_ASSERT(task_locks.n < HELD_MAX);
	task_locks.held[task_locks.n++] = (struct held_lock){
		.vma = (uint8_t)vma, .exclusive = exclusive, .func = func,
	};
}

static void lock_release(int vma, bool exclusive, const char *func)
{
	int i = held_find(vma, exclusive);

	if (i < 0)
		sim_fail(VERDICT_HELD_LOCK,
			 "T%d: %s() releases #%d's %s lock, which it does not hold (lockdep: bad unlock balance)",
			 sim_self(), func, vma, exclusive ? "exclusive" : "read");
	task_locks.held[i] = task_locks.held[--task_locks.n];
}

static void real_lockdep(enum kdebug_lockdep_op op, int vma, const char *func)
{
	switch (op) {
	case LOCKDEP_ACQUIRE_READ:
		lock_acquire(vma, false, func);
		break;
	case LOCKDEP_ACQUIRE_EXCLUSIVE:
		lock_acquire(vma, true, func);
		break;
	case LOCKDEP_RELEASE_READ:
		lock_release(vma, false, func);
		break;
	case LOCKDEP_RELEASE_EXCLUSIVE:
		lock_release(vma, true, func);
		break;
	}
}

static bool real_lock_is_held(int vma)
{
	return held_find(vma, false) >= 0;
}

void real_lockdep_install(void)
{
	kdebug_reset();
	kdebug.lockdep = real_lockdep;
	kdebug.lock_is_held = real_lock_is_held;
}

void real_lockdep_thread_begin(void)
{
	task_locks.n = 0;
}

void real_lockdep_thread_exit(void)
{
	if (task_locks.n) {
		const struct held_lock *h = &task_locks.held[0];

		sim_fail(VERDICT_HELD_LOCK,
			 "T%d exits holding #%u's %s lock, acquired in %s() (lockdep: lock held at task exit)",
			 sim_self(), h->vma, h->exclusive ? "exclusive" : "read", h->func);
	}
}
