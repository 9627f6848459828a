/* SPDX-License-Identifier: MIT */
/*
 * assert.h - assertions that stay on in every build.
 *
 * VM_ASSERT checks the harness's own logic (a failure is a bug in
 * vmlock-fuzz, never a finding about the lock): it prints file:line and
 * aborts whatever NDEBUG says.  Findings about the lock go through
 * sim_fail() with a verdict instead.
 */
#ifndef VMLOCK_UTIL_ASSERT_H
#define VMLOCK_UTIL_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define VM_ASSERT(cond)							\
	do {								\
		if (__builtin_expect(!(cond), 0)) {			\
			fprintf(stderr, "vmlock: internal assertion "	\
				"failed at %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

#define VM_STATIC_ASSERT(cond) _Static_assert(cond, #cond)

#endif /* VMLOCK_UTIL_ASSERT_H */
