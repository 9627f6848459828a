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
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/harness/harness.h"
#include "../src/util/assert.h"

/* Set by the replay main to name the input in reports. */
const char *vmlock_fuzz_input_name;

static struct harness_opts opts;
static int initialised;

static void init_once(void)
{
	if (initialised)
		return;
	harness_opts_default(&opts);
	opts.variant = harness_variant_from_env();
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
