// SPDX-License-Identifier: MIT
/*
 * test_kernel.c - the kernel's own mm/mmap_lock.c and
 * include/linux/mmap_lock.h, compiled from VMLOCK_KERNEL_SRC, driven
 * through every transition of the vm_refcnt value table
 * (vma-lock-spec.md section 1.1) on simulated threads: attach 0 -> 1, read
 * 1 -> 2 -> 3 and back, write 1 -> F+1 -> 1, the writer's wait F+2 -> F+1
 * and its wake-up, detach 1 -> 0 and, with a temporary reader, F+1 -> F ->
 * 0, the reader limit, the killable write's -EINTR.  The calls are the
 * kernel's API (kconfig.h renames the unpatched copy's functions); checks
 * read values with peeks and the sequence of values each run stored to
 * vm_refcnt (from the trace).  And the detectors the backend feeds: WARN
 * (with the kernel's file:line), lost wake-up through the harness's
 * registered wait condition, data races on plain fields reached through
 * the compiler's instrumentation, stale plain reads.
 *
 * Scheduling is cooperative (the bytes strategy without runs: a thread
 * runs until it sleeps, spins or ends); threads order themselves with
 * set_phase()/WAIT_UNTIL on a location of the test's own.  The temporary
 * reader comes from an exhaustive search (strategy dfs) over the
 * interleavings of a reader and a detacher: every one clean, and the
 * transitions seen.
 *
 * Exit status 0 when every check passes; the last line is "N passed, M
 * failed".
 */
#include <stdio.h>
#include <string.h>

#include "harness/harness.h"
#include "ops_semantics.h"
#include "kworld.h"
#include "lock/obj_kind.h"
#include "sim/strategy.h"
#include "util/assert.h"

#define FLAG ((int32_t)VM_REFCNT_EXCLUDE_READERS_FLAG)
#define LIMIT ((int32_t)VM_REFCNT_LIMIT)
#define PAGE0 0x1000UL
#define PAGE2 0x3000UL

static const char *cur_test;
static unsigned cur_failures, npassed, nfailed;

static bool check_eq_(long long got, long long want, const char *file, int line,
		      const char *expr, const char *wexpr)
{
	if (got != want) {
		fprintf(stderr, "%s:%d: [%s] CHECK failed: %s == %s (got %lld = %#llx, want %lld = %#llx)\n",
			file, line, cur_test, expr, wexpr, got,
			(unsigned long long)got, want, (unsigned long long)want);
		cur_failures++;
	}
	return got == want;
}

#define CHECK_EQ(got, want)						\
	check_eq_((long long)(got), (long long)(want), __FILE__, __LINE__, \
		  #got, #want)
#define CHECK(cond) CHECK_EQ(!!(cond), 1)

/* ---- the world of a run ---- */

static struct sim_result res;
static struct strat_bytes sb;
static struct strat_dfs dfs;
static bool use_dfs;
static struct mm_struct *mm_a;
static struct vm_area_struct *va;
static sim_atomic_t phase;	/* the test's own ordering location */

static void world_begin_choices(const uint8_t *choices, unsigned n)
{
	struct sim_run_cfg cfg = {
		.strategy = use_dfs ? &strategy_dfs : &strategy_bytes,
		.strategy_ctx = use_dfs ? (void *)&dfs : (void *)&sb,
		.step_budget = 20000,
		.trace = true,
	};

	sim_setup();
	strat_bytes_init(&sb, NULL, 0, choices, n);
	if (use_dfs)
		strat_dfs_rewind(&dfs);
	memset(&sim_hooks, 0, sizeof(sim_hooks));
	sim_begin(&cfg);
	kworld_reset(false);
	mm_a = kworld_mm_init(0);
	kworld_mm_init(1);
	sim_atomic_init(&phase, 0, OBJ_SLAB, 1, "test_phase");
	va = NULL;
}

static void world_begin(void)
{
	world_begin_choices(NULL, 0);
}

/* An attached VMA of npages at addr (main context, as the harness's
 * initial layout). */
static struct vm_area_struct *setup_vma(unsigned long addr, unsigned npages)
{
	struct vm_area_struct *vma = kvm_area_alloc(mm_a, 0);

	VM_ASSERT(vma != NULL);
	kvma_set_range(vma, addr, addr + npages * KSIM_PAGE_SIZE);
	refcount_set(&vma->vm_refcnt, 1);
	kvma_iter_store(mm_a, vma, addr, addr + npages * KSIM_PAGE_SIZE);
	return vma;
}

static void run(void)
{
	sim_run(&res);
}

static bool expect_verdict_(enum verdict want, const char *file, int line)
{
	if (res.verdict == want && !res.truncated)
		return true;
	fprintf(stderr, "%s:%d: [%s] expected verdict %s, got %s%s (T%d): %s\n",
		file, line, cur_test, verdict_name(want), verdict_name(res.verdict),
		res.truncated ? " (truncated)" : "", res.fail_tid, res.msg);
	cur_failures++;
	return false;
}

#define EXPECT_VERDICT(v) expect_verdict_((v), __FILE__, __LINE__)

/* The values the run stored to vma's vm_refcnt, in order (the first is
 * the value before the first store). */
static unsigned refcnt_history(const struct vm_area_struct *vma, int32_t *out,
			       unsigned max)
{
	const struct sim_event *ev;
	size_t n = sim_trace(&ev);
	unsigned k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		const struct sim_access *a = &ev[i].a;

		if (ev[i].kind != SIM_EV_ACCESS || a->loc != vma->vm_refcnt.refs.loc ||
		    (a->kind != SIM_A_STORE && a->kind != SIM_A_RMW))
			continue;
		if (k == 0)
			out[k++] = (int32_t)a->old;
		if (k < max)
			out[k++] = (int32_t)a->val;
	}
	return k;
}

