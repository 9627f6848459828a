// SPDX-License-Identifier: MIT
/*
 * program.c - op names and small helpers shared by the decoder, the
 * encoder, the .vmt parser and printer, and the trace.
 */
#include "program.h"

#include <string.h>

/*
 * The names are the .vmt spelling, so a trace line can be pasted into a
 * scenario file.  Indexed by enum vmt_op_kind: a new kind without a name
 * is caught by the assertion below.
 */
static const char *const op_names[VMT_OP__COUNT] = {
	[VMT_OP_FAULT]		= "fault",
	[VMT_OP_READ_LOCKED]	= "read-locked",
	[VMT_OP_WRITE]		= "write",
	[VMT_OP_MAP]		= "map",
	[VMT_OP_UNMAP]		= "unmap",
	[VMT_OP_REATTACH]	= "reattach",
	[VMT_OP_KILL]		= "kill",
	[VMT_OP_EXIT]		= "exit",
};

_Static_assert(sizeof(op_names) / sizeof(op_names[0]) == VMT_OP__COUNT,
	       "one name per op kind");

const char *vmt_op_name(unsigned kind)
{
	/* Never NULL: a trace of a corrupt program must still print. */
	if (kind >= VMT_OP__COUNT || !op_names[kind])
		return "invalid";
	return op_names[kind];
}

int vmt_op_from_name(const char *name)
{
	unsigned kind;

	if (!name)
		return -1;
	for (kind = 0; kind < VMT_OP__COUNT; kind++) {
		if (op_names[kind] && !strcmp(name, op_names[kind]))
			return (int)kind;
	}
	return -1;
}

/*
 * The flags each kind has, and which of them need version 3.  Bits a kind
 * does not have decode as 0 (the decoder), are refused (the parser) and
 * flagged (the fuzz targets' checks).
 */
static const uint8_t op_flags[VMT_OP__COUNT] = {
	[VMT_OP_FAULT]		= VMT_F_CAREFUL | VMT_F_STACK,
	[VMT_OP_READ_LOCKED]	= VMT_F_KILLABLE | VMT_F_WALK | VMT_F_TRYLOCK,
	[VMT_OP_WRITE]		= VMT_F_KILLABLE | VMT_F_DOWNGRADE | VMT_F_SPLIT,
	[VMT_OP_UNMAP]		= VMT_F_DOWNGRADE | VMT_F_MERGE,
	[VMT_OP_EXIT]		= VMT_F_FORK,
};

/* The flags version 4 added: what a version 3 input does not have. */
static const uint8_t op_flags_added_v4[VMT_OP__COUNT] = {
	[VMT_OP_EXIT]		= VMT_F_FORK,
};

static const uint8_t op_flags_v2[VMT_OP__COUNT] = {
	[VMT_OP_WRITE]		= VMT_F_KILLABLE | VMT_F_DOWNGRADE,
	[VMT_OP_UNMAP]		= VMT_F_DOWNGRADE,
};

unsigned vmt_op_flags(unsigned kind)
{
	return kind < VMT_OP__COUNT ? op_flags[kind] : 0;
}

/* The .vmt word of each flag bit, by kind and bit number (0x1, 0x2, 0x4);
 * EXIT's fork is a word of its own (vmt_op_word()), no flag word. */
static const char *const flag_names[VMT_OP__COUNT][3] = {
	[VMT_OP_FAULT]		= { "careful", "stack", NULL },
	[VMT_OP_READ_LOCKED]	= { "killable", "walk", "trylock" },
	[VMT_OP_WRITE]		= { "killable", "downgrade", "split" },
	[VMT_OP_UNMAP]		= { NULL, "downgrade", "merge" },
};

const char *vmt_flag_name(unsigned kind, unsigned bit)
{
	if (!(vmt_op_flags(kind) & bit))
		return NULL;
	for (unsigned b = 0; b < 3; b++) {
		if (bit == 1u << b)
			return flag_names[kind][b];
	}
	return NULL;
}

