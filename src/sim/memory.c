/* SPDX-License-Identifier: MIT */
/*
 * memory.c - the atomics layer, happens-before clocks, and the race
 * detector for plain fields.
 *
 * Accesses are sequentially consistent in this version: every load reads
 * the latest store.  Happens-before is still tracked the C11 way (release
 * stores and RMWs, acquire loads, release sequences continued by RMWs,
 * fences), because the race detector must only accept orderings the memory
 * model guarantees, not ones this interleaving happened to show.  The
 * weak-memory simulation will keep a store history per location here.
 *
 * Each access: a scheduling point, the oracles' pre hook, the memory
 * operation with its clock updates, the trace, the oracles' post hook.
 */
#include "internal.h"

#include <string.h>

void sim_memory_reset(void)
{
	sim.nlocs = 1;		/* loc 0 = "not registered" */
}

static uint16_t loc_new(uint8_t obj_kind, uint8_t obj_idx, const char *field,
			bool plain)
{
	VM_ASSERT(sim.nlocs < SIM_MAX_LOCS);
	uint16_t id = (uint16_t)sim.nlocs++;
	struct sim_loc_state *l = &sim.locs[id];

	memset(l, 0, sizeof(*l));
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
}

void sim_plain_init(sim_plain_t *p, uintptr_t v, uint8_t obj_kind,
		    uint8_t obj_idx, const char *field)
{
	p->v = v;
	p->loc = loc_new(obj_kind, obj_idx, field, true);
}

const struct sim_loc_info *sim_loc(uint16_t loc)
{
	VM_ASSERT(loc > 0 && loc < sim.nlocs);
	return &sim.locs[loc].info;
}

static struct sim_loc_state *loc_of(uint16_t loc)
{
	VM_ASSERT(loc > 0 && loc < sim.nlocs);
	return &sim.locs[loc];
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

static void hb_read(struct sim_loc_state *l, enum sim_mo mo)
{
	struct sim_thread *t = sim_cur();

	if (is_acquire(mo))
		vclock_join(&t->vc, &l->sync);
	else	/* an acquire fence later may still synchronise with it */
		vclock_join(&t->acq_pending, &l->sync);
}

/* A write; an RMW continues the release sequence, a store starts one. */
static void hb_write(struct sim_loc_state *l, enum sim_mo mo, bool rmw)
{
	struct sim_thread *t = sim_cur();

	if (!rmw)
		memset(&l->sync, 0, sizeof(l->sync));
	if (is_release(mo)) {
		sim_hb_release(&l->sync);
	} else {
		/* A relaxed write after a release fence carries the fence. */
		vclock_join(&l->sync, &t->rel_fence);
	}
}

void sim_hb_fence(enum sim_mo mo)
{
	struct sim_thread *t = sim_cur();

	/* A seq_cst fence is an acquire and a release fence here: the total
	 * order of seq_cst fences creates no happens-before by itself, only
	 * through the values threads read from each other. */
	if (is_acquire(mo))
		vclock_join(&t->vc, &t->acq_pending);
	if (is_release(mo)) {
		t->rel_fence = t->vc;
		t->vc.c[sim.cur]++;
	}
}

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
		if (u != sim.cur && l->r_clk[u] > vc->c[u])
			race(l, "writes", u, s);
	l->w_tid = (int8_t)sim.cur;
	l->w_clk = vc->c[sim.cur];
	memset(l->r_clk, 0, sizeof(l->r_clk));
}

static void race_check_read(struct sim_loc_state *l, const struct sim_site *s)
{
	const struct vclock *vc = &sim_cur()->vc;

	if (l->w_tid >= 0 && l->w_tid != sim.cur && l->w_clk > vc->c[l->w_tid])
		race(l, "reads", l->w_tid, s);
	l->r_clk[sim.cur] = vc->c[sim.cur];
}

/* ---- reporting to the oracles and the trace ---- */

void sim_access_pre(const struct sim_access *a)
{
	if (sim_hooks.pre)
		sim_hooks.pre(a);
}

void sim_access_post(const struct sim_access *a)
{
	if (a->kind != SIM_A_FENCE)
		sim_hash_mix((uint64_t)(uint32_t)a->val << 8 | a->kind);
	if (sim.cfg.trace)
		sim_trace_access(a);
	if (sim_hooks.post)
		sim_hooks.post(a);
}

