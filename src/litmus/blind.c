/* SPDX-License-Identifier: MIT */
/*
 * blind.c - which tests the simulator's blind spots could decide: load
 * buffering, modification order against execution order, the mapping
 * stronger than the LKMM, the store history.
 *
 * The simulator runs each thread's accesses in program order, a load
 * reads only stores already executed, and stores to one location take
 * their modification order from the order they run (docs/weak-memory.md,
 * "The blind spots").  An outcome it cannot produce needs a cycle of
 * "must run before" edges: program order, a store before the loads that
 * read it, a store before the stores after it in modification order.  A
 * load leaves a thread's segment of such a cycle only through program
 * order (it may read an older store, so it forces nothing on the stores it
 * does not read), and a segment leaves its thread only from a store; it
 * enters at a load (read from another thread) or at a store (ordered after
 * another thread's store).  So every such cycle has, in some thread, a
 * load followed by a store (load buffering) or a store followed by a store
 * (modification order against execution order) in program order.  When
 * the LKMM orders every such pair that can take part in a cycle, the
 * cycles are the LKMM's too; when one pair is unordered, the LKMM may
 * allow an outcome the simulator never produces.
 *
 * A pair takes part only when it can close such a cycle (cycle(): from
 * its store, through program order and from a store to another process's
 * access of its location, back to its first event), and both its ends
 * talk to another thread: the load's location is written by another
 * process (else it reads the same value whenever it runs), the first
 * store's location is written by another process (else the stale reads
 * the simulator has already show its late arrival), and the second
 * store's location is accessed by another process (a lock's own write:
 * observed with spin_is_locked or spin_trylock).  A location reached through a register is any location.
 * A location every other writer writes only holding a lock held here is
 * out of any cycle (shielded()).
 *
 * What orders a pair, per tools/memory-model/linux-kernel.cat (ppo, fence,
 * po-unlock-lock-po, the Mb tags of fully ordered RMWs): an address, data
 * or control dependency from the load to the store (through registers,
 * or a variable no other process touches: dep+plain); an
 * acquire load, or a read ordered before a later acquire load (smp_rmb(),
 * an address dependency); a release store; smp_mb(), synchronize_rcu(), an
 * unconditional fully ordered RMW between them; smp_mb__before_atomic()
 * before a later RMW, smp_mb__after_atomic() after an RMW,
 * smp_mb__after_spinlock() after a lock; an unlock and a later lock (of
 * any lock) between them; the same location (coherence); for two stores
 * also smp_wmb() and a release second store, unless another process
 * overwrites the second store's location: only a strong fence forbids a
 * modification-order cycle (2+2W with smp_wmb() is allowed).  A failed
 * conditional RMW orders nothing, so cmpxchg, atomic_add_unless and
 * spin_trylock are taken as failing where that is weaker.  Over both arms of an if, a pair is unordered when it is on
 * either arm.
 *
 * The mapping (prims.c, interp.c) is stronger than the LKMM in places
 * (docs/weak-memory.md): a load run as an acquire (an address dependency,
 * rcu_dereference()) orders every later access, smp_mb__before_atomic()
 * and the other conditional fences are smp_mb() wherever they stand,
 * spin_unlock()'s release fence orders earlier stores before the stores
 * after the unlock.  stronger() collects the events the simulator so
 * orders and the LKMM does not; a later access that talks to another
 * process and is not ordered after one of them otherwise is a "stronger
 * mapping" pair (no cycle needed: store buffering is what those fences
 * decide).  And a load of a location where more than SIM_HISTORY stores
 * (the initial value counts) can have run before it may need a store the
 * simulator no longer keeps: "store history".
 *
 * The analysis is static and conservative: a test it names may still be
 * decided right, but a test it passes has no unordered pair for the
 * simulator to miss.  cli.c uses it only where a missed execution could
 * change our verdict (Never or Always).
 */
#include "interp.h"

#include <stdio.h>
#include <string.h>

#define MAX_EVENTS 64