unsigned vmt_op_flags_v2(unsigned kind)
{
	return kind < VMT_OP__COUNT ? op_flags_v2[kind] : 0;
}

static unsigned flags_added_v4(unsigned kind)
{
	return kind < VMT_OP__COUNT ? op_flags_added_v4[kind] : 0;
}

unsigned vmt_op_flags_in(unsigned kind, unsigned version)
{
	if (version >= 4)
		return vmt_op_flags(kind);
	if (version == 3)
		return vmt_op_flags(kind) & ~flags_added_v4(kind);
	return vmt_op_flags_v2(kind);
}

unsigned vmt_op_canonical_flags(unsigned kind, unsigned flags)
{
	flags &= vmt_op_flags(kind);
	/* A fault's stack only means something with careful. */
	if (kind == VMT_OP_FAULT && !(flags & VMT_F_CAREFUL))
		flags = 0;
	return flags;
}

int vmt_op_has_page(unsigned kind)
{
	return kind < VMT_OP__COUNT && kind != VMT_OP_KILL && kind != VMT_OP_EXIT;
}

int vmt_op_has_len(unsigned kind)
{
	return kind == VMT_OP_WRITE || kind == VMT_OP_MAP;
}

int vmt_op_has_walk_arg(const struct vmt_op *op)
{
	return op->kind == VMT_OP_READ_LOCKED && (op->flags & VMT_F_WALK);
}

const char *vmt_op_word(const struct vmt_op *op)
{
	return vmt_op_is_fork(op) ? "fork" : vmt_op_name(op->kind);
}

/* Version 4: a fork, or a walk's arg (its read() size, or the query). */
static int op_needs_v4(const struct vmt_op *op)
{
	return (op->kind < VMT_OP__COUNT &&
		(op->flags & flags_added_v4(op->kind))) ||
	       (vmt_op_has_walk_arg(op) && op->arg != VMT_WALK_WHOLE);
}

/* The oldest version that expresses one op: 2, 3 or 4. */
static unsigned op_version(const struct vmt_op *op)
{
	if (op_needs_v4(op))
		return 4;
	if (op->kind >= VMT_OP__COUNT)
		return 3;
	return (op->flags & ~vmt_op_flags_v2(op->kind)) ? 3 : 2;
}

unsigned vmt_program_version(const struct vmt_program *p)
{
	unsigned nthreads = p->nthreads, t, i, v = 2;

	if (nthreads > VMT_MAX_THREADS)
		nthreads = VMT_MAX_THREADS;
	for (t = 0; t < nthreads; t++) {
		const struct vmt_thread *th = &p->threads[t];

		for (i = 0; i < th->nops && i < VMT_MAX_OPS_PER_THREAD; i++) {
			unsigned ov = op_version(&th->ops[i]);

			v = ov > v ? ov : v;
		}
	}
	return v;
}

int vmt_program_forker(const struct vmt_program *p)
{
	unsigned nthreads = p->nthreads < VMT_MAX_THREADS ? p->nthreads
							   : VMT_MAX_THREADS;

	for (unsigned t = 0; t < nthreads; t++) {
		const struct vmt_thread *th = &p->threads[t];

		for (unsigned i = 0; i < th->nops && i < VMT_MAX_OPS_PER_THREAD; i++)
			if (vmt_op_is_fork(&th->ops[i]))
				return (int)t;
	}
	return -1;
}

unsigned vmt_program_nops(const struct vmt_program *p)
{
	unsigned nthreads = p->nthreads, n = 0, t;

	/* Clamped so that a corrupt count cannot walk off the array. */
	if (nthreads > VMT_MAX_THREADS)
		nthreads = VMT_MAX_THREADS;
	for (t = 0; t < nthreads; t++)
		n += p->threads[t].nops;
	return n;
}
