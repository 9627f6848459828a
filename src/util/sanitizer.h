/* SPDX-License-Identifier: MIT */
/*
 * sanitizer.h - which sanitizer this build has, and manual poisoning.
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
#define VMLOCK_ASAN 1
#include <sanitizer/asan_interface.h>
#define VM_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define VM_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define VMLOCK_ASAN 0
#define VM_POISON(p, n) ((void)(p), (void)(n))
#define VM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#if __has_feature(thread_sanitizer) || defined(__SANITIZE_THREAD__)
#define VMLOCK_TSAN 1
#else
#define VMLOCK_TSAN 0
#endif

#if __has_feature(memory_sanitizer)
#define VMLOCK_MSAN 1
#else
#define VMLOCK_MSAN 0
#endif

#endif /* VMLOCK_UTIL_SANITIZER_H */