/* Who touches what: per process, bit v for variable v; any_*: through a
 * register.  obs: locks read by spin_is_locked() or spin_trylock(), the
 * only readers of a lock's own write. */
struct access {
	uint32_t wr[LIT_MAX_PROCS], seen[LIT_MAX_PROCS], obs[LIT_MAX_PROCS];
	bool any_wr[LIT_MAX_PROCS], any_seen[LIT_MAX_PROCS], any_obs[LIT_MAX_PROCS];
	/* The locks held at every write (read) of v by process p. */
	uint32_t locked[LIT_MAX_PROCS][LIT_MAX_VARS], rlocked[LIT_MAX_PROCS][LIT_MAX_VARS];
	bool any_rd[LIT_MAX_PROCS];
	/* Store history: each process's stores to v (any: through a
	 * register). */
	int nstores[LIT_MAX_PROCS][LIT_MAX_VARS], any_stores[LIT_MAX_PROCS];
	/* Every process's events: location (-1: through a register), which
	 * are stores, how many (cycle()). */
	int8_t evloc[LIT_MAX_PROCS][MAX_EVENTS];
	uint64_t evstore[LIT_MAX_PROCS];
	int nev[LIT_MAX_PROCS];
	/* Variables whose modification order something observes: a load or
	 * an RMW reads them, or the condition (or filter) names their final
	 * value; the others' stores may take any order (cycle()). */
	uint32_t co_seen;
};

/* The ordering state at a point of one process (bit i: event i). */
struct state {
	uint64_t open_r;	/* loads not ordered before later stores */
	uint64_t open_w;	/* stores not ordered before later stores */
	uint64_t open_ws;	/* ... by a strong fence (smp_mb() and the like) */
	uint64_t loads;		/* loads smp_rmb() orders (not of void RMWs) */
	uint64_t rmb;		/* loads ordered before later loads */
	uint64_t before_atomic;	/* ordered before the next RMW and after */
	uint64_t upto_rmw;	/* events up to the last RMW */
	uint64_t upto_lock;	/* events up to the last lock */
	uint64_t upto_unlock;	/* events up to the last unlock */
	uint32_t held;		/* the locks held (bit per variable) */
	uint64_t taint[LIT_MAX_REGS];	/* loads a register's value depends on */
	uint64_t mem[LIT_MAX_VARS];	/* ... a private variable's value */
	uint64_t ctrl;		/* loads the enclosing conditions depend on */
	/* Stronger than the LKMM (the mapping, docs/weak-memory.md): events
	 * the simulator orders before every later access (extra) or every
	 * later store (extra_w) where the LKMM does not. */
	uint64_t extra, extra_w;
	uint64_t wfree;		/* stores no W->W fence orders yet */
	uint64_t ulk;		/* events up to an unlock before the last lock */
};

struct blind {
	const struct lit_test *t;
	struct access acc;
	bool collect;		/* first pass: fill acc only */
	int proc, nev;
	int loc[MAX_EVENTS];
	char what[MAX_EVENTS][48];
	uint64_t talk;		/* events that talk to another process */
	const char *by[MAX_EVENTS];	/* what puts an event in extra */
	char lb[200], mo[200], sm[200];	/* the first pair of each class */
	char hist[200];		/* the first load the store history may fail */
};

static uint64_t bit(int i)
{
	return i < MAX_EVENTS ? 1ull << i : 0;
}

/* The events of process p (as the first pass numbered them). */
static uint64_t all_events(const struct access *a, int p)
{
	return a->nev[p] >= MAX_EVENTS ? ~0ull : bit(a->nev[p]) - 1;
}

/* Every event so far. */
static uint64_t all_upto(const struct blind *b)
{
	return b->nev >= MAX_EVENTS ? ~0ull : bit(b->nev) - 1;
}

/* The variable a location expression names, or -1 (through a register). */
static int var_of(const struct lit_expr *e)
{
	while (e && (e->kind == LE_ADDR || e->kind == LE_DEREF) && e->a &&
	       (e->a->kind == LE_DEREF || e->a->kind == LE_ADDR))
		e = e->a->a;
	return e && e->kind == LE_VAR ? e->idx : -1;
}

