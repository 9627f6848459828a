/* SPDX-License-Identifier: MIT */
/*
 * test_tsan.c - ThreadSanitizer sees the simulated threads as the model
 * orders them (the tsan preset; other builds skip with 77).
 *
 * A planted race on a plain field must be reported; the same accesses
 * ordered by the model's own synchronisation (release/acquire atomics,
 * fences, the sleeping lock, a wake-up) must not be; and the runtime's
 * bookkeeping, shared by every fiber, must never be.
 *
 * Prints every failed check as file:line; the last line is
 * "N passed, M failed"; exit status 1 if any test failed.
 */
#include "harness/harness.h"
#include "sim/sim.h"
#include "sim/strategy.h"
#include "sim/tsan.h"
#include "util/assert.h"
#include "util/sanitizer.h"

#include <stdio.h>

#include "testing.h"
#include <string.h>

#ifndef VMLOCK_TSAN
int main(void)
{
	puts("not a ThreadSanitizer build: skipped");
	return 77;
}
#else


/* The shared memory, on pages of its own: renewed per run (sanitizer.h). */
static struct {
	sim_atomic_t flag;
	sim_plain_t payload;
} SAN_PAGE_ALIGNED mem;
#define flag mem.flag
#define payload mem.payload
static struct sim_rwsem lock;
static enum { BY_NOTHING, BY_RELEASE, BY_FENCES, BY_LOCK, BY_WAKE } order;

static bool flag_set(void *arg)
{
	(void)arg;
	return sim_peek(&flag) != 0;
}

/* T0 writes the payload, then publishes by `order`. */
static void writer(void *arg)
{
	(void)arg;
	if (order == BY_LOCK)
		sim_down_write(&lock, SIM_SITE("down_write"));
	sim_plain_write(&payload, 42, SIM_SITE("payload ="));
	switch (order) {
	case BY_NOTHING:
		sim_store(&flag, 1, SIM_RELAXED, SIM_SITE("flag = 1"));
		break;
	case BY_RELEASE:
		sim_store(&flag, 1, SIM_RELEASE, SIM_SITE("flag = 1"));
		break;
	case BY_FENCES:
		sim_fence(SIM_RELEASE, SIM_SITE("smp_wmb"));
		sim_store(&flag, 1, SIM_RELAXED, SIM_SITE("flag = 1"));
		break;
	case BY_LOCK:
		sim_store(&flag, 1, SIM_RELAXED, SIM_SITE("flag = 1"));
		sim_up_write(&lock, SIM_SITE("up_write"));
		break;
	case BY_WAKE:
		sim_store(&flag, 1, SIM_RELAXED, SIM_SITE("flag = 1"));
		sim_wake_up_process(1, SIM_SITE("wake_up_process"));
		break;
	}
}

/* T1 waits for the flag, then reads the payload. */
static void reader(void *arg)
{
	(void)arg;
	if (order == BY_WAKE) {
		sim_set_current_state(SIM_TASK_UNINTERRUPTIBLE, SIM_SITE("set_state"));
		if (!sim_load(&flag, SIM_RELAXED, SIM_SITE("flag?")))
			sim_schedule(flag_set, NULL, SIM_SITE("schedule"));
		sim_set_task_running();
	} else if (order == BY_LOCK) {
		sim_down_read(&lock, SIM_SITE("down_read"));
	} else {
		enum sim_mo mo = order == BY_RELEASE ? SIM_ACQUIRE : SIM_RELAXED;

		while (!sim_load(&flag, mo, SIM_SITE("flag?")))
			sim_spin(sim_spin_mark(), SIM_SITE("retry"));
		if (order == BY_FENCES)
			sim_fence(SIM_ACQUIRE, SIM_SITE("smp_rmb"));
	}
	(void)sim_plain_read(&payload, SIM_SITE("payload"));
	if (order == BY_LOCK)
		sim_up_read(&lock, SIM_SITE("up_read"));
}

/* Run T0 to its end, then T1 (for a wake-up T1 first, to sleep);
 * returns the TSan reports the run caused. */
static unsigned run_ordered(int how, struct sim_result *res)
{
	static const struct sim_sched_run t0_first[] = { { 0, 64 }, { 1, 64 } };
	static const struct sim_sched_run t1_first[] = { { 1, 64 }, { 0, 64 } };
	struct strat_bytes sb;
	unsigned before = san_tsan_reports();

	order = how;
	strat_bytes_init(&sb, how == BY_WAKE ? t1_first : t0_first, 2, NULL, 0);
	struct sim_run_cfg cfg = {
		.strategy = &strategy_bytes, .strategy_ctx = &sb,
		.step_budget = 1000,
	};
	sim_begin(&cfg);
	san_fresh_pages(&mem, sizeof(mem));
	sim_atomic_init(&flag, 0, 0, 0, "flag");
	sim_plain_init(&payload, 0, 0, 1, "payload");
	sim_rwsem_init(&lock, 0, 2, "lock");
	sim_spawn(writer, NULL);
	sim_spawn(reader, NULL);
	sim_run(res);
	return san_tsan_reports() - before;
}

