/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the deterministic runtime the lock model runs on.
 *
 * Simulated threads are fibers on one OS thread.  The model reaches shared
 * memory only through this API: atomics with an explicit memory order, plain
 * fields that the race detector watches, a sleeping reader/writer lock, and
 * the task-state/wake-up pair rcuwait is built from.  Every such access is a
 * scheduling point: before it runs, the strategy decides which thread makes
 * the next access.  Nothing here knows about VMAs; objects are opaque
 * (kind, index, field name) triples that the oracles interpret.
 *
 * Sync table (who may call what):
 *
 *                      main context    fiber (simulated thread)
 *   sim_begin/run      yes             no
 *   sim_*_init         yes             yes (object birth, e.g. vm_area_alloc)
 *   accesses, waits    no-op points    yes
 *   sim_fail           no              yes (never returns)
 */
#ifndef VMLOCK_SIM_SIM_H
#define VMLOCK_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

#define SIM_MAX_THREADS 4
#define SIM_MAX_LOCS 384
#define SIM_NO_THREAD (-1)

/* C11 memory orders, named at every call: there are no defaults. */
enum sim_mo {
	SIM_RELAXED,
	SIM_ACQUIRE,
	SIM_RELEASE,
	SIM_ACQ_REL,
	SIM_SEQ_CST,
};

/*
 * A site is one place in the model that touches shared memory.  It names
 * the function and what happens there; the trace prints it and the trace
 * hash is built from it (function name and label, so the hash is the same
 * in every build of the same source).
 */
struct sim_site {
	const char *func;
	const char *what;
	/* The source file, where a build names it (SIM_SITE_FILE: the kernel
	 * backend's objects, a path relative to the kernel tree); NULL in the
	 * model.  Shown, never hashed. */
	const char *file;
	unsigned line;
	/*
	 * A local access is no scheduling point: it commutes with every
	 * access another thread can make at that moment (a read of a
	 * location only this thread may write now, e.g. the mmap lock
	 * holder reading mm_lock_seq), so preempting before it adds no
	 * interleaving.  The oracles still see it, and verify the claim.
	 */
	bool local;
	uint32_t hash;		/* computed on first use */
};

/* Every site is also listed in the section sim_sites, so sim_setup()
 * hashes them all before the first run: a run's path through the runtime
 * never depends on which sites earlier runs reached (fuzzer stability). */
#ifndef SIM_SITE_FILE
#define SIM_SITE_FILE NULL
#endif
#define SIM_SITE_FN_(func_, what_, local_)				\
	({								\
		static struct sim_site site_ = {			\
			.func = (func_), .what = (what_),		\
			.file = SIM_SITE_FILE, .line = __LINE__,	\
			.local = (local_),				\
		};							\
		static struct sim_site *const site_entry_		\
			__attribute__((section("sim_sites"), used)) = &site_; \
		(void)site_entry_;					\
		&site_;							\
	})
#define SIM_SITE_(what_, local_) SIM_SITE_FN_(__func__, what_, local_)
#define SIM_SITE(what_) SIM_SITE_(what_, false)
/* A site named after the kernel function it stands for, where the C
 * function has another name (the kernel backend's shims). */
#define SIM_SITE_AS(func_, what_) SIM_SITE_FN_(func_, what_, false)
#define SIM_SITE_LOCAL(what_) SIM_SITE_(what_, true)

/* How many stores of an atomic location (its initial value included) a
 * load can still read: older ones are out of reach (internal.h's store
 * history; vmlock litmus withholds a verdict that could depend on it). */
#define SIM_HISTORY 4

/* A shared location: a 32-bit atomic, or a plain (non-atomic) field. */
/* Each location also carries its object's kind and index (a copy of its
 * sim_loc_info's): every access hands them to the oracles without a trip
 * through the location table. */
typedef struct {
	int32_t v;		/* ATOMIC: only through sim_load/store/... */
	uint16_t loc;
	uint8_t obj_kind, obj_idx;
} sim_atomic_t;

typedef struct {
	uintptr_t v;		/* only through sim_plain_read/write */
	uint16_t loc;
	uint8_t obj_kind, obj_idx;
} sim_plain_t;

struct sim_loc_info {
	const char *field;	/* e.g. "vm_refcnt" */
	uint8_t obj_kind;	/* opaque to the runtime */
	uint8_t obj_idx;
	uint8_t is_plain;
};

