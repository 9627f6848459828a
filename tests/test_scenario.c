// SPDX-License-Identifier: MIT
/*
 * test_scenario.c - unit tests of the program format: the byte decoder,
 * the encoder, and the .vmt parser and printer.
 *
 * The properties that matter to the fuzzer are tested on many random
 * inputs from a fixed seed (so a failure replays): decoding never rejects
 * and always yields a program within the limits of program.h, and both
 * the binary and the text form round-trip.  The parser is also fed
 * mutated and random text, which must never crash it (run this under
 * ASan and UBSan), and a table of malformed files whose messages must
 * point at the right line and column.
 *
 * Exit status 0 when every check passes; each failure prints file:line.
 */
#include "scenario/program.h"
#include "../fuzz/program_check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkf.h"

#define RANDOM_INPUTS	200000
#define MUTATED_TEXTS	20000
#define TEXT_MAX	16384


#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			failures++;					\
		}							\
	} while (0)


/* xorshift64: a project-owned PRNG, so a failing iteration replays. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

/* ---- decoder --------------------------------------------------------- */

static void test_decode_empty(void)
{
	struct vmt_program p;
	uint8_t one = 0xff;

	vmt_decode(NULL, 0, &p);
	CHECK(progcheck_program(&p) == NULL);
	CHECK(p.version == VMT_FORMAT_VERSION);
	CHECK(p.nthreads == 1);
	CHECK(vmt_program_nops(&p) == 0);
	CHECK(p.nsched == 0 && p.nchoices == 0);
	CHECK(p.layout[0] == 0 && p.layout[1] == 0 && p.small_limit == 0);

	/* A version byte alone: any value is version 1. */
	vmt_decode(&one, 1, &p);
	CHECK(progcheck_program(&p) == NULL);
	CHECK(p.version == VMT_FORMAT_VERSION && p.nthreads == 1);
}

/* Version 2's explore bit: set only by a version-2 input; version 1
 * reserved the bit, so a version-1 input with it still decodes as it
 * always did. */
static void test_decode_explore_bit(void)
{
	uint8_t in[] = { 2, 0x80 };
	struct vmt_program p;

	vmt_decode(in, sizeof(in), &p);
	CHECK(p.explore == 1 && p.nthreads == 1);
	in[0] = 1;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.explore == 0 && p.nthreads == 1);
}

static void test_decode_fields(void)
{
	static const uint8_t in[] = {
		7,		/* unknown version: decodes as 1 (bit 7 reserved) */
		0xd7,		/* 4 threads, mm B A B A, small limit, bit 7 */
		0xa5,		/* mm A slots 0 and 2, mm B slots 1 and 3 */
		3,		/* three ops */
		0x97, 0x9d,	/* T2 write flags 7 -> 3; page 5, len 2, arg 9 -> 0 */
		0x70, 0x13,	/* T1 kill arg 1 = itself -> T2; page 3 -> 0 */
		0xf8, 0xff,	/* T3 exit; the second byte is ignored */
		2,		/* two runs */
		0x0d, 0xff,	/* T1*4, T3*64 */
		7, 8,		/* choices */
	};
	struct vmt_program p;
	const struct vmt_op *op;

	vmt_decode(in, sizeof(in), &p);
	CHECK(progcheck_program(&p) == NULL);
	CHECK(p.version == VMT_FORMAT_VERSION && p.nthreads == 4 && p.small_limit == 1 && !p.explore);
	CHECK(p.threads[0].mm == 1 && p.threads[1].mm == 0);
	CHECK(p.threads[2].mm == 1 && p.threads[3].mm == 0);
	CHECK(p.layout[0] == 5 && p.layout[1] == 10);
	CHECK(p.threads[0].nops == 0 && p.threads[1].nops == 1);
	CHECK(p.threads[2].nops == 1 && p.threads[3].nops == 1);
	op = &p.threads[2].ops[0];
	CHECK(op->kind == VMT_OP_WRITE && op->page == 5 && op->len == 2);
	CHECK(op->flags == (VMT_F_KILLABLE | VMT_F_DOWNGRADE) && op->arg == 0);
	op = &p.threads[1].ops[0];
	CHECK(op->kind == VMT_OP_KILL && op->arg == 2 && op->page == 0);
	op = &p.threads[3].ops[0];
	CHECK(op->kind == VMT_OP_EXIT && op->page == 0 && op->len == 1);
	CHECK(p.nsched == 2);
	CHECK(p.sched[0].thread == 1 && p.sched[0].steps == 4);
	CHECK(p.sched[1].thread == 3 && p.sched[1].steps == 64);
	CHECK(p.nchoices == 2 && p.choices[0] == 7 && p.choices[1] == 8);
}