static bool history_is_(const struct vm_area_struct *vma, const int32_t *want,
			unsigned nwant, const char *file, int line)
{
	int32_t got[32];
	unsigned n = refcnt_history(vma, got, 32);
	bool ok = n == nwant && !memcmp(got, want, n * sizeof(*got));

	if (!ok) {
		fprintf(stderr, "%s:%d: [%s] vm_refcnt history:", file, line, cur_test);
		for (unsigned i = 0; i < n; i++)
			fprintf(stderr, " %s%d", got[i] >= FLAG ? "F+" : "",
				got[i] >= FLAG ? got[i] - FLAG : got[i]);
		fprintf(stderr, " (want %u values)\n", nwant);
		cur_failures++;
	}
	return ok;
}

#define EXPECT_HISTORY(vma, ...)					\
	do {								\
		const int32_t want_[] = { __VA_ARGS__ };		\
		history_is_((vma), want_, sizeof(want_) / sizeof(want_[0]), \
			    __FILE__, __LINE__);			\
	} while (0)

/* ---- inside the threads ---- */

static void set_phase(int32_t n)
{
	sim_store(&phase, n, SIM_RELEASE, SIM_SITE("test: set_phase"));
}

/* Sleep until another thread writes (sim_spin), then look again. */
static void wait_phase(int32_t n)
{
	for (;;) {
		uint64_t mark = sim_spin_mark();

		if (sim_load(&phase, SIM_ACQUIRE, SIM_SITE("test: phase")) >= n)
			return;
		sim_spin(mark, SIM_SITE("test: wait_phase"));
	}
}

static struct vm_area_struct *got[SIM_MAX_THREADS];
static int32_t seen[SIM_MAX_THREADS][4];
static int ret[SIM_MAX_THREADS];

static void reader_once(void *arg)
{
	(void)arg;
	struct vm_area_struct *v = lock_vma_under_rcu(mm_a, PAGE0);

	got[sim_self()] = v;
	seen[sim_self()][0] = kvma_peek_refcnt(va);
	if (v)
		vma_end_read(v);
}

/* ---- the tests ---- */

/* attach 0 -> 1: a new VMA, write-locked, attached, published. */
static void t_attach(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	struct vm_area_struct *v = kvm_area_alloc(mm_a, 0);

	kvma_set_range(v, PAGE2, PAGE2 + KSIM_PAGE_SIZE);
	vma_start_write(v);
	seen[0][0] = kvma_peek_refcnt(v);
	vma_mark_attached(v);
	seen[0][1] = kvma_peek_refcnt(v);
	seen[0][2] = (int32_t)kvma_peek_lock_seq(v);
	kvma_iter_store(mm_a, v, PAGE2, PAGE2 + KSIM_PAGE_SIZE);
	mmap_write_unlock(mm_a);
	got[0] = v;
}

