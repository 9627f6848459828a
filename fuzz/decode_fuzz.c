/* SPDX-License-Identifier: MIT */
/*
 * decode_fuzz.c - fuzz target for the binary form: vmt_decode() on any
 * bytes.  The decoder is the one piece of the harness every fuzz input
 * goes through, so its promises are checked on whatever the engine makes:
 *
 *   - it never crashes or reads past the input (the engines hand over an
 *     exact-size copy: ASan sees one byte too many);
 *   - the program respects every VMT_MAX_* limit and the canonical form
 *     of program.h (fuzz/program_check.c, written from the documentation);
 *   - encode(decode(x)) decodes to the same program, and is a fixed point:
 *     encoding that program again gives the same bytes;
 *   - vmt_print() of it parses back with vmt_parse() to the same program.
 *
 * A broken promise prints what and aborts, so the engine keeps the input.
 * Engines: libFuzzer, AFL++ (libAFLDriver) or the replay main, as
 * vmlock_fuzz.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_check.h"

#define TEXT_MAX 16384

#define broken(what, detail)						\
	progcheck_broken("decode_fuzz", vmlock_fuzz_input_name, (what), (detail))

static void check_binary(const struct vmt_program *p)
{
	uint8_t bytes[VMT_MAX_INPUT], again[VMT_MAX_INPUT];
	struct vmt_program q;
	size_t n, m;

	n = vmt_encode(p, bytes, sizeof(bytes));
	if (n < 5 || n > VMT_MAX_INPUT)
		broken("vmt_encode refused a decoded program", NULL);
	if (vmt_encode(p, bytes, n - 1) != 0)
		broken("vmt_encode wrote past its capacity", NULL);
	vmt_decode(bytes, n, &q);
	if (!progcheck_program_eq(p, &q))
		broken("decode(encode(p)) != p", NULL);
	m = vmt_encode(&q, again, sizeof(again));
	if (m != n || memcmp(bytes, again, n))
		broken("encode(decode(encode(p))) != encode(p)", NULL);
}

static void check_text(const struct vmt_program *p)
{
	static char text[TEXT_MAX];
	struct vmt_program q;
	char err[256];
	size_t n;

	n = vmt_print(p, NULL, text, sizeof(text));
	if (n >= sizeof(text) || strlen(text) != n)
		broken("vmt_print length", NULL);
	if (vmt_parse(text, &q, NULL, err, sizeof(err)))
		broken("vmt_parse refused vmt_print's text", err);
	if (!progcheck_program_eq(p, &q))
		broken("parse(print(p)) != p", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_program p;
	const char *why;

	vmt_decode(data, size, &p);
	why = progcheck_program(&p);
	if (why)
		broken("decoded program breaks a rule of program.h", why);
	check_binary(&p);
	check_text(&p);
	return 0;
}