static void test_decode_short(void)
{
	/* 5 ops announced, 3 bytes left: one whole op, the odd byte is S. */
	static const uint8_t clipped[] = { 1, 3, 0, 5, 0x08, 0x01, 0x10 };
	/* Thread bits fold by modulo: T3 of a 2-thread program is T1. */
	static const uint8_t folded[] = { 1, 1, 0, 1, 0xc0, 0x02, 1, 0x07 };
	struct vmt_program p;
	size_t n;

	vmt_decode(clipped, sizeof(clipped), &p);
	CHECK(progcheck_program(&p) == NULL);
	CHECK(p.nthreads == 4 && vmt_program_nops(&p) == 1);
	CHECK(p.threads[0].ops[0].kind == VMT_OP_READ_LOCKED);
	CHECK(p.threads[0].ops[0].page == 1);
	CHECK(p.nsched == 0 && p.nchoices == 0);

	vmt_decode(folded, sizeof(folded), &p);
	CHECK(p.nthreads == 2 && p.threads[1].nops == 1);
	CHECK(p.threads[1].ops[0].kind == VMT_OP_FAULT);
	CHECK(p.threads[1].ops[0].page == 2);
	CHECK(p.nsched == 1 && p.sched[0].thread == 1 && p.sched[0].steps == 2);

	/* Every prefix of a valid input is a valid input. */
	for (n = 0; n <= sizeof(folded); n++) {
		vmt_decode(folded, n, &p);
		CHECK(progcheck_program(&p) == NULL);
	}
}

static void test_decode_drops(void)
{
	uint8_t in[4 + 2 * VMT_MAX_OPS + 1];
	struct vmt_program p;
	unsigned i;

	/* One thread: a kill has no target and is dropped. */
	static const uint8_t lone_kill[] = { 1, 0, 0, 2, 0x30, 0x10, 0x00, 0x01 };

	vmt_decode(lone_kill, sizeof(lone_kill), &p);
	CHECK(p.threads[0].nops == 1 && p.threads[0].ops[0].kind == VMT_OP_FAULT);

	/* Ops after exit are dropped; so are ops past 16 on one thread. */
	memset(in, 0, sizeof(in));
	in[0] = 1;
	in[1] = 1;			/* 2 threads */
	in[3] = VMT_MAX_OPS;
	in[4] = 0x38;			/* T0 exit */
	for (i = 1; i < VMT_MAX_OPS; i++) {
		in[4 + 2 * i] = 0x40 | 0x08;	/* T1 read-locked */
		in[5 + 2 * i] = (uint8_t)i;
	}
	vmt_decode(in, sizeof(in), &p);
	CHECK(progcheck_program(&p) == NULL);
	CHECK(p.threads[0].nops == 1);
	CHECK(p.threads[1].nops == VMT_MAX_OPS_PER_THREAD);
	CHECK(p.threads[1].ops[15].page == (16 & 7));

	/* The op count clips to VMT_MAX_OPS: byte 4 + 96 is the run count. */
	in[3] = 255;
	in[1] = 3;
	for (i = 0; i < VMT_MAX_OPS; i++) {
		in[4 + 2 * i] = (uint8_t)((i % 4) << 6);
		in[5 + 2 * i] = 0;
	}
	in[4 + 2 * VMT_MAX_OPS] = 0;
	vmt_decode(in, sizeof(in), &p);
	CHECK(progcheck_program(&p) == NULL);
	CHECK(vmt_program_nops(&p) == VMT_MAX_OPS);
	CHECK(p.nsched == 0 && p.nchoices == 0);
}

/* ---- random inputs: decode, encode, print, parse --------------------- */

