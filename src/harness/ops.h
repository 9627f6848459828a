/* SPDX-License-Identifier: MIT */
#ifndef VMLOCK_HARNESS_OPS_H
#define VMLOCK_HARNESS_OPS_H

#include "../lock/mm.h"
#include "../scenario/program.h"
#include "../util/assert.h"

/* One simulated thread's context. */
struct op_ctx {
	int tid;
	struct mm_struct *mm;
	const struct vmt_thread *prog;
	uint32_t writes;	/* payload values written so far */
};

/* Run one operation in the calling simulated thread. */
void op_run(struct op_ctx *c, const struct vmt_op *op);

/* world.c: the program's initial world (from main, before any thread
 * runs), and a thread's body: its operations, then its exit. */
void harness_setup_world(const struct vmt_program *p);
void harness_thread_body(struct op_ctx *c);

#endif /* VMLOCK_HARNESS_OPS_H */
