/* SPDX-License-Identifier: MIT */
/*
 * rwsem.c - a sleeping reader/writer lock with acquire/release semantics.
 *
 * The mmap_lock is an rw_semaphore; its internals are not under test, so
 * each operation is one atomic step here.  Waiters sleep and are all woken
 * on release; each re-checks, so a wake-up with nothing to gain is harmless.
 * The lock carries a release clock like an atomic location: unlock
 * happens-before the next lock.
 */
#include "internal.h"

#include <string.h>

struct rwsem_waiter {
	struct sim_rwsem *r;
	bool write;
	int tid;
};

void sim_rwsem_init(struct sim_rwsem *r, uint8_t obj_kind, uint8_t obj_idx,
		    const char *name)
{
	sim_atomic_t a;

	memset(r, 0, sizeof(*r));
	r->writer = -1;
	sim_atomic_init(&a, 0, obj_kind, obj_idx, name);
	r->loc = a.loc;
}

static VM_ALWAYS_INLINE struct sim_loc_state *rwsem_loc(struct sim_rwsem *r)
{
	VM_ASSERT(r->loc > 0 && r->loc < sim.nlocs);
	return &sim.locs[r->loc];
}

static bool rwsem_free_for(void *arg)
{
	const struct rwsem_waiter *w = arg;

	return w->write ? w->r->count == 0 : w->r->count >= 0;
}

/* One lock-state step: the point, the oracles' look, the change. */
/* mo is SIM_ACQUIRE for a lock, SIM_RELEASE for an unlock or downgrade;
 * pre: before the change (the oracles' look), else after it (the record). */
static void rwsem_step(struct sim_rwsem *r, int64_t val, enum sim_mo mo,
		       const struct sim_site *s, bool pre)
{
	const struct sim_loc_info *li = &rwsem_loc(r)->info;
	struct sim_access a = { .tid = sim.cur, .kind = SIM_A_LOCK,
				.mo = mo, .loc = r->loc,
				.obj_kind = li->obj_kind, .obj_idx = li->obj_idx,
				.info = li, .site = s,
				.old = r->count, .val = val };

	if (pre)
		sim_access_pre(&a);
	else
		sim_access_post(&a);
}

static bool rwsem_free_or_killed(void *arg)
{
	const struct rwsem_waiter *w = arg;

	return rwsem_free_for(arg) || sim.th[w->tid].fatal;
}

/* Take the lock now, if it is free. */
static void rwsem_take(struct sim_rwsem *r, bool write,
		       const struct sim_site *s)
{
	if (write) {
		r->count = -1;
		r->writer = (int8_t)sim.cur;
	} else {
		r->count++;
		r->readers |= 1u << sim.cur;
	}
	sim_sync_acquire(&rwsem_loc(r)->sync);
	rwsem_step(r, r->count, SIM_ACQUIRE, s, false);
}

/*
 * how: 0 sleeps until the lock is free; SIM_TASK_KILLABLE also ends the
 * sleep for a fatal signal (-EINTR, the lock not taken); -1 does not
 * sleep (a trylock: -EAGAIN if it is taken).
 */
static int rwsem_acquire_how(struct sim_rwsem *r, bool write, int how,
			     const struct sim_site *s)
{
	struct rwsem_waiter w = { .r = r, .write = write, .tid = sim.cur };
	bool killable = how == SIM_TASK_KILLABLE;

	if (!sim_in_fiber())
		return 0;
	sim_point(s);
	if (how < 0 && !rwsem_free_for(&w))
		return -11;	/* EAGAIN: a trylock never sleeps */
	rwsem_step(r, write ? -1 : r->count + 1, SIM_ACQUIRE, s, true);
	while (!rwsem_free_for(&w)) {
		if (killable && sim_cur()->fatal)
			return -4;	/* EINTR */
		r->waiters |= 1u << sim.cur;
		if (killable) {	/* signal_wake_up() ends a killable sleep */
			sim_cur()->task_state = SIM_TASK_KILLABLE;
			sim_note_window();	/* where a kill can land */
		}
		sim_block(killable ? rwsem_free_or_killed : rwsem_free_for, &w, s);
		sim_cur()->task_state = SIM_TASK_RUNNING;
	}
	rwsem_take(r, write, s);
	return 0;
}

static void rwsem_acquire(struct sim_rwsem *r, bool write,
			  const struct sim_site *s)
{
	rwsem_acquire_how(r, write, 0, s);
}

static void rwsem_wake_all(struct sim_rwsem *r)
{
	unsigned w = r->waiters;

	r->waiters = 0;
	while (w) {
		int tid = __builtin_ctz(w);

		w &= w - 1;
		if (sim.th[tid].state == T_BLOCKED)
			sim_make_ready(tid);
	}
}

static void rwsem_release(struct sim_rwsem *r, bool write, bool downgrade,
			  const struct sim_site *s)
{
	if (!sim_in_fiber())
		return;
	sim_point(s);
	rwsem_step(r, r->count, SIM_RELEASE, s, true);
	if (write) {
		VM_ASSERT(r->writer == sim.cur && r->count == -1);
		r->writer = -1;
		r->count = downgrade ? 1 : 0;
		if (downgrade)
			r->readers |= 1u << sim.cur;
	} else {
		VM_ASSERT(r->count > 0 && (r->readers & (1u << sim.cur)));
		r->count--;
		r->readers &= ~(1u << sim.cur);
	}
	sim_sync_release(&rwsem_loc(r)->sync);
	rwsem_wake_all(r);
	sim_progress();
	rwsem_step(r, r->count, SIM_RELEASE, s, false);
}

void sim_down_read(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_acquire(r, false, s);
}

void sim_up_read(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_release(r, false, false, s);
}

void sim_down_write(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_acquire(r, true, s);
}

void sim_up_write(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_release(r, true, false, s);
}

void sim_downgrade_write(struct sim_rwsem *r, const struct sim_site *s)
{
	rwsem_release(r, true, true, s);
}

int sim_down_killable(struct sim_rwsem *r, bool write, const struct sim_site *s)
{
	return rwsem_acquire_how(r, write, SIM_TASK_KILLABLE, s);
}

bool sim_down_trylock(struct sim_rwsem *r, bool write, const struct sim_site *s)
{
	return rwsem_acquire_how(r, write, -1, s) == 0;
}