static void mark(uint32_t *m, bool *any, int v)
{
	if (v < 0)
		*any = true;
	else
		*m |= 1u << v;
}

/* Whether a process other than the current one has v in m (or any). */
static bool others(const struct blind *b, const uint32_t *m, const bool *any, int v)
{
	for (int p = 0; p < b->t->nprocs; p++)
		if (p != b->proc && (any[p] || v < 0 || (m[p] & (1u << v))))
			return true;
	return false;
}

static bool written_elsewhere(const struct blind *b, int v)
{
	return others(b, b->acc.wr, b->acc.any_wr, v);
}

static int new_event(struct blind *b, const char *name, int v)
{
	int i = b->nev++;

	if (i >= MAX_EVENTS && !b->collect && !b->lb[0])
		snprintf(b->lb, sizeof(b->lb), "load buffering (P%d: more than %d accesses)",
			 b->proc, MAX_EVENTS);
	if (i < MAX_EVENTS) {
		b->loc[i] = v;
		if (b->collect) {
			b->acc.evloc[b->proc][i] = (int8_t)v;
			b->acc.nev[b->proc] = i + 1;
		}
		snprintf(b->what[i], sizeof(b->what[i]), "%s(%s)", name,
			 v >= 0 ? b->t->vars[v] : "*r");
	}
	return i;
}

/* Whether store i of process p must run before access j of process q:
 * the same location (through a register: any), and for two stores, a
 * location whose modification order something observes. */
static bool linked(const struct access *a, int p, int i, int q, int j)
{
	int v = a->evloc[p][i], w = a->evloc[q][j];
	int x = v >= 0 ? v : w;

	if (v >= 0 && w >= 0 && v != w)
		return false;
	return !(a->evstore[q] & bit(j)) || x < 0 || (a->co_seen & (1u << x));
}

/* Whether the pair first -> second of the current process can close a
 * cycle of "must run before" edges: from the second, through program
 * order and from a store to another process's access of its location,
 * back to the first.  (Both arms of an if count as program order, and a
 * location through a register as every location: more paths, never
 * fewer.) */
static bool cycle(const struct blind *b, int first, int second)
{
	uint64_t seen[LIT_MAX_PROCS] = { 0 }, todo[LIT_MAX_PROCS] = { 0 };
	const struct access *a = &b->acc;
	bool more = true;

	todo[b->proc] = bit(second);
	while (more) {
		more = false;
		for (int p = 0; p < b->t->nprocs; p++) {
			for (int i = 0; i < a->nev[p]; i++) {
				if (!(todo[p] & bit(i)) || (seen[p] & bit(i)))
					continue;
				seen[p] |= bit(i);
				if (p == b->proc && i == first)
					return true;
				/* program order: every later event */
				todo[p] |= ~(bit(i + 1) - 1) & (all_events(a, p));
				if (!(a->evstore[p] & bit(i)))
					continue;
				for (int q = 0; q < b->t->nprocs; q++)
					for (int j = 0; j < a->nev[q] && q != p; j++)
						if (linked(a, p, i, q, j))
							todo[q] |= bit(j);
				more = true;
			}
		}
	}
	return false;
}

static void found(struct blind *b, char *why, const char *class, int first, int second)
{
	if (!why[0])
		snprintf(why, sizeof(b->lb), "%s (P%d %s -> %s)", class, b->proc,
			 b->what[first], b->what[second]);
}

/* Whether every write of v by another process holds a lock held here:
 * then a load of v reads a store of an earlier critical section (a later
 * one's would close a cycle of po-unlock-lock-po and rf), all of which ran
 * before this one began, however the load is moved inside it; and a store
 * to v follows the other processes' stores to v in modification order as
 * the critical sections follow each other, which is the order the
 * simulator runs them in. */
static bool shielded(const struct blind *b, const struct state *s, int v)
{
	if (v < 0 || !s->held)
		return false;
	for (int p = 0; p < b->t->nprocs; p++) {
		if (p == b->proc || !(b->acc.wr[p] & (1u << v)))
			continue;
		if (b->acc.any_wr[p] || !(b->acc.locked[p][v] & s->held))
			return false;
	}
	return true;
}

