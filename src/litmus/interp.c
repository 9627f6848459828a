/* SPDX-License-Identifier: MIT */
/*
 * interp.c - a litmus process as a simulated thread: statements and
 * expressions over registers, each primitive as the simulator operations
 * prims.c names (the mapping), and the three things that are more than one
 * operation:
 *
 *  - spin_lock: a compare-and-exchange (acquire) of the lock word from 0 to
 *    1, retried after sim_spin() until it wins.  The LKMM orders every
 *    access before an unlock before every access after a later lock
 *    (po-unlock-lock-po, a cumulative fence), whether the lock reads from
 *    that unlock (rf) or follows it in the same thread (po): the lock
 *    makes later relaxed stores carry the clock it acquired
 *    (sim_release_carry(), not the lock's own write), and spin_unlock is a
 *    release fence and a release store of 0 (the fence also orders what
 *    precedes the unlock before stores between the unlock and the next
 *    lock: stronger than the LKMM, docs/weak-memory.md).
 *  - RCU: rcu_read_lock() acquires every grace period's start (an acquire
 *    RMW of a hidden word each synchronize_rcu() releases), so a reader that
 *    starts after a grace period started sees what preceded it;
 *    rcu_read_unlock() releases into a second hidden word, which the grace
 *    period acquires at its end; synchronize_rcu() is a seq_cst fence, the
 *    release, a wait until every reader that was inside a read-side critical
 *    section has left it, the acquire, a seq_cst fence.
 *  - address dependencies: a register a marked load fills and a later
 *    access uses as its address makes that load an acquire (the front end's
 *    view of the dependency; stronger than the LKMM's, which orders only
 *    the dependent access).  Data and control dependencies order a load
 *    before a later store, which the simulator never reorders (no load
 *    buffering): nothing to do.
 *
 * Fully ordered conditional RMWs (cmpxchg, atomic_add_unless) are
 * unordered when they fail: the outcome is known from the latest value
 * (an RMW reads the latest store), the fences are made only around a
 * success, and a failure is a read of the latest store by a
 * compare-and-exchange that cannot succeed.
 */
#include "interp.h"

#include <string.h>

#include "../sim/sim.h"
#include "../util/assert.h"

struct lit_run lit_run;

/* An expected value no litmus test writes: a compare-and-exchange with it
 * always fails, reading the latest store with no ordering. */
#define NEVER_VALUE ((int32_t)0x7ead0001)

static const struct sim_site *site(void)
{
	return SIM_SITE("litmus");
}

static void fail(const struct lit_expr *e, const char *what)
{
	sim_fail(VERDICT_KERNEL_WARN, "P%d line %d col %d: %s", sim_self(),
		 e ? e->line : 0, e ? e->col : 0, what);
}

static sim_atomic_t *loc_of(const struct lit_expr *e, int64_t addr)
{
	int64_t k = addr - LIT_PTR;

	if (k < 0 || k >= lit_run.t->nvars)
		fail(e, "an address that is no shared variable");
	return &lit_run.vars[k];
}

static int32_t read_latest(sim_atomic_t *a)
{
	int32_t x = NEVER_VALUE;
	bool won = sim_cmpxchg(a, &x, NEVER_VALUE, SIM_RELAXED, SIM_RELAXED, site());

	VM_ASSERT(!won);
	return x;
}

static int32_t rmw_apply(int r, int32_t old, int32_t v)
{
	switch (r) {
	case LR_ADD: return old + v;
	case LR_SUB: return old - v;
	case LR_AND: return old & v;
	case LR_OR: return old | v;
	case LR_XOR: return old ^ v;
	case LR_ANDNOT: return old & ~v;
	case LR_INC: return old + 1;
	default: return old - 1;
	}
}

/* An unconditional RMW with order mo: returns the old value. */
static int32_t rmw(sim_atomic_t *a, int r, int32_t v, enum sim_mo mo)
{
	if (r == LR_ADD || r == LR_SUB || r == LR_INC || r == LR_DEC)
		return sim_fetch_add(a, rmw_apply(r, 0, v), mo, site());
	int32_t e = sim_peek(a);

	while (!sim_cmpxchg(a, &e, rmw_apply(r, e, v), mo, SIM_RELAXED, site()))
		;
	return e;
}

