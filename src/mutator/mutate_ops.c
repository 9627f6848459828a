// SPDX-License-Identifier: MIT
/*
 * mutate_ops.c - mutations of operations and threads, and the random
 * draws they share.
 *
 * New values lean towards what the program already has (a page another op
 * touches, an mm another thread is in), because the findings need two
 * threads on one VMA: a fault on a page nobody maps or unmaps is mostly
 * wasted.
 */
#include "internal.h"
#include "../util/assert.h"

#include <string.h>

/* ---- draws ---- */

/* Kinds for new ops: the readers and the unmapper meet most often. */
static const uint8_t kind_weights[VMT_OP__COUNT] = {
	[VMT_OP_FAULT] = 4, [VMT_OP_READ_LOCKED] = 2, [VMT_OP_WRITE] = 2,
	[VMT_OP_MAP] = 2, [VMT_OP_UNMAP] = 3, [VMT_OP_REATTACH] = 1,
	[VMT_OP_KILL] = 1, [VMT_OP_EXIT] = 1,
};

static bool uses_page(unsigned kind)
{
	return vmt_op_has_page(kind);
}

/* A kind among those in mask (a bit per kind), with their weights. */
static unsigned random_kind_in(struct mut_rng *r, unsigned mask)
{
	unsigned total = 0, x, k;

	for (k = 0; k < VMT_OP__COUNT; k++)
		total += mask >> k & 1 ? kind_weights[k] : 0;
	VM_ASSERT(total > 0);
	x = mut_rng_below(r, total);
	for (k = 0; !(mask >> k & 1) || x >= kind_weights[k]; k++)
		x -= mask >> k & 1 ? kind_weights[k] : 0;
	VM_ASSERT(k < VMT_OP__COUNT);
	return k;
}

static bool uses_len(unsigned kind)
{
	return vmt_op_has_len(kind);
}

/* Is f a canonical flag set for kind (the decoder's rule: a fault's
 * stack only with careful)? */
static bool flags_valid(unsigned kind, unsigned f)
{
	return vmt_op_canonical_flags(kind, f) == f;
}

/* How many other canonical flag sets a kind has besides one. */
static unsigned other_flag_sets(unsigned kind)
{
	unsigned n = 0;

	for (unsigned f = 0; f < 8; f++)
		n += flags_valid(kind, f);
	return n - 1;
}

/* Another canonical flag set of op's kind: the skip-th next one up (mod 8),
 * skip below other_flag_sets(kind). */
static uint8_t next_flags(unsigned kind, unsigned f, unsigned skip)
{
	for (unsigned n = 0; n < 8 * (skip + 1); n++) {
		f = (f + 1) & 7;
		if (flags_valid(kind, f) && !skip--)
			break;
	}
	return (uint8_t)f;
}

/* The pages p already names: its ops' and its initial VMAs'. */
static unsigned known_pages(const struct vmt_program *p, uint8_t *pages)
{
	unsigned n = 0, t, i, m, s;

	for (t = 0; t < p->nthreads; t++)
		for (i = 0; i < p->threads[t].nops; i++) {
			const struct vmt_op *op = &p->threads[t].ops[i];

			if (uses_page(op->kind))
				pages[n++] = op->page;
		}
	for (m = 0; m < VMT_MAX_MMS; m++)
		for (s = 0; s < VMT_SLOTS; s++)
			if (p->layout[m] & (1u << s))
				pages[n++] = (uint8_t)(2 * s);
	return n;
}

uint8_t mut_random_page(const struct vmt_program *p, struct mut_rng *r)
{
	uint8_t pages[VMT_MAX_OPS + VMT_MAX_MMS * VMT_SLOTS];
	unsigned n = known_pages(p, pages);

	if (n && !mut_one_in(r, 3))
		return pages[mut_rng_below(r, n)];
	return (uint8_t)mut_rng_below(r, VMT_PAGES);
}