/* Whether every other process reads v only holding lock l: what they
 * see of v follows the critical sections of l, which the simulator runs
 * whole as the LKMM orders them. */
static bool read_under(const struct blind *b, int v, int l)
{
	if (v < 0 || l < 0)
		return false;
	for (int p = 0; p < b->t->nprocs; p++)
		if (p != b->proc && (b->acc.any_rd[p] || !(b->acc.rlocked[p][v] & (1u << l))))
			return false;
	return true;
}

/* The stores in m whose location some process reads outside lock l. */
static uint64_t read_outside(const struct blind *b, uint64_t m, int l)
{
	for (int k = 0; k < MAX_EVENTS; k++)
		if ((m & bit(k)) && read_under(b, b->loc[k], l))
			m &= ~bit(k);
	return m;
}

static bool same_loc(const struct blind *b, int i, int v)
{
	return i < MAX_EVENTS && v >= 0 && b->loc[i] == v;
}

static bool private(const struct blind *b, int v)
{
	return v >= 0 && !others(b, b->acc.seen, b->acc.any_seen, v);
}

/* The store history: a load may need a store older than the last
 * SIM_HISTORY of its location, which the simulator no longer offers.  The
 * oldest store it may read is the initial value or its own process's last
 * store before it (coherence); after that, only other processes' stores
 * can have run, each store site at most once.  So more than SIM_HISTORY
 * of those (a location through a register: the most of any). */
static void history(struct blind *b, int v)
{
	for (int x = 0; x < b->t->nvars && !b->hist[0]; x++) {
		int n = 1;

		if (v >= 0 && x != v)
			continue;
		for (int p = 0; p < b->t->nprocs; p++)
			if (p != b->proc)
				n += b->acc.nstores[p][x] + b->acc.any_stores[p];
		if (n > SIM_HISTORY)
			snprintf(b->hist, sizeof(b->hist),
				 "store history (P%d %s: %d stores it may read, the simulator keeps %d)",
				 b->proc, b->what[b->nev - 1 < MAX_EVENTS ? b->nev - 1 : 0], n, SIM_HISTORY);
	}
}

/* Event i (a load, or a store: the store flag) talks to another process:
 * every event in extra (extra_w, for a relaxed store) it is not ordered
 * after in the LKMM by cover (an address dependency, or smp_rmb(), for a
 * load; a data or control dependency for a store) is a pair the
 * simulator orders and the LKMM does not. */
static void stronger_check(struct blind *b, const struct state *s, int i, int v,
			   uint64_t cover, bool store)
{
	uint64_t m = (s->extra | (store ? s->extra_w : 0)) & ~cover;
	char class[128];

	for (int k = 0; k < MAX_EVENTS && m && !b->sm[0]; k++) {
		if (!(m & bit(k)) || same_loc(b, k, v))
			continue;
		snprintf(class, sizeof(class), "stronger mapping: %s", b->by[k]);
		found(b, b->sm, class, k, i);
	}
}

/* The simulator orders the events in m (those that talk) before every
 * later access (store_only: every later store), the LKMM does not. */
static void stronger(struct blind *b, struct state *s, uint64_t m, bool store_only,
		     const char *why)
{
	m &= b->talk;
	for (int k = 0; k < MAX_EVENTS; k++)
		if (m & bit(k))
			b->by[k] = why;
	if (store_only)
		s->extra_w |= m;
	else
		s->extra |= m;
}

/* A load (the read of an RMW too): the taint of its value (its event;
 * the address's; through a variable no other process touches, the taint
 * of the value stored there).  An acquire orders it, and what smp_rmb()
 * or an address dependency ordered before it, before every later access. */
