// SPDX-License-Identifier: MIT
/*
 * test_check.c - every verdict can fire: one positive control per verdict.
 *
 * Each case is the shortest hand-built sequence that breaks one rule: a
 * thread of mm A, on a world with one attached VMA (#0, two pages at page
 * 0) and one detached VMA of A (#1), calls the model, the runtime or the
 * oracles' own entry points (src/check/check.h) the way a buggy lock would,
 * and the run must end with exactly that case's verdict, raised by the
 * thread that broke the rule, with the report naming what happened, and
 * the verdict's meaning naming the invariant (vma-lock-spec.md section 3).
 *
 * The last test is the meta-test: every verdict the code defines has a
 * case here, so a verdict added without a test that expects it fails the
 * suite.  tsan-report comes from ThreadSanitizer, not from a check: its
 * case runs in the tsan build (tests/test_tsan_controls.c covers it
 * through the harness); other builds print it as skipped.
 *
 * Exit status 0 when every check passes; the last line is
 * "N passed, M failed".
 */
#include <stdbool.h>
#include <string.h>

#include "check/check.h"
#include "lock/kdebug.h"
#include "lock/mt.h"
#include "lock/rcu.h"
#include "lock/mmap_lock.h"
#include "sim/sim.h"
#include "sim/strategy.h"
#include "sim/verdict.h"
#include "util/assert.h"

#include "testing.h"

#define FLAG VM_REFCNT_EXCLUDE_READERS_FLAG
#define SITE(what) SIM_SITE("test_check: " what)

static struct vm_area_struct *va;	/* attached, pages 0-1 of mm A */
static struct vm_area_struct *vd;	/* detached, of mm A */
/* Set by a test: the world also has a detached VMA of mm B (#2). */
static bool world_vb;
/* Set by a test: the small configuration's cache, every object taken. */
static bool world_cache_full;
/* Set by a test: the grace-period test's flag is registered. */
static bool gp_setup;
static sim_atomic_t gp_flag;	/* its T0's word to T1 */

static struct mm_struct *mm(void)
{
	return &world.mm[0];
}

/* ---- the bodies: each breaks one rule ---- */

static bool always(void *arg)
{
	(void)arg;
	return true;
}

/* Takes the mmap read lock, then asks for the write lock over it. */
static void t_deadlock(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	mmap_write_lock(mm());
}

/* Sleeps for a condition that already holds; nobody wakes it. */
static void t_lost_wakeup(void *arg)
{
	(void)arg;
	sim_set_current_state(SIM_TASK_UNINTERRUPTIBLE, SITE("sleep"));
	sim_schedule(always, NULL, SITE("sleep"));
}

/* Retries with nothing written since it looked. */
static void t_livelock(void *arg)
{
	(void)arg;
	sim_spin(sim_spin_mark(), SITE("retry"));
}

/* Two holders of the mmap read lock write the same plain field: the
 * first keeps its lock (no release) until the second has written. */
static volatile bool race_second_wrote;

static void t_race_first(void *arg)
{
	(void)arg;
	race_second_wrote = false;
	mmap_read_lock(mm());
	PLAIN_WRITE(va->vm_flags, 0x200);
	for (;;) {
		uint64_t mark = sim_spin_mark();

		if (race_second_wrote)
			break;
		sim_spin(mark, SITE("wait for the second writer"));
	}
	mmap_read_unlock(mm());
}

static void t_race_second(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	PLAIN_WRITE(va->vm_flags, 0x300);
	race_second_wrote = true;
	mmap_read_unlock(mm());
}

/* Sets F holding only the mmap read lock. */
static void t_refcnt_encoding(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	sim_fetch_add(&va->vm_refcnt, FLAG, SIM_ACQUIRE, SITE("set F"));
}

/* A reader's increment of a detached VMA (count 0). */
static void t_inc_while_excluded(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	sim_fetch_add(&vd->vm_refcnt, 1, SIM_ACQUIRE, SITE("inc"));
}

/* Writes vm_lock_seq of an attached VMA without holding F. */
static void t_exclusion(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	sim_store(&va->vm_lock_seq, sim_peek(&mm()->mm_lock_seq), SIM_RELEASE,
		  SITE("vm_lock_seq ="));
}

/* Attaches a detached VMA under the mmap read lock only. */
static void t_attach_discipline(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	sim_store(&vd->vm_refcnt, 1, SIM_RELEASE, SITE("attach"));
}

