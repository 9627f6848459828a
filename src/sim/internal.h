/* SPDX-License-Identifier: MIT */
/*
 * internal.h - state shared by the runtime's own files (sched.c, memory.c,
 * rwsem.c, trace.c).  Nothing outside src/sim/ includes it.
 */
#ifndef VMLOCK_SIM_INTERNAL_H
#define VMLOCK_SIM_INTERNAL_H

#include "fiber.h"
#include "sim.h"
#include "strategy.h"
#include "../util/assert.h"
#include "../util/compiler.h"
#include "../util/sanitizer.h"

/* A vector clock: one component per simulated thread.  Four threads fit
 * one 16-byte vector, so a join is one load, one max and one store. */
typedef uint32_t vclock_vec __attribute__((vector_size(16)));
struct vclock {
	union {
		uint32_t c[SIM_MAX_THREADS];
		vclock_vec v;
	};
};
VM_STATIC_ASSERT(SIM_MAX_THREADS == 4);

/* Copies and clears as vector operations, not memcpy/memset calls
 * (which sanitizers intercept, at a cost, on every access). */
static inline void vclock_copy(struct vclock *dst, const struct vclock *src)
{
	dst->v = src->v;
}

static inline void vclock_clear(struct vclock *c)
{
	c->v = (vclock_vec){ 0, 0, 0, 0 };
}

static inline void vclock_join(struct vclock *dst, const struct vclock *src)
{
	vclock_vec a = dst->v, b = src->v;
	vclock_vec m = (vclock_vec)(a > b);	/* all ones where a wins */

	dst->v = (a & m) | (b & ~m);
}

enum sim_thread_state {
	T_READY,
	T_BLOCKED,		/* asleep: rwsem or schedule() */
	T_SPINNING,		/* retry loop: waits for another thread's write */
	T_HELD,			/* not started: waits for sim_start_held() */
	T_DONE,
};

struct sim_thread {
	struct fiber fib;
	void (*fn)(void *);
	void *arg;
	uint8_t state;		/* enum sim_thread_state */
	uint8_t task_state;	/* enum sim_task_state */
	bool fatal;		/* a fatal signal is pending */
	bool (*cond)(void *);	/* what a sleeper waits for */
	void *cond_arg;
	const struct sim_site *block_site;
	struct vclock vc;	/* happens-before clock */
	struct vclock rel_fence;	/* vc at the last release fence */
	struct vclock acq_pending;	/* sync clocks read by relaxed loads */
	struct vclock wake_vc;	/* what wakers released to this thread */
	struct sim_access acc;	/* the access it is making (memory.c) */
	const void *plain_pc;	/* its pc, if a plain access's hook (addr.c) */
	bool at_point;		/* suspended inside sim_point() */
	bool cancelled;		/* ended held, never ran (sim_cancel_held) */
	const struct sim_site *stop_site;	/* where it last yielded */
};

/*
 * The weak-memory record of an atomic location: its last SIM_HISTORY
 * stores in modification order (mo), each with what an acquire reading it
 * synchronises with.  Store number i (1 = the initial value) of location
 * loc lives in sim.hist[loc][i % SIM_HISTORY] (sim.h); older stores are
 * out of reach.
 */
struct sim_store_rec {
	struct vclock sync;	/* release clock an acquire of it joins */
	int32_t val;
	int8_t tid;		/* the writer, or -1: before every thread */
	uint32_t clk;		/* the writer's epoch at the store */
	const struct sim_site *site;	/* the writer's, or NULL */
};

/* A thread's last reads of a location in two epochs: a later reader
 * that happens after one of them may not read an older store (CoRR). */
struct sim_read_rec {
	uint32_t idx, clk;		/* in the thread's current epoch */
	uint32_t prev_idx, prev_clk;	/* in an earlier epoch */
};

struct sim_loc_state {
	struct sim_loc_info info;
	struct vclock sync;	/* what a lock's release published (rwsem) */
	struct sim_read_rec rd[SIM_MAX_THREADS];
	int8_t w_tid;		/* plain: last writer, or -1 */
	uint32_t w_clk;		/* plain: its epoch */
	struct vclock r_clk;	/* plain: each thread's last read epoch */
};

