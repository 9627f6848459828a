/* SPDX-License-Identifier: MIT */
/*
 * sched.c - simulated threads, scheduling points, sleeping and waking, and
 * the liveness verdicts.
 *
 * The scheduler runs in the OS thread's own context ("main").  A fiber runs
 * until a scheduling point where the strategy picks another thread, or until
 * it sleeps, spins, ends or fails; it then switches back to main, which
 * switches to the next thread.  So a context switch costs two fiber
 * switches, and a scheduling point that keeps the same thread costs none.
 */
#include "internal.h"
#include "tsan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SIM_STACK_SIZE (128 * 1024)

struct sim_state sim;
struct sim_hooks sim_hooks;
static void *stacks[SIM_MAX_THREADS];
static bool setup_done;

/* The linker collects the section sim_sites (sim.h) and names its ends. */
extern struct sim_site *const __start_sim_sites[] __attribute__((weak));
extern struct sim_site *const __stop_sim_sites[] __attribute__((weak));

const char *(*sim_site_func_name)(const char *func);
bool (*sim_pc_describe)(const void *pc, struct sim_pc_info *out);

static void hash_all_sites(void)
{
	for (struct sim_site *const *p = __start_sim_sites; p < __stop_sim_sites; p++) {
		if (sim_site_func_name)
			(*p)->func = sim_site_func_name((*p)->func);
		sim_site_hash_slow(*p);
	}
}

void sim_setup(void)
{
	if (setup_done)
		return;
	for (int i = 0; i < SIM_MAX_THREADS; i++) {
		stacks[i] = aligned_alloc(64, SIM_STACK_SIZE);
		VM_ASSERT(stacks[i] != NULL);
	}
	fiber_init_main(&sim.main);
	sim.cur = SIM_NO_THREAD;
	sim.cur_th = NULL;
	hash_all_sites();
	setup_done = true;
	/* Before the first run: a TSan build proves it can see the fibers. */
	sim_tsan_selfcheck();
}

void sim_begin(const struct sim_run_cfg *cfg)
{
	VM_ASSERT(setup_done);
	VM_ASSERT(!sim_in_fiber());
	VM_ASSERT(cfg->strategy && cfg->strategy->pick);
	for (int i = 0; i < SIM_MAX_THREADS; i++) {
		struct fiber keep = sim.th[i].fib;

		memset(&sim.th[i], 0, sizeof(sim.th[i]));
		sim.th[i].fib = keep;
	}
	sim.n = 0;
	sim.cur = SIM_NO_THREAD;
	sim.cur_th = NULL;
	sim.next = -1;
	sim.ready = 0;
	sim.spinning = 0;
	sim.stop = false;
	sim.skip_pick = -1;
	sim.writes = 0;
	sim.cfg = *cfg;
	sim.res = NULL;
	sim.steps = 0;
	sim.switches = 0;
	sim.hash = 0xcbf29ce484222325ULL;	/* FNV-1a offset basis */
	sim_memory_reset();
	sim_trace_reset();
}

static void thread_entry(void *arg);

int sim_spawn(void (*fn)(void *), void *arg)
{
	VM_ASSERT(!sim_in_fiber());
	VM_ASSERT(sim.n < SIM_MAX_THREADS);
	int tid = sim.n++;
	struct sim_thread *t = &sim.th[tid];

	t->fn = fn;
	t->arg = arg;
	t->state = T_READY;
	t->task_state = SIM_TASK_RUNNING;
	t->vc.c[tid] = 1;
	sim.ready |= 1u << tid;
	/* TSan sees only the model's accesses (sanitizer.h). */
	t->fib.tsan_hide = true;
	fiber_make(&t->fib, stacks[tid], SIM_STACK_SIZE, thread_entry, t);
	return tid;
}

int sim_spawn_held(void (*fn)(void *), void *arg)
{
	int tid = sim_spawn(fn, arg);

	sim.th[tid].state = T_HELD;
	sim.ready &= ~(1u << tid);
	return tid;
}

bool sim_thread_held(int tid)
{
	VM_ASSERT(tid >= 0 && tid < sim.n);
	return sim.th[tid].state == T_HELD;
}

void sim_start_held(int tid)
{
	struct sim_thread *t = &sim.th[tid];

	VM_ASSERT(sim_in_fiber() && sim_thread_held(tid));
	/* The start happens after the starter's steps so far: its clock goes
	 * to the new thread (and TSan's edge to the fiber's first switch-in,
	 * which acquires what is released on the fiber). */
	san_release(&t->fib);
	sim_hb_release(&t->vc);
	t->state = T_READY;
	sim.ready |= 1u << tid;
	if (sim.cfg.trace)
		sim_trace_event(tid, SIM_EV_WAKE);
}

