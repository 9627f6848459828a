// SPDX-License-Identifier: MIT
/*
 * test_ops.c - the operations' sequential semantics on the model
 * (ops_semantics.h; test_kernel.c runs the same cases on the kernel's code).
 */
#include "ops_semantics.h"

int main(void)
{
	unsigned failed = ops_semantics(BACKEND_MODEL);

	printf("test_ops: %zu cases, the split order and the fork checks, %u failed\n",
	       sizeof(ops_cases) / sizeof(ops_cases[0]), failed);
	return failed ? 1 : 0;
}
