// SPDX-License-Identifier: MIT
/*
 * program_check.c - the rules of program.h, checked from the outside.
 * See program_check.h.
 */
#include "program_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		if (*b++)
			return 0;
	}
	return 1;
}

static const char *op_problem(const struct vmt_program *p, unsigned self,
			      const struct vmt_op *op)
{
	int has_len = vmt_op_has_len(op->kind);
	int has_page = vmt_op_has_page(op->kind);

	if (op->kind >= VMT_OP__COUNT)
		return "kind";
	if (op->page >= VMT_PAGES || (!has_page && op->page))
		return "page";
	if (op->len < 1 || op->len > 2 || (!has_len && op->len != 1))
		return "len";
	if (op->flags != vmt_op_canonical_flags(op->kind, op->flags))
		return "flags";
	if (op->kind == VMT_OP_MAP)
		return op->arg > 15 ? "reuse" : NULL;
	if (vmt_op_has_walk_arg(op))
		return op->arg > VMT_WALK_QUERY ? "walk arg" : NULL;
	if (op->kind == VMT_OP_KILL)
		return op->arg >= p->nthreads || op->arg == self ? "kill target" : NULL;
	return op->arg ? "arg" : NULL;
}

static const char *thread_problem(const struct vmt_program *p, unsigned t)
{
	const struct vmt_thread *th = &p->threads[t];
	const char *why;
	unsigned i;

	if (t >= p->nthreads)
		return all_zero(th, sizeof(*th)) ? NULL : "unused thread not zero";
	if (th->mm > 1)
		return "mm";
	if (th->nops > VMT_MAX_OPS_PER_THREAD)
		return "nops";
	for (i = 0; i < th->nops; i++) {
		why = op_problem(p, t, &th->ops[i]);
		if (why)
			return why;
		if (vmt_op_ends_thread(&th->ops[i]) && i + 1 < th->nops)
			return "op after exit";
		if (vmt_op_is_fork(&th->ops[i]) && th->mm != 0)
			return "fork in mm B";
	}
	if (!all_zero(&th->ops[th->nops],
		      (VMT_MAX_OPS_PER_THREAD - th->nops) * sizeof(th->ops[0])))
		return "unused op not zero";
	return NULL;
}

/* One fork at most, and the child it makes starts empty. */
static const char *fork_problem(const struct vmt_program *p)
{
	unsigned forks = 0;

	for (unsigned t = 0; t < p->nthreads; t++)
		for (unsigned i = 0; i < p->threads[t].nops; i++)
			forks += vmt_op_is_fork(&p->threads[t].ops[i]) != 0;
	if (forks > 1)
		return "forks";
	return forks && p->layout[1] ? "layout of the fork's child" : NULL;
}

const char *progcheck_program(const struct vmt_program *p)
{
	const char *why;
	unsigned t, i;

	if (p->version != VMT_FORMAT_VERSION)
		return "version";
	if (p->nthreads < 1 || p->nthreads > VMT_MAX_THREADS)
		return "nthreads";
	if (p->small_limit > 1)
		return "small_limit";
	if (p->explore > 1)
		return "explore";
	if (p->layout[0] > 15 || p->layout[1] > 15)
		return "layout";
	for (t = 0; t < VMT_MAX_THREADS; t++) {
		why = thread_problem(p, t);
		if (why)
			return why;
	}
	if (vmt_program_nops(p) > VMT_MAX_OPS)
		return "total ops";
	if ((why = fork_problem(p)) != NULL)
		return why;
	if (p->nsched > VMT_MAX_SCHED || p->nchoices > VMT_MAX_CHOICES)
		return "counts";
	for (i = 0; i < p->nsched; i++) {
		if (p->sched[i].thread >= p->nthreads)
			return "run thread";
		if (p->sched[i].steps < 1 || p->sched[i].steps > 64)
			return "run steps";
	}
	if (!all_zero(&p->sched[p->nsched],
		      (VMT_MAX_SCHED - p->nsched) * sizeof(p->sched[0])) ||
	    !all_zero(&p->choices[p->nchoices], VMT_MAX_CHOICES - p->nchoices))
		return "unused run or choice not zero";
	return NULL;
}

/* A NAME of the grammar, NUL-terminated inside its field. */
static int good_name(const char *s, size_t cap, int may_be_empty)
{
	size_t n = strnlen(s, cap), i;

	if (n == cap || (!n && !may_be_empty))
		return 0;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return 1;
}

const char *progcheck_meta(const struct vmt_meta *m)
{
	unsigned i, j;

	if (m->nexpect > VMT_MAX_EXPECT)
		return "nexpect";
	for (i = 0; i < m->nexpect; i++) {
		const struct vmt_expect *e = &m->expect[i];

		if (!good_name(e->variant, sizeof(e->variant), 1))
			return "variant name";
		if (!good_name(e->verdict, sizeof(e->verdict), 0))
			return "verdict name";
		for (j = 0; j < i; j++) {
			if (!strcmp(m->expect[j].variant, e->variant))
				return "two expectations for one variant";
		}
	}
	return NULL;
}

/* A decimal number >= 1 at *s, followed by ':'; 0 if there is none. */
static unsigned long position(const char **s)
{
	const char *p = *s;
	char *end;
	unsigned long v;

	if (*p < '1' || *p > '9')
		return 0;
	v = strtoul(p, &end, 10);
	if (*end != ':')
		return 0;
	*s = end + 1;
	return v;
}

const char *progcheck_error(const char *text, const char *err)
{
	unsigned long line, col, l = 1;
	const char *s = err, *at = text, *what, *eol;

	line = position(&s);
	col = line ? position(&s) : 0;
	if (!line || !col)
		return "no LINE:COL: at the start";
	if (s[0] != ' ' || s[1] == '\0' || s[1] == ' ')
		return "no message after LINE:COL:";
	what = s + 1;
	if (strchr(what, '\n'))
		return "more than one line";
	if (!strstr(what, " (expected ") || what[strlen(what) - 1] != ')')
		return "no '(expected ...)' at the end";
	if (!strncmp(what, "(expected", 9))
		return "nothing before '(expected'";

	/* The position is inside the text. */
	while (l < line && (at = strchr(at, '\n')) != NULL) {
		at++;
		l++;
	}
	if (!at || l != line)
		return "line past the end of the text";
	eol = strchr(at, '\n');
	if (col > (unsigned long)((eol ? eol : at + strlen(at)) - at) + 1)
		return "column past the end of the line";
	return NULL;
}

int progcheck_program_eq(const struct vmt_program *a,
			 const struct vmt_program *b)
{
	/* All uint8_t, no padding: canonical programs compare bytewise. */
	return !memcmp(a, b, sizeof(*a));
}

int progcheck_meta_eq(const struct vmt_meta *a, const struct vmt_meta *b)
{
	unsigned i;

	if (a->nexpect != b->nexpect)
		return 0;
	for (i = 0; i < a->nexpect; i++) {
		if (strcmp(a->expect[i].variant, b->expect[i].variant) ||
		    strcmp(a->expect[i].verdict, b->expect[i].verdict))
			return 0;
	}
	return 1;
}

void progcheck_broken(const char *target, const char *input, const char *what,
		      const char *detail)
{
	fprintf(stderr, "%s: %s%s%s (input %s)\n", target, what,
		detail ? ": " : "", detail ? detail : "",
		input ? input : "from the engine");
	fflush(stderr);
	abort();
}
