/* SPDX-License-Identifier: MIT */
/*
 * tsan_probe.c - the race the runtime plants for ThreadSanitizer's
 * self-check (tsan.h): two fibers write one plain location with nothing
 * ordering them, through the same access path the lock's fields take
 * (sim_plain_write(), whose real store is in real.c, the file TSan must
 * instrument) and the same fiber switches the runs make.
 */
#include "sim.h"
#include "strategy.h"
#include "tsan.h"
#include "../util/sanitizer.h"

static struct {
	sim_plain_t x;
} SAN_PAGE_ALIGNED probe_mem;

static void probe_thread(void *arg)
{
	sim_plain_write(&probe_mem.x, (uintptr_t)arg,
			SIM_SITE("tsan self-check: x ="));
}

/* Runs in the self-check's child: T0 writes, then T1 writes. */
static void probe_plant(void)
{
	static const struct sim_sched_run runs[] = { { 0, 8 }, { 1, 8 } };
	struct strat_bytes sb;
	struct sim_result res;

	sim_hooks = (struct sim_hooks){ 0 };	/* no oracles: the child's own */
	strat_bytes_init(&sb, runs, 2, NULL, 0);
	struct sim_run_cfg cfg = {
		.strategy = &strategy_bytes, .strategy_ctx = &sb,
		.step_budget = 64, .no_hash = true,
	};
	sim_begin(&cfg);
	san_fresh_pages(&probe_mem, sizeof(probe_mem));
	sim_plain_init(&probe_mem.x, 0, 0, 0, "tsan self-check");
	sim_spawn(probe_thread, (void *)1);
	sim_spawn(probe_thread, (void *)2);
	sim_run(&res);
}

void sim_tsan_selfcheck(void)
{
	san_selfcheck(probe_plant, "fibers");
}

#ifdef VMLOCK_TSAN
/*
 * Every TSan binary with the runtime checks at start-up, before main():
 * a fuzzing engine starts threads of its own later, and TSan mutes the
 * child of a multithreaded process's fork (it could deadlock there), so
 * a check made then would read as blind.  sim_setup() runs it once.
 */
__attribute__((constructor)) static void selfcheck_at_start(void)
{
	sim_setup();
}
#endif