/* Reports a detach done while it holds a read lock itself. */
static void t_detach_with_readers(void *arg)
{
	struct vm_area_struct *v = lock_vma_under_rcu(mm(), vmt_page_addr(0));

	(void)arg;
	VM_ASSERT(v == va);
	check_read_locked(v, mm(), vmt_page_addr(0), true);
	check_detached(v);
}

/* Frees the attached VMA (vm_refcnt 1). */
static void t_free_with_refs(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	vm_area_free(va);
}

/* A lookup of page 4 answered with the VMA of pages 0-1. */
static void t_lookup_identity(void *arg)
{
	(void)arg;
	check_read_locked(va, mm(), vmt_page_addr(4), true);
}

/* Drops a reference it never took. */
static void t_ref_balance(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	sim_fetch_add(&va->vm_refcnt, -1, SIM_RELEASE, SITE("put"));
}

/* Reads a VMA field holding nothing. */
static void t_use_after_drop(void *arg)
{
	(void)arg;
	(void)PLAIN_READ(va->vm_flags);
}

/* Takes another mm's lock without pinning that mm. */
static void t_mm_use_after_free(void *arg)
{
	(void)arg;
	mmap_read_lock(&world.mm[1]);
}

/* Releases a read acquire of #0's dep map it never made. */
static void t_held_lock(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	kdebug.lockdep(LOCKDEP_RELEASE_READ, va->idx, __func__);
}

/* Moves mm_lock_seq holding only the read lock. */
static void t_seq_parity(void *arg)
{
	int32_t seq = sim_peek(&mm()->mm_lock_seq);

	(void)arg;
	mmap_read_lock(mm());
	sim_store(&mm()->mm_lock_seq, seq + 1, SIM_RELEASE, SITE("mm_lock_seq ="));
}

/* Reports a killed write lock while it holds the write lock. */
static void t_killable_state(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	vma_start_write(va);
	check_write_killed(va);
}

/* Holds a VMA read lock, then sleeps on the mmap lock. */
static void t_lock_order(void *arg)
{
	struct vm_area_struct *v = lock_vma_under_rcu(mm(), vmt_page_addr(0));

	(void)arg;
	VM_ASSERT(v == va);
	check_read_locked(v, mm(), vmt_page_addr(0), true);
	mmap_read_lock(mm());
}

/* Changes an attached VMA under the mmap read lock. */
static void t_unlocked_mutation(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	check_mutation(va);
}

/* Reads a payload pair that disagrees. */
static void t_torn_read(void *arg)
{
	(void)arg;
	check_payload(va, 0x100, 0x200);
}

/* Leaves an RCU read section it never entered. */
static void t_rcu_scope(void *arg)
{
	(void)arg;
	rcu_read_unlock();
}

/* ---- the address map's nodes (src/lock/mt.h) ---- */

/* Map vd at page 4 and take it out again: two stores, each replacing the
 * root node; with no reader in a section the first's old node is freed
 * at once and the second's copy reuses it (the pool gives the most
 * recently freed node first). */
static void map_twice(void)
{
	mmap_write_lock(mm());
	vma_iter_store(mm(), vd, vmt_page_addr(4), vmt_page_addr(5));
	vma_iter_clear(mm(), vmt_page_addr(4), vmt_page_addr(5));
	mmap_write_unlock(mm());
}

/* The node the walk's first vma_next() cached; the walk leaves RCU. */
static int32_t walk_and_leave(struct vma_iterator *vmi)
{
	rcu_read_lock();
	vma_iter_init(vmi, mm(), vmt_page_addr(0));
	VM_ASSERT(vma_next(vmi) == va);
	rcu_read_unlock();
	return vmi->node.node;
}

/* Waits (spins) until another thread has written. */
static void wait_for_other(const char *what)
{
	sim_spin(sim_spin_mark(), SITE("wait for the other thread"));
	(void)what;
}

/* A walk that dropped RCU goes on from its cached node without
 * vma_iter_set() (T1 meanwhile replaced the node, which was freed after
 * its grace period, and reused it): a read of a freed node. */
static void t_rcu_uaf_walker(void *arg)
{
	struct vma_iterator vmi;
	int32_t node = walk_and_leave(&vmi);

	(void)arg;
	wait_for_other("the writer");
	VM_ASSERT(mt_ref_freed(node));
	rcu_read_lock();
	(void)vma_next(&vmi);
}

static void t_rcu_uaf_writer(void *arg)
{
	(void)arg;
	map_twice();
}

