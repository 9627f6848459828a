/* SPDX-License-Identifier: MIT */
/* diff_fuzz.h - the differential target's run (fuzz/diff_fuzz.c). */
#ifndef VMLOCK_FUZZ_DIFF_FUZZ_H
#define VMLOCK_FUZZ_DIFF_FUZZ_H

#include "../src/harness/harness.h"

/* Run p on the model and on the kernel backend, the correct lock on both
 * (or VMLOCK_DIFF_PATCH's copy on the kernel side); return if both are
 * clean (res: the model's result), else report both sides and abort. */
void diff_run_input(const struct vmt_program *p, const struct harness_opts *o,
		    struct sim_result *res, const char *name);

#endif
