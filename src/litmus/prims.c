/* SPDX-License-Identifier: MIT */
/*
 * prims.c - the kernel's primitives, each as simulator operations.  The
 * mapping is the one docs/weak-memory.md tabulates ("Kernel primitives on
 * the simulator"), which src/lock/kshim.h and the kernel backend's shims
 * follow too:
 *
 *   READ_ONCE / WRITE_ONCE / atomic_read / atomic_set   relaxed
 *   smp_load_acquire, *_acquire RMWs, rcu_dereference   acquire
 *   smp_store_release, *_release RMWs,
 *   rcu_assign_pointer                                  release
 *   smp_mb, smp_mb__{before,after}_atomic,
 *   smp_mb__after_spinlock, smp_mb__after_unlock_lock   seq_cst fence
 *   smp_rmb, smp_acquire__after_ctrl_dep                acquire fence
 *   smp_wmb                                             release fence
 *   value-returning RMWs without suffix, xchg, cmpxchg  seq_cst fence,
 *       RMW (acq_rel), seq_cst fence (cmpxchg and the conditional forms:
 *       the fences only when it succeeds)
 *   void RMWs (atomic_inc, ...) and *_relaxed           relaxed RMW
 *
 * Locks, RCU and dependencies are in interp.c.
 */
#include "litmus.h"

#include <stdio.h>
#include <string.h>

#include "../sim/sim.h"

static struct lit_prim table[LIT_MAX_PRIMS];
static int nprims;

static struct lit_prim *add(const char *name, int op, int nargs, int ptr)
{
	struct lit_prim *p;

