/* SPDX-License-Identifier: MIT */
/*
 * litmus.h - the kernel's C litmus tests run on the simulator.
 *
 * parse.c reads a test in the dialect of the kernel's
 * tools/memory-model/litmus-tests (herd7's C front end): the init block,
 * P0(...) { ... } processes with local registers, and an exists / ~exists /
 * forall condition (/\ \/ ~), an optional filter.  prims.c maps each
 * kernel primitive to simulator operations (the table is written once, in
 * docs/weak-memory.md); interp.c runs a process body as a simulated thread;
 * explore.c runs the test over every interleaving and every reads-from
 * choice the simulator allows and counts the executions that satisfy the
 * condition.
 */
#ifndef VMLOCK_LITMUS_LITMUS_H
#define VMLOCK_LITMUS_LITMUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LIT_MAX_PROCS 4		/* SIM_MAX_THREADS */
#define LIT_MAX_VARS 16
#define LIT_MAX_REGS 16
#define LIT_MAX_ARGS 4
#define LIT_NAME 128
#define LIT_MAX_PRIMS 256
/* A pointer to shared variable k is the value LIT_PTR + k. */
#define LIT_PTR 0x40000000

enum lit_ekind {
	LE_NUM,		/* num */
	LE_REG,		/* idx: register of the process */
	LE_VAR,		/* idx: a shared variable's address (a parameter) */
	LE_DEREF,	/* *a: a plain access */
	LE_ADDR,	/* &a */
	LE_UNARY,	/* op a: - ! ~ */
	LE_BINARY,	/* a op b */
	LE_ASSIGN,	/* a = b (a: register or *e) */
	LE_CALL,	/* prim(args) */
};

struct lit_expr {
	uint8_t kind;
	int op;			/* token of the operator */
	int idx;		/* register, variable or primitive */
	int64_t num;
	struct lit_expr *a, *b;
	struct lit_expr *args[LIT_MAX_ARGS];
	int nargs;
	int line, col;
};

enum lit_skind { LS_EXPR, LS_IF, LS_BLOCK, LS_NOP };

struct lit_stmt {
	uint8_t kind;
	struct lit_expr *e;		/* LS_EXPR; LS_IF's condition */
	struct lit_stmt *then, *els;	/* LS_IF */
	struct lit_stmt **body;		/* LS_BLOCK */
	int n;
};

/* The condition: atoms joined by /\ \/ ~. */
enum lit_ckind { LC_TRUE, LC_ATOM, LC_NOT, LC_AND, LC_OR };
struct lit_cond {
	uint8_t kind;
	bool neq;		/* atom: != rather than = */
	int proc;		/* atom: -1 for a shared variable */
	int idx;		/* register of proc, or variable */
	int64_t val;
	struct lit_cond *a, *b;
};

enum lit_quant { LQ_EXISTS, LQ_NOT_EXISTS, LQ_FORALL };

struct lit_proc {
	int nregs;
	char regs[LIT_MAX_REGS][LIT_NAME];
	struct lit_stmt *body;
};

struct lit_test {
	char name[128];
	const char *path;
	int nvars;
	char vars[LIT_MAX_VARS][LIT_NAME];
	int64_t init[LIT_MAX_VARS];
	bool is_lock[LIT_MAX_VARS];	/* spinlock_t */
	int nprocs;
	struct lit_proc procs[LIT_MAX_PROCS];
	enum lit_quant quant;
	struct lit_cond *cond;
	struct lit_cond *filter;	/* NULL: none */
	char expected[32];		/* the Result: line's word, or "" */
	/* The primitives the test uses (bit i: prim i), for the tables. */
	uint64_t prims_used[LIT_MAX_PRIMS / 64];
	/* Registers loaded by a marked load whose value is later used as an
	 * address: the front end's address dependencies (bit per register,
	 * per process). */
	uint32_t addr_dep[LIT_MAX_PROCS];
	/* Set when a primitive cannot be expressed: what, for the report. */
	char unsupported[160];
};

/* The arena the AST lives in: reset before each file. */
void lit_arena_reset(void);
void *lit_alloc(size_t n);

/* Parse text (path for messages).  0 on success; -1 on a syntax error,
 * with "path:line:col: expected ..." in err. */
int lit_parse(const char *path, const char *text, struct lit_test *t,
	      char *err, size_t errlen);

/* ---- primitives (prims.c) ---- */
struct lit_prim {
	char name[40];
	int8_t nargs;
	/* The argument that is the location (a pointer; an lvalue *p for
	 * READ_ONCE and the like), the value's, and cmpxchg's new value. */
	int8_t ptr, val, val2;
	bool lvalue;
	/* How the primitive is run (interp.c's switch). */
	uint8_t op;
	uint8_t mo;		/* enum sim_mo of the access */
	/* Fully ordered: a seq_cst fence before and after (conditional
	 * RMWs: around a success only). */
	bool full;
	int8_t rmw;		/* the arithmetic of an RMW (enum lit_rmw) */
	bool ret_new;		/* the RMW returns the new value */
	int8_t test;		/* the _and_test/_negative forms */
};

enum lit_op {
	LP_LOAD, LP_STORE, LP_FENCE, LP_RMW, LP_RMW_VOID, LP_CMPXCHG,
	LP_XCHG, LP_ADD_UNLESS, LP_LOCK, LP_UNLOCK, LP_TRYLOCK, LP_IS_LOCKED,
	LP_RCU_LOCK, LP_RCU_UNLOCK, LP_SYNC_RCU, LP_NOP,
};
enum lit_rmw { LR_ADD, LR_SUB, LR_AND, LR_OR, LR_XOR, LR_ANDNOT, LR_INC, LR_DEC };
enum lit_test_kind { LT_NONE, LT_ZERO, LT_NEG };

/* The primitive called name, or -1. */
int lit_prim_find(const char *name);
const struct lit_prim *lit_prim(int idx);
int lit_nprims(void);

/* ---- running (interp.c, explore.c) ---- */
struct lit_result {
	unsigned long execs;		/* executions explored (after filter) */
	unsigned long filtered;		/* executions the filter dropped */
	unsigned long sat;		/* ... that satisfy the condition */
	unsigned long blocked;		/* runs that ended in a deadlock */
	bool overflow;			/* more decisions than recorded */
	char verdict[16];		/* Never / Sometimes / Always */
	char error[400];		/* a run failed: why ("" if none) */
};

void lit_explore(const struct lit_test *t, unsigned long max_execs,
		 struct lit_result *r);

/* ---- the simulator's blind spots (blind.c) ---- */
/* Whether an execution the simulator never produces could decide the
 * outcome: some process has a load or a store followed in program order
 * by a store, with nothing ordering the two in the LKMM, closing a cycle
 * through other processes; or two accesses the mapping orders and the
 * LKMM does not; or a load that may need a store older than the store
 * history keeps.  Writes why ("load buffering (P1 READ_ONCE(y) ->
 * WRITE_ONCE(x))", "modification order (...)", "stronger mapping: ...",
 * "store history (...)") and returns true. */
bool lit_blind_spot(const struct lit_test *t, char *why, size_t len);

/* vmlock litmus [--json] FILE|DIR...: 0 all agree, 1 a disagreement,
 * 2 a parse error or bad usage. */
int lit_main(int argc, char **argv);

#endif /* VMLOCK_LITMUS_LITMUS_H */
