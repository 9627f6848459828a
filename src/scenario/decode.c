// SPDX-License-Identifier: MIT
/*
 * decode.c - fuzz input bytes to a program.
 *
 * The decoder never rejects an input: every byte string, the empty one
 * included, is a valid program.  Bytes past the end read as 0, counts are
 * clipped to their limit and to the bytes left, and out-of-range values are
 * folded by modulo instead of being skipped, so that a one-byte mutation
 * changes one decision and the corpus keeps its meaning.
 *
 * A decoded program is canonical: every field an op kind does not use is 0
 * (len 1), and every slot past a count is 0.  Two programs are then equal
 * exactly when their structs are (memcmp), and the encoder and the .vmt
 * printer can reproduce them without loss.
 */
#include <stdbool.h>
#include "program.h"
#include "../util/assert.h"

#include <string.h>

#define PAGE_MASK	(VMT_PAGES - 1)

VM_STATIC_ASSERT((VMT_PAGES & (VMT_PAGES - 1)) == 0);
VM_STATIC_ASSERT(VMT_PAGES == 8);		/* page is 3 bits */
VM_STATIC_ASSERT(VMT_SLOTS == 4);		/* a layout is a nibble */
VM_STATIC_ASSERT(VMT_OP__COUNT == 8);		/* kind is 3 bits */
VM_STATIC_ASSERT(VMT_MAX_SCHED <= 255);		/* counts are one byte */
VM_STATIC_ASSERT(VMT_MAX_OPS <= 255);
VM_STATIC_ASSERT(VMT_MAX_OPS <= VMT_MAX_THREADS * VMT_MAX_OPS_PER_THREAD);