/* A MAP's reuse index: the most recently freed objects matter most. */
static uint8_t random_reuse(struct mut_rng *r)
{
	return (uint8_t)(mut_one_in(r, 4) ? mut_rng_below(r, 16)
					  : mut_rng_below(r, 3));
}

/* A walk's arg (v4), drawn only for a walk: half the walks read in one
 * read(), a third of the rest are the query, the others read() 1 to 3
 * VMAs at a time (a program maps at most 8). */
static uint8_t random_walk_arg(struct mut_rng *r)
{
	if (mut_one_in(r, 2))
		return VMT_WALK_WHOLE;
	if (mut_one_in(r, 3))
		return VMT_WALK_QUERY;
	return (uint8_t)(1 + mut_rng_below(r, 3));
}

/* The flags version 3 added to a kind version 2 had flags for (write's
 * split, unmap's merge), from vmt_op_flags(): each set in one op of four. */
static unsigned added_flags(unsigned kind, struct mut_rng *r)
{
	unsigned added = vmt_op_flags(kind) & ~vmt_op_flags_v2(kind), f = 0;

	for (unsigned bit = 1; bit < 8; bit <<= 1)
		if ((added & bit) && mut_one_in(r, 4))
			f |= bit;
	return f;
}

void mut_random_fields(const struct vmt_program *p, unsigned self,
		       struct mut_rng *r, struct vmt_op *op)
{
	op->flags = 0;
	op->len = 1;
	op->arg = 0;
	switch (op->kind) {
	case VMT_OP_WRITE:
		op->flags = (uint8_t)(mut_rng_below(r, 4) | added_flags(op->kind, r));
		op->len = (uint8_t)(1 + mut_one_in(r, 3));
		break;
	case VMT_OP_MAP:
		op->len = (uint8_t)(1 + mut_one_in(r, 3));
		op->arg = random_reuse(r);
		break;
	case VMT_OP_UNMAP:
		op->flags = (uint8_t)((mut_one_in(r, 3) ? VMT_F_DOWNGRADE : 0) |
				      added_flags(op->kind, r));
		break;
	case VMT_OP_FAULT:
	case VMT_OP_READ_LOCKED:
		/* Mostly the plain forms: the lock forms are rarer paths. */
		if (mut_one_in(r, 4))
			op->flags = next_flags(op->kind, 0,
					       mut_rng_below(r, other_flag_sets(op->kind)));
		if (vmt_op_has_walk_arg(op))
			op->arg = random_walk_arg(r);
		break;
	case VMT_OP_KILL:
		/* Another thread; the decoder folds what is out of range. */
		op->arg = (uint8_t)((self + 1 + mut_rng_below(r, 3)) %
				    (p->nthreads > 1 ? p->nthreads : 2));
		break;
	default:
		break;
	}
}

void mut_random_op(const struct vmt_program *p, unsigned self,
		   struct mut_rng *r, struct vmt_op *op)
{
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)random_kind_in(r, (1u << VMT_OP__COUNT) - 1);
	if (uses_page(op->kind))
		op->page = mut_random_page(p, r);
	mut_random_fields(p, self, r, op);
}

/* ---- op lists ---- */

void mut_thread_insert(struct vmt_thread *t, unsigned i,
		       const struct vmt_op *op)
{
	VM_ASSERT(t->nops < VMT_MAX_OPS_PER_THREAD && i <= t->nops);
	memmove(&t->ops[i + 1], &t->ops[i], (t->nops - i) * sizeof(t->ops[0]));
	t->ops[i] = *op;
	t->nops++;
}

void mut_thread_delete(struct vmt_thread *t, unsigned i)
{
	VM_ASSERT(i < t->nops);
	memmove(&t->ops[i], &t->ops[i + 1],
		(t->nops - i - 1u) * sizeof(t->ops[0]));
	t->nops--;
	memset(&t->ops[t->nops], 0, sizeof(t->ops[0]));
}