void sim_atomic_init(sim_atomic_t *a, int32_t v, uint8_t obj_kind,
		     uint8_t obj_idx, const char *field);
void sim_plain_init(sim_plain_t *p, uintptr_t v, uint8_t obj_kind,
		    uint8_t obj_idx, const char *field);
const struct sim_loc_info *sim_loc(uint16_t loc);
/* Current value without a scheduling point: for oracles and reports only. */
static inline int32_t sim_peek(const sim_atomic_t *a) { return a->v; }
static inline uintptr_t sim_peek_plain(const sim_plain_t *p) { return p->v; }

int32_t sim_load(sim_atomic_t *a, enum sim_mo mo, const struct sim_site *s);
void sim_store(sim_atomic_t *a, int32_t v, enum sim_mo mo,
	       const struct sim_site *s);
/* Returns the old value. */
int32_t sim_fetch_add(sim_atomic_t *a, int32_t delta, enum sim_mo mo,
		      const struct sim_site *s);
/* On failure *expected is updated to the value read. */
bool sim_cmpxchg(sim_atomic_t *a, int32_t *expected, int32_t desired,
		 enum sim_mo success, enum sim_mo failure,
		 const struct sim_site *s);
void sim_fence(enum sim_mo mo, const struct sim_site *s);
/* After an acquire RMW of x that took a lock: later relaxed stores carry
 * the clock that RMW acquired (memory.c; for the litmus front end). */
void sim_release_carry(const sim_atomic_t *x);
uintptr_t sim_plain_read(sim_plain_t *p, const struct sim_site *s);
void sim_plain_write(sim_plain_t *p, uintptr_t v, const struct sim_site *s);
/*
 * For the RCU grace-period model (src/lock/rcu.c): the mo number of x's
 * latest store, and a raise of thread tid's coherence floor on x to store
 * idx (its loads of x never read an older one again).  A grace period's
 * guarantee, narrowed to the pointer it covers: a read-side section that
 * begins after call_rcu() sees the store that replaced the pointer before
 * it.  Neither is an access or a scheduling point.
 */
uint32_t sim_store_number(const sim_atomic_t *x);
/* By location number (x->loc): x's memory may be gone by then (an mm's
 * map, after the mm is freed). */
void sim_raise_floor(int tid, uint16_t loc, uint32_t idx);
/*
 * A free of object obj_idx as a write of its plain fields (as
 * ThreadSanitizer treats a free): the first plain location of that object,
 * of a kind is_kind accepts, whose last write or a read by another thread
 * does not happen-before the calling thread now; 0 if none (*other: that
 * thread).  For the oracles: not an access, no scheduling point, no change
 * to the race detector's state.
 */
uint16_t sim_plain_unordered(uint8_t obj_idx, bool (*is_kind)(uint8_t),
			     int *other);

/* What the oracles are shown of every access. */
enum sim_access_kind {
	SIM_A_LOAD,
	SIM_A_STORE,
	SIM_A_RMW,		/* fetch_add, or a successful cmpxchg */
	SIM_A_CAS_FAIL,		/* a failed cmpxchg: a load */
	SIM_A_FENCE,
	SIM_A_PLAIN_READ,
	SIM_A_PLAIN_WRITE,
	SIM_A_LOCK,		/* rwsem acquire/release (loc = the rwsem) */
};

struct sim_access {
	int tid;
	uint8_t kind;		/* enum sim_access_kind */
	uint8_t mo;
	uint16_t loc;
	uint8_t obj_kind, obj_idx;	/* info's, at hand */
	const struct sim_loc_info *info;	/* of loc; NULL for a fence */
	const struct sim_site *site;
	/* A plain access of instrumented code: the return address of its
	 * hook (sim_addr_plain_read/_write), for a trace to name the code's
	 * function and line (sim_pc_describe); NULL otherwise.  Shown, never
	 * hashed: builds differ in it. */
	const void *pc;
	int64_t old;		/* value before (RMW, CAS, store, plain write) */
	int64_t val;		/* value read or written */
	/* Loads: the store read (its writer, -1 for the initial value, and
	 * its number in modification order) and how many newer stores the
	 * load did not see (0: the latest). */
	int8_t rf_tid;
	uint8_t rf_stale;
	uint32_t rf_idx;
};

