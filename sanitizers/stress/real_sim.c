/* SPDX-License-Identifier: MIT */
/*
 * real_sim.c - the model's runtime API (src/sim/sim.h) on real threads:
 * the memory accesses.
 *
 * The lock model reaches shared memory only through sim.h, so the same
 * model runs here on pthreads with nothing in between: atomics are the
 * compiler's __atomic builtins with the model's memory orders, plain
 * fields are plain loads and stores.  real_task.c has the task state and
 * wake-ups, real_rwsem.c the mmap_lock.  There is no scheduler: the
 * hardware and the OS interleave the threads, and ThreadSanitizer (in the
 * tsan build) watches them.  Scheduling points, trace notes and retry
 * marks are no-ops.
 *
 * Sync table (who may call what):
 *
 *                      main (threads idle)   worker thread
 *   real_sim_reset     yes                   no
 *   sim_*_init         yes                   yes (object birth)
 *   accesses, rwsem    yes (setup)           yes
 *   task state, waits  no                    yes
 *   sim_fail           no                    yes (ends the process)
 */
#include "real_sim.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>

#include "sim/tsan.h"
#include "util/assert.h"
#include "util/sanitizer.h"

static bool is_acquire(enum sim_mo mo)
{
	return mo == SIM_ACQUIRE || mo == SIM_ACQ_REL || mo == SIM_SEQ_CST;
}

/* ---- what TSan is told beyond the accesses themselves ---- */

#ifdef VMLOCK_TSAN
static bool is_release(enum sim_mo mo)
{
	return mo == SIM_RELEASE || mo == SIM_ACQ_REL || mo == SIM_SEQ_CST;
}

/*
 * TSan ignores standalone fences.  As in the simulator's tsan build
 * (src/sim/memory.c): after a release fence the thread's later relaxed
 * writes release their location, and an acquire fence acquires the
 * locations the thread read relaxed since its last acquire.  Both are at
 * least as strong as the fence, so TSan may miss a race there but never
 * reports a false one.  The release is announced before the store, so a
 * thread that reads the store finds it in the location's clock.
 */
#define SAN_RELAXED_READS 8
static _Thread_local struct {
	bool rel_fence;
	void *relaxed[SAN_RELAXED_READS];
	unsigned nrelaxed;
} san;

static void san_note_read(sim_atomic_t *a, enum sim_mo mo)
{
	if (!is_acquire(mo))
		san.relaxed[san.nrelaxed++ % SAN_RELAXED_READS] = &a->v;
}

static void san_note_write(sim_atomic_t *a, enum sim_mo mo)
{
	if (!is_release(mo) && san.rel_fence)
		san_release(&a->v);
}

static void san_fence(enum sim_mo mo)
{
	if (is_acquire(mo)) {
		unsigned n = san.nrelaxed < SAN_RELAXED_READS ? san.nrelaxed
							      : SAN_RELAXED_READS;

		for (unsigned i = 0; i < n; i++)
			san_acquire(san.relaxed[i]);
		san.nrelaxed = 0;
	}
	if (is_release(mo))
		san.rel_fence = true;
}

/*
 * A release RMW runs as acq_rel: TSan (clang 14) was seen to drop an
 * earlier thread's release from a location another thread then released
 * by an RMW (tests/test_tsan.c, release_sequence_through_rmw).  Acquiring
 * too orders more than C11 does: TSan may miss a race, not invent one.
 */
static enum sim_mo rmw_mo(enum sim_mo mo)
{
	return is_release(mo) && !is_acquire(mo) ? SIM_ACQ_REL : mo;
}
#else
static void san_note_read(sim_atomic_t *a, enum sim_mo mo) { (void)a, (void)mo; }
static void san_note_write(sim_atomic_t *a, enum sim_mo mo) { (void)a, (void)mo; }
static void san_fence(enum sim_mo mo) { (void)mo; }
static enum sim_mo rmw_mo(enum sim_mo mo) { return mo; }
#endif

/* ---- atomics: each memory order a constant, as the builtins want ---- */

#define MO_SWITCH(mo, OP)						\
	switch (mo) {							\
	case SIM_RELAXED: OP(__ATOMIC_RELAXED); break;			\
	case SIM_ACQUIRE: OP(__ATOMIC_ACQUIRE); break;			\
	case SIM_RELEASE: OP(__ATOMIC_RELEASE); break;			\
	case SIM_ACQ_REL: OP(__ATOMIC_ACQ_REL); break;			\
	default: OP(__ATOMIC_SEQ_CST); break;				\
	}

/* A load has no release part and a store no acquire part: their other
 * orders take the nearest stronger one. */
int32_t sim_load(sim_atomic_t *a, enum sim_mo mo, const struct sim_site *s)
{
	(void)s;
	san_note_read(a, mo);
	switch (mo) {
	case SIM_RELAXED:
		return __atomic_load_n(&a->v, __ATOMIC_RELAXED);
	case SIM_SEQ_CST:
		return __atomic_load_n(&a->v, __ATOMIC_SEQ_CST);
	default:
		return __atomic_load_n(&a->v, __ATOMIC_ACQUIRE);
	}
}

void sim_store(sim_atomic_t *a, int32_t v, enum sim_mo mo,
	       const struct sim_site *s)
{
	(void)s;
	san_note_write(a, mo);
	switch (mo) {
	case SIM_RELAXED:
		__atomic_store_n(&a->v, v, __ATOMIC_RELAXED);
		break;
	case SIM_SEQ_CST:
		__atomic_store_n(&a->v, v, __ATOMIC_SEQ_CST);
		break;
	default:
		__atomic_store_n(&a->v, v, __ATOMIC_RELEASE);
		break;
	}
}

