/* SPDX-License-Identifier: MIT */
/*
 * tsan_hooks.c - the hooks the compiler calls before each plain access of
 * the kernel objects, which are compiled with ThreadSanitizer's
 * instrumentation but linked without its runtime (the KCSAN technique):
 * each access of a registered field is a scheduling point and goes to the
 * race detector and the weak-memory simulation (sim/addr.c); accesses of
 * anything else (the stack) pass.  Not instrumented itself.
 */
#include <stdint.h>

#include "sim/sim.h"

/* The hook's return address: the instruction after the access's call
 * in the kernel code, which a trace names (kernel_lines.c). */
#define KSIM_PC() __builtin_return_address(0)
#define KSIM_HOOKS(n)							\
	void __tsan_read##n(void *a);					\
	void __tsan_write##n(void *a);					\
	void __tsan_unaligned_read##n(void *a);				\
	void __tsan_unaligned_write##n(void *a);			\
	void __tsan_volatile_read##n(void *a);				\
	void __tsan_volatile_write##n(void *a);				\
	void __tsan_read##n(void *a) { sim_addr_plain_read(a, n, KSIM_PC()); } \
	void __tsan_write##n(void *a) { sim_addr_plain_write(a, n, KSIM_PC()); } \
	void __tsan_unaligned_read##n(void *a)				\
	{ sim_addr_plain_read(a, n, KSIM_PC()); }			\
	void __tsan_unaligned_write##n(void *a)				\
	{ sim_addr_plain_write(a, n, KSIM_PC()); }			\
	void __tsan_volatile_read##n(void *a)				\
	{ sim_addr_plain_read(a, n, KSIM_PC()); }			\
	void __tsan_volatile_write##n(void *a)				\
	{ sim_addr_plain_write(a, n, KSIM_PC()); }

KSIM_HOOKS(1)
KSIM_HOOKS(2)
KSIM_HOOKS(4)
KSIM_HOOKS(8)

/* A 16-byte access (gcc's for a pair of words stored at once: the walk
 * state's node and section, initialised on the stack): no registered
 * field is that wide, so it is checked as a range, below. */
#define KSIM_WIDE_HOOKS(n)							void __tsan_read##n(void *a);						void __tsan_write##n(void *a);						void __tsan_unaligned_read##n(void *a);					void __tsan_unaligned_write##n(void *a);				void __tsan_volatile_read##n(void *a);					void __tsan_volatile_write##n(void *a);					void __tsan_read##n(void *a) { sim_addr_plain_range(a, n); }		void __tsan_write##n(void *a) { sim_addr_plain_range(a, n); }		void __tsan_unaligned_read##n(void *a) { sim_addr_plain_range(a, n); } 	void __tsan_unaligned_write##n(void *a) { sim_addr_plain_range(a, n); } 	void __tsan_volatile_read##n(void *a) { sim_addr_plain_range(a, n); } 	void __tsan_volatile_write##n(void *a) { sim_addr_plain_range(a, n); }

KSIM_WIDE_HOOKS(16)

/* gcc's hooks for a whole range (a struct initialised or copied: the
 * operations' walk state on the stack); a registered field in the range
 * fails an assertion, so no such access passes unsimulated. */
void __tsan_read_range(void *a, unsigned long size);
void __tsan_write_range(void *a, unsigned long size);

void __tsan_read_range(void *a, unsigned long size)
{
	sim_addr_plain_range(a, size);
}

void __tsan_write_range(void *a, unsigned long size)
{
	sim_addr_plain_range(a, size);
}

void __tsan_init(void);
void __tsan_func_entry(void *pc);
void __tsan_func_exit(void);

void __tsan_init(void)
{
}

void __tsan_func_entry(void *pc)
{
	(void)pc;
}

void __tsan_func_exit(void)
{
}