/* A zstd-style byte producer: reads past the end return 0. */
struct byte_reader {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static uint8_t reader_byte(struct byte_reader *r)
{
	if (r->pos >= r->size)
		return 0;
	return r->data[r->pos++];
}

static size_t reader_left(const struct byte_reader *r)
{
	return r->size - r->pos;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* What each format version decodes (any byte 0 outside 1 ..
 * VMT_FORMAT_VERSION is version 1). */
static bool has_explore(unsigned version)
{
	return version >= 2;
}

static bool has_walk_arg(unsigned version)
{
	return version >= 4;
}

static unsigned decode_version(uint8_t b)
{
	return b >= 1 && b <= VMT_FORMAT_VERSION ? b : 1;
}

static void decode_header(struct byte_reader *r, struct vmt_program *p,
			  unsigned *version)
{
	uint8_t b;
	unsigned t;

	/*
	 * Byte 0 is the format version.  Version 2 added the explore bit
	 * (byte 1, bit 7), which version 1 reserved and ignored; version 3
	 * the flags of fault and read-locked, which earlier versions ignore;
	 * version 4 the fork and a walk's arg.  Any other value decodes as
	 * version 1 rather than being rejected.  The program is always in
	 * the current version's form.
	 */
	*version = decode_version(reader_byte(r));
	p->version = VMT_FORMAT_VERSION;

	b = reader_byte(r);
	p->nthreads = (b & 3) + 1;
	for (t = 0; t < p->nthreads; t++)
		p->threads[t].mm = (b >> (2 + t)) & 1;
	p->small_limit = (b >> 6) & 1;
	p->explore = has_explore(*version) ? b >> 7 : 0;

	b = reader_byte(r);
	p->layout[0] = b & 15;
	p->layout[1] = b >> 4;
}

/* KILL's target: any other thread, folded by modulo. */
static uint8_t kill_target(unsigned arg, unsigned self, unsigned nthreads)
{
	unsigned target = arg % nthreads;

	if (target == self)
		target = (self + 1) % nthreads;
	VM_ASSERT(target != self);
	return (uint8_t)target;
}

/*
 * Decode one op into `op`.  Returns 0 if the op is dropped: a KILL needs
 * another thread to kill.
 */
static int decode_op_fields(const struct vmt_program *p, unsigned self,
			    uint8_t b0, uint8_t b1, unsigned version,
			    struct vmt_op *op)
{
	unsigned kind = (b0 >> 3) & 7;

	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	op->len = 1;
	/* An older version ignores the flags a later one gave a meaning. */
	op->flags = (uint8_t)vmt_op_canonical_flags(kind, b0 &
						     vmt_op_flags_in(kind, version));
	if (vmt_op_has_page(kind))
		op->page = b1 & PAGE_MASK;
	if (vmt_op_has_len(kind))
		op->len = 1 + ((b1 >> 3) & 1);
	if (kind == VMT_OP_MAP ||
	    (has_walk_arg(version) && vmt_op_has_walk_arg(op)))
		op->arg = b1 >> 4;
	if (kind == VMT_OP_KILL) {
		if (p->nthreads == 1)
			return 0;
		op->arg = kill_target(b1 >> 4, self, p->nthreads);
	}
	return 1;
}

/* A fork counts only in a thread of mm A, and only the program's first. */
static bool fork_kept(const struct vmt_program *p, unsigned self)
{
	return p->threads[self].mm == 0 && vmt_program_forker(p) < 0;
}

static void decode_op(struct vmt_program *p, uint8_t b0, uint8_t b1,
		      unsigned version)
{
	unsigned self = (b0 >> 6) % p->nthreads;
	struct vmt_thread *t = &p->threads[self];
	struct vmt_op op;

	/*
	 * Dropped, not folded onto another thread: moving the op would make
	 * one byte change the ops of two threads.
	 */
	if (t->nops == VMT_MAX_OPS_PER_THREAD)
		return;
	if (t->nops && vmt_op_ends_thread(&t->ops[t->nops - 1]))
		return;
	if (!decode_op_fields(p, self, b0, b1, version, &op))
		return;
	if (vmt_op_is_fork(&op) && !fork_kept(p, self))
		return;
	t->ops[t->nops++] = op;
}

static void decode_ops(struct byte_reader *r, struct vmt_program *p,
		       unsigned version)
{
	size_t n = reader_byte(r), i;

	/* Only whole ops: the count never reaches into missing bytes. */
	n = min_size(n, VMT_MAX_OPS);
	n = min_size(n, reader_left(r) / 2);
	for (i = 0; i < n; i++) {
		uint8_t b0 = reader_byte(r);
		uint8_t b1 = reader_byte(r);

		decode_op(p, b0, b1, version);
	}
	VM_ASSERT(vmt_program_nops(p) <= VMT_MAX_OPS);
	/* The child starts empty: dup_mmap() fills it. */
	if (vmt_program_forker(p) >= 0)
		p->layout[1] = 0;
}

static void decode_schedule(struct byte_reader *r, struct vmt_program *p)
{
	size_t n = reader_byte(r), i;

	n = min_size(n, VMT_MAX_SCHED);
	n = min_size(n, reader_left(r));
	for (i = 0; i < n; i++) {
		uint8_t b = reader_byte(r);

		p->sched[i].thread = (b & 3) % p->nthreads;
		p->sched[i].steps = (b >> 2) + 1;
	}
	p->nsched = (uint8_t)n;
}

void vmt_decode(const uint8_t *data, size_t size, struct vmt_program *p)
{
	struct byte_reader r = { .data = data, .size = data ? size : 0 };
	size_t n;
	unsigned version;

	memset(p, 0, sizeof(*p));
	decode_header(&r, p, &version);
	decode_ops(&r, p, version);
	decode_schedule(&r, p);

	/* Whatever is left are choice bytes; the rest of the input is unused. */
	n = min_size(reader_left(&r), VMT_MAX_CHOICES);
	if (n)
		memcpy(p->choices, data + r.pos, n);
	p->nchoices = (uint8_t)n;

	VM_ASSERT(p->nthreads >= 1 && p->nthreads <= VMT_MAX_THREADS);
	VM_ASSERT(p->nsched <= VMT_MAX_SCHED);
}