static void test_attach(void)
{
	world_begin();
	sim_spawn(t_attach, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_EQ(seen[0][0], 0);
	CHECK_EQ(seen[0][1], 1);
	CHECK_EQ(seen[0][2], 1);	/* the mm's sequence while write-locked */
	CHECK_EQ(kmm_peek_seq(mm_a), 2);
	EXPECT_HISTORY(got[0], 0, 1);
}

/* read 1 -> 2 -> 3 -> 2 -> 1: two readers at once. */
static void t_read_hold(void *arg)
{
	(void)arg;
	struct vm_area_struct *v = lock_vma_under_rcu(mm_a, PAGE0);

	got[sim_self()] = v;
	seen[sim_self()][0] = kvma_peek_refcnt(va);
	set_phase(sim_self() + 1);
	wait_phase(2);
	if (v)
		vma_end_read(v);
}

static void test_read(void)
{
	world_begin();
	va = setup_vma(PAGE0, 2);
	sim_spawn(t_read_hold, NULL);
	sim_spawn(t_read_hold, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK(got[0] == va && got[1] == va);
	CHECK_EQ(seen[0][0], 2);
	CHECK_EQ(seen[1][0], 3);
	CHECK_EQ(kvma_peek_refcnt(va), 1);
	EXPECT_HISTORY(va, 1, 2, 3, 2, 1);
	CHECK_EQ(ksim_held_locks(0) + ksim_held_locks(1), 0);
}

/* write 1 -> F+1 -> 1; readers fail while the mmap write lock is held
 * and succeed after it. */
static void t_writer(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	vma_start_write(va);
	seen[0][0] = (int32_t)kvma_peek_lock_seq(va);
	vma_start_write(va);	/* already write-locked: no change */
	set_phase(1);
	wait_phase(2);
	mmap_write_unlock(mm_a);
	set_phase(3);
}

static void t_reader_during_write(void *arg)
{
	(void)arg;
	wait_phase(1);
	got[1] = lock_vma_under_rcu(mm_a, PAGE0);
	set_phase(2);
	wait_phase(3);
	got[2] = lock_vma_under_rcu(mm_a, PAGE0);
	if (got[2])
		vma_end_read(got[2]);
}

static void test_write(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_writer, NULL);
	sim_spawn(t_reader_during_write, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_EQ(seen[0][0], 1);
	CHECK(got[1] == NULL);	/* write-locked: vm_lock_seq == mm_lock_seq */
	CHECK(got[2] == va);
	EXPECT_HISTORY(va, 1, FLAG + 1, 1, 2, 1);
}

/* The writer waits for a reader: 2 -> F+2, asleep; the reader's put
 * F+2 -> F+1 wakes it; F+1 -> 1. */
static void t_reader_holds(void *arg)
{
	(void)arg;
	got[0] = lock_vma_under_rcu(mm_a, PAGE0);
	set_phase(1);
	wait_phase(2);
	seen[0][0] = kvma_peek_refcnt(va);
	vma_end_read(got[0]);
}

static void t_writer_waits(void *arg)
{
	(void)arg;
	wait_phase(1);
	mmap_write_lock(mm_a);
	set_phase(2);
	vma_start_write(va);
	seen[1][0] = kvma_peek_refcnt(va);
	mmap_write_unlock(mm_a);
}

static void test_write_waits(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_reader_holds, NULL);
	sim_spawn(t_writer_waits, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK(got[0] == va);
	CHECK_EQ(seen[0][0], FLAG + 2);	/* the writer sleeps at F+2 */
	CHECK_EQ(seen[1][0], 1);
	EXPECT_HISTORY(va, 1, 2, FLAG + 2, FLAG + 1, 1);
}

/* The killable write: a fatal signal while it waits gives -EINTR, F is
 * taken back (F+2 -> 2) and the VMA is not write-locked. */
static void t_reader_kills(void *arg)
{
	(void)arg;
	got[0] = lock_vma_under_rcu(mm_a, PAGE0);
	set_phase(1);
	wait_phase(2);
	seen[0][0] = kvma_peek_refcnt(va);
	sim_send_fatal_signal(1, SIM_SITE("test: kill the writer"));
	wait_phase(3);
	seen[0][1] = kvma_peek_refcnt(va);
	vma_end_read(got[0]);
}

static void t_writer_killable(void *arg)
{
	(void)arg;
	wait_phase(1);
	mmap_write_lock(mm_a);
	set_phase(2);
	ret[1] = vma_start_write_killable(va);
	seen[1][0] = (int32_t)kvma_peek_lock_seq(va);
	mmap_write_unlock(mm_a);
	set_phase(3);
}

static void test_write_killable(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_reader_kills, NULL);
	sim_spawn(t_writer_killable, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_EQ(seen[0][0], FLAG + 2);
	CHECK_EQ(ret[1], -EINTR);
	CHECK_EQ(seen[1][0], (int32_t)UINT_MAX);	/* not write-locked */
	CHECK_EQ(seen[0][1], 2);
	EXPECT_HISTORY(va, 1, 2, FLAG + 2, 2, 1);
}

/* detach 1 -> 0 with no reader; then the VMA is freed. */
static void t_detacher(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	vma_start_write(va);
	vma_mark_detached(va);
	seen[0][0] = kvma_peek_refcnt(va);
	kvma_iter_clear(mm_a, PAGE0, PAGE0 + KSIM_PAGE_SIZE);
	mmap_write_unlock(mm_a);
	kvm_area_free(va);
}

static void test_detach(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_detacher, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_EQ(seen[0][0], 0);
	EXPECT_HISTORY(va, 1, FLAG + 1, 1, 0);
}

/*
 * A reader against a detacher, every interleaving with up to 3
 * preemptions: all clean, and among them the temporary reader's path:
 * the detacher's put leaves 1 (the reader's), F+1 waiting for it, its
 * put F+1 -> F wakes the detacher, F -> 0.
 */
static bool history_has(const int32_t *h, unsigned n, const int32_t *seq,
			unsigned m)
{
	for (unsigned i = 0; i + m <= n; i++)
		if (!memcmp(h + i, seq, m * sizeof(*seq)))
			return true;
	return false;
}

static void t_detacher_waits(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	vma_start_write(va);
	vma_mark_detached(va);
	seen[1][0] = kvma_peek_refcnt(va);
	kvma_iter_clear(mm_a, PAGE0, PAGE0 + KSIM_PAGE_SIZE);
	mmap_write_unlock(mm_a);
}

static void test_detach_temporary_reader(void)
{
	const int32_t temp[] = { FLAG + 1, FLAG, 0 };
	unsigned runs = 0, temp_seen = 0, bad = 0;

	use_dfs = true;
	strat_dfs_init(&dfs, 3);
	do {
		int32_t h[32];

		world_begin();
		va = setup_vma(PAGE0, 1);
		sim_spawn(reader_once, NULL);
		sim_spawn(t_detacher_waits, NULL);
		run();
		runs++;
		if (res.verdict != VERDICT_CLEAN || res.truncated || seen[1][0] != 0) {
			if (!bad++)
				EXPECT_VERDICT(VERDICT_CLEAN);
		}
		unsigned n = refcnt_history(va, h, 32);

		temp_seen += history_has(h, n, temp, 3);
	} while (strat_dfs_next(&dfs) && runs < 20000);
	use_dfs = false;
	CHECK_EQ(bad, 0);
	CHECK(!dfs.overflow);
	CHECK(temp_seen > 0);
	printf("  detach against a reader: %u interleavings, %u with F+1 F 0\n",
	       runs, temp_seen);
}

/*
 * A reader against a writer that changes the VMA's fields under its write
 * lock, every interleaving with up to 3 preemptions: all clean (no race
 * between the writer's plain writes and the reader's plain reads under
 * its reference: the lock's orderings, as the shims map them, order
 * them), and both outcomes of the race seen: the reader locked the VMA,
 * or fell back while the VMA was write-locked.
 */
static void t_writer_modifies(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	vma_start_write(va);
	kvma_set_range(va, PAGE0, PAGE0 + KSIM_PAGE_SIZE);
	mmap_write_unlock(mm_a);
}

static void test_write_against_reader(void)
{
	unsigned runs = 0, bad = 0, locked = 0, fell_back = 0;

	use_dfs = true;
	strat_dfs_init(&dfs, 3);
	do {
		memset(got, 0, sizeof(got));
		world_begin();
		va = setup_vma(PAGE0, 1);
		sim_spawn(reader_once, NULL);
		sim_spawn(t_writer_modifies, NULL);
		run();
		runs++;
		if ((res.verdict != VERDICT_CLEAN || res.truncated) && !bad++)
			EXPECT_VERDICT(VERDICT_CLEAN);
		locked += got[0] == va;
		fell_back += got[0] == NULL;
	} while (strat_dfs_next(&dfs) && runs < 20000);
	use_dfs = false;
	CHECK_EQ(bad, 0);
	CHECK(!dfs.overflow);
	CHECK(locked > 0 && fell_back > 0);
	printf("  write against a reader: %u interleavings, %u locked, %u fell back\n",
	       runs, locked, fell_back);
}

/* The reader limit: at L the limited increment fails and the reader
 * falls back (NULL), the count unchanged. */
static void test_reader_limit(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	refcount_set(&va->vm_refcnt, LIMIT);
	sim_spawn(reader_once, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK(got[0] == NULL);
	CHECK_EQ(seen[0][0], LIMIT);
	CHECK_EQ(kvma_peek_refcnt(va), LIMIT);
}

/* The kernel's own WARN is a finding, named with its file:line. */
static void t_attach_twice(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	vma_start_write(va);
	vma_mark_attached(va);	/* attached already: vma_assert_detached() */
	mmap_write_unlock(mm_a);
}

static void test_warn(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_attach_twice, NULL);
	run();
	EXPECT_VERDICT(VERDICT_KERNEL_WARN);
	CHECK(strstr(res.msg, "include/linux/mmap_lock.h:") != NULL);
	CHECK(strstr(res.msg, "vma_assert_detached") != NULL);
	printf("  %s\n", res.msg);
}

#if VMLOCK_KERNEL_HAS_ASSERT_CAN_MODIFY
/* 7.3's vma_assert_can_modify(): a detached VMA passes with no VMA lock,
 * an attached one not write-locked fires. */
static void t_can_modify(void *arg)
{
	(void)arg;
	mmap_write_lock(mm_a);
	struct vm_area_struct *v = kvm_area_alloc(mm_a, 0);

	vma_assert_can_modify(v);
	kvm_area_free(v);
	ret[0] = 1;
	vma_assert_can_modify(va);
	ret[0] = 2;
	mmap_write_unlock(mm_a);
}
#endif

/* vma_assert_stabilised(): the mmap read lock stabilises, so does a VMA
 * read lock alone; RCU alone does not. */
static void t_stabilised(void *arg)
{
	(void)arg;
	mmap_read_lock(mm_a);
	vma_assert_stabilised(va);
	mmap_read_unlock(mm_a);
	struct vm_area_struct *v = lock_vma_under_rcu(mm_a, PAGE0);

	got[0] = v;
	if (v) {
		vma_assert_stabilised(v);
		vma_end_read(v);
	}
	ret[0] = 1;
	rcu_read_lock();
	vma_assert_stabilised(va);
	ret[0] = 2;
	rcu_read_unlock();
}

static void test_asserts_fire(void)
{
#if VMLOCK_KERNEL_HAS_ASSERT_CAN_MODIFY
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_can_modify, NULL);
	run();
	EXPECT_VERDICT(VERDICT_KERNEL_WARN);
	CHECK_EQ(ret[0], 1);
	CHECK(strstr(res.msg, "vma_assert_write_locked") != NULL);
	printf("  %s\n", res.msg);
#else
	printf("  this tree has no vma_assert_can_modify() (7.3's)\n");
#endif

	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_stabilised, NULL);
	run();
	EXPECT_VERDICT(VERDICT_KERNEL_WARN);
	CHECK(got[0] == va);
	CHECK_EQ(ret[0], 1);
	CHECK(strstr(res.msg, "include/linux/mmap_lock.h:") != NULL);
	printf("  %s\n", res.msg);
}

