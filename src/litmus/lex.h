/* SPDX-License-Identifier: MIT */
/*
 * lex.h - tokens of the C litmus dialect (lex.c), for parse.c.
 */
#ifndef VMLOCK_LITMUS_LEX_H
#define VMLOCK_LITMUS_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Single-character tokens are the character itself. */
enum {
	TK_EOF = 256, TK_IDENT, TK_NUM, TK_STRING,
	TK_EQ, TK_NE, TK_LE, TK_GE, TK_ANDAND, TK_OROR, TK_SHL, TK_SHR,
	TK_CAND,	/* the condition's and */
	TK_COR,		/* the condition's or */
};

struct lex {
	const char *path;
	const char *s;		/* the whole text */
	size_t pos;
	int line, col;
	/* Inside a process body "(*" is C, not a comment. */
	bool c_mode;
	/* The current token. */
	int tok;
	char text[128];
	int64_t num;
	int tline, tcol;
	/* The first error, "path:line:col: ..." */
	char *err;
	size_t errlen;
	bool failed;
};

void lex_init(struct lex *l, const char *path, const char *text, char *err,
	      size_t errlen);
void lex_next(struct lex *l);
/* The rest of the current line, raw (the test's name after "C"). */
void lex_rest_of_line(struct lex *l, char *out, size_t n);
/* Record an error at the current token (the first one only). */
void lex_error(struct lex *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool lex_accept(struct lex *l, int tok);
bool lex_expect(struct lex *l, int tok, const char *what);
bool lex_is_ident(const struct lex *l, const char *word);

#endif /* VMLOCK_LITMUS_LEX_H */