/* Asserts a write lock it does not hold. */
static void t_kernel_warn(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	vma_assert_write_locked(va);
}

/* A double exclusion: F added again over its own F (the kernel's int
 * overflows: refcount_add_not_zero() saturates). */
static void t_refcount_saturate(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	(void)refcount_add_not_zero(FLAG, &va->vm_refcnt);
	(void)refcount_add_not_zero(FLAG, &va->vm_refcnt);
}

/* Ends holding the mmap read lock. */
static void t_held_at_exit(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
}

/* Ends with a pin of its mm it never drops. */
static void t_leak(void *arg)
{
	(void)arg;
	mmgrab(mm());
}

/* ---- the cases ---- */

struct oracle_case {
	enum verdict verdict;
	void (*body[2])(void *);	/* T0, and T1 or NULL */
	int fail_tid;			/* the thread that breaks the rule */
	const char *msg;		/* in the report */
	const char *meaning;		/* in verdict_meaning(): the invariant */
};

static const struct oracle_case cases[] = {
	{ VERDICT_DEADLOCK, { t_deadlock }, 0,
	  "T0 sleeps in", "no thread can run" },
	{ VERDICT_LOST_WAKEUP, { t_lost_wakeup }, 0,
	  "although the condition it waits for holds", "nobody woke it" },
	{ VERDICT_LIVELOCK, { t_livelock }, 0,
	  "T0 retries in t_livelock() but no thread can make progress", "retry forever" },
	{ VERDICT_DATA_RACE, { t_race_first, t_race_second }, 1,
	  "vm_flags", "not ordered by happens-before" },
	/* No body: ThreadSanitizer raises it, in the tsan build only. */
	{ VERDICT_TSAN_REPORT, { NULL }, SIM_NO_THREAD,
	  "ThreadSanitizer reported", "ThreadSanitizer" },
	{ VERDICT_REFCNT_ENCODING, { t_refcnt_encoding }, 0,
	  "sets F without owning the mm's write lock alone", "(invariant 1)" },
	{ VERDICT_INC_WHILE_EXCLUDED, { t_inc_while_excluded }, 0,
	  "raises a detached or excluded count", "(invariant 3)" },
	{ VERDICT_EXCLUSION, { t_exclusion }, 0,
	  "write-locks attached #0 in t_exclusion() without holding F", "(invariant 2)" },
	{ VERDICT_ATTACH_DISCIPLINE, { t_attach_discipline }, 0,
	  "attaches a VMA not detached, or not write-locked", "(invariant 5)" },
	{ VERDICT_DETACH_WITH_READERS, { t_detach_with_readers }, 0,
	  "vma_mark_detached(#0) returned with vm_refcnt 2 and 1 reader increments",
	  "(invariant 5)" },
	{ VERDICT_FREE_WITH_REFS, { t_free_with_refs }, 0,
	  "frees #0 gen 1 with vm_refcnt 1", "(invariant 6)" },
	{ VERDICT_LOOKUP_IDENTITY, { t_lookup_identity }, 0,
	  "looked up as mm A 0x", "(invariant 7)" },
	{ VERDICT_REF_BALANCE, { t_ref_balance }, 0,
	  "drops a reference it does not hold", "(invariant 8)" },
	{ VERDICT_USE_AFTER_DROP, { t_use_after_drop }, 0,
	  "touches #0.vm_flags in t_use_after_drop() holding no reference", "(invariant 9)" },
	{ VERDICT_MM_USE_AFTER_FREE, { t_mm_use_after_free }, 0,
	  "touches mm B", "(invariant 9)" },
	{ VERDICT_HELD_LOCK, { t_held_lock }, 0,
	  "T0 releases a read lock it does not hold on #0 in t_held_lock()", "(lockdep)" },
	{ VERDICT_SEQ_PARITY, { t_seq_parity }, 0,
	  "mm_lock_seq 0 -> 1 without owning its write lock", "(invariant 11)" },
	{ VERDICT_KILLABLE_STATE, { t_killable_state }, 0,
	  "killed vma_start_write_killable(#0) left vm_refcnt 1, write-locked",
	  "(invariant 13)" },
	{ VERDICT_LOCK_ORDER, { t_lock_order }, 0,
	  "holding a read lock on #0", "(invariant 15)" },
	{ VERDICT_UNLOCKED_MUTATION, { t_unlocked_mutation }, 0,
	  "changes attached #0 without its write lock", "(invariant 16)" },
	{ VERDICT_TORN_READ, { t_torn_read }, 0,
	  "vm_flags 0x100 but vm_pgoff 0x200", "(invariants 2, 12)" },
	{ VERDICT_RCU_SCOPE, { t_rcu_scope }, 0,
	  "T0: rcu_read_unlock() outside an RCU read section", "(invariant 14)" },
	{ VERDICT_KERNEL_WARN, { t_kernel_warn }, 0,
	  "in vma_assert_write_locked()", "WARN_ON" },
	{ VERDICT_REFCOUNT_SATURATE, { t_refcount_saturate }, 0,
	  "refcount_t: saturated; leaking memory. (REFCOUNT_ADD_NOT_ZERO_OVF: #0.vm_refcnt left at",
	  "refcount_warn_saturate()" },
	{ VERDICT_HELD_AT_EXIT, { t_held_at_exit }, 0,
	  "T0 ends holding mm A's mmap_lock", "lock held when returning to user space" },
	{ VERDICT_LEAK, { t_leak }, 0,
	  "T0 ends with an mmgrab of mm A not dropped", "(kmemleak)" },
	{ VERDICT_RCU_USE_AFTER_FREE, { t_rcu_uaf_walker, t_rcu_uaf_writer }, 0,
	  "BUG: KASAN: slab-use-after-free in vma_next(): T0 reads maple node 2 gen 1 of mm A, freed after its grace period and reused (gen 2, mm A)",
	  "KASAN: slab-use-after-free" },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- a run ---- */

/* An attached VMA of two pages at page 0, as the harness sets one up. */
static struct vm_area_struct *setup_attached(struct mm_struct *m)
{
	unsigned long start = vmt_page_addr(0), end = vmt_page_addr(2);
	struct vm_area_struct *v = vm_area_alloc(m, 0);

	VM_ASSERT(v != NULL);
	v->vm_start.v = start;
	v->vm_end.v = end;
	v->vm_flags.v = 0x100;
	v->vm_pgoff.v = 0x100;
	sim_store(&v->vm_refcnt, 1, SIM_RELAXED, SITE("setup"));
	vma_iter_store(m, v, start, end);
	return v;
}

/* The world above, the oracles on, the case's threads of mm A, run
 * cooperatively (each thread until it ends, sleeps or spins). */
static void run_case(const struct oracle_case *c, struct sim_result *res)
{
	static struct strat_bytes sb;
	struct sim_run_cfg cfg = {
		.strategy = &strategy_bytes,
		.strategy_ctx = &sb,
		.step_budget = 20000,
	};

	sim_setup();
	strat_bytes_init(&sb, NULL, 0, NULL, 0);
	vmlock_variant = V_NONE;
	kdebug_reset();
	memset(&sim_hooks, 0, sizeof(sim_hooks));
	sim_begin(&cfg);
	lock_world_reset(world_cache_full);
	mm_init_world(0);
	mm_init_world(1);
	va = setup_attached(&world.mm[0]);
	vd = vm_area_alloc(&world.mm[0], 0);
	if (world_vb)
		VM_ASSERT(vm_area_alloc(&world.mm[1], 0) != NULL);
	for (unsigned n = 2; world_cache_full && n < VMT_SMALL_CACHE; n++)
		VM_ASSERT(vm_area_alloc(&world.mm[1], 0) != NULL);
	if (gp_setup)
		sim_atomic_init(&gp_flag, 0, OBJ_MM_COUNT, 0, "test flag");
	check_begin();
	for (int t = 0; t < 2 && c->body[t]; t++) {
		mmget(&world.mm[0]);
		check_thread_mm(t, 0);
		VM_ASSERT(sim_spawn(c->body[t], NULL) == t);
	}
	sim_run(res);
}

static void check_case(const struct oracle_case *c)
{
	const char *name = verdict_name(c->verdict);
	struct sim_result res;

	run_case(c, &res);
	CHECKF(res.verdict == c->verdict && !res.truncated,
	       "%s: the run ended %s%s: %s", name, verdict_name(res.verdict),
	       res.truncated ? " (truncated)" : "", res.msg);
	CHECKF(res.fail_tid == c->fail_tid, "%s: raised by T%d, not T%d",
	       name, res.fail_tid, c->fail_tid);
	CHECKF(strstr(res.msg, c->msg), "%s: the report \"%s\" lacks \"%s\"",
	       name, res.msg, c->msg);
	CHECKF(strstr(verdict_meaning(c->verdict), c->meaning),
	       "%s: its meaning \"%s\" does not name \"%s\"", name,
	       verdict_meaning(c->verdict), c->meaning);
	printf("  %-20s %s\n", name, res.msg);
}

static void test_each_verdict_fires(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].body[0])
			check_case(&cases[i]);
		else
			printf("  %-20s skipped here: raised by ThreadSanitizer, "
			       "tested in the tsan build (unit.test_tsan_controls)\n",
			       verdict_name(cases[i].verdict));
	}
}