struct sim_state {
	struct fiber main;
	struct sim_thread th[SIM_MAX_THREADS];
	int n;			/* threads spawned this run */
	int cur;		/* running thread, or SIM_NO_THREAD in main */
	struct sim_thread *cur_th;	/* &th[cur], or NULL in main */
	int next;		/* chosen by a yielding fiber, or -1 */
	unsigned ready;		/* bit mask of T_READY threads */
	unsigned spinning;	/* bit mask of T_SPINNING threads */
	bool stop;
	/* A thread resumed away from a scheduling point (it starts, or
	 * leaves a sleep or a spin): the choice that resumed it was for its
	 * next access, so its next point makes no new one. */
	int skip_pick;
	uint64_t writes;	/* shared writes so far: spinners' progress */
	struct sim_run_cfg cfg;
	struct sim_result *res;
	uint32_t steps;
	uint32_t switches;
	uint64_t hash;
	unsigned nlocs;
	struct sim_loc_state locs[SIM_MAX_LOCS];
	/* Weak memory (history.c).  seen: per thread and location, the
	 * newest store (mo number) it has read or written; sc_view: the
	 * same, published by seq_cst fences in their total order. */
	uint32_t seen[SIM_MAX_THREADS][SIM_MAX_LOCS];
	uint32_t sc_view[SIM_MAX_LOCS];
	/* Per atomic location, the mo number of its latest store.  Apart
	 * from sim_loc_state so that a seq_cst fence's walk over every
	 * written location reads packed arrays (seen, sc_view, nstores). */
	uint32_t nstores[SIM_MAX_LOCS];
	/* Per atomic location, its last SIM_HISTORY stores.  Apart from
	 * sim_loc_state and not cleared between runs: every record is
	 * written before it is read (store 1 when the location is
	 * registered, and a load reads only among the last SIM_HISTORY
	 * stores), so clearing them was a third of each run's memset. */
	struct sim_store_rec hist[SIM_MAX_LOCS][SIM_HISTORY];
	/* Atomic locations with more than their initial store: the only
	 * ones whose views a seq_cst fence can change. */
	uint16_t written[SIM_MAX_LOCS];
	unsigned nwritten;
	struct sim_rf_cursor {
		int byte;	/* the pending choice byte, or -1: none left */
		unsigned gap;	/* candidate loads still to read the latest */
	} rf;
	uint32_t stale_reads;	/* loads that read an older store */
};

extern struct sim_state sim;

/* The running thread: only meaningful inside a fiber. */
static inline struct sim_thread *sim_cur(void)
{
	VM_ASSERT(sim.cur_th);
	return sim.cur_th;
}

static inline bool sim_in_fiber(void)
{
	return sim.cur != SIM_NO_THREAD;
}

/* sched.c */
void sim_block(bool (*cond)(void *), void *arg, const struct sim_site *s);
void sim_make_ready(int tid);
void sim_wake_spinners(unsigned others);
/* Some thread wrote shared memory: spinners may find things changed.
 * Inline at every write; waking spinners is the rare case. */
static VM_ALWAYS_INLINE void sim_progress(void)
{
	unsigned others = sim.spinning & ~(1u << sim.cur);

	sim.writes++;
	if (others)
		sim_wake_spinners(others);
}
static inline void sim_hash_mix(uint64_t v)
{
	if (!sim.cfg.no_hash)
		sim.hash = (sim.hash ^ v) * 0x100000001b3ULL;	/* FNV-1a prime */
}

/* The running thread reached site s: part of the trace hash. */
static inline void sim_hash_site(const struct sim_site *s)
{
	if (!sim.cfg.no_hash)
		sim_hash_mix(((uint64_t)sim.cur << 32) | sim_site_hash(s));
}

/* A scheduling point is a step of the run, and part of the trace hash. */
static VM_ALWAYS_INLINE void sim_point_count(const struct sim_site *s)
{
	VM_ASSERT(!sim.stop);
	sim.steps++;
	sim_hash_site(s);
}

/* Does the strategy let the running thread go on at this point?  Its
 * common case inline (strategy.h), for bytes (the fuzzers' own schedules)
 * and pct (their derived runs, and a baseline); false sends the point to
 * sim_point_slow().  prng draws at every point: inline, its draw saved
 * nothing and the larger code slowed the bytes case. */
