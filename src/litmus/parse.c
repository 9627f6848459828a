/* SPDX-License-Identifier: MIT */
/*
 * parse.c - a C litmus test, as the kernel writes them (herd7's C front
 * end): "C name", comments, the init block, P0(...) { ... } processes with
 * local registers, then locations [...], filter (...) and one of
 * exists / ~exists / forall (...).  The expected result is the word after
 * "Result:" anywhere in the file (the kernel's tests have it in their
 * comment).
 */
#include "litmus.h"
#include "lex.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_SIZE (1u << 20)
static _Alignas(16) unsigned char arena[ARENA_SIZE];
static size_t arena_used;

void lit_arena_reset(void)
{
	arena_used = 0;
}

void *lit_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (arena_used + n > ARENA_SIZE)
		return NULL;
	void *p = arena + arena_used;

	arena_used += n;
	memset(p, 0, n);
	return p;
}

struct parser {
	struct lex lx;
	struct lit_test *t;
	int proc;		/* the process being parsed, or -1 */
};

static void *node(struct parser *p, size_t n)
{
	void *x = lit_alloc(n);

	if (!x)
		lex_error(&p->lx, "test too large for the parser's arena");
	return x;
}

static void unsupported(struct parser *p, const char *what)
{
	if (!p->t->unsupported[0])
		snprintf(p->t->unsupported, sizeof(p->t->unsupported), "%s", what);
}

/* ---- names ---- */

static int var_find(const struct lit_test *t, const char *name)
{
	for (int i = 0; i < t->nvars; i++)
		if (strcmp(t->vars[i], name) == 0)
			return i;
	return -1;
}

static int var_get(struct parser *p, const char *name)
{
	struct lit_test *t = p->t;
	int i = var_find(t, name);

	if (i >= 0)
		return i;
	if (t->nvars == LIT_MAX_VARS) {
		lex_error(&p->lx, "more than %d shared variables", LIT_MAX_VARS);
		return 0;
	}
	snprintf(t->vars[t->nvars], LIT_NAME, "%s", name);
	return t->nvars++;
}

static int reg_find(const struct lit_proc *pr, const char *name)
{
	for (int i = 0; i < pr->nregs; i++)
		if (strcmp(pr->regs[i], name) == 0)
			return i;
	return -1;
}

static bool is_type_word(const char *w)
{
	static const char *const types[] = {
		"int", "long", "unsigned", "signed", "short", "char", "u8", "u16",
		"u32", "u64", "s32", "s64", "atomic_t", "spinlock_t", "intptr_t",
		"const", "volatile", "struct", "bool", "_Bool", NULL,
	};
	for (int i = 0; types[i]; i++)
		if (strcmp(w, types[i]) == 0)
			return true;
	return false;
}

/* Type words and stars; returns whether spinlock_t was among them. */
static bool skip_type(struct parser *p)
{
	bool lock = false;

	while (p->lx.tok == TK_IDENT && is_type_word(p->lx.text)) {
		lock |= strcmp(p->lx.text, "spinlock_t") == 0;
		lex_next(&p->lx);
	}
	while (lex_accept(&p->lx, '*'))
		;
	return lock;
}

/* ---- expressions ---- */

static struct lit_expr *expr(struct parser *p);

static struct lit_expr *mk(struct parser *p, int kind)
{
	struct lit_expr *e = node(p, sizeof(*e));

	if (!e)
		return NULL;
	e->kind = (uint8_t)kind;
	e->line = p->lx.tline;
	e->col = p->lx.tcol;
	return e;
}

static struct lit_expr *call(struct parser *p, const char *name)
{
	struct lit_expr *e = mk(p, LE_CALL);

	if (!e)
		return NULL;
	e->idx = lit_prim_find(name);
	if (e->idx < 0)
		unsupported(p, name);
	else
		p->t->prims_used[e->idx / 64] |= 1ull << (e->idx % 64);
	lex_next(&p->lx);	/* ( */
	if (p->lx.tok != ')') {
		do {
			struct lit_expr *a = expr(p);

			if (e->nargs < LIT_MAX_ARGS)
				e->args[e->nargs] = a;
			e->nargs++;
		} while (lex_accept(&p->lx, ','));
	}
	lex_expect(&p->lx, ')', "')' after the arguments");
	if (e->idx >= 0 && e->nargs != lit_prim(e->idx)->nargs)
		lex_error(&p->lx, "expected %d arguments to %s",
			  lit_prim(e->idx)->nargs, name);
	return e;
}

