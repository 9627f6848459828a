/* SPDX-License-Identifier: MIT */
/*
 * fiber.c - user-level context switch with sanitizer annotations.
 *
 * See fiber.h for the life cycle.  The sanitizer rules this file follows:
 *
 * - The switch path (fiber_switch, fiber_start, fiber_leave) is compiled
 *   without ASan/TSan/MSan instrumentation.  Between the "start switch"
 *   announcement and the real stack switch the sanitizers consider the
 *   target fiber current, so nothing instrumented may run there, and an
 *   instrumented frame around the switch would be entered on one TSan
 *   fiber and left on another.
 * - ASan: start_switch_fiber names the *target* stack; finish_switch_fiber
 *   is the first thing after the switch.  Its out-params give the bounds of
 *   the stack we came from; they are read only when a fiber starts, to
 *   learn the main stack, never in main (they would clobber main's bounds).
 *   The fake-stack slot is passed as NULL only when a fiber leaves for good,
 *   which destroys its fake stack.
 * - TSan: __tsan_switch_to_fiber is the last call before the real switch,
 *   with its arguments already in locals: from that call on, accesses count
 *   as the target fiber's.
 */
/* Keep longjmp the plain symbol: TSan intercepts longjmp, not the fortified
 * __longjmp_chk, and must see the restart's longjmp to unwind its stack. */
#undef _FORTIFY_SOURCE

#include "fiber.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/assert.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FIBER_ASAN)
#define FIBER_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(FIBER_TSAN)
#define FIBER_TSAN 1
#endif

#ifdef FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef FIBER_TSAN
#include <sanitizer/tsan_interface.h>
void __tsan_ignore_thread_begin(void);
#endif

/* No sanitizer instrumentation: see the rules at the top of the file. */
#if defined(__clang__)
#define FIBER_NOSAN __attribute__((no_sanitize("address", "thread", "memory")))
#else
#define FIBER_NOSAN __attribute__((no_sanitize_address, no_sanitize_thread))
#endif
#define FIBER_INLINE static inline __attribute__((always_inline)) FIBER_NOSAN

enum fiber_state {
	FIBER_ZERO = 0,		/* never made, or destroyed */
	FIBER_NEW,		/* made, never switched in */
	FIBER_STARTED,		/* suspended inside fiber_switch() */
};

enum fiber_restart {
	FIBER_RUN = 0,		/* resume where it stopped */
	FIBER_RESTART,		/* unwind to the start frame, run entry again */
	FIBER_EXIT,		/* unwind to the start frame, leave for good */
};

/* ABI defaults: round to nearest, all FP exceptions masked, and for x87
 * extended precision.  Every fiber starts with them so a run never
 * depends on what an earlier run left in the control registers. */
#define FIBER_MXCSR_DEFAULT 0x1f80u
#define FIBER_X87CW_DEFAULT 0x037fu

/* Smaller stacks cannot even hold a sanitizer runtime call. */
#define FIBER_STACK_MIN 4096

/* The scheduler's context, for fiber_destroy's final switch. */
static _Thread_local struct fiber *fiber_main;

/* ---- sanitizer hooks (empty in plain builds) ---- */

FIBER_INLINE void asan_start(void **fake_save, const struct fiber *to)
{
#ifdef FIBER_ASAN
	__sanitizer_start_switch_fiber(fake_save, to->asan_bottom,
				       to->asan_size);
#else
	(void)fake_save;
	(void)to;
#endif
}

/* After resuming a fiber that already ran: bounds are known, ignore them. */
FIBER_INLINE void asan_finish(void *fake_stack)
{
#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(fake_stack, NULL, NULL);
#else
	(void)fake_stack;
#endif
}

/* First instructions of a new fiber: record the bounds of the stack it was
 * entered from (main's, which main cannot learn by itself). */
FIBER_INLINE void asan_finish_first(struct fiber *from)
{
#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(NULL, &from->asan_bottom,
					&from->asan_size);
#else
	(void)from;
#endif
}

FIBER_INLINE void tsan_switch(void *tsan_fiber, int sync)
{
#ifdef FIBER_TSAN
	__tsan_switch_to_fiber(tsan_fiber,
			       sync ? 0 : __tsan_switch_to_fiber_no_sync);
#else
	(void)tsan_fiber;
	(void)sync;
#endif
}

/* fiber_make -> start: what main did before fiber_make happens-before the
 * fiber's (re)start, as pthread_create would give.  A restart reuses the
 * TSan fiber, so creation alone does not provide this edge. */
FIBER_INLINE void tsan_release_start(struct fiber *f)
{
#ifdef FIBER_TSAN
	__tsan_release(f);
#else
	(void)f;
#endif
}

FIBER_INLINE void tsan_acquire_start(struct fiber *f)
{
#ifdef FIBER_TSAN
	__tsan_acquire(f);
#else
	(void)f;
#endif
}