/* The correct use of the same world is clean: the cases' verdicts come
 * from the rule each breaks, not from the setup. */
static void t_correct(void *arg)
{
	struct vm_area_struct *v = lock_vma_under_rcu(mm(), vmt_page_addr(0));

	(void)arg;
	VM_ASSERT(v == va);
	check_read_locked(v, mm(), vmt_page_addr(0), true);
	check_payload(v, PLAIN_READ(v->vm_flags), PLAIN_READ(v->vm_pgoff));
	check_read_unlock(v);
	vma_end_read(v);
	mmap_write_lock(mm());
	vma_start_write(va);
	check_write_locked(va);
	check_mutation(va);
	mmap_write_unlock(mm());
	mmput(mm());
}

/* Free the detached VMA (it is in no tree: nothing else frees it). */
static void free_vd(void)
{
	mmap_write_lock(mm());
	vm_area_free(vd);
	mmap_write_unlock(mm());
}

/* The same, and first the detached VMA freed: nothing left to leak. */
static void t_correct_first(void *arg)
{
	free_vd();
	t_correct(arg);
}

static void test_setup_is_clean(void)
{
	const struct oracle_case c = {
		VERDICT_CLEAN, { t_correct_first, t_correct }, SIM_NO_THREAD, "", ""
	};
	struct sim_result res;

	run_case(&c, &res);
	CHECKF(res.verdict == VERDICT_CLEAN && !res.truncated,
	       "the correct use ended %s: %s", verdict_name(res.verdict), res.msg);
}

