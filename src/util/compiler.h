/* SPDX-License-Identifier: MIT */
/*
 * compiler.h - inlining control for the per-access hot path.  Each access
 * runs the scheduler, the weak-memory simulation and the oracles; their
 * common cases are inlined into the access and their rare checks kept out
 * of line, so the common path saves few registers.
 */
#ifndef VMLOCK_UTIL_COMPILER_H
#define VMLOCK_UTIL_COMPILER_H

#define VM_NOINLINE __attribute__((noinline))
#define VM_ALWAYS_INLINE inline __attribute__((always_inline))

#endif /* VMLOCK_UTIL_COMPILER_H */