/* A sleeper whose condition's location changes without a wake-up is a
 * lost wake-up: the writer read F+2 and sleeps, the reader's count is
 * taken away by a store that wakes nobody. */
static void t_reader_vanishes(void *arg)
{
	(void)arg;
	got[0] = lock_vma_under_rcu(mm_a, PAGE0);
	set_phase(1);
	wait_phase(2);
	sim_fetch_add(&va->vm_refcnt.refs, -1, SIM_RELEASE,
		      SIM_SITE("test: put without the wake-up"));
}

static void test_lost_wakeup_detected(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_reader_vanishes, NULL);
	sim_spawn(t_writer_waits, NULL);
	run();
	EXPECT_VERDICT(VERDICT_LOST_WAKEUP);
}

/* A plain field the kernel reads through the instrumentation races with
 * a write nobody ordered: the reader's range check against a resize made
 * without the VMA's write lock. */
static void t_resize_unlocked(void *arg)
{
	(void)arg;
	kvma_set_range(va, PAGE0, PAGE0 + 2 * KSIM_PAGE_SIZE);
}

static void test_race_detected(void)
{
	world_begin();
	va = setup_vma(PAGE0, 1);
	/* Cooperative: the reader runs to its end first; nothing orders
	 * its reads before the resize. */
	sim_spawn(reader_once, NULL);
	sim_spawn(t_resize_unlocked, NULL);
	run();
	EXPECT_VERDICT(VERDICT_DATA_RACE);
	CHECK(strstr(res.msg, "vm_start") != NULL || strstr(res.msg, "vm_end") != NULL);
}

