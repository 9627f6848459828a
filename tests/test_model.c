// SPDX-License-Identifier: MIT
/*
 * test_model.c - unit tests of the lock model's sequential semantics.
 *
 * One test per transition of the vm_refcnt value table (vma-lock-spec.md
 * section 1.1) and per operation of section 2.  Each test sets up a run the
 * way src/harness/run.c does, runs the model inside simulated threads with
 * the oracles on, and checks exact vm_refcnt values (sim_peek, and the
 * sequence of values written, from the trace), vm_lock_seq, mm_lock_seq,
 * return values, and the run's verdict: VERDICT_CLEAN for correct use, the
 * named verdict where the kernel would WARN.
 *
 * Orderings.  With no schedule runs the bytes strategy is cooperative: a
 * thread runs until it sleeps, spins or ends, then the next ready one.
 * Threads order themselves at test level with WAIT_UNTIL (a sim_spin loop:
 * the spinner sleeps until another thread writes shared memory, unless one
 * did since its mark) and set_phase (a phase number plus a harmless shared
 * write, mmgrab/mmdrop of the thread's own mm, to wake the spinners; it
 * also orders the threads through mm_count, so tests about races do not
 * use it between the racing threads).  Where a thread must be
 * stopped inside the model (between vma_start_read's early check and its
 * increment), the tests give explicit runs, whose lengths are measured by a
 * calibration run of the same code in the same world, not typed in.
 *
 * Exit status 0 when every check passes; each failure prints file:line,
 * the test and the expression; the last line is "N passed, M failed".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "harness/harness.h"
#include "harness/ops.h"
#include "lock/kdebug.h"
#include "lock/mmap_lock.h"
#include "sim/sim.h"
#include "sim/strategy.h"
#include "sim/verdict.h"
#include "util/assert.h"

/* ---- the test framework ---- */


/* The VMA the tree holds for addr, read without an access (for checks). */
static struct vm_area_struct *tree_peek(struct mm_struct *mm, unsigned long addr)
{
	int v = mt_peek(&mm->mm_mt, (int)(addr / VMT_PAGE_SIZE) - 1);

	return v ? &world.vma[v - 1] : NULL;
}

static const char *cur_test;
static unsigned cur_failures;

static bool check_(bool ok, const char *file, int line, const char *expr)
{
	if (!ok) {
		fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n", file, line,
			cur_test, expr);
		cur_failures++;
	}
	return ok;
}

static bool check_eq_(long long got, long long want, const char *file,
		      int line, const char *expr, const char *wexpr)
{
	if (got != want) {
		fprintf(stderr, "%s:%d: [%s] CHECK failed: %s == %s (got %lld = %#llx, want %lld = %#llx)\n",
			file, line, cur_test, expr, wexpr, got,
			(unsigned long long)got, want, (unsigned long long)want);
		cur_failures++;
	}
	return got == want;
}

#define CHECK(cond) check_(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(got, want)						\
	check_eq_((long long)(got), (long long)(want), __FILE__, __LINE__, \
		  #got, #want)

#define TEST(name) static void test_##name(void)

/* ---- the world of a run ---- */

#define FLAG VM_REFCNT_EXCLUDE_READERS_FLAG
#define LIMIT VM_REFCNT_LIMIT
#define UNLOCKED_SEQ ((int32_t)UINT_MAX)	/* vma_lock_init()'s vm_lock_seq */
/* What vm_area_free() leaves in vm_start/vm_end (mm.c's free pointer). */
#define FREEPTR_POISON ((uintptr_t)0x6b6b6b6b6b6bUL)
#define PAGE0 vmt_page_addr(0)
#define PAGE2 vmt_page_addr(2)
#define PAGE4 vmt_page_addr(4)

static struct sim_result res;
static struct strat_bytes sb;
static struct sim_sched_run runs[8];
static struct mm_struct *mm_a, *mm_b;
static struct vm_area_struct *va, *vb;	/* VMAs set up before the run */
static int th_mm[SIM_MAX_THREADS];	/* each thread's own mm */
static volatile int phase;		/* test-level ordering, see set_phase */
static volatile bool flag_done;		/* a thread got past a blocking call */

/* sim_setup, strategy, sim_begin, a fresh world with mms A and B, no
 * oracles yet.  nr == 0: cooperative scheduling. */
static void world_begin(bool small, const struct sim_sched_run *r,
			unsigned nr)
{
	struct sim_run_cfg cfg = {
		.strategy = &strategy_bytes,
		.strategy_ctx = &sb,
		.step_budget = 20000,
		.trace = true,
	};

	VM_ASSERT(nr <= sizeof(runs) / sizeof(runs[0]));
	sim_setup();
	if (nr)
		memcpy(runs, r, nr * sizeof(*r));
	strat_bytes_init(&sb, runs, nr, NULL, 0);
	vmlock_variant = V_NONE;
	kdebug_reset();
	memset(&sim_hooks, 0, sizeof(sim_hooks));
	sim_begin(&cfg);
	lock_world_reset(small);
	mm_a = mm_init_world(0);
	mm_b = mm_init_world(1);
	va = vb = NULL;
	phase = 0;
	flag_done = false;
}

/* An attached VMA of npages at page, as run.c's setup_vma (main context). */
static struct vm_area_struct *setup_vma(struct mm_struct *mm, unsigned page,
					unsigned npages)
{
	unsigned long start = vmt_page_addr(page);
	unsigned long end = start + npages * VMT_PAGE_SIZE;
	struct vm_area_struct *vma = vm_area_alloc(mm, 0);

	VM_ASSERT(vma != NULL);
	vma->vm_start.v = start;
	vma->vm_end.v = end;
	vma->vm_flags.v = 0x100;
	vma->vm_pgoff.v = 0x100;
	sim_store(&vma->vm_refcnt, 1, SIM_RELAXED, SIM_SITE("setup"));
	vma_iter_store(mm, vma, start, end);
	return vma;
}

/* Spawn a thread of mm like run.c: mmget from main, tell the oracles. */
static void spawn(void (*fn)(void *), struct mm_struct *mm)
{
	int tid = sim_nthreads();

	th_mm[tid] = mm->idx;
	mmget(mm);
	check_thread_mm(tid, mm->idx);
	VM_ASSERT(sim_spawn(fn, NULL) == tid);
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
		file, line, cur_test, verdict_name(want),
		verdict_name(res.verdict), res.truncated ? " (truncated)" : "",
		res.fail_tid, res.msg);
	cur_failures++;
	return false;
}

#define EXPECT_VERDICT(v) expect_verdict_((v), __FILE__, __LINE__)

/* ---- inside a thread ---- */

static struct mm_struct *my_mm(void)
{
	return &world.mm[th_mm[sim_self()]];
}

static int32_t refcnt(const struct vm_area_struct *v)
{
	return sim_peek(&v->vm_refcnt);
}

static int32_t lock_seq(const struct vm_area_struct *v)
{
	return sim_peek(&v->vm_lock_seq);
}

static int32_t mm_seq(const struct mm_struct *mm)
{
	return sim_peek(&mm->mm_lock_seq);
}

/* A named point in the trace: the checks after the run refer to it. */
static void mark(const char *name)
{
	sim_note("mark:%s", name);
}

/* Spin until cond holds: sim_spin sleeps until another thread writes
 * shared memory (unless one already did since the mark), then re-test. */
