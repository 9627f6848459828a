/* SPDX-License-Identifier: MIT */
/*
 * kbackend.c - the kernel backend behind the backend interface
 * (harness/backend.h): the world every copy shares (a program's initial
 * VMAs in kworld.c's pool) and the peeks, by VMA and mm index; the table
 * of the compiled copies (kcopies.h, written at configure time: the
 * unpatched files, then one copy per variant patch).  Each copy's own
 * entry (its thread bodies, the operations compiled against its files) is
 * kcopy.c.
 */
#include "kbackend.h"
#include "kernel_lines.h"

#include <string.h>

#include "util/assert.h"

_Static_assert(KWORLD_VMAS == 16 && KWORLD_MMS == VMT_MAX_MMS &&
	       VMT_SMALL_CACHE < KWORLD_VMAS &&
	       KSIM_PAGES == VMT_PAGES && KSIM_PAGE_SIZE == VMT_PAGE_SIZE,
	       "the kernel world has the program format's shape");

/* An initial VMA, attached before any thread runs (main context: no
 * scheduling points, no oracles yet), as the model's world.c. */
static void setup_vma(struct mm_struct *mm, unsigned slot, unsigned payload)
{
	unsigned long start = vmt_page_addr(2 * slot);
	unsigned long end = start + 2 * KSIM_PAGE_SIZE;
	struct vm_area_struct *vma = kvm_area_alloc(mm, 0);

	VM_ASSERT(vma != NULL);
	kvma_set_range(vma, start, end);
	sim_addr_write(&vma->vm_flags, payload, SIM_SITE("setup_vma"));
	sim_addr_write(&vma->vm_pgoff, payload, SIM_SITE("setup_vma"));
	refcount_set(&vma->vm_refcnt, 1);
	kvma_iter_store(mm, vma, start, end);
}

void kbackend_setup_world(const struct vmt_program *p)
{
	/* The small configuration's cache is ours (both backends); its F is
	 * the model's: the tree's own F is compiled in. */
	kworld_reset(p->small_limit);
	vm_refcnt_flag = VM_REFCNT_EXCLUDE_READERS_FLAG;
	for (int m = 0; m < VMT_MAX_MMS; m++) {
		struct mm_struct *mm = kworld_mm_init(m);

		for (unsigned s = 0; s < VMT_SLOTS; s++)
			if (p->layout[m] & (1u << s))
				setup_vma(mm, s, 0x100u * (m + 1) + s);
	}
}

bool kbackend_vma_born(int i)
{
	return kworld_vma_born(i);
}

int32_t kbackend_vma_refcnt(int i)
{
	return kvma_peek_refcnt(kworld_vma(i));
}

int32_t kbackend_vma_lock_seq(int i)
{
	return (int32_t)kvma_peek_lock_seq(kworld_vma(i));
}

uintptr_t kbackend_vma_start(int i)
{
	return (uintptr_t)sim_addr_peek(&kworld_vma(i)->vm_start);
}

uintptr_t kbackend_vma_end(int i)
{
	return (uintptr_t)sim_addr_peek(&kworld_vma(i)->vm_end);
}

/* The location holds the mm's index + 1 (kworld.c's codec), 0 for none. */
int kbackend_vma_mm(int i)
{
	return (int)sim_addr_peek(&kworld_vma(i)->vm_mm) - 1;
}

bool kbackend_mm_freed(int m)
{
	return kworld_mm_freed(m);
}

int32_t kbackend_mm_lock_seq(int m)
{
	return (int32_t)kmm_peek_seq(kworld_mm(m));
}

const struct sim_rwsem *kbackend_mm_lock(int m)
{
	return &kworld_mm(m)->mmap_lock.sem;
}

int32_t kbackend_mm_users(int m)
{
	return sim_peek(&kworld_mm(m)->mm_users);
}

int32_t kbackend_mm_count(int m)
{
	return sim_peek(&kworld_mm(m)->mm_count);
}

#define KCOPY_ENTRY(prefix, variant) extern const struct backend prefix##_backend;
#include "kcopies.h"
#undef KCOPY_ENTRY

#define KCOPY_ENTRY(prefix, variant) &prefix##_backend,
const struct backend *const kbackend_copies[] = {
#include "kcopies.h"
	NULL,
};
#undef KCOPY_ENTRY

/* The copies' name prefixes (kconfig.h), each with its '_'. */
#define KCOPY_ENTRY(prefix, variant) #prefix "_",
static const char *const kcopy_prefixes[] = {
#include "kcopies.h"
};

const char *kbackend_func_name(const char *func)
{
	for (size_t i = 0; i < sizeof(kcopy_prefixes) / sizeof(kcopy_prefixes[0]); i++) {
		size_t n = strlen(kcopy_prefixes[i]);

		if (!strncmp(func, kcopy_prefixes[i], n) && func[n])
			return func + n;
	}
	return func;
}

__attribute__((constructor)) static void kbackend_names(void)
{
	sim_site_func_name = kbackend_func_name;
	sim_pc_describe = kernel_lines_describe;
}
