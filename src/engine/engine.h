/* SPDX-License-Identifier: MIT */
/*
 * engine.h - vmlock-fuzz's own coverage-guided loop, in process: what
 * `vmlock fuzz` runs with any compiler and no fuzzing runtime.
 *
 * The same three parts as the libFuzzer and AFL++ targets, without their
 * engines around them:
 *  - inputs are the fuzz target's bytes, run by harness_run_input() (the
 *    explore bit's derived schedules included);
 *  - coverage is the concurrency feedback alone (sim_hooks.feedback: the
 *    refcount-class, reads-from, CAS, wake and walk events; no edge
 *    coverage, so no instrumented build): each event key is a
 *    counter, and a counter's hit count, bucketed as libFuzzer buckets
 *    its counters (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+), is a feature;
 *    an input with a feature no earlier input had joins the corpus;
 *  - each new input is one call of the structure-aware mutator on a
 *    corpus input, the later of two uniform picks (newer inputs come up
 *    more often): a run-aware schedule mutation half of the time (half
 *    of those start a deepening chain, whose next inputs are visits in
 *    the run the chain's last input made: explicit.h), else a
 *    crossover with another corpus input one time in three, else
 *    program-level mutations (src/mutator/, the policy of
 *    fuzz/mutator_libfuzzer.c without libFuzzer's byte mutations); the
 *    first inputs, and any while there is nothing to mutate, random
 *    programs (program-fresh).
 *
 * Deterministic: the same seed, configuration and seed inputs give the
 * same inputs in the same order, the same corpus and the same find.  No
 * clock: a caller that wants a time limit calls engine_fuzz() in slices.
 * One engine at a time (the feedback hook is a global of the runtime).
 */
#ifndef VMLOCK_ENGINE_ENGINE_H
#define VMLOCK_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../harness/harness.h"
#include "../sim/sim.h"

/* Counters (event keys modulo this) and the default input size limit
 * (the campaigns' -max_len). */
#define ENGINE_COUNTERS 8192
#define ENGINE_MAX_LEN 128

/* The feedback kinds when VMLOCK_FEEDBACK does not say: the fuzz
 * target's, and walk (a stale RCU walk's VMA freed, reused), which the
 * engine found the bugs faster with (100 seeds; README, "vmlock fuzz"). */
#define ENGINE_FEEDBACK_DEFAULT (SIM_FB_DEFAULT | SIM_FB_WALK)

struct engine_cfg {
	uint64_t seed;
	size_t max_len;			/* 5 .. VMT_MAX_INPUT */
	struct harness_opts opts;	/* variant, memory model, explore */
	/* Called with each input that joins the corpus (may be NULL). */
	void (*on_new)(void *arg, const uint8_t *data, size_t size);
	void *arg;
};

struct engine_stats {
	unsigned long runs;		/* inputs run, seeds included */
	unsigned corpus;		/* inputs kept */
	unsigned features;		/* (counter, bucket) pairs seen */
};

/* An input that failed, and how. */
struct engine_find {
	uint8_t data[VMT_MAX_INPUT];
	size_t size;
	unsigned long run;		/* its number, from 1 */
	struct sim_result res;
};

struct engine;

struct engine *engine_new(const struct engine_cfg *cfg);
void engine_free(struct engine *e);

/* Run a seed input (a corpus file): kept if it has a new feature.
 * Returns true if it failed (*f says how). */
bool engine_seed(struct engine *e, const uint8_t *data, size_t size,
		 struct engine_find *f);

/* Make and run up to n new inputs (more calls go on where the last
 * stopped).  Returns true at the first that fails (*f says how). */
bool engine_fuzz(struct engine *e, unsigned long n, struct engine_find *f);

void engine_stats(const struct engine *e, struct engine_stats *s);

#endif /* VMLOCK_ENGINE_ENGINE_H */
