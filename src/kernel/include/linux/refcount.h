/* SPDX-License-Identifier: MIT */
/*
 * linux/refcount.h (wrapper): the kernel tree's own refcount.h, included
 * unchanged, with one addition: refcount_add_not_zero()'s control
 * dependency.
 *
 * The tree's refcount_add_not_zero() "provides no memory ordering, ... It
 * does provide a control dependency and thereby orders future stores"
 * (refcount.h).  Its reads are a relaxed refcount_read() and a relaxed
 * try_cmpxchg; whichever returns the value that ends the loop decides the
 * result, and the caller's later stores depend on it (LKMM: ctrl ; [W] is
 * in ppo).  C11 has no control dependencies: as the model does for the
 * same call (src/lock/kshim.h), the reads inside the call are acquires
 * (ksim_ctrl_dep_begin(), ksim_read_mo()).  This pairs with the release
 * of the readers' puts (__refcount_dec_and_test): a detacher whose add
 * fails on 0 frees the VMA after the last reader's read of vm_mm
 * (tests/kernel-regress/add-not-zero-ctrl-dep.vmt).
 *
 * The header's own checks stay as they are: an operation that overflows,
 * adds to 0 or underflows calls refcount_warn_saturate() (kconfig.h
 * renames it; src/kernel/ksim.c), which is the refcount-saturate oracle
 * (src/check/refcount.c).  The kernel's int arithmetic wraps: the
 * kernel's objects build with its -fno-strict-overflow.
 */
#ifndef VMLOCK_KSHIM_LINUX_REFCOUNT_H
#define VMLOCK_KSHIM_LINUX_REFCOUNT_H

#include <linux/compiler.h>

#define refcount_add_not_zero ksim_tree_refcount_add_not_zero
#include_next <linux/refcount.h>
#undef refcount_add_not_zero

static inline __must_check bool refcount_add_not_zero(int i, refcount_t *r)
{
	bool ok;

	ksim_ctrl_dep_begin();
	ok = ksim_tree_refcount_add_not_zero(i, r);
	ksim_ctrl_dep_end();
	return ok;
}

#endif
