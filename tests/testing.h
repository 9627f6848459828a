/* SPDX-License-Identifier: MIT */
/*
 * testing.h - the unit tests' checks and runner: each failed check prints
 * file:line (and an explanation for CHECKF); the runner prints one line
 * per test and "N passed, M failed" last, and returns the exit status.
 */
#ifndef VMLOCK_TESTS_TESTING_H
#define VMLOCK_TESTS_TESTING_H

#include <stdio.h>

static int test_failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			test_failed = 1;				\
		}							\
	} while (0)

/* CHECK with an explanation (printf format) printed on failure. */
#define CHECKF(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  FAIL %s:%d: %s\n    ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			test_failed = 1;				\
		}							\
	} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
};

/* Run every test; before_each (may be NULL) resets shared state. */
static inline int run_tests(const struct test_case *t, size_t n,
			    void (*before_each)(void))
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		test_failed = 0;
		if (before_each)
			before_each();
		t[i].fn();
		printf("%s %s\n", test_failed ? "FAIL" : "ok  ", t[i].name);
		fflush(stdout);
		if (test_failed)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* VMLOCK_TESTS_TESTING_H */
