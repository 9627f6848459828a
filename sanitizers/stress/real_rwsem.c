/* SPDX-License-Identifier: MIT */
/*
 * real_rwsem.c - the mmap_lock's rw_semaphore on real threads: a futex on
 * sim_rwsem.count.  Its internals are not under test; it only has to be a
 * sleeping reader/writer lock with acquire/release semantics and
 * downgrade_write(), which pthread_rwlock lacks.
 */
#include "real_sim.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

#include "util/assert.h"
#include "util/sanitizer.h"

/* The owner record (writer, readers) is runtime bookkeeping the model
 * reads plainly in mmap_assert_*(), as lockdep would: TSan is not shown
 * its writes, which other readers make while one reader asserts. */
#ifdef VMLOCK_TSAN
#define HIDDEN_BEGIN() __tsan_ignore_thread_begin()
#define HIDDEN_END() __tsan_ignore_thread_end()
#else
#define HIDDEN_BEGIN() ((void)0)
#define HIDDEN_END() ((void)0)
#endif

/*
 * count is -1 write-held, n > 0 held by n readers, 0 free; lock is an
 * acquire, unlock a release (seq_cst, so that the unlocker's look at
 * waiters cannot pass its store).  A waiter counts itself in waiters
 * before its futex wait rechecks count, so an unlock either sees it or
 * changes count before the wait.
 */
static long futex(int32_t *word, int op, int32_t val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

void sim_rwsem_init(struct sim_rwsem *r, uint8_t obj_kind, uint8_t obj_idx,
		    const char *name)
{
	(void)obj_kind, (void)obj_idx, (void)name;
	r->count = 0;
	r->writer = -1;
	r->readers = 0;
	r->waiters = 0;
	r->loc = 0;
}

static void rwsem_sleep(struct sim_rwsem *r, int32_t seen,
			const struct sim_site *s)
{
	real_task_blocked(s);
	__atomic_fetch_add(&r->waiters, 1, __ATOMIC_SEQ_CST);
	futex(&r->count, FUTEX_WAIT_PRIVATE, seen);
	__atomic_fetch_sub(&r->waiters, 1, __ATOMIC_RELAXED);
	real_task_blocked(NULL);
}

static void rwsem_wake(struct sim_rwsem *r)
{
	if (__atomic_load_n(&r->waiters, __ATOMIC_SEQ_CST))
		futex(&r->count, FUTEX_WAKE_PRIVATE, INT_MAX);
}

static void owner_set(struct sim_rwsem *r, int8_t writer, bool reader)
{
	int self = sim_self();

	if (self < 0)
		return;		/* main's setup: nobody asserts ownership */
	HIDDEN_BEGIN();
	__atomic_store_n(&r->writer, writer, __ATOMIC_RELAXED);
	if (reader)
		__atomic_fetch_or(&r->readers, (uint8_t)(1u << self), __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&r->readers, (uint8_t)~(1u << self), __ATOMIC_RELAXED);
	HIDDEN_END();
}

static void rwsem_acquire(struct sim_rwsem *r, bool write,
			  const struct sim_site *s)
{
	int32_t c = __atomic_load_n(&r->count, __ATOMIC_RELAXED);

	for (;;) {
		bool free = write ? c == 0 : c >= 0;

		if (!free) {
			rwsem_sleep(r, c, s);
			c = __atomic_load_n(&r->count, __ATOMIC_RELAXED);
		} else if (__atomic_compare_exchange_n(&r->count, &c,
						       write ? -1 : c + 1, false,
						       __ATOMIC_ACQUIRE,
						       __ATOMIC_RELAXED)) {
			break;
		}
	}
	owner_set(r, write ? (int8_t)sim_self() : -1, !write);
}

void sim_down_read(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_acquire(r, false, s);
}

void sim_down_write(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_acquire(r, true, s);
}

void sim_up_read(struct sim_rwsem *r, const struct sim_site *s)
{
	(void)s;
	owner_set(r, -1, false);
	int32_t old = __atomic_fetch_sub(&r->count, 1, __ATOMIC_SEQ_CST);

	VM_ASSERT(old > 0);
	rwsem_wake(r);
}

void sim_up_write(struct sim_rwsem *r, const struct sim_site *s)
{
	(void)s;
	owner_set(r, -1, false);
	int32_t old = __atomic_exchange_n(&r->count, 0, __ATOMIC_SEQ_CST);

	VM_ASSERT(old == -1);
	rwsem_wake(r);
}

void sim_downgrade_write(struct sim_rwsem *r, const struct sim_site *s)
{
	(void)s;
	owner_set(r, -1, true);
	int32_t old = __atomic_exchange_n(&r->count, 1, __ATOMIC_SEQ_CST);

	VM_ASSERT(old == -1);
	rwsem_wake(r);
}

/* One attempt at the count: the acquire CAS of rwsem_acquire(). */
static bool rwsem_try(struct sim_rwsem *r, bool write)
{
	int32_t c = __atomic_load_n(&r->count, __ATOMIC_RELAXED);

	while (write ? c == 0 : c >= 0) {
		if (__atomic_compare_exchange_n(&r->count, &c, write ? -1 : c + 1,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			owner_set(r, write ? (int8_t)sim_self() : -1, !write);
			return true;
		}
	}
	return false;
}

bool sim_down_trylock(struct sim_rwsem *r, bool write, const struct sim_site *s)
{
	(void)s;
	return rwsem_try(r, write);
}

/*
 * The killable form: a fatal signal pending (sim_send_fatal_signal()'s
 * seq_cst flag) ends the wait with -EINTR.  The kill does not wake a
 * futex, so this waiter yields instead of sleeping on one.
 */
int sim_down_killable(struct sim_rwsem *r, bool write, const struct sim_site *s)
{
	(void)s;
	while (!rwsem_try(r, write)) {
		if (sim_fatal_signal_pending())
			return -4;	/* -EINTR */
		sched_yield();
	}
	return 0;
}
