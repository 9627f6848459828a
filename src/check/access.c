/* SPDX-License-Identifier: MIT */
/*
 * access.c - the oracles on every access: may this thread touch the object
 * (before), did the value move the way the lock allows (after), and is the
 * thread clean when it ends.
 */
#include "ghost.h"

/* ---- protection: invariant 9 (no use after drop), 14 (RCU scope) ---- */

/* A touch check_vma_touch() (ghost.h) does not allow. */
void check_vma_touch_fail(int t, int vma, const char *field, const char *func)
{
	sim_fail(VERDICT_USE_AFTER_DROP,
		 "T%d touches #%d.%s in %s() holding no reference, lock or RCU right to it (#%d gen %u)",
		 t, vma, field, func, vma, ghost.vma[vma].gen);
}

/*
 * An mm is freed at its last mmdrop: every later touch is a use after
 * free.  A live foreign mm may be touched only while pinned (mmgrab), or
 * while holding a reference on one of its VMAs (an attached VMA keeps its
 * mm from being torn down).
 */
static VM_NOINLINE void
check_foreign_mm_touch(int m, const struct sim_access *a)
{
	int t = a->tid;

	if (ghost.mm_freed[m])
		sim_fail(VERDICT_MM_USE_AFTER_FREE,
			 "T%d touches mm %c.%s in %s() after its last mmdrop",
			 t, 'A' + m, a->info->field, a->site->func);
	for (int i = 0; i < VMA_POOL_SIZE; i++) {
		const struct ghost_vma *g = &ghost.vma[i];

		if (g->owner == m && (g->incs[t] > 0 || g->f_owner == t))
			return;
	}
	sim_fail(VERDICT_MM_USE_AFTER_FREE,
		 "T%d touches mm %c.%s in %s() without a pin: it may be freed under it",
		 t, 'A' + m, a->info->field, a->site->func);
}

/* The common case inline: a live mm that is the thread's own, or pinned. */
static inline void check_mm_touch(int m, const struct sim_access *a)
{
	const struct ghost_thread *gt = &ghost.th[a->tid];

	if (!ghost.mm_freed[m] && (gt->mm == m || gt->pins[m] > 0))
		return;
	check_foreign_mm_touch(m, a);
}

/* Invariant 15: never sleep on the mmap lock holding a VMA read lock. */
static VM_NOINLINE void
check_lock_order(const struct sim_access *a)
{
	uint16_t held = ghost.th[a->tid].read_held;

	if (held)
		sim_fail(VERDICT_LOCK_ORDER,
			 "T%d takes mmap_lock in %s() holding a read lock on #%d",
			 a->tid, a->site->func, __builtin_ctz(held));
}

/* Invariant 11: the write lock is released only with an even sequence. */
static VM_NOINLINE void
check_unlock_parity(int m, const struct sim_access *a)
{
	int32_t seq = vmlock_backend->mm_lock_seq(m);

	if (ghost.mmap_lock[m]->writer == a->tid && (seq & 1))
		sim_fail(VERDICT_SEQ_PARITY,
			 "T%d releases mm %c's write lock with mm_lock_seq %d odd: VMA write locks not dropped",
			 a->tid, 'A' + m, seq);
}

/*
 * A local access claims nobody else may write the location now.  Verify
 * it: a VMA field needs a reference, F or the mmap lock of its mm (RCU is
 * not enough: the object may be recycled under us; check_pre() tests that
 * right once for both of its checks); mm_lock_seq needs the mm's write
 * lock, the tree the mm's lock in any mode (below).  A false claim is a
 * bug of the model, not a finding: abort.
 */
static VM_ALWAYS_INLINE bool mm_local_claim_ok(const struct sim_access *a)
{
	if (a->obj_kind == OBJ_MM_SEQ)
		return ghost_holds_mmap_write(a->tid, a->obj_idx);
	return a->obj_kind == OBJ_MM_TREE && ghost_holds_mmap(a->tid, a->obj_idx);
}

static VM_NOINLINE void local_claim_fail(const struct sim_access *a)
{
	fprintf(stderr, "vmlock: %s() claims a local access to %s it may not make\n",
		a->site->func, a->info->field);
	VM_ASSERT(!"a local access that is not local");
}

/* An access to an mm's field or to the allocator's lock. */
static VM_ALWAYS_INLINE void check_pre_mm(const struct sim_access *a)
{
	if (a->obj_kind == OBJ_SLAB)
		return;		/* the allocator's lock: anyone may take it */
	VM_ASSERT(obj_is_mm(a->obj_kind));
	check_mm_touch(a->obj_idx, a);
	if (a->kind != SIM_A_LOCK)
		return;
	if (a->mo == SIM_ACQUIRE)
		check_lock_order(a);
	else
		check_unlock_parity(a->obj_idx, a);
}

/*
 * Runs before every access: the VMA case, the common one, inline.  A
 * thread with a right to the VMA (check_vma_touch()) passes both checks:
 * a local claim on a VMA field needs that same right.
 */