static void full_fence(const struct lit_prim *p)
{
	if (p->full)
		sim_fence(SIM_SEQ_CST, site());
}

/* cmpxchg: the value read (the old value). */
static int32_t cmpxchg(const struct lit_prim *p, sim_atomic_t *a, int32_t old,
		       int32_t new)
{
	for (;;) {
		if (sim_peek(a) == old) {
			int32_t e = old;

			full_fence(p);
			if (sim_cmpxchg(a, &e, new, (enum sim_mo)p->mo, SIM_RELAXED, site())) {
				full_fence(p);
				return old;
			}
		} else {
			int32_t x = read_latest(a);

			if (x != old)
				return x;
		}
		/* The value changed at the scheduling point: decide again. */
	}
}

/* atomic_add_unless(v, a, u): 1 if it added. */
static int add_unless(const struct lit_prim *p, sim_atomic_t *v, int32_t add,
		      int32_t unless)
{
	for (;;) {
		int32_t e = sim_peek(v);

		if (e != unless) {
			full_fence(p);
			if (sim_cmpxchg(v, &e, e + add, (enum sim_mo)p->mo, SIM_RELAXED, site())) {
				full_fence(p);
				return 1;
			}
		} else if (read_latest(v) == unless) {
			return 0;
		}
	}
}

static void spin_lock(sim_atomic_t *l)
{
	for (;;) {
		uint64_t m = sim_spin_mark();
		int32_t e = 0;

		if (sim_cmpxchg(l, &e, 1, SIM_ACQUIRE, SIM_RELAXED, site()))
			break;
		sim_spin(m, site());
	}
	sim_release_carry(l);	/* po-unlock-lock-po, through rf */
}

static void spin_unlock(sim_atomic_t *l)
{
	sim_fence(SIM_RELEASE, site());	/* po-unlock-lock-po, through po */
	sim_store(l, 0, SIM_RELEASE, site());
}

static int spin_trylock(sim_atomic_t *l)
{
	int32_t e = 0;

	if (!sim_cmpxchg(l, &e, 1, SIM_ACQUIRE, SIM_RELAXED, site()))
		return 0;
	sim_release_carry(l);
	return 1;
}

/* Each RCU state change is made right after its RMW returns, before the
 * next scheduling point: a grace period never sees a reader between its
 * synchronisation and its state. */
static void rcu_read_lock(void)
{
	int me = sim_self();

	if (lit_run.rcu_depth[me] == 0) {
		sim_fetch_add(&lit_run.rcu_gp, 0, SIM_ACQUIRE, site());
		lit_run.rcu_gen[me]++;
	}
	lit_run.rcu_depth[me]++;
}

static void rcu_read_unlock(const struct lit_expr *e)
{
	int me = sim_self();

	if (lit_run.rcu_depth[me] == 0)
		fail(e, "rcu_read_unlock() outside a read-side critical section");
	if (lit_run.rcu_depth[me] == 1)
		sim_fetch_add(&lit_run.rcu_rd, 0, SIM_RELEASE, site());
	lit_run.rcu_depth[me]--;
}

static bool readers_left(const unsigned *gen)
{
	for (int t = 0; t < lit_run.t->nprocs; t++)
		if (gen[t] && lit_run.rcu_depth[t] && lit_run.rcu_gen[t] == gen[t])
			return false;
	return true;
}

static void synchronize_rcu(const struct lit_expr *e)
{
	unsigned gen[LIT_MAX_PROCS] = { 0 };
	int me = sim_self();

	if (lit_run.rcu_depth[me])
		fail(e, "synchronize_rcu() inside a read-side critical section");
	sim_fence(SIM_SEQ_CST, site());
	sim_fetch_add(&lit_run.rcu_gp, 1, SIM_RELEASE, site());
	for (int t = 0; t < lit_run.t->nprocs; t++)
		gen[t] = lit_run.rcu_depth[t] ? lit_run.rcu_gen[t] : 0;
	for (;;) {
		uint64_t m = sim_spin_mark();

		if (readers_left(gen))
			break;
		sim_spin(m, site());
	}
	sim_fetch_add(&lit_run.rcu_rd, 0, SIM_ACQUIRE, site());
	sim_fence(SIM_SEQ_CST, site());
}

