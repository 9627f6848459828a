/* SPDX-License-Identifier: MIT */
/*
 * explicit.h - run-aware schedule mutation.
 *
 * A program's schedule says how long each run is until the runs are used
 * up; after that the running thread goes on until it sleeps or ends, and
 * where those implicit runs end depends on what the ops do.  A schedule
 * mutation that does not run the program cannot aim at a step of that
 * tail, nor at the first access after an op's lock release.  This one runs
 * the program once with the schedule recorded, replaces the schedule by
 * the recorded runs (the same execution, every step now explicit), then
 * applies one schedule mutation, so a preemption lands on a uniformly
 * chosen step of the real run, or on a window of it (below): a step the
 * oracles saw a reader make on an object it holds no reference to.
 *
 * It needs the runtime (the harness), unlike mutator.h, and costs one
 * execution per call.
 */
#ifndef VMLOCK_MUTATOR_EXPLICIT_H
#define VMLOCK_MUTATOR_EXPLICIT_H

#include "mutator.h"
#include "../lock/variant.h"

/*
 * The windows of a recorded run: the steps (from 0) whose access touched
 * a VMA under RCU without a reference (harness_recorded_windows()).  A
 * preemption there lets another thread free the object and hand it out
 * again under the reader's pointer.
 */
#define VMT_MAX_WINDOWS 32
struct vmt_windows {
	unsigned n;
	uint16_t step[VMT_MAX_WINDOWS];
};

/*
 * Replace p's schedule by the runs a run of p under variant v takes; the
 * choice bytes stay.  The run's windows go to w (may be NULL).  False (p
 * unchanged) if the runs do not fit the encoding.
 */
bool vmt_schedule_make_explicit(struct vmt_program *p, enum variant v,
				struct vmt_windows *w);

/*
 * The explicit form of p from the run just made with recording on
 * (harness_opts.record): p's schedule replaced by the recorded runs, the
 * choice bytes kept, the run's windows to w (may be NULL).  False (p
 * unchanged) if the runs do not fit the encoding.
 */
bool vmt_explicit_from_recorded(struct vmt_program *p, struct vmt_windows *w);

/* An input's explicit form: what the run-aware mutation starts from. */
struct vmt_explicit {
	struct vmt_program p;	/* its schedule made explicit */
	struct vmt_windows w;	/* the recorded run's windows */
};

/*
 * Decode in and make its schedule explicit under variant v, with the
 * run's windows, into e.  False if that does not apply: one thread (every
 * schedule is the same execution), or runs too long to record.
 */
bool vmt_explicit_make(const uint8_t *in, size_t size, enum variant v,
		       struct vmt_explicit *e);

/*
 * One schedule mutation of a copy of e's program, encoded into out: if
 * the run had windows, one time in two a mutation at its windows (a
 * preemption at one, a chain of visits, an interleaving of pieces), else
 * one of vmt_mutate_schedule().  Returns the size, or 0 if none applies or cap
 * is below a header (out is then untouched).  A caller that keeps e saves
 * the run that made it.
 */
size_t vmt_mutate_explicit_program(const struct vmt_explicit *e, uint8_t *out,
				   size_t cap, uint64_t seed);

/*
 * The interleaving of pieces, one of the window mutations of
 * vmt_mutate_explicit_program(): each thread's steps in explicit schedule
 * p (made by vmt_schedule_make_explicit() with windows w) cut at one to
 * three of the windows, the pieces put in a random order that keeps each
 * thread's own.  Every thread keeps its number of steps.  p is not
 * canonicalised.  False if w is empty, a window is past p's runs or the
 * pieces do not fit the schedule (p is then scribbled on).
 */
bool vmt_windows_interleave(struct vmt_program *p, const struct vmt_windows *w,
			    uint64_t seed);

/*
 * One step of a deepening chain: a visit by another thread at a window of
 * e's run at or after step `from` (the window's step, or one or two
 * after it, as the interleaving cuts), encoded into out with the explore
 * bit cleared.  *next is where the chain's next step looks for windows:
 * the steps before the visit run as they did, so the next run's windows
 * from there on are those the visit made.  A deep bug's windows appear
 * one after another: a reader stalled at its walk while the object is
 * freed and handed to another mm has, in that run only, a window at its
 * put on the recycled object, where an exit's detach must come in.  The
 * caller runs the result with recording on and makes the next step from
 * that run (vmt_explicit_from_recorded()).  Returns the size, or 0 if no
 * window is at or after `from` or the visit does not fit.
 */
size_t vmt_mutate_explicit_deepen(const struct vmt_explicit *e, unsigned from,
				  uint8_t *out, size_t cap, uint64_t seed,
				  unsigned *next);
/* The inputs of a chain at most: a deep bug's two or three windows, and
 * a visit that missed (bench/results/deep-variants.md). */
#define VMT_DEEPEN_STEPS 4
/* Chains start only once the search has gone VMT_DEEPEN_STALE inputs
 * without covering anything new: while single mutations still grow the
 * corpus, the one-window bugs are theirs to find, and a chain's four
 * inputs would be taken from them (bench/results/deep-variants.md). */
#define VMT_DEEPEN_STALE 200

/*
 * vmt_explicit_make() then vmt_mutate_explicit_program().  Returns the
 * size, or 0 if either does not apply; out is then untouched.
 */
size_t vmt_mutate_explicit_bytes(const uint8_t *in, size_t size, uint8_t *out,
				 size_t cap, uint64_t seed, enum variant v);

#endif /* VMLOCK_MUTATOR_EXPLICIT_H */
