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