static void random_meta(struct vmt_meta *m)
{
	static const char *const names[] = {
		"clean", "lookup-identity", "no-identity-check", "s1",
		"use-after-free", "a-very-long-name-of-31-chars-xx", "0", "x-2",
		"d1", "detach-no-wait", "v-10", "v-11", "v-12", "v-13", "v-14",
		"v-15",
	};
	unsigned i, n = rng_below(VMT_MAX_EXPECT + 1);

	_Static_assert(sizeof(names) / sizeof(names[0]) >= VMT_MAX_EXPECT,
		       "a distinct variant name for every expect line");
	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		/* Variants must differ: "" then names[1], names[2], ... */
		if (i)
			strcpy(m->expect[i].variant, names[i]);
		strcpy(m->expect[i].verdict, names[rng_below(8)]);
	}
	m->nexpect = n;
}

static int check_binary_round_trip(const struct vmt_program *p)
{
	uint8_t bytes[VMT_MAX_INPUT];
	struct vmt_program q;
	size_t n = vmt_encode(p, bytes, sizeof(bytes));

	if (!CHECKF(n >= 5 && n <= VMT_MAX_INPUT, "encode returned %zu", n))
		return 0;
	CHECK(vmt_encode(p, bytes, n - 1) == 0);
	vmt_decode(bytes, n, &q);
	return CHECKF(progcheck_program_eq(p, &q), "decode(encode(p)) != p (%zu bytes)", n);
}

static int check_text_round_trip(const struct vmt_program *p,
				 const struct vmt_meta *m)
{
	static char text[TEXT_MAX];
	struct vmt_program q;
	struct vmt_meta mq;
	char err[256];
	size_t n = vmt_print(p, m, text, sizeof(text));

	if (!CHECKF(n < sizeof(text) && strlen(text) == n, "print length %zu", n))
		return 0;
	if (!CHECKF(vmt_parse(text, &q, &mq, err, sizeof(err)) == 0,
		    "%s in\n%s", err, text))
		return 0;
	if (!CHECKF(progcheck_program_eq(p, &q), "parse(print(p)) != p:\n%s", text))
		return 0;
	return CHECKF(progcheck_meta_eq(m, &mq), "meta differs:\n%s", text);
}

static void test_random_inputs(void)
{
	uint8_t in[VMT_MAX_INPUT + 20];
	struct vmt_program p;
	struct vmt_meta m;
	const char *why;
	unsigned i, j;

	for (i = 0; i < RANDOM_INPUTS; i++) {
		size_t n = rng_below(sizeof(in) + 1);

		for (j = 0; j < n; j++)
			in[j] = (uint8_t)rng_next();
		vmt_decode(in, n, &p);
		why = progcheck_program(&p);
		if (!CHECKF(!why, "input %u: %s", i, why))
			return;
		if (!check_binary_round_trip(&p))
			return;
		random_meta(&m);
		if (!check_text_round_trip(&p, &m))
			return;
	}
}

/* ---- parser robustness ----------------------------------------------- */

/* Whatever the parser accepts must be a valid program that round-trips. */
static int check_parse_any(const char *text)
{
	struct vmt_program p;
	struct vmt_meta m;
	char err[256];
	const char *why;

	memset(err, 'x', sizeof(err));
	if (vmt_parse(text, &p, &m, err, sizeof(err))) {
		if (!CHECKF(memchr(err, '\0', sizeof(err)), "unterminated message"))
			return 0;
		why = progcheck_error(text, err);
		return CHECKF(!why, "message '%s': %s", err, why);
	}
	why = progcheck_program(&p);
	if (!CHECKF(!why, "accepted program: %s:\n%s", why, text))
		return 0;
	return check_text_round_trip(&p, &m) && check_binary_round_trip(&p);
}

static void mutate(char *text, size_t len)
{
	static const char alphabet[] = " \t\n#;:+*-0123456789xabcdefTABmnrstuvw";
	unsigned k, n = 1 + rng_below(4);

	for (k = 0; k < n && len; k++) {
		size_t at = rng_below((unsigned)len);

		/* Mostly plausible characters, sometimes any nonzero byte. */
		if (rng_below(4))
			text[at] = alphabet[rng_below(sizeof(alphabet) - 1)];
		else
			text[at] = (char)(1 + rng_below(255));
	}
}

static void test_parse_mutated(void)
{
	static char text[TEXT_MAX];
	uint8_t in[VMT_MAX_INPUT];
	struct vmt_program p;
	unsigned i, j;

	for (i = 0; i < MUTATED_TEXTS; i++) {
		size_t n = rng_below(sizeof(in) + 1);
		size_t len;

		for (j = 0; j < n; j++)
			in[j] = (uint8_t)rng_next();
		vmt_decode(in, n, &p);
		len = vmt_print(&p, NULL, text, sizeof(text));
		mutate(text, len);
		/* Sometimes cut it short too: unterminated lines and lists. */
		if (!rng_below(4))
			text[rng_below((unsigned)len + 1)] = '\0';
		if (!check_parse_any(text))
			return;
	}
}

