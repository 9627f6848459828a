// SPDX-License-Identifier: MIT
/*
 * vmt.c - the .vmt text form of a program: parser and printer.
 *
 * A .vmt file is the readable form of a fuzz input, meant for a kernel
 * developer who has never seen this tool:
 *
 *   # reuse-after-free: a stalled RCU reader meets a recycled VMA
 *   vmt 1
 *   expect: clean
 *   expect no-identity-check: lookup-identity
 *   limit kernel
 *   mm A: 0x1000-0x3000
 *   mm B: none
 *   T0 A: fault 0x1000
 *   T1 A: unmap 0x1000
 *   T2 B: map 0x1000+2
 *   schedule: T0*3 T1*20 T2*20 T0
 *
 * Grammar, one statement per line; '#' starts a comment; blanks are spaces,
 * tabs and CR; an indented line continues the T<n>, schedule or choices
 * line above it (comment lines may sit in between, a blank line may not):
 *
 *   file      = { line } ;
 *   line      = [ statement ] [ "#" comment ] "\n" ;
 *   statement = "vmt" NUM                       (first statement only)
 *             | "limit" ( "small" | "kernel" )
 *             | "explore"      (also run under two derived schedules)
 *             | "mm" MM ":" ( "none" | { RANGE } )
 *             | THREAD MM ":" [ ops ]           (T0, T1, ... in order)
 *             | "schedule" ":" { THREAD [ "*" NUM ] }
 *             | "choices" ":" { NUM }
 *             | "expect" [ NAME ] ":" NAME ;
 *   ops       = op { ";" op } [ ";" ] ;
 *   op        = "fault" ADDR [ "careful" [ "stack" ] ]               (v3)
 *             | "read-locked" ADDR { "killable" | "walk" | "trylock" } (v3)
 *               [ "chunk" NUM ]      (v4: with walk, 1..14 VMAs a read())
 *             | "read-locked" ADDR "query" { "killable" | "trylock" } (v4)
 *             | "reattach" ADDR
 *             | "write" ADDR [ "+" NUM ] { "killable" | "downgrade" }
 *             | "map" ADDR [ "+" NUM ] [ "reuse" NUM ]
 *             | "unmap" ADDR [ "downgrade" ]
 *             | "kill" THREAD
 *             | "exit"
 *             | "fork" ;                                        (v4)
 *   MM     = "A" | "B" ;              THREAD = "T" DIGITS ;
 *   ADDR   = HEXNUM, a page: 0x1000, 0x2000, ... 0x8000 ;
 *   RANGE  = HEXNUM "-" HEXNUM, one slot: 0x1000-0x3000, 0x3000-0x5000,
 *            0x5000-0x7000 or 0x7000-0x9000 ;
 *   HEXNUM = "0x" [0-9a-fA-F]+ ;      NUM = [0-9]+ ;
 *   NAME   = [a-z0-9-]+, at most 31 characters ;
 *
 * Flags follow the address in any order, each at most once.  A flag or
 * op marked (v3) needs format version 3: a file that says `vmt 1` or
 * `vmt 2` may not use it; one marked (v4) needs version 4.  A fork is
 * allowed once, in a thread of mm A, with `mm B: none` (the child starts
 * empty).  `query` is PROCMAP_QUERY's lookup (the walk flag with arg 15,
 * printed as `query` alone).  Lengths
 * ("+1", "+2" pages), reuse (0..15), steps (1..64) and choices (0..255)
 * are decimal.  Kill targets and schedule threads may name a thread whose
 * line comes later; they are checked at the end of the file.
 *
 * vmt_print() writes the canonical form, and vmt_parse(vmt_print(p)) == p
 * for every valid program.  The parser never reads past the terminating
 * NUL, keeps no line buffer (so line length does not matter) and reports
 * the first error as "LINE:COL: what (expected what)".
 */
#include "program.h"
#include "../util/assert.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STATEMENTS	"vmt, limit, explore, mm, T<n>, schedule, choices or expect"
#define OP_NAMES	"fault, read-locked, write, map, unmap, reattach, kill, exit or fork"
#define MAX_STEPS	64		/* steps - 1 is 6 bits */
#define MAX_REUSE	15		/* arg is 4 bits */
#define WORD_QUERY	"query"		/* a walk with arg VMT_WALK_QUERY */
#define WORD_CHUNK	"chunk"		/* a walk's arg 1..VMT_WALK_CHUNK_MAX */
#define MAX_NAME	(sizeof(((struct vmt_expect *)0)->verdict) - 1)
#define PRINT_WIDTH	79

/* The slot list in the "not one slot" message is spelled out. */
VM_STATIC_ASSERT(VMT_SLOTS == 4 && VMT_PAGE_SIZE == 0x1000);

/* Which kind of line an indented line continues. */
enum vmt_cont {
	CONT_NONE,
	CONT_THREAD,
	CONT_SCHED,
	CONT_CHOICES,
};

/* A `kill Tn` or schedule run, checked once every thread line is read. */
struct thread_ref {
	unsigned long line;
	unsigned long col;
	uint8_t thread;
	uint8_t is_kill;
};

struct parser {
	const char *line;		/* start of the current physical line */
	const char *pos;
	unsigned long lineno;
	char *err;
	size_t errlen;

