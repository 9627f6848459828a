// SPDX-License-Identifier: MIT
/*
 * mutator.c - the mutator's front: the PRNG, the table of mutation kinds
 * and their weights, canonicalisation, stacking, crossover and the byte
 * forms the engines call.  The mutations themselves are in mutate_ops.c
 * (operations and threads) and mutate_sched.c (schedule, choices, world).
 */
#include "internal.h"
#include "../util/assert.h"

#include <string.h>

uint64_t mut_rng_next(struct mut_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned mut_rng_below(struct mut_rng *r, unsigned n)
{
	VM_ASSERT(n > 0);
	/* Multiply-high of the top 32 bits: no modulo bias worth a loop. */
	return (unsigned)(((mut_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/*
 * Every kind with its function, name and weight.  The weights favour the
 * schedule: the findings are interleavings, and a program whose ops
 * already meet (a fault and an unmap of one VMA) still needs its
 * preemption a few accesses into the right op.  A fresh random program
 * is 12 picks in 93: of weights 0, 4, 12 and 24 (5 seeds each, empty corpus),
 * 12 took the fewest runs to S1-S6 overall (README, "Structure-aware
 * mutation").  A program around one VMA's life is 6 in 93
 * (bench/results/lifetime-programs.md).
 */
static const struct {
	mut_fn fn;
	const char *name;
	uint8_t weight;
} kinds[VMT_MUT__COUNT] = {
	[VMT_MUT_OP_INSERT]	= { mut_op_insert, "op-insert", 6 },
	[VMT_MUT_OP_DELETE]	= { mut_op_delete, "op-delete", 3 },
	[VMT_MUT_OP_SWAP]	= { mut_op_swap, "op-swap", 2 },
	[VMT_MUT_OP_DUP]	= { mut_op_dup, "op-dup", 2 },
	[VMT_MUT_OP_KIND]	= { mut_op_kind, "op-kind", 4 },
	[VMT_MUT_OP_PAGE]	= { mut_op_page, "op-page", 4 },
	[VMT_MUT_OP_LEN]	= { mut_op_len, "op-len", 1 },
	[VMT_MUT_OP_FLAGS]	= { mut_op_flags, "op-flags", 1 },
	[VMT_MUT_OP_ARG]	= { mut_op_arg, "op-arg", 1 },
	[VMT_MUT_OP_MOVE]	= { mut_op_move, "op-move", 2 },
	[VMT_MUT_THREAD_MM]	= { mut_thread_mm, "thread-mm", 2 },
	[VMT_MUT_THREAD_ADD]	= { mut_thread_add, "thread-add", 2 },
	[VMT_MUT_THREAD_REMOVE]	= { mut_thread_remove, "thread-remove", 1 },
	[VMT_MUT_SCHED_SHIFT]	= { mut_sched_shift, "sched-shift", 8 },
	[VMT_MUT_SCHED_STEPS]	= { mut_sched_steps, "sched-steps", 8 },
	[VMT_MUT_SCHED_THREAD]	= { mut_sched_thread, "sched-thread", 3 },
	[VMT_MUT_SCHED_SPLIT]	= { mut_sched_split, "sched-split", 5 },
	[VMT_MUT_SCHED_MERGE]	= { mut_sched_merge, "sched-merge", 2 },
	[VMT_MUT_SCHED_INSERT]	= { mut_sched_insert, "sched-insert", 4 },
	[VMT_MUT_SCHED_DELETE]	= { mut_sched_delete, "sched-delete", 2 },
	[VMT_MUT_SCHED_FRESH]	= { mut_sched_fresh, "sched-fresh", 3 },
	[VMT_MUT_CHOICE_FLIP]	= { mut_choice_flip, "choice-flip", 1 },
	[VMT_MUT_CHOICE_SET]	= { mut_choice_set, "choice-set", 1 },
	[VMT_MUT_CHOICE_INSERT]	= { mut_choice_insert, "choice-insert", 1 },
	[VMT_MUT_CHOICE_DELETE]	= { mut_choice_delete, "choice-delete", 1 },
	[VMT_MUT_SMALL_LIMIT]	= { mut_small_limit, "small-limit", 1 },
	[VMT_MUT_EXPLORE]	= { mut_explore, "explore", 2 },
	[VMT_MUT_LAYOUT]	= { mut_layout, "layout", 2 },
	[VMT_MUT_PROGRAM_FRESH]	= { mut_program_fresh, "program-fresh", 12 },
	[VMT_MUT_PROGRAM_LIFETIME] = { mut_program_lifetime, "program-lifetime", 6 },
};

const char *vmt_mutation_name(unsigned kind)
{
	return kind < VMT_MUT__COUNT ? kinds[kind].name : "invalid";
}

static unsigned pick_kind(struct mut_rng *r)
{
	unsigned total = 0, k, x;

	for (k = 0; k < VMT_MUT__COUNT; k++)
		total += kinds[k].weight;
	x = mut_rng_below(r, total);
	for (k = 0; x >= kinds[k].weight; k++)
		x -= kinds[k].weight;
	VM_ASSERT(k < VMT_MUT__COUNT);
	return k;
}

/* ---- canonical form ---- */

static size_t encoded_size(const struct vmt_program *p)
{
	return 5 + 2 * (size_t)vmt_program_nops(p) + p->nsched + p->nchoices;
}

/* The last op of the thread with the most ops (the last such thread). */
static void drop_one_op(struct vmt_program *p)
{
	unsigned t, best = 0;

	for (t = 1; t < p->nthreads; t++)
		if (p->threads[t].nops >= p->threads[best].nops)
			best = t;
	VM_ASSERT(p->threads[best].nops > 0);
	mut_thread_delete(&p->threads[best], p->threads[best].nops - 1u);
}

/* Counts and fields within the limits of program.h, so it encodes. */
static void clamp_limits(struct vmt_program *p)
{
	unsigned t, i;

	if (p->nthreads < 1 || p->nthreads > VMT_MAX_THREADS)
		p->nthreads = p->nthreads < 1 ? 1 : VMT_MAX_THREADS;
	for (t = 0; t < p->nthreads; t++) {
		if (p->threads[t].nops > VMT_MAX_OPS_PER_THREAD)
			p->threads[t].nops = VMT_MAX_OPS_PER_THREAD;
	}
	while (vmt_program_nops(p) > VMT_MAX_OPS)
		drop_one_op(p);
	if (p->nsched > VMT_MAX_SCHED)
		p->nsched = VMT_MAX_SCHED;
	for (i = 0; i < p->nsched; i++) {
		struct vmt_run *run = &p->sched[i];

		run->thread = (uint8_t)(run->thread % p->nthreads);
		if (run->steps < 1 || run->steps > 64)
			run->steps = run->steps < 1 ? 1 : 64;
	}
	if (p->nchoices > VMT_MAX_CHOICES)
		p->nchoices = VMT_MAX_CHOICES;
}

/* Shrink until the encoding fits: choices, then runs, then ops. */
static void fit(struct vmt_program *p, size_t cap)
{
	while (encoded_size(p) > cap) {
		size_t over = encoded_size(p) - cap;

		if (p->nchoices) {
			p->nchoices = (uint8_t)(p->nchoices > over ?
						p->nchoices - over : 0);
		} else if (p->nsched) {
			p->nsched--;
		} else {
			drop_one_op(p);
		}
	}
}

void vmt_canonicalize(struct vmt_program *p, size_t cap)
{
	uint8_t buf[VMT_MAX_INPUT];
	size_t n;

	VM_ASSERT(cap >= VMT_MUT_MIN_CAP);
	clamp_limits(p);
	fit(p, cap);
	/*
	 * The decoder is the definition of canonical (dropped ops after an
	 * EXIT, KILL targets, unused fields zero): go through it rather than
	 * restate its rules here.
	 */
	n = vmt_encode(p, buf, sizeof(buf));
	VM_ASSERT(n >= VMT_MUT_MIN_CAP && n <= cap);
	vmt_decode(buf, n, p);
}

/* ---- mutation ---- */

bool vmt_mutate_one(struct vmt_program *p, unsigned kind, struct mut_rng *r,
		    size_t cap)
{
	struct vmt_program before = *p;

	VM_ASSERT(kind < VMT_MUT__COUNT);
	if (!kinds[kind].fn(p, r)) {
		*p = before;
		return false;
	}
	vmt_canonicalize(p, cap);
	/* Canonical programs are equal exactly when their bytes are. */
	return memcmp(p, &before, sizeof(before)) != 0;
}

/* How many mutations to stack: one half the time, up to the maximum. */
static unsigned stack_depth(struct mut_rng *r)
{
	unsigned n = 1;

	while (n < VMT_MUT_STACK_MAX && mut_one_in(r, 2))
		n++;
	return n;
}

/* Bounds the retries when a drawn kind does not apply. */
#define MUT_TRIES 256

unsigned vmt_mutate(struct vmt_program *p, uint64_t seed, size_t cap,
		    struct vmt_mut_log *log)
{
	struct mut_rng r = { .state = seed };
	struct vmt_program orig = *p;
	unsigned want = stack_depth(&r), done = 0, tries;

	for (tries = 0; tries < MUT_TRIES; tries++) {
		unsigned kind;

		/* Stacked mutations can undo each other (a bit flipped twice):
		 * go on until the program differs from where it started. */
		if (done >= want && memcmp(p, &orig, sizeof(orig)))
			break;
		kind = pick_kind(&r);
		if (!vmt_mutate_one(p, kind, &r, cap))
			continue;
		if (done == VMT_MUT_STACK_MAX)
			done--;		/* the log keeps the last ones */
		if (log)
			log->kinds[done] = (uint8_t)kind;
		done++;
	}
	if (log)
		log->n = done;
	/* Some kind applies to every program (a layout bit always flips). */
	VM_ASSERT(done > 0 && memcmp(p, &orig, sizeof(orig)));
	return done;
}

bool vmt_mutate_schedule(struct vmt_program *p, uint64_t seed, size_t cap)
{
	struct mut_rng r = { .state = seed };
	unsigned tries;

	for (tries = 0; tries < MUT_TRIES; tries++) {
		unsigned kind = pick_kind(&r);

		/* A fresh schedule would throw the explicit one away. */
		if (kind < VMT_MUT_SCHED_SHIFT || kind >= VMT_MUT_SCHED_FRESH)
			continue;
		if (vmt_mutate_one(p, kind, &r, cap))
			return true;
	}
	return false;
}

/* ---- crossover ---- */

static void cross_schedule(struct vmt_program *out, const struct vmt_program *b,
			   struct mut_rng *r)
{
	out->nsched = b->nsched;
	memcpy(out->sched, b->sched, sizeof(out->sched));
	if (mut_one_in(r, 2)) {
		out->nchoices = b->nchoices;
		memcpy(out->choices, b->choices, sizeof(out->choices));
	}
}

/* A prefix of one of out's threads, then a suffix of one of b's. */
static void cross_ops(struct vmt_program *out, const struct vmt_program *b,
		      struct mut_rng *r)
{
	struct vmt_thread *t = &out->threads[mut_rng_below(r, out->nthreads)];
	const struct vmt_thread *u = &b->threads[mut_rng_below(r, b->nthreads)];
	unsigned i = mut_rng_below(r, t->nops + 1u);
	unsigned j = mut_rng_below(r, u->nops + 1u);

	while (j < u->nops && i < VMT_MAX_OPS_PER_THREAD)
		t->ops[i++] = u->ops[j++];
	t->nops = (uint8_t)i;
}

/* One of b's threads replaces one of out's, or joins them. */
static void cross_thread(struct vmt_program *out, const struct vmt_program *b,
			 struct mut_rng *r)
{
	const struct vmt_thread *u = &b->threads[mut_rng_below(r, b->nthreads)];
	unsigned t;

	if (out->nthreads < VMT_MAX_THREADS && mut_one_in(r, 2))
		t = out->nthreads++;
	else
		t = mut_rng_below(r, out->nthreads);
	out->threads[t] = *u;
}

/* A prefix of out's schedule, then a suffix of b's. */
static void cross_sched_splice(struct vmt_program *out,
			       const struct vmt_program *b, struct mut_rng *r)
{
	unsigned i = mut_rng_below(r, out->nsched + 1u);
	unsigned j = mut_rng_below(r, b->nsched + 1u);

	while (j < b->nsched && i < VMT_MAX_SCHED)
		out->sched[i++] = b->sched[j++];
	out->nsched = (uint8_t)i;
}

void vmt_crossover(const struct vmt_program *a, const struct vmt_program *b,
		   uint64_t seed, size_t cap, struct vmt_program *out)
{
	struct mut_rng r = { .state = seed };

	VM_ASSERT(out != a && out != b);
	*out = *a;
	switch (mut_rng_below(&r, 4)) {
	case 0:
		cross_schedule(out, b, &r);
		break;
	case 1:
		cross_ops(out, b, &r);
		break;
	case 2:
		cross_thread(out, b, &r);
		break;
	default:
		cross_sched_splice(out, b, &r);
		break;
	}
	vmt_canonicalize(out, cap);
	/* Parts of a program with itself can give it back: then mutate. */
	if (!memcmp(out, a, sizeof(*a)))
		vmt_mutate(out, mut_rng_next(&r), cap, NULL);
}

/* ---- bytes ---- */

static void decode_within(const uint8_t *in, size_t size, size_t cap,
			  struct vmt_program *p)
{
	vmt_decode(in, size, p);
	/* Canonical already, but maybe larger than this engine's limit. */
	vmt_canonicalize(p, cap);
}

size_t vmt_mutate_bytes(const uint8_t *in, size_t size, uint8_t *out,
			size_t cap, uint64_t seed, struct vmt_mut_log *log)
{
	struct vmt_program p;
	size_t n;

	if (cap < VMT_MUT_MIN_CAP)
		return 0;
	decode_within(in, size, cap, &p);
	vmt_mutate(&p, seed, cap, log);
	n = vmt_encode(&p, out, cap);
	VM_ASSERT(n >= VMT_MUT_MIN_CAP && n <= cap);
	return n;
}

size_t vmt_crossover_bytes(const uint8_t *a, size_t asize, const uint8_t *b,
			   size_t bsize, uint8_t *out, size_t cap,
			   uint64_t seed)
{
	struct vmt_program pa, pb, po;
	size_t n;

	if (cap < VMT_MUT_MIN_CAP)
		return 0;
	decode_within(a, asize, cap, &pa);
	decode_within(b, bsize, cap, &pb);
	vmt_crossover(&pa, &pb, seed, cap, &po);
	n = vmt_encode(&po, out, cap);
	VM_ASSERT(n >= VMT_MUT_MIN_CAP && n <= cap);
	return n;
}
