/* SPDX-License-Identifier: MIT */
/*
 * memory.c - the atomics layer, happens-before clocks, and the race
 * detector for plain fields.
 *
 * Happens-before is tracked the C11 way (release stores and RMWs, acquire
 * loads, release sequences continued by RMWs, fences): the race detector
 * must only accept orderings the memory model guarantees, not ones this
 * interleaving happened to show.  Which store a load reads is decided by
 * the weak-memory simulation (history.c).
 *
 * Each access: a scheduling point, the oracles' pre hook, the memory
 * operation with its clock updates, the trace, the oracles' post hook.
 */
#include "internal.h"
#include "history_read.h"

#include <stddef.h>
#include <string.h>

static void san_thread_reset(void);

void sim_memory_reset(void)
{
	/* The locations the last run registered, cleared in one call (a
	 * sanitizer checks every memset); the others were never used. */
	if (sim.nlocs > 1)
		memset(&sim.locs[1], 0, (sim.nlocs - 1) * sizeof(sim.locs[0]));
	sim.nlocs = 1;		/* loc 0 = "not registered" */
	sim_addr_reset();
	sim_history_reset();
	san_thread_reset();
}

static uint16_t loc_new(uint8_t obj_kind, uint8_t obj_idx, const char *field,
			bool plain)
{
	VM_ASSERT(sim.nlocs < SIM_MAX_LOCS);
	uint16_t id = (uint16_t)sim.nlocs++;
	struct sim_loc_state *l = &sim.locs[id];	/* zero: sim_memory_reset() */

	l->info.field = field;
	l->info.obj_kind = obj_kind;
	l->info.obj_idx = obj_idx;
	l->info.is_plain = plain;
	l->w_tid = -1;
	return id;
}

void sim_atomic_init(sim_atomic_t *a, int32_t v, uint8_t obj_kind,
		     uint8_t obj_idx, const char *field)
{
	a->v = v;
	a->loc = loc_new(obj_kind, obj_idx, field, false);
	a->obj_kind = obj_kind;
	a->obj_idx = obj_idx;
	sim_history_init(a->loc, v);
}

void sim_plain_init(sim_plain_t *p, uintptr_t v, uint8_t obj_kind,
		    uint8_t obj_idx, const char *field)
{
	p->v = v;
	p->loc = loc_new(obj_kind, obj_idx, field, true);
	p->obj_kind = obj_kind;
	p->obj_idx = obj_idx;
}

const struct sim_loc_info *sim_loc(uint16_t loc)
{
	VM_ASSERT(loc > 0 && loc < sim.nlocs);
	return &sim.locs[loc].info;
}

static VM_ALWAYS_INLINE struct sim_loc_state *loc_of(uint16_t loc)
{
	VM_ASSERT(loc > 0 && loc < sim.nlocs);
	return &sim.locs[loc];
}

/* The state of the location an access began on (begin_access() checked
 * its number). */
static VM_ALWAYS_INLINE struct sim_loc_state *
loc_of_access(const struct sim_access *a)
{
	return (struct sim_loc_state *)((char *)a->info -
					offsetof(struct sim_loc_state, info));
}

/* ---- happens-before ---- */

void sim_hb_acquire(const struct vclock *from)
{
	vclock_join(&sim_cur()->vc, from);
}

/* Publish our clock into `to` and start a new epoch. */
void sim_hb_release(struct vclock *to)
{
	struct sim_thread *t = sim_cur();

	vclock_join(to, &t->vc);
	t->vc.c[sim.cur]++;
}

static bool is_acquire(enum sim_mo mo)
{
	return mo == SIM_ACQUIRE || mo == SIM_ACQ_REL || mo == SIM_SEQ_CST;
}

static bool is_release(enum sim_mo mo)
{
	return mo == SIM_RELEASE || mo == SIM_ACQ_REL || mo == SIM_SEQ_CST;
}

/* A load read store r. */
static VM_ALWAYS_INLINE void hb_read(const struct sim_store_rec *r, enum sim_mo mo)
{
	struct sim_thread *t = sim_cur();

	if (is_acquire(mo))
		vclock_join(&t->vc, &r->sync);
	else	/* an acquire fence later may still synchronise with it */
		vclock_join(&t->acq_pending, &r->sync);
}

/* A store w; an RMW continues the release sequence of the store it read
 * (carry: that store's sync), a plain store starts a new one. */