static int64_t eval(const struct lit_expr *e, bool dep_acquire);

/* The location a primitive's pointer (or lvalue) argument names. */
static sim_atomic_t *prim_loc(const struct lit_prim *p, const struct lit_expr *e)
{
	const struct lit_expr *a = e->args[p->ptr];

	if (p->lvalue) {
		if (a->kind != LE_DEREF)
			fail(a, "expected *pointer as the location");
		a = a->a;
	}
	return loc_of(a, eval(a, false));
}

static int64_t arg(const struct lit_expr *e, int i)
{
	return i < 0 ? 1 : eval(e->args[i], false);
}

static int64_t call(const struct lit_expr *e, bool dep_acquire)
{
	const struct lit_prim *p = lit_prim(e->idx);
	sim_atomic_t *a = p->ptr >= 0 ? prim_loc(p, e) : NULL;
	enum sim_mo mo = (enum sim_mo)p->mo;
	int64_t old;

	switch (p->op) {
	case LP_LOAD:
		if (dep_acquire && mo == SIM_RELAXED)
			mo = SIM_ACQUIRE;
		return sim_load(a, mo, site());
	case LP_STORE:
		sim_store(a, (int32_t)arg(e, p->val), mo, site());
		return 0;
	case LP_FENCE:
		sim_fence(mo, site());
		return 0;
	case LP_RMW_VOID:
	case LP_RMW: {
		int32_t v = (int32_t)arg(e, p->val);

		full_fence(p);
		old = rmw(a, p->rmw, v, mo);
		full_fence(p);
		int64_t ret = p->ret_new ? rmw_apply(p->rmw, (int32_t)old, v) : old;

		if (p->test == LT_ZERO)
			return ret == 0;
		return p->test == LT_NEG ? ret < 0 : ret;
	}
	case LP_XCHG: {
		int32_t v = (int32_t)arg(e, p->val), x = sim_peek(a);

		full_fence(p);
		while (!sim_cmpxchg(a, &x, v, mo, SIM_RELAXED, site()))
			;
		full_fence(p);
		return x;
	}
	case LP_CMPXCHG:
		return cmpxchg(p, a, (int32_t)arg(e, p->val), (int32_t)arg(e, p->val2));
	case LP_ADD_UNLESS:
		return add_unless(p, a, (int32_t)arg(e, p->val),
				  p->val2 < 0 ? 0 : (int32_t)arg(e, p->val2));
	case LP_LOCK:
		spin_lock(a);
		return 0;
	case LP_UNLOCK:
		spin_unlock(a);
		return 0;
	case LP_TRYLOCK:
		return spin_trylock(a);
	case LP_IS_LOCKED:
		return sim_load(a, SIM_RELAXED, site()) != 0;
	case LP_RCU_LOCK:
		rcu_read_lock();
		return 0;
	case LP_RCU_UNLOCK:
		rcu_read_unlock(e);
		return 0;
	case LP_SYNC_RCU:
		synchronize_rcu(e);
		return 0;
	default:
		return 0;
	}
}

static int64_t binop(int op, int64_t a, int64_t b, const struct lit_expr *e)
{
	switch (op) {
	case '+': return a + b;
	case '-': return a - b;
	case '*': return a * b;
	case '/': case '%':
		if (b == 0)
			fail(e, "division by zero");
		return op == '/' ? a / b : a % b;
	case '&': return a & b;
	case '|': return a | b;
	case '^': return a ^ b;
	case TK_SHL: return (int64_t)((uint64_t)a << (b & 63));
	case TK_SHR: return a >> (b & 63);
	case TK_EQ: return a == b;
	case TK_NE: return a != b;
	case '<': return a < b;
	case '>': return a > b;
	case TK_LE: return a <= b;
	case TK_GE: return a >= b;
	default: return 0;
	}
}