/*
 * Oracle hooks.  pre runs before the access touches memory (protection
 * checks: is this thread allowed to touch the object at all), post after it
 * (value invariants).  thread_exit runs in the fiber when its body returns.
 */
struct sim_hooks {
	void (*pre)(const struct sim_access *a);
	void (*post)(const struct sim_access *a);
	void (*thread_exit)(int tid);
	/* Concurrency feedback for the fuzzer: an abstract event (a context
	 * switch between two sites, a state transition) as a hashed key;
	 * feedback_kinds says which kinds of event (enum sim_feedback_kind)
	 * are reported, and is 0 unless feedback is set (one load tests a
	 * kind: the test runs at every access). */
	void (*feedback)(uint32_t key);
	unsigned feedback_kinds;
};
extern struct sim_hooks sim_hooks;

enum sim_feedback_kind {
	SIM_FB_SWITCH = 1 << 0,		/* a context switch: the two sites */
	SIM_FB_REFCNT = 1 << 1,		/* a vm_refcnt class transition */
	SIM_FB_READ_FROM = 1 << 2,	/* a read of another thread's store */
	SIM_FB_CAS = 1 << 3,		/* a compare-and-exchange won or lost */
	SIM_FB_WAKE = 1 << 4,		/* a wake-up, and the wakee's state */
	SIM_FB_WALK = 1 << 5,		/* a stale RCU walk's VMA freed, reused */
	SIM_FB_ALL = (1 << 6) - 1,
	/* switch and walk measured worse on the seed bugs: switch's site
	 * pairs made a third of the early inputs "new" (README, "Concurrency
	 * feedback: the kinds") */
	SIM_FB_DEFAULT = SIM_FB_ALL & ~(SIM_FB_SWITCH | SIM_FB_WALK),
};

static inline bool sim_feedback_on(unsigned kind)
{
	return sim_hooks.feedback_kinds & kind;
}

/* Scheduling strategies (strategy.c). */
struct sim_strategy {
	const char *name;
	/* Called before every access: which ready thread runs it.  ready is
	 * a nonempty bit mask; cur is the thread that ran last (may not be
	 * ready). */
	int (*pick)(void *ctx, int cur, unsigned ready);
	/* The next choice byte for non-schedule decisions (which store a
	 * load reads), or -1 when there are none left: then every later
	 * decision takes its default. */
	int (*choice)(void *ctx);
	/* Optional: the access the last pick let run is a window, a VMA
	 * touched under RCU without a reference (sim_note_window()). */
	void (*window)(void *ctx);
	/* Optional: an exhaustive search's own reads-from decision.  Called
	 * for each load that has a choice, with the number of stores it may
	 * read (ncand >= 2); returns how many stores back from the latest
	 * to read (0: the latest, at most ncand - 1).  When set, it takes
	 * the place of the choice bytes' gap and depth (choice() must still
	 * return a byte >= 0 to keep the simulation on). */
	unsigned (*rf)(void *ctx, unsigned ncand);
};

struct sim_run_cfg {
	const struct sim_strategy *strategy;
	void *strategy_ctx;
	uint32_t step_budget;	/* scheduling points before the run is cut */
	bool trace;		/* record the event trace (slow path) */
	/* Sequentially consistent loads only: every load reads the latest
	 * store and no choice bytes are taken (the weak-memory simulation
	 * off; for measuring what it costs). */
	bool sc_only;
	/* No trace hash (res->hash stays 0): for callers that never read
	 * it, such as the fuzz target; it is a multiply per access. */
	bool no_hash;
};

struct sim_result {
	enum verdict verdict;
	int fail_tid;		/* thread that raised it, or SIM_NO_THREAD */
	uint32_t steps;
	uint32_t switches;	/* context switches between threads */
	bool truncated;		/* the step budget ended the run */
	uint64_t hash;		/* of the interleaving and the values seen */
	char msg[320];
};

