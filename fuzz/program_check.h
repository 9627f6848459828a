/* SPDX-License-Identifier: MIT */
/*
 * program_check.h - the rules of src/scenario/program.h, checked from the
 * outside: the oracle of the format's unit tests (tests/test_scenario.c)
 * and of its fuzz targets (decode_fuzz.c, vmt_fuzz.c) and the mutator's
 * (mutator_fuzz.c).
 *
 * Written from the documentation, not from the decoder or the parser, so a
 * bug in either cannot hide in a shared helper.  Each function returns NULL
 * when the rules hold, else a short description of the first one broken.
 */
#ifndef VMLOCK_FUZZ_PROGRAM_CHECK_H
#define VMLOCK_FUZZ_PROGRAM_CHECK_H

#include "../src/scenario/program.h"

/*
 * Every VMT_MAX_* limit and field range, and the canonical form: fields an
 * op kind does not use are 0 (len 1), nothing follows an EXIT, a KILL
 * names another existing thread, and every slot past a count is 0.
 */
const char *progcheck_program(const struct vmt_program *p);

/* The input being run, named by the replay main (fuzz/format_target.c). */
extern const char *vmlock_fuzz_input_name;

/* A format target found a broken rule: say so (target, input, what) and
 * abort, so the engine keeps the input. */
void progcheck_broken(const char *target, const char *input, const char *what,
		      const char *detail) __attribute__((noreturn));

/* Expectations: names [a-z0-9-]+ of at most 31 characters, one per variant. */
const char *progcheck_meta(const struct vmt_meta *m);

/*
 * A vmt_parse() error for `text`: "LINE:COL: what (expected ...)", one
 * line, with LINE and COL inside the text (COL may be one past the end of
 * its line: an error at the end of a line).
 */
const char *progcheck_error(const char *text, const char *err);

/* Canonical programs are equal exactly when their bytes are. */
int progcheck_program_eq(const struct vmt_program *a,
			 const struct vmt_program *b);
int progcheck_meta_eq(const struct vmt_meta *a, const struct vmt_meta *b);

#endif /* VMLOCK_FUZZ_PROGRAM_CHECK_H */