bool mut_pick_op(const struct vmt_program *p, struct mut_rng *r,
		 mut_op_pred want, unsigned *thread, unsigned *index)
{
	unsigned n = 0, k, t, i;

	for (t = 0; t < p->nthreads; t++)
		for (i = 0; i < p->threads[t].nops; i++)
			n += !want || want(&p->threads[t].ops[i], p);
	if (!n)
		return false;
	k = mut_rng_below(r, n);
	for (t = 0; t < p->nthreads; t++)
		for (i = 0; i < p->threads[t].nops; i++) {
			if (want && !want(&p->threads[t].ops[i], p))
				continue;
			if (k-- == 0) {
				*thread = t;
				*index = i;
				return true;
			}
		}
	VM_ASSERT(!"mut_pick_op: count and walk disagree");
	return false;
}

/* A position in t where a new op is kept: not after a final EXIT. */
static unsigned insert_position(const struct vmt_thread *t, struct mut_rng *r)
{
	unsigned end = t->nops;

	if (end && vmt_op_ends_thread(&t->ops[end - 1]))
		end--;
	return mut_rng_below(r, end + 1);
}

/* A thread other than self with room for one more op, or -1. */
static int other_thread_with_room(const struct vmt_program *p, unsigned self,
				  struct mut_rng *r)
{
	unsigned start = mut_rng_below(r, p->nthreads), k;

	for (k = 0; k < p->nthreads; k++) {
		unsigned t = (start + k) % p->nthreads;

		if (t != self && p->threads[t].nops < VMT_MAX_OPS_PER_THREAD)
			return (int)t;
	}
	return -1;
}

/* ---- op mutations ---- */

bool mut_op_insert(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t = mut_rng_below(r, p->nthreads);
	struct vmt_op op;

	if (vmt_program_nops(p) >= VMT_MAX_OPS ||
	    p->threads[t].nops >= VMT_MAX_OPS_PER_THREAD)
		return false;
	mut_random_op(p, t, r, &op);
	mut_thread_insert(&p->threads[t], insert_position(&p->threads[t], r),
			  &op);
	return true;
}

bool mut_op_delete(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;

	if (!mut_pick_op(p, r, NULL, &t, &i))
		return false;
	mut_thread_delete(&p->threads[t], i);
	return true;
}

/* A thread with two ops or more, chosen in proportion to its ops. */
static int pick_long_thread(const struct vmt_program *p, struct mut_rng *r)
{
	unsigned n = 0, t, k;

	for (t = 0; t < p->nthreads; t++)
		n += p->threads[t].nops >= 2 ? p->threads[t].nops : 0;
	if (!n)
		return -1;
	k = mut_rng_below(r, n);
	for (t = 0; t < p->nthreads; t++) {
		unsigned w = p->threads[t].nops >= 2 ? p->threads[t].nops : 0;

		if (k < w)
			return (int)t;
		k -= w;
	}
	VM_ASSERT(!"pick_long_thread: count and walk disagree");
	return -1;
}

bool mut_op_swap(struct vmt_program *p, struct mut_rng *r)
{
	int t = pick_long_thread(p, r);
	unsigned i, j;
	struct vmt_thread *th;
	struct vmt_op tmp;

	if (t < 0)
		return false;
	th = &p->threads[t];
	i = mut_rng_below(r, th->nops);
	/* Neighbours half the time: the smallest change of order. */
	if (mut_one_in(r, 2))
		j = i + 1 < th->nops ? i + 1 : i - 1;
	else
		j = (i + 1 + mut_rng_below(r, th->nops - 1u)) % th->nops;
	if (!memcmp(&th->ops[i], &th->ops[j], sizeof(tmp)))
		return false;
	tmp = th->ops[i];
	th->ops[i] = th->ops[j];
	th->ops[j] = tmp;
	return true;
}

