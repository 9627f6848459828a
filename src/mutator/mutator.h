/* SPDX-License-Identifier: MIT */
/*
 * mutator.h - structure-aware mutation of fuzz inputs.
 *
 * Byte-level mutations of the binary form mostly make programs that are
 * valid (the decoder never rejects) but rarely meaningful: a flipped bit in
 * the op count shifts every later field, and the schedule only moves as a
 * side effect.  This mutator works on the decoded program instead: it
 * inserts, deletes and edits operations, threads and schedule runs, then
 * encodes the result back.  Engines call it through fuzz/mutator_libfuzzer.c
 * (LLVMFuzzerCustomMutator, LLVMFuzzerCustomCrossOver) and fuzz/mutator_afl.c
 * (AFL++'s afl_custom_fuzz); both share this one core.
 *
 * Contract:
 *  - deterministic: the same program (or bytes) and seed give the same
 *    result; the only randomness is a splitmix64 stream seeded by the caller;
 *  - canonical: every program it returns is one vmt_decode() produces, so
 *    encode -> decode is the identity on it, and its encoding fits the
 *    caller's size limit;
 *  - never idle: a mutation that would leave the program unchanged counts
 *    as not applied, and vmt_mutate() returns a program different from its
 *    input (unless nothing at all can change, which no program allows).
 */
#ifndef VMLOCK_MUTATOR_MUTATOR_H
#define VMLOCK_MUTATOR_MUTATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../scenario/program.h"

/* splitmix64: small, seedable, and owned by the project. */
struct mut_rng {
	uint64_t state;
};

uint64_t mut_rng_next(struct mut_rng *r);
/* Uniform in 0 .. n - 1 (n > 0). */
unsigned mut_rng_below(struct mut_rng *r, unsigned n);

/* The mutations, one concept each.  Names in vmt_mutation_name(). */
enum vmt_mutation {
	/* operations */
	VMT_MUT_OP_INSERT,	/* a new op at any position of a thread */
	VMT_MUT_OP_DELETE,
	VMT_MUT_OP_SWAP,	/* two ops of one thread trade places */
	VMT_MUT_OP_DUP,		/* an op again, in its thread or another */
	VMT_MUT_OP_KIND,
	VMT_MUT_OP_PAGE,	/* often to a page another op uses */
	VMT_MUT_OP_LEN,		/* WRITE, MAP: 1 <-> 2 pages */
	VMT_MUT_OP_FLAGS,	/* WRITE: killable, downgrade; UNMAP: downgrade */
	VMT_MUT_OP_ARG,		/* MAP: reuse index; KILL: target */
	VMT_MUT_OP_MOVE,	/* an op moves to another thread */
	/* threads */
	VMT_MUT_THREAD_MM,
	VMT_MUT_THREAD_ADD,
	VMT_MUT_THREAD_REMOVE,
	/* the schedule (run lengths) */
	VMT_MUT_SCHED_SHIFT,	/* move the preemption between two runs */
	VMT_MUT_SCHED_STEPS,	/* lengthen or shorten one run */
	VMT_MUT_SCHED_THREAD,	/* a run goes to another thread */
	VMT_MUT_SCHED_SPLIT,	/* preempt inside a run: (t,a+b) -> (t,a)(u,b) */
	VMT_MUT_SCHED_MERGE,	/* two neighbouring runs become one */
	VMT_MUT_SCHED_INSERT,
	VMT_MUT_SCHED_DELETE,
	VMT_MUT_SCHED_FRESH,	/* a new short schedule of small runs */
	/* choice bytes, the initial world */
	VMT_MUT_CHOICE_FLIP,	/* one bit */
	VMT_MUT_CHOICE_SET,	/* one byte, to a small or a random value */
	VMT_MUT_CHOICE_INSERT,
	VMT_MUT_CHOICE_DELETE,
	VMT_MUT_SMALL_LIMIT,
	VMT_MUT_EXPLORE,	/* toggle the derived schedules (format v2) */
	VMT_MUT_LAYOUT,		/* an initial VMA appears or goes */
	/* the whole program */
	VMT_MUT_PROGRAM_FRESH,	/* a random program, explore bit on */
	VMT_MUT_PROGRAM_LIFETIME, /* one around a VMA's free and reuse */
	VMT_MUT__COUNT
};

const char *vmt_mutation_name(unsigned kind);

/*
 * Apply one mutation of the given kind to a canonical program.  Returns
 * true if it applied and changed the program (which is then canonical
 * again and encodes within cap bytes), false if the kind does not apply
 * (e.g. no op to delete) and p is unchanged.
 */
bool vmt_mutate_one(struct vmt_program *p, unsigned kind, struct mut_rng *r,
		    size_t cap);

/* Which mutations vmt_mutate() applied, for describing and testing. */
#define VMT_MUT_STACK_MAX 4
struct vmt_mut_log {
	unsigned n;
	uint8_t kinds[VMT_MUT_STACK_MAX];
};

/*
 * A few stacked mutations (1 to VMT_MUT_STACK_MAX, most often one) chosen
 * by seed; p must be canonical.  If they cancel out (a bit flipped twice)
 * more follow until p differs from the input.  Returns the number in the
 * log (at least one), which keeps the last VMT_MUT_STACK_MAX kinds
 * applied.  log may be NULL.
 */
unsigned vmt_mutate(struct vmt_program *p, uint64_t seed, size_t cap,
		    struct vmt_mut_log *log);

/*
 * One schedule mutation (a sched-* kind other than sched-fresh), for a
 * caller that has first made p's schedule explicit: replaced it by the
 * runs a run of p actually took, so that every step of the run, the
 * implicit tail included, is a place a preemption can go.  Returns false
 * if none applied (p unchanged).
 */
bool vmt_mutate_schedule(struct vmt_program *p, uint64_t seed, size_t cap);

/*
 * Crossover: a program made of parts of a and b (threads of one with the
 * schedule of the other, spliced op lists, spliced schedules, one thread
 * of b put into a).  out may alias neither input.
 */
void vmt_crossover(const struct vmt_program *a, const struct vmt_program *b,
		   uint64_t seed, size_t cap, struct vmt_program *out);

/*
 * Bring any program within the limits of program.h into the form
 * vmt_decode() gives, and shrink it until its encoding fits cap bytes
 * (choices first, then schedule runs from the end, then the last op of
 * the longest thread).  cap must be at least VMT_MUT_MIN_CAP.
 */
#define VMT_MUT_MIN_CAP 5
void vmt_canonicalize(struct vmt_program *p, size_t cap);

/*
 * The byte forms, what engines call: decode the input, mutate (or cross
 * over), write the canonical encoding to out.  Return its size (at most
 * cap), or 0 if cap < VMT_MUT_MIN_CAP.  out may be the input buffer.
 */
size_t vmt_mutate_bytes(const uint8_t *in, size_t size, uint8_t *out,
			size_t cap, uint64_t seed, struct vmt_mut_log *log);
size_t vmt_crossover_bytes(const uint8_t *a, size_t asize, const uint8_t *b,
			   size_t bsize, uint8_t *out, size_t cap,
			   uint64_t seed);

#endif /* VMLOCK_MUTATOR_MUTATOR_H */
