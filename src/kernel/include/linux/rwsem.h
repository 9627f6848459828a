/* SPDX-License-Identifier: MIT */
/*
 * linux/rwsem.h (shim): the mmap_lock's rw_semaphore is the simulator's
 * sleeping reader/writer lock; the killable forms end the sleep on a fatal
 * signal (-EINTR), the trylock never sleeps.  The assertions are exact:
 * the simulator's lock knows its owners, as lockdep does.
 */
#ifndef VMLOCK_KSHIM_LINUX_RWSEM_H
#define VMLOCK_KSHIM_LINUX_RWSEM_H

#include <linux/types.h>
#include <linux/bug.h>

struct rw_semaphore {
	struct sim_rwsem sem;
};

#define down_read(l) sim_down_read(&(l)->sem, SIM_SITE("down_read(" #l ")"))
#define up_read(l) sim_up_read(&(l)->sem, SIM_SITE("up_read(" #l ")"))
#define up_read_non_owner(l) up_read(l)
#define down_write(l) sim_down_write(&(l)->sem, SIM_SITE("down_write(" #l ")"))
#define down_write_nested(l, sub) down_write(l)
#define up_write(l) sim_up_write(&(l)->sem, SIM_SITE("up_write(" #l ")"))
#define downgrade_write(l)						\
	sim_downgrade_write(&(l)->sem, SIM_SITE("downgrade_write(" #l ")"))
#define down_read_killable(l)						\
	sim_down_killable(&(l)->sem, false, SIM_SITE("down_read_killable(" #l ")"))
#define down_write_killable(l)						\
	sim_down_killable(&(l)->sem, true, SIM_SITE("down_write_killable(" #l ")"))
#define down_read_trylock(l)						\
	((int)sim_down_trylock(&(l)->sem, false, SIM_SITE("down_read_trylock(" #l ")")))
#define down_write_trylock(l)						\
	((int)sim_down_trylock(&(l)->sem, true, SIM_SITE("down_write_trylock(" #l ")")))

static inline bool ksim_rwsem_held_write(const struct rw_semaphore *l)
{
	return l->sem.writer == sim_self();
}

static inline bool ksim_rwsem_held(const struct rw_semaphore *l)
{
	return ksim_rwsem_held_write(l) || (l->sem.readers & (1u << sim_self()));
}

#define rwsem_is_locked(l) ((l)->sem.count != 0)
#define rwsem_is_contended(l) ((l)->sem.waiters != 0)
#define rwsem_assert_held(l) WARN_ON(!ksim_rwsem_held(l))
#define rwsem_assert_held_write(l) WARN_ON(!ksim_rwsem_held_write(l))
#define lockdep_is_held(l) ksim_rwsem_held(l)

#endif