static struct lit_expr *primary(struct parser *p)
{
	struct lex *l = &p->lx;
	struct lit_expr *e;

	if (l->tok == TK_NUM) {
		e = mk(p, LE_NUM);
		if (e)
			e->num = l->num;
		lex_next(l);
		return e;
	}
	if (lex_accept(l, '(')) {
		e = expr(p);
		lex_expect(l, ')', "')'");
		return e;
	}
	if (l->tok != TK_IDENT) {
		lex_error(l, "expected an expression");
		return NULL;
	}
	char name[LIT_NAME];

	snprintf(name, sizeof(name), "%s", l->text);
	if (strcmp(name, "NULL") == 0 || strcmp(name, "false") == 0 ||
	    strcmp(name, "true") == 0) {
		e = mk(p, LE_NUM);
		if (e)
			e->num = name[0] == 't';
		lex_next(l);
		return e;
	}
	lex_next(l);
	if (l->tok == '(')
		return call(p, name);
	int r = reg_find(&p->t->procs[p->proc], name);

	if (r >= 0) {
		e = mk(p, LE_REG);
		if (e)
			e->idx = r;
		return e;
	}
	int v = var_find(p->t, name);

	if (v < 0) {
		lex_error(l, "expected a register or parameter, not '%s'", name);
		return NULL;
	}
	e = mk(p, LE_VAR);
	if (e)
		e->idx = v;
	return e;
}

/* A cast: '(' then a type word; skipped (values are integers). */
static bool cast(struct parser *p)
{
	struct lex save = p->lx;

	if (!lex_accept(&p->lx, '('))
		return false;
	if (p->lx.tok == TK_IDENT && is_type_word(p->lx.text)) {
		skip_type(p);
		if (lex_accept(&p->lx, ')'))
			return true;
	} else if (lex_is_ident(&p->lx, "void")) {
		lex_next(&p->lx);
		if (lex_accept(&p->lx, ')'))
			return true;
	}
	p->lx = save;
	return false;
}

static struct lit_expr *unary(struct parser *p)
{
	struct lex *l = &p->lx;
	int op = l->tok;

	if (cast(p))
		return unary(p);
	if (op == '-' || op == '!' || op == '~' || op == '*' || op == '&') {
		struct lit_expr *e = mk(p, op == '*' ? LE_DEREF :
					   op == '&' ? LE_ADDR : LE_UNARY);

		lex_next(l);
		if (e) {
			e->op = op;
			e->a = unary(p);
		}
		return e;
	}
	return primary(p);
}

/* Binary operators by precedence level (higher binds tighter). */
static int prec(int tok)
{
	switch (tok) {
	case TK_OROR: return 1;
	case TK_ANDAND: return 2;
	case '|': return 3;
	case '^': return 4;
	case '&': return 5;
	case TK_EQ: case TK_NE: return 6;
	case '<': case '>': case TK_LE: case TK_GE: return 7;
	case TK_SHL: case TK_SHR: return 8;
	case '+': case '-': return 9;
	case '*': case '/': case '%': return 10;
	default: return 0;
	}
}

static struct lit_expr *binary(struct parser *p, int min)
{
	struct lit_expr *a = unary(p);

	for (;;) {
		int op = p->lx.tok, pr = prec(op);

		if (pr == 0 || pr < min)
			return a;
		lex_next(&p->lx);
		struct lit_expr *e = mk(p, LE_BINARY);

		if (!e)
			return NULL;
		e->op = op;
		e->a = a;
		e->b = binary(p, pr + 1);
		a = e;
	}
}

static struct lit_expr *expr(struct parser *p)
{
	struct lit_expr *a = binary(p, 1);

	if (p->lx.tok != '=')
		return a;
	if (!a || (a->kind != LE_REG && a->kind != LE_DEREF)) {
		lex_error(&p->lx, "expected a register or *pointer before '='");
		return NULL;
	}
	lex_next(&p->lx);
	struct lit_expr *e = mk(p, LE_ASSIGN);

	if (e) {
		e->a = a;
		e->b = expr(p);
	}
	return e;
}

/* ---- statements ---- */

static struct lit_stmt *stmt(struct parser *p);

static struct lit_stmt *mks(struct parser *p, int kind)
{
	struct lit_stmt *s = node(p, sizeof(*s));

	if (s)
		s->kind = (uint8_t)kind;
	return s;
}

