/* SPDX-License-Identifier: MIT */
/*
 * ops_semantics.h - the sequential semantics of the operations, one case
 * per path, run on a backend: included by test_ops.c (the model) and
 * test_kernel.c (the kernel's code), so both backends run the same cases.
 *
 * A case is a .vmt program under a fixed schedule, the notes its run must
 * print in that order (what the operation did: the lock form that failed,
 * the stack expanded, the fault served by the per-VMA lock afterwards)
 * and one note it must not print; every case runs clean.
 */
#ifndef VMLOCK_TESTS_OPS_SEMANTICS_H
#define VMLOCK_TESTS_OPS_SEMANTICS_H

#include <stdio.h>
#include <string.h>

#include "harness/harness.h"

struct ops_case {
	const char *name;
	const char *vmt;
	const char *notes[6];	/* in this order, NULL-terminated */
	const char *never;	/* must not be a note of the run */
	const char *never_after;	/* nor this one after the last of notes */
};

static const struct ops_case ops_cases[] = {
	{ "stack expands, then the per-VMA lock serves it",
	  "mm A: 0x3000-0x5000\nT0 A: fault 0x2000 careful stack; fault 0x2000\n",
	  { "lock_vma_under_rcu -> NULL", "expand_downwards(#0) 0x3000 -> 0x2000",
	    "fault 0x2000", "lock_vma_under_rcu -> #0", NULL }, "-EINTR", NULL },
	{ "the old fallback never expands",
	  "mm A: 0x3000-0x5000\nT0 A: fault 0x2000; fault 0x2000\n",
	  { "lock_vma_under_rcu -> NULL", "fault 0x2000",
	    "lock_vma_under_rcu -> NULL", NULL }, "expand_downwards", NULL },
	{ "careful without stack: no VMA, no expansion",
	  "mm A: 0x3000-0x5000\nT0 A: fault 0x2000 careful; fault 0x2000\n",
	  { "lock_vma_under_rcu -> NULL", "fault 0x2000",
	    "lock_vma_under_rcu -> NULL", NULL }, "expand_downwards", NULL },
	{ "a VMA below is inside the guard gap: no expansion",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\n"
	  "T0 A: fault 0x4000 careful stack; fault 0x4000\n",
	  { "lock_vma_under_rcu -> NULL", "fault 0x4000",
	    "lock_vma_under_rcu -> NULL", NULL }, "expand_downwards", NULL },
	{ "a trylock against a writer fails, later one succeeds",
	  "mm A: 0x1000-0x3000\nT0 A: write 0x1000\n"
	  "T1 A: read-locked 0x1000 trylock; read-locked 0x1000 trylock\n"
	  "schedule: T0*3 T1 T0*40 T1\n",
	  { "read-locked 0x1000", "mmap_read_trylock -> busy",
	    "read-locked 0x1000", NULL }, "-EINTR", "busy" },
	{ "a killed killable reader gives up",
	  "mm A: 0x1000-0x3000\nT0 A: write 0x1000\n"
	  "T1 A: read-locked 0x1000 killable\nT2 A: kill T1\n"
	  "schedule: T0*3 T1*5 T2*5 T0*40 T1*40\n",
	  { "read-locked 0x1000", "kill T1", "mmap_read_lock_killable -> -EINTR",
	    NULL }, "busy", NULL },
	{ "a walk reads every VMA from the address up, each read-locked",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: read-locked 0x2000 walk\n",
	  { "lock_next_vma -> #0", "walk: #0 0x1000-0x3000", "lock_next_vma -> #1",
	    "walk: #1 0x5000-0x7000", "lock_next_vma -> NULL", NULL }, "fallback", NULL },
	{ "a walk from above the last VMA reads none",
	  "mm A: 0x1000-0x3000\nT0 A: read-locked 0x3000 walk; read-locked 0x1000 walk\n",
	  { "walk 0x3000", "lock_next_vma -> NULL", "walk 0x1000",
	    "walk: #0 0x1000-0x3000", "lock_next_vma -> NULL", NULL }, "fallback", NULL },
	{ "the VMA cache runs out: the map fails unlocked, a later one reuses",
	  "limit small\n"
	  "mm A: 0x1000-0x3000 0x3000-0x5000 0x5000-0x7000 0x7000-0x9000\n"
	  "mm B: 0x1000-0x3000 0x3000-0x5000 0x5000-0x7000\n"
	  "T0 B: map 0x7000; map 0x8000; unmap 0x7000; map 0x8000; "
	  "read-locked 0x8000 walk\n",
	  { "vm_area_alloc() -> #7", "vm_area_alloc() -> NULL: map fails",
	    "vm_area_free(#7)", "vm_area_alloc() -> #7", "walk: #7 0x8000-0x9000",
	    NULL }, "fallback", NULL },
};

/* The index of the first note at or after *from containing s, or -1. */
static long ops_find_note(const struct sim_event *ev, size_t n, size_t from,
			  const char *s)
{
	for (size_t i = from; i < n; i++)
		if (ev[i].kind == SIM_EV_NOTE && strstr(ev[i].note, s))
			return (long)i;
	return -1;
}

/* Run one case on backend b; the number of failed checks. */
static unsigned ops_case_run(const struct ops_case *c, enum backend_kind b)
{
	static struct vmt_program p;
	struct harness_opts o;
	struct sim_result res;
	const struct sim_event *ev;
	char err[128];
	size_t n, at = 0;
	unsigned bad = 0;

	if (vmt_parse(c->vmt, &p, NULL, err, sizeof(err))) {
		fprintf(stderr, "[%s] %s\n", c->name, err);
		return 1;
	}
	harness_opts_default(&o);
	o.backend = b;
	o.trace = true;
	harness_run(&p, &o, &res);
	if (res.verdict != VERDICT_CLEAN) {
		fprintf(stderr, "[%s] %s: %s\n", c->name, verdict_name(res.verdict), res.msg);
		bad++;
	}
	n = sim_trace(&ev);
	for (unsigned k = 0; c->notes[k]; k++) {
		long i = ops_find_note(ev, n, at, c->notes[k]);

		if (i < 0) {
			fprintf(stderr, "[%s] no note '%s' after event %zu\n",
				c->name, c->notes[k], at);
			bad++;
			break;
		}
		at = (size_t)i + 1;
	}
	if (ops_find_note(ev, n, 0, c->never) >= 0) {
		fprintf(stderr, "[%s] a note '%s'\n", c->name, c->never);
		bad++;
	}
	if (c->never_after && ops_find_note(ev, n, at, c->never_after) >= 0) {
		fprintf(stderr, "[%s] a note '%s' at the end\n", c->name, c->never_after);
		bad++;
	}
	return bad;
}

/* Every case on backend b; the number of cases that failed. */
static unsigned ops_semantics(enum backend_kind b)
{
	unsigned failed = 0;

	for (size_t i = 0; i < sizeof(ops_cases) / sizeof(ops_cases[0]); i++)
		failed += ops_case_run(&ops_cases[i], b) != 0;
	return failed;
}

#endif /* VMLOCK_TESTS_OPS_SEMANTICS_H */