bool mut_op_dup(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;
	int u;
	struct vmt_op op;

	if (vmt_program_nops(p) >= VMT_MAX_OPS ||
	    !mut_pick_op(p, r, NULL, &t, &i))
		return false;
	op = p->threads[t].ops[i];
	/* Another thread doing the same is how two threads meet. */
	u = mut_one_in(r, 2) ? other_thread_with_room(p, t, r) : -1;
	if (u >= 0) {
		mut_thread_insert(&p->threads[u],
				  insert_position(&p->threads[u], r), &op);
		return true;
	}
	if (p->threads[t].nops >= VMT_MAX_OPS_PER_THREAD)
		return false;
	mut_thread_insert(&p->threads[t], i + 1, &op);
	return true;
}

bool mut_op_kind(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i, old;
	struct vmt_op *op;

	if (!mut_pick_op(p, r, NULL, &t, &i))
		return false;
	op = &p->threads[t].ops[i];
	old = op->kind;
	op->kind = (uint8_t)((old + 1 + mut_rng_below(r, VMT_OP__COUNT - 1)) %
			     VMT_OP__COUNT);
	/* The page stays (same VMA, other access) unless there was none. */
	if (uses_page(op->kind) && !uses_page(old))
		op->page = mut_random_page(p, r);
	mut_random_fields(p, t, r, op);
	return true;
}

static bool has_page(const struct vmt_op *op, const struct vmt_program *p)
{
	(void)p;
	return uses_page(op->kind);
}

bool mut_op_page(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;
	struct vmt_op *op;
	uint8_t page;

	if (!mut_pick_op(p, r, has_page, &t, &i))
		return false;
	op = &p->threads[t].ops[i];
	page = mut_random_page(p, r);
	if (page == op->page)
		page = (uint8_t)((page + 1 + mut_rng_below(r, VMT_PAGES - 1)) %
				 VMT_PAGES);
	op->page = page;
	return true;
}

static bool has_len(const struct vmt_op *op, const struct vmt_program *p)
{
	(void)p;
	return uses_len(op->kind);
}

bool mut_op_len(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;
	struct vmt_op *op;

	if (!mut_pick_op(p, r, has_len, &t, &i))
		return false;
	op = &p->threads[t].ops[i];
	op->len = (uint8_t)(op->len == 2 ? 1 : 2);
	return true;
}

static bool has_flags(const struct vmt_op *op, const struct vmt_program *p)
{
	(void)p;
	return vmt_op_flags(op->kind) != 0;
}

bool mut_op_flags(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;
	struct vmt_op *op;

	if (!mut_pick_op(p, r, has_flags, &t, &i))
		return false;
	op = &p->threads[t].ops[i];
	/* Any other canonical set of the flags vmt_op_flags() gives the kind:
	 * a new flag is picked up here without a change. */
	op->flags = next_flags(op->kind, op->flags,
			       mut_rng_below(r, other_flag_sets(op->kind)));
	return true;
}

/* MAP always has a choice of reuse, a walk of its read() size or the
 * query; KILL only with two others to kill. */
static bool has_arg(const struct vmt_op *op, const struct vmt_program *p)
{
	return op->kind == VMT_OP_MAP || vmt_op_has_walk_arg(op) ||
	       (op->kind == VMT_OP_KILL && p->nthreads > 2);
}

bool mut_op_arg(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;
	struct vmt_op *op;

	if (!mut_pick_op(p, r, has_arg, &t, &i))
		return false;
	op = &p->threads[t].ops[i];
	if (op->kind == VMT_OP_KILL) {
		/* The other target of the other threads (self excluded). */
		do
			op->arg = (uint8_t)((op->arg + 1) % p->nthreads);
		while (op->arg == t);
	} else if (mut_one_in(r, 2)) {
		op->arg = (uint8_t)((op->arg + 1) & 15);
	} else {
		op->arg = (uint8_t)((op->arg + 1 + mut_rng_below(r, 15)) & 15);
	}
	return true;
}

