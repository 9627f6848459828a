/* SPDX-License-Identifier: MIT */
/*
 * variant.h - the bug variants of the model.
 *
 * Each variant is one small, named deviation from the correct lock,
 * reproducing a defect a review thread of the lock discussed (the seed bugs
 * S1-S6 of vma-lock-spec.md section 6), or a deeper defect of the lock or
 * of its callers (D1-D5, docs/oracles.md: found only by interleavings of
 * three threads, two mms or a reused object, with an exit or a free in
 * the middle).  It is chosen at run time with
 * VMLOCK_VARIANT=<name>; the default is the correct lock.  In the model
 * each deviation sits beside the correct line as `if (variant(V_...))`.
 */
#ifndef VMLOCK_LOCK_VARIANT_H
#define VMLOCK_LOCK_VARIANT_H

#include <stdbool.h>

enum variant {
	V_NONE = 0,
	V_RELAXED_INC,		/* S1 */
	V_NO_IDENTITY_CHECK,	/* S2 */
	V_MM_AFTER_PUT,		/* S3 */
	V_LOCKDEP_AFTER_PUT,	/* S4 */
	V_DETACH_NO_WAIT,	/* S5 */
	V_WRITE_WAITS_FOR_F,	/* S5 */
	V_DETACH_WAITS_FOR_F1,	/* S5 */
	V_NARROW_WAKE,		/* S6 */
	/* Deep variants (D1-D5): each needs three threads or two mms or an
	 * object's reuse, two narrow windows and a lifetime event. */
	V_UNSTABLE_NO_PIN,	/* D1 */
	V_UNSTABLE_WAKES_OWN_MM,	/* D2 */
	V_EXIT_DETACH_NO_WAIT,	/* D3 */
	V_EXIT_WRITE_KILLABLE,	/* D4 */
	V_DETACH_PUT_NO_ACQUIRE,	/* D5 */
	V__COUNT,
};

struct variant_info {
	const char *name;	/* the VMLOCK_VARIANT value */
	const char *seed;	/* S1-S6, or D1-D5 for a deep variant */
	const char *change;	/* what the variant changes, one line */
	/* The defect is in a caller of the lock (src/harness/ops.c), not
	 * in the lock's files: the kernel backend runs it on the unpatched
	 * copy, the switch in the operations (kernel/patches/README.md). */
	bool caller;
};

extern enum variant vmlock_variant;

static inline bool variant(enum variant v)
{
	return vmlock_variant == v;
}

const struct variant_info *variant_info(enum variant v);
/* A deep variant (seed D1-D5)? */
bool variant_is_deep(enum variant v);
/* V__COUNT if unknown; "" and "none" are the correct lock. */
enum variant variant_from_name(const char *name);

#endif /* VMLOCK_LOCK_VARIANT_H */