static uint64_t on_load(struct blind *b, struct state *s, const char *name, int v,
			uint64_t addr, bool acquire, bool noreturn, bool rmw)
{
	int i = new_event(b, name, v);
	uint64_t taint = bit(i) | addr;

	if (b->collect) {
		mark(&b->acc.seen[b->proc], &b->acc.any_seen[b->proc], v);
		if (v >= 0)
			b->acc.rlocked[b->proc][v] &= s->held;
		else
			b->acc.any_rd[b->proc] = true;
		b->acc.co_seen |= v >= 0 ? 1u << v : ~0u;
		return taint;
	}
	if (!rmw)
		history(b, v);
	if (written_elsewhere(b, v)) {
		b->talk |= bit(i);
		stronger_check(b, s, i, v, addr | s->rmb, false);
	}
	if (private(b, v))
		taint |= s->mem[v];
	if (acquire) {
		s->open_r &= ~(s->rmb | addr);
		return taint;
	}
	if (written_elsewhere(b, v) && !shielded(b, s, v))
		s->open_r |= bit(i);
	if (!noreturn)
		s->loads |= bit(i);
	return taint;
}

/* A store: every open load and store it is not ordered after is a pair
 * the simulator never reorders. */
static void on_store(struct blind *b, struct state *s, const char *name, int v,
		     uint64_t deps, bool release, bool lock_word)
{
	int i = new_event(b, name, v);

	if (b->collect) {
		mark(&b->acc.wr[b->proc], &b->acc.any_wr[b->proc], v);
		if (!lock_word)
			mark(&b->acc.seen[b->proc], &b->acc.any_seen[b->proc], v);
		if (v >= 0)
			b->acc.locked[b->proc][v] &= s->held;
		b->acc.evstore[b->proc] |= bit(i);
		if (v >= 0)
			b->acc.nstores[b->proc][v]++;
		else
			b->acc.any_stores[b->proc]++;
		return;
	}
	if (private(b, v))	/* a dependency through memory (rfi) */
		s->mem[v] = deps;
	bool observed = lock_word ? others(b, b->acc.obs, b->acc.any_obs, v) :
				    others(b, b->acc.seen, b->acc.any_seen, v);

	/* Overwritten by another process, the second store can close a
	 * cycle through modification order (2+2W), which only a strong fence
	 * forbids in the LKMM; read only, through reads-from, which smp_wmb()
	 * and a release forbid too.  A lock's own writes are ordered as its
	 * critical sections are, which the simulator runs as they are. */
	bool co_exit = !lock_word && written_elsewhere(b, v);
	bool rf_exit = observed && !release;

	if (observed || co_exit) {
		b->talk |= bit(i);
		s->wfree |= bit(i);
		if (!release)
			stronger_check(b, s, i, v, deps | s->ctrl, true);
	}
	uint64_t r = rf_exit ? s->open_r & ~(deps | s->ctrl) : 0;
	uint64_t w = co_exit ? s->open_ws : rf_exit ? s->open_w : 0;

	for (int k = 0; k < MAX_EVENTS; k++) {
		if ((r & bit(k)) && !same_loc(b, k, v) && cycle(b, k, i))
			found(b, b->lb, "load buffering", k, i);
		if ((w & bit(k)) && !same_loc(b, k, v) && cycle(b, k, i))
			found(b, b->mo, "modification order", k, i);
	}
	if (co_exit && !shielded(b, s, v)) {
		s->open_w |= bit(i);
		s->open_ws |= bit(i);
	}
}

/* After both arms of an if (or a short-circuit operand): a pair open on
 * either arm is open, an ordering holds only if it holds on both. */
static void merge(struct state *a, const struct state *b)
{
	a->open_r |= b->open_r;
	a->open_w |= b->open_w;
	a->open_ws |= b->open_ws;
	a->loads |= b->loads;
	a->extra |= b->extra;
	a->extra_w |= b->extra_w;
	a->wfree |= b->wfree;
	a->ulk &= b->ulk;
	a->rmb &= b->rmb;
	a->before_atomic &= b->before_atomic;
	a->upto_rmw &= b->upto_rmw;
	a->upto_lock &= b->upto_lock;
	a->upto_unlock &= b->upto_unlock;
	a->held &= b->held;
	for (int v = 0; v < LIT_MAX_VARS; v++)
		a->mem[v] |= b->mem[v];
	for (int r = 0; r < LIT_MAX_REGS; r++)
		a->taint[r] |= b->taint[r];
}