/* ---- the lifetime oracles, each way they fire, and the correct use ---- */

/* A put on a detached VMA's count: refcount_t underflows. */
static void t_refcount_underflow(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	(void)refcount_sub_and_test(1, &vd->vm_refcnt);
}

/* Ends holding a read lock of #0. */
static void t_exit_read_locked(void *arg)
{
	struct vm_area_struct *v = lock_vma_under_rcu(mm(), vmt_page_addr(0));

	(void)arg;
	VM_ASSERT(v == va);
	check_read_locked(v, mm(), vmt_page_addr(0), true);
}

/* Ends holding F on #0 (the exclusion never released). */
static void t_exit_holding_f(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	(void)refcount_add_not_zero(FLAG, &va->vm_refcnt);
	mmap_write_unlock(mm());
}

/* Ends with #0's dep map recorded as read-held. */
static void t_exit_dep_map(void *arg)
{
	(void)arg;
	mmap_read_lock(mm());
	kdebug.lockdep(LOCKDEP_ACQUIRE_READ, va->idx, __func__);
	mmap_read_unlock(mm());
}

/* Ends inside an RCU read section. */
static void t_exit_rcu(void *arg)
{
	(void)arg;
	rcu_read_lock();
}

/* Frees the detached VMA, then leaves with mm A's last user gone. */
static void t_last_user(void *arg)
{
	(void)arg;
	free_vd();
	mmput(mm());
}

/* An mm_count reference no pin records (an mmgrab lost track of), then
 * the last user goes: mm A is never freed. */
static void t_leak_mm(void *arg)
{
	sim_fetch_add(&mm()->mm_count, 1, SIM_RELAXED, SITE("mm_count++"));
	t_last_user(arg);
}

/* The last user goes, the detached VMA never freed. */
static void t_leak_vma(void *arg)
{
	(void)arg;
	mmput(mm());
}

/* A reader of #0 through the mmap lock (vma_start_read_locked()), which
 * reads the payload after the mmap lock's release, holding its VMA read
 * lock; returns the VMA, to be put. */
static struct vm_area_struct *read_locked_payload(void)
{
	struct vm_area_struct *v;

	mmap_read_lock(mm());
	v = vma_lookup(mm(), vmt_page_addr(0));
	VM_ASSERT(v == va && vma_start_read_locked(v));
	check_read_locked(v, mm(), vmt_page_addr(0), false);
	mmap_read_unlock(mm());
	check_payload(v, PLAIN_READ(v->vm_flags), PLAIN_READ(v->vm_pgoff));
	check_read_unlock(v);
	return v;
}

