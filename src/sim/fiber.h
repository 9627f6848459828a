/* SPDX-License-Identifier: MIT */
/*
 * fiber.h - user-level contexts for the simulated threads.
 *
 * All simulated threads run on one OS thread; each is a fiber on its own
 * preallocated stack.  The scheduler is the OS thread's own context (the
 * "main" fiber).  On x86_64 a switch is a few instructions of hand-written
 * assembly (callee-saved registers, MXCSR and the x87 control word); other
 * architectures, or -DFIBER_USE_UCONTEXT, use makecontext/swapcontext.
 *
 * Sanitizers: in ASan builds every switch is announced with
 * __sanitizer_start/finish_switch_fiber so ASan knows which stack is live;
 * in TSan builds every fiber is a TSan fiber and each switch calls
 * __tsan_switch_to_fiber (no_sync unless the caller asks for an edge).
 *
 * Life cycle of a fiber:
 *
 *	zeroed --fiber_make--> NEW --first switch in--> STARTED
 *	STARTED --fiber_make--> STARTED, restart pending
 *	STARTED, restart pending --next switch in--> runs entry(arg) afresh
 *
 * A started fiber is always suspended inside fiber_switch().  Restarting it
 * does not build a new frame on top of the old one: at its next switch-in
 * the fiber wakes up in that fiber_switch() call and longjmps back to its
 * start frame.  The sanitizers see an ordinary longjmp, so they drop the
 * abandoned frames (TSan's shadow call stack, ASan's stack poisoning and
 * fake frames) instead of leaking them on every fuzz run.
 *
 * Threading: all calls are made on the one OS thread that owns the fibers.
 * fiber_make() and fiber_destroy() are called from the main context.
 */
#ifndef VMLOCK_SIM_FIBER_H
#define VMLOCK_SIM_FIBER_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#if !defined(__x86_64__) || defined(FIBER_USE_UCONTEXT)
#define FIBER_UCONTEXT 1
#include <ucontext.h>
#endif

struct fiber {
	void *sp;		/* saved stack pointer (asm switch); keep first */
	void *stack;		/* bottom of the stack memory (NULL for main) */
	size_t stack_size;
	void *tsan_fiber;	/* TSan fiber handle, or NULL */
	void *asan_fake_stack;	/* ASan fake-stack save slot */
	const void *asan_bottom;	/* ASan: bounds of this fiber's stack */
	size_t asan_size;
	void (*entry)(void *);	/* what the next start runs */
	void *arg;
	int state;		/* enum fiber_state (fiber.c) */
	int restart;		/* a fiber_make is waiting for the switch-in */
	/* TSan: set by the user before fiber_make to have TSan ignore the
	 * fiber's memory accesses from its first start on (it can open
	 * windows with __tsan_ignore_thread_end/begin pairs). */
	bool tsan_hide;
	bool tsan_hidden;	/* the ignore is in force (fiber.c) */
	jmp_buf top;		/* the start frame, target of restarts */
#ifdef FIBER_UCONTEXT
	ucontext_t uc;
#endif
};

/*
 * The calling OS thread's own context (the scheduler).  Call once, before
 * any other fiber call; main_ctx must stay valid while fibers exist.
 */
void fiber_init_main(struct fiber *main_ctx);

/*
 * Prepare f to run entry(arg) on [stack, stack + size) at its next
 * switch-in.  f must be zeroed before its first fiber_make.  entry must
 * never return: it ends by switching away for good.
 *
 * May be called again on the same fiber and stack to restart it, whether
 * it ran to its end, was abandoned mid-run, or never ran; the stack must
 * not have been touched meanwhile.  Restarting on a different stack
 * releases the old one first (as fiber_destroy does).
 *
 * Floating point control state (rounding, exception masks) starts at the
 * ABI defaults on every start.  In TSan builds everything main did before
 * fiber_make happens-before the fiber's start, as with pthread_create.
 */
void fiber_make(struct fiber *f, void *stack, size_t size,
		void (*entry)(void *), void *arg);

/*
 * Switch from the running context `from` to `to`.  sync != 0: TSan sees a
 * happens-before edge from everything `from` did (fiber -> scheduler);
 * sync == 0: no edge (__tsan_switch_to_fiber_no_sync; scheduler -> fiber).
 * Returns when some context switches back to `from`.
 */
void fiber_switch(struct fiber *from, struct fiber *to, int sync);

/*
 * Release a fiber's sanitizer state (TSan fiber, ASan fake stack and
 * stack poisoning); afterwards the stack memory may be freed and f is
 * zeroed, ready for a new fiber_make.  Call from the main context; on the
 * main context itself it does nothing.
 */
void fiber_destroy(struct fiber *f);

#endif /* VMLOCK_SIM_FIBER_H */