bool mut_op_move(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t, i;
	int u;
	struct vmt_op op;

	if (p->nthreads < 2 || !mut_pick_op(p, r, NULL, &t, &i))
		return false;
	u = other_thread_with_room(p, t, r);
	if (u < 0)
		return false;
	op = p->threads[t].ops[i];
	mut_thread_delete(&p->threads[t], i);
	mut_thread_insert(&p->threads[u], insert_position(&p->threads[u], r),
			  &op);
	return true;
}

/* ---- threads ---- */

bool mut_thread_mm(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t = mut_rng_below(r, p->nthreads);

	p->threads[t].mm ^= 1;
	return true;
}

bool mut_thread_add(struct vmt_program *p, struct mut_rng *r)
{
	unsigned t = p->nthreads, n, i;
	struct vmt_thread *th = &p->threads[t];

	if (t >= VMT_MAX_THREADS || vmt_program_nops(p) >= VMT_MAX_OPS)
		return false;
	p->nthreads++;
	memset(th, 0, sizeof(*th));
	/* Most often the mm of a thread already there: they share VMAs. */
	th->mm = mut_one_in(r, 4) ? (uint8_t)mut_rng_below(r, 2)
				  : p->threads[mut_rng_below(r, t)].mm;
	n = 1 + mut_rng_below(r, 2);
	for (i = 0; i < n && vmt_program_nops(p) < VMT_MAX_OPS; i++)
		mut_random_op(p, t, r, &th->ops[th->nops++]);
	/* Half the time it gets a run too, or it waits for the others. */
	if (p->nsched < VMT_MAX_SCHED && mut_one_in(r, 2)) {
		unsigned at = mut_rng_below(r, p->nsched + 1u);	/* then the steps */

		mut_sched_insert_at(p, at, t, mut_random_steps(r));
	}
	return true;
}

/* Thread numbers above u move down one; runs of u go. */
static void renumber_after_remove(struct vmt_program *p, unsigned u)
{
	unsigned i, n = 0, t, k;

	for (i = 0; i < p->nsched; i++) {
		struct vmt_run run = p->sched[i];

		if (run.thread == u)
			continue;
		if (run.thread > u)
			run.thread--;
		p->sched[n++] = run;
	}
	memset(&p->sched[n], 0, (p->nsched - n) * sizeof(p->sched[0]));
	p->nsched = (uint8_t)n;
	for (t = 0; t < p->nthreads; t++)
		for (k = 0; k < p->threads[t].nops; k++) {
			struct vmt_op *op = &p->threads[t].ops[k];

			if (op->kind == VMT_OP_KILL && op->arg > u)
				op->arg--;
		}
}

bool mut_thread_remove(struct vmt_program *p, struct mut_rng *r)
{
	unsigned u;

	if (p->nthreads < 2)
		return false;
	u = mut_rng_below(r, p->nthreads);
	memmove(&p->threads[u], &p->threads[u + 1],
		(p->nthreads - u - 1u) * sizeof(p->threads[0]));
	p->nthreads--;
	memset(&p->threads[p->nthreads], 0, sizeof(p->threads[0]));
	renumber_after_remove(p, u);
	return true;
}

/* ---- swarm selection ---- */

unsigned mut_swarm_mask(struct mut_rng *r)
{
	unsigned mask = (unsigned)mut_rng_below(r, 1u << VMT_OP__COUNT);

	return mask ? mask : 1u << mut_rng_below(r, VMT_OP__COUNT);
}

void mut_swarm(struct vmt_program *p, unsigned mask, struct mut_rng *r)
{
	for (unsigned t = 0; t < p->nthreads; t++)
		for (unsigned i = 0; i < p->threads[t].nops; i++) {
			struct vmt_op *op = &p->threads[t].ops[i];
			unsigned old = op->kind;

			if (mask >> old & 1)
				continue;
			op->kind = (uint8_t)random_kind_in(r, mask);
			if (uses_page(op->kind) && !uses_page(old))
				op->page = mut_random_page(p, r);
			mut_random_fields(p, t, r, op);
		}
}