/* That reader with a relaxed put: its payload reads are not ordered
 * before a later free.  The free's own writes (vm_start, vm_end) meet
 * only reads the mmap lock ordered: the check of every field finds it. */
static void t_reader_relaxed_put(void *arg)
{
	struct vm_area_struct *v = read_locked_payload();

	(void)arg;
	__vma_lockdep_release_read(v);
	sim_fetch_add(&v->vm_refcnt, -1, SIM_RELAXED, SITE("put, relaxed"));
	mmput(mm());
}

/* The same reader with vma_end_read(): the put releases. */
static void t_reader(void *arg)
{
	(void)arg;
	vma_end_read(read_locked_payload());
	mmput(mm());
}

/* munmap of #0 after the reader: write-lock, detach, remove, free. */
static void t_unmap(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	vma_start_write(va);
	check_write_locked(va);
	vma_mark_detached(va);
	check_detached(va);
	vma_iter_clear(mm(), vmt_page_addr(0), vmt_page_addr(2));
	vm_area_free(va);
	vm_area_free(vd);
	mmap_write_unlock(mm());
	mmput(mm());
}

/* The walk's first step from page 0, under RCU: #0 (pages 0-1). */
static struct vm_area_struct *walk_first(struct vma_iterator *vmi)
{
	struct vm_area_struct *v;

	rcu_read_lock();
	vma_iter_init(vmi, mm(), vmt_page_addr(0));
	v = lock_next_vma(mm(), vmi, vmt_page_addr(0));
	VM_ASSERT(v == va);
	return v;
}

/* That step checked as if the walk were at page 2: the VMA it got is
 * behind the walk. */
static void t_walk_behind(void *arg)
{
	struct vma_iterator vmi;

	(void)arg;
	check_walk_locked_at(walk_first(&vmi)->idx, mm()->idx, vmt_page_addr(2));
}

/* The same step checked where it was: clean, the walk ends. */
static void t_walk(void *arg)
{
	struct vma_iterator vmi;
	struct vm_area_struct *v = walk_first(&vmi);

	(void)arg;
	check_walk_locked_at(v->idx, mm()->idx, vmt_page_addr(0));
	check_payload(v, PLAIN_READ(v->vm_flags), PLAIN_READ(v->vm_pgoff));
	check_read_unlock(v);
	vma_end_read(v);
	VM_ASSERT(lock_next_vma(mm(), &vmi, vmt_page_addr(2)) == NULL);
	rcu_read_unlock();
	free_vd();
	mmput(mm());
}

/* A map whose vm_area_alloc() found the cache empty, gone back to user
 * space with -ENOMEM but without its mmap_write_unlock(). */
static void t_enomem_held(void *arg)
{
	(void)arg;
	mmap_write_lock(mm());
	VM_ASSERT(vm_area_alloc(mm(), 0) == NULL);
}

static const struct oracle_case lifetime_cases[] = {
	{ VERDICT_REFCOUNT_SATURATE, { t_refcount_underflow }, 0,
	  "refcount_t: underflow; use-after-free. (REFCOUNT_SUB_UAF: #1.vm_refcnt left at -1)", "" },
	{ VERDICT_HELD_AT_EXIT, { t_exit_read_locked }, 0,
	  "T0 ends holding 1 increment(s) of #0 (a read lock): a get never put", "" },
	{ VERDICT_HELD_AT_EXIT, { t_exit_holding_f }, 0,
	  "T0 ends holding F on #0", "" },
	{ VERDICT_HELD_AT_EXIT, { t_exit_dep_map }, 0,
	  "T0 ends with #0's dep map still recorded as held", "" },
	{ VERDICT_HELD_AT_EXIT, { t_exit_rcu }, 0,
	  "T0 ends inside an RCU read section", "" },
	{ VERDICT_LEAK, { t_leak_mm }, 0,
	  "mm A is never freed: its users are gone (mm_users 0) but mm_count is 1", "" },
	{ VERDICT_LEAK, { t_leak_vma }, 0,
	  "#1 gen 1 is never freed: its mm A is gone", "" },
	{ VERDICT_DATA_RACE, { t_reader_relaxed_put, t_unmap }, 1,
	  "T1 frees #0 (a free writes the whole object) racing with T0's earlier access to #0.vm_flags", "" },
};

