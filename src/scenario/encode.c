// SPDX-License-Identifier: MIT
/*
 * encode.c - a program to its canonical fuzz input bytes.
 *
 * The inverse of vmt_decode() on the programs it produces (and on those
 * vmt_parse() produces): decode(encode(p)) == p.  The bytes are canonical,
 * not the input p was decoded from: ops come thread by thread (the decoder
 * keeps only each thread's own order), dropped ops and unused bits are gone.
 * This is what turns a .vmt corpus file into a seed for the fuzzer.
 */
#include "program.h"
#include "../util/assert.h"

#include <string.h>

/*
 * The binary form can carry only what fits its fields; a program outside
 * the limits of program.h (never one from the decoder or the parser) is
 * refused rather than silently truncated.
 */
static int encodable(const struct vmt_program *p)
{
	unsigned t, i;

	if (p->nthreads < 1 || p->nthreads > VMT_MAX_THREADS)
		return 0;
	for (t = 0; t < p->nthreads; t++) {
		if (p->threads[t].nops > VMT_MAX_OPS_PER_THREAD)
			return 0;
	}
	if (vmt_program_nops(p) > VMT_MAX_OPS)
		return 0;
	if (p->nsched > VMT_MAX_SCHED || p->nchoices > VMT_MAX_CHOICES)
		return 0;
	for (i = 0; i < p->nsched; i++) {
		if (p->sched[i].thread >= p->nthreads)
			return 0;
		if (p->sched[i].steps < 1 || p->sched[i].steps > 64)
			return 0;
	}
	return 1;
}

static uint8_t encode_config(const struct vmt_program *p)
{
	uint8_t b = (uint8_t)(p->nthreads - 1);
	unsigned t;

	for (t = 0; t < p->nthreads; t++)
		b |= (uint8_t)((p->threads[t].mm & 1) << (2 + t));
	if (p->small_limit)
		b |= 1 << 6;
	if (p->explore)
		b |= 1 << 7;
	return b;
}

static size_t encode_ops(const struct vmt_program *p, uint8_t *out)
{
	size_t n = 0;
	unsigned t, i;

	for (t = 0; t < p->nthreads; t++) {
		const struct vmt_thread *th = &p->threads[t];

		for (i = 0; i < th->nops; i++) {
			const struct vmt_op *op = &th->ops[i];
			unsigned len = op->len == 2 ? 1 : 0;

			out[n++] = (uint8_t)(t << 6 | (op->kind & 7u) << 3 |
					     (op->flags & 7u));
			out[n++] = (uint8_t)((op->page & 7u) | len << 3 |
					     (op->arg & 15u) << 4);
		}
	}
	return n;
}

size_t vmt_encode(const struct vmt_program *p, uint8_t *out, size_t cap)
{
	unsigned nops, i;
	size_t need, n = 0;

	if (!p || !encodable(p))
		return 0;
	nops = vmt_program_nops(p);
	need = 5 + 2 * (size_t)nops + p->nsched + p->nchoices;
	VM_ASSERT(need <= VMT_MAX_INPUT);
	if (!out || need > cap)
		return 0;

	out[n++] = (uint8_t)vmt_program_version(p);
	out[n++] = encode_config(p);
	out[n++] = (uint8_t)((p->layout[0] & 15) | (p->layout[1] & 15) << 4);
	out[n++] = (uint8_t)nops;
	n += encode_ops(p, out + n);
	out[n++] = p->nsched;
	for (i = 0; i < p->nsched; i++)
		out[n++] = (uint8_t)(p->sched[i].thread |
				     (p->sched[i].steps - 1) << 2);
	memcpy(out + n, p->choices, p->nchoices);
	n += p->nchoices;

	VM_ASSERT(n == need);
	return n;
}