#define WAIT_UNTIL(cond)						\
	do {								\
		for (;;) {						\
			uint64_t mark_ = sim_spin_mark();		\
									\
			if (cond)					\
				break;					\
			sim_spin(mark_, SIM_SITE("test: wait until " #cond)); \
		}							\
	} while (0)

/* Move to phase p, and write shared memory so that spinners look again.
 * Only before the thread's mmput (it pins its own mm for a moment). */
static void set_phase(int p)
{
	phase = p;
	mmgrab(my_mm());
	mmdrop(my_mm());
}

/* lock_vma_under_rcu() and the report to the oracles, as op_fault does. */
static struct vm_area_struct *rcu_read(unsigned long addr)
{
	struct vm_area_struct *v = lock_vma_under_rcu(my_mm(), addr);

	if (v)
		check_read_locked(v, my_mm(), addr, true);
	return v;
}

/* vma_start_read_locked() under mmap_read_lock, as op_read_locked does. */
static bool locked_read(struct vm_area_struct *v, unsigned long addr)
{
	bool ok;

	mmap_read_lock(my_mm());
	ok = vma_start_read_locked(v);
	if (ok)
		check_read_locked(v, my_mm(), addr, false);
	mmap_read_unlock(my_mm());
	return ok;
}

static void read_unlock(struct vm_area_struct *v)
{
	check_read_unlock(v);
	vma_end_read(v);
}

static void write_lock(struct vm_area_struct *v)
{
	vma_start_write(v);
	check_write_locked(v);
}

/* munmap of v under the mmap write lock: write-lock, detach, remove, free. */
static void unmap_locked(struct vm_area_struct *v)
{
	write_lock(v);
	vma_mark_detached(v);
	check_detached(v);
	vma_iter_clear(my_mm(), PLAIN_READ(v->vm_start), PLAIN_READ(v->vm_end));
	vm_area_free(v);
}

/* ---- the trace, after the run ---- */

static size_t trace(const struct sim_event **ev)
{
	return sim_trace(ev);
}

/* Index of mark name (NULL: dflt); the trace length if it is missing. */
static size_t mark_at(const char *name, size_t dflt)
{
	const struct sim_event *ev;
	size_t n = trace(&ev);

	if (!name)
		return dflt;
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == SIM_EV_NOTE && ev[i].note &&
		    !strncmp(ev[i].note, "mark:", 5) &&
		    !strcmp(ev[i].note + 5, name))
			return i;
	fprintf(stderr, "[%s] mark '%s' is not in the trace\n", cur_test, name);
	cur_failures++;
	return n;
}

static bool is_write_of(const struct sim_event *e, uint16_t loc)
{
	return e->kind == SIM_EV_ACCESS && e->a.loc == loc &&
	       (e->a.kind == SIM_A_STORE || e->a.kind == SIM_A_RMW);
}

static void print_vals(const char *what, const int32_t *v, unsigned n)
{
	fprintf(stderr, "    %s {", what);
	for (unsigned i = 0; i < n; i++)
		fprintf(stderr, "%s%d", i ? ", " : " ", v[i]);
	fprintf(stderr, " }\n");
}

/* The values written to loc between two marks are exactly want[]. */
static void check_hist_(uint16_t loc, const char *from, const char *to,
			const int32_t *want, unsigned nwant, const char *file,
			int line)
{
	const struct sim_event *ev;
	size_t n = trace(&ev);
	size_t i = mark_at(from, 0), end = mark_at(to, n);
	int32_t got[64];
	unsigned ngot = 0;
	bool ok;

	for (; i < end; i++)
		if (is_write_of(&ev[i], loc) && ngot < 64)
			got[ngot++] = (int32_t)ev[i].a.val;
	ok = ngot == nwant && (!nwant || !memcmp(got, want, nwant * sizeof(*got)));
	if (check_(ok, file, line, "values written between the marks"))
		return;
	fprintf(stderr, "    from %s to %s:\n", from ? from : "start",
		to ? to : "end");
	print_vals("want", want, nwant);
	print_vals("got ", got, ngot);
}

#define CHECK_HIST(loc, from, to, ...)					\
	check_hist_((loc), (from), (to), (const int32_t[]){ __VA_ARGS__ }, \
		    sizeof((const int32_t[]){ __VA_ARGS__ }) / sizeof(int32_t), \
		    __FILE__, __LINE__)
#define CHECK_NO_WRITES(loc, from, to)					\
	check_hist_((loc), (from), (to), NULL, 0, __FILE__, __LINE__)

/* First event at or after i of kind for tid; the trace length if none. */
static size_t next_event(size_t i, int kind, int tid)
{
	const struct sim_event *ev;
	size_t n = trace(&ev);

	for (; i < n; i++)
		if (ev[i].kind == kind && ev[i].tid == tid)
			return i;
	return n;
}

/* First write of val to loc at or after i; the trace length if none. */
static size_t next_write(size_t i, uint16_t loc, int32_t val)
{
	const struct sim_event *ev;
	size_t n = trace(&ev);

	for (; i < n; i++)
		if (is_write_of(&ev[i], loc) && ev[i].a.val == val)
			return i;
	return n;
}

/* First access of tid at site (func, what) at or after i. */
static const struct sim_access *find_access(size_t *i, int tid,
					    const char *func, const char *what)
{
	const struct sim_event *ev;
	size_t n = trace(&ev);

	for (; *i < n; (*i)++) {
		const struct sim_access *a = &ev[*i].a;

		if (ev[*i].kind == SIM_EV_ACCESS && a->tid == tid &&
		    !strcmp(a->site->func, func) &&
		    (!what || !strcmp(a->site->what, what)))
			return a;
	}
	return NULL;
}

static unsigned count_accesses(int tid, const char *func, const char *what)
{
	unsigned k = 0;

	for (size_t i = 0; find_access(&i, tid, func, what); i++)
		k++;
	return k;
}

/* Writes (stores, RMWs) of tid to location loc. */
static unsigned count_writes_by(int tid, uint16_t loc)
{
	const struct sim_event *ev;
	size_t n = trace(&ev);
	unsigned k = 0;

	for (size_t i = 0; i < n; i++)
		k += is_write_of(&ev[i], loc) && ev[i].a.tid == tid;
	return k;
}

/* The thread sleeping at block is woken only after the write at put. */
static void check_woken_by_(int tid, const char *block_mark, uint16_t loc,
			    int32_t val, const char *file, int line)
{
	size_t block = next_event(mark_at(block_mark, 0), SIM_EV_BLOCK, tid);
	size_t put = next_write(block, loc, val);
	size_t wake = next_event(block, SIM_EV_WAKE, tid);
	const struct sim_event *ev;
	size_t n = trace(&ev);

	check_(block < n, file, line, "the waiter went to sleep");
	check_(put < n, file, line, "the waker's put wrote the target value");
	check_(put < wake && wake < n, file, line,
	       "the waiter is woken after (and only after) that put");
}

#define CHECK_WOKEN_BY(tid, mark, loc, val)				\
	check_woken_by_((tid), (mark), (loc), (val), __FILE__, __LINE__)

/* ---- calibration: scheduling points of a code prefix ---- */

static void cal_early_check(void *arg)
{
	(void)arg;
	/* Write-locked: vma_start_read fails at the early check. */
	(void)lock_vma_under_rcu(my_mm(), PAGE0);
}

static void cal_detach(void *arg)
{
	(void)arg;
	mmap_write_lock(my_mm());
	vma_start_write(va);
	vma_mark_detached(va);
}

/*
 * Steps fn takes alone in the world of the small-limit tests (one 1-page
 * VMA at page 0 of mm A), oracles off.  seq_locked makes the VMA look
 * write-locked, so lock_vma_under_rcu stops right after the early check.
 */
static uint32_t calibrate(void (*fn)(void *), bool seq_locked)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	if (seq_locked) {
		sim_store(&mm_a->mm_lock_seq, 1, SIM_RELAXED, SIM_SITE("setup"));
		sim_store(&va->vm_lock_seq, 1, SIM_RELAXED, SIM_SITE("setup"));
	}
	spawn(fn, mm_a);
	run();
	CHECK(res.verdict == VERDICT_CLEAN && !res.truncated);
	return res.steps;
}