void check_pre(const struct sim_access *a)
{
	if (!obj_is_vma(a->obj_kind)) {
		if (a->site->local && !mm_local_claim_ok(a))
			local_claim_fail(a);
		check_pre_mm(a);
		return;
	}
	if (ghost_vma_right(a->tid, &ghost.vma[a->obj_idx]))
		return;
	if (a->site->local)
		local_claim_fail(a);	/* a VMA's claim needs that right */
	if (sim_feedback_on(SIM_FB_WALK))
		walk_touch(a->tid, a->obj_idx, a->site);
	sim_note_window();
	bool rcu_safe = a->obj_kind == OBJ_VMA_REFCNT ||
			(a->obj_kind == OBJ_VMA_LOCK_SEQ && a->kind == SIM_A_LOAD);

	check_vma_touch_rcu(a->tid, a->obj_idx, a->info->field, rcu_safe,
			    a->site->func);
}

/* ---- values: invariants 1, 3, 5, 8, 11 ---- */

static void refcnt_fail(enum verdict v, int vma, const struct sim_access *a,
			const char *what)
{
	sim_fail(v, "T%d %s in %s(): #%d vm_refcnt %lld -> %lld",
		 a->tid, what, a->site->func, vma, (long long)a->old,
		 (long long)a->val);
}

static void refcnt_reader_inc(int vma, const struct sim_access *a)
{
	struct ghost_vma *g = &ghost.vma[vma];

	if (a->old == 0 || a->old >= VM_REFCNT_EXCLUDE_READERS_FLAG)
		refcnt_fail(VERDICT_INC_WHILE_EXCLUDED, vma, a,
			    "raises a detached or excluded count");
	g->incs[a->tid]++;
}

static void refcnt_put(int vma, const struct sim_access *a)
{
	struct ghost_vma *g = &ghost.vma[vma];

	if (g->incs[a->tid] > 0) {
		g->incs[a->tid]--;
	} else if (g->attached && ghost_holds_mmap_write(a->tid, g->owner)) {
		g->attached = false;	/* vma_mark_detached()'s put */
	} else {
		refcnt_fail(VERDICT_REF_BALANCE, vma, a,
			    "drops a reference it does not hold");
	}
}

static void refcnt_flag(int vma, const struct sim_access *a,
			bool set)
{
	struct ghost_vma *g = &ghost.vma[vma];

	if (set && (g->f_owner >= 0 || !ghost_holds_mmap_write(a->tid, g->owner)))
		refcnt_fail(VERDICT_REFCNT_ENCODING, vma, a,
			    "sets F without owning the mm's write lock alone");
	if (!set && g->f_owner != a->tid)
		refcnt_fail(VERDICT_REFCNT_ENCODING, vma, a,
			    "clears F it did not set");
	g->f_owner = (int8_t)(set ? a->tid : -1);
}

static void refcnt_store(int vma, const struct sim_access *a)
{
	struct ghost_vma *g = &ghost.vma[vma];

	if (a->val == 0 && a->old == 0)
		return;		/* vma_lock_init(vma, true) on a detached VMA */
	if (a->val != 1 || a->old != 0 || g->attached ||
	    !ghost_holds_mmap_write(a->tid, g->owner) ||
	    !ghost_write_locked(vma))
		refcnt_fail(VERDICT_ATTACH_DISCIPLINE, vma, a,
			    "attaches a VMA not detached, or not write-locked");
	g->attached = true;
}

static void refcnt_encoding(int vma, const struct sim_access *a)
{
	const int32_t F = VM_REFCNT_EXCLUDE_READERS_FLAG;
	int64_t v = a->val;

	if (v < 0 || v > (int64_t)F + VM_REFCNT_LIMIT)
		refcnt_fail(VERDICT_REFCNT_ENCODING, vma, a, "leaves the encoding");
	if ((v & F) && ghost.vma[vma].f_owner < 0)
		refcnt_fail(VERDICT_REFCNT_ENCODING, vma, a, "leaves F set with no owner");
}

/* The spec's classes of vm_refcnt values, for the fuzzer's feedback. */
static unsigned refcnt_class(int64_t v)
{
	const int64_t F = VM_REFCNT_EXCLUDE_READERS_FLAG;

	if (v <= 1)
		return (unsigned)(v < 0 ? 7 : v);	/* 0 detached, 1 attached */
	if (v < VM_REFCNT_LIMIT)
		return 2;				/* readers */
	if (v == VM_REFCNT_LIMIT)
		return 3;				/* at the limit */
	return v == F ? 4 : v == F + 1 ? 5 : 6;		/* excluding readers */
}

/*
 * A transition of vm_refcnt between classes, at its site, and whether the
 * VMA is write-locked and how many threads hold increments: new ones are
 * what the fuzzer should keep (a reader incrementing a write-locked VMA is
 * one step from the detach races).
 */
static void refcnt_feedback(int vma, const struct sim_access *a)
{
	const struct ghost_vma *g = &ghost.vma[vma];

	if (!sim_feedback_on(SIM_FB_REFCNT))
		return;
	uint32_t state = (uint32_t)ghost_write_locked(vma) * 2 + (g->f_owner >= 0);

	sim_hooks.feedback(sim_site_hash(a->site) * 1024 +
			   (uint32_t)incs_total(g) * 256 + state * 64 +
			   refcnt_class(a->old) * 8 + refcnt_class(a->val));
}