/* ---- ops on the VMAs a program has ---- */

/* Kinds that act on a VMA already there (a MAP makes its own). */
static bool needs_vma(unsigned kind)
{
	return uses_page(kind) && kind != VMT_OP_MAP;
}

/* The last page a MAP maps: its range stops at the last page of the mm
 * (the harness clips it there). */
static unsigned map_last_page(const struct vmt_op *op)
{
	unsigned last = op->page + op->len - 1u;

	return last < VMT_PAGES ? last : VMT_PAGES - 1u;
}

/* The slots of mm m that a VMA covers at the start or that some MAP of
 * a thread in m maps: a bit per slot. */
static unsigned vma_slots(const struct vmt_program *p, unsigned m)
{
	unsigned slots = p->layout[m];

	for (unsigned t = 0; t < p->nthreads; t++)
		for (unsigned i = 0; i < p->threads[t].nops; i++) {
			const struct vmt_op *op = &p->threads[t].ops[i];

			if (p->threads[t].mm != m || op->kind != VMT_OP_MAP)
				continue;
			slots |= 1u << (op->page / 2);
			slots |= 1u << (map_last_page(op) / 2);
		}
	return slots;
}

/* A uniformly chosen set bit of mask (not 0). */
static unsigned random_bit_in(struct mut_rng *r, unsigned mask)
{
	VM_ASSERT(mask != 0);
	unsigned k = mut_rng_below(r, (unsigned)__builtin_popcount(mask));

	while (k--)
		mask &= mask - 1;
	return (unsigned)__builtin_ctz(mask);
}

void mut_lean_to_vmas(struct vmt_program *p, struct mut_rng *r)
{
	unsigned slots[VMT_MAX_MMS];

	/* Moving ops that need a VMA changes no MAP: the slots change only
	 * where an mm with none is given one, below. */
	for (unsigned m = 0; m < VMT_MAX_MMS; m++)
		slots[m] = vma_slots(p, m);
	for (unsigned t = 0; t < p->nthreads; t++) {
		unsigned m = p->threads[t].mm;

		for (unsigned i = 0; i < p->threads[t].nops; i++) {
			struct vmt_op *op = &p->threads[t].ops[i];

			if (!needs_vma(op->kind) || mut_one_in(r, MUT_LEAN_KEEP_ONE_IN))
				continue;
			if (!slots[m]) {
				p->layout[m] |= (uint8_t)(1u << mut_rng_below(r, VMT_SLOTS));
				slots[m] = p->layout[m];
			}
			if (slots[m] >> (op->page / 2) & 1)
				continue;
			op->page = (uint8_t)(2 * random_bit_in(r, slots[m]) + op->page % 2);
		}
	}
}

/* ---- a VMA's life across the two mms ---- */

/* A base program this small leaves room for the ops below: its ops
 * start after 4 bytes (version, threads, layout, count), 2 bytes each, and
 * a thread gets at most two more (the mapper its act and map; the reader
 * or the unmapper its op and a kill). */
#define LIFETIME_BASE_BYTES	32
_Static_assert((LIFETIME_BASE_BYTES - 4) / 2 + 2 <= VMT_MAX_OPS_PER_THREAD &&
	       (LIFETIME_BASE_BYTES - 4) / 2 + 5 <= VMT_MAX_OPS,
	       "program-lifetime's ops fit in any base program");

/* Thread t gets op at a position where it is kept (before a final exit);
 * returns the position. */
static unsigned lifetime_insert(struct vmt_program *p, unsigned t,
				const struct vmt_op *op, struct mut_rng *r)
{
	unsigned at = insert_position(&p->threads[t], r);

	mut_thread_insert(&p->threads[t], at, op);
	return at;
}

/* An op of kind on page for thread t, its other fields drawn, inserted;
 * returns its position. */