void sim_cancel_held(int tid)
{
	struct sim_thread *t = &sim.th[tid];

	VM_ASSERT(sim_in_fiber() && sim_thread_held(tid));
	t->state = T_DONE;
	t->cancelled = true;
	if (sim_hooks.thread_exit)
		sim_hooks.thread_exit(tid);
	if (sim.cfg.trace)
		sim_trace_event(tid, SIM_EV_END);
}

bool sim_thread_started(int tid)
{
	VM_ASSERT(tid >= 0 && tid < sim.n);
	return sim.th[tid].state != T_HELD && !sim.th[tid].cancelled;
}

int sim_self(void)
{
	return sim.cur;
}

int sim_nthreads(void)
{
	return sim.n;
}

bool sim_tracing(void)
{
	return sim.cfg.trace;
}

uint32_t sim_site_hash_slow(const struct sim_site *s)
{
	if (!s->hash) {
		/* Function name and label, not __LINE__: inside a macro call
		 * that spans lines, gcc and clang give different lines. */
		uint32_t h = 2166136261u;

		for (const char *p = s->func; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		h = (h ^ '/') * 16777619u;
		for (const char *p = s->what; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		((struct sim_site *)s)->hash = h ? h : 1;
	}
	return s->hash;
}

/* Leave the running fiber for main; `next` is the thread main runs next
 * (-1: main asks the strategy). */
static void yield_to_main(int next)
{
	struct sim_thread *t = sim_cur();

	/* A plain access of instrumented code left work behind (addr.c):
	 * done before any other thread can look. */
	if (sim_addr_pending)
		sim_addr_flush();
	sim.next = next;
	fiber_switch(&t->fib, &sim.main, 1);
}

static VM_ALWAYS_INLINE int choose_next(int cur)
{
	unsigned ready = sim.ready;

	if (!ready)
		return -1;
	int t = sim.cfg.strategy->pick(sim.cfg.strategy_ctx, cur, ready);

	VM_ASSERT(t >= 0 && t < sim.n && (ready & (1u << t)));
	return t;
}

static void record_result(enum verdict v, int tid, const char *fmt,
			  va_list ap)
{
	struct sim_result *r = sim.res;

	if (sim.stop || verdict_muted(v))
		return;
	sim.stop = true;
	r->verdict = v;
	r->fail_tid = tid;
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
}

static void record_resultf(enum verdict v, int tid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void record_resultf(enum verdict v, int tid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_result(v, tid, fmt, ap);
	va_end(ap);
}

void sim_fail(enum verdict v, const char *fmt, ...)
{
	va_list ap;

	VM_ASSERT(v != VERDICT_CLEAN);
	if (verdict_muted(v))
		return;		/* the mutation check's switch (verdict.h) */
	va_start(ap, fmt);
	record_result(v, sim.cur, fmt, ap);
	va_end(ap);
	if (sim_in_fiber()) {
		yield_to_main(-1);
		VM_ASSERT(!"a failed run resumed a fiber");
	}
}

void sim_point(const struct sim_site *s)
{
	if (!sim_in_fiber())
		return;		/* world setup in main: not part of the run */
	sim_point_fast(s);
}

/* A scheduling point the inline case does not settle (sim_point_fast()):
 * the step budget, the choice that resumed us, or a pick to ask for. */
void sim_point_slow(const struct sim_site *s)
{
	struct sim_thread *t = sim_cur();

	sim_point_count(s);
	if (sim.steps > sim.cfg.step_budget) {
		sim.res->truncated = true;
		sim.stop = true;
		yield_to_main(-1);
		VM_ASSERT(!"a truncated run resumed a fiber");
	}
	if (sim.skip_pick == sim.cur) {
		sim.skip_pick = -1;	/* the choice that resumed us */
	} else {
		int next = choose_next(sim.cur);

		if (next != sim.cur) {
			t->at_point = true;
			t->stop_site = s;
			yield_to_main(next);
			t->at_point = false;
		}
	}
}

void sim_make_ready(int tid)
{
	struct sim_thread *t = &sim.th[tid];

	VM_ASSERT(t->state == T_BLOCKED || t->state == T_SPINNING);
	t->state = T_READY;
	t->cond = NULL;
	sim.ready |= 1u << tid;
	sim.spinning &= ~(1u << tid);
	if (sim.cfg.trace)
		sim_trace_event(tid, SIM_EV_WAKE);
}

/* sim_progress()'s rare case: the spinners among others made ready. */
void sim_wake_spinners(unsigned others)
{
	while (others) {
		int tid = __builtin_ctz(others);

		others &= others - 1;
		sim_make_ready(tid);
	}
}

void sim_block(bool (*cond)(void *), void *arg, const struct sim_site *s)
{
	struct sim_thread *t = sim_cur();

	t->state = T_BLOCKED;
	t->stop_site = s;
	t->cond = cond;
	t->cond_arg = arg;
	t->block_site = s;
	sim.ready &= ~(1u << sim.cur);
	if (sim.cfg.trace)
		sim_trace_event(sim.cur, SIM_EV_BLOCK);
	yield_to_main(-1);
}

/* Writes and stale reads only grow: the sum moves if either does.  A
 * stale read since the mark means the retry may read newer values even
 * if nobody writes (choice bytes are finite, so this ends). */
uint64_t sim_spin_mark(void)
{
	return sim.writes + sim.stale_reads;
}

void sim_spin(uint64_t mark, const struct sim_site *s)
{
	struct sim_thread *t = sim_cur();

	/* Something changed since the iteration began: look again.  (No
	 * scheduling point here: a write slipped in at one would be missed.) */
	if (mark != sim_spin_mark())
		return;
	if (sim.cfg.trace)
		sim_note_("%s: waits for another thread's progress", s->func);
	t->state = T_SPINNING;
	t->block_site = s;
	t->stop_site = s;
	sim.ready &= ~(1u << sim.cur);
	sim.spinning |= 1u << sim.cur;
	yield_to_main(-1);
}

static void thread_entry(void *arg)
{
	struct sim_thread *t = arg;
	int tid = (int)(t - sim.th);

	t->fn(t->arg);
	if (sim_hooks.thread_exit)
		sim_hooks.thread_exit(tid);
	t->state = T_DONE;
	sim.ready &= ~(1u << tid);
	if (sim.cfg.trace)
		sim_trace_event(tid, SIM_EV_END);
	yield_to_main(-1);
	VM_ASSERT(!"a finished fiber was resumed");
}

/* Nobody can run: decide between done, lost wake-up, livelock, deadlock. */
static void judge_stuck(void)
{
	unsigned blocked = 0;

	for (int i = 0; i < sim.n; i++) {
		struct sim_thread *t = &sim.th[i];

		if (t->state == T_BLOCKED) {
			blocked |= 1u << i;
			if (t->cond && t->cond(t->cond_arg)) {
				record_resultf(VERDICT_LOST_WAKEUP, i,
					"T%d sleeps in %s() although the condition it waits for holds",
					i, t->block_site->func);
				return;
			}
		}
	}
	if (sim.spinning) {
		int i = __builtin_ctz(sim.spinning);

		record_resultf(VERDICT_LIVELOCK, i,
			"T%d retries in %s() but no thread can make progress",
			i, sim.th[i].block_site->func);
		return;
	}
	if (blocked) {
		int i = __builtin_ctz(blocked);

		record_resultf(VERDICT_DEADLOCK, i,
			"T%d sleeps in %s() and no thread can run to wake it",
			i, sim.th[i].block_site->func);
	}
}

/* Switch to tid; back here when it yields.  In main, sim.cur is always
 * SIM_NO_THREAD, so accesses made from here (an oracle peeking through a
 * wait condition) are not scheduling points. */
/* A context switch from last to tid, as the fuzzer's feedback: the site
 * where last stopped against the site where tid resumes. */
static void switch_feedback(int tid, int last)
{
	const struct sim_site *from = sim.th[last].stop_site;
	const struct sim_site *to = sim.th[tid].stop_site;
	uint32_t key = (from ? sim_site_hash(from) : 0) * 31 +
		       (to ? sim_site_hash(to) : 0);

	sim_hooks.feedback(key ^ 0x9e3779b9u);
}

static void run_thread(int tid, int last)
{
	if (tid != last) {
		sim.switches++;
		if (sim_feedback_on(SIM_FB_SWITCH))
			switch_feedback(tid, last);
	}
	sim.cur = tid;
	sim.cur_th = &sim.th[tid];
	sim.next = -1;
	sim.skip_pick = sim.th[tid].at_point ? -1 : tid;
	fiber_switch(&sim.main, &sim.th[tid].fib, 0);
	sim.cur = SIM_NO_THREAD;
	sim.cur_th = NULL;
}

void sim_run(struct sim_result *res)
{
	if (sim_addr_pending)	/* a plain write made in world setup */
		sim_addr_flush();
	VM_ASSERT(!sim_in_fiber());
	memset(res, 0, sizeof(*res));
	res->fail_tid = SIM_NO_THREAD;
	sim.res = res;
	/* Everything main set up, also after a spawn, happens before every
	 * thread's start (fiber.c acquires this at the switch-in). */
	for (int i = 0; i < sim.n; i++)
		san_release(&sim.th[i].fib);
	int last = 0;
	int next = choose_next(last);

	while (!sim.stop) {
		if (next < 0) {
			judge_stuck();
			break;
		}
		run_thread(next, last);
		last = next;
		next = sim.next >= 0 ? sim.next : choose_next(last);
	}
	res->steps = sim.steps;
	res->switches = sim.switches;
	sim_hash_mix(res->verdict);
	res->hash = sim.cfg.no_hash ? 0 : sim.hash;
}

void sim_note_window(void)
{
	const struct sim_strategy *st = sim.cfg.strategy;

	if (sim_in_fiber() && st->window)
		st->window(sim.cfg.strategy_ctx);
}

void sim_note_(const char *fmt, ...)
{
	extern void sim_trace_note(int tid, const char *fmt, va_list ap);
	va_list ap;

	if (!sim_in_fiber())
		return;		/* world setup is not part of the trace */
	va_start(ap, fmt);
	sim_trace_note(sim.cur, fmt, ap);
	va_end(ap);
}

/* ---- task state, schedule(), wake-ups, fatal signals ---- */

void sim_set_current_state(enum sim_task_state st, const struct sim_site *s)
{
	sim_point(s);
	sim_cur()->task_state = st;
	if (st == SIM_TASK_KILLABLE)
		sim_note_window();	/* a signal's window: the kill can land here */
	/* set_current_state() implies smp_mb(): pairs with the full barrier
	 * the waker issues before it reads the sleeper's task pointer. */
	sim_hb_fence(SIM_SEQ_CST);
}

static bool task_woken(void *arg)
{
	(void)arg;
	return false;	/* the lost-wake-up test uses the caller's cond */
}

void sim_schedule(bool (*cond)(void *), void *arg, const struct sim_site *s)
{
	sim_point(s);
	struct sim_thread *t = sim_cur();

	if (t->task_state == SIM_TASK_RUNNING)
		return;		/* woken between set_current_state and here */
	sim_block(cond ? cond : task_woken, arg, s);
	VM_ASSERT(t->task_state == SIM_TASK_RUNNING);
	/* A wake-up orders the waker's past before the sleeper's future, as
	 * the scheduler's locks do in try_to_wake_up(). */
	sim_sync_acquire(&t->wake_vc);
}

/* A wake-up, as the fuzzer's feedback: the waker's site against the
 * wakee's state (running, or set to sleep, and whether it sleeps yet) and
 * the site it last went to sleep at: a wake that finds the task not yet
 * asleep is one step from a lost one.  A fatal signal is one too
 * (signal_wake_up()): where it finds its target, asleep killably in a
 * wait, uninterruptibly, or running, tells the -EINTR paths apart. */
#define FEEDBACK_WAKE 0x57414b00u

static void wake_feedback(const struct sim_site *s, const struct sim_thread *t)
{
	uint32_t key = sim_site_hash(s) * 31 +
		       (t->block_site ? sim_site_hash(t->block_site) : 0);

	sim_hooks.feedback((key ^ FEEDBACK_WAKE) * 8 + (uint32_t)t->task_state * 2 +
			   (t->state == T_BLOCKED));
}

bool sim_wake_up_process(int tid, const struct sim_site *s)
{
	sim_point(s);
	VM_ASSERT(tid >= 0 && tid < sim.n);
	struct sim_thread *t = &sim.th[tid];

	if (sim_feedback_on(SIM_FB_WAKE))
		wake_feedback(s, t);
	sim_progress();
	if (t->task_state == SIM_TASK_RUNNING)
		return false;
	sim_sync_release(&t->wake_vc);
	t->task_state = SIM_TASK_RUNNING;
	if (t->state == T_BLOCKED)
		sim_make_ready(tid);
	return true;
}

void sim_send_fatal_signal(int tid, const struct sim_site *s)
{
	sim_point(s);
	VM_ASSERT(tid >= 0 && tid < sim.n);
	struct sim_thread *t = &sim.th[tid];

	if (sim_feedback_on(SIM_FB_WAKE))
		wake_feedback(s, t);
	sim_progress();
	t->fatal = true;
	/* signal_wake_up(): only a killable sleep is interrupted. */
	if (t->task_state == SIM_TASK_KILLABLE) {
		sim_sync_release(&t->wake_vc);
		t->task_state = SIM_TASK_RUNNING;
		if (t->state == T_BLOCKED)
			sim_make_ready(tid);
	}
}

bool sim_fatal_signal_pending(void)
{
	return sim_cur()->fatal;
}

void sim_set_task_running(void)
{
	sim_cur()->task_state = SIM_TASK_RUNNING;
}