static void test_parse_garbage(void)
{
	static char text[TEXT_MAX + 1];
	size_t i, n, k;

	for (k = 0; k < 5000; k++) {
		n = rng_below(512);
		for (i = 0; i < n; i++)
			text[i] = (char)(1 + rng_below(255));
		text[n] = '\0';
		if (!check_parse_any(text))
			return;
	}
	/* Very long lines: a word, a number, an address, a comment. */
	memset(text, 'x', TEXT_MAX);
	text[TEXT_MAX] = '\0';
	check_parse_any(text);
	memcpy(text, "T0 A: fault 0x", 14);
	memset(text + 14, '1', TEXT_MAX - 14);
	check_parse_any(text);
	memcpy(text, "T0 A: exit\nschedule: T0*", 24);
	memset(text + 24, '9', TEXT_MAX - 24);
	check_parse_any(text);
	memcpy(text, "T0 A: exit #", 12);
	memset(text + 12, '#', TEXT_MAX - 12);
	CHECK(check_parse_any(text));
}

/* ---- parser errors --------------------------------------------------- */

struct bad_text {
	const char *text;
	const char *prefix;	/* "LINE:COL: " and the start of the message */
};

static const struct bad_text bad_texts[] = {
	{ "T0 A: fault 0x1000; frob 0x2000\n", "1:21: unknown op 'frob'" },
	{ "T0 A: fault 1000\n", "1:13: bad address '1000'" },
	{ "T0 A: fault 0x1800\n", "1:13: misaligned address 0x1800" },
	{ "T0 A: fault 0x9000\n", "1:13: address 0x9000 out of range" },
	{ "T0 A: fault 0x0\n", "1:13: address 0x0 out of range" },
	{ "T0 A: write 0x1000+3\n", "1:20: length 3 out of range" },
	{ "T0 A: fault 0x1000+2\n", "1:19: a length is only allowed" },
	{ "T1 A:\n", "1:1: T1 before T0" },
	{ "T0 A:\nT0 B:\n", "2:1: duplicate T0 line" },
	{ "T0 A:\nT1 A:\nT2 A:\nT3 A:\nT4 A:\n", "5:1: too many threads" },
	{ "T0 A: kill T1\n", "1:12: kill T1: no such thread" },
	{ "T0 A: kill T0\nT1 A:\n", "1:12: T0 cannot kill itself" },
	{ "T0 A: map 0x1000 reuse 16\n", "1:24: reuse index 16 out of range" },
	{ "T0 C:\n", "1:4: unknown mm 'C'" },
	{ "mm A: none\nmm A: 0x1000-0x3000\nT0 A:\n",
	  "2:4: duplicate mm A line" },
	{ "mm A: 0x1000-0x2000\nT0 A:\n", "1:7: VMA 0x1000-0x2000 is not one slot" },
	{ "\x01\xfe garbage", "1:1: unexpected byte 0x01" },
	{ "", "1:1: no threads" },
	{ "T0 A: exit; fault 0x1000\n", "1:13: op after exit" },
	{ "T0 A:\nschedule: T0*65\n", "2:14: steps 65 out of range" },
	{ "T0 A:\nschedule: T0 T2\n", "2:14: schedule run of T2: no such thread" },
	{ "  fault 0x1000\nT0 A:\n", "1:3: unexpected indented line" },
	{ "T0 A: fault 0x1000\n\n   fault 0x2000\n", "3:4: unexpected indented line" },
	{ "thread T0\n", "1:1: unknown statement 'thread'" },
	{ "vmt 5\nT0 A:\n", "1:5: unsupported format version 5" },
	{ "T0 A:\nvmt 1\n", "2:1: misplaced vmt line" },
	{ "expect: Clean\nT0 A:\n", "1:9: bad verdict name 'Clean'" },
	{ "expect: clean\nexpect: clean\nT0 A:\n", "2:1: duplicate expect" },
	{ "T0 A: write 0x1000 killable killable\n", "1:29: duplicate killable" },
	{ "T0 A: fault 0x1000;; exit\n", "1:20: unexpected ';'" },
	{ "T0 A: unmap 0x1000 killable\n", "1:20: unexpected 'killable'" },
	{ "limit huge\nT0 A:\n", "1:7: unexpected 'huge'" },
	{ "T0 A:\nchoices: 1 256\n", "2:12: choice 256 out of range" },
};

