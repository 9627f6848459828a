/* SPDX-License-Identifier: MIT */
/*
 * checkf.h - the counting check of the tests that loop over many inputs:
 * CHECKF(cond, fmt, ...) prints file:line, the condition and the context
 * when cond is false, counts the failure, and evaluates to cond so a loop
 * can stop early.  The test's exit status comes from `failures`.
 */
#ifndef VMLOCK_TESTS_CHECKF_H
#define VMLOCK_TESTS_CHECKF_H

#include <stdarg.h>
#include <stdio.h>

static unsigned failures;

#define CHECKF(cond, ...)	check_fmt(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

static inline int __attribute__((format(printf, 5, 6)))
check_fmt(int ok, const char *file, int line, const char *cond,
	  const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return 1;
	fprintf(stderr, "%s:%d: check failed: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
	return 0;
}

#endif /* VMLOCK_TESTS_CHECKF_H */