static struct lit_stmt *block(struct parser *p)
{
	struct lit_stmt *s = mks(p, LS_BLOCK);
	struct lit_stmt *items[256];
	int n = 0;

	while (!p->lx.failed && p->lx.tok != '}' && p->lx.tok != TK_EOF) {
		struct lit_stmt *x = stmt(p);

		if (n == 256) {
			lex_error(&p->lx, "more than 256 statements in a block");
			break;
		}
		items[n++] = x;
	}
	lex_expect(&p->lx, '}', "'}'");
	if (!s)
		return NULL;
	s->body = node(p, (size_t)(n ? n : 1) * sizeof(*s->body));
	if (s->body)
		memcpy(s->body, items, (size_t)n * sizeof(*items));
	s->n = n;
	return s;
}

/* int r0; int *r1, r2 = e; */
static struct lit_stmt *decl(struct parser *p)
{
	struct lit_proc *pr = &p->t->procs[p->proc];
	struct lit_stmt *s = mks(p, LS_BLOCK), *items[LIT_MAX_REGS];
	int n = 0;

	skip_type(p);
	do {
		while (lex_accept(&p->lx, '*'))
			;
		if (p->lx.tok != TK_IDENT) {
			lex_error(&p->lx, "expected a register name");
			return s;
		}
		if (reg_find(pr, p->lx.text) < 0) {
			if (pr->nregs == LIT_MAX_REGS) {
				lex_error(&p->lx, "more than %d registers", LIT_MAX_REGS);
				return s;
			}
			snprintf(pr->regs[pr->nregs++], LIT_NAME, "%s", p->lx.text);
		}
		struct lit_expr *r = mk(p, LE_REG);

		if (r)
			r->idx = reg_find(pr, p->lx.text);
		lex_next(&p->lx);
		if (lex_accept(&p->lx, '=')) {
			struct lit_stmt *x = mks(p, LS_EXPR);
			struct lit_expr *e = mk(p, LE_ASSIGN);

			if (x && e && n < LIT_MAX_REGS) {
				e->a = r;
				e->b = expr(p);
				x->e = e;
				items[n++] = x;
			}
		}
	} while (lex_accept(&p->lx, ','));
	lex_expect(&p->lx, ';', "';' after the declaration");
	if (s) {
		s->body = node(p, LIT_MAX_REGS * sizeof(*s->body));
		if (s->body)
			memcpy(s->body, items, (size_t)n * sizeof(*items));
		s->n = n;
	}
	return s;
}

static struct lit_stmt *stmt(struct parser *p)
{
	struct lex *l = &p->lx;

	if (lex_accept(l, '{'))
		return block(p);
	if (lex_accept(l, ';'))
		return mks(p, LS_NOP);
	if (lex_is_ident(l, "if")) {
		struct lit_stmt *s = mks(p, LS_IF);

		lex_next(l);
		lex_expect(l, '(', "'(' after if");
		struct lit_expr *c = expr(p);

		lex_expect(l, ')', "')' after the condition");
		struct lit_stmt *th = stmt(p), *el = NULL;

		if (lex_is_ident(l, "else")) {
			lex_next(l);
			el = stmt(p);
		}
		if (s) {
			s->e = c;
			s->then = th;
			s->els = el;
		}
		return s;
	}
	if (lex_is_ident(l, "while") || lex_is_ident(l, "for") ||
	    lex_is_ident(l, "do") || lex_is_ident(l, "return") ||
	    lex_is_ident(l, "goto") || lex_is_ident(l, "switch")) {
		char what[160];

		snprintf(what, sizeof(what), "'%s' statement", l->text);
		unsupported(p, what);
		lex_error(l, "expected a statement without loops or jumps");
		return NULL;
	}
	if (l->tok == TK_IDENT && is_type_word(l->text))
		return decl(p);
	struct lit_stmt *s = mks(p, LS_EXPR);

	if (s)
		s->e = expr(p);
	lex_expect(l, ';', "';' after the expression");
	return s;
}

/* ---- the init block ---- */

static bool init_value(struct parser *p, int64_t *v)
{
	struct lex *l = &p->lx;
	bool neg = lex_accept(l, '-');

	if (l->tok == TK_NUM) {
		*v = neg ? -l->num : l->num;
		lex_next(l);
		return true;
	}
	if (lex_is_ident(l, "ATOMIC_INIT")) {
		lex_next(l);
		lex_expect(l, '(', "'(' after ATOMIC_INIT");
		bool ok = init_value(p, v);

		lex_expect(l, ')', "')'");
		return ok;
	}
	lex_accept(l, '&');
	if (l->tok != TK_IDENT) {
		lex_error(l, "expected a number or a variable's name");
		return false;
	}
	*v = LIT_PTR + var_get(p, l->text);
	lex_next(l);
	return true;
}