static void check_bad_text(const struct bad_text *b, const char *text)
{
	struct vmt_program p;
	char err[256];

	memset(&p, 0x5a, sizeof(p));
	if (!CHECKF(vmt_parse(text, &p, NULL, err, sizeof(err)) == -1,
		    "accepted:\n%s", text))
		return;
	CHECKF(!strncmp(err, b->prefix, strlen(b->prefix)),
	       "got '%s', want '%s...'", err, b->prefix);
	CHECKF(strstr(err, "(expected") != NULL, "no '(expected' in '%s'", err);
	/* On error the program is left alone. */
	CHECK(((uint8_t *)&p)[0] == 0x5a);
}

static void test_parse_errors(void)
{
	static char text[2048];
	struct bad_text b;
	unsigned i, t;
	size_t n;

	for (i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++)
		check_bad_text(&bad_texts[i], bad_texts[i].text);

	/* 17 ops on one thread: the 17th is refused, at its column. */
	n = (size_t)snprintf(text, sizeof(text), "T0 A: ");
	for (i = 0; i < VMT_MAX_OPS_PER_THREAD + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "fault 0x1000; ");
	b.text = text;
	b.prefix = "1:231: too many ops in T0";
	check_bad_text(&b, text);

	/* 16 ops on each of T0..T2 is the total limit: T3's first is one too many. */
	n = 0;
	for (t = 0; t < 4; t++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "T%u A:", t);
		for (i = 0; i < VMT_MAX_OPS_PER_THREAD; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      " fault 0x1000;");
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n");
	}
	b.prefix = "4:7: too many ops (expected at most 48";
	check_bad_text(&b, text);

	/* A tiny err buffer is truncated, still terminated. */
	{
		char small[8];

		CHECK(vmt_parse("T1 A:", &(struct vmt_program){0}, NULL,
				small, sizeof(small)) == -1);
		CHECK(!strcmp(small, "1:1: T1"));
		CHECK(vmt_parse("T1 A:", &(struct vmt_program){0}, NULL,
				NULL, 0) == -1);
	}
}

/* ---- a hand-written file --------------------------------------------- */

static const char example[] =
	"# reuse-after-free: a stalled RCU reader meets a recycled VMA (seed 001)\n"
	"vmt 1                                  # optional format version line\n"
	"limit small\n"
	"mm A: 0x1000-0x3000 0x5000-0x7000      # slots 0 and 2\n"
	"mm B: none\n"
	"T0 A: fault 0x1000; fault 0x2000\n"
	"T1 A: unmap 0x1000 downgrade\n"
	"T2 B: map 0x1000+2 reuse 3; write 0x1000+2 killable downgrade;\n"
	"      # the kill wakes T1 if it waits killably\n"
	"      kill T1; exit\n"
	"T3 B:\tread-locked 0x8000 ; reattach 0x1000\r\n"
	"schedule: T0*3 T1*20\n"
	"          T0\n"
	"choices: 0 1 255\n"
	"expect: clean\n"
	"expect no-identity-check: lookup-identity\n";

static const char example_printed[] =
	"# 4 threads, 9 ops, 3 schedule runs, 3 choices\n"
	"vmt 2\n"
	"expect: clean\n"
	"expect no-identity-check: lookup-identity\n"
	"limit small\n"
	"mm A: 0x1000-0x3000 0x5000-0x7000\n"
	"mm B: none\n"
	"T0 A: fault 0x1000; fault 0x2000\n"
	"T1 A: unmap 0x1000 downgrade\n"
	"T2 B: map 0x1000+2 reuse 3; write 0x1000+2 killable downgrade; kill T1; exit\n"
	"T3 B: read-locked 0x8000; reattach 0x1000\n"
	"schedule: T0*3 T1*20 T0\n"
	"choices: 0 1 255\n";