/* A strong fence (smp_mb() and the like) orders the events in m before
 * every later one. */
static void close_events(struct state *s, uint64_t m)
{
	s->open_ws &= ~m;
	s->open_r &= ~m;
	s->open_w &= ~m;
	s->extra &= ~m;
	s->extra_w &= ~m;
	s->wfree &= ~m;
}

/* The fences, by what they order in the LKMM. */
static void on_fence(struct blind *b, struct state *s, const char *name)
{
	if (b->collect)
		return;
	if (!strcmp(name, "smp_mb")) {
		close_events(s, ~0ull);
	} else if (!strcmp(name, "smp_rmb")) {
		s->rmb |= s->loads;
	} else if (!strcmp(name, "smp_acquire__after_ctrl_dep")) {
		/* Not in the LKMM; the kernel documents it as ordering
		 * earlier loads before later loads and stores. */
		s->rmb |= s->loads;
		s->open_r = 0;
	} else if (!strcmp(name, "smp_wmb")) {
		s->open_w = 0;
		s->extra_w &= ~s->wfree;
		s->wfree = 0;
	} else if (!strcmp(name, "smp_mb__before_atomic")) {
		/* Ordered before the next RMW and what follows it (the RMW
		 * closes them); the simulator's fence orders them before the
		 * accesses in between too. */
		s->before_atomic |= all_upto(b);
		stronger(b, s, all_upto(b), false,
			 "smp_mb__before_atomic() not before its RMW");
	} else if (!strcmp(name, "smp_mb__after_atomic")) {
		close_events(s, s->upto_rmw);
		stronger(b, s, all_upto(b) & ~s->upto_rmw, false,
			 "smp_mb__after_atomic() not after an RMW");
	} else if (!strcmp(name, "smp_mb__after_spinlock")) {
		close_events(s, s->upto_lock);
		stronger(b, s, all_upto(b) & ~s->upto_lock, false,
			 "smp_mb__after_spinlock() not after a lock");
	} else if (!strcmp(name, "smp_mb__after_unlock_lock")) {
		/* po-unlock-lock-po already orders the R->W and W->W pairs
		 * the LKMM's fence would; the simulator's fence orders the
		 * accesses after the unlock too, and W->R pairs. */
		stronger(b, s, all_upto(b) & ~s->ulk, false,
			 "smp_mb__after_unlock_lock() not after unlock+lock");
	}
	/* barrier: nothing at run time. */
}

static uint64_t walk(struct blind *b, struct state *s, const struct lit_expr *e);

/* The taint of argument i of a call (0 if none or not there). */
static uint64_t arg_taint(const uint64_t *taint, const struct lit_expr *e, int i)
{
	return i >= 0 && i < e->nargs && i < LIT_MAX_ARGS ? taint[i] : 0;
}

static void on_rmw_start(struct state *s)
{
	close_events(s, s->before_atomic);
	s->before_atomic = 0;
}

/* An RMW: its read's event (the value's taint). */
static uint64_t on_rmw(struct blind *b, struct state *s, const struct lit_prim *p,
		       int v, uint64_t addr, uint64_t data)
{
	bool cond = p->op == LP_CMPXCHG || p->op == LP_ADD_UNLESS;
	bool acq = p->mo == SIM_ACQUIRE && !cond;	/* a failure is no acquire */
	uint64_t val;

	on_rmw_start(s);
	if (p->full && !cond) {
		close_events(s, ~0ull);
		val = on_load(b, s, p->name, v, addr, true, false, true);
		on_store(b, s, p->name, v, addr | data | val, true, false);
		close_events(s, ~0ull);
	} else {
		val = on_load(b, s, p->name, v, addr, acq, p->op == LP_RMW_VOID, true);
		/* A fully ordered conditional RMW writes only when it
		 * succeeds, ordered after and before everything. */
		on_store(b, s, p->name, v, addr | data | val,
			 p->full || p->mo == SIM_RELEASE, false);
		if (p->full)
			close_events(s, bit(b->nev - 1));
	}
	s->upto_rmw = all_upto(b);
	return val;
}

