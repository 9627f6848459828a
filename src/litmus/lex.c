/* SPDX-License-Identifier: MIT */
/*
 * lex.c - the tokens of the C litmus dialect: C's, the condition's /\ and
 * \/, and three kinds of comments (C's two, and herd's (* ... *) outside
 * process bodies).
 */
#include "lex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lex_init(struct lex *l, const char *path, const char *text, char *err,
	      size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->s = text;
	l->line = 1;
	l->col = 1;
	l->err = err;
	l->errlen = errlen;
	lex_next(l);
}

void lex_error(struct lex *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->failed)
		return;
	l->failed = true;
	n = snprintf(l->err, l->errlen, "%s:%d:%d: ", l->path, l->tline, l->tcol);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < l->errlen)
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	l->tok = TK_EOF;
}

static char peek(const struct lex *l, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (!l->s[l->pos + i])
			return 0;
	return l->s[l->pos + k];
}

static void adv(struct lex *l)
{
	if (l->s[l->pos] == '\n') {
		l->line++;
		l->col = 1;
	} else {
		l->col++;
	}
	l->pos++;
}

/* Skip to after the closing two characters c1 c2; false at the end. */
static bool skip_until(struct lex *l, char c1, char c2)
{
	while (peek(l, 0)) {
		if (peek(l, 0) == c1 && peek(l, 1) == c2) {
			adv(l);
			adv(l);
			return true;
		}
		adv(l);
	}
	return false;
}

static bool skip_space(struct lex *l)
{
	for (;;) {
		char c = peek(l, 0), d = peek(l, 1);

		if (c && isspace((unsigned char)c)) {
			adv(l);
		} else if (c == '/' && d == '/') {
			while (peek(l, 0) && peek(l, 0) != '\n')
				adv(l);
		} else if ((c == '/' && d == '*') || (!l->c_mode && c == '(' && d == '*')) {
			l->tline = l->line;
			l->tcol = l->col;
			adv(l);
			adv(l);
			if (!skip_until(l, '*', c == '/' ? '/' : ')')) {
				lex_error(l, "expected the end of this comment");
				return false;
			}
		} else {
			return true;
		}
	}
}

static const struct { char a, b; int tok; } two[] = {
	{ '=', '=', TK_EQ }, { '!', '=', TK_NE }, { '<', '=', TK_LE },
	{ '>', '=', TK_GE }, { '&', '&', TK_ANDAND }, { '|', '|', TK_OROR },
	{ '<', '<', TK_SHL }, { '>', '>', TK_SHR }, { '/', '\\', TK_CAND },
	{ '\\', '/', TK_COR },
};

static void lex_word(struct lex *l)
{
	size_t n = 0;

	while (isalnum((unsigned char)peek(l, 0)) || peek(l, 0) == '_') {
		if (n + 1 < sizeof(l->text))
			l->text[n++] = peek(l, 0);
		adv(l);
	}
	l->text[n] = 0;
}

void lex_next(struct lex *l)
{
	if (l->failed || !skip_space(l))
		return;
	l->tline = l->line;
	l->tcol = l->col;
	char c = peek(l, 0);

	l->text[0] = 0;
	if (!c) {
		l->tok = TK_EOF;
	} else if (isdigit((unsigned char)c)) {
		lex_word(l);
		l->tok = TK_NUM;
		l->num = (int64_t)strtoll(l->text, NULL, 0);
	} else if (isalpha((unsigned char)c) || c == '_') {
		lex_word(l);
		l->tok = TK_IDENT;
	} else if (c == '"') {
		adv(l);
		while (peek(l, 0) && peek(l, 0) != '"')
			adv(l);
		if (!peek(l, 0)) {
			lex_error(l, "expected the closing quote");
			return;
		}
		adv(l);
		l->tok = TK_STRING;
	} else {
		for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
			if (c == two[i].a && peek(l, 1) == two[i].b) {
				adv(l);
				adv(l);
				l->tok = two[i].tok;
				return;
			}
		}
		adv(l);
		l->tok = (unsigned char)c;
	}
}

void lex_rest_of_line(struct lex *l, char *out, size_t n)
{
	size_t k = 0;

	/* The current token starts the rest: back up to it. */
	if (l->tok == TK_IDENT || l->tok == TK_NUM) {
		size_t len = strlen(l->text);

		l->pos -= len;
		l->col -= (int)len;
	}
	while (peek(l, 0) && peek(l, 0) != '\n') {
		if (k + 1 < n)
			out[k++] = peek(l, 0);
		adv(l);
	}
	while (k > 0 && isspace((unsigned char)out[k - 1]))
		k--;
	out[k] = 0;
	lex_next(l);
}

bool lex_accept(struct lex *l, int tok)
{
	if (l->tok != tok)
		return false;
	lex_next(l);
	return true;
}

bool lex_expect(struct lex *l, int tok, const char *what)
{
	if (lex_accept(l, tok))
		return true;
	lex_error(l, "expected %s", what);
	return false;
}

bool lex_is_ident(const struct lex *l, const char *word)
{
	return l->tok == TK_IDENT && strcmp(l->text, word) == 0;
}