/* Runs: the reader makes exactly the accesses of lock_vma_under_rcu up to
 * and including the early check (a run of n lets its thread make n
 * scheduling points), then T1 has priority for 255 steps: whenever T1 is
 * ready it runs, else the first ready thread after it. */
static unsigned reader_then_writer(struct sim_sched_run *r)
{
	uint32_t early = calibrate(cal_early_check, true);

	CHECK_EQ(early, 3);	/* mas_walk, READ_ONCE(vm_lock_seq), READ_ONCE(mm_lock_seq) */
	r[0] = (struct sim_sched_run){ .thread = 0, .steps = (uint8_t)early };
	r[1] = (struct sim_sched_run){ .thread = 1, .steps = 255 };
	return 2;
}

/* ==== 0 -> 1: vma_mark_attached ==== */

static struct vm_area_struct *newv;

static void attach_body(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct vm_area_struct *v;

	(void)arg;
	mmap_write_lock(mm);
	CHECK_EQ(mm_seq(mm), 1);
	v = newv = vm_area_alloc(mm, 0);
	VM_ASSERT(v != NULL);
	CHECK_EQ(refcnt(v), 0);
	CHECK_EQ(lock_seq(v), UNLOCKED_SEQ);
	CHECK(vma_mm_peek(v) == mm);
	CHECK_EQ(check_vma_gen(v->idx), 1);
	PLAIN_WRITE(v->vm_start, PAGE4);
	PLAIN_WRITE(v->vm_end, PAGE4 + VMT_PAGE_SIZE);
	mark("write-detached");
	vma_start_write(v);	/* detached: only vm_lock_seq moves */
	mark("written");
	CHECK_EQ(refcnt(v), 0);
	CHECK_EQ(lock_seq(v), 1);
	vma_iter_store(mm, v, PAGE4, PAGE4 + VMT_PAGE_SIZE);
	mark("attach");
	vma_mark_attached(v);
	CHECK_EQ(refcnt(v), 1);
	vma_assert_attached(v);
	vma_assert_write_locked(v);
	mmap_write_unlock(mm);
	CHECK_EQ(mm_seq(mm), 2);
	mark("read");
	CHECK(rcu_read(PAGE4) == v);
	CHECK_EQ(refcnt(v), 2);
	read_unlock(v);
	CHECK_EQ(refcnt(v), 1);
	mark("exit");
	mmput(mm);		/* last user: exit_mmap frees v */
	CHECK_EQ(refcnt(v), 0);
	CHECK(world.mm_freed[0]);
}