/*
 * Locations found by address (addr.c): fields of plain C type in objects
 * the runtime does not lay out (the kernel's own structs, compiled from a
 * kernel tree).  Each registered field gets a simulator location with the
 * same (kind, index, field) triple the model's fields have, so the oracles
 * see the same access stream.  An atomic field (read and written with
 * READ_ONCE/WRITE_ONCE and the like) is a sim_atomic_t with its weak-memory
 * history; a plain field is a sim_plain_t for the race detector.  The
 * object's own memory always holds the latest value (outside the moment
 * of a plain read that reads an older store, see sim_addr_plain_read()).
 *
 * A codec turns a pointer into an array (a task, an mm) into a small
 * number (index + 1, 0 for NULL) for the location's value, so the trace
 * hash is the same in every process; NULL: the field's value as it is.
 * Registered fields are forgotten at each sim_begin().
 */
struct sim_addr_codec {
	const void *base;
	size_t stride;
};
void sim_addr_atomic(void *addr, unsigned size, const struct sim_addr_codec *c,
		     uint8_t obj_kind, uint8_t obj_idx, const char *field);
void sim_addr_plain(void *addr, unsigned size, const struct sim_addr_codec *c,
		    uint8_t obj_kind, uint8_t obj_idx, const char *field);
bool sim_addr_known(const void *addr);
/* Marked accesses of an atomic field; values in the field's own terms
 * (a pointer's bits for a codec field). */
uint64_t sim_addr_load(const void *addr, enum sim_mo mo, const struct sim_site *s);
void sim_addr_store(void *addr, uint64_t v, enum sim_mo mo,
		    const struct sim_site *s);
/* A plain write the caller makes with its value known (object set-up by
 * the harness, any field). */
void sim_addr_write(void *addr, uint64_t v, const struct sim_site *s);
/* The compiler's hooks for instrumented plain accesses, called before the
 * access; addresses nobody registered are not shared and pass.  pc: the
 * hook's return address, in the access (sim_access.pc) for the trace. */
void sim_addr_plain_read(const void *addr, unsigned size, const void *pc);
void sim_addr_plain_write(const void *addr, unsigned size, const void *pc);
/* The hooks of a plain access of a whole range (a struct's copy or
 * initialisation, as gcc instruments one): no scheduling point, so a
 * range with a registered field in it is an assertion failure, never an
 * access that goes unsimulated. */
void sim_addr_plain_range(const void *addr, size_t size);
/* The value without a scheduling point: for oracles and reports. */
uint64_t sim_addr_peek(const void *addr);
/* The location of a registered field (0: none). */
uint16_t sim_addr_loc(const void *addr);

/* Once per process: stacks and fibers. */
void sim_setup(void);
/* Per run: forget everything of the previous run. */
void sim_begin(const struct sim_run_cfg *cfg);
int sim_spawn(void (*fn)(void *), void *arg);
/*
 * A thread that another one starts later (a fork's child runs only after
 * the fork returns): spawned held, it is not runnable, and a run whose
 * other threads are done or asleep with it still held is judged on them
 * alone (a held thread is neither asleep nor spinning).  From a fiber,
 * sim_start_held() makes it runnable, everything the caller did so far
 * happening before its first step; sim_cancel_held() ends it unstarted
 * (the thread_exit hook runs for it): it will never run.
 */
int sim_spawn_held(void (*fn)(void *), void *arg);
bool sim_thread_held(int tid);
void sim_start_held(int tid);
void sim_cancel_held(int tid);
/* Did thread tid start (false for one cancelled while held)? */
bool sim_thread_started(int tid);
/* Run every spawned thread to the end or to the first violation. */
void sim_run(struct sim_result *res);
int sim_self(void);
int sim_nthreads(void);
bool sim_tracing(void);

/* A scheduling point with no access (used by the access functions). */
void sim_point(const struct sim_site *s);
/* The oracles' word that the access being made is a window: a thread
 * touches a VMA under RCU without a reference, where the object may be
 * freed and handed out again under it.  Told to the strategy (the
 * recorder keeps the step, for the run-aware mutation to preempt at). */
void sim_note_window(void);
/* A site's stable hash (function name and label), computed once. */
uint32_t sim_site_hash_slow(const struct sim_site *s);
/*
 * Set before the first sim_setup() (a constructor): the name a site's
 * function is shown and hashed by, given its __func__.  The kernel backend
 * takes its copies' prefixes off (kernel___vma_start_write is
 * __vma_start_write), so traces, reports and feedback name the kernel's
 * functions as the kernel does.
 */