static void test_lifetime_oracles_fire(void)
{
	/* mm B has no users and stays: its detached VMA is unreachable. */
	const struct oracle_case unreachable = {
		VERDICT_LEAK, { t_last_user }, 0,
		"#2 gen 1 is never freed: detached, nothing reaches it", ""
	};

	for (size_t i = 0; i < sizeof(lifetime_cases) / sizeof(lifetime_cases[0]); i++)
		check_case(&lifetime_cases[i]);
	world_vb = true;
	check_case(&unreachable);
	world_vb = false;
}

/*
 * The walk's read section is checked as a fault's (invariant 7: ending
 * behind the walk's position, the VMA is not the one it walked to), and
 * the correct walk is clean; the map's -ENOMEM path, had it kept the mmap
 * lock, would end the thread holding it (the op's path is clean:
 * tests/ops_semantics.h, on both backends).
 */
static void test_walk_and_enomem_oracles(void)
{
	const struct oracle_case walk_ok = {
		VERDICT_CLEAN, { t_walk }, SIM_NO_THREAD, "", ""
	};
	const struct oracle_case fire[] = {
		{ VERDICT_LOOKUP_IDENTITY, { t_walk_behind }, 0,
		  "T0 found #0 gen 1, which belongs to mm A [0x1000, 0x3000), walked to from mm A 0x3000", "" },
		{ VERDICT_HELD_AT_EXIT, { t_enomem_held }, 0,
		  "T0 ends holding mm A's mmap_lock", "" },
	};
	struct sim_result res;

	run_case(&walk_ok, &res);
	CHECKF(res.verdict == VERDICT_CLEAN && !res.truncated,
	       "the correct walk ended %s: %s", verdict_name(res.verdict), res.msg);
	check_case(&fire[0]);
	world_cache_full = true;
	check_case(&fire[1]);
	world_cache_full = false;
}

/*
 * The map's other detectors: a walk state used again in a later RCU
 * section (its node not freed: nobody wrote) or outside any section and
 * without the mmap lock (lockdep's rcu_dereference_check()); and the
 * correct walks: one reset with vma_iter_set() after re-entering RCU, one
 * under the mmap lock without RCU, both clean.
 */
static void t_walk_stale_section(void *arg)
{
	struct vma_iterator vmi;

	(void)arg;
	walk_and_leave(&vmi);
	rcu_read_lock();
	(void)vma_next(&vmi);
}

static void t_walk_no_rcu(void *arg)
{
	struct vma_iterator vmi;

	(void)arg;
	walk_and_leave(&vmi);
	(void)vma_next(&vmi);
}

static void t_walk_reset(void *arg)
{
	struct vma_iterator vmi;

	(void)arg;
	walk_and_leave(&vmi);
	map_twice();
	rcu_read_lock();
	vma_iter_set(&vmi, vmt_page_addr(2));
	VM_ASSERT(vma_next(&vmi) == NULL);
	rcu_read_unlock();
	mmap_read_lock(mm());
	vma_iter_set(&vmi, vmt_page_addr(0));
	VM_ASSERT(vma_next(&vmi) == va);
	VM_ASSERT(vma_next(&vmi) == NULL);
	mmap_read_unlock(mm());
	free_vd();
	mmput(mm());
}

static void test_map_node_detectors(void)
{
	const struct oracle_case fire[] = {
		{ VERDICT_RCU_SCOPE, { t_walk_stale_section }, 0,
		  "T0 reads maple node 2 of mm A in vma_next() through a walk state that found it in an earlier RCU read section, not reset since (vma_iter_set(), mas_set())",
		  "" },
		{ VERDICT_RCU_SCOPE, { t_walk_no_rcu }, 0,
		  "suspicious rcu_dereference_check() usage: T0 reads maple node 2 of mm A in vma_next() outside an RCU read section, without the mmap lock",
		  "" },
	};
	const struct oracle_case ok = {
		VERDICT_CLEAN, { t_walk_reset }, SIM_NO_THREAD, "", ""
	};
	struct sim_result res;

	check_case(&fire[0]);
	check_case(&fire[1]);
	run_case(&ok, &res);
	CHECKF(res.verdict == VERDICT_CLEAN && !res.truncated,
	       "the reset walks ended %s: %s", verdict_name(res.verdict), res.msg);
}