static void test_planted_race_reported(void)
{
	struct sim_result res;
	unsigned n = run_ordered(BY_NOTHING, &res);

	CHECKF(n > 0, "no TSan report for an unordered write and read");
	CHECKF(res.verdict == VERDICT_DATA_RACE,
	       "our race detector gave %s", verdict_name(res.verdict));
}

/* "No report" below means something only while the planted race is
 * reported in this process, with these very runs (the positive
 * control: a blind TSan fails here, not silently below). */
static void test_ordered_not_reported(void)
{
	static const struct {
		int how;
		const char *name;
	} cases[] = {
		{ BY_RELEASE, "release store, acquire load" },
		{ BY_FENCES, "release fence, acquire fence" },
		{ BY_LOCK, "the sleeping lock" },
		{ BY_WAKE, "a wake-up" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sim_result res;

		CHECKF(run_ordered(BY_NOTHING, &res) > 0,
		       "%s: control: the planted race is not reported", cases[i].name);
		unsigned n = run_ordered(cases[i].how, &res);

		CHECKF(n == 0, "%s: %u TSan report(s)", cases[i].name, n);
		CHECKF(res.verdict == VERDICT_CLEAN, "%s: %s", cases[i].name,
		       res.msg);
	}
}

/*
 * A release sequence through another thread's RMW: T1 reads the payload
 * and drops its count (release), T0 drops its own (release RMW), T2
 * acquires the count and writes the payload.  C11 orders T1's read before
 * T2's write (T0's RMW continues T1's release sequence).
 */
static void rs_t0(void *arg)
{
	(void)arg;
	sim_fetch_add(&flag, 1, SIM_ACQUIRE, SIM_SITE("get"));
	sim_point(SIM_SITE("T1 runs"));
	sim_fetch_add(&flag, -1, SIM_RELEASE, SIM_SITE("put"));
}

static void rs_t1(void *arg)
{
	(void)arg;
	sim_fetch_add(&flag, 1, SIM_ACQUIRE, SIM_SITE("get"));
	(void)sim_plain_read(&payload, SIM_SITE("payload"));
	sim_fetch_add(&flag, -1, SIM_RELEASE, SIM_SITE("put"));
}

static void rs_t2(void *arg)
{
	(void)arg;
	int32_t one = 1;

	VM_ASSERT(sim_cmpxchg(&flag, &one, 5, SIM_ACQUIRE, SIM_ACQUIRE,
			      SIM_SITE("exclude")));
	sim_plain_write(&payload, 1, SIM_SITE("payload ="));
}

static void test_release_sequence_through_rmw(void)
{
	static const struct sim_sched_run runs[] = {
		{ 0, 2 }, { 1, 3 }, { 0, 1 }, { 2, 64 },
	};
	struct strat_bytes sb;
	struct sim_result res;
	unsigned before = san_tsan_reports();

	strat_bytes_init(&sb, runs, 4, NULL, 0);
	struct sim_run_cfg cfg = {
		.strategy = &strategy_bytes, .strategy_ctx = &sb,
		.step_budget = 1000,
	};
	sim_begin(&cfg);
	san_fresh_pages(&mem, sizeof(mem));
	sim_atomic_init(&flag, 1, 0, 0, "count");
	sim_plain_init(&payload, 0, 0, 1, "payload");
	sim_spawn(rs_t0, NULL);
	sim_spawn(rs_t1, NULL);
	sim_spawn(rs_t2, NULL);
	sim_run(&res);
	CHECKF(res.verdict == VERDICT_CLEAN, "%s", res.msg);
	CHECKF(san_tsan_reports() == before, "%u TSan report(s)",
	       san_tsan_reports() - before);
	CHECKF(run_ordered(BY_NOTHING, &res) > 0,
	       "control: the planted race is not reported");
}

/* The payload race again after many runs: reports are not suppressed
 * as duplicates, so the traced re-run of a finding reports it again. */
static void test_race_reported_every_time(void)
{
	struct sim_result res;

	for (int i = 0; i < 3; i++)
		CHECKF(run_ordered(BY_NOTHING, &res) > 0, "run %d: no report", i);
}

int main(void)
{
	static const struct test_case tests[] = {
		{ "planted_race_reported", test_planted_race_reported },
		{ "ordered_not_reported", test_ordered_not_reported },
		{ "race_reported_every_time", test_race_reported_every_time },
		{ "release_sequence_through_rmw", test_release_sequence_through_rmw },
	};

	sim_setup();
	return run_tests(tests, sizeof(tests) / sizeof(tests[0]), NULL);
}
#endif