static void on_lock(struct blind *b, struct state *s, const struct lit_prim *p,
		    int v, uint64_t addr)
{
	bool try = p->op == LP_TRYLOCK;

	if (b->collect && try)
		mark(&b->acc.obs[b->proc], &b->acc.any_obs[b->proc], v);
	if (!b->collect) {	/* po-unlock-lock-po, any two locks */
		s->open_r &= ~s->upto_unlock, s->open_w &= ~s->upto_unlock;
		s->extra_w &= ~s->upto_unlock;
		s->ulk = s->upto_unlock;
	}
	on_load(b, s, p->name, v, addr, !try, false, true);
	on_store(b, s, p->name, v, addr, false, true);
	s->upto_lock = all_upto(b);
	if (!try && v >= 0)
		s->held |= 1u << v;
}

static uint64_t on_call(struct blind *b, struct state *s, const struct lit_expr *e)
{
	const struct lit_prim *p = lit_prim(e->idx);
	uint64_t taint[LIT_MAX_ARGS] = { 0 }, addr = 0;
	int v = -1;

	for (int a = 0; a < e->nargs && a < LIT_MAX_ARGS; a++) {
		const struct lit_expr *x = e->args[a];

		if (a == p->ptr) {	/* the location: no access of its own */
			if (p->lvalue && x && x->kind == LE_DEREF)
				x = x->a;
			v = var_of(x);
			addr = taint[a] = walk(b, s, x);
		} else {
			taint[a] = walk(b, s, x);
		}
	}
	uint64_t data = arg_taint(taint, e, p->op == LP_CMPXCHG ? p->val2 : p->val);

	switch (p->op) {
	case LP_LOAD: {	/* rcu_dereference() is a READ_ONCE() in the LKMM */
		bool deref = !strcmp(p->name, "rcu_dereference");
		uint64_t t = on_load(b, s, p->name, v, addr, p->mo == SIM_ACQUIRE && !deref,
				     false, false);

		if (deref && !b->collect)
			stronger(b, s, bit(b->nev - 1), false, "rcu_dereference() as acquire");
		return t;
	}
	case LP_STORE:
		on_store(b, s, p->name, v, addr | data, p->mo == SIM_RELEASE, false);
		return 0;
	case LP_FENCE:
		on_fence(b, s, p->name);
		return 0;
	case LP_RMW: case LP_RMW_VOID: case LP_XCHG: case LP_CMPXCHG: case LP_ADD_UNLESS:
		return on_rmw(b, s, p, v, addr, data);
	case LP_LOCK: case LP_TRYLOCK:
		on_lock(b, s, p, v, addr);
		return 0;
	case LP_UNLOCK:
		on_store(b, s, p->name, v, addr, true, true);
		s->upto_unlock = all_upto(b);
		if (!b->collect)	/* its release fence: interp.c */
			stronger(b, s, read_outside(b, s->wfree, v), true,
				 "spin_unlock()'s release fence");
		if (v >= 0)
			s->held &= ~(1u << v);
		return 0;
	case LP_IS_LOCKED:
		if (b->collect)
			mark(&b->acc.obs[b->proc], &b->acc.any_obs[b->proc], v);
		return on_load(b, s, p->name, v, addr, false, false, false);
	case LP_SYNC_RCU:
		if (!b->collect)
			close_events(s, ~0ull);
		return 0;
	default:	/* rcu_read_lock/unlock order nothing in ppo */
		return 0;
	}
}

/* b's events run only on some paths (&&, ||): merged as an if's arm. */
static uint64_t walk_cond(struct blind *b, struct state *s, const struct lit_expr *e,
			  uint64_t ctrl)
{
	struct state other = *s;
	uint64_t saved = s->ctrl, t;

	s->ctrl |= ctrl;
	t = walk(b, s, e);
	s->ctrl = saved;
	merge(s, &other);
	return t;
}