static void hb_write(struct sim_store_rec *w, const struct vclock *carry,
		     enum sim_mo mo)
{
	struct sim_thread *t = sim_cur();

	if (carry)
		vclock_copy(&w->sync, carry);
	if (is_release(mo)) {
		sim_hb_release(&w->sync);
	} else {
		/* A relaxed write after a release fence carries the fence. */
		vclock_join(&w->sync, &t->rel_fence);
	}
}

static void san_fence(enum sim_mo mo);

void sim_hb_fence(enum sim_mo mo)
{
	struct sim_thread *t = sim_cur();

	san_fence(mo);
	/* A seq_cst fence is an acquire and a release fence here: the total
	 * order of seq_cst fences creates no happens-before by itself, only
	 * through the values threads read from each other. */
	if (is_acquire(mo))
		vclock_join(&t->vc, &t->acq_pending);
	if (is_release(mo)) {
		vclock_copy(&t->rel_fence, &t->vc);
		t->vc.c[sim.cur]++;
	}
	if (mo == SIM_SEQ_CST)
		sim_history_sc_fence();
}

/*
 * ---- the real access, as TSan sees it ----
 *
 * In the tsan build the model's atomics are real C11 atomics with the
 * model's memory orders (the value comes from the history; the real
 * location always holds the latest store), and plain fields are plain
 * loads and stores, each inside a window TSan watches.  TSan ignores
 * standalone fences, so a release fence makes the thread's later relaxed
 * writes release the location, and an acquire fence acquires the
 * locations the thread read relaxed since its last acquire: both at
 * least as strong as the fence, never weaker.  Other builds touch the
 * location plainly: the simulation is single-threaded.
 */
#ifdef VMLOCK_TSAN
#define SAN_RELAXED_READS 8
static struct san_thread {
	bool rel_fence;				/* a release fence was issued */
	void *relaxed[SAN_RELAXED_READS];	/* read relaxed since acquire */
	unsigned nrelaxed;
} san_th[SIM_MAX_THREADS];

static int c11(enum sim_mo mo)
{
	static const int map[] = {
		[SIM_RELAXED] = __ATOMIC_RELAXED, [SIM_ACQUIRE] = __ATOMIC_ACQUIRE,
		[SIM_RELEASE] = __ATOMIC_RELEASE, [SIM_ACQ_REL] = __ATOMIC_ACQ_REL,
		[SIM_SEQ_CST] = __ATOMIC_SEQ_CST,
	};
	return map[mo];
}

static void san_note_read(sim_atomic_t *x, enum sim_mo mo)
{
	struct san_thread *st = &san_th[sim.cur];

	if (!is_acquire(mo))
		st->relaxed[st->nrelaxed++ % SAN_RELAXED_READS] = &x->v;
}

static void san_note_write(sim_atomic_t *x, enum sim_mo mo)
{
	if (!is_release(mo) && san_th[sim.cur].rel_fence)
		san_release(&x->v);
}

static void san_fence(enum sim_mo mo)
{
	struct san_thread *st = &san_th[sim.cur];

	if (is_acquire(mo)) {
		unsigned n = st->nrelaxed < SAN_RELAXED_READS ? st->nrelaxed
							      : SAN_RELAXED_READS;
		for (unsigned i = 0; i < n; i++)
			san_acquire(st->relaxed[i]);
		st->nrelaxed = 0;
	}
	if (is_release(mo))
		st->rel_fence = true;
}

static void san_thread_reset(void)
{
	memset(san_th, 0, sizeof(san_th));
}

static void real_load(sim_atomic_t *x, enum sim_mo mo)
{
	san_note_read(x, mo);
	san_real_load(&x->v, c11(mo));
}

static void real_store(sim_atomic_t *x, int32_t v, enum sim_mo mo)
{
	san_note_write(x, mo);
	san_real_store(&x->v, v, c11(mo));
}

/* The read half of an RMW that did not write (a failed CAS). */
#define real_rmw_read(x, mo) real_load((x), (mo))

/*
 * A release RMW runs as acq_rel: with fibers, TSan (clang 14) was seen to
 * lose an earlier thread's release from the location when another thread
 * released it by an RMW (tests/test_tsan.c, release_sequence_through_rmw),
 * breaking the release sequence C11 promises.  Acquiring first keeps the
 * earlier releases in the clock TSan stores; it orders more than C11 does,
 * so TSan may miss a race there, never report a false one.
 */
