/* SPDX-License-Identifier: MIT */
/*
 * backend_model.c - the model (src/lock/) behind the backend interface
 * (backend.h), and the interface's registry: the backend runs use and the
 * kernel copies this build has.
 */
#include "backend.h"

#include <string.h>

#include "ops.h"
#include "../lock/mm.h"
#include "../lock/variant.h"

static bool vma_born(int i)
{
	return world.vma[i].born;
}

static int32_t vma_refcnt(int i)
{
	return sim_peek(&world.vma[i].vm_refcnt);
}

static int32_t vma_lock_seq(int i)
{
	return sim_peek(&world.vma[i].vm_lock_seq);
}

static uintptr_t vma_start(int i)
{
	return sim_peek_plain(&world.vma[i].vm_start);
}

static uintptr_t vma_end(int i)
{
	return sim_peek_plain(&world.vma[i].vm_end);
}

/* By id: the mm may be freed (and poisoned) by now. */
static int vma_mm(int i)
{
	return (int)sim_peek_plain(&world.vma[i].vm_mm) - 1;
}

static bool mm_freed(int m)
{
	return world.mm_freed[m];
}

static int32_t mm_lock_seq(int m)
{
	return sim_peek(&world.mm[m].mm_lock_seq);
}

static const struct sim_rwsem *mm_lock(int m)
{
	return &world.mm[m].mmap_lock;
}

static int32_t mm_users(int m)
{
	return sim_peek(&world.mm[m].mm_users);
}

static int32_t mm_count(int m)
{
	return sim_peek(&world.mm[m].mm_count);
}

const struct backend backend_model = {
	.name = "model",
	.version = "",
	.variant = "",
	.setup_world = harness_setup_world,
	.thread_init = harness_thread_init,
	.thread_body = harness_thread_entry,
	.vma_born = vma_born,
	.vma_refcnt = vma_refcnt,
	.vma_lock_seq = vma_lock_seq,
	.vma_start = vma_start,
	.vma_end = vma_end,
	.vma_mm = vma_mm,
	.mm_freed = mm_freed,
	.mm_lock_seq = mm_lock_seq,
	.mm_lock = mm_lock,
	.mm_users = mm_users,
	.mm_count = mm_count,
};

const struct backend *vmlock_backend = &backend_model;

#ifdef VMLOCK_KERNEL_BACKEND
/* src/kernel/kbackend.c: one per compiled copy, the unpatched one first. */
extern const struct backend *const kbackend_copies[];
const struct backend *const *backend_kernel_copies = kbackend_copies;
static const char kernel_tree[] = VMLOCK_KERNEL_TREE;
#else
static const char kernel_tree[] = "";
static const struct backend *const no_copies[] = { NULL };
const struct backend *const *backend_kernel_copies = no_copies;
#endif

const struct backend *backend_kernel(const char *variant)
{
	const struct variant_info *vi = variant_info(variant_from_name(variant));

	/* A caller's defect runs on the unpatched copy (variant.h). */
	if (!variant || !strcmp(variant, "none") || (vi && vi->caller))
		variant = "";
	for (const struct backend *const *b = backend_kernel_copies; *b; b++)
		if (!strcmp((*b)->variant, variant))
			return *b;
	return NULL;
}

void backend_describe(FILE *out)
{
	const struct backend *const *b = backend_kernel_copies;

	fprintf(out, "backend model (src/lock/, the bug variants as run-time switches)\n");
	if (!*b) {
		fprintf(out, "backend kernel: not in this build (configure with VMLOCK_KERNEL_SRC)\n");
		return;
	}
	fprintf(out, "backend kernel %s (%s): copies", (*b)->version, kernel_tree);
	for (; *b; b++)
		fprintf(out, " %s", *(*b)->variant ? (*b)->variant : "unpatched");
	fprintf(out, "\n");
}