static unsigned lifetime_op(struct vmt_program *p, unsigned t, unsigned kind,
			    unsigned page, struct mut_rng *r)
{
	struct vmt_op op = { .kind = (uint8_t)kind, .page = (uint8_t)page };

	mut_random_fields(p, t, r, &op);
	return lifetime_insert(p, t, &op, r);
}

/* A page of mm m no VMA covers at the start (any page if none is free). */
static unsigned unmapped_page(const struct vmt_program *p, unsigned m,
			      struct mut_rng *r)
{
	unsigned free_slots = ~(unsigned)p->layout[m] & ((1u << VMT_SLOTS) - 1u);
	unsigned page = mut_rng_below(r, VMT_PAGES);

	if (free_slots)
		page = 2 * random_bit_in(r, free_slots) + page % 2;
	return page;
}

/*
 * A random program around one VMA's life (the objects' type-safe reuse
 * under RCU is what this lock's hardest defects have in common): a small
 * random program, then a reader of a VMA of mm m, an unmap of that VMA by
 * another thread of m, and a thread of the other mm that maps (taking the
 * object just freed, most often) and acts on what it mapped: a fault,
 * read, write, unmap or exit (half the exits killed by another thread as
 * well).  Which reader, which act, where each op
 * falls in its thread and the schedule are drawn; the explore bit is on,
 * so each such program also runs under PRNG and PCT schedules.
 */
bool mut_program_lifetime(struct vmt_program *p, struct mut_rng *r)
{
	static const uint8_t acts[] = { VMT_OP_FAULT, VMT_OP_READ_LOCKED,
					VMT_OP_WRITE, VMT_OP_UNMAP, VMT_OP_EXIT };

	mut_random_program(p, r, LIFETIME_BASE_BYTES);
	while (p->nthreads < 3)
		memset(&p->threads[p->nthreads++], 0, sizeof(p->threads[0]));
	unsigned reader = mut_rng_below(r, p->nthreads);
	unsigned unmapper = (reader + 1 + mut_rng_below(r, p->nthreads - 1u)) %
			    p->nthreads;
	unsigned mapper = reader;

	while (mapper == reader || mapper == unmapper)
		mapper = mut_rng_below(r, p->nthreads);
	unsigned m = p->threads[reader].mm;

	p->threads[unmapper].mm = (uint8_t)m;
	p->threads[mapper].mm = (uint8_t)!m;
	mut_lean_to_vmas(p, r);
	if (!p->layout[m])
		p->layout[m] = (uint8_t)(1u << mut_rng_below(r, VMT_SLOTS));
	unsigned page = 2 * random_bit_in(r, p->layout[m]) + mut_rng_below(r, 2);
	unsigned mapped = unmapped_page(p, !m, r);

	lifetime_op(p, reader, mut_one_in(r, 3) ? VMT_OP_READ_LOCKED : VMT_OP_FAULT,
		    page, r);
	lifetime_op(p, unmapper, VMT_OP_UNMAP, page, r);
	/* The act, then the map just before it. */
	unsigned act = lifetime_op(p, mapper, acts[mut_rng_below(r, sizeof(acts))],
				   mapped, r);
	struct vmt_thread *th = &p->threads[mapper];
	struct vmt_op map = { .kind = VMT_OP_MAP, .page = (uint8_t)mapped };

	mut_random_fields(p, mapper, r, &map);
	mut_thread_insert(th, act, &map);
	/* A task's end is its exit or a fatal signal: half the exits are
	 * also killed, by one of the other threads. */
	if (th->ops[act + 1].kind == VMT_OP_EXIT && mut_one_in(r, 2)) {
		struct vmt_op kill = { .kind = VMT_OP_KILL, .arg = (uint8_t)mapper };
		unsigned killer = (mapper + 1 + mut_rng_below(r, p->nthreads - 1u)) %
				  p->nthreads;

		lifetime_insert(p, killer, &kill, r);
	}
	p->explore = 1;
	return true;
}
