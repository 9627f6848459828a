/* SPDX-License-Identifier: MIT */
/*
 * real_task.c - tasks on real threads: identity, set_current_state(),
 * schedule(), wake_up_process() and fatal signals, with the kernel's rules.
 *
 * Each task has a mutex (the runqueue lock try_to_wake_up() takes) and a
 * condition variable to sleep on.  schedule() sleeps only while the task's
 * state is not RUNNING; a waker sets it RUNNING under the lock, so a
 * wake-up between set_current_state() and schedule() is never lost, and a
 * wake-up of a task that does not sleep is harmless.  A wake-up orders
 * the waker before the woken task, as the kernel's does (a full barrier);
 * the lock also orders a waker that woke nobody before the task's next
 * sleep, which the kernel does not promise: TSan may miss a race there,
 * never report a false one.
 */
#include "real_sim.h"

#include <pthread.h>
#include <stdio.h>

#include "util/assert.h"

static _Thread_local int self = SIM_NO_THREAD;
static int ntasks;

int sim_self(void)
{
	return self;
}

int sim_nthreads(void)
{
	return ntasks;
}

/* Every thread starts at once here: none is held (a program with a
 * fork, whose child's threads would be, is not run: stress_main.c). */
bool sim_thread_held(int tid)
{
	(void)tid;
	return false;
}

void sim_start_held(int tid)
{
	(void)tid;
	VM_ASSERT(!"no held thread on real threads");
}

void sim_cancel_held(int tid)
{
	(void)tid;
	VM_ASSERT(!"no held thread on real threads");
}

struct real_task {
	pthread_mutex_t lock;		/* the runqueue lock of try_to_wake_up */
	pthread_cond_t wake;
	int state;			/* ATOMIC: enum sim_task_state */
	int fatal;			/* ATOMIC: a fatal signal is pending */
	const struct sim_site *blocked;	/* ATOMIC: where it sleeps, or NULL */
};

static struct real_task tasks[SIM_MAX_THREADS];

static struct real_task *task(int tid)
{
	VM_ASSERT(tid >= 0 && tid < ntasks);
	return &tasks[tid];
}

static int task_state(struct real_task *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_SEQ_CST);
}

static void set_blocked(struct real_task *t, const struct sim_site *s)
{
	__atomic_store_n(&t->blocked, s, __ATOMIC_RELAXED);
}

void real_task_blocked(const struct sim_site *s)
{
	if (self >= 0)
		set_blocked(task(self), s);
}

void real_sim_reset(int nthreads)
{
	static bool once;

	VM_ASSERT(nthreads >= 1 && nthreads <= SIM_MAX_THREADS);
	for (int i = 0; !once && i < SIM_MAX_THREADS; i++) {
		pthread_mutex_init(&tasks[i].lock, NULL);
		pthread_cond_init(&tasks[i].wake, NULL);
	}
	once = true;
	ntasks = nthreads;
	for (int i = 0; i < SIM_MAX_THREADS; i++) {
		__atomic_store_n(&tasks[i].state, SIM_TASK_RUNNING, __ATOMIC_RELAXED);
		__atomic_store_n(&tasks[i].fatal, 0, __ATOMIC_RELAXED);
		set_blocked(&tasks[i], NULL);
	}
}

void real_sim_thread_init(int tid)
{
	VM_ASSERT(tid >= 0 && tid < SIM_MAX_THREADS);
	self = tid;
}

const char *real_sim_blocked_in(int tid, char *buf, unsigned len)
{
	const struct sim_site *s = __atomic_load_n(&tasks[tid].blocked,
						   __ATOMIC_RELAXED);

	if (!s)
		return NULL;
	snprintf(buf, len, "asleep in %s at %s()", s->what, s->func);
	return buf;
}

/* set_current_state(): the store, then a full barrier (smp_store_mb). */
void sim_set_current_state(enum sim_task_state st, const struct sim_site *s)
{
	(void)s;
	__atomic_store_n(&task(self)->state, st, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void sim_set_task_running(void)
{
	__atomic_store_n(&task(self)->state, SIM_TASK_RUNNING, __ATOMIC_RELAXED);
}

/*
 * schedule(): sleep while our state is not RUNNING; a waker sets it
 * RUNNING under our lock.  A killable sleeper with a fatal signal pending
 * does not sleep (signal_pending_state()).  The condition is the
 * simulator's, for its lost-wake-up detector; here a lost wake-up is a
 * thread that never returns, which the driver's watchdog reports.
 */
void sim_schedule(bool (*cond)(void *), void *arg, const struct sim_site *s)
{
	struct real_task *t = task(self);

	(void)cond, (void)arg;
	pthread_mutex_lock(&t->lock);
	set_blocked(t, s);
	for (int st; (st = task_state(t)) != SIM_TASK_RUNNING;) {
		if (st == SIM_TASK_KILLABLE &&
		    __atomic_load_n(&t->fatal, __ATOMIC_SEQ_CST)) {
			__atomic_store_n(&t->state, SIM_TASK_RUNNING, __ATOMIC_SEQ_CST);
			break;
		}
		pthread_cond_wait(&t->wake, &t->lock);
	}
	set_blocked(t, NULL);
	pthread_mutex_unlock(&t->lock);
}

/* try_to_wake_up() for states in mask: true if the task was woken. */
static bool wake_state(struct real_task *t, unsigned mask)
{
	bool woken = false;

	pthread_mutex_lock(&t->lock);
	if (mask & (1u << task_state(t))) {
		__atomic_store_n(&t->state, SIM_TASK_RUNNING, __ATOMIC_SEQ_CST);
		pthread_cond_signal(&t->wake);
		woken = true;
	}
	pthread_mutex_unlock(&t->lock);
	return woken;
}

bool sim_wake_up_process(int tid, const struct sim_site *s)
{
	(void)s;
	return wake_state(task(tid), 1u << SIM_TASK_UNINTERRUPTIBLE |
					     1u << SIM_TASK_KILLABLE);
}

/* The flag first, then signal_wake_up(): only a killable sleep ends. */
void sim_send_fatal_signal(int tid, const struct sim_site *s)
{
	struct real_task *t = task(tid);

	(void)s;
	__atomic_store_n(&t->fatal, 1, __ATOMIC_SEQ_CST);
	wake_state(t, 1u << SIM_TASK_KILLABLE);
}

bool sim_fatal_signal_pending(void)
{
	return __atomic_load_n(&task(self)->fatal, __ATOMIC_SEQ_CST);
}
