/* SPDX-License-Identifier: MIT */
/*
 * mutator_fuzz.c - fuzz target for the structure-aware mutator
 * (src/mutator/): the calls libFuzzer's hooks make (fuzz/mutator_libfuzzer.c)
 * on any input bytes, seed and size limit.  The mutator runs inside every
 * fuzzing run of vmlock_fuzz, on whatever the engine hands it, so its
 * contract (mutator.h) is checked on whatever this engine makes:
 *
 *   - it never reads past its inputs nor writes past the limit (exact-size
 *     copies and buffers: ASan sees one byte more, MSan a byte never set);
 *   - below VMT_MUT_MIN_CAP it declines (0) and leaves the buffer alone;
 *     otherwise the output fits the limit, decodes to a program that keeps
 *     every rule of program.h (fuzz/program_check.c) and is canonical:
 *     encode(decode(out)) is out, byte for byte;
 *   - the same call again gives the same bytes, and in place (as the
 *     libFuzzer hook calls it) the same as into another buffer;
 *   - a mutation or crossover differs from its first input as the
 *     mutator sees it (decoded, shrunk to the limit);
 *   - the run-aware schedule mutation (explicit.h) declines for one thread,
 *     and otherwise changes nothing but the schedule and choices.
 *
 * The input is A B PARAMS: the last PARAMS_SIZE bytes are the parameters
 * (missing ones read 0, as the decoder reads missing bytes), the bytes
 * before them are split into the two programs.  A seed of the binary
 * corpus is thus a program whose tail became the parameters.
 *
 *   seed    4 bytes, little-endian: the seed libFuzzer passes
 *   cap     1 byte: max_size, 0 to 255 (VMT_MAX_INPUT is 229)
 *   split   1 byte: the size of A (at most what there is); B is the rest
 *   mode    1 byte: bit 0 also the run-aware schedule mutation, bits 1-7
 *           its variant (modulo the number of variants)
 *
 * A broken promise prints what and aborts, so the engine keeps the input.
 * Engines: libFuzzer, AFL++ (libAFLDriver) or the replay main, as
 * vmlock_fuzz.  The target does not define libFuzzer's custom mutator
 * hooks: its own input is not a program.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_check.h"
#include "../src/mutator/explicit.h"

#define PARAMS_SIZE	7
#define MODE_EXPLICIT	0x1
#define CAP_MAX		255	/* the largest limit one byte gives */

#define broken(call, detail)						\
	progcheck_broken("mutator_fuzz", vmlock_fuzz_input_name, (call), (detail))

struct params {
	uint8_t *a, *b;		/* exact-size copies */
	size_t asize, bsize;
	uint32_t seed;
	size_t cap;
	int explicit_mutation;
	enum variant variant;
};

/* Exact-size heap buffers: ASan sees an access one byte past them. */
static uint8_t *alloc_exact(size_t n)
{
	uint8_t *p = malloc(n);

	if (!p && n)
		broken("malloc", "out of memory");
	return p;
}

static uint8_t *copy_exact(const uint8_t *data, size_t n)
{
	uint8_t *p = alloc_exact(n);

	if (n)
		memcpy(p, data, n);
	return p;
}