int32_t sim_fetch_add(sim_atomic_t *a, int32_t delta, enum sim_mo mo,
		      const struct sim_site *s)
{
	int32_t old = 0;

	(void)s;
	san_note_read(a, mo);
	san_note_write(a, mo);
#define ADD(m) old = __atomic_fetch_add(&a->v, delta, m)
	MO_SWITCH(rmw_mo(mo), ADD)
#undef ADD
	return old;
}

/*
 * C11 wants the failure order no stronger than the success order and
 * without a release part: the success order takes the failure's acquire
 * if it lacks one, the failure order keeps only its acquire.
 */
static bool cas(int32_t *p, int32_t *expected, int32_t desired,
		enum sim_mo success, enum sim_mo failure)
{
	bool fail_sc = failure == SIM_SEQ_CST;
	bool fail_acq = is_acquire(failure);

	if (fail_sc)
		success = SIM_SEQ_CST;
	else if (fail_acq && !is_acquire(success))
		success = success == SIM_RELAXED ? SIM_ACQUIRE : SIM_ACQ_REL;
#define CAS(m, f)							\
	__atomic_compare_exchange_n(p, expected, desired, false, m, f)
	switch (success) {
	case SIM_RELAXED:
		return CAS(__ATOMIC_RELAXED, __ATOMIC_RELAXED);
	case SIM_RELEASE:
		return CAS(__ATOMIC_RELEASE, __ATOMIC_RELAXED);
	case SIM_ACQUIRE:
		return fail_acq ? CAS(__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
				: CAS(__ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	case SIM_ACQ_REL:
		return fail_acq ? CAS(__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
				: CAS(__ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
	default:
		return fail_sc ? CAS(__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
		       : fail_acq ? CAS(__ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE)
				  : CAS(__ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	}
#undef CAS
}

bool sim_cmpxchg(sim_atomic_t *a, int32_t *expected, int32_t desired,
		 enum sim_mo success, enum sim_mo failure,
		 const struct sim_site *s)
{
	(void)s;
	/* A failed CAS is a load with the failure order. */
	san_note_read(a, failure);
	san_note_write(a, success);
	return cas(&a->v, expected, desired, rmw_mo(success), failure);
}

void sim_fence(enum sim_mo mo, const struct sim_site *s)
{
	(void)s;
	san_fence(mo);
#define FENCE(m) __atomic_thread_fence(m)
	MO_SWITCH(mo, FENCE)
#undef FENCE
}

/* Plain fields: plain accesses, which is what TSan is there to judge. */
uintptr_t sim_plain_read(sim_plain_t *p, const struct sim_site *s)
{
	(void)s;
	return p->v;
}

void sim_plain_write(sim_plain_t *p, uintptr_t v, const struct sim_site *s)
{
	(void)s;
	p->v = v;
}

/* ---- the race ThreadSanitizer's self-check plants (src/sim/tsan.h) ---- */

static sim_plain_t probe_x;
static int probe_turn;

/*
 * Thread i waits for its turn, writes, passes the turn on, and stays
 * alive until both have written: the two stores are made by two live
 * threads whatever the OS schedules.  The turn is relaxed: it orders
 * nothing for TSan.
 */
static void *probe_thread(void *arg)
{
	int i = (int)(uintptr_t)arg;

	while (__atomic_load_n(&probe_turn, __ATOMIC_RELAXED) != i)
		sched_yield();
	sim_plain_write(&probe_x, (uintptr_t)i + 1, NULL);
	__atomic_store_n(&probe_turn, i + 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&probe_turn, __ATOMIC_RELAXED) != 2)
		sched_yield();
	return NULL;
}

/* Two pthreads write one plain location with nothing ordering them,
 * through the access path the lock's plain fields take here. */
static void probe_plant(void)
{
	pthread_t t[2];

	probe_turn = 0;
	for (uintptr_t i = 0; i < 2; i++)
		VM_ASSERT(!pthread_create(&t[i], NULL, probe_thread, (void *)i));
	for (int i = 0; i < 2; i++)
		VM_ASSERT(!pthread_join(t[i], NULL));
	/* Read after the joins (ordered): the stores are not dead. */
	VM_ASSERT(sim_plain_read(&probe_x, NULL) == 2);
}

void real_tsan_selfcheck(void)
{
	san_selfcheck(probe_plant, "threads");
}

/* Births happen before the object is published: plain stores suffice. */
void sim_atomic_init(sim_atomic_t *a, int32_t v, uint8_t obj_kind,
		     uint8_t obj_idx, const char *field)
{
	(void)obj_kind, (void)obj_idx, (void)field;
	a->v = v;
	a->loc = 0;
}

void sim_plain_init(sim_plain_t *p, uintptr_t v, uint8_t obj_kind,
		    uint8_t obj_idx, const char *field)
{
	(void)obj_kind, (void)obj_idx, (void)field;
	p->v = v;
	p->loc = 0;
}

/* A new iteration: no fence of the last one carries over. */
void real_sim_thread_begin(void)
{
#ifdef VMLOCK_TSAN
	san.rel_fence = false;
	san.nrelaxed = 0;
#endif
}

/* ---- points, notes, retries, failure ---- */

bool sim_tracing(void)
{
	return false;
}

void sim_point(const struct sim_site *s)
{
	(void)s;
}

void sim_note_(const char *fmt, ...)
{
	(void)fmt;
}

/* Windows are the run-aware mutation's: real threads record none. */
void sim_note_window(void)
{
}

/* The hardware interleaves: a retry loop just lets the others run. */
uint64_t sim_spin_mark(void)
{
	return 0;
}

void sim_spin(uint64_t mark, const struct sim_site *s)
{
	(void)mark, (void)s;
	sched_yield();
}

void sim_fail(enum verdict v, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	stress_finding(v, msg);
}