static void init_block(struct parser *p)
{
	struct lex *l = &p->lx;

	lex_expect(l, '{', "'{' to open the init block");
	while (!l->failed && l->tok != '}') {
		if (lex_accept(l, ';'))
			continue;
		if (l->tok == TK_NUM) {
			unsupported(p, "register initial values");
			while (l->tok != ';' && l->tok != '}' && l->tok != TK_EOF)
				lex_next(l);
			continue;
		}
		bool lock = skip_type(p);

		if (l->tok != TK_IDENT) {
			lex_error(l, "expected a variable in the init block");
			return;
		}
		int v = var_get(p, l->text);

		p->t->is_lock[v] |= lock;
		lex_next(l);
		if (lex_accept(l, '='))
			init_value(p, &p->t->init[v]);
		if (l->tok != '}')
			lex_expect(l, ';', "';' in the init block");
	}
	lex_expect(l, '}', "'}' to close the init block");
}

/* ---- processes ---- */

static void params(struct parser *p)
{
	struct lex *l = &p->lx;

	lex_expect(l, '(', "'(' after the process name");
	if (l->tok != ')') {
		do {
			bool lock = skip_type(p);

			if (l->tok != TK_IDENT) {
				lex_error(l, "expected a parameter name");
				return;
			}
			p->t->is_lock[var_get(p, l->text)] |= lock;
			lex_next(l);
		} while (lex_accept(l, ','));
	}
	lex_expect(l, ')', "')' after the parameters");
}

static void process(struct parser *p)
{
	struct lex *l = &p->lx;
	int n = atoi(l->text + 1);

	if (n != p->t->nprocs) {
		lex_error(l, "expected P%d", p->t->nprocs);
		return;
	}
	if (n == LIT_MAX_PROCS) {
		lex_error(l, "expected at most %d processes", LIT_MAX_PROCS);
		return;
	}
	p->t->nprocs++;
	p->proc = n;
	lex_next(l);
	params(p);
	if (!lex_expect(l, '{', "'{' to open the process body"))
		return;
	l->c_mode = true;
	/* The body's first token was lexed with (* as a comment: only a
	 * body opening with "(*" would differ, and that is no C we read. */
	p->t->procs[n].body = block(p);
	l->c_mode = false;
	p->proc = -1;
}

/* ---- the condition ---- */

static struct lit_cond *cond_or(struct parser *p);

static struct lit_cond *mkc(struct parser *p, int kind)
{
	struct lit_cond *c = node(p, sizeof(*c));

	if (c)
		c->kind = (uint8_t)kind;
	return c;
}

static struct lit_cond *atom(struct parser *p)
{
	struct lex *l = &p->lx;
	struct lit_cond *c = mkc(p, LC_ATOM);

	if (!c)
		return NULL;
	c->proc = -1;
	if (l->tok == TK_NUM) {
		c->proc = (int)l->num;
		lex_next(l);
		lex_expect(l, ':', "':' after the process number");
		if (c->proc < 0 || c->proc >= p->t->nprocs) {
			lex_error(l, "expected a process number below %d", p->t->nprocs);
			return NULL;
		}
	}
	if (l->tok != TK_IDENT) {
		lex_error(l, "expected a register or a variable");
		return NULL;
	}
	if (c->proc >= 0) {
		c->idx = reg_find(&p->t->procs[c->proc], l->text);
		if (c->idx < 0)
			lex_error(l, "expected a register of P%d, not '%s'", c->proc, l->text);
	} else {
		c->idx = var_find(p->t, l->text);
		if (c->idx < 0)
			lex_error(l, "expected a shared variable, not '%s'", l->text);
	}
	lex_next(l);
	if (lex_accept(l, TK_NE))
		c->neq = true;
	else
		lex_expect(l, '=', "'=' or '!=' in the condition");
	if (!l->failed)
		init_value(p, &c->val);
	return c;
}

static struct lit_cond *cond_unary(struct parser *p)
{
	struct lex *l = &p->lx;

