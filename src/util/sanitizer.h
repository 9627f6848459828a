/* SPDX-License-Identifier: MIT */
/*
 * sanitizer.h - manual ASan poisoning (a no-op in other builds).
 *
 * A freed mm is poisoned for ASan so that a touch the oracles missed would
 * still be caught; the oracles check first and name the verdict.
 */
#ifndef VMLOCK_UTIL_SANITIZER_H
#define VMLOCK_UTIL_SANITIZER_H

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if __has_feature(address_sanitizer) || defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define VM_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define VM_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define VM_POISON(p, n) ((void)(p), (void)(n))
#define VM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/*
 * ThreadSanitizer on the simulated threads (the `tsan` preset).  Fibers
 * switch in without synchronisation, so TSan sees the simulated threads as
 * unordered except through the model's own synchronisation, which the
 * runtime shows it: the model's atomics run as real C11 atomics with their
 * memory orders, and the runtime's sleeping locks and wake-ups as
 * acquire/release annotations.  Everything else a fiber does (the
 * scheduler, the oracles, the trace) is hidden from TSan: a fiber runs
 * with TSan ignoring its accesses, and opens a window only for the model's
 * own loads and stores (san_model_begin/end around one access; the fiber
 * is hidden by fiber.c, asked through fiber.tsan_hide).
 */
#if __has_feature(thread_sanitizer) || defined(__SANITIZE_THREAD__)
#define VMLOCK_TSAN 1
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
#define san_acquire(p) __tsan_acquire((void *)(p))
#define san_release(p) __tsan_release((void *)(p))
#define san_model_begin() __tsan_ignore_thread_end()
#define san_model_end() __tsan_ignore_thread_begin()
/*
 * TSan reports a race on an address once: it then marks the address as
 * read-only data in its shadow for the rest of the process.  The model's
 * memory is static and used by every run, so each run starts by mapping
 * fresh pages over it (TSan resets the shadow of a new mapping): every
 * run is judged on its own, and a traced re-run reports again.  p and n
 * must cover whole pages (SAN_PAGE_ALIGNED); the contents are zeroed.
 */
#include <stdlib.h>
#include <sys/mman.h>
#define SAN_PAGE_ALIGNED __attribute__((aligned(4096)))
static inline void san_fresh_pages(void *p, size_t n)
{
	if (mmap(p, n, PROT_READ | PROT_WRITE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != p)
		abort();
}
#else
#define san_acquire(p) ((void)(p))
#define san_release(p) ((void)(p))
#define san_model_begin() ((void)0)
#define san_model_end() ((void)0)
#define SAN_PAGE_ALIGNED
#define san_fresh_pages(p, n) ((void)(p), (void)(n))
#endif

#endif /* VMLOCK_UTIL_SANITIZER_H */