static VM_NOINLINE void
refcnt_post(int vma, const struct sim_access *a)
{
	const int32_t F = VM_REFCNT_EXCLUDE_READERS_FLAG;

	/* Out of refcount_t's range: its own oracle (refcount.c) reports it
	 * when this refcount_t operation returns. */
	if (a->val < 0 && a->kind != SIM_A_CAS_FAIL)
		return;
	if (a->kind == SIM_A_STORE) {
		refcnt_store(vma, a);
	} else if (a->kind == SIM_A_RMW) {
		int64_t delta = a->val - a->old;

		if (delta == 1)
			refcnt_reader_inc(vma, a);
		else if (delta == -1)
			refcnt_put(vma, a);
		else if (delta == F || delta == -F)
			refcnt_flag(vma, a, delta == F);
		else
			refcnt_fail(VERDICT_REFCNT_ENCODING, vma, a,
				    "changes the count by an unknown step");
	} else if (a->kind == SIM_A_CAS_FAIL) {
		/* A refused increment (F set, detached, at the limit): no
		 * change to check, but an event for the fuzzer. */
		refcnt_feedback(vma, a);
		return;
	} else {
		return;		/* loads */
	}
	refcnt_feedback(vma, a);
	refcnt_encoding(vma, a);
}

static VM_NOINLINE void
seq_post(int m, const struct sim_access *a)
{
	if (a->kind != SIM_A_STORE)
		return;
	if (!ghost_holds_mmap_write(a->tid, m) || a->val != a->old + 1)
		sim_fail(VERDICT_SEQ_PARITY,
			 "T%d moves mm %c's mm_lock_seq %lld -> %lld without owning its write lock",
			 a->tid, 'A' + m, (long long)a->old, (long long)a->val);
}

/* vm_lock_seq is written only with the mmap write lock, and either F
 * held or the VMA detached: then no reader may be inside (invariant 4). */
static VM_NOINLINE void
lock_seq_post(int vma, const struct sim_access *a)
{
	const struct ghost_vma *g = &ghost.vma[vma];

	if (a->kind != SIM_A_STORE)
		return;
	if (!ghost_holds_mmap_write(a->tid, g->owner))
		sim_fail(VERDICT_ATTACH_DISCIPLINE,
			 "T%d writes #%d.vm_lock_seq in %s() without the mmap write lock",
			 a->tid, vma, a->site->func);
	if (g->attached && g->f_owner != a->tid)
		sim_fail(VERDICT_EXCLUSION,
			 "T%d write-locks attached #%d in %s() without holding F",
			 a->tid, vma, a->site->func);
	if (g->readers || incs_total(g))
		sim_fail(VERDICT_EXCLUSION,
			 "T%d write-locks #%d in %s() with %d reader increments inside",
			 a->tid, vma, a->site->func, incs_total(g));
}

/*
 * vm_mm is written when the object is handed out (vm_area_alloc(),
 * vm_area_dup()) and when a fork moves its copy to the child: only while
 * the VMA is detached with no increment, for a reader checks vm_mm under
 * its reference (vma_start_read()) and trusts it from then on.  The VMA
 * belongs to the mm written from now on.
 */
static VM_NOINLINE void
vm_mm_post(int vma, const struct sim_access *a)
{
	struct ghost_vma *g = &ghost.vma[vma];
	int m = (int)a->val - 1;

	if (a->kind != SIM_A_PLAIN_WRITE)
		return;
	VM_ASSERT(m >= 0 && m < MM_POOL_SIZE);
	if (m != g->owner && (g->attached || incs_total(g)))
		sim_fail(VERDICT_ATTACH_DISCIPLINE,
			 "T%d moves #%d from mm %c to mm %c in %s() %s: vm_mm changes only on a detached VMA",
			 a->tid, vma, 'A' + g->owner, 'A' + m, a->site->func,
			 g->attached ? "attached" : "with reader increments");
	g->owner = (int8_t)m;
}

void check_post(const struct sim_access *a)
{
	/* A load that did not read the latest store (weak memory): the
	 * thread's view lags (the query's oracle asks, ops.c). */
	if (a->rf_stale)
		ghost.th[a->tid].stale_loads++;
	if (a->kind == SIM_A_FENCE || a->kind == SIM_A_LOAD ||
	    a->kind == SIM_A_PLAIN_READ) {
		/* No value changed (a walk's finds: check_map_found()). */
		return;
	}
	switch (a->obj_kind) {
	case OBJ_VMA_REFCNT:
		refcnt_post(a->obj_idx, a);
		break;
	case OBJ_VMA_LOCK_SEQ:
		lock_seq_post(a->obj_idx, a);
		break;
	case OBJ_MM_SEQ:
		seq_post(a->obj_idx, a);
		break;
	case OBJ_VMA_MM:
		vm_mm_post(a->obj_idx, a);
		break;
	default:
		break;
	}
}
