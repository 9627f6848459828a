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

#endif /* VMLOCK_UTIL_SANITIZER_H */