static void parse(const uint8_t *data, size_t size, struct params *pr)
{
	uint8_t t[PARAMS_SIZE] = { 0 };
	size_t body = size > PARAMS_SIZE ? size - PARAMS_SIZE : 0;

	if (size > body)
		memcpy(t, data + body, size - body);
	pr->seed = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
		   (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
	pr->cap = t[4];
	pr->asize = t[5] < body ? t[5] : body;
	pr->bsize = body - pr->asize;
	pr->explicit_mutation = t[6] & MODE_EXPLICIT;
	pr->variant = (enum variant)((t[6] >> 1) % V__COUNT);
	pr->a = copy_exact(data, pr->asize);
	pr->b = copy_exact(data + pr->asize, pr->bsize);
}

/* A as the mutator sees it: decoded, then shrunk to the limit. */
static size_t a_within_cap(const struct params *pr, uint8_t *out)
{
	struct vmt_program p;

	vmt_decode(pr->a, pr->asize, &p);
	vmt_canonicalize(&p, pr->cap);
	return vmt_encode(&p, out, VMT_MAX_INPUT);
}

/* What every output must be: within the limit, canonical, within the rules. */
static void check_output(const char *call, const uint8_t *out, size_t n,
			 size_t cap, struct vmt_program *q)
{
	uint8_t again[VMT_MAX_INPUT];
	char detail[96];
	const char *why;

	if (n < VMT_MUT_MIN_CAP || n > cap || n > VMT_MAX_INPUT)
		broken(call, "output size outside [VMT_MUT_MIN_CAP, max_size]");
	vmt_decode(out, n, q);
	why = progcheck_program(q);
	if (why) {
		snprintf(detail, sizeof(detail),
			 "output breaks a rule of program.h: %s", why);
		broken(call, detail);
	}
	if (vmt_encode(q, again, sizeof(again)) != n || memcmp(again, out, n))
		broken(call, "output not canonical: encode(decode(out)) != out");
}

/*
 * Whether a call returned 0: allowed below VMT_MUT_MIN_CAP only (unless
 * `may_decline`); then the in-place buffer, if any, must hold A still
 * (libFuzzer's hook falls back to byte mutations of it).
 */
static int declined(const char *call, const struct params *pr, size_t n,
		    const uint8_t *inplace, int may_decline)
{
	if (pr->cap < VMT_MUT_MIN_CAP && n)
		broken(call, "a size below VMT_MUT_MIN_CAP was not declined");
	if (n)
		return 0;
	if (pr->cap >= VMT_MUT_MIN_CAP && !may_decline)
		broken(call, "declined with a size limit that holds a program");
	if (inplace && pr->asize && memcmp(inplace, pr->a, pr->asize))
		broken(call, "declined but changed its buffer");
	return 1;
}

/* A mutation or crossover must not give A back. */
static void check_changed(const char *call, const struct params *pr,
			  const uint8_t *out, size_t n)
{
	uint8_t a[VMT_MAX_INPUT];
	size_t an = a_within_cap(pr, a);

	if (an == n && !memcmp(a, out, n))
		broken(call, "output is its first input (shrunk to the limit)");
}

/* A in a buffer of max(asize, cap) bytes, as libFuzzer's hook has it. */
static uint8_t *inplace_buffer(const struct params *pr)
{
	uint8_t *p = alloc_exact(pr->asize > pr->cap ? pr->asize : pr->cap);

	if (pr->asize)
		memcpy(p, pr->a, pr->asize);
	return p;
}

/* The same call with the same seed gave the same bytes. */
static void check_repeat(const char *call, const uint8_t *out, size_t n,
			 const uint8_t *again, size_t m)
{
	if (m != n || memcmp(again, out, n))
		broken(call, "two calls with the same seed differ");
}

/* A mutation or crossover (never declined above the minimum size): a
 * valid program, other than the first input. */
static void check_result(const char *call, const struct params *pr,
			 const uint8_t *out, size_t n, const uint8_t *inplace)
{
	struct vmt_program q;

	if (!declined(call, pr, n, inplace, 0)) {
		check_output(call, out, n, pr->cap, &q);
		check_changed(call, pr, out, n);
	}
}

static void check_mutate(const struct params *pr)
{
	const char *call = "vmt_mutate_bytes";
	uint8_t *inplace, *out, again[CAP_MAX];
	size_t n, m, k;

	inplace = inplace_buffer(pr);
	out = alloc_exact(pr->cap);
	n = vmt_mutate_bytes(pr->a, pr->asize, out, pr->cap, pr->seed, NULL);
	m = vmt_mutate_bytes(pr->a, pr->asize, again, pr->cap, pr->seed, NULL);
	k = vmt_mutate_bytes(inplace, pr->asize, inplace, pr->cap, pr->seed, NULL);
	check_repeat(call, out, n, again, m);
	if (k != n || memcmp(inplace, out, n))
		broken(call, "in place differs from into another buffer");
	check_result(call, pr, out, n, inplace);
	free(inplace);
	free(out);
}

static void check_crossover(const struct params *pr)
{
	const char *call = "vmt_crossover_bytes";
	uint8_t *out = alloc_exact(pr->cap), again[CAP_MAX];
	size_t n, m;

	n = vmt_crossover_bytes(pr->a, pr->asize, pr->b, pr->bsize, out,
				pr->cap, pr->seed);
	m = vmt_crossover_bytes(pr->a, pr->asize, pr->b, pr->bsize, again,
				pr->cap, pr->seed);
	check_repeat(call, out, n, again, m);
	check_result(call, pr, out, n, NULL);
	free(out);
}

/* Everything but the schedule and the choices. */
static int same_ops(const struct vmt_program *p, const struct vmt_program *q)
{
	return p->version == q->version && p->nthreads == q->nthreads &&
	       p->small_limit == q->small_limit && p->explore == q->explore &&
	       !memcmp(p->layout, q->layout, sizeof(p->layout)) &&
	       !memcmp(p->threads, q->threads, sizeof(p->threads));
}

static void check_explicit(const struct params *pr)
{
	const char *call = "vmt_mutate_explicit_bytes";
	uint8_t *inplace, *out, again[CAP_MAX];
	struct vmt_program a, q;
	size_t n, m, k;

	vmt_decode(pr->a, pr->asize, &a);
	inplace = inplace_buffer(pr);
	out = alloc_exact(pr->cap);
	n = vmt_mutate_explicit_bytes(pr->a, pr->asize, out, pr->cap,
				      pr->seed, pr->variant);
	m = vmt_mutate_explicit_bytes(pr->a, pr->asize, again, pr->cap,
				      pr->seed, pr->variant);
	k = vmt_mutate_explicit_bytes(inplace, pr->asize, inplace, pr->cap,
				      pr->seed, pr->variant);
	check_repeat(call, out, n, again, m);
	if (k != n || memcmp(inplace, out, n))
		broken(call, "in place differs from into another buffer");
	if (a.nthreads < 2 && n)
		broken(call, "a one-thread program was not declined");
	/* Declining is allowed: a schedule too long to record. */
	if (!declined(call, pr, n, inplace, 1)) {
		check_output(call, out, n, pr->cap, &q);
		/* Only when A's ops fit: else shrinking drops some. */
		if (5 + 2 * (size_t)vmt_program_nops(&a) <= pr->cap &&
		    !same_ops(&a, &q))
			broken(call, "changed more than the schedule and choices");
	}
	free(inplace);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params pr;

	parse(data, size, &pr);
	check_mutate(&pr);
	check_crossover(&pr);
	if (pr.explicit_mutation)
		check_explicit(&pr);
	free(pr.a);
	free(pr.b);
	return 0;
}
