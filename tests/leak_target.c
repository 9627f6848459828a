/* SPDX-License-Identifier: MIT */
/*
 * leak_target.c - the positive control of the leak detection the fuzz
 * tests claim (tests/fuzz_seeds.sh, libFuzzer with -detect_leaks=1 under
 * ASan's LeakSanitizer): an input starting with 'L' leaks 64 bytes, any
 * other input leaks nothing.  fuzz.leak-control runs it on a seed "L" and
 * must see libFuzzer's leak artifact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;	/* the compiler may not drop the malloc */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *p = malloc(64);

	if (!p)
		return 0;
	memset(p, 0, 64);
	sink = p;
	if (size == 0 || data[0] != 'L')
		free(p);
	sink = NULL;	/* the last pointer to a leaked block is gone */
	return 0;
}