static int64_t *reg(const struct lit_expr *e)
{
	return &lit_run.regs[sim_self()][e->idx];
}

static int64_t assign(const struct lit_expr *e)
{
	const struct lit_expr *lhs = e->a;

	if (lhs->kind == LE_REG) {
		bool dep = lit_run.t->addr_dep[sim_self()] & (1u << lhs->idx);

		return *reg(lhs) = eval(e->b, dep);
	}
	sim_atomic_t *a = loc_of(lhs, eval(lhs->a, false));	/* a plain store */
	int64_t v = eval(e->b, false);

	sim_store(a, (int32_t)v, SIM_RELAXED, site());
	return v;
}

static int64_t eval(const struct lit_expr *e, bool dep_acquire)
{
	switch (e->kind) {
	case LE_NUM:
		return e->num;
	case LE_REG:
		return *reg(e);
	case LE_VAR:
		return LIT_PTR + e->idx;
	case LE_DEREF:		/* a plain read */
		return sim_load(loc_of(e, eval(e->a, false)),
				dep_acquire ? SIM_ACQUIRE : SIM_RELAXED, site());
	case LE_ADDR:
		if (e->a->kind != LE_DEREF)
			fail(e, "expected &*pointer");
		return eval(e->a->a, false);
	case LE_UNARY: {
		int64_t v = eval(e->a, false);

		return e->op == '-' ? -v : e->op == '!' ? !v : ~v;
	}
	case LE_BINARY:
		if (e->op == TK_ANDAND)
			return eval(e->a, false) && eval(e->b, false);
		if (e->op == TK_OROR)
			return eval(e->a, false) || eval(e->b, false);
		return binop(e->op, eval(e->a, false), eval(e->b, false), e);
	case LE_ASSIGN:
		return assign(e);
	case LE_CALL:
		return call(e, dep_acquire);
	default:
		return 0;
	}
}

static void exec(const struct lit_stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case LS_EXPR:
		eval(s->e, false);
		break;
	case LS_IF:
		if (eval(s->e, false))
			exec(s->then);
		else
			exec(s->els);
		break;
	case LS_BLOCK:
		for (int i = 0; i < s->n; i++)
			exec(s->body[i]);
		break;
	default:
		break;
	}
}

void lit_thread(void *arg)
{
	int p = (int)(intptr_t)arg;

	VM_ASSERT(p == sim_self());
	exec(lit_run.t->procs[p].body);
	if (lit_run.rcu_depth[p])
		fail(NULL, "a read-side critical section left open");
}

/* ---- address dependencies, found before the run ---- */

static uint32_t regs_in(const struct lit_expr *e)
{
	uint32_t m = 0;

	if (!e)
		return 0;
	if (e->kind == LE_REG)
		return 1u << e->idx;
	m |= regs_in(e->a) | regs_in(e->b);
	for (int i = 0; i < e->nargs && i < LIT_MAX_ARGS; i++)
		m |= regs_in(e->args[i]);
	return m;
}

static uint32_t addr_regs_expr(const struct lit_expr *e)
{
	uint32_t m = 0;

	if (!e)
		return 0;
	if (e->kind == LE_DEREF)
		m |= regs_in(e->a);
	if (e->kind == LE_CALL && lit_prim(e->idx)->ptr >= 0)
		m |= regs_in(e->args[lit_prim(e->idx)->ptr]);
	m |= addr_regs_expr(e->a) | addr_regs_expr(e->b);
	for (int i = 0; i < e->nargs && i < LIT_MAX_ARGS; i++)
		m |= addr_regs_expr(e->args[i]);
	return m;
}

static uint32_t addr_regs(const struct lit_stmt *s)
{
	uint32_t m = 0;

	if (!s)
		return 0;
	m |= addr_regs_expr(s->e) | addr_regs(s->then) | addr_regs(s->els);
	for (int i = 0; i < s->n; i++)
		m |= addr_regs(s->body[i]);
	return m;
}

void lit_find_deps(struct lit_test *t)
{
	for (int p = 0; p < t->nprocs; p++)
		t->addr_dep[p] = addr_regs(t->procs[p].body);
}