static void check_example_ops(const struct vmt_program *p)
{
	const struct vmt_op *op;

	CHECK(p->threads[0].nops == 2 && p->threads[1].nops == 1);
	CHECK(p->threads[2].nops == 4 && p->threads[3].nops == 2);
	op = p->threads[0].ops;
	CHECK(op[0].kind == VMT_OP_FAULT && op[0].page == 0 && op[0].len == 1);
	CHECK(op[1].kind == VMT_OP_FAULT && op[1].page == 1);
	op = p->threads[1].ops;
	CHECK(op[0].kind == VMT_OP_UNMAP && op[0].page == 0);
	CHECK(op[0].flags == VMT_F_DOWNGRADE);
	op = p->threads[2].ops;
	CHECK(op[0].kind == VMT_OP_MAP && op[0].page == 0 && op[0].len == 2);
	CHECK(op[0].arg == 3 && op[0].flags == 0);
	CHECK(op[1].kind == VMT_OP_WRITE && op[1].page == 0 && op[1].len == 2);
	CHECK(op[1].flags == (VMT_F_KILLABLE | VMT_F_DOWNGRADE));
	CHECK(op[2].kind == VMT_OP_KILL && op[2].arg == 1 && op[2].page == 0);
	CHECK(op[3].kind == VMT_OP_EXIT);
	op = p->threads[3].ops;
	CHECK(op[0].kind == VMT_OP_READ_LOCKED && op[0].page == 7);
	CHECK(op[1].kind == VMT_OP_REATTACH && op[1].page == 0);
}

static void test_example(void)
{
	static char text[TEXT_MAX];
	struct vmt_program p;
	struct vmt_meta m;
	char err[256];
	size_t n, cap;

	if (!CHECKF(vmt_parse(example, &p, &m, err, sizeof(err)) == 0, "%s", err))
		return;
	CHECK(progcheck_program(&p) == NULL);
	CHECK(p.version == VMT_FORMAT_VERSION && p.nthreads == 4 && p.small_limit == 1 && !p.explore);
	CHECK(p.layout[0] == 5 && p.layout[1] == 0);
	CHECK(p.threads[0].mm == 0 && p.threads[1].mm == 0);
	CHECK(p.threads[2].mm == 1 && p.threads[3].mm == 1);
	check_example_ops(&p);
	CHECK(p.nsched == 3);
	CHECK(p.sched[0].thread == 0 && p.sched[0].steps == 3);
	CHECK(p.sched[1].thread == 1 && p.sched[1].steps == 20);
	CHECK(p.sched[2].thread == 0 && p.sched[2].steps == 1);
	CHECK(p.nchoices == 3 && p.choices[2] == 255);
	CHECK(m.nexpect == 2);
	CHECK(!strcmp(m.expect[0].variant, "") && !strcmp(m.expect[0].verdict, "clean"));
	CHECK(!strcmp(m.expect[1].variant, "no-identity-check"));
	CHECK(!strcmp(m.expect[1].verdict, "lookup-identity"));

	/* The canonical print, byte for byte. */
	n = vmt_print(&p, &m, text, sizeof(text));
	CHECKF(!strcmp(text, example_printed), "printed:\n%s", text);
	CHECK(n == strlen(example_printed));
	check_binary_round_trip(&p);

	/* snprintf-like: every cap gives a terminated prefix, same length. */
	for (cap = 0; cap <= n + 1; cap++) {
		char buf[sizeof(example_printed) + 1];

		memset(buf, 'x', sizeof(buf));
		if (!CHECKF(vmt_print(&p, &m, cap ? buf : NULL, cap) == n,
			    "cap %zu", cap))
			break;
		if (cap && !CHECKF(strlen(buf) == (cap - 1 < n ? cap - 1 : n) &&
				   !strncmp(buf, example_printed, strlen(buf)),
				   "cap %zu: '%s'", cap, buf))
			break;
	}
}

/*
 * Version 3: the flags of fault and read-locked count only in a version 3
 * input; the encoder writes version 2 unless the program needs 3, and the
 * printer says so.
 */
