/* SPDX-License-Identifier: MIT */
/*
 * vmlock_fuzz.c - the fuzz target.  One source for every engine: libFuzzer,
 * AFL++ (through libAFLDriver), and the replay main for builds without one.
 *
 * An input decodes into a program (never rejected), which runs over the
 * model with the oracles on.  On a violation the same input runs again with
 * tracing (runs are deterministic, so it is the same run), the report goes
 * to stderr, and the target aborts so the engine keeps the input.
 * VMLOCK_VARIANT selects a bug variant; the default is the correct lock.
 * VMLOCK_MEMORY=sc turns the weak-memory simulation off.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/harness/harness.h"
#include "../src/util/assert.h"

/* Set by the replay main to name the input in reports. */
const char *vmlock_fuzz_input_name;

/*
 * Concurrency feedback: edge coverage saturates in seconds on a lock this
 * small, so the runtime and the oracles report abstract events (a context
 * switch from one site to another, a vm_refcnt class transition at a site)
 * and each lands in a counter libFuzzer reads as extra coverage.  Other
 * engines ignore the section.
 */
#define FEEDBACK_COUNTERS 8192
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t feedback_counters[FEEDBACK_COUNTERS];

static void feedback(uint32_t key)
{
	uint8_t *c = &feedback_counters[key % FEEDBACK_COUNTERS];

	if (*c < 255)
		(*c)++;
}

static struct harness_opts opts;
static int initialised;

static void init_once(void)
{
	if (initialised)
		return;
	harness_opts_default(&opts);
	opts.variant = harness_variant_from_env();
	opts.sc_only = harness_sc_only_from_env();
	sim_hooks.feedback = feedback;
	initialised = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	init_once();
	return 0;
}

static void report_and_abort(const struct vmt_program *p,
			     const struct sim_result *first)
{
	struct harness_opts traced = opts;
	struct sim_result res;

	traced.trace = true;
	harness_run(p, &traced, &res);
	/* Determinism: the traced run is the run that failed. */
	VM_ASSERT(res.verdict == first->verdict && res.hash == first->hash);
	harness_report(stderr, p, &opts, &res, vmlock_fuzz_input_name);
	fflush(stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_program p;
	struct sim_result res;

	init_once();
	vmt_decode(data, size, &p);
	harness_run(&p, &opts, &res);
	if (res.verdict != VERDICT_CLEAN)
		report_and_abort(&p, &res);
	return 0;
}
