/* SPDX-License-Identifier: MIT */
/*
 * backend.h - the lock a run drives: the model (src/lock/) or the kernel's
 * own mm/mmap_lock.c and include/linux/mmap_lock.h (src/kernel/, one
 * compiled copy per variant patch).  Everything above the lock (programs,
 * strategies, oracles, reports, engines, the CLI) reaches it only through
 * this interface: the world of a run, the threads' bodies (the operations,
 * src/harness/ops.c, one source compiled against each backend), and peeks
 * at the state by VMA and mm index.  The simulator's access stream and the
 * kdebug hooks (lock/kdebug.h) carry the rest, by index as well.
 *
 * Peeks are not accesses: no scheduling point, no oracle, any time.
 */
#ifndef VMLOCK_HARNESS_BACKEND_H
#define VMLOCK_HARNESS_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../scenario/program.h"
#include "../sim/sim.h"

enum backend_kind {
	BACKEND_MODEL,
	BACKEND_KERNEL,
};

struct backend {
	const char *name;	/* "model" or "kernel" */
	const char *version;	/* the kernel's version ("7.3.4"), or "" */
	const char *variant;	/* a kernel copy's patch ("" unpatched) */
	/* Reset the world and set up p's initial VMAs (main context, before
	 * any thread; sets vm_refcnt_flag, the run's F). */
	void (*setup_world)(const struct vmt_program *p);
	/* From main: thread tid will run in mm (mmget). */
	void (*thread_init)(int tid, int mm, const struct vmt_thread *prog);
	/* Thread tid's body: its operations, then mmput. */
	void (*thread_body)(void *tid);

	/* VMA i: handed out at least once this run (its fields exist). */
	bool (*vma_born)(int i);
	int32_t (*vma_refcnt)(int i);
	int32_t (*vma_lock_seq)(int i);
	uintptr_t (*vma_start)(int i);
	uintptr_t (*vma_end)(int i);
	int (*vma_mm)(int i);		/* mm index, -1: none */
	bool (*mm_freed)(int m);
	int32_t (*mm_lock_seq)(int m);
	/* The mmap_lock: the simulator's rwsem (writer, readers). */
	const struct sim_rwsem *(*mm_lock)(int m);
	int32_t (*mm_users)(int m);
	int32_t (*mm_count)(int m);
};

/* vm_refcnt's F in this run (VM_REFCNT_EXCLUDE_READERS_FLAG): set by the
 * backend's setup_world(). */
extern int vm_refcnt_flag;

extern const struct backend backend_model;
/* The backend runs use: set by harness_run() (the model until then). */
extern const struct backend *vmlock_backend;

/*
 * The kernel copy for variant v (VMLOCK_VARIANT's value; "" or "none":
 * the unpatched files); NULL if this build has no kernel backend or no
 * copy for v.
 */
const struct backend *backend_kernel(const char *variant);
/* The kernel copies this build has, NULL-terminated (empty without a
 * kernel backend). */
extern const struct backend *const *backend_kernel_copies;

/* One line per backend this build has: "model" and, with the kernel
 * backend, "kernel 7.3.4 (<tree>): copies unpatched, <variant>, ...". */
void backend_describe(FILE *out);

#endif /* VMLOCK_HARNESS_BACKEND_H */
