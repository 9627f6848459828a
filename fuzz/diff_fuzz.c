/* SPDX-License-Identifier: MIT */
/*
 * diff_fuzz.c - the differential fuzz target: each input runs on both
 * backends in one process, the model (src/lock) and the kernel tree's own
 * lock files, and a difference is a finding of its own.
 *
 * What "the same verdict" can mean.  A schedule counts scheduling points,
 * and the kernel code has other points than the model (plain accesses
 * through the compiler's instrumentation, the kernel's helpers), so the
 * same bytes are a different interleaving on each side: a variant found on
 * one side and not the other under one input says nothing.  Under the
 * correct lock it does: the correct lock must be clean in every
 * interleaving, on both sides.  So the target runs the correct lock on
 * both and compares "clean or not": a finding on either side (or both) is
 * a bug in one of them, in the model's transcription, the shims, the
 * runtime or an oracle; the report says which side found what.
 *
 * Positive control: VMLOCK_DIFF_PATCH=<variant> runs that variant's
 * patched kernel copy on the kernel side (the model stays correct), so a
 * finding of the variant is a difference and the target fires.
 * VMLOCK_VARIANT must be unset or none: the comparison is of the correct
 * lock.
 *
 * The engine's glue, feedback and warm-up are vmlock_fuzz.c's, compiled
 * with VMLOCK_DIFF_TARGET: it calls diff_run_input() where the plain
 * target calls harness_run_input().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/harness/harness.h"
#include "../src/util/assert.h"
#include "diff_fuzz.h"

static enum variant patch = V_NONE;
static int configured;

static void configure(const struct harness_opts *o)
{
	const char *v = getenv("VMLOCK_DIFF_PATCH");

	if (configured)
		return;
	configured = 1;
	if (o->variant != V_NONE) {
		fprintf(stderr, "diff_fuzz: VMLOCK_VARIANT is for one backend; the differential target compares the correct lock (VMLOCK_DIFF_PATCH=<variant> patches the kernel side, as a control)\n");
		exit(2);
	}
	if (v && *v) {
		patch = variant_from_name(v);
		if (patch == V_NONE && strcmp(v, "none")) {
			fprintf(stderr, "diff_fuzz: unknown VMLOCK_DIFF_PATCH '%s'\n", v);
			exit(2);
		}
	}
	if (!backend_kernel_copies[0]) {
		fprintf(stderr, "diff_fuzz: this build has no kernel backend\n");
		exit(2);
	}
}

/* One crash state per side that disagrees (see vmlock_fuzz.c's frames). */
volatile int vmlock_diff_sides;

__attribute__((noinline, noreturn, used)) static void vmlock_diff_model_flags(void)
{
	vmlock_diff_sides = 1;
	abort();
}

__attribute__((noinline, noreturn, used)) static void vmlock_diff_kernel_flags(void)
{
	vmlock_diff_sides = 2;
	abort();
}

__attribute__((noinline, noreturn, used)) static void vmlock_diff_both_flag(void)
{
	vmlock_diff_sides = 3;
	abort();
}

static void side(const struct vmt_program *p, const struct harness_opts *o,
		 enum backend_kind k, enum variant v, struct sim_result *res)
{
	struct harness_opts t = *o;
	unsigned which;

	t.backend = k;
	t.variant = v;
	harness_run_input(p, &t, res, &which);
}

static void report_side(const struct vmt_program *p, const struct harness_opts *o,
			enum backend_kind k, enum variant v,
			const struct sim_result *res, const char *name)
{
	struct harness_opts t = *o;

	t.backend = k;
	t.variant = v;
	harness_report_find(stderr, p, &t, res, name);
}

void diff_run_input(const struct vmt_program *p, const struct harness_opts *o,
		    struct sim_result *res, const char *name)
{
	struct sim_result m, k;
	char kname[96];

	configure(o);
	side(p, o, BACKEND_MODEL, V_NONE, &m);
	side(p, o, BACKEND_KERNEL, patch, &k);
	*res = m;
	if (m.verdict == VERDICT_CLEAN && k.verdict == VERDICT_CLEAN)
		return;
	struct harness_opts t = *o;

	t.backend = BACKEND_KERNEL;
	t.variant = patch;
	harness_backend_name(&t, kname, sizeof(kname));
	fprintf(stderr, "vmlock diff: model (correct lock): %s; %s: %s\n",
		verdict_name(m.verdict), kname, verdict_name(k.verdict));
	if (m.verdict != VERDICT_CLEAN)
		report_side(p, o, BACKEND_MODEL, V_NONE, &m, name);
	if (k.verdict != VERDICT_CLEAN)
		report_side(p, o, BACKEND_KERNEL, patch, &k, name);
	fflush(stderr);
	if (m.verdict == VERDICT_CLEAN)
		vmlock_diff_kernel_flags();
	if (k.verdict == VERDICT_CLEAN)
		vmlock_diff_model_flags();
	vmlock_diff_both_flag();
}