/* Once per TSan fiber: the ignore stays in force across restarts. */
FIBER_INLINE void tsan_hide_once(struct fiber *f)
{
#ifdef FIBER_TSAN
	if (f->tsan_hide && !f->tsan_hidden) {
		__tsan_ignore_thread_begin();
		f->tsan_hidden = true;
	}
#else
	(void)f;
#endif
}

FIBER_INLINE void fp_reset(void)
{
#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE__))
	unsigned int mxcsr = FIBER_MXCSR_DEFAULT;
	unsigned short cw = FIBER_X87CW_DEFAULT;

	__asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(cw));
#elif defined(__aarch64__)
	__asm__ volatile("msr fpcr, xzr");
#endif
}

/* ---- the machine-level switch ---- */

void fiber_start(struct fiber *f, struct fiber *from);

#ifndef FIBER_UCONTEXT
/*
 * fiber_asm_switch(void **save_sp, void *new_sp): push the callee-saved
 * registers and the FP control words, store rsp in *save_sp, load new_sp
 * and pop the same layout.  Everything else is caller-saved in the SysV
 * ABI, so the compiler already spilled it around the call.  rdi survives
 * the switch: a new fiber's trampoline finds in it the context it was
 * entered from (save_sp == &from->sp == from).
 *
 * Frame at a saved sp, low to high: [mxcsr | x87 cw] r15 r14 r13 r12 rbx
 * rbp ret.  Both stacks have this shape, so the CFI stays right after the
 * rsp swap.
 *
 * fiber_asm_start: a new fiber "returns" here from its initial frame, with
 * rbx = the fiber, rbp = 0 (ends frame-pointer unwinds) and rsp 16-byte
 * aligned, so the call gives fiber_start the stack alignment the ABI
 * requires at a function entry (rsp + 8 a multiple of 16).
 */
__asm__(
	".pushsection .text\n"
	".globl fiber_asm_switch\n"
	".hidden fiber_asm_switch\n"
	".type fiber_asm_switch, @function\n"
	".p2align 4\n"
	"fiber_asm_switch:\n"
	"	.cfi_startproc\n"
	"	pushq %rbp\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	pushq %rbx\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	pushq %r12\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	pushq %r13\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	pushq %r14\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	pushq %r15\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	subq $8, %rsp\n"
	"	.cfi_adjust_cfa_offset 8\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %r15\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %r14\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %r13\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %r12\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %rbx\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	popq %rbp\n"
	"	.cfi_adjust_cfa_offset -8\n"
	"	ret\n"
	"	.cfi_endproc\n"
	".size fiber_asm_switch, .-fiber_asm_switch\n"
	"\n"
	".globl fiber_asm_start\n"
	".hidden fiber_asm_start\n"
	".type fiber_asm_start, @function\n"
	".p2align 4\n"
	"fiber_asm_start:\n"
	"	.cfi_startproc\n"
	"	.cfi_undefined rip\n"
	"	movq %rdi, %rsi\n"
	"	movq %rbx, %rdi\n"
	"	andq $-16, %rsp\n"
	"	call fiber_start\n"
	"	ud2\n"
	"	.cfi_endproc\n"
	".size fiber_asm_start, .-fiber_asm_start\n"
	".popsection\n");

void fiber_asm_switch(void **save_sp, void *new_sp)
	__attribute__((visibility("hidden")));
void fiber_asm_start(void) __attribute__((visibility("hidden")));

_Static_assert(offsetof(struct fiber, sp) == 0,
	       "fiber_asm_start recovers `from` from &from->sp");

/* The initial frame fiber_asm_switch pops: default FP control words, zero
 * registers except rbx = f, and fiber_asm_start as the return address. */
static void arch_make(struct fiber *f)
{
	uintptr_t top = ((uintptr_t)f->stack + f->stack_size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)top - 8;

	sp[0] = FIBER_MXCSR_DEFAULT | (uint64_t)FIBER_X87CW_DEFAULT << 32;
	sp[1] = sp[2] = sp[3] = sp[4] = 0;	/* r15 r14 r13 r12 */
	sp[5] = (uintptr_t)f;			/* rbx */
	sp[6] = 0;				/* rbp */
	sp[7] = (uintptr_t)fiber_asm_start;
	f->sp = sp;
}

FIBER_INLINE void arch_switch(struct fiber *from, void *to_sp,
			      struct fiber *to)
{
	(void)to;
	fiber_asm_switch(&from->sp, to_sp);
}

#else /* FIBER_UCONTEXT */

/* makecontext passes only ints; the switch hands the pair over here.  Only
 * the switch path touches them, outside the sanitizers' view. */
static _Thread_local struct fiber *uc_from, *uc_to;

FIBER_NOSAN static void uc_start(void)
{
	fiber_start(uc_to, uc_from);
}