static void real_rmw(sim_atomic_t *x, int32_t v, enum sim_mo mo)
{
	enum sim_mo real = is_release(mo) && !is_acquire(mo) ? SIM_ACQ_REL : mo;

	san_note_read(x, mo);
	san_note_write(x, mo);
	san_real_rmw(&x->v, v, c11(real));
}

static uintptr_t real_plain_read(sim_plain_t *p)
{
	return san_real_plain_read(&p->v);
}

static void real_plain_write(sim_plain_t *p, uintptr_t v)
{
	san_real_plain_write(&p->v, v);
}
#else
static void san_fence(enum sim_mo mo) { (void)mo; }
static void san_thread_reset(void) {}
static inline void real_load(sim_atomic_t *x, enum sim_mo mo) { (void)x; (void)mo; }
#define real_rmw_read(x, mo) real_load((x), (mo))
static inline void real_store(sim_atomic_t *x, int32_t v, enum sim_mo mo)
{
	(void)mo;
	x->v = v;
}
#define real_rmw real_store
static inline uintptr_t real_plain_read(sim_plain_t *p) { return p->v; }
static inline void real_plain_write(sim_plain_t *p, uintptr_t v) { p->v = v; }
#endif

/* ---- the race detector for plain fields (FastTrack-style epochs) ---- */

static void race(struct sim_loc_state *l, const char *what, int other,
		 const struct sim_site *s)
{
	sim_fail(VERDICT_DATA_RACE,
		 "T%d %s #%u.%s in %s() races with T%d's earlier access",
		 sim.cur, what, l->info.obj_idx, l->info.field, s->func, other);
}

static void race_check_write(struct sim_loc_state *l, const struct sim_site *s)
{
	const struct vclock *vc = &sim_cur()->vc;

	if (l->w_tid >= 0 && l->w_tid != sim.cur && l->w_clk > vc->c[l->w_tid])
		race(l, "writes", l->w_tid, s);
	for (int u = 0; u < sim.n; u++)
		if (u != sim.cur && l->r_clk.c[u] > vc->c[u])
			race(l, "writes", u, s);
	l->w_tid = (int8_t)sim.cur;
	l->w_clk = vc->c[sim.cur];
	vclock_clear(&l->r_clk);
}

static void race_check_read(struct sim_loc_state *l, const struct sim_site *s)
{
	const struct vclock *vc = &sim_cur()->vc;

	if (l->w_tid >= 0 && l->w_tid != sim.cur && l->w_clk > vc->c[l->w_tid])
		race(l, "reads", l->w_tid, s);
	l->r_clk.c[sim.cur] = vc->c[sim.cur];
}

/* Another thread's access to l not ordered before the clock vc, or -1. */
static int plain_unordered_with(const struct sim_loc_state *l,
				const struct vclock *vc)
{
	if (l->w_tid >= 0 && l->w_tid != sim.cur && l->w_clk > vc->c[l->w_tid])
		return l->w_tid;
	for (int u = 0; u < sim.n; u++)
		if (u != sim.cur && l->r_clk.c[u] > vc->c[u])
			return u;
	return -1;
}

uint16_t sim_plain_unordered(uint8_t obj_idx, bool (*is_kind)(uint8_t),
			     int *other)
{
	const struct vclock *vc = &sim_cur()->vc;

	for (uint16_t loc = 1; loc < sim.nlocs; loc++) {
		const struct sim_loc_state *l = &sim.locs[loc];

		if (!l->info.is_plain || l->info.obj_idx != obj_idx ||
		    !is_kind(l->info.obj_kind))
			continue;
		*other = plain_unordered_with(l, vc);
		if (*other >= 0)
			return loc;
	}
	return 0;
}

/*
 * Inline in each access function: it runs on every access.  The access
 * record lives in the thread's state, not on the stack: a sanitizer then
 * guards no stack object per access.  NULL outside the threads (world
 * setup).
 */