extern const char *(*sim_site_func_name)(const char *func);
/*
 * Set by a backend whose plain accesses carry a pc (sim_access.pc): the
 * code's function, file and line there, false if it does not know the pc.
 * Called when a trace is printed, never during a run.
 */
struct sim_pc_info {
	const char *func, *file;
	unsigned line;
};
extern bool (*sim_pc_describe)(const void *pc, struct sim_pc_info *out);

static inline uint32_t sim_site_hash(const struct sim_site *s)
{
	return s->hash ? s->hash : sim_site_hash_slow(s);
}
/* Stop the run with a verdict.  From a fiber: never returns. */
void sim_fail(enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Retry loops that wait for another thread (an -EAGAIN retry): take a mark
 * where an iteration starts, and call sim_spin(mark) before retrying.  If
 * no shared write happened since the mark, the retry would read the same
 * values again, so the thread sleeps until another thread writes: a
 * schedule that merely starves it is never reported, and a loop nobody can
 * end is a livelock.
 */
uint64_t sim_spin_mark(void);
void sim_spin(uint64_t mark, const struct sim_site *s);
/* A human-readable line for the trace (no cost when not tracing). */
void sim_note_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define sim_note(...)							\
	do {								\
		if (sim_tracing())					\
			sim_note_(__VA_ARGS__);				\
	} while (0)

/* Task state and wake-up, as the kernel's scheduler offers them. */
enum sim_task_state {
	SIM_TASK_RUNNING,
	SIM_TASK_UNINTERRUPTIBLE,
	SIM_TASK_KILLABLE,
};
/* set_current_state(): the store and a full barrier. */
void sim_set_current_state(enum sim_task_state st, const struct sim_site *s);
/* schedule(): sleep while our state is not RUNNING.  cond tells the
 * lost-wake-up detector what the sleeper waits for. */
void sim_schedule(bool (*cond)(void *), void *arg, const struct sim_site *s);
/* wake_up_process(): returns true if the task was sleeping. */
bool sim_wake_up_process(int tid, const struct sim_site *s);
void sim_send_fatal_signal(int tid, const struct sim_site *s);
bool sim_fatal_signal_pending(void);
/* __set_current_state(TASK_RUNNING): no barrier, no scheduling point. */
void sim_set_task_running(void);

/* A sleeping reader/writer lock (the mmap_lock's rw_semaphore). */
struct sim_rwsem {
	int32_t count;		/* -1: write-held, n > 0: n readers */
	int8_t writer;		/* tid holding it for write, or -1 */
	uint8_t readers;	/* bit mask of tids holding it for read */
	uint8_t waiters;	/* bit mask of sleeping tids */
	uint16_t loc;
};
void sim_rwsem_init(struct sim_rwsem *r, uint8_t obj_kind, uint8_t obj_idx,
		    const char *name);
void sim_down_read(struct sim_rwsem *r, const struct sim_site *s);
void sim_up_read(struct sim_rwsem *r, const struct sim_site *s);
void sim_down_write(struct sim_rwsem *r, const struct sim_site *s);
void sim_up_write(struct sim_rwsem *r, const struct sim_site *s);
void sim_downgrade_write(struct sim_rwsem *r, const struct sim_site *s);
/* down_{read,write}_killable(): 0, or -EINTR (-4) for a fatal signal
 * pending or arriving while it sleeps; the lock is then not taken. */
int sim_down_killable(struct sim_rwsem *r, bool write, const struct sim_site *s);
/* down_{read,write}_trylock(): true if it took the lock; never sleeps. */
bool sim_down_trylock(struct sim_rwsem *r, bool write, const struct sim_site *s);

/* The recorded trace of the last run (when cfg.trace was set). */
enum sim_event_kind {
	SIM_EV_ACCESS,
	SIM_EV_NOTE,
	SIM_EV_BLOCK,		/* the thread went to sleep */
	SIM_EV_WAKE,		/* the thread was made runnable again */
	SIM_EV_END,		/* the thread's body returned */
};
struct sim_event {
	uint32_t step;
	int8_t tid;
	uint8_t kind;		/* enum sim_event_kind */
	struct sim_access a;	/* SIM_EV_ACCESS */
	const char *note;	/* SIM_EV_NOTE: text in the trace arena */
};
size_t sim_trace(const struct sim_event **events);

#endif /* VMLOCK_SIM_SIM_H */