static void test_version3(void)
{
	/* T0: fault careful|stack, read-locked trylock|killable, exit. */
	uint8_t in[] = { 3, 0, 0x01, 3, 0x03, 0x02, 0x0d, 0x03, 0x38, 0x00, 0 };
	struct vmt_program p, q;
	uint8_t out[VMT_MAX_INPUT];
	char text[1024];
	size_t n;

	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].nops == 3);
	CHECK(p.threads[0].ops[0].kind == VMT_OP_FAULT &&
	      p.threads[0].ops[0].flags == (VMT_F_CAREFUL | VMT_F_STACK));
	CHECK(p.threads[0].ops[1].kind == VMT_OP_READ_LOCKED &&
	      p.threads[0].ops[1].flags == (VMT_F_TRYLOCK | VMT_F_KILLABLE));
	CHECK(vmt_program_version(&p) == 3);
	n = vmt_encode(&p, out, sizeof(out));
	CHECK(n > 0 && out[0] == 3);
	vmt_decode(out, n, &q);
	CHECK(!memcmp(&p, &q, sizeof(p)));
	vmt_print(&p, NULL, text, sizeof(text));
	CHECK(strstr(text, "vmt 3\n") != NULL);
	CHECK(strstr(text, "fault 0x3000 careful stack; read-locked 0x4000 killable trylock") != NULL);

	/* The same bytes as version 2: the flags are ignored. */
	in[0] = 2;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].ops[0].flags == 0 && p.threads[0].ops[1].flags == 0);
	CHECK(vmt_program_version(&p) == 2);
	n = vmt_encode(&p, out, sizeof(out));
	CHECK(n > 0 && out[0] == 2);
	vmt_print(&p, NULL, text, sizeof(text));
	CHECK(strstr(text, "vmt 2\n") != NULL);

	/* Version 3, stack without careful: canonical, no flags. */
	in[0] = 3;
	in[4] = 0x02;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].ops[0].flags == 0);

	/* Read-locked's bit 1 is walk in version 3, ignored before. */
	in[6] = 0x0f;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].ops[1].flags ==
	      (VMT_F_TRYLOCK | VMT_F_WALK | VMT_F_KILLABLE));
	vmt_print(&p, NULL, text, sizeof(text));
	CHECK(strstr(text, "read-locked 0x4000 killable walk trylock") != NULL);
	n = vmt_encode(&p, out, sizeof(out));
	CHECK(n > 0 && out[0] == 3);
	vmt_decode(out, n, &q);
	CHECK(!memcmp(&p, &q, sizeof(p)));
	in[0] = 2;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].ops[1].flags == 0);
	CHECK(vmt_op_flags_v2(VMT_OP_READ_LOCKED) == 0);
}

/*
 * Version 4: EXIT's bit 0 is the fork, in a version 4 input only; the
 * fork of a thread of mm B and every fork after the first are dropped,
 * and mm B's layout is cleared (the child starts empty).
 */
static void test_version4_fork(void)
{
	/* T0 A, T1 B; both mms with slot 0; T0 fork, T1 fork, T0 fork. */
	uint8_t in[] = { 4, 0x09, 0x11, 3, 0x39, 0, 0x79, 0, 0x39, 0, 0 };
	struct vmt_program p, q;
	uint8_t out[VMT_MAX_INPUT];
	char text[1024], err[128];
	size_t n;

	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].nops == 1 && vmt_op_is_fork(&p.threads[0].ops[0]));
	CHECK(p.threads[1].nops == 0);
	CHECK(p.layout[0] == 1 && p.layout[1] == 0);
	CHECK(vmt_program_forker(&p) == 0 && vmt_program_version(&p) == 4);
	n = vmt_encode(&p, out, sizeof(out));
	CHECK(n > 0 && out[0] == 4);
	vmt_decode(out, n, &q);
	CHECK(!memcmp(&p, &q, sizeof(p)));
	vmt_print(&p, NULL, text, sizeof(text));
	CHECK(strstr(text, "vmt 4\n") != NULL && strstr(text, "T0 A: fork\n") != NULL);
	CHECK(vmt_parse(text, &q, NULL, err, sizeof(err)) == 0 &&
	      !memcmp(&p, &q, sizeof(p)));

	/* The same bytes as version 3: three exits, the first one kept by
	 * each thread, and mm B keeps its VMA. */
	in[0] = 3;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].nops == 1 && vmt_op_ends_thread(&p.threads[0].ops[0]));
	CHECK(p.threads[1].nops == 1 && vmt_op_ends_thread(&p.threads[1].ops[0]));
	CHECK(p.layout[1] == 1 && vmt_program_forker(&p) < 0);
	CHECK(vmt_program_version(&p) == 2);
	CHECK(vmt_op_flags_in(VMT_OP_EXIT, 3) == 0 &&
	      vmt_op_flags_in(VMT_OP_EXIT, 4) == VMT_F_FORK);
}