/*
 * A plain read of an atomic field can read an older store (sim/addr.c):
 * the hook chooses it and puts its value in the field for the load that
 * follows; the next runtime call puts the latest back.  The hook is called
 * by hand here (this file is not instrumented), as the compiler calls it
 * before a plain load of the kernel's objects.
 */
static unsigned x_field;
static unsigned x_read;

static void t_store_twice(void *arg)
{
	(void)arg;
	sim_addr_store(&x_field, 1, SIM_RELAXED, SIM_SITE("test: x = 1"));
	sim_addr_store(&x_field, 2, SIM_RELAXED, SIM_SITE("test: x = 2"));
}

static void t_plain_read(void *arg)
{
	(void)arg;
	sim_addr_plain_read(&x_field, sizeof(x_field), NULL);
	x_read = *(volatile unsigned *)&x_field;
	seen[1][0] = (int32_t)x_field;
	/* The next call into the runtime for a field puts the latest back
	 * (as every plain access of instrumented code makes one first). */
	(void)sim_addr_load(&x_field, SIM_RELAXED, SIM_SITE("test: x"));
	seen[1][1] = (int32_t)x_field;
}

static void stale_plain_read_with(const uint8_t *choice, unsigned n)
{
	world_begin_choices(choice, n);
	x_field = 0;
	sim_addr_atomic(&x_field, sizeof(x_field), NULL, OBJ_SLAB, 2, "test_x");
	sim_spawn(t_store_twice, NULL);
	sim_spawn(t_plain_read, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
}

static void test_stale_plain_read(void)
{
	static const uint8_t one_back = 0x00;	/* the first load, 1 back */

	stale_plain_read_with(&one_back, 1);
	CHECK_EQ(x_read, 1);
	CHECK_EQ(seen[1][0], 1);
	CHECK_EQ(seen[1][1], 2);	/* the latest, back in the field */
	CHECK_EQ(x_field, 2);
	stale_plain_read_with(NULL, 0);	/* no choice: the latest */
	CHECK_EQ(x_read, 2);
}

/*
 * ---- regressions: inputs the shims' ordering rules keep clean ----
 *
 * Each input of tests/kernel-regress was a false positive on the
 * unpatched code; it replays clean through the whole harness on the
 * kernel backend, and reports its old finding again with its rule off.
 */
static const struct {
	const char *file;
	bool *rule_off;		/* the switch that takes the rule out */
	enum verdict without;	/* the verdict without the rule */
} regressions[] = {
	{ "add-not-zero-ctrl-dep.vmt", &ksim_ctrl_dep_off, VERDICT_DATA_RACE },
};

static bool load_regression(const char *name, struct vmt_program *p)
{
	char path[512], text[8192], err[128];
	struct vmt_meta meta;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", VMLOCK_KERNEL_REGRESS_DIR, name);
	f = fopen(path, "r");
	if (!CHECK(f != NULL))
		return false;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	if (vmt_parse(text, p, &meta, err, sizeof(err)) != 0) {
		fprintf(stderr, "[%s] %s: %s\n", cur_test, path, err);
		cur_failures++;
		return false;
	}
	return true;
}

static void run_regression(const struct vmt_program *p, bool rule_off,
			   bool *flag)
{
	struct harness_opts o;
	unsigned which;

	harness_opts_default(&o);
	o.backend = BACKEND_KERNEL;
	*flag = rule_off;
	harness_run_input(p, &o, &res, &which);
	*flag = false;
}

/* The operations' sequential semantics, the model's cases (test_ops). */
static void test_ops_semantics(void)
{
	cur_failures += ops_semantics(BACKEND_KERNEL);
}

static void test_regressions(void)
{
	for (size_t i = 0; i < sizeof(regressions) / sizeof(regressions[0]); i++) {
		static struct vmt_program p;

		if (!load_regression(regressions[i].file, &p))
			continue;
		run_regression(&p, false, regressions[i].rule_off);
		EXPECT_VERDICT(VERDICT_CLEAN);
		run_regression(&p, true, regressions[i].rule_off);
		EXPECT_VERDICT(regressions[i].without);
	}
}

/* The free as a write (src/check/lifetime.c) on the kernel's code: the
 * unpatched copy frees #0 after T0's read of vm_mm (clean); the D5 copy's
 * release-only decrement leaves the free unordered after it, found at the
 * free with no reuse after it (tests/kernel-regress/free-after-stale-put.vmt). */
static void test_free_oracle(void)
{
	static struct vmt_program p;
	struct harness_opts o;
	unsigned which;

	if (!load_regression("free-after-stale-put.vmt", &p))
		return;
	harness_opts_default(&o);
	o.backend = BACKEND_KERNEL;
	harness_run_input(&p, &o, &res, &which);
	EXPECT_VERDICT(VERDICT_CLEAN);
	o.variant = V_DETACH_PUT_NO_ACQUIRE;
	harness_run_input(&p, &o, &res, &which);
	EXPECT_VERDICT(VERDICT_DATA_RACE);
	CHECK(strstr(res.msg, "T1 frees #0 (a free writes the whole object) racing with T0's earlier access to #0.vm_mm") != NULL);
	printf("  %s\n", res.msg);
}

/* refcount_t's warnings (the kernel's include/linux/refcount.h, its
 * refcount_warn_saturate() routed to the oracle): each event from the
 * operation the kernel checks, on #0's vm_refcnt, and a correct sequence
 * of the same operations clean. */
static void t_rc_add_not_zero_ovf(void *arg)
{
	(void)arg;
	/* A double exclusion: F over F overflows the int. */
	seen[0][0] = refcount_add_not_zero(FLAG, &va->vm_refcnt);
	seen[0][1] = refcount_add_not_zero(FLAG, &va->vm_refcnt);
}

static void t_rc_add_ovf(void *arg)
{
	(void)arg;
	refcount_set(&va->vm_refcnt, INT_MAX);
	refcount_inc(&va->vm_refcnt);
}

static void t_rc_add_uaf(void *arg)
{
	(void)arg;
	refcount_set(&va->vm_refcnt, 0);
	refcount_inc(&va->vm_refcnt);
}

static void t_rc_sub_uaf(void *arg)
{
	(void)arg;
	refcount_set(&va->vm_refcnt, 0);
	seen[0][0] = refcount_dec_and_test(&va->vm_refcnt);
}

static void t_rc_dec_leak(void *arg)
{
	(void)arg;
	refcount_dec(&va->vm_refcnt);	/* 1 -> 0 */
}

static void t_rc_correct(void *arg)
{
	(void)arg;
	refcount_inc(&va->vm_refcnt);
	refcount_dec(&va->vm_refcnt);
	VM_ASSERT(refcount_add_not_zero(FLAG, &va->vm_refcnt));
	VM_ASSERT(!refcount_sub_and_test(FLAG, &va->vm_refcnt));
	seen[0][0] = refcount_dec_and_test(&va->vm_refcnt);
}

static void test_refcount_saturate(void)
{
	static const struct {
		void (*body)(void *);
		const char *msg;
	} cases[] = {
		{ t_rc_add_not_zero_ovf, "refcount_t: saturated; leaking memory. (REFCOUNT_ADD_NOT_ZERO_OVF: #0.vm_refcnt" },
		{ t_rc_add_ovf, "refcount_t: saturated; leaking memory. (REFCOUNT_ADD_OVF: #0.vm_refcnt" },
		{ t_rc_add_uaf, "refcount_t: addition on 0; use-after-free. (REFCOUNT_ADD_UAF: #0.vm_refcnt left at 1)" },
		{ t_rc_sub_uaf, "refcount_t: underflow; use-after-free. (REFCOUNT_SUB_UAF: #0.vm_refcnt left at -1)" },
		{ t_rc_dec_leak, "refcount_t: decrement hit 0; leaking memory. (REFCOUNT_DEC_LEAK: #0.vm_refcnt left at 0)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		world_begin();
		va = setup_vma(PAGE0, 1);
		sim_spawn(cases[i].body, NULL);
		run();
		EXPECT_VERDICT(VERDICT_REFCOUNT_SATURATE);
		if (!CHECK(strstr(res.msg, cases[i].msg) != NULL))
			fprintf(stderr, "  report: %s\n  want: %s\n", res.msg, cases[i].msg);
		printf("  %s\n", res.msg);
	}
	world_begin();
	va = setup_vma(PAGE0, 1);
	sim_spawn(t_rc_correct, NULL);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_EQ(seen[0][0], 1);
	CHECK_EQ(kvma_peek_refcnt(va), 0);
}

#define RUN(t)								\
	do {								\
		cur_test = #t;						\
		cur_failures = 0;					\
		memset(got, 0, sizeof(got));				\
		memset(seen, 0, sizeof(seen));				\
		memset(ret, 0, sizeof(ret));				\
		test_##t();						\
		if (cur_failures)					\
			nfailed++;					\
		else							\
			npassed++;					\
		printf("%s %s\n", cur_failures ? "FAIL" : "ok  ", #t);	\
	} while (0)

/*
 * The map's nodes under the kernel's own lock_next_vma(): T0 walks one
 * step (the walk state caches the root node), leaves RCU and waits while
 * T1 maps and unmaps a page (two stores: the cached node replaced, freed
 * after its grace period, its slot reused by the second copy), then
 * re-enters RCU and steps on.  Without vma_iter_set() the kernel's
 * vma_next() (the shim) reads on from the freed node:
 * rcu-use-after-free; with it the walk starts at the root: clean.
 */
static bool walk_resets;

static void t_walker(void *arg)
{
	struct vma_iterator vmi;
	struct vm_area_struct *v;

	(void)arg;
	rcu_read_lock();
	vma_iter_init(&vmi, mm_a, PAGE0);
	v = lock_next_vma(mm_a, &vmi, PAGE0);
	got[0] = v;
	VM_ASSERT(v == va && vmi.mas.ksim_node.node);
	vma_end_read(v);
	rcu_read_unlock();
	set_phase(1);
	wait_phase(2);
	rcu_read_lock();
	if (walk_resets)
		vma_iter_set(&vmi, PAGE2);
	got[1] = lock_next_vma(mm_a, &vmi, PAGE2);
	rcu_read_unlock();
}

static void t_map_twice(void *arg)
{
	(void)arg;
	wait_phase(1);
	mmap_write_lock(mm_a);
	struct vm_area_struct *v = kvm_area_alloc(mm_a, 0);

	kvma_set_range(v, PAGE2 + KSIM_PAGE_SIZE, PAGE2 + 2 * KSIM_PAGE_SIZE);
	kvma_iter_store(mm_a, v, PAGE2 + KSIM_PAGE_SIZE, PAGE2 + 2 * KSIM_PAGE_SIZE);
	kvma_iter_clear(mm_a, PAGE2 + KSIM_PAGE_SIZE, PAGE2 + 2 * KSIM_PAGE_SIZE);
	kvm_area_free(v);
	mmap_write_unlock(mm_a);
	set_phase(2);
}

static void test_walk_node_lifetime(void)
{
	for (int reset = 0; reset < 2; reset++) {
		walk_resets = reset;
		world_begin();
		va = setup_vma(PAGE0, 1);
		got[0] = got[1] = NULL;
		sim_spawn(t_walker, NULL);
		sim_spawn(t_map_twice, NULL);
		run();
		if (reset) {
			EXPECT_VERDICT(VERDICT_CLEAN);
			CHECK(got[1] == NULL);	/* nothing above page 2 */
			continue;
		}
		EXPECT_VERDICT(VERDICT_RCU_USE_AFTER_FREE);
		CHECK_EQ(res.fail_tid, 0);
		CHECK(strstr(res.msg, "slab-use-after-free in vma_next(): T0 reads maple node") != NULL);
		printf("  %s\n", res.msg);
	}
}

int main(void)
{
	printf("kernel backend: Linux %s\n", VMLOCK_KERNEL_VERSION);
	RUN(attach);
	RUN(read);
	RUN(write);
	RUN(write_waits);
	RUN(write_killable);
	RUN(detach);
	RUN(detach_temporary_reader);
	RUN(write_against_reader);
	RUN(reader_limit);
	RUN(warn);
	RUN(asserts_fire);
	RUN(lost_wakeup_detected);
	RUN(race_detected);
	RUN(walk_node_lifetime);	/* before the harness's oracles are installed */
	RUN(stale_plain_read);
	RUN(refcount_saturate);
	RUN(free_oracle);
	RUN(regressions);
	RUN(ops_semantics);
	printf("%u passed, %u failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