	/* Built here and copied out on success only. */
	struct vmt_program prog;
	struct vmt_meta meta;

	enum vmt_cont cont;
	unsigned cur;			/* thread of the last T<n> line */
	int any_statement;
	/* Line of the first such statement (0 = not seen), for duplicates. */
	unsigned long limit_line, sched_line, choices_line, explore_line;
	/* The `vmt N` line's version (0 if none) and where N is. */
	unsigned version;
	unsigned long version_line, version_col;
	unsigned long mm_line[VMT_MAX_MMS];
	unsigned long thread_line[VMT_MAX_THREADS];

	unsigned nrefs;
	struct thread_ref refs[VMT_MAX_OPS + VMT_MAX_SCHED];
};

struct token {
	const char *s;
	size_t n;
};

/* ---- errors ---------------------------------------------------------- */

static int __attribute__((format(printf, 4, 0)))
vfail(struct parser *ps, unsigned long line, unsigned long col,
      const char *fmt, va_list ap)
{
	int n;

	if (!ps->err || !ps->errlen)
		return -1;
	n = snprintf(ps->err, ps->errlen, "%lu:%lu: ", line, col);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	return -1;
}

static int __attribute__((format(printf, 4, 5)))
fail_pos(struct parser *ps, unsigned long line, unsigned long col,
	 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ps, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Error at `at`, a position in the current line. */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ps, ps->lineno, (unsigned long)(at - ps->line) + 1, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- lexing ---------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* '#' ends the statement too: the rest of the line is a comment. */
static int is_end(char c)
{
	return c == '\0' || c == '\n' || c == '#';
}

static void skip_blank(struct parser *ps)
{
	while (is_blank(*ps->pos))
		ps->pos++;
}

static int at_end(struct parser *ps)
{
	skip_blank(ps);
	return is_end(*ps->pos);
}

/* The next word after blanks; n == 0 if there is none at pos. */
static struct token next_word(struct parser *ps)
{
	struct token t;

	skip_blank(ps);
	t.s = ps->pos;
	while (is_word(*ps->pos))
		ps->pos++;
	t.n = (size_t)(ps->pos - t.s);
	return t;
}

static int tok_is(struct token t, const char *s)
{
	return t.n == strlen(s) && !memcmp(t.s, s, t.n);
}

/* Token length for "%.*s", capped so a huge token cannot flood err. */
static int tok_len(struct token t)
{
	return t.n > 32 ? 32 : (int)t.n;
}

/* What sits at `at`, for "unexpected X" messages. */
static void describe(const char *at, char *buf, size_t len)
{
	unsigned char c = (unsigned char)*at;
	size_t n = 0;

	if (is_end(*at)) {
		snprintf(buf, len, "end of line");
	} else if (is_word(*at)) {
		while (n <= 24 && is_word(at[n]))
			n++;
		snprintf(buf, len, "'%.*s%s'", (int)(n > 24 ? 24 : n), at,
			 n > 24 ? "..." : "");
	} else if (c >= 0x20 && c < 0x7f) {
		snprintf(buf, len, "'%c'", c);
	} else {
		snprintf(buf, len, "byte 0x%02x", c);
	}
}

static int fail_found(struct parser *ps, const char *at, const char *expected)
{
	char what[40];

	describe(at, what, sizeof(what));
	return fail_at(ps, at, "unexpected %s (expected %s)", what, expected);
}

static int expect_char(struct parser *ps, char c, const char *expected)
{
	skip_blank(ps);
	if (*ps->pos != c)
		return fail_found(ps, ps->pos, expected);
	ps->pos++;
	return 0;
}

static int expect_end(struct parser *ps)
{
	if (!at_end(ps))
		return fail_found(ps, ps->pos, "end of line");
	return 0;
}

/* ---- values ---------------------------------------------------------- */

/*
 * A decimal number in [min, max].  The value saturates, so a thousand
 * digits are just "out of range".
 */
static int parse_num(struct parser *ps, struct token t, unsigned long min,
		     unsigned long max, const char *what, unsigned long *val)
{
	unsigned long v = 0;
	size_t i;

	if (!t.n) {
		char found[40];

		describe(t.s, found, sizeof(found));
		return fail_at(ps, t.s, "unexpected %s (expected a number for %s, %lu..%lu)",
			       found, what, min, max);
	}
	for (i = 0; i < t.n; i++) {
		if (!is_digit(t.s[i]))
			return fail_at(ps, t.s, "bad %s '%.*s' (expected a decimal number)",
				       what, tok_len(t), t.s);
		if (v <= max)
			v = v * 10 + (unsigned long)(t.s[i] - '0');
	}
	if (v < min || v > max)
		return fail_at(ps, t.s, "%s %.*s out of range (expected %lu..%lu)",
			       what, tok_len(t), t.s, min, max);
	*val = v;
	return 0;
}

/* "T<digits>" -> thread number (saturated); 0 if t is not a thread name. */
static int thread_name(struct token t, unsigned long *n)
{
	unsigned long v = 0;
	size_t i;

	if (t.n < 2 || t.s[0] != 'T')
		return 0;
	for (i = 1; i < t.n; i++) {
		if (!is_digit(t.s[i]))
			return 0;
		if (v < 1000)
			v = v * 10 + (unsigned long)(t.s[i] - '0');
	}
	*n = v;
	return 1;
}

/*
 * "0x<hex>" -> value; 0 if s is not a hex number.  Values from 2^32 up
 * read as 2^32: page aligned, out of range, and no overflow.
 */
#define HEX_HUGE (1ULL << 32)

static int hex_value(const char *s, size_t n, unsigned long long *val)
{
	unsigned long long v = 0;
	size_t i;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (i = 2; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return 0;
		if (v < HEX_HUGE)
			v = v * 16 + d;
	}
	*val = v < HEX_HUGE ? v : HEX_HUGE;
	return 1;
}

/* An op address: the start of one of the mm's pages. */
static int parse_page(struct parser *ps, struct token t, uint8_t *page)
{
	unsigned long long addr;

	if (!t.n)
		return fail_found(ps, t.s, "an address such as 0x1000");
	if (!hex_value(t.s, t.n, &addr))
		return fail_at(ps, t.s, "bad address '%.*s' (expected a hex address such as 0x1000)",
			       tok_len(t), t.s);
	if (addr % VMT_PAGE_SIZE)
		return fail_at(ps, t.s, "misaligned address %.*s (expected a multiple of 0x%lx)",
			       tok_len(t), t.s, VMT_PAGE_SIZE);
	if (addr < vmt_page_addr(0) || addr > vmt_page_addr(VMT_PAGES - 1))
		return fail_at(ps, t.s, "address %.*s out of range (expected 0x%lx..0x%lx)",
			       tok_len(t), t.s, vmt_page_addr(0),
			       vmt_page_addr(VMT_PAGES - 1));
	*page = (uint8_t)(addr / VMT_PAGE_SIZE - 1);
	return 0;
}

/* A VMA of an mm line: exactly one slot, [start, end). */
static int parse_slot(struct parser *ps, struct token t, unsigned *slot)
{
	const char *dash = memchr(t.s, '-', t.n);
	unsigned long long start, end;
	unsigned i;

	if (!dash || !hex_value(t.s, (size_t)(dash - t.s), &start) ||
	    !hex_value(dash + 1, t.n - (size_t)(dash - t.s) - 1, &end))
		return fail_at(ps, t.s, "bad VMA '%.*s' (expected a range such as 0x1000-0x3000, or none)",
			       tok_len(t), t.s);
	for (i = 0; i < VMT_SLOTS; i++) {
		if (start == vmt_page_addr(2 * i) &&
		    end == vmt_page_addr(2 * i + 2)) {
			*slot = i;
			return 0;
		}
	}
	return fail_at(ps, t.s, "VMA %.*s is not one slot (expected 0x1000-0x3000, 0x3000-0x5000, 0x5000-0x7000 or 0x7000-0x9000)",
		       tok_len(t), t.s);
}

static int parse_mm_name(struct parser *ps, const char *expected, uint8_t *mm)
{
	struct token t = next_word(ps);

	if (!t.n)
		return fail_found(ps, t.s, expected);
	if (tok_is(t, "A") || tok_is(t, "B")) {
		*mm = (uint8_t)(t.s[0] - 'A');
		return 0;
	}
	return fail_at(ps, t.s, "unknown mm '%.*s' (expected A or B)",
		       tok_len(t), t.s);
}

/* A thread named in an op or a run; the range check against nthreads waits. */
static int parse_thread_ref(struct parser *ps, int is_kill, uint8_t *thread)
{
	struct token t = next_word(ps);
	struct thread_ref *ref;
	unsigned long n;

	if (!thread_name(t, &n))
		return fail_found(ps, t.s, is_kill ? "a thread such as T1" :
				  "a run such as T0 or T0*3");
	if (n >= VMT_MAX_THREADS)
		return fail_at(ps, t.s, "no thread T%lu (expected T0..T%u)", n,
			       VMT_MAX_THREADS - 1);
	if (is_kill && n == ps->cur)
		return fail_at(ps, t.s, "T%lu cannot kill itself (expected another thread)", n);
	/* Fits: every ref is an op or a run, and both counts were checked. */
	VM_ASSERT(ps->nrefs < sizeof(ps->refs) / sizeof(ps->refs[0]));
	ref = &ps->refs[ps->nrefs++];
	ref->line = ps->lineno;
	ref->col = (unsigned long)(t.s - ps->line) + 1;
	ref->thread = (uint8_t)n;
	ref->is_kill = (uint8_t)is_kill;
	*thread = (uint8_t)n;
	return 0;
}

/* ---- ops ------------------------------------------------------------- */

/* What may follow each kind of op, for error messages. */
static const char *const op_tail[VMT_OP__COUNT] = {
	[VMT_OP_FAULT]	= "careful, stack, ';' or end of line",
	[VMT_OP_READ_LOCKED] = "killable, walk, trylock, chunk N, query, ';' or end of line",
	[VMT_OP_WRITE]	= "killable, downgrade, split, ';' or end of line",
	[VMT_OP_MAP]	= "reuse N, ';' or end of line",
	[VMT_OP_UNMAP]	= "downgrade, merge, ';' or end of line",
};

static const char *tail_of(unsigned kind)
{
	return op_tail[kind] ? op_tail[kind] : "';' or end of line";
}

static int parse_op_addr(struct parser *ps, struct vmt_op *op)
{
	int has_len = vmt_op_has_len(op->kind);
	unsigned long len;

	if (parse_page(ps, next_word(ps), &op->page))
		return -1;
	skip_blank(ps);
	if (*ps->pos != '+')
		return 0;
	if (!has_len)
		return fail_at(ps, ps->pos, "a length is only allowed for write and map (expected %s)",
			       tail_of(op->kind));
	ps->pos++;
	if (parse_num(ps, next_word(ps), 1, 2, "length", &len))
		return -1;
	op->len = (uint8_t)len;
	return 0;
}

/* The flag bit `t` names for an op of `kind`, 0 if none. */
static unsigned flag_of(unsigned kind, struct token t)
{
	for (unsigned bit = 1; bit < 8; bit <<= 1) {
		const char *name = vmt_flag_name(kind, bit);

		if (name && tok_is(t, name))
			return bit;
	}
	return 0;
}

/* `reuse N` after a map. */
static int parse_reuse(struct parser *ps, struct token t, struct vmt_op *op,
		       int *seen)
{
	unsigned long n;

	if (*seen)
		return fail_at(ps, t.s, "duplicate reuse (expected %s)",
			       tail_of(op->kind));
	*seen = 1;
	if (parse_num(ps, next_word(ps), 0, MAX_REUSE, "reuse index", &n))
		return -1;
	op->arg = (uint8_t)n;
	return 0;
}

/* `chunk N` or `query` after a read-locked (v4): the walk's arg, once. */
static int parse_walk_arg(struct parser *ps, struct token t, struct vmt_op *op,
			  int *seen)
{
	unsigned long n;

	if (*seen)
		return fail_at(ps, t.s, "duplicate %.*s (expected a walk's chunk N or query once)",
			       tok_len(t), t.s);
	*seen = 1;
	if (tok_is(t, WORD_QUERY)) {
		if (op->flags & VMT_F_WALK)
			return fail_at(ps, t.s, "query with walk (expected one: query is a lookup, not a walk)");
		op->flags |= VMT_F_WALK;
		op->arg = VMT_WALK_QUERY;
		return 0;
	}
	if (parse_num(ps, next_word(ps), 1, VMT_WALK_CHUNK_MAX, "chunk size", &n))
		return -1;
	op->arg = (uint8_t)n;
	return 0;
}

/* A walk's arg needs the walk: chunk without walk, walk after query. */
static int check_walk_arg(struct parser *ps, const struct vmt_op *op)
{
	if (op->kind != VMT_OP_READ_LOCKED || !op->arg ||
	    (op->flags & VMT_F_WALK))
		return 0;
	return fail_at(ps, ps->pos, "chunk without walk (expected walk: only a walk reads in several read() calls)");
}

/* The flag words after an op; each may appear once, in any order. */
static int parse_op_flags(struct parser *ps, struct vmt_op *op)
{
	int reuse_seen = 0, walk_arg_seen = 0;

	while (!at_end(ps) && *ps->pos != ';') {
		struct token t = next_word(ps);
		unsigned flag = flag_of(op->kind, t);

		if (!flag && tok_is(t, "reuse") && op->kind == VMT_OP_MAP) {
			if (parse_reuse(ps, t, op, &reuse_seen))
				return -1;
			continue;
		}
		if (!flag && op->kind == VMT_OP_READ_LOCKED &&
		    (tok_is(t, WORD_QUERY) || tok_is(t, WORD_CHUNK))) {
			if (parse_walk_arg(ps, t, op, &walk_arg_seen))
				return -1;
			continue;
		}
		if (!flag)
			return fail_found(ps, t.s, tail_of(op->kind));
		if (flag == VMT_F_WALK && op->kind == VMT_OP_READ_LOCKED &&
		    op->arg == VMT_WALK_QUERY)
			return fail_at(ps, t.s, "walk with query (expected one: query is a lookup, not a walk)");
		if (op->flags & flag)
			return fail_at(ps, t.s, "duplicate %.*s (expected %s)",
				       tok_len(t), t.s, tail_of(op->kind));
		op->flags |= (uint8_t)flag;
	}
	if (op->kind == VMT_OP_FAULT && op->flags == VMT_F_STACK)
		return fail_at(ps, ps->pos, "stack without careful (expected careful: only lock_mm_and_find_vma() expands a stack)");
	return check_walk_arg(ps, op);
}

static int parse_op(struct parser *ps, struct vmt_op *op)
{
	struct token t = next_word(ps);
	char name[16];
	int kind = -1;

	if (!t.n)
		return fail_found(ps, t.s, "an op: " OP_NAMES);
	if (t.n < sizeof(name)) {
		memcpy(name, t.s, t.n);
		name[t.n] = '\0';
		kind = vmt_op_from_name(name);
	}
	if (tok_is(t, "fork")) {
		memset(op, 0, sizeof(*op));
		op->kind = VMT_OP_EXIT;
		op->flags = VMT_F_FORK;
		op->len = 1;
		return 0;
	}
	if (kind < 0)
		return fail_at(ps, t.s, "unknown op '%.*s' (expected " OP_NAMES ")",
			       tok_len(t), t.s);

	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	op->len = 1;
	if (kind == VMT_OP_KILL) {
		if (parse_thread_ref(ps, 1, &op->arg))
			return -1;
	} else if (kind != VMT_OP_EXIT) {
		if (parse_op_addr(ps, op))
			return -1;
	}
	return parse_op_flags(ps, op);
}

/* A fork is the program's only one, in a thread of mm A (the decoder's
 * rule: it drops any other). */
static int check_fork(struct parser *ps, const char *at, const struct vmt_op *op)
{
	int forker = vmt_program_forker(&ps->prog);

	if (!vmt_op_is_fork(op))
		return 0;
	if (ps->prog.threads[ps->cur].mm != 0)
		return fail_at(ps, at, "fork in a thread of mm B (expected it in a thread of mm A: mm B is the child)");
	if (forker >= 0)
		return fail_at(ps, at, "a second fork (expected one fork in a program; T%d forks)",
			       forker);
	return 0;
}

/* Ops on a T<n> line or on its continuation lines. */
static int parse_ops(struct parser *ps)
{
	struct vmt_thread *th = &ps->prog.threads[ps->cur];
	struct vmt_op op;

	while (!at_end(ps)) {
		const char *at = ps->pos;

		if (th->nops && vmt_op_ends_thread(&th->ops[th->nops - 1]))
			return fail_at(ps, at, "op after exit in T%u (expected exit as the thread's last op)",
				       ps->cur);
		if (th->nops == VMT_MAX_OPS_PER_THREAD)
			return fail_at(ps, at, "too many ops in T%u (expected at most %d per thread)",
				       ps->cur, VMT_MAX_OPS_PER_THREAD);
		if (vmt_program_nops(&ps->prog) == VMT_MAX_OPS)
			return fail_at(ps, at, "too many ops (expected at most %d over all threads)",
				       VMT_MAX_OPS);
		if (parse_op(ps, &op) || check_fork(ps, at, &op))
			return -1;
		VM_ASSERT(th->nops < VMT_MAX_OPS_PER_THREAD);
		th->ops[th->nops++] = op;
		if (at_end(ps))
			break;
		/* A trailing ';' is fine: the line break separates ops too. */
		if (expect_char(ps, ';', "';' or end of line"))
			return -1;
	}
	return 0;
}

/* ---- statements ------------------------------------------------------ */

static int first_time(struct parser *ps, const char *at, unsigned long *seen,
		      const char *what)
{
	if (*seen)
		return fail_at(ps, at, "duplicate %s line (expected one; the first is on line %lu)",
			       what, *seen);
	*seen = ps->lineno;
	return 0;
}

static int parse_version(struct parser *ps, const char *at, int first)
{
	unsigned long v;
	struct token t;

	if (!first)
		return fail_at(ps, at, "misplaced vmt line (expected it as the first statement)");
	t = next_word(ps);
	if (parse_num(ps, t, 0, 255, "format version", &v))
		return -1;
	if (v < 1 || v > VMT_FORMAT_VERSION)
		return fail_at(ps, t.s, "unsupported format version %lu (expected 1 to %d)",
			       v, VMT_FORMAT_VERSION);
	ps->version = (unsigned)v;
	ps->version_col = (unsigned long)(t.s - ps->line) + 1;
	ps->version_line = ps->lineno;
	return expect_end(ps);
}

static int parse_limit(struct parser *ps, const char *at)
{
	struct token t;

	if (first_time(ps, at, &ps->limit_line, "limit"))
		return -1;
	t = next_word(ps);
	if (tok_is(t, "small"))
		ps->prog.small_limit = 1;
	else if (!tok_is(t, "kernel"))
		return fail_found(ps, t.s, "small or kernel");
	return expect_end(ps);
}

static int parse_mm(struct parser *ps)
{
	const char *at;
	uint8_t mm;
	unsigned slot = 0;
	struct token t;

	skip_blank(ps);
	at = ps->pos;
	if (parse_mm_name(ps, "an mm name, A or B", &mm))
		return -1;
	if (ps->mm_line[mm])
		return fail_at(ps, at, "duplicate mm %c line (expected one; the first is on line %lu)",
			       'A' + mm, ps->mm_line[mm]);
	ps->mm_line[mm] = ps->lineno;
	if (expect_char(ps, ':', "':'"))
		return -1;

	t = next_word(ps);
	if (tok_is(t, "none"))
		return expect_end(ps);
	for (; t.n; t = next_word(ps)) {
		if (parse_slot(ps, t, &slot))
			return -1;
		if (ps->prog.layout[mm] & (1u << slot))
			return fail_at(ps, t.s, "VMA %.*s listed twice (expected each slot once)",
				       tok_len(t), t.s);
		ps->prog.layout[mm] |= (uint8_t)(1u << slot);
	}
	return expect_end(ps);
}

static int parse_thread_line(struct parser *ps, const char *at,
			     unsigned long n)
{
	struct vmt_thread *th;

	if (n >= VMT_MAX_THREADS)
		return fail_at(ps, at, "too many threads: T%lu (expected at most %d, T0..T%d)",
			       n, VMT_MAX_THREADS, VMT_MAX_THREADS - 1);
	if (n < ps->prog.nthreads)
		return fail_at(ps, at, "duplicate T%lu line (expected each thread once; the first is on line %lu)",
			       n, ps->thread_line[n]);
	if (n > ps->prog.nthreads)
		return fail_at(ps, at, "T%lu before T%u (expected threads in order T0, T1, ...)",
			       n, ps->prog.nthreads);

	th = &ps->prog.threads[n];
	if (parse_mm_name(ps, "the thread's mm, A or B", &th->mm))
		return -1;
	if (expect_char(ps, ':', "':'"))
		return -1;
	ps->thread_line[n] = ps->lineno;
	ps->prog.nthreads++;
	ps->cur = (unsigned)n;
	ps->cont = CONT_THREAD;
	return parse_ops(ps);
}

static int parse_sched_runs(struct parser *ps)
{
	struct vmt_program *p = &ps->prog;

	while (!at_end(ps)) {
		struct vmt_run *run = &p->sched[p->nsched];
		unsigned long steps = 1;

		if (p->nsched == VMT_MAX_SCHED)
			return fail_at(ps, ps->pos, "too many schedule runs (expected at most %d)",
				       VMT_MAX_SCHED);
		if (parse_thread_ref(ps, 0, &run->thread))
			return -1;
		skip_blank(ps);
		if (*ps->pos == '*') {
			ps->pos++;
			if (parse_num(ps, next_word(ps), 1, MAX_STEPS, "steps",
				      &steps))
				return -1;
		}
		run->steps = (uint8_t)steps;
		p->nsched++;
	}
	return 0;
}

static int parse_choice_bytes(struct parser *ps)
{
	struct vmt_program *p = &ps->prog;
	unsigned long v;

	while (!at_end(ps)) {
		if (p->nchoices == VMT_MAX_CHOICES)
			return fail_at(ps, ps->pos, "too many choices (expected at most %d)",
				       VMT_MAX_CHOICES);
		if (parse_num(ps, next_word(ps), 0, 255, "choice", &v))
			return -1;
		p->choices[p->nchoices++] = (uint8_t)v;
	}
	return 0;
}

static int copy_name(struct parser *ps, struct token t, const char *what,
		     char *dst)
{
	size_t i;

	if (!t.n)
		return fail_found(ps, t.s, what);
	for (i = 0; i < t.n; i++) {
		char c = t.s[i];

		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
			break;
	}
	if (i < t.n || t.n > MAX_NAME)
		return fail_at(ps, t.s, "bad %s '%.*s' (expected [a-z0-9-]+, at most %zu characters)",
			       what, tok_len(t), t.s, MAX_NAME);
	memcpy(dst, t.s, t.n);
	dst[t.n] = '\0';
	return 0;
}

/* expect: VERDICT, or expect VARIANT: VERDICT */
static int parse_expect(struct parser *ps, const char *at)
{
	struct vmt_expect e;
	unsigned i;

	memset(&e, 0, sizeof(e));
	skip_blank(ps);
	if (*ps->pos != ':' &&
	    copy_name(ps, next_word(ps), "variant name", e.variant))
		return -1;
	if (expect_char(ps, ':', "':'"))
		return -1;
	if (copy_name(ps, next_word(ps), "verdict name", e.verdict))
		return -1;
	if (expect_end(ps))
		return -1;

	for (i = 0; i < ps->meta.nexpect; i++) {
		if (!strcmp(ps->meta.expect[i].variant, e.variant))
			return fail_at(ps, at, "duplicate expect for %s (expected one per variant)",
				       e.variant[0] ? e.variant : "the correct lock");
	}
	if (ps->meta.nexpect == VMT_MAX_EXPECT)
		return fail_at(ps, at, "too many expect lines (expected at most %d)",
			       VMT_MAX_EXPECT);
	ps->meta.expect[ps->meta.nexpect++] = e;
	return 0;
}

static int parse_statement(struct parser *ps)
{
	const char *at = ps->pos;
	struct token kw = next_word(ps);
	int first = !ps->any_statement;
	unsigned long n;

	ps->any_statement = 1;
	ps->cont = CONT_NONE;
	if (tok_is(kw, "vmt"))
		return parse_version(ps, at, first);
	if (tok_is(kw, "limit"))
		return parse_limit(ps, at);
	if (tok_is(kw, "explore")) {
		if (first_time(ps, at, &ps->explore_line, "explore"))
			return -1;
		ps->prog.explore = 1;
		return expect_end(ps);
	}
	if (tok_is(kw, "mm"))
		return parse_mm(ps);
	if (tok_is(kw, "expect"))
		return parse_expect(ps, at);
	if (tok_is(kw, "schedule")) {
		if (first_time(ps, at, &ps->sched_line, "schedule") ||
		    expect_char(ps, ':', "':'"))
			return -1;
		ps->cont = CONT_SCHED;
		return parse_sched_runs(ps);
	}
	if (tok_is(kw, "choices")) {
		if (first_time(ps, at, &ps->choices_line, "choices") ||
		    expect_char(ps, ':', "':'"))
			return -1;
		ps->cont = CONT_CHOICES;
		return parse_choice_bytes(ps);
	}
	if (thread_name(kw, &n))
		return parse_thread_line(ps, at, n);
	if (!kw.n)
		return fail_found(ps, at, "a statement: " STATEMENTS);
	return fail_at(ps, at, "unknown statement '%.*s' (expected " STATEMENTS ")",
		       tok_len(kw), kw.s);
}

static int parse_line(struct parser *ps)
{
	ps->pos = ps->line;
	skip_blank(ps);
	if (*ps->pos == '\0' || *ps->pos == '\n') {
		/* A blank line ends a statement's continuation lines. */
		ps->cont = CONT_NONE;
		return 0;
	}
	if (*ps->pos == '#')
		return 0;
	if (ps->pos == ps->line)
		return parse_statement(ps);

	switch (ps->cont) {
	case CONT_THREAD:
		return parse_ops(ps);
	case CONT_SCHED:
		return parse_sched_runs(ps);
	case CONT_CHOICES:
		return parse_choice_bytes(ps);
	case CONT_NONE:
		break;
	}
	return fail_at(ps, ps->pos, "unexpected indented line (expected a statement at column 1; only T<n>, schedule and choices lines continue on indented lines)");
}

/* Checks that need the whole file: the thread count is known only now. */
static int parse_finish(struct parser *ps)
{
	const struct vmt_program *p = &ps->prog;
	unsigned i;

	if (!p->nthreads)
		return fail_pos(ps, ps->lineno, 1, "no threads (expected at least a T0 line)");
	for (i = 0; i < ps->nrefs; i++) {
		const struct thread_ref *r = &ps->refs[i];

		if (r->thread < p->nthreads)
			continue;
		if (p->nthreads == 1)
			return fail_pos(ps, r->line, r->col,
					"%s T%u: no such thread (expected %s; the only thread is T0)",
					r->is_kill ? "kill" : "schedule run of",
					r->thread, r->is_kill ? "another thread" : "T0");
		return fail_pos(ps, r->line, r->col,
				"%s T%u: no such thread (expected T0..T%u)",
				r->is_kill ? "kill" : "schedule run of",
				r->thread, p->nthreads - 1);
	}
	if (vmt_program_forker(p) >= 0 && p->layout[1])
		return fail_pos(ps, ps->mm_line[1], 1,
				"mm B has VMAs in a program with a fork (expected mm B: none: the child starts empty)");
	if (ps->version && vmt_program_version(p) >= 3 &&
	    ps->version < vmt_program_version(p))
		return fail_pos(ps, ps->version_line, ps->version_col,
				"format version %u cannot express this program (expected vmt %u: a flag or op of version %u is used)",
				ps->version, vmt_program_version(p), vmt_program_version(p));
	return 0;
}

int vmt_parse(const char *text, struct vmt_program *p, struct vmt_meta *meta,
	      char *err, size_t errlen)
{
	struct parser ps;
	const char *eol;

	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.errlen = errlen;
	ps.lineno = 1;
	if (err && errlen)
		err[0] = '\0';
	if (!text || !p)
		return fail_pos(&ps, 1, 1, "no input (expected .vmt text)");

	ps.prog.version = VMT_FORMAT_VERSION;
	for (ps.line = text;; ps.line = eol + 1, ps.lineno++) {
		if (parse_line(&ps))
			return -1;
		/* pos never passes the line's '\n' or the final NUL. */
		eol = strchr(ps.pos, '\n');
		if (!eol)
			break;
	}
	if (parse_finish(&ps))
		return -1;

	*p = ps.prog;
	if (meta)
		*meta = ps.meta;
	return 0;
}

/* ---- printing -------------------------------------------------------- */

/* An snprintf-like sink: counts everything, stores what fits. */
struct sink {
	char *buf;
	size_t cap;
	size_t len;
	size_t col;		/* column on the current output line */
};

static void __attribute__((format(printf, 2, 3)))
emit(struct sink *s, const char *fmt, ...)
{
	char *dst = s->len < s->cap ? s->buf + s->len : NULL;
	size_t room = s->len < s->cap ? s->cap - s->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	/* Lists reset the column at their start and on each wrap. */
	s->col += (size_t)n;
	s->len += (size_t)n;
}

/*
 * Emit one item of a list that wraps at PRINT_WIDTH: a continuation line
 * starts with `indent` blanks (which is what makes it a continuation), and
 * `sep` ends the line being wrapped (";" for ops).
 */
static void emit_item(struct sink *s, const char *item, int first,
		      const char *sep, size_t indent)
{
	size_t need = strlen(sep) + 1 + strlen(item);

	if (!first && s->col + need > PRINT_WIDTH) {
		emit(s, "%s\n%*s", sep, (int)indent, "");
		s->col = indent;
	} else if (!first) {
		emit(s, "%s ", sep);
	}
	emit(s, "%s", item);
}

/* A flag's word as printed: a query's walk flag is the word `query`. */
static const char *printed_flag(const struct vmt_op *op, unsigned bit)
{
	if (bit == VMT_F_WALK && vmt_op_is_query(op))
		return WORD_QUERY;
	return vmt_flag_name(op->kind, bit);
}

static void format_op(const struct vmt_op *op, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", vmt_op_name(op->kind));

	if (op->kind == VMT_OP_KILL) {
		snprintf(buf + n, len - (size_t)n, " T%u", op->arg);
		return;
	}
	if (op->kind == VMT_OP_EXIT) {
		snprintf(buf, len, "%s", vmt_op_word(op));
		return;
	}
	n += snprintf(buf + n, len - (size_t)n, " 0x%lx%s",
		      vmt_page_addr(op->page),
		      op->len == 2 && vmt_op_has_len(op->kind) ? "+2" : "");
	for (unsigned bit = 1; bit < 8; bit <<= 1) {
		const char *name = printed_flag(op, bit);

		if (name && (op->flags & bit))
			n += snprintf(buf + n, len - (size_t)n, " %s", name);
	}
	if (op->kind == VMT_OP_MAP && op->arg)
		snprintf(buf + n, len - (size_t)n, " reuse %u", op->arg);
	if (vmt_walk_chunk(op))
		snprintf(buf + n, len - (size_t)n, " " WORD_CHUNK " %u", op->arg);
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

static void print_header(struct sink *s, const struct vmt_program *p,
			 const struct vmt_meta *meta, unsigned nthreads)
{
	unsigned nops = 0, t, i;

	for (t = 0; t < nthreads; t++)
		nops += p->threads[t].nops;
	emit(s, "# %u thread%s, %u op%s, %u schedule run%s, %u choice%s\n",
	     nthreads, plural(nthreads), nops, plural(nops),
	     p->nsched, plural(p->nsched), p->nchoices, plural(p->nchoices));
	emit(s, "vmt %u\n", vmt_program_version(p));
	/* The verdict first: it is what a reader of a repro wants to know. */
	for (i = 0; meta && i < meta->nexpect && i < VMT_MAX_EXPECT; i++) {
		const struct vmt_expect *e = &meta->expect[i];

		if (e->variant[0])
			emit(s, "expect %.31s: %.31s\n", e->variant, e->verdict);
		else
			emit(s, "expect: %.31s\n", e->verdict);
	}
	emit(s, "limit %s\n", p->small_limit ? "small" : "kernel");
	if (p->explore)
		emit(s, "explore\n");
}

/* An mm line is printed if the mm has VMAs or a thread runs in it. */
static void print_mms(struct sink *s, const struct vmt_program *p,
		      unsigned nthreads)
{
	unsigned mm, t, slot;

	for (mm = 0; mm < VMT_MAX_MMS; mm++) {
		int used = p->layout[mm] != 0;

		for (t = 0; t < nthreads; t++)
			used |= p->threads[t].mm == mm;
		if (!used)
			continue;
		emit(s, "mm %c:", 'A' + mm);
		if (!p->layout[mm])
			emit(s, " none");
		for (slot = 0; slot < VMT_SLOTS; slot++) {
			if (p->layout[mm] & (1u << slot))
				emit(s, " 0x%lx-0x%lx", vmt_page_addr(2 * slot),
				     vmt_page_addr(2 * slot + 2));
		}
		emit(s, "\n");
	}
}

static void print_threads(struct sink *s, const struct vmt_program *p,
			  unsigned nthreads)
{
	char item[64];
	unsigned t, i;

	for (t = 0; t < nthreads; t++) {
		const struct vmt_thread *th = &p->threads[t];
		unsigned nops = th->nops < VMT_MAX_OPS_PER_THREAD ?
				th->nops : VMT_MAX_OPS_PER_THREAD;

		s->col = 0;
		emit(s, "T%u %c:", t, th->mm ? 'B' : 'A');
		for (i = 0; i < nops; i++) {
			format_op(&th->ops[i], item, sizeof(item));
			if (!i)
				emit(s, " ");
			emit_item(s, item, !i, ";", 6);
		}
		emit(s, "\n");
	}
}

static void print_runs(struct sink *s, const struct vmt_program *p)
{
	unsigned n = p->nsched < VMT_MAX_SCHED ? p->nsched : VMT_MAX_SCHED;
	char item[16];
	unsigned i;

	if (!n)
		return;
	s->col = 0;
	emit(s, "schedule: ");
	for (i = 0; i < n; i++) {
		if (p->sched[i].steps == 1)
			snprintf(item, sizeof(item), "T%u", p->sched[i].thread);
		else
			snprintf(item, sizeof(item), "T%u*%u",
				 p->sched[i].thread, p->sched[i].steps);
		emit_item(s, item, !i, "", 10);
	}
	emit(s, "\n");
}

static void print_choices(struct sink *s, const struct vmt_program *p)
{
	unsigned n = p->nchoices < VMT_MAX_CHOICES ?
		     p->nchoices : VMT_MAX_CHOICES;
	char item[8];
	unsigned i;

	if (!n)
		return;
	s->col = 0;
	emit(s, "choices: ");
	for (i = 0; i < n; i++) {
		snprintf(item, sizeof(item), "%u", p->choices[i]);
		emit_item(s, item, !i, "", 9);
	}
	emit(s, "\n");
}

size_t vmt_print(const struct vmt_program *p, const struct vmt_meta *meta,
		 char *out, size_t cap)
{
	struct sink s = { .buf = out, .cap = out ? cap : 0 };
	unsigned nthreads;

	if (s.cap)
		out[0] = '\0';
	if (!p)
		return 0;
	/* Clamped so that a corrupt program prints garbage, not overflows. */
	nthreads = p->nthreads < VMT_MAX_THREADS ? p->nthreads : VMT_MAX_THREADS;

	print_header(&s, p, meta, nthreads);
	print_mms(&s, p, nthreads);
	print_threads(&s, p, nthreads);
	print_runs(&s, p);
	print_choices(&s, p);

	if (s.cap)
		out[s.len < s.cap ? s.len : s.cap - 1] = '\0';
	return s.len;
}