static VM_ALWAYS_INLINE bool sim_strategy_goes_on(void)
{
	const struct sim_strategy *st = sim.cfg.strategy;
	void *ctx = sim.cfg.strategy_ctx;

	if (st == &strategy_bytes)
		return strat_bytes_goes_on(ctx, sim.cur, sim.ready);
	if (st == &strategy_pct)
		return strat_pct_goes_on(ctx, sim.cur, sim.ready);
	return false;
}

/* sim_point(), its common case inline at every access: within the step
 * budget, a pick to make, and the strategy keeps the running thread.
 * sched.c has the rest. */
void sim_point_slow(const struct sim_site *s);

static VM_ALWAYS_INLINE void sim_point_fast(const struct sim_site *s)
{
	if (sim.skip_pick != sim.cur && sim.steps < sim.cfg.step_budget &&
	    sim_strategy_goes_on()) {
		sim_point_count(s);
		return;
	}
	sim_point_slow(s);
}

/* The latest store of atomic location loc. */
static inline struct sim_store_rec *sim_latest(uint16_t loc)
{
	return &sim.hist[loc][sim.nstores[loc] % SIM_HISTORY];
}

/* trace.c */
void sim_trace_reset(void);
void sim_trace_access(const struct sim_access *a);
void sim_trace_event(int tid, enum sim_event_kind kind);

/* The oracles' look before an access touches memory, and the record
 * (hash, trace, oracles) after it; inline in every access. */
static VM_ALWAYS_INLINE void sim_access_pre(const struct sim_access *a)
{
	if (sim_hooks.pre)
		sim_hooks.pre(a);
}

static VM_ALWAYS_INLINE void sim_access_post(const struct sim_access *a)
{
	if (a->kind != SIM_A_FENCE)
		sim_hash_mix((uint64_t)(uint32_t)a->val << 16 |
			     (uint64_t)a->rf_stale << 8 | a->kind);
	if (sim.cfg.trace)
		sim_trace_access(a);
	if (sim_hooks.post)
		sim_hooks.post(a);
}

/* memory.c */
void sim_memory_reset(void);
void sim_hb_acquire(const struct vclock *from);
void sim_hb_release(struct vclock *to);
void sim_hb_fence(enum sim_mo mo);

/* addr.c: locations found by address.  A plain access of instrumented
 * code leaves a store to record (or memory to restore) until the thread's
 * next runtime call; every switch away from a thread flushes it first. */
extern bool sim_addr_pending;
void sim_addr_flush(void);
void sim_addr_reset(void);

/* history.c: store histories, reads-from choices, seq_cst fences. */
void sim_history_reset(void);
void sim_history_init(uint16_t loc, int32_t v);
/* The read path is inline (history_read.h); these are its rare cases:
 * the next choice byte, and the coherence floor when the latest store is
 * newer than what the thread saw and does not happen before it. */
void sim_history_next_byte(void);
uint32_t sim_history_floor_slow(const struct sim_loc_state *l, uint16_t loc);
/* A new store at the end of modification order, made at site s (NULL:
 * before the threads; do_write() carries a release sequence on). */
struct sim_store_rec *sim_history_write(uint16_t loc, int32_t v,
					const struct sim_site *s);
void sim_history_sc_fence(void);

/* The runtime's own synchronisation (a lock, a wake-up): the clocks, and
 * TSan told of the same edge. */
static inline void sim_sync_acquire(struct vclock *c)
{
	sim_hb_acquire(c);
	san_acquire(c);
}

static inline void sim_sync_release(struct vclock *c)
{
	san_release(c);
	sim_hb_release(c);
}

#ifdef VMLOCK_TSAN
/* real.c: the model's accesses in TSan's view (mo: a C11 __ATOMIC_*). */
void san_real_load(int32_t *p, int mo);
void san_real_store(int32_t *p, int32_t v, int mo);
void san_real_rmw(int32_t *p, int32_t v, int mo);
uintptr_t san_real_plain_read(uintptr_t *p);
void san_real_plain_write(uintptr_t *p, uintptr_t v);
#endif

#endif /* VMLOCK_SIM_INTERNAL_H */
