/* SPDX-License-Identifier: MIT */
/*
 * real.c - the model's own loads and stores, as ThreadSanitizer sees them
 * (tsan build only; other builds touch memory inline in memory.c).
 *
 * This is the one file TSan instruments (sanitizers/tsan_ignorelist.txt
 * leaves the rest of the harness uninstrumented, for speed: its accesses
 * are bookkeeping TSan must not see anyway).  Each function opens TSan's
 * window on the running fiber for exactly one access (sanitizer.h).
 * Atomics get their C11 memory order, mapped by the caller.  No coverage
 * counters inside a window: TSan would see the fuzzer's counter bumps.
 */
#include <stdint.h>

#include "../util/sanitizer.h"

#ifdef VMLOCK_TSAN
#include "internal.h"

#define REAL_ACCESS __attribute__((noinline, no_sanitize("coverage")))

REAL_ACCESS void san_real_load(int32_t *p, int mo)
{
	san_model_begin();
	int32_t v = __atomic_load_n(p, mo);

	__asm__ volatile("" : : "r"(v));	/* the load stays */
	san_model_end();
}

REAL_ACCESS void san_real_store(int32_t *p, int32_t v, int mo)
{
	san_model_begin();
	__atomic_store_n(p, v, mo);
	san_model_end();
}

REAL_ACCESS void san_real_rmw(int32_t *p, int32_t v, int mo)
{
	san_model_begin();
	(void)__atomic_exchange_n(p, v, mo);
	san_model_end();
}

REAL_ACCESS uintptr_t san_real_plain_read(uintptr_t *p)
{
	san_model_begin();
	uintptr_t v = *(volatile uintptr_t *)p;

	san_model_end();
	return v;
}

REAL_ACCESS void san_real_plain_write(uintptr_t *p, uintptr_t v)
{
	san_model_begin();
	*(volatile uintptr_t *)p = v;
	san_model_end();
}
#endif