/* Whether interp.c runs e, assigned to register r, as an acquire: a
 * relaxed load whose register a later access uses as an address. */
static bool dep_acquire(const struct blind *b, int r, const struct lit_expr *e)
{
	if (!(b->t->addr_dep[b->proc] & (1u << r)))
		return false;
	if (e->kind == LE_DEREF)
		return true;
	return e->kind == LE_CALL && lit_prim(e->idx)->op == LP_LOAD &&
	       lit_prim(e->idx)->mo == SIM_RELAXED;
}

static uint64_t walk(struct blind *b, struct state *s, const struct lit_expr *e)
{
	if (!e)
		return 0;
	switch (e->kind) {
	case LE_REG:
		return s->taint[e->idx];
	case LE_DEREF: {	/* a plain read */
		uint64_t addr = walk(b, s, e->a);

		return on_load(b, s, "plain read", var_of(e->a), addr, false, false, false);
	}
	case LE_ADDR:
		return walk(b, s, e->a && e->a->kind == LE_DEREF ? e->a->a : e->a);
	case LE_UNARY:
		return walk(b, s, e->a);
	case LE_BINARY: {
		uint64_t t = walk(b, s, e->a);

		if (e->op == TK_ANDAND || e->op == TK_OROR)
			return t | walk_cond(b, s, e->b, t);
		return t | walk(b, s, e->b);
	}
	case LE_ASSIGN: {
		const struct lit_expr *l = e->a;

		if (l->kind == LE_REG) {
			s->taint[l->idx] = walk(b, s, e->b);
			if (!b->collect && dep_acquire(b, l->idx, e->b))
				stronger(b, s, bit(b->nev - 1), false,
					 "address dependency as acquire");
			return s->taint[l->idx];
		}
		uint64_t addr = walk(b, s, l->a), val = walk(b, s, e->b);

		on_store(b, s, "plain write", var_of(l->a), addr | val, false, false);
		return val;
	}
	case LE_CALL:
		return on_call(b, s, e);
	default:	/* numbers, variables' addresses */
		return 0;
	}
}

static void walk_stmt(struct blind *b, struct state *s, const struct lit_stmt *st)
{
	if (!st)
		return;
	if (st->kind == LS_EXPR) {
		walk(b, s, st->e);
	} else if (st->kind == LS_IF) {
		uint64_t t = walk(b, s, st->e), saved = s->ctrl;
		struct state els;

		s->ctrl |= t;
		els = *s;
		walk_stmt(b, s, st->then);
		walk_stmt(b, &els, st->els);
		merge(s, &els);
		s->ctrl = saved;
	} else if (st->kind == LS_BLOCK) {
		for (int i = 0; i < st->n; i++)
			walk_stmt(b, s, st->body[i]);
	}
}

/* The variables whose final value a condition names. */
static uint32_t final_values(const struct lit_cond *c)
{
	if (!c)
		return 0;
	if (c->kind == LC_ATOM)
		return c->proc < 0 ? 1u << c->idx : 0;
	return final_values(c->a) | final_values(c->b);
}

bool lit_blind_spot(const struct lit_test *t, char *why, size_t len)
{
	static struct blind b;

	memset(&b, 0, sizeof(b));
	memset(b.acc.locked, 0xff, sizeof(b.acc.locked));
	memset(b.acc.rlocked, 0xff, sizeof(b.acc.rlocked));
	b.t = t;
	b.acc.co_seen = final_values(t->cond) | final_values(t->filter);
	for (int pass = 0; pass < 2; pass++) {
		b.collect = pass == 0;
		for (b.proc = 0; b.proc < t->nprocs; b.proc++) {
			struct state s;

			memset(&s, 0, sizeof(s));
			b.nev = 0;
			b.talk = 0;
			walk_stmt(&b, &s, t->procs[b.proc].body);
		}
	}
	snprintf(why, len, "%s", b.lb[0] ? b.lb : b.mo[0] ? b.mo : b.sm[0] ? b.sm : b.hist);
	return why[0] != 0;
}
