/* SPDX-License-Identifier: MIT */
/*
 * vmt_fuzz.c - fuzz target for the text form: vmt_parse() on any text.
 * The parser reads files people write and paste, so it must hold on
 * whatever it is given:
 *
 *   - it never crashes, and never reads past the terminating NUL (the
 *     input is copied into an exact-size buffer: ASan sees one byte more);
 *   - it returns 0 with a valid program (fuzz/program_check.c) and valid
 *     expectations, or -1 with one message "LINE:COL: what (expected ...)"
 *     whose position lies inside the text, and leaves the program alone;
 *   - a program it accepts prints (vmt_print) and parses back to the same
 *     program and expectations, and its binary form decodes to the same
 *     program.
 *
 * The text is the input up to its first NUL byte, as a C string.  A broken
 * promise prints what and aborts, so the engine keeps the input.  Engines:
 * libFuzzer, AFL++ (libAFLDriver) or the replay main, as vmlock_fuzz.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program_check.h"

#define TEXT_MAX 16384

#define broken(what, detail)						\
	progcheck_broken("vmt_fuzz", vmlock_fuzz_input_name, (what), (detail))

/* What vmt_parse must do with a program it accepts. */
static void check_accepted(const struct vmt_program *p,
			   const struct vmt_meta *m)
{
	static char text[TEXT_MAX];
	uint8_t bytes[VMT_MAX_INPUT];
	struct vmt_program q;
	struct vmt_meta mq;
	const char *why;
	char err[256];
	size_t n;

	why = progcheck_program(p);
	if (why)
		broken("accepted program breaks a rule of program.h", why);
	why = progcheck_meta(m);
	if (why)
		broken("accepted expectations are malformed", why);

	n = vmt_print(p, m, text, sizeof(text));
	if (n >= sizeof(text) || strlen(text) != n)
		broken("vmt_print length", NULL);
	if (vmt_parse(text, &q, &mq, err, sizeof(err)))
		broken("vmt_parse refused vmt_print's text", err);
	if (!progcheck_program_eq(p, &q) || !progcheck_meta_eq(m, &mq))
		broken("parse(print(p)) != p", text);

	n = vmt_encode(p, bytes, sizeof(bytes));
	if (!n)
		broken("vmt_encode refused a parsed program", NULL);
	vmt_decode(bytes, n, &q);
	if (!progcheck_program_eq(p, &q))
		broken("decode(encode(p)) != p", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Poisoned, to see a program touched by a parse that fails. */
	struct vmt_program p, poison;
	struct vmt_meta m;
	const char *why;
	char err[256];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	memset(&p, 0xa5, sizeof(p));
	poison = p;
	memset(err, 'x', sizeof(err));

	if (vmt_parse(text, &p, &m, err, sizeof(err)) == 0) {
		check_accepted(&p, &m);
	} else {
		if (!memchr(err, '\0', sizeof(err) - 1))
			broken("error message unterminated or cut", NULL);
		why = progcheck_error(text, err);
		if (why)
			broken(why, err);
		if (memcmp(&p, &poison, sizeof(p)))
			broken("a failed parse changed the program", err);
	}
	free(text);
	return 0;
}