static VM_ALWAYS_INLINE struct sim_access *
begin_access(uint16_t loc, uint8_t obj_kind, uint8_t obj_idx,
	     enum sim_access_kind kind, enum sim_mo mo,
	     const struct sim_site *s)
{
	struct sim_access *a;

	if (!sim_in_fiber())
		return NULL;
	if (!s->local)
		sim_point_fast(s);
	else
		sim_hash_site(s);
	a = &sim_cur()->acc;	/* after the point: the thread that runs on */
	/* Field by field: no zeroing of the whole record per access. */
	a->tid = sim.cur;
	a->kind = (uint8_t)kind;
	a->mo = (uint8_t)mo;
	a->loc = loc;
	a->obj_kind = obj_kind;
	a->obj_idx = obj_idx;
	a->info = &loc_of(loc)->info;
	a->site = s;
	a->old = 0;
	/* val: each access sets it before sim_access_post().  Zeroing it
	 * here too made old and val one 16-byte memset, a sanitizer call. */
	a->rf_tid = -1;
	a->rf_stale = 0;
	a->rf_idx = 0;
	sim_access_pre(a);
	return a;
}

/*
 * ---- concurrency feedback: which store a read took, who won a CAS ----
 *
 * Each kind of event has its own range of keys (the engine folds them
 * onto its counters).  A load or RMW that reads another thread's store
 * is the pair (the reader's site, the writer's site), stale or not; a
 * compare-and-exchange is its site and whether it won, and whether the
 * value it met was another thread's.
 */
#define FEEDBACK_READ_FROM 0x52460000u
#define FEEDBACK_CAS 0x43410000u

static VM_NOINLINE void read_from_feedback(const struct sim_access *a,
					   const struct sim_store_rec *r)
{
	uint32_t key = sim_site_hash(a->site) * 31 +
		       (r->site ? sim_site_hash(r->site) : 0);

	sim_hooks.feedback((key ^ FEEDBACK_READ_FROM) * 2 + (a->rf_stale != 0));
}

static VM_ALWAYS_INLINE void read_from_event(const struct sim_access *a,
					     const struct sim_store_rec *r)
{
	if (sim_feedback_on(SIM_FB_READ_FROM) && r->tid >= 0 && r->tid != a->tid)
		read_from_feedback(a, r);
}

static void cas_event(const struct sim_access *a, const struct sim_store_rec *r,
		      bool won)
{
	if (sim_feedback_on(SIM_FB_CAS))
		sim_hooks.feedback((sim_site_hash(a->site) ^ FEEDBACK_CAS) * 4 +
				   won * 2u + (r->tid >= 0 && r->tid != a->tid));
}

int32_t sim_load(sim_atomic_t *x, enum sim_mo mo, const struct sim_site *s)
{
	struct sim_access *a;

	a = begin_access(x->loc, x->obj_kind, x->obj_idx, SIM_A_LOAD, mo, s);
	if (!a)
		return x->v;
	struct sim_loc_state *l = loc_of_access(a);
	const struct sim_store_rec *r =
		sim_history_read(l, x->loc, mo == SIM_SEQ_CST, a);

	a->val = r->val;
	real_load(x, mo);
	hb_read(r, mo);
	read_from_event(a, r);
	sim_access_post(a);
	return r->val;
}

/* Every write goes through here: the value, the history, the clocks. */
static void do_write(sim_atomic_t *x, int32_t v, enum sim_mo mo, bool rmw,
		     const struct sim_site *s)
{
	const struct sim_store_rec *prev = sim_latest(x->loc);
	/* A copy: the ring may hand prev's slot to the new store. */
	struct vclock carry;
	struct sim_store_rec *w;

	vclock_copy(&carry, &prev->sync);
	/* Every write since the threads started went through here. */
	VM_ASSERT(prev->val == x->v);
	if (rmw)
		real_rmw(x, v, mo);
	else
		real_store(x, v, mo);
	w = sim_history_write(x->loc, v, s);
	hb_write(w, rmw ? &carry : NULL, mo);
	sim_progress();
}

void sim_store(sim_atomic_t *x, int32_t v, enum sim_mo mo,
	       const struct sim_site *s)
{
	struct sim_access *a;

	VM_ASSERT(mo != SIM_ACQUIRE && mo != SIM_ACQ_REL);
	a = begin_access(x->loc, x->obj_kind, x->obj_idx, SIM_A_STORE, mo, s);
	if (!a) {
		/* Before the threads: a store everyone sees. */
		x->v = v;
		sim_history_write(x->loc, v, NULL);
		return;
	}
	a->old = x->v;
	a->val = v;
	do_write(x, v, mo, false, s);
	sim_access_post(a);
}