	if (nprims == LIT_MAX_PRIMS)
		return NULL;
	p = &table[nprims++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->op = (uint8_t)op;
	p->nargs = (int8_t)nargs;
	p->ptr = (int8_t)ptr;
	p->val = p->val2 = -1;
	p->mo = SIM_RELAXED;
	return p;
}

static void fence(const char *name, int mo)
{
	add(name, LP_FENCE, 0, -1)->mo = (uint8_t)mo;
}

static const char *const rmw_names[] = {
	[LR_ADD] = "add", [LR_SUB] = "sub", [LR_AND] = "and", [LR_OR] = "or",
	[LR_XOR] = "xor", [LR_ANDNOT] = "andnot", [LR_INC] = "inc", [LR_DEC] = "dec",
};

/* The four ordering forms of a value-returning RMW. */
static const struct { const char *suffix; int mo; bool full; } forms[] = {
	{ "", SIM_ACQ_REL, true }, { "_relaxed", SIM_RELAXED, false },
	{ "_acquire", SIM_ACQUIRE, false }, { "_release", SIM_RELEASE, false },
};

static void ordered(struct lit_prim *p, int f)
{
	p->mo = (uint8_t)forms[f].mo;
	p->full = forms[f].full;
}

/* atomic_<op>(i, v) / atomic_inc(v): void, relaxed. */
static void rmw_family(int r)
{
	char name[40];
	bool unary = r == LR_INC || r == LR_DEC;
	int nargs = unary ? 1 : 2;
	struct lit_prim *p;

	snprintf(name, sizeof(name), "atomic_%s", rmw_names[r]);
	p = add(name, LP_RMW_VOID, nargs, nargs - 1);
	p->rmw = (int8_t)r;
	p->val = unary ? -1 : 0;
	for (int f = 0; f < 4; f++) {
		snprintf(name, sizeof(name), "atomic_fetch_%s%s", rmw_names[r], forms[f].suffix);
		p = add(name, LP_RMW, nargs, nargs - 1);
		p->rmw = (int8_t)r;
		p->val = unary ? -1 : 0;
		ordered(p, f);
		if (r > LR_SUB && r != LR_INC && r != LR_DEC)
			continue;	/* no <op>_return for the bitwise ops */
		snprintf(name, sizeof(name), "atomic_%s_return%s", rmw_names[r], forms[f].suffix);
		p = add(name, LP_RMW, nargs, nargs - 1);
		p->rmw = (int8_t)r;
		p->val = unary ? -1 : 0;
		p->ret_new = true;
		ordered(p, f);
	}
}

static void exchanges(void)
{
	char name[40];
	struct lit_prim *p;

	for (int f = 0; f < 4; f++) {
		for (int a = 0; a < 2; a++) {
			const char *pre = a ? "atomic_" : "";

			snprintf(name, sizeof(name), "%sxchg%s", pre, forms[f].suffix);
			p = add(name, LP_XCHG, 2, 0);
			p->val = 1;
			ordered(p, f);
			snprintf(name, sizeof(name), "%scmpxchg%s", pre, forms[f].suffix);
			p = add(name, LP_CMPXCHG, 3, 0);
			p->val = 1;
			p->val2 = 2;
			ordered(p, f);
		}
	}
	p = add("atomic_add_unless", LP_ADD_UNLESS, 3, 0);
	p->val = 1;
	p->val2 = 2;
	ordered(p, 0);
	p = add("atomic_inc_not_zero", LP_ADD_UNLESS, 1, 0);
	ordered(p, 0);
	/* The tests: fully ordered value-returning RMWs. */
	p = add("atomic_inc_and_test", LP_RMW, 1, 0);
	p->rmw = LR_INC, p->ret_new = true, p->test = LT_ZERO, ordered(p, 0);
	p = add("atomic_dec_and_test", LP_RMW, 1, 0);
	p->rmw = LR_DEC, p->ret_new = true, p->test = LT_ZERO, ordered(p, 0);
	p = add("atomic_sub_and_test", LP_RMW, 2, 1);
	p->rmw = LR_SUB, p->val = 0, p->ret_new = true, p->test = LT_ZERO, ordered(p, 0);
	p = add("atomic_add_negative", LP_RMW, 2, 1);
	p->rmw = LR_ADD, p->val = 0, p->ret_new = true, p->test = LT_NEG, ordered(p, 0);
}

static void build(void)
{
	struct lit_prim *p;

	p = add("READ_ONCE", LP_LOAD, 1, 0);
	p->lvalue = true;
	p = add("WRITE_ONCE", LP_STORE, 2, 0);
	p->lvalue = true, p->val = 1;
	add("smp_load_acquire", LP_LOAD, 1, 0)->mo = SIM_ACQUIRE;
	p = add("smp_store_release", LP_STORE, 2, 0);
	p->val = 1, p->mo = SIM_RELEASE;
	p = add("rcu_dereference", LP_LOAD, 1, 0);
	p->lvalue = true, p->mo = SIM_ACQUIRE;
	p = add("rcu_assign_pointer", LP_STORE, 2, 0);
	p->lvalue = true, p->val = 1, p->mo = SIM_RELEASE;
	add("atomic_read", LP_LOAD, 1, 0);
	add("atomic_read_acquire", LP_LOAD, 1, 0)->mo = SIM_ACQUIRE;
	p = add("atomic_set", LP_STORE, 2, 0);
	p->val = 1;
	p = add("atomic_set_release", LP_STORE, 2, 0);
	p->val = 1, p->mo = SIM_RELEASE;
	fence("smp_mb", SIM_SEQ_CST);
	fence("smp_mb__before_atomic", SIM_SEQ_CST);
	fence("smp_mb__after_atomic", SIM_SEQ_CST);
	fence("smp_mb__after_spinlock", SIM_SEQ_CST);
	fence("smp_mb__after_unlock_lock", SIM_SEQ_CST);
	fence("smp_rmb", SIM_ACQUIRE);
	fence("smp_acquire__after_ctrl_dep", SIM_ACQUIRE);
	fence("smp_wmb", SIM_RELEASE);
	add("barrier", LP_NOP, 0, -1);
	for (int r = LR_ADD; r <= LR_DEC; r++)
		rmw_family(r);
	exchanges();
	add("spin_lock", LP_LOCK, 1, 0);
	add("spin_unlock", LP_UNLOCK, 1, 0);
	add("spin_trylock", LP_TRYLOCK, 1, 0);
	add("spin_is_locked", LP_IS_LOCKED, 1, 0);
	add("rcu_read_lock", LP_RCU_LOCK, 0, -1);
	add("rcu_read_unlock", LP_RCU_UNLOCK, 0, -1);
	add("synchronize_rcu", LP_SYNC_RCU, 0, -1);
}

int lit_prim_find(const char *name)
{
	if (!nprims)
		build();
	for (int i = 0; i < nprims; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

const struct lit_prim *lit_prim(int idx)
{
	return &table[idx];
}

int lit_nprims(void)
{
	if (!nprims)
		build();
	return nprims;
}
