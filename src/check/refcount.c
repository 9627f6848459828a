/* SPDX-License-Identifier: MIT */
/*
 * refcount.c - refcount_t's own oracle: the kernel's
 * refcount_warn_saturate() (lib/refcount.c).  The kernel's refcount_t
 * checks each operation's old value and operand (include/linux/refcount.h):
 * an add_not_zero or add that overflows the int (or starts negative), an
 * add to 0 (a use after free), a sub_and_test that goes below 0 (an
 * underflow: a put too many, or a double release of F), a dec that hits 0
 * (the last reference dropped without the free).  The kernel then sets the
 * count to REFCOUNT_SATURATED (INT_MIN / 2) and WARNs once; here the run
 * ends with refcount-saturate and the kernel's text.  Both backends call
 * this where the kernel calls refcount_warn_saturate(): the model's
 * refcount_t (src/lock/kshim.h) and the kernel backend's hook under the
 * kernel's own refcount.h (src/kernel/ksim.c).
 *
 * No ghost state: the real-thread stress driver links it too, as
 * payload.c.  vm_refcnt's other oracles (access.c) leave a value outside refcount_t's
 * range [0, INT_MAX] to this one: only refcount_t writes vm_refcnt, and it
 * warns right after the access that left the range.
 */
#include "check.h"

#include <stdio.h>

#include "../util/assert.h"

/* lib/refcount.c's REFCOUNT_WARN() texts. */
static const char *const refcount_warning[] = {
	[CHECK_REFCOUNT_ADD_NOT_ZERO_OVF] = "saturated; leaking memory",
	[CHECK_REFCOUNT_ADD_OVF] = "saturated; leaking memory",
	[CHECK_REFCOUNT_ADD_UAF] = "addition on 0; use-after-free",
	[CHECK_REFCOUNT_SUB_UAF] = "underflow; use-after-free",
	[CHECK_REFCOUNT_DEC_LEAK] = "decrement hit 0; leaking memory",
};

static const char *const refcount_event_name[] = {
	[CHECK_REFCOUNT_ADD_NOT_ZERO_OVF] = "REFCOUNT_ADD_NOT_ZERO_OVF",
	[CHECK_REFCOUNT_ADD_OVF] = "REFCOUNT_ADD_OVF",
	[CHECK_REFCOUNT_ADD_UAF] = "REFCOUNT_ADD_UAF",
	[CHECK_REFCOUNT_SUB_UAF] = "REFCOUNT_SUB_UAF",
	[CHECK_REFCOUNT_DEC_LEAK] = "REFCOUNT_DEC_LEAK",
};

void check_refcount_saturate(unsigned obj_kind, int idx,
			     enum check_refcount_event ev, int32_t count)
{
	char obj[32];

	VM_ASSERT((unsigned)ev <= CHECK_REFCOUNT_DEC_LEAK);
	if (obj_kind == OBJ_VMA_REFCNT)
		snprintf(obj, sizeof(obj), "#%d.vm_refcnt", idx);
	else
		snprintf(obj, sizeof(obj), "a refcount_t");
	sim_fail(VERDICT_REFCOUNT_SATURATE,
		 "T%d: refcount_t: %s. (%s: %s left at %d)",
		 sim_self(), refcount_warning[ev], refcount_event_name[ev], obj,
		 count);
}
