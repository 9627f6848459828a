/* SPDX-License-Identifier: MIT */
/*
 * interp.h - the state of one litmus run (interp.c runs the processes,
 * explore.c sets it up and reads the outcome).
 */
#ifndef VMLOCK_LITMUS_INTERP_H
#define VMLOCK_LITMUS_INTERP_H

#include "litmus.h"
#include "lex.h"

#include "../sim/sim.h"

struct lit_run {
	const struct lit_test *t;
	sim_atomic_t vars[LIT_MAX_VARS];
	int64_t regs[LIT_MAX_PROCS][LIT_MAX_REGS];
	/* RCU: the hidden words grace periods and readers synchronise
	 * through, each process's nesting depth and critical-section count. */
	sim_atomic_t rcu_gp, rcu_rd;
	unsigned rcu_depth[LIT_MAX_PROCS], rcu_gen[LIT_MAX_PROCS];
};
extern struct lit_run lit_run;

/* The body of process (intptr_t)arg, as a simulated thread. */
void lit_thread(void *arg);
/* Fill t->addr_dep: registers used as addresses. */
void lit_find_deps(struct lit_test *t);

#endif /* VMLOCK_LITMUS_INTERP_H */
