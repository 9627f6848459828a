/* SPDX-License-Identifier: MIT */
#include "variant.h"

#include <string.h>

enum variant vmlock_variant = V_NONE;

static const struct variant_info variants[V__COUNT] = {
	[V_NONE] = { "none", "-", "the correct lock (Linux 7.0 semantics)" },
	[V_RELAXED_INC] = { "relaxed-inc", "S1",
		"vma_start_read()'s limited increment is relaxed instead of acquire: the later reads of vm_lock_seq and of the VMA may be satisfied before it" },
	[V_NO_IDENTITY_CHECK] = { "no-identity-check", "S2",
		"vma_start_read() skips the vm_mm check and lock_vma_under_rcu() the address check after the increment" },
	[V_MM_AFTER_PUT] = { "mm-after-put", "S3",
		"vma_refcount_put() reads vma->vm_mm after the decrement instead of copying it before" },
	[V_LOCKDEP_AFTER_PUT] = { "lockdep-after-put", "S4",
		"vma_refcount_put() releases the lockdep read acquire after the decrement, and only if the count did not reach zero" },
	[V_DETACH_NO_WAIT] = { "detach-no-wait", "S5",
		"vma_mark_detached() is a plain decrement that does not wait for temporary readers" },
	[V_WRITE_WAITS_FOR_F] = { "write-waits-for-f", "S5",
		"the exclusion routine of a write lock waits for F (the detach target) instead of F + 1" },
	[V_DETACH_WAITS_FOR_F1] = { "detach-waits-for-f1", "S5",
		"the exclusion routine of a detach waits for F + 1 (the write-lock target) instead of F" },
	[V_NARROW_WAKE] = { "narrow-wake", "S6",
		"vma_refcount_put() wakes the writer only at F + 1, never at F (the detach target)" },
	[V_UNSTABLE_NO_PIN] = { "unstable-no-pin", "D1",
		"deep: vma_start_read() drops its reference on a VMA recycled into another mm without pinning that mm (no mmgrab/mmdrop around the put)" },
	[V_UNSTABLE_WAKES_OWN_MM] = { "unstable-wakes-own-mm", "D2",
		"deep: vma_start_read()'s put on a VMA recycled into another mm wakes the reader's own mm's writer instead of the VMA's" },
	[V_EXIT_DETACH_NO_WAIT] = { "exit-detach-no-wait", "D3",
		"deep: exit_mmap() detaches with a plain decrement (no users left, so no readers): a stranger's temporary increment is not waited for",
		.caller = true },
	[V_EXIT_WRITE_KILLABLE] = { "exit-write-killable", "D4",
		"deep: exit_mmap() write-locks with vma_start_write_killable() and ignores -EINTR: a killed task's exit detaches an unlocked VMA",
		.caller = true },
	[V_DETACH_PUT_NO_ACQUIRE] = { "detach-put-no-acquire", "D5",
		"deep: vma_mark_detached()'s decrement to 0 is release only, no acquire: the free is not ordered after a stranger's last put" },
};

const struct variant_info *variant_info(enum variant v)
{
	return (unsigned)v < V__COUNT ? &variants[v] : NULL;
}

bool variant_is_deep(enum variant v)
{
	const struct variant_info *vi = variant_info(v);

	return vi && vi->seed[0] == 'D';
}

enum variant variant_from_name(const char *name)
{
	if (!name || !*name)
		return V_NONE;
	for (unsigned i = 0; i < V__COUNT; i++)
		if (strcmp(variants[i].name, name) == 0)
			return (enum variant)i;
	return V__COUNT;
}