/*
 * Version 4: a walk's arg nibble counts only in a version 4 input, and
 * only with the walk flag; the encoder writes 4 only when a walk has an
 * arg, and the text says chunk N or query.
 */
static void test_version4_walk(void)
{
	/* T0: walk arg 2 (page 3), walk arg 15 (page 4), read-locked arg 5. */
	uint8_t in[] = { 4, 0, 0x01, 3, 0x0a, 0x23, 0x0a, 0xf4, 0x08, 0x51, 0 };
	struct vmt_program p, q;
	uint8_t out[VMT_MAX_INPUT];
	char text[1024], err[128];
	size_t n;

	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].nops == 3);
	CHECK(p.threads[0].ops[0].arg == 2 && vmt_walk_chunk(&p.threads[0].ops[0]) == 2);
	CHECK(p.threads[0].ops[1].arg == VMT_WALK_QUERY &&
	      vmt_op_is_query(&p.threads[0].ops[1]) &&
	      !vmt_walk_chunk(&p.threads[0].ops[1]));
	CHECK(p.threads[0].ops[2].arg == 0 && p.threads[0].ops[2].flags == 0);
	CHECK(vmt_program_version(&p) == 4);
	n = vmt_encode(&p, out, sizeof(out));
	CHECK(n > 0 && out[0] == 4);
	vmt_decode(out, n, &q);
	CHECK(!memcmp(&p, &q, sizeof(p)));
	vmt_print(&p, NULL, text, sizeof(text));
	CHECK(strstr(text, "vmt 4\n") != NULL);
	CHECK(strstr(text, "read-locked 0x4000 walk chunk 2; read-locked 0x5000 query;") != NULL);
	CHECK(!vmt_parse(text, &q, NULL, err, sizeof(err)) && !memcmp(&p, &q, sizeof(p)));

	/* The same bytes as version 3: the nibble is ignored, as it was. */
	in[0] = 3;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].ops[0].arg == 0 && p.threads[0].ops[1].arg == 0);
	CHECK(p.threads[0].ops[1].flags == VMT_F_WALK && !vmt_op_is_query(&p.threads[0].ops[1]));
	CHECK(vmt_program_version(&p) == 3);
	n = vmt_encode(&p, out, sizeof(out));
	CHECK(n > 0 && out[0] == 3);

	/* Any other byte 0 is version 1: no flags, no arg. */
	in[0] = 5;
	vmt_decode(in, sizeof(in), &p);
	CHECK(p.threads[0].ops[0].flags == 0 && p.threads[0].ops[0].arg == 0);

	/* query with the lock forms of the fallback, in any order. */
	CHECK(!vmt_parse("T0 A: read-locked 0x1000 trylock query killable\n", &p, NULL,
			 err, sizeof(err)));
	CHECK(p.threads[0].ops[0].flags == (VMT_F_WALK | VMT_F_TRYLOCK | VMT_F_KILLABLE) &&
	      p.threads[0].ops[0].arg == VMT_WALK_QUERY);
	vmt_print(&p, NULL, text, sizeof(text));
	CHECK(strstr(text, "read-locked 0x1000 killable query trylock\n") != NULL);
}

int main(void)
{
	test_version3();
	test_version4_fork();
	test_version4_walk();
	test_decode_empty();
	test_decode_fields();
	test_decode_explore_bit();
	test_decode_short();
	test_decode_drops();
	test_random_inputs();
	test_parse_mutated();
	test_parse_garbage();
	test_parse_errors();
	test_example();

	CHECK(!strcmp(vmt_op_name(VMT_OP_READ_LOCKED), "read-locked"));
	CHECK(vmt_op_from_name("read-locked") == VMT_OP_READ_LOCKED);
	CHECK(vmt_op_from_name("exit") == VMT_OP_EXIT);
	CHECK(vmt_op_from_name("Exit") == -1 && vmt_op_from_name(NULL) == -1);
	CHECK(vmt_op_name(VMT_OP__COUNT) != NULL);

	if (failures) {
		fprintf(stderr, "test_scenario: %u failure%s\n", failures,
			failures == 1 ? "" : "s");
		return 1;
	}
	printf("test_scenario: all checks passed\n");
	return 0;
}