static bool begin_access(struct sim_access *a, uint16_t loc,
			 enum sim_access_kind kind, enum sim_mo mo,
			 const struct sim_site *s)
{
	if (!sim_in_fiber())
		return false;
	if (!s->local)
		sim_point(s);
	else
		sim_hash_site(s);
	/* Field by field: no zeroing of the whole record per access. */
	a->tid = sim.cur;
	a->kind = (uint8_t)kind;
	a->mo = (uint8_t)mo;
	a->loc = loc;
	a->info = &loc_of(loc)->info;
	a->site = s;
	a->old = 0;
	a->val = 0;
	sim_access_pre(a);
	return true;
}

int32_t sim_load(sim_atomic_t *x, enum sim_mo mo, const struct sim_site *s)
{
	struct sim_access a;

	if (!begin_access(&a, x->loc, SIM_A_LOAD, mo, s))
		return x->v;
	a.val = x->v;
	hb_read(loc_of(x->loc), mo);
	sim_access_post(&a);
	return (int32_t)a.val;
}

void sim_store(sim_atomic_t *x, int32_t v, enum sim_mo mo,
	       const struct sim_site *s)
{
	struct sim_access a;

	VM_ASSERT(mo != SIM_ACQUIRE && mo != SIM_ACQ_REL);
	if (!begin_access(&a, x->loc, SIM_A_STORE, mo, s)) {
		x->v = v;
		return;
	}
	a.old = x->v;
	a.val = v;
	x->v = v;
	hb_write(loc_of(x->loc), mo, false);
	sim_progress();
	sim_access_post(&a);
}

int32_t sim_fetch_add(sim_atomic_t *x, int32_t delta, enum sim_mo mo,
		      const struct sim_site *s)
{
	struct sim_access a;
	int32_t old = x->v;

	if (!begin_access(&a, x->loc, SIM_A_RMW, mo, s)) {
		x->v = (int32_t)((uint32_t)old + (uint32_t)delta);
		return old;
	}
	old = x->v;
	x->v = (int32_t)((uint32_t)old + (uint32_t)delta);
	a.old = old;
	a.val = x->v;
	hb_read(loc_of(x->loc), mo);
	hb_write(loc_of(x->loc), mo, true);
	sim_progress();
	sim_access_post(&a);
	return old;
}

bool sim_cmpxchg(sim_atomic_t *x, int32_t *expected, int32_t desired,
		 enum sim_mo success, enum sim_mo failure,
		 const struct sim_site *s)
{
	struct sim_access a;

	VM_ASSERT(failure != SIM_RELEASE && failure != SIM_ACQ_REL);
	if (!begin_access(&a, x->loc, SIM_A_RMW, success, s)) {
		bool ok = x->v == *expected;

		if (ok)
			x->v = desired;
		else
			*expected = x->v;
		return ok;
	}
	a.old = x->v;
	if (x->v != *expected) {
		a.kind = SIM_A_CAS_FAIL;
		a.mo = failure;
		a.val = x->v;
		*expected = x->v;
		hb_read(loc_of(x->loc), failure);
		sim_access_post(&a);
		return false;
	}
	x->v = desired;
	a.val = desired;
	hb_read(loc_of(x->loc), success);
	hb_write(loc_of(x->loc), success, true);
	sim_progress();
	sim_access_post(&a);
	return true;
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
	struct sim_access a;

	if (!begin_access(&a, p->loc, SIM_A_PLAIN_READ, SIM_RELAXED, s))
		return p->v;
	race_check_read(loc_of(p->loc), s);
	a.val = (int64_t)p->v;
	sim_access_post(&a);
	return p->v;
}

void sim_plain_write(sim_plain_t *p, uintptr_t v, const struct sim_site *s)
{
	struct sim_access a;

	if (!begin_access(&a, p->loc, SIM_A_PLAIN_WRITE, SIM_RELAXED, s)) {
		p->v = v;
		return;
	}
	race_check_write(loc_of(p->loc), s);
	a.old = (int64_t)p->v;
	a.val = (int64_t)v;
	p->v = v;
	sim_progress();
	sim_access_post(&a);
}
