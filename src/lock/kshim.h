/* SPDX-License-Identifier: MIT */
/*
 * kshim.h - the kernel primitives the lock uses, rendered on the simulator.
 *
 * Each primitive keeps its kernel name and maps to C11 as the spec's
 * memory-model table says (vma-lock-spec.md section 5.1).  The one
 * kernel-primitive-to-simulator table is docs/weak-memory.md ("Kernel
 * primitives on the simulator"), whose tests are the litmus results there
 * (`vmlock litmus`, src/litmus/); what the simulator never produces (load
 * buffering, modification order against execution order) is its "The
 * blind spots".  In short:
 *
 *   READ_ONCE / WRITE_ONCE             relaxed load / store
 *   smp_load_acquire / store_release   acquire load / release store
 *   refcount_read / refcount_set       relaxed load / store
 *   refcount_set_release               release store
 *   refcount_add_not_zero              relaxed CAS loop
 *   __refcount_*_limited_acquire       CAS loop, acquire on success
 *   __refcount_dec_and_test,
 *   refcount_sub_and_test              fetch_sub release; acquire fence
 *                                      when it reaches zero
 *   smp_mb                             seq_cst fence
 *   smp_wmb                            release fence (stronger than the
 *                                      kernel's: it also orders loads)
 *   smp_rmb                            acquire fence (stronger than the
 *                                      kernel's: it also orders stores)
 *
 * Every call site gets its own struct sim_site, so the trace names the
 * function and the expression.
 */
#ifndef VMLOCK_LOCK_KSHIM_H
#define VMLOCK_LOCK_KSHIM_H