TEST(attach_0_to_1)
{
	world_begin(true, NULL, 0);
	check_begin();
	spawn(attach_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_NO_WRITES(newv->vm_refcnt.loc, NULL, "attach");
	CHECK_HIST(newv->vm_refcnt.loc, "attach", "read", 1);
	CHECK_HIST(newv->vm_refcnt.loc, "read", "exit", 2, 1);
	/* exit_mmap: write-lock 1 -> F+1 -> 1, detach 1 -> 0 */
	CHECK_HIST(newv->vm_refcnt.loc, "exit", NULL, FLAG + 1, 1, 0);
	CHECK_HIST(newv->vm_lock_seq.loc, "write-detached", "written", 1);
}

static void attach_unlocked_body(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct vm_area_struct *v;

	(void)arg;
	mmap_write_lock(mm);
	v = vm_area_alloc(mm, 0);
	VM_ASSERT(v != NULL);
	PLAIN_WRITE(v->vm_start, PAGE4);
	PLAIN_WRITE(v->vm_end, PAGE4 + VMT_PAGE_SIZE);
	vma_iter_store(mm, v, PAGE4, PAGE4 + VMT_PAGE_SIZE);
	vma_mark_attached(v);	/* not write-locked: WARN, never returns */
	CHECK(!"vma_mark_attached on a VMA not write-locked returned");
}

TEST(attach_needs_write_lock)
{
	world_begin(true, NULL, 0);
	check_begin();
	spawn(attach_unlocked_body, mm_a);
	run();
	if (EXPECT_VERDICT(VERDICT_KERNEL_WARN))
		CHECK(strstr(res.msg, "vma_assert_write_locked"));
	CHECK_EQ(res.fail_tid, 0);
}

/* ==== 1 -> 2 .. L, and the limit ==== */

static bool limit_rcu[2];	/* per reader: lock_vma_under_rcu or locked */

static void limit_reader(void *arg)
{
	int me = sim_self();
	bool ok;

	(void)arg;
	WAIT_UNTIL(phase >= me);
	ok = limit_rcu[me] ? rcu_read(PAGE0) == va : locked_read(va, PAGE0);
	CHECK(ok);
	CHECK_EQ(refcnt(va), 2 + me);
	vma_assert_locked(va);
	set_phase(me + 1);
	WAIT_UNTIL(phase >= 3);
	if (ok)
		read_unlock(va);
	mmput(my_mm());
}

static void limit_prober(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	WAIT_UNTIL(phase >= 2);
	CHECK_EQ(refcnt(va), LIMIT);
	mark("probe");
	CHECK(lock_vma_under_rcu(mm, PAGE0) == NULL);
	CHECK_EQ(refcnt(va), LIMIT);
	mmap_read_lock(mm);
	CHECK(!vma_start_read_locked(va));
	CHECK_EQ(refcnt(va), LIMIT);
	mmap_read_unlock(mm);
	mark("probed");
	set_phase(3);
	mmput(mm);
}

static void limit_case(bool rcu0, bool rcu1)
{
	world_begin(true, NULL, 0);
	CHECK_EQ(FLAG, 4);
	CHECK_EQ(LIMIT, 3);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	limit_rcu[0] = rcu0;
	limit_rcu[1] = rcu1;
	spawn(limit_reader, mm_a);
	spawn(limit_reader, mm_a);
	spawn(limit_prober, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(va->vm_refcnt.loc, NULL, "probe", 2, 3);
	CHECK_NO_WRITES(va->vm_refcnt.loc, "probe", "probed");
	/* NULL at once, not -EAGAIN and a retry: one walk. */
	CHECK_EQ(count_accesses(2, "mas_walk", NULL), 1);
	/* the readers leave (3 -> 2 -> 1), the last mmput tears down */
	CHECK_HIST(va->vm_refcnt.loc, "probed", NULL, 2, 1, FLAG + 1, 1, 0);
}

TEST(readers_to_limit_rcu)
{
	limit_case(true, true);
}

TEST(readers_to_limit_locked)
{
	limit_case(false, false);
}

TEST(readers_to_limit_mixed)
{
	limit_case(true, false);
}

/* ==== vma_start_write: 1 -> F+1 -> 1, and the no-op ==== */

static void start_write_body(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	CHECK_EQ(mm_seq(mm), 1);
	CHECK(!__is_vma_write_locked(va));
	mark("w1");
	vma_start_write(va);
	mark("w1-done");
	check_write_locked(va);
	CHECK_EQ(refcnt(va), 1);
	CHECK_EQ(lock_seq(va), 1);
	CHECK(__is_vma_write_locked(va));
	mark("w2");
	vma_start_write(va);			/* already write-locked */
	CHECK_EQ(vma_start_write_killable(va), 0);
	mark("w2-done");
	CHECK_EQ(refcnt(va), 1);
	CHECK_EQ(lock_seq(va), 1);
	vma_assert_locked(va);
	mmap_write_unlock(mm);
	CHECK_EQ(mm_seq(mm), 2);
	CHECK_EQ(lock_seq(va), 1);		/* unchanged, now stale */
	CHECK(rcu_read(PAGE0) == va);
	CHECK_EQ(refcnt(va), 2);
	read_unlock(va);
	CHECK_EQ(refcnt(va), 1);
	mmput(mm);
}

static void start_write_case(bool small)
{
	world_begin(small, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(start_write_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(va->vm_refcnt.loc, "w1", "w1-done", FLAG + 1, 1);
	CHECK_HIST(va->vm_lock_seq.loc, "w1", "w1-done", 1);
	CHECK_NO_WRITES(va->vm_refcnt.loc, "w2", "w2-done");
	CHECK_NO_WRITES(va->vm_lock_seq.loc, "w2", "w2-done");
}

TEST(start_write_no_readers_small)
{
	start_write_case(true);
	CHECK_EQ(FLAG + 1, 5);
}

TEST(start_write_no_readers_kernel)
{
	start_write_case(false);
	CHECK_EQ(FLAG + 1, 0x40000001);
}

/* ==== writer waits for readers: F + k, woken at F + 1 ==== */

static void ww_reader(void *arg)
{
	struct mm_struct *mm = my_mm();
	int me = sim_self();

	(void)arg;
	WAIT_UNTIL(phase >= me);
	CHECK(rcu_read(PAGE0) == va);
	set_phase(me + 1);
	WAIT_UNTIL(phase >= 3 + me);
	/* seed 003: a real reader asserts while a write is in progress */
	vma_assert_locked(va);
	CHECK_EQ(mm_seq(mm), 1);		/* odd: write-held */
	CHECK_EQ(sim_peek(&mm->vma_writer_wait), 2 + 1);	/* T2 waits */
	CHECK_EQ(refcnt(va), FLAG + 3 - me);
	mark(me ? "put2" : "put1");
	read_unlock(va);
	CHECK_EQ(refcnt(va), FLAG + 2 - me);	/* the writer has not run */
	CHECK(!flag_done);
	if (!me) {
		CHECK_EQ(sim_peek(&mm->vma_writer_wait), 2 + 1);
		set_phase(4);
	}
	mmput(mm);
}

static void ww_writer(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	WAIT_UNTIL(phase >= 2);
	mmap_write_lock(mm);
	CHECK_EQ(mm_seq(mm), 1);
	mark("write");
	vma_start_write(va);
	mark("written");
	flag_done = true;
	check_write_locked(va);
	CHECK_EQ(refcnt(va), 1);
	CHECK_EQ(lock_seq(va), 1);
	vma_assert_locked(va);
	mmap_write_unlock(mm);
	CHECK_EQ(mm_seq(mm), 2);
	mmput(mm);
}

/* A reader while F is set: NULL, and the count does not move. */
static void ww_late_reader(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	WAIT_UNTIL(phase >= 2 && (refcnt(va) & FLAG));
	CHECK_EQ(mm_seq(mm), 1);
	mark("late");
	CHECK(lock_vma_under_rcu(mm, PAGE0) == NULL);
	mark("late-done");
	CHECK_EQ(refcnt(va), FLAG + 3);
	set_phase(3);
	mmput(mm);
}

static void write_waits_case(bool lockdep)
{
	uint16_t loc;

	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	loc = va->vm_refcnt.loc;
	check_begin();
	if (!lockdep)
		kdebug.lock_is_held = NULL;	/* vma_assert_locked by count */
	spawn(ww_reader, mm_a);
	spawn(ww_reader, mm_a);
	spawn(ww_writer, mm_a);
	spawn(ww_late_reader, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(loc, NULL, "write", 2, 3);
	CHECK_HIST(loc, "write", "late", FLAG + 3);
	CHECK_NO_WRITES(loc, "late", "late-done");
	CHECK_NO_WRITES(loc, "late-done", "put1");
	CHECK_HIST(loc, "put1", "put2", FLAG + 2);
	CHECK_HIST(loc, "put2", "written", FLAG + 1, 1);
	CHECK_EQ(count_accesses(3, "mas_walk", NULL), 1);
	CHECK_WOKEN_BY(2, "write", loc, FLAG + 1);
}

TEST(write_waits_for_readers_lockdep)
{
	write_waits_case(true);
}

TEST(write_waits_for_readers_count_assert)
{
	write_waits_case(false);
}

/* ==== vma_end_write_all: every write lock at once ==== */

static void ewa_writer(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	write_lock(vb);
	CHECK_EQ(lock_seq(va), 1);
	CHECK_EQ(lock_seq(vb), 1);
	set_phase(1);
	WAIT_UNTIL(phase >= 2);
	mark("unlock");
	mmap_write_unlock(mm);
	mark("unlocked");
	CHECK_EQ(mm_seq(mm), 2);
	CHECK_EQ(lock_seq(va), 1);
	CHECK_EQ(lock_seq(vb), 1);
	set_phase(3);
	WAIT_UNTIL(phase >= 4);
	mmput(mm);
}

static void ewa_reader(void *arg)
{
	(void)arg;
	WAIT_UNTIL(phase >= 1);
	CHECK(rcu_read(PAGE0) == NULL);
	CHECK(rcu_read(PAGE2) == NULL);
	CHECK_EQ(refcnt(va), 1);
	CHECK_EQ(refcnt(vb), 1);
	set_phase(2);
	WAIT_UNTIL(phase >= 3);
	CHECK(rcu_read(PAGE0) == va);
	CHECK(rcu_read(PAGE2) == vb);
	CHECK_EQ(refcnt(va), 2);
	CHECK_EQ(refcnt(vb), 2);
	read_unlock(va);
	read_unlock(vb);
	set_phase(4);
	mmput(my_mm());
}

TEST(end_write_all_releases_every_vma)
{
	uint16_t seq_loc;

	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	vb = setup_vma(mm_a, 2, 1);
	seq_loc = mm_a->mm_lock_seq.loc;	/* mm A is freed by the end */
	check_begin();
	spawn(ewa_writer, mm_a);
	spawn(ewa_reader, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	/* one increment of the sequence unlocks both */
	CHECK_HIST(seq_loc, "unlock", "unlocked", 2);
	CHECK_NO_WRITES(va->vm_lock_seq.loc, "unlock", "unlocked");
	CHECK_NO_WRITES(vb->vm_lock_seq.loc, "unlock", "unlocked");
	/* the failed readers never touched the counts */
	CHECK_HIST(va->vm_refcnt.loc, NULL, "unlock", FLAG + 1, 1);
	CHECK_HIST(vb->vm_refcnt.loc, NULL, "unlock", FLAG + 1, 1);
}

/* ==== vma_start_write_killable ==== */

static void kill_reader(void *arg)
{
	(void)arg;
	CHECK(rcu_read(PAGE0) == va);
	set_phase(1);
	WAIT_UNTIL(phase >= 5);
	read_unlock(va);
	CHECK_EQ(refcnt(va), 1);
	mmput(my_mm());
}

static void kill_writer(void *arg)
{
	struct mm_struct *mm = my_mm();
	int ret;

	(void)arg;
	WAIT_UNTIL(phase >= 1);
	mmap_write_lock(mm);
	mark("killable");
	ret = vma_start_write_killable(va);
	mark("killed");
	CHECK_EQ(ret, -EINTR);
	CHECK(sim_fatal_signal_pending());
	check_write_killed(va);
	CHECK_EQ(refcnt(va), 1 + 1);		/* 1 + the reader, F clear */
	CHECK_EQ(lock_seq(va), UNLOCKED_SEQ);	/* vm_lock_seq untouched */
	CHECK(!__is_vma_write_locked(va));
	set_phase(3);
	WAIT_UNTIL(phase >= 4);
	mmap_write_unlock(mm);
	set_phase(5);
	mmput(mm);
}

/* Kills the waiting writer, then reads while the writer still holds the
 * mmap write lock: the VMA is not write-locked, readers get in again. */
static void kill_killer(void *arg)
{
	(void)arg;
	WAIT_UNTIL(phase >= 1 && (refcnt(va) & FLAG));
	CHECK_EQ(refcnt(va), FLAG + 2);
	sim_send_fatal_signal(1, SIM_SITE("test: send_sig(SIGKILL, T1)"));
	WAIT_UNTIL(phase >= 3);
	CHECK_EQ(mm_seq(my_mm()), 1);		/* T1 still write-holds */
	CHECK(rcu_read(PAGE0) == va);
	CHECK_EQ(refcnt(va), 3);
	read_unlock(va);
	set_phase(4);
	mmput(my_mm());
}

TEST(start_write_killable_killed)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(kill_reader, mm_a);
	spawn(kill_writer, mm_a);
	spawn(kill_killer, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(va->vm_refcnt.loc, NULL, "killable", 2);
	CHECK_HIST(va->vm_refcnt.loc, "killable", "killed", FLAG + 2, 2);
	CHECK_NO_WRITES(va->vm_lock_seq.loc, "killable", "killed");
}

static void cw_reader(void *arg)
{
	(void)arg;
	CHECK(rcu_read(PAGE0) == va);
	set_phase(1);
	WAIT_UNTIL(refcnt(va) & FLAG);
	CHECK_EQ(refcnt(va), FLAG + 2);
	read_unlock(va);			/* F + 1: wakes T1 */
	CHECK_EQ(refcnt(va), FLAG + 1);
	/* the kill arrives after the condition holds */
	sim_send_fatal_signal(1, SIM_SITE("test: send_sig(SIGKILL, T1)"));
	mmput(my_mm());
}

static void cw_writer(void *arg)
{
	struct mm_struct *mm = my_mm();
	int ret;

	(void)arg;
	WAIT_UNTIL(phase >= 1);
	mmap_write_lock(mm);
	mark("killable");
	ret = vma_start_write_killable(va);
	mark("done");
	CHECK_EQ(ret, 0);
	CHECK(sim_fatal_signal_pending());
	check_write_locked(va);
	CHECK_EQ(refcnt(va), 1);
	CHECK_EQ(lock_seq(va), 1);
	CHECK_EQ(mm_seq(mm), 1);
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(start_write_killable_condition_wins)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(cw_reader, mm_a);
	spawn(cw_writer, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(va->vm_refcnt.loc, "killable", "done", FLAG + 2, FLAG + 1, 1);
	CHECK_WOKEN_BY(1, "killable", va->vm_refcnt.loc, FLAG + 1);
}

/* ==== vma_mark_detached ==== */

static void detach_body(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	mark("detach");
	vma_mark_detached(va);
	mark("detached");
	check_detached(va);
	CHECK_EQ(refcnt(va), 0);
	vma_assert_detached(va);
	vma_iter_clear(mm, PAGE0, PAGE0 + VMT_PAGE_SIZE);
	CHECK(tree_peek(mm, PAGE0) == NULL);
	vm_area_free(va);
	CHECK_EQ(world.nfree, 1);
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(detach_1_to_0)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(detach_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(va->vm_refcnt.loc, "detach", "detached", 0);
	CHECK_EQ(refcnt(va), 0);
}

/* The temporary reader: passed the early check before the write lock,
 * increments after it (2), sees vm_lock_seq and backs off. */
static void tmp_reader(void *arg)
{
	(void)arg;
	CHECK(lock_vma_under_rcu(my_mm(), PAGE0) == NULL);
	/* our put took F + 1 to F and woke the detacher, not yet run */
	CHECK_EQ(refcnt(va), FLAG);
	mmput(my_mm());
}

static void tmp_detacher(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	WAIT_UNTIL(refcnt(va) == 2);		/* the temporary reader is in */
	mark("detach");
	vma_mark_detached(va);
	mark("detached");
	check_detached(va);
	CHECK_EQ(refcnt(va), 0);
	vma_iter_clear(mm, PAGE0, PAGE0 + VMT_PAGE_SIZE);
	vm_area_free(va);
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(detach_waits_for_temporary_reader)
{
	struct sim_sched_run r[2];
	unsigned nr = reader_then_writer(r);

	world_begin(true, r, nr);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(tmp_reader, mm_a);
	spawn(tmp_detacher, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_HIST(va->vm_refcnt.loc, NULL, "detach", FLAG + 1, 1, 2);
	CHECK_HIST(va->vm_refcnt.loc, "detach", "detached", 1, FLAG + 1, FLAG, 0);
	CHECK_WOKEN_BY(1, "detach", va->vm_refcnt.loc, FLAG);
}

/* ==== lock_vma_under_rcu: -EAGAIN on a detached VMA still in the tree ==== */

static void eagain_reader(void *arg)
{
	(void)arg;
	CHECK(lock_vma_under_rcu(my_mm(), PAGE0) == NULL);
	CHECK_EQ(refcnt(va), 0);
	mmput(my_mm());
}

/* The root the writer's removal published. */
static int32_t removed_root;

static void eagain_writer(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	vma_start_write(va);
	vma_mark_detached(va);
	mark("detached");		/* in the tree, refcnt 0 */
	check_detached(va);
	CHECK(tree_peek(mm, PAGE0) == va);
	vma_iter_clear(mm, PAGE0, PAGE0 + VMT_PAGE_SIZE);
	mark("removed");
	/* Peeked now: the last mmput() frees the mm with the run. */
	removed_root = mt_root_peek(&mm->mm_mt);
	CHECK(tree_peek(mm, PAGE0) == NULL);
	vm_area_free(va);
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(lookup_eagain_then_null)
{
	struct sim_sched_run r[4];
	uint32_t detach;
	size_t i = 0;
	const struct sim_access *a;

	reader_then_writer(r);
	detach = calibrate(cal_detach, false);
	/* T1 stops right after vma_mark_detached; T0 makes its increment's
	 * read (0: -EAGAIN); at the retry's walk T1 removes, frees and ends;
	 * then T0 walks again. */
	r[1].steps = (uint8_t)detach;
	r[2] = (struct sim_sched_run){ .thread = 0, .steps = 1 };
	r[3] = (struct sim_sched_run){ .thread = 1, .steps = 255 };
	world_begin(true, r, 4);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(eagain_reader, mm_a);
	spawn(eagain_writer, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	/* the early check saw the VMA unlocked ... */
	a = find_access(&i, 0, "vma_start_read", "READ_ONCE(vma->vm_lock_seq)");
	CHECK(a && a->val == UNLOCKED_SEQ);
	/* ... the increment found 0 after the detach: -EAGAIN ... */
	i = mark_at("detached", 0);
	a = find_access(&i, 0, "vma_start_read", "refcount_read");
	CHECK(a && a->val == 0 && i < mark_at("removed", 0));
	/* ... and the retry's walk, after the removal, found nothing */
	CHECK_EQ(count_accesses(0, "mas_walk", NULL), 2);
	i = mark_at("removed", 0);
	a = find_access(&i, 0, "mas_walk", NULL);
	/* (the root the removal published, the last map store: no VMA) */
	CHECK(a && a->val == removed_root);
	CHECK_NO_WRITES(va->vm_refcnt.loc, "detached", NULL);
}

/*
 * The same reader, but the writer finishes its whole munmap (detach,
 * remove, free, unlock, exit) before the reader's increment: the increment
 * finds 0, -EAGAIN, and the retry walk must find nothing and return NULL
 * (spec 2.8).  Nothing else runs afterwards: a retry that slept until
 * "another thread writes" would wait for a write that already happened
 * (a false livelock in the first-cut runtime).
 */
TEST(lookup_eagain_after_writer_finished)
{
	struct sim_sched_run r[2];
	unsigned nr = reader_then_writer(r);
	const struct sim_access *a;
	size_t i;

	world_begin(true, r, nr);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(eagain_reader, mm_a);
	spawn(eagain_writer, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	/* the increment ran after the whole munmap and found 0 */
	i = mark_at("removed", 0);
	a = find_access(&i, 0, "vma_start_read", "refcount_read");
	CHECK(a && a->val == 0);
	CHECK_EQ(count_accesses(0, "mas_walk", NULL), 2);
}

/* ==== vma_start_read: the object was recycled for another mm ==== */

/* T0's stale pointer (found in mm A's tree before the unmap) now names a
 * VMA attached in mm B: the increment succeeds, vm_mm != mm, and the
 * reader drops it again under an mmgrab of the other mm (spec 2.3 step 4). */
static void recycled_reader(void *arg)
{
	(void)arg;
	CHECK(rcu_read(PAGE0) == NULL);		/* reports a success */
	CHECK_EQ(refcnt(va), 1);		/* attached in mm B */
	set_phase(1);
	mmput(my_mm());
}

static void recycled_unmapper(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	unmap_locked(va);
	mmap_write_unlock(mm);
	mmput(mm);
}

static void map_recycled(struct mm_struct *mm)
{
	struct vm_area_struct *v = vm_area_alloc(mm, 0);

	CHECK(v == va);
	if (v != va)
		return;
	CHECK(vma_mm_peek(v) == mm);
	PLAIN_WRITE(v->vm_start, PAGE0);
	PLAIN_WRITE(v->vm_end, PAGE0 + VMT_PAGE_SIZE);
	vma_start_write(v);
	vma_iter_store(mm, v, PAGE0, PAGE0 + VMT_PAGE_SIZE);
	vma_mark_attached(v);
	mark("attached-b");
}

static void recycled_mapper(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	map_recycled(mm);
	mmap_write_unlock(mm);
	WAIT_UNTIL(phase >= 1);		/* keep mm B's VMA until T0 is done */
	mmput(mm);
}

TEST(start_read_recycled_for_another_mm)
{
	struct sim_sched_run r[2];
	unsigned nr = reader_then_writer(r);
	uint16_t b_count;

	world_begin(true, r, nr);
	va = setup_vma(mm_a, 0, 1);
	b_count = mm_b->mm_count.loc;	/* mm B is freed by the end */
	check_begin();
	spawn(recycled_reader, mm_a);
	spawn(recycled_unmapper, mm_a);
	spawn(recycled_mapper, mm_b);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	/* the increment and the put of the identity check */
	CHECK_HIST(va->vm_refcnt.loc, "attached-b", NULL, 2, 1,
		   FLAG + 1, 1, 0);
	/* the pin of the other mm around the put: mmgrab and mmdrop */
	CHECK_EQ(count_writes_by(0, b_count), 2);
}

/* ==== a reader after two writers sees the first one's update ==== */

/*
 * T0 changes the VMA under its write lock and unlocks (mm_lock_seq 1 -> 2).
 * T1 then takes the mmap write lock (2 -> 3) and locks nothing.  T2's
 * lock_vma_under_rcu succeeds (vm_lock_seq 1 != 3) and reads the payload:
 * its acquire of mm_lock_seq read 3, written by T1 after T1 acquired the
 * mmap lock T0 released, so T0's update is visible (LKMM); the reader
 * holds a successful read lock, so it must not race with T0's writes.
 */
static void two_writers_first(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	check_mutation(va);
	PLAIN_WRITE(va->vm_flags, 0x200);
	PLAIN_WRITE(va->vm_pgoff, 0x200);
	mmap_write_unlock(mm);
	mmput(mm);
}

static void two_writers_second(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	CHECK_EQ(mm_seq(mm), 3);
	WAIT_UNTIL(flag_done);
	mmap_write_unlock(mm);
	mmput(mm);
}

static void two_writers_reader(void *arg)
{
	uintptr_t flags, pgoff;

	(void)arg;
	CHECK(rcu_read(PAGE0) == va);
	flags = PLAIN_READ(va->vm_flags);
	pgoff = PLAIN_READ(va->vm_pgoff);
	check_payload(va, flags, pgoff);
	CHECK_EQ(flags, 0x200);
	flag_done = true;
	read_unlock(va);
	mmput(my_mm());
}

TEST(reader_sees_update_through_later_mmap_write_lock)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(two_writers_first, mm_a);
	spawn(two_writers_second, mm_a);
	spawn(two_writers_reader, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
}

/* ==== mmap_write_downgrade ==== */

static void dg_writer(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	CHECK_EQ(lock_seq(va), 1);
	mark("downgrade");
	mmap_write_downgrade(mm);
	mark("downgraded");
	CHECK_EQ(mm_seq(mm), 2);
	CHECK_EQ(mm->mmap_lock.writer, -1);
	CHECK(mm->mmap_lock.readers & (1u << sim_self()));
	/* still under the mmap read lock: trade it for a VMA read lock */
	CHECK(vma_start_read_locked(va));
	check_read_locked(va, mm, PAGE0, false);
	CHECK_EQ(refcnt(va), 2);
	set_phase(1);
	WAIT_UNTIL(phase >= 2);
	mmap_read_unlock(mm);
	vma_assert_locked(va);
	read_unlock(va);
	CHECK_EQ(refcnt(va), 1);
	mmput(mm);
}

static void dg_reader(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	WAIT_UNTIL(phase >= 1);
	mmap_read_lock(mm);			/* shared with the downgraded T0 */
	CHECK_EQ(mm->mmap_lock.count, 2);
	mmap_read_unlock(mm);
	CHECK(rcu_read(PAGE0) == va);
	CHECK_EQ(refcnt(va), 3);
	read_unlock(va);
	set_phase(2);
	mmput(mm);
}

TEST(downgrade_releases_vma_write_locks)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(dg_writer, mm_a);
	spawn(dg_reader, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_NO_WRITES(va->vm_lock_seq.loc, "downgrade", "downgraded");
	CHECK_HIST(va->vm_refcnt.loc, "downgraded", NULL, 2, 3, 2, 1,
		   FLAG + 1, 1, 0);
}

/* ==== vma_assert_locked must fire ==== */

static void assert_nothing_body(void *arg)
{
	(void)arg;
	mmap_write_lock(my_mm());
	vma_assert_locked(va);	/* attached, unlocked, we hold nothing */
	CHECK(!"vma_assert_locked returned on an unlocked VMA");
}

static void assert_fires_case(bool lockdep)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	if (!lockdep)
		kdebug.lock_is_held = NULL;
	spawn(assert_nothing_body, mm_a);
	run();
	if (EXPECT_VERDICT(VERDICT_KERNEL_WARN))
		CHECK(strstr(res.msg, "vma_assert_write_locked"));
	CHECK_EQ(res.fail_tid, 0);
}

TEST(assert_locked_fires_lockdep)
{
	assert_fires_case(true);
}

TEST(assert_locked_fires_count)
{
	assert_fires_case(false);
}

/* ==== 7.3's vma_assert_can_modify() and vma_assert_stabilised() ==== */

static void can_modify_body(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct vm_area_struct *v;

	(void)arg;
	mmap_write_lock(mm);
	v = vm_area_alloc(mm, 0);
	vma_assert_can_modify(v);	/* detached: no lock needed */
	vm_area_free(v);
	vma_assert_can_modify(va);	/* attached, not write-locked */
	CHECK(!"vma_assert_can_modify returned on an unlocked attached VMA");
}

/* Detached passes, attached without the write lock fires. */
TEST(assert_can_modify_fires)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(can_modify_body, mm_a);
	run();
	if (EXPECT_VERDICT(VERDICT_KERNEL_WARN))
		CHECK(strstr(res.msg, "vma_assert_write_locked"));
}

static void can_modify_locked_body(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	vma_assert_can_modify(va);
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(assert_can_modify_write_locked)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(can_modify_locked_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
}

/* Stabilised by the mmap read lock, then by a VMA read lock alone. */
static void stabilised_body(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct vm_area_struct *v;

	(void)arg;
	mmap_read_lock(mm);
	vma_assert_stabilised(va);
	mmap_read_unlock(mm);
	v = rcu_read(PAGE0);
	CHECK(v == va);
	if (v) {
		vma_assert_stabilised(v);
		read_unlock(v);
	}
	mmput(mm);
}

static void stabilised_nothing_body(void *arg)
{
	(void)arg;
	rcu_read_lock();	/* a walker's RCU: no mmap lock, no VMA lock */
	vma_assert_stabilised(va);
	CHECK(!"vma_assert_stabilised returned holding only RCU");
}

static void assert_stabilised_case(bool lockdep)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	if (!lockdep)
		kdebug.lock_is_held = NULL;
	spawn(stabilised_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);

	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	if (!lockdep)
		kdebug.lock_is_held = NULL;
	spawn(stabilised_nothing_body, mm_a);
	run();
	if (EXPECT_VERDICT(VERDICT_KERNEL_WARN))
		CHECK(strstr(res.msg, "mmap_assert_write_locked") ||
		      strstr(res.msg, "vma_assert_write_locked"));
}

TEST(assert_stabilised_lockdep)
{
	assert_stabilised_case(true);
}

TEST(assert_stabilised_count)
{
	assert_stabilised_case(false);
}

/* ==== vm_area_dup(), a split and a merge ==== */

/* The copy of va comes from the object vb left (the most recently
 * freed): fields copied, vm_refcnt 0, vm_lock_seq UINT_MAX, detached, a
 * new generation of va's mm. */
static void dup_body(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct vm_area_struct *v;

	(void)arg;
	mmap_write_lock(mm);
	write_lock(va);
	unmap_locked(vb);
	v = vm_area_dup(va, 0);
	CHECK(v == vb);
	if (v == vb) {
		CHECK_EQ(check_vma_gen(v->idx), 2);
		CHECK(vma_mm_peek(v) == mm);
		CHECK_EQ(sim_peek_plain(&v->vm_start), PAGE0);
		CHECK_EQ(sim_peek_plain(&v->vm_end), PAGE2);
		CHECK_EQ(sim_peek_plain(&v->vm_flags), 0x100);
		CHECK_EQ(sim_peek_plain(&v->vm_pgoff), 0x100);
		CHECK_EQ(refcnt(v), 0);
		CHECK_EQ(lock_seq(v), UNLOCKED_SEQ);
		CHECK_EQ(refcnt(va), 1);
		CHECK_EQ(lock_seq(va), mm_seq(mm));
		vm_area_free(v);
	}
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(vm_area_dup_recycled)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 2);
	vb = setup_vma(mm_a, 4, 1);
	check_begin();
	spawn(dup_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
}

/* The operations' split and merge (src/harness/ops.c) on va [PAGE0,
 * PAGE2): the tree, the ranges, the lock states, the free list. */
static void split_merge_body(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct op_ctx c = { .tid = sim_self(), .mm = mm };
	struct vmt_op split = { .kind = VMT_OP_WRITE, .flags = VMT_F_SPLIT,
				.page = 1, .len = 1 };
	struct vmt_op merge = { .kind = VMT_OP_UNMAP, .flags = VMT_F_MERGE,
				.page = 1, .len = 1 };
	struct vm_area_struct *lo;
	int32_t seq = mm_seq(mm) + 1;	/* the split's write section */

	(void)arg;
	op_run(&c, &split);
	lo = tree_peek(mm, PAGE0);
	CHECK(lo != NULL && lo != va && tree_peek(mm, PAGE0 + VMT_PAGE_SIZE) == va);
	if (!lo || lo == va)
		return;
	CHECK_EQ(sim_peek_plain(&lo->vm_start), PAGE0);
	CHECK_EQ(sim_peek_plain(&lo->vm_end), PAGE0 + VMT_PAGE_SIZE);
	CHECK_EQ(sim_peek_plain(&va->vm_start), PAGE0 + VMT_PAGE_SIZE);
	CHECK_EQ(sim_peek_plain(&va->vm_end), PAGE2);
	CHECK_EQ(refcnt(lo), 1);
	CHECK_EQ(refcnt(va), 1);
	CHECK_EQ(lock_seq(lo), seq);
	CHECK_EQ(lock_seq(va), seq);
	CHECK_EQ(mm_seq(mm), seq + 1);	/* both write locks dropped */
	op_run(&c, &merge);
	CHECK(tree_peek(mm, PAGE0) == lo && tree_peek(mm, PAGE0 + VMT_PAGE_SIZE) == lo);
	CHECK_EQ(sim_peek_plain(&lo->vm_start), PAGE0);
	CHECK_EQ(sim_peek_plain(&lo->vm_end), PAGE2);
	CHECK_EQ(refcnt(lo), 1);
	CHECK_EQ(refcnt(va), 0);
	CHECK_EQ(sim_peek_plain(&va->vm_start), FREEPTR_POISON);
	CHECK_EQ(world.nfree, 1);
	CHECK_EQ(world.free_list[world.nfree - 1], va->idx);
	mmput(mm);
}

TEST(split_then_merge)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 2);
	check_begin();
	spawn(split_merge_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
}

/* ==== vm_area_free and reuse ==== */

static struct vm_area_struct *got[2];

static void reuse_body(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	unmap_locked(va);
	CHECK_EQ(refcnt(va), 0);
	CHECK_EQ(sim_peek_plain(&va->vm_start), FREEPTR_POISON);
	CHECK_EQ(sim_peek_plain(&va->vm_end), FREEPTR_POISON);
	unmap_locked(vb);
	CHECK_EQ(world.nfree, 2);
	got[0] = vm_area_alloc(mm, 0);		/* the most recently freed */
	CHECK(got[0] == vb);
	CHECK_EQ(check_vma_gen(vb->idx), 2);
	CHECK(vma_mm_peek(vb) == mm);
	/* vma_init()'s memset: the free pointer and the payload are gone. */
	CHECK_EQ(sim_peek_plain(&vb->vm_start), 0);
	CHECK_EQ(sim_peek_plain(&vb->vm_end), 0);
	CHECK_EQ(sim_peek_plain(&vb->vm_flags), 0);
	CHECK_EQ(sim_peek_plain(&vb->vm_pgoff), 0);
	CHECK_EQ(refcnt(vb), 0);
	CHECK_EQ(lock_seq(vb), UNLOCKED_SEQ);
	vm_area_free(vb);			/* never attached */
	got[1] = vm_area_alloc(mm, 1);		/* the one freed before */
	CHECK(got[1] == va);
	CHECK_EQ(check_vma_gen(va->idx), 2);
	CHECK_EQ(world.nfree, 1);
	mmap_write_unlock(mm);
	mmap_write_lock(mm);
	vm_area_free(va);
	mmap_write_unlock(mm);
	mmput(mm);
}

TEST(free_and_reuse_same_mm)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	vb = setup_vma(mm_a, 2, 1);
	check_begin();
	spawn(reuse_body, mm_a);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK_EQ(check_vma_gen(vb->idx), 2);
	CHECK_EQ(check_vma_gen(va->idx), 2);
	CHECK_EQ(refcnt(va), 0);
	CHECK_EQ(refcnt(vb), 0);
}

static void xmm_unmapper(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmap_write_lock(mm);
	unmap_locked(va);
	mmap_write_unlock(mm);
	set_phase(1);
	mmput(mm);
}

/* mm B maps a VMA; the cache hands out the object mm A just freed. */
static void xmm_mapper(void *arg)
{
	struct mm_struct *mm = my_mm();
	struct vm_area_struct *v;

	(void)arg;
	WAIT_UNTIL(phase >= 1);
	mmap_write_lock(mm);
	v = vm_area_alloc(mm, 0);
	CHECK(v == va);
	if (v != va) {
		mmap_write_unlock(mm);
		return;
	}
	CHECK_EQ(check_vma_gen(v->idx), 2);
	CHECK(vma_mm_peek(v) == mm);
	CHECK_EQ(refcnt(v), 0);
	PLAIN_WRITE(v->vm_start, PAGE0);
	PLAIN_WRITE(v->vm_end, PAGE0 + VMT_PAGE_SIZE);
	vma_start_write(v);
	vma_iter_store(mm, v, PAGE0, PAGE0 + VMT_PAGE_SIZE);
	vma_mark_attached(v);
	mmap_write_unlock(mm);
	CHECK(rcu_read(PAGE0) == v);
	read_unlock(v);
	mmput(mm);
}

TEST(reuse_for_another_mm)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(xmm_unmapper, mm_a);
	spawn(xmm_mapper, mm_b);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
}

/* ==== the mm's life: mmgrab/mmdrop, mmget/mmput ==== */

static void mm_pin_body(void *arg)
{
	struct mm_struct *mm = my_mm();

	(void)arg;
	mmgrab(mm);
	CHECK_EQ(sim_peek(&mm->mm_count), 2);
	CHECK_EQ(sim_peek(&mm->mm_users), 1);
	mmput(mm);		/* last user: the address space goes */
	CHECK_EQ(sim_peek(&mm->mm_users), 0);
	CHECK_EQ(sim_peek(&mm->mm_count), 1);
	CHECK(!world.mm_freed[0]);
	CHECK(tree_peek(mm, PAGE0) == NULL);
	CHECK_EQ(refcnt(va), 0);
	CHECK_EQ(world.nfree, 1);
	mmdrop(mm);		/* last reference: freed (do not touch it) */
	CHECK(world.mm_freed[0]);
}

static void mm_user_body(void *arg)
{
	(void)arg;
	CHECK(!world.mm_freed[1]);
	mmput(my_mm());		/* only user, no pins: freed at once */
	CHECK(world.mm_freed[1]);
}

TEST(mm_grab_drop_and_free)
{
	world_begin(true, NULL, 0);
	va = setup_vma(mm_a, 0, 1);
	check_begin();
	spawn(mm_pin_body, mm_a);
	spawn(mm_user_body, mm_b);
	run();
	EXPECT_VERDICT(VERDICT_CLEAN);
	CHECK(world.mm_freed[0]);
	CHECK(world.mm_freed[1]);
}

/* ==== the runtime under the model ==== */

/*
 * Two seq_cst fences alone do not order plain accesses (C11: no
 * synchronizes-with without a reads-from; LKMM: smp_mb() pairs only
 * through the accesses around it): x = 1; smp_mb() || smp_mb(); r = x is
 * a data race, whichever fence comes first.
 */
static sim_plain_t sc_x;

static void sc_writer(void *arg)
{
	(void)arg;
	sim_plain_write(&sc_x, 1, SIM_SITE("test: x = 1"));
	sim_fence(SIM_SEQ_CST, SIM_SITE("test: smp_mb()"));
}

static void sc_reader(void *arg)
{
	(void)arg;
	sim_fence(SIM_SEQ_CST, SIM_SITE("test: smp_mb()"));
	(void)sim_plain_read(&sc_x, SIM_SITE("test: r = x"));
}

TEST(runtime_sc_fences_alone_do_not_order)
{
	world_begin(true, NULL, 0);	/* no oracles: a bare location */
	sim_plain_init(&sc_x, 0, OBJ_VMA_PAYLOAD, 0, "test_x");
	VM_ASSERT(sim_spawn(sc_writer, NULL) == 0);
	VM_ASSERT(sim_spawn(sc_reader, NULL) == 1);
	run();
	EXPECT_VERDICT(VERDICT_DATA_RACE);
}

/* ---- main ---- */

struct test {
	const char *name;
	void (*fn)(void);
};

#define T(name) { #name, test_##name }


/* Feedback kind walk on the corpus's reuse-across-mm scenario: the
 * reader's walked VMA is freed, handed to another mm and touched by the
 * reader; no walk event when the kind is not asked for. */
static unsigned walk_events[4];

static void hook_walk(uint32_t key)
{
	if (key >= CHECK_WALK_KEY + 64 && key < CHECK_WALK_KEY + 4 * 64)
		walk_events[(key - CHECK_WALK_KEY) / 64]++;
}

static void run_walk(unsigned kinds, struct sim_result *res)
{
	static const char text[] =
		"mm A: 0x1000-0x3000\n"
		"T0 A: fault 0x1000\n"
		"T1 A: unmap 0x1000\n"
		"T2 B: map 0x1000+2\n"
		"schedule: T0 T1*38 T0\n";
	struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	char err[128];

	memset(walk_events, 0, sizeof(walk_events));
	CHECK(vmt_parse(text, &p, &meta, err, sizeof(err)) == 0);
	harness_opts_default(&o);
	sim_hooks.feedback = hook_walk;
	sim_hooks.feedback_kinds = kinds;
	harness_run(&p, &o, res);
	sim_hooks.feedback = NULL;
	sim_hooks.feedback_kinds = 0;
}

TEST(feedback_walk_events)
{
	struct sim_result res;

	run_walk(SIM_FB_WALK, &res);
	CHECK(res.verdict == VERDICT_CLEAN);
	CHECK(walk_events[1] >= 1 && walk_events[2] >= 1 && walk_events[3] >= 1);
	run_walk(SIM_FB_DEFAULT, &res);
	CHECK(walk_events[1] + walk_events[2] + walk_events[3] == 0);
}

static const struct test tests[] = {
	T(attach_0_to_1),
	T(attach_needs_write_lock),
	T(readers_to_limit_rcu),
	T(readers_to_limit_locked),
	T(readers_to_limit_mixed),
	T(start_write_no_readers_small),
	T(start_write_no_readers_kernel),
	T(write_waits_for_readers_lockdep),
	T(write_waits_for_readers_count_assert),
	T(end_write_all_releases_every_vma),
	T(start_write_killable_killed),
	T(start_write_killable_condition_wins),
	T(detach_1_to_0),
	T(detach_waits_for_temporary_reader),
	T(lookup_eagain_then_null),
	T(lookup_eagain_after_writer_finished),
	T(start_read_recycled_for_another_mm),
	T(reader_sees_update_through_later_mmap_write_lock),
	T(downgrade_releases_vma_write_locks),
	T(assert_locked_fires_lockdep),
	T(assert_locked_fires_count),
	T(assert_can_modify_fires),
	T(assert_can_modify_write_locked),
	T(assert_stabilised_lockdep),
	T(assert_stabilised_count),
	T(vm_area_dup_recycled),
	T(split_then_merge),
	T(free_and_reuse_same_mm),
	T(reuse_for_another_mm),
	T(mm_grab_drop_and_free),
	T(runtime_sc_fences_alone_do_not_order),
	T(feedback_walk_events),
};

int main(void)
{
	unsigned passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* keep order with stderr */
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		cur_test = tests[i].name;
		cur_failures = 0;
		tests[i].fn();
		if (cur_failures) {
			printf("FAIL %s\n", cur_test);
			failed++;
		} else {
			printf("ok   %s\n", cur_test);
			passed++;
		}
	}
	kdebug_reset();
	printf("%u passed, %u failed\n", passed, failed);
	return failed != 0;
}