static void arch_make(struct fiber *f)
{
	if (getcontext(&f->uc) != 0)
		abort();
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = f->stack_size;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, uc_start, 0);
}

FIBER_INLINE void arch_switch(struct fiber *from, void *to_sp,
			      struct fiber *to)
{
	(void)to_sp;
	uc_from = from;
	uc_to = to;
	swapcontext(&from->uc, &to->uc);
}
#endif /* FIBER_UCONTEXT */

/* ---- the API ---- */

void fiber_init_main(struct fiber *main_ctx)
{
	memset(main_ctx, 0, sizeof(*main_ctx));
	main_ctx->state = FIBER_STARTED;
#ifdef FIBER_TSAN
	main_ctx->tsan_fiber = __tsan_get_current_fiber();
#endif
	fiber_main = main_ctx;
}

FIBER_NOSAN void fiber_switch(struct fiber *from, struct fiber *to, int sync)
{
	/* Locals first: after tsan_switch every access is the target's. */
	void *to_sp = to->sp;
	void *to_tsan = to->tsan_fiber;

	VM_ASSERT(to != from);
	VM_ASSERT(to->state != FIBER_ZERO);	/* never made, or destroyed */

	asan_start(&from->asan_fake_stack, to);
	tsan_switch(to_tsan, sync);
	arch_switch(from, to_sp, to);
	/* Resumed: we are `from` again. */
	asan_finish(from->asan_fake_stack);
	if (__builtin_expect(from->restart != FIBER_RUN, 0))
		longjmp(from->top, 1);	/* to fiber_start's setjmp */
}

/* Leave a fiber for good: NULL as the fake-stack slot frees its fake
 * stack; nothing switches back here, fiber_make builds a new frame. */
FIBER_NOSAN __attribute__((noreturn)) static void fiber_leave(struct fiber *f)
{
	struct fiber *to = fiber_main;
	void *to_sp = to->sp;
	void *to_tsan = to->tsan_fiber;

	asan_start(NULL, to);
	tsan_switch(to_tsan, 1);
	arch_switch(f, to_sp, to);
	abort();
}

/* The first code a fiber runs, reached from its initial frame; restarts
 * come back here through the setjmp. */
FIBER_NOSAN __attribute__((noreturn, used, visibility("hidden")))
void fiber_start(struct fiber *f, struct fiber *from)
{
	asan_finish_first(from);
	f->state = FIBER_STARTED;
	setjmp(f->top);
	fp_reset();
	if (f->restart == FIBER_EXIT)
		fiber_leave(f);
	f->restart = FIBER_RUN;
	tsan_acquire_start(f);
	tsan_hide_once(f);
	f->entry(f->arg);
	VM_ASSERT(!"a fiber's entry function returned");
	abort();
}

/* A fresh fiber on a stack nothing else uses. */
static void make_new(struct fiber *f, void *stack, size_t size)
{
	f->stack = stack;
	f->stack_size = size;
	f->asan_fake_stack = NULL;
	f->asan_bottom = stack;
	f->asan_size = size;
	f->state = FIBER_NEW;
#ifdef FIBER_ASAN
	/* The memory may carry redzones of an earlier user of the stack. */
	__asan_unpoison_memory_region(stack, size);
#endif
#ifdef FIBER_TSAN
	if (!f->tsan_fiber) {
		f->tsan_fiber = __tsan_create_fiber(0);
		f->tsan_hidden = false;
	}
#endif
	arch_make(f);
}

void fiber_make(struct fiber *f, void *stack, size_t size,
		void (*entry)(void *), void *arg)
{
	VM_ASSERT(f != fiber_main);
	VM_ASSERT(stack != NULL);
	VM_ASSERT(size >= FIBER_STACK_MIN);
	VM_ASSERT(entry != NULL);
	if (f->state == FIBER_STARTED &&
	    (f->stack != stack || f->stack_size != size))
		fiber_destroy(f);
	f->entry = entry;
	f->arg = arg;
	if (f->state == FIBER_STARTED)
		f->restart = FIBER_RESTART;	/* lazily, at the switch-in */
	else
		make_new(f, stack, size);
	tsan_release_start(f);
}

void fiber_destroy(struct fiber *f)
{
	if (f == fiber_main || f->state == FIBER_ZERO)
		return;
	if (f->state == FIBER_STARTED) {
		VM_ASSERT(fiber_main != NULL);
		/* Let the fiber unwind and leave for good, freeing the
		 * sanitizer state that lives on and for its stack. */
		f->restart = FIBER_EXIT;
		fiber_switch(fiber_main, f, 1);
	}
#ifdef FIBER_ASAN
	__asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
#ifdef FIBER_TSAN
	if (f->tsan_fiber)
		__tsan_destroy_fiber(f->tsan_fiber);
#endif
	memset(f, 0, sizeof(*f));
}