#include "kdebug.h"
#include "../check/check.h"
#include "mm_types.h"
#include "rcu.h"
#include "variant.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x) sim_load(&(x), SIM_RELAXED, SIM_SITE("READ_ONCE(" #x ")"))
#define WRITE_ONCE(x, v)						\
	sim_store(&(x), (int32_t)(v), SIM_RELAXED, SIM_SITE("WRITE_ONCE(" #x ")"))
#define smp_load_acquire(p) sim_load((p), SIM_ACQUIRE, SIM_SITE("smp_load_acquire(" #p ")"))
#define smp_store_release(p, v)						\
	sim_store((p), (int32_t)(v), SIM_RELEASE, SIM_SITE("smp_store_release(" #p ")"))
#define smp_mb() sim_fence(SIM_SEQ_CST, SIM_SITE("smp_mb()"))
#define smp_wmb() sim_fence(SIM_RELEASE, SIM_SITE("smp_wmb()"))
#define smp_rmb() sim_fence(SIM_ACQUIRE, SIM_SITE("smp_rmb()"))
#define smp_acquire__after_ctrl_dep()					\
	sim_fence(SIM_ACQUIRE, SIM_SITE("smp_acquire__after_ctrl_dep()"))

/* include/linux/err.h: an error code carried in a pointer. */
#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error)
{
	return (void *)(intptr_t)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)(intptr_t)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (uintptr_t)ptr >= (uintptr_t)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

/* Plain fields of the VMA: each read or write is checked for races. */
#define PLAIN_READ(f) sim_plain_read(&(f), SIM_SITE(#f))
/* A plain read of a field nobody else may write now (see SIM_SITE_LOCAL). */
#define PLAIN_READ_STABLE(f) sim_plain_read(&(f), SIM_SITE_LOCAL(#f))
#define PLAIN_WRITE(f, v) sim_plain_write(&(f), (uintptr_t)(v), SIM_SITE(#f " ="))

/* WARN_ON_ONCE in the model is a finding: the run stops with its text. */
#define WARN_ON_ONCE(cond)						\
	({								\
		bool warn_ = (cond);					\
		if (unlikely(warn_))					\
			sim_fail(VERDICT_KERNEL_WARN,			\
				 "WARN_ON_ONCE(%s) in %s()", #cond, __func__);	\
		warn_;							\
	})
#define VM_WARN_ON_ONCE(cond) ((void)WARN_ON_ONCE(cond))
#define VM_WARN_ON_ONCE_VMA(cond, vma) ((void)WARN_ON_ONCE(cond))

/* ---- refcount_t ---- */

/*
 * The kernel's refcount_t checks (include/linux/refcount.h): each
 * operation that leaves the int range or starts outside it calls
 * refcount_warn_saturate(), a finding (refcount-saturate, the oracle in
 * src/check/refcount.c).  The kernel's arithmetic wraps (it builds with
 * -fno-strict-overflow): refcount_wrap() computes old + i the same way.
 */
static inline int32_t refcount_wrap(int32_t old, int i)
{
	return (int32_t)((uint32_t)old + (uint32_t)i);
}

static inline void refcount_warn_saturate(const sim_atomic_t *r,
					  enum check_refcount_event ev,
					  int32_t count)
{
	check_refcount_saturate(r->obj_kind, r->obj_idx, ev, count);
}

#define refcount_read(r) sim_load((r), SIM_RELAXED, SIM_SITE("refcount_read"))
#define refcount_set(r, v) sim_store((r), (v), SIM_RELAXED, SIM_SITE("refcount_set"))
#define refcount_set_release(r, v)					\
	sim_store((r), (v), SIM_RELEASE, SIM_SITE("refcount_set_release"))

/* refcount_add_not_zero()'s limit: none (the kernel's plain form). */
#define REFCOUNT_NO_LIMIT 0

/*
 * Add i unless the count is 0 or (limit != REFCOUNT_NO_LIMIT) would pass
 * limit.  mo orders the success; read_mo orders the reads that decide (the
 * first load, a failed CAS).  As __refcount_add_not_zero() and
 * __refcount_add_not_zero_limited_acquire(): an old count below 0, or one
 * the add takes below 0, saturates (REFCOUNT_ADD_NOT_ZERO_OVF).
 */
static inline bool
refcount_add_not_zero_limited_mo(sim_atomic_t *r, int i, int *oldp, int limit,
				 enum sim_mo mo, enum sim_mo read_mo,
				 const struct sim_site *ld,
				 const struct sim_site *cas)
{
	int32_t old = sim_load(r, read_mo, ld);

	do {
		if (!old)
			break;
		if (limit != REFCOUNT_NO_LIMIT &&
		    i > (int32_t)((uint32_t)limit - (uint32_t)old)) {
			if (oldp)
				*oldp = old;
			return false;
		}
	} while (!sim_cmpxchg(r, &old, refcount_wrap(old, i), mo, read_mo, cas));
	if (oldp)
		*oldp = old;
	if (unlikely(old < 0 || refcount_wrap(old, i) < 0))
		refcount_warn_saturate(r, CHECK_REFCOUNT_ADD_NOT_ZERO_OVF,
				       refcount_wrap(old, i));
	return old != 0;
}

/* The relaxed form, as vma_start_read() used it before the acquire was
 * added (seed S1: the relaxed-inc variant). */
#define __refcount_inc_not_zero_limited(r, oldp, limit)			\
	refcount_add_not_zero_limited_mo((r), 1, (oldp), (limit), SIM_RELAXED, \
		SIM_RELAXED, SIM_SITE("refcount_read"),			\
		SIM_SITE("atomic_try_cmpxchg_relaxed(vm_refcnt, +1)"))

#define __refcount_inc_not_zero_limited_acquire(r, oldp, limit)		\
	refcount_add_not_zero_limited_mo((r), 1, (oldp), (limit), SIM_ACQUIRE, \
		SIM_RELAXED, SIM_SITE("refcount_read"),			\
		SIM_SITE("atomic_try_cmpxchg_acquire(vm_refcnt, +1)"))

/*
 * refcount_add_not_zero: no limit, and no memory ordering but a control
 * dependency, which "orders future stores" (refcount.h).  C11 has no
 * control dependencies: as for the writer's poll, the model makes the
 * deciding reads acquires (spec section 5.1).  A detacher whose add fails
 * on 0 then frees the VMA after the last reader's put, as the kernel's
 * control dependency guarantees.  An add of F to a count that has F
 * already (a double exclusion) overflows and saturates, as in the kernel.
 */
#define refcount_add_not_zero(i, r)					\
	refcount_add_not_zero_limited_mo((r), (i), NULL, REFCOUNT_NO_LIMIT, \
		SIM_ACQUIRE, SIM_ACQUIRE, SIM_SITE("refcount_read"),	\
		SIM_SITE("atomic_try_cmpxchg_relaxed(vm_refcnt, +" #i ")"))

/* __refcount_sub_and_test(): an old count at or below 0, or one the sub
 * takes below 0, is an underflow (REFCOUNT_SUB_UAF). */
static inline bool refcount_sub_and_test_site(int i, sim_atomic_t *r, int *oldp,
					      const struct sim_site *s)
{
	int32_t old = sim_fetch_add(r, -i, SIM_RELEASE, s);

	if (oldp)
		*oldp = old;
	if (old > 0 && old == i) {
		/* Pairs with the release of every earlier put: whoever
		 * sees zero sees everything done under the references. */
		smp_acquire__after_ctrl_dep();
		return true;
	}
	if (unlikely(old <= 0 || refcount_wrap(old, -i) < 0))
		refcount_warn_saturate(r, CHECK_REFCOUNT_SUB_UAF,
				       refcount_wrap(old, -i));
	return false;
}

#define refcount_sub_and_test(i, r)					\
	refcount_sub_and_test_site((i), (r), NULL,			\
		SIM_SITE("atomic_fetch_sub_release(vm_refcnt, " #i ")"))
#define __refcount_dec_and_test(r, oldp)				\
	refcount_sub_and_test_site(1, (r), (oldp),			\
		SIM_SITE("atomic_fetch_sub_release(vm_refcnt, 1)"))

/* ---- RCU read side: the grace periods (rcu.h) and the checker both
 * track who is inside ---- */

static inline void rcu_read_lock(void)
{
	kdebug.rcu_read_lock();
	rcu_gp_read_lock();
}

/* The checker first: it sees the section still open when it ends it. */
static inline void rcu_read_unlock(void)
{
	kdebug.rcu_read_unlock();
	rcu_gp_read_unlock();
}

#endif /* VMLOCK_LOCK_KSHIM_H */