/*
 * A grace period waits for every reader section that began before
 * call_rcu(), and for no later one: T0 enters a section, then T1 replaces
 * the root node (call_rcu(X) with T0 inside), enters a section of its own
 * and waits; X outlives T1's store and is freed at T0's unlock, while
 * T1's section is still open.
 */
static int32_t gp_node;		/* X */

static void t_gp_early_reader(void *arg)
{
	(void)arg;
	rcu_read_lock();
	wait_for_other("the writer");
	CHECK(!mt_ref_freed(gp_node));
	CHECK(rcu_gp_depth(1) == 1);
	rcu_read_unlock();
	CHECK(mt_ref_freed(gp_node));
	CHECK(rcu_gp_depth(1) == 1);	/* T1's later section goes on */
	sim_store(&gp_flag, 1, SIM_RELAXED, SITE("wake T1"));
	mmput(mm());
}

static void t_gp_writer_then_reader(void *arg)
{
	(void)arg;
	gp_node = mt_root_peek(&mm()->mm_mt);
	mmap_write_lock(mm());
	vma_iter_store(mm(), vd, vmt_page_addr(4), vmt_page_addr(5));
	mmap_write_unlock(mm());
	CHECK(!mt_ref_freed(gp_node));	/* T0's section began before */
	rcu_read_lock();
	while (!sim_load(&gp_flag, SIM_RELAXED, SITE("T0 done?")))
		wait_for_other("the reader");
	rcu_read_unlock();
	mmap_write_lock(mm());
	vma_iter_clear(mm(), vmt_page_addr(4), vmt_page_addr(5));
	vm_area_free(vd);
	mmap_write_unlock(mm());
	mmput(mm());
}

static void test_grace_period(void)
{
	const struct oracle_case gp = {
		VERDICT_CLEAN, { t_gp_early_reader, t_gp_writer_then_reader },
		SIM_NO_THREAD, "", ""
	};
	struct sim_result res;

	gp_setup = true;
	run_case(&gp, &res);
	gp_setup = false;
	CHECKF(res.verdict == VERDICT_CLEAN && !res.truncated,
	       "the grace-period run ended %s: %s", verdict_name(res.verdict), res.msg);
	CHECK(mt_ref_freed(gp_node));
}

/* The correct sequences of the cases above are clean: the last user
 * frees everything, the reader's put orders its reads before the free. */
static void test_lifetime_correct_is_clean(void)
{
	const struct oracle_case ok[] = {
		{ VERDICT_CLEAN, { t_last_user }, SIM_NO_THREAD, "", "" },
		{ VERDICT_CLEAN, { t_reader, t_unmap }, SIM_NO_THREAD, "", "" },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct sim_result res;

		run_case(&ok[i], &res);
		CHECKF(res.verdict == VERDICT_CLEAN && !res.truncated,
		       "correct lifetime case %zu ended %s: %s", i,
		       verdict_name(res.verdict), res.msg);
	}
}

/* The meta-test: every verdict the code defines is expected by a case,
 * and each only once. */
static void test_every_verdict_has_a_case(void)
{
	unsigned seen[VERDICT__COUNT] = { 0 };

	for (size_t i = 0; i < NCASES; i++) {
		CHECK(cases[i].verdict > VERDICT_CLEAN &&
		      cases[i].verdict < VERDICT__COUNT);
		seen[cases[i].verdict]++;
	}
	for (int v = VERDICT_CLEAN + 1; v < VERDICT__COUNT; v++) {
		CHECKF(seen[v] == 1, "verdict %s is expected by %u cases of test_check.c",
		       verdict_name((enum verdict)v), seen[v]);
		CHECKF((int)verdict_from_name(verdict_name((enum verdict)v)) == v,
		       "verdict %d's name %s does not name it", v,
		       verdict_name((enum verdict)v));
	}
}

int main(void)
{
	static const struct test_case tests[] = {
		{ "each_verdict_fires", test_each_verdict_fires },
		{ "setup_is_clean", test_setup_is_clean },
		{ "lifetime_oracles_fire", test_lifetime_oracles_fire },
		{ "lifetime_correct_is_clean", test_lifetime_correct_is_clean },
		{ "walk_and_enomem_oracles", test_walk_and_enomem_oracles },
		{ "map_node_detectors", test_map_node_detectors },
		{ "grace_period", test_grace_period },
		{ "every_verdict_has_a_case", test_every_verdict_has_a_case },
	};

	return run_tests(tests, sizeof(tests) / sizeof(tests[0]), NULL);
}