	if (lex_accept(l, '~') || lex_is_ident(l, "not")) {
		if (l->tok == TK_IDENT && strcmp(l->text, "not") == 0)
			lex_next(l);
		struct lit_cond *c = mkc(p, LC_NOT);

		if (c)
			c->a = cond_unary(p);
		return c;
	}
	if (lex_accept(l, '(')) {
		struct lit_cond *c = cond_or(p);

		lex_expect(l, ')', "')' in the condition");
		return c;
	}
	if (lex_is_ident(l, "true") || lex_is_ident(l, "false")) {
		bool t = l->text[0] == 't';
		struct lit_cond *c = mkc(p, LC_TRUE);

		lex_next(l);
		if (t || !c)
			return c;
		struct lit_cond *n = mkc(p, LC_NOT);

		if (n)
			n->a = c;
		return n;
	}
	return atom(p);
}

static struct lit_cond *cond_and(struct parser *p)
{
	struct lit_cond *a = cond_unary(p);

	while (lex_accept(&p->lx, TK_CAND)) {
		struct lit_cond *c = mkc(p, LC_AND);

		if (!c)
			return NULL;
		c->a = a;
		c->b = cond_unary(p);
		a = c;
	}
	return a;
}

static struct lit_cond *cond_or(struct parser *p)
{
	struct lit_cond *a = cond_and(p);

	while (lex_accept(&p->lx, TK_COR)) {
		struct lit_cond *c = mkc(p, LC_OR);

		if (!c)
			return NULL;
		c->a = a;
		c->b = cond_and(p);
		a = c;
	}
	return a;
}

static void tail(struct parser *p)
{
	struct lex *l = &p->lx;
	bool have = false;

	while (!l->failed && l->tok != TK_EOF) {
		if (lex_is_ident(l, "locations")) {
			lex_next(l);
			lex_expect(l, '[', "'[' after locations");
			while (l->tok != ']' && l->tok != TK_EOF)
				lex_next(l);
			lex_expect(l, ']', "']' to close locations");
		} else if (lex_is_ident(l, "filter")) {
			lex_next(l);
			p->t->filter = cond_unary(p);
		} else if (!have && (l->tok == '~' || lex_is_ident(l, "exists") ||
				     lex_is_ident(l, "forall"))) {
			p->t->quant = lex_accept(l, '~') ? LQ_NOT_EXISTS :
				      lex_is_ident(l, "forall") ? LQ_FORALL : LQ_EXISTS;
			if (!lex_is_ident(l, "exists") && !lex_is_ident(l, "forall")) {
				lex_error(l, "expected exists after '~'");
				return;
			}
			lex_next(l);
			p->t->cond = cond_unary(p);
			have = true;
		} else {
			lex_error(l, have ? "expected the end of the test" :
				  "expected exists, ~exists, forall, filter or locations");
		}
	}
	if (!have)
		lex_error(l, "expected a condition (exists, ~exists or forall)");
}

static void expected_result(const char *text, struct lit_test *t)
{
	const char *r = strstr(text, "Result:");

	t->expected[0] = 0;
	if (!r)
		return;
	r += strlen("Result:");
	while (*r == ' ' || *r == '\t')
		r++;
	size_t n = 0;

	while (r[n] && r[n] != '\n' && r[n] != ' ' && r[n] != '\t' && n + 1 < sizeof(t->expected))
		n++;
	memcpy(t->expected, r, n);
	t->expected[n] = 0;
}

int lit_parse(const char *path, const char *text, struct lit_test *t,
	      char *err, size_t errlen)
{
	struct parser p = { .t = t, .proc = -1 };
	struct lex *l = &p.lx;

	memset(t, 0, sizeof(*t));
	t->path = path;
	lex_init(l, path, text, err, errlen);
	if (!lex_is_ident(l, "C")) {
		lex_error(l, "expected 'C' and the test's name on the first line");
		return -1;
	}
	lex_next(l);
	lex_rest_of_line(l, t->name, sizeof(t->name));
	if (!t->name[0])
		lex_error(l, "expected the test's name after 'C'");
	lex_accept(l, TK_STRING);
	init_block(&p);
	while (!l->failed && l->tok == TK_IDENT && l->text[0] == 'P' &&
	       l->text[1] >= '0' && l->text[1] <= '9')
		process(&p);
	if (!l->failed && t->nprocs == 0)
		lex_error(l, "expected a process P0(...) { ... }");
	if (!l->failed)
		tail(&p);
	expected_result(text, t);
	return l->failed ? -1 : 0;
}