int32_t sim_fetch_add(sim_atomic_t *x, int32_t delta, enum sim_mo mo,
		      const struct sim_site *s)
{
	struct sim_access *a;
	int32_t old = x->v;
	int32_t v = (int32_t)((uint32_t)old + (uint32_t)delta);

	a = begin_access(x->loc, x->obj_kind, x->obj_idx, SIM_A_RMW, mo, s);
	if (!a) {
		x->v = v;
		sim_history_write(x->loc, v, NULL);
		return old;
	}
	struct sim_loc_state *l = loc_of_access(a);

	const struct sim_store_rec *r = sim_history_read(l, x->loc, true, a);

	old = r->val;
	v = (int32_t)((uint32_t)old + (uint32_t)delta);
	a->old = old;
	a->val = v;
	hb_read(r, mo);
	read_from_event(a, r);
	do_write(x, v, mo, true, s);
	sim_access_post(a);
	return old;
}

bool sim_cmpxchg(sim_atomic_t *x, int32_t *expected, int32_t desired,
		 enum sim_mo success, enum sim_mo failure,
		 const struct sim_site *s)
{
	struct sim_access *a;

	VM_ASSERT(failure != SIM_RELEASE && failure != SIM_ACQ_REL);
	a = begin_access(x->loc, x->obj_kind, x->obj_idx, SIM_A_RMW, success, s);
	if (!a) {
		bool ok = x->v == *expected;

		if (ok) {
			x->v = desired;
			sim_history_write(x->loc, desired, NULL);
		} else {
			*expected = x->v;
		}
		return ok;
	}
	struct sim_loc_state *l = loc_of_access(a);
	const struct sim_store_rec *r = sim_history_read(l, x->loc, true, a);

	a->old = r->val;
	if (r->val != *expected) {
		a->kind = SIM_A_CAS_FAIL;
		a->mo = failure;
		a->val = r->val;
		*expected = r->val;
		real_rmw_read(x, failure);
		hb_read(r, failure);
		cas_event(a, r, false);
		sim_access_post(a);
		return false;
	}
	a->val = desired;
	hb_read(r, success);
	cas_event(a, r, true);
	do_write(x, desired, success, true, s);
	sim_access_post(a);
	return true;
}

/*
 * A lock built on x (the litmus front end's spin_lock, src/litmus): after
 * the RMW of x that took the lock, the thread's later relaxed stores carry
 * what the store that RMW read carried (the unlocker's release, through
 * the release sequence), as a release fence would, but without the
 * thread's own clock.  The LKMM orders what precedes an unlock before what
 * follows the lock that reads from it (po-unlock-lock-po), not the lock's
 * own write: other threads may still see the lock word's older value.
 * No access, no scheduling point.
 */
void sim_release_carry(const sim_atomic_t *x)
{
	const struct sim_store_rec *latest;

	if (!sim_in_fiber())
		return;
	latest = sim_latest(x->loc);
	VM_ASSERT(latest->tid == sim.cur);	/* the lock's own RMW */
	vclock_join(&sim_cur()->rel_fence, &latest->sync);
}

void sim_fence(enum sim_mo mo, const struct sim_site *s)
{
	struct sim_access a;

	if (!sim_in_fiber())
		return;
	/* No scheduling point: a fence touches no shared location, so no
	 * interleaving differs by preempting before it. */
	sim_hash_site(s);
	a = (struct sim_access){ .tid = sim.cur, .kind = SIM_A_FENCE,
				 .mo = mo, .site = s };
	sim_hb_fence(mo);
	sim_access_post(&a);
}

uintptr_t sim_plain_read(sim_plain_t *p, const struct sim_site *s)
{
	struct sim_access *a;

	a = begin_access(p->loc, p->obj_kind, p->obj_idx, SIM_A_PLAIN_READ,
			 SIM_RELAXED, s);
	if (!a)
		return p->v;
	/* The real read first: TSan sees it even if ours stops the run. */
	uintptr_t v = real_plain_read(p);

	race_check_read(loc_of_access(a), s);
	a->val = (int64_t)v;
	sim_access_post(a);
	return v;
}

void sim_plain_write(sim_plain_t *p, uintptr_t v, const struct sim_site *s)
{
	struct sim_access *a;

	a = begin_access(p->loc, p->obj_kind, p->obj_idx, SIM_A_PLAIN_WRITE,
			 SIM_RELAXED, s);
	if (!a) {
		p->v = v;
		return;
	}
	a->old = (int64_t)p->v;
	a->val = (int64_t)v;
	real_plain_write(p, v);
	race_check_write(loc_of_access(a), s);
	sim_progress();
	sim_access_post(a);
}
