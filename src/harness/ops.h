/* SPDX-License-Identifier: MIT */
/*
 * ops.h - the operations (ops.c): one source, compiled against the model
 * (src/lock/, through ops_model.h) and against each compiled copy of the
 * kernel's files (src/kernel/kglue.h, with that copy's name prefix).  The
 * struct types are the backend's own: this header names them only.
 */
#ifndef VMLOCK_HARNESS_OPS_H
#define VMLOCK_HARNESS_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "../scenario/program.h"

struct mm_struct;

/* One simulated thread's context. */
struct op_ctx {
	int tid;
	struct mm_struct *mm;
	const struct vmt_thread *prog;
	uint32_t writes;	/* payload values written so far */
};

/* Test-only: a split publishes its new VMA (attached, in the tree) before
 * the VMA's range is set, the wrong order the oracles must catch. */
extern bool ops_split_publish_early;
/* Test-only: a fork attaches its copy (write-locked, in the child's tree)
 * before moving it to the child (tmp->vm_mm = mm); or it copies a parent
 * VMA without write-locking it.  Wrong forks the oracles must catch. */
extern bool ops_fork_attach_early;
extern bool ops_fork_skip_parent_lock;
/* Test-only: a chunked walk's next read() resumes from the start of the
 * last VMA shown instead of its end (priv->last_pos), so it shows that VMA
 * again; a query looks up from a page above its address, so it may miss
 * the VMA covering it.  Wrong paths the walk's oracles must catch. */
extern bool ops_walk_resume_at_start;
extern bool ops_query_skips_page;

/* Run one operation in the calling simulated thread. */
void op_run(struct op_ctx *c, const struct vmt_op *op);

/* A thread's body: its operations, then its exit (mmput). */
void harness_thread_body(struct op_ctx *c);
/* The backend interface's thread_init and thread_body (backend.h): the
 * context of thread tid, its mm (mmget); the body of thread (intptr_t)arg. */
void harness_thread_init(int tid, int mm, const struct vmt_thread *prog);
void harness_thread_entry(void *arg);
/* The teardown of mm's address space, by its last user. */
void exit_mmap(struct mm_struct *mm);

/* world.c (the model): the program's initial world (from main, before
 * any thread runs). */
void harness_setup_world(const struct vmt_program *p);

#endif /* VMLOCK_HARNESS_OPS_H */
