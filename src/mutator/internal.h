/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the mutation families share: the per-kind function
 * type, random values shaped for this format, and edits of a thread's op
 * list.  Not part of the mutator's interface.
 */
#ifndef VMLOCK_MUTATOR_INTERNAL_H
#define VMLOCK_MUTATOR_INTERNAL_H

#include "mutator.h"

/*
 * One mutation kind.  Returns false when it does not apply to p; it may
 * then have scribbled on p (the caller restores it).  The result need not
 * be canonical: the caller canonicalises.
 */
typedef bool (*mut_fn)(struct vmt_program *p, struct mut_rng *r);

/* The families (mutate_ops.c, mutate_sched.c), indexed by enum vmt_mutation. */
bool mut_op_insert(struct vmt_program *p, struct mut_rng *r);
bool mut_op_delete(struct vmt_program *p, struct mut_rng *r);
bool mut_op_swap(struct vmt_program *p, struct mut_rng *r);
bool mut_op_dup(struct vmt_program *p, struct mut_rng *r);
bool mut_op_kind(struct vmt_program *p, struct mut_rng *r);
bool mut_op_page(struct vmt_program *p, struct mut_rng *r);
bool mut_op_len(struct vmt_program *p, struct mut_rng *r);
bool mut_op_flags(struct vmt_program *p, struct mut_rng *r);
bool mut_op_arg(struct vmt_program *p, struct mut_rng *r);
bool mut_op_move(struct vmt_program *p, struct mut_rng *r);
bool mut_thread_mm(struct vmt_program *p, struct mut_rng *r);
bool mut_thread_add(struct vmt_program *p, struct mut_rng *r);
bool mut_thread_remove(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_shift(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_steps(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_thread(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_split(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_merge(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_insert(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_delete(struct vmt_program *p, struct mut_rng *r);
bool mut_sched_fresh(struct vmt_program *p, struct mut_rng *r);
bool mut_choice_flip(struct vmt_program *p, struct mut_rng *r);
bool mut_choice_set(struct vmt_program *p, struct mut_rng *r);
bool mut_choice_insert(struct vmt_program *p, struct mut_rng *r);
bool mut_choice_delete(struct vmt_program *p, struct mut_rng *r);
bool mut_small_limit(struct vmt_program *p, struct mut_rng *r);
bool mut_explore(struct vmt_program *p, struct mut_rng *r);
bool mut_layout(struct vmt_program *p, struct mut_rng *r);
bool mut_program_fresh(struct vmt_program *p, struct mut_rng *r);
bool mut_program_lifetime(struct vmt_program *p, struct mut_rng *r);

/* Random bytes, 8 to max_bytes of them, decoded into p (the decoder
 * never rejects). */
void mut_random_program(struct vmt_program *p, struct mut_rng *r,
			size_t max_bytes);

/* True with probability 1/n. */
static inline bool mut_one_in(struct mut_rng *r, unsigned n)
{
	return mut_rng_below(r, n) == 0;
}

/*
 * A run length, small more often than large: the preemptions that matter
 * sit a few accesses into an operation, and a run of 64 is rarely better
 * than letting the thread go on.
 */
unsigned mut_random_steps(struct mut_rng *r);
/* A page, most often one some op or initial VMA of p already uses, so
 * that new operations meet the old ones. */
uint8_t mut_random_page(const struct vmt_program *p, struct mut_rng *r);
/* A new op for thread self of p, every field drawn for its kind. */
void mut_random_op(const struct vmt_program *p, unsigned self,
		   struct mut_rng *r, struct vmt_op *op);
/* The fields of op its kind uses (keeping the page), drawn afresh. */
void mut_random_fields(const struct vmt_program *p, unsigned self,
		       struct mut_rng *r, struct vmt_op *op);

/*
 * Swarm selection: a set of op kinds (a bit per kind), each in with
 * probability 1/2, never empty; and p's ops of the other kinds redrawn
 * among those in it (page kept where both kinds use one, fields afresh).
 */
unsigned mut_swarm_mask(struct mut_rng *r);
void mut_swarm(struct vmt_program *p, unsigned mask, struct mut_rng *r);

/*
 * Ops that act on an existing VMA (all but MAP, KILL and EXIT) moved,
 * each but one in MUT_LEAN_KEEP_ONE_IN, to a page of a VMA their thread's
 * mm has at the start or maps (giving an mm with none one initial VMA):
 * as a generator of system-call programs lets its calls use the
 * resources the program has, so that most readers and writers take a
 * lock instead of missing.  The rest keep their page: the miss paths stay
 * in reach.
 */
#define MUT_LEAN_KEEP_ONE_IN 4
void mut_lean_to_vmas(struct vmt_program *p, struct mut_rng *r);

/* Op list edits; the caller checks the limits. */
void mut_thread_insert(struct vmt_thread *t, unsigned i,
		       const struct vmt_op *op);
void mut_thread_delete(struct vmt_thread *t, unsigned i);
/* A run (thread, steps) before run i of the schedule; nsched < the limit. */
void mut_sched_insert_at(struct vmt_program *p, unsigned i, unsigned thread,
			 unsigned steps);

/*
 * A uniformly chosen op of p for which want(op, p) holds (NULL: any op).
 * Returns false if there is none.
 */
typedef bool (*mut_op_pred)(const struct vmt_op *op,
			    const struct vmt_program *p);
bool mut_pick_op(const struct vmt_program *p, struct mut_rng *r,
		 mut_op_pred want, unsigned *thread, unsigned *index);

#endif /* VMLOCK_MUTATOR_INTERNAL_H */
