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
#include "harness/ops.h"
#include "lock/obj_kind.h"

/* A VMA's lock state: the last values the run stored to its vm_refcnt
 * and vm_lock_seq before a note (from the trace: both backends). */
struct ops_state {
	int vma;
	int32_t refcnt;
	uint32_t lock_seq;
};

struct ops_case {
	const char *name;
	const char *vmt;
	const char *notes[8];	/* in this order, NULL-terminated */
	const char *never;	/* must not be a note of the run */
	const char *never_after;	/* nor this one after the last of notes */
	const char *state_at;	/* NULL, or the note the states are taken at */
	struct ops_state states[2];
};

#define OPS_UNLOCKED UINT32_MAX	/* vma_lock_init()'s vm_lock_seq */

static const struct ops_case ops_cases[] = {
	{ "stack expands, then the per-VMA lock serves it",
	  "mm A: 0x3000-0x5000\nT0 A: fault 0x2000 careful stack; fault 0x2000\n",
	  { "lock_vma_under_rcu -> NULL", "expand_downwards(#0) 0x3000 -> 0x2000",
	    "fault 0x2000", "lock_vma_under_rcu -> #0", NULL }, "-EINTR", NULL, NULL, { { 0 } } },
	{ "the old fallback never expands",
	  "mm A: 0x3000-0x5000\nT0 A: fault 0x2000; fault 0x2000\n",
	  { "lock_vma_under_rcu -> NULL", "fault 0x2000",
	    "lock_vma_under_rcu -> NULL", NULL }, "expand_downwards", NULL, NULL, { { 0 } } },
	{ "careful without stack: no VMA, no expansion",
	  "mm A: 0x3000-0x5000\nT0 A: fault 0x2000 careful; fault 0x2000\n",
	  { "lock_vma_under_rcu -> NULL", "fault 0x2000",
	    "lock_vma_under_rcu -> NULL", NULL }, "expand_downwards", NULL, NULL, { { 0 } } },
	{ "a VMA below is inside the guard gap: no expansion",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\n"
	  "T0 A: fault 0x4000 careful stack; fault 0x4000\n",
	  { "lock_vma_under_rcu -> NULL", "fault 0x4000",
	    "lock_vma_under_rcu -> NULL", NULL }, "expand_downwards", NULL, NULL, { { 0 } } },
	{ "a trylock against a writer fails, later one succeeds",
	  "mm A: 0x1000-0x3000\nT0 A: write 0x1000\n"
	  "T1 A: read-locked 0x1000 trylock; read-locked 0x1000 trylock\n"
	  "schedule: T0*3 T1 T0*40 T1\n",
	  { "read-locked 0x1000", "mmap_read_trylock -> busy",
	    "read-locked 0x1000", NULL }, "-EINTR", "busy", NULL, { { 0 } } },
	{ "a killed killable reader gives up",
	  "mm A: 0x1000-0x3000\nT0 A: write 0x1000\n"
	  "T1 A: read-locked 0x1000 killable\nT2 A: kill T1\n"
	  "schedule: T0*3 T1*5 T2*5 T0*40 T1*40\n",
	  { "read-locked 0x1000", "kill T1", "mmap_read_lock_killable -> -EINTR",
	    NULL }, "busy", NULL, NULL, { { 0 } } },
	{ "a walk reads every VMA from the address up, each read-locked",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: read-locked 0x2000 walk\n",
	  { "lock_next_vma -> #0", "walk: #0 0x1000-0x3000", "lock_next_vma -> #1",
	    "walk: #1 0x5000-0x7000", "lock_next_vma -> NULL", NULL },
	  "fallback", NULL, NULL, { { 0 } } },
	{ "a walk from above the last VMA reads none",
	  "mm A: 0x1000-0x3000\nT0 A: read-locked 0x3000 walk; read-locked 0x1000 walk\n",
	  { "walk 0x3000", "lock_next_vma -> NULL", "walk 0x1000",
	    "walk: #0 0x1000-0x3000", "lock_next_vma -> NULL", NULL },
	  "fallback", NULL, NULL, { { 0 } } },
	{ "a walk in read() calls of one VMA resumes after the last one shown",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: read-locked 0x1000 walk chunk 1\n",
	  { "walk: #0 0x1000-0x3000", "walk: read() full at #1",
	    "walk: read() resumes at 0x3000", "walk: #1 0x5000-0x7000",
	    "lock_next_vma -> NULL", NULL }, "fallback", NULL, NULL, { { 0 } } },
	{ "a query finds the VMA covering the address, or the next, or none",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\n"
	  "T0 A: read-locked 0x2000 query; read-locked 0x3000 query; "
	  "read-locked 0x7000 query\n",
	  { "query: #0 0x1000-0x3000", "query 0x3000", "query: #1 0x5000-0x7000",
	    "query 0x7000", "query -> -ENOENT", NULL }, "fallback", NULL, NULL,
	  { { 0 } } },
	{ "a query leaves its VMA unlocked",
	  "mm A: 0x1000-0x3000\nT0 A: read-locked 0x1000 query; write 0x1000\n",
	  { "query: #0 0x1000-0x3000", "write 0x1000", NULL }, "fallback", NULL,
	  "write 0x1000", { { 0, 1, OPS_UNLOCKED } } },
	{ "the VMA cache runs out: the map fails unlocked, a later one reuses",
	  "limit small\n"
	  "mm A: 0x1000-0x3000 0x3000-0x5000 0x5000-0x7000 0x7000-0x9000\n"
	  "mm B: 0x1000-0x3000 0x3000-0x5000 0x5000-0x7000\n"
	  "T0 B: map 0x7000; map 0x8000; unmap 0x7000; map 0x8000; "
	  "read-locked 0x8000 walk\n",
	  { "vm_area_alloc() -> #7", "vm_area_alloc() -> NULL: map fails",
	    "vm_area_free(#7)", "vm_area_alloc() -> #7", "walk: #7 0x8000-0x9000",
	    NULL }, "fallback", NULL, NULL, { { 0 } } },
	/* Split and merge: the ranges each leaves (read back), the lock
	 * state of both VMAs when the thread exits or the next op starts. */
	{ "split below the page: the copy gets the lower part",
	  "vmt 3\nmm A: 0x1000-0x3000\nT0 A: write 0x2000 split; fault 0x1000; fault 0x2000\n",
	  { "vm_area_dup() -> #1", "split: #1 [0x1000, 0x2000) #0 [0x2000, 0x3000)",
	    "lock_vma_under_rcu -> #1", "lock_vma_under_rcu -> #0", NULL },
	  "-ENOMEM", NULL, "fault 0x1000", { { 0, 1, 1 }, { 1, 1, 1 } } },
	{ "split above the page: the copy gets the upper part",
	  "vmt 3\nmm A: 0x1000-0x3000\nT0 A: write 0x1000 split; fault 0x2000\n",
	  { "split: #0 [0x1000, 0x2000) #1 [0x2000, 0x3000)",
	    "lock_vma_under_rcu -> #1", NULL }, "-ENOMEM", NULL,
	  "fault 0x2000", { { 0, 1, 1 }, { 1, 1, 1 } } },
	{ "a split of a whole VMA splits nothing",
	  "vmt 3\nmm A: 0x1000-0x3000\nT0 A: write 0x1000+2 split\n",
	  { "write 0x1000+2", NULL }, "split", NULL, NULL, { { 0 } } },
	{ "the copy is a recycled object, reset by vma_lock_init(new, true)",
	  "vmt 3\nmm A: 0x1000-0x3000 0x5000-0x7000\n"
	  "T0 A: unmap 0x5000; write 0x2000 split\n",
	  { "vm_area_free(#1)", "vm_area_dup() -> #1",
	    "split: #1 [0x1000, 0x2000) #0 [0x2000, 0x3000)", NULL }, "-ENOMEM",
	  NULL, "exit: mmput", { { 0, 1, 3 }, { 1, 1, 3 } } },
	{ "merge into the lower neighbour; the freed object comes back",
	  "vmt 3\nmm A: 0x1000-0x3000\n"
	  "T0 A: write 0x2000 split; unmap 0x2000 merge; fault 0x2000; map 0x5000\n",
	  { "merge #0 into #1", "vm_area_free(#0)", "merge: #1 [0x1000, 0x3000)",
	    "lock_vma_under_rcu -> #1", "vm_area_alloc() -> #0", NULL }, "-ENOMEM",
	  NULL, "fault 0x2000", { { 0, 0, 3 }, { 1, 1, 3 } } },
	{ "merge with nothing below: the plain unmap",
	  "vmt 3\nmm A: 0x1000-0x3000\nT0 A: unmap 0x1000 merge; fault 0x1000\n",
	  { "merge 0x1000", "vm_area_free(#0)", "lock_vma_under_rcu -> NULL", NULL },
	  "into", NULL, "fault 0x1000", { { 0, 0, 1 } } },
	{ "merge with a gap below: the plain unmap",
	  "vmt 3\nmm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: unmap 0x5000 merge\n",
	  { "merge 0x5000", "vm_area_free(#1)", NULL }, "into", NULL, NULL, { { 0 } } },
	/* Fork: at the end of the copy, before both unlocks, the parent's
	 * VMA is write-locked (vm_lock_seq 1, mm A's sequence while held),
	 * the copy attached and write-locked with mm B's (1). */
	{ "fork copies every VMA; the child's thread runs after it",
	  "mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: fork\n"
	  "T1 B: fault 0x1000; read-locked 0x1000 walk\n",
	  { "fork: mm A -> mm B", "vm_area_dup() -> #2 (mm A)", "fork: #2 copies #0",
	    "fork: #3 copies #1", "lock_vma_under_rcu -> #2",
	    "walk: #3 0x5000-0x7000", NULL }, "fork fails", NULL,
	  "fork: copied", { { 0, 1, 1 }, { 2, 1, 1 } } },
	{ "the parent's VMAs are unlocked with its mmap lock",
	  "mm A: 0x1000-0x3000\nT0 A: fork; fault 0x1000; write 0x1000\n"
	  "T1 B: fault 0x1000\n",
	  { "fork: copied", "lock_vma_under_rcu -> #0", "lock_vma_under_rcu -> #1",
	    NULL }, "fork fails", NULL, "write 0x1000", { { 0, 1, 1 }, { 1, 1, 1 } } },
	{ "a fork with no child thread: the child goes at once",
	  "mm A: 0x1000-0x3000\nT0 A: fork; fault 0x1000\n",
	  { "fork: #1 copies #0", "exit_mmap(mm B)", "vm_area_free(#1)",
	    "__mmdrop(mm B): freed", "lock_vma_under_rcu -> #0", NULL },
	  "fork fails", NULL, NULL, { { 0 } } },
	{ "the cache runs out in a fork: the copies go, the child never runs",
	  "limit small\n"
	  "mm A: 0x1000-0x3000 0x3000-0x5000 0x5000-0x7000 0x7000-0x9000\n"
	  "T0 A: write 0x1000 split; fork; fault 0x1000\nT1 B: fault 0x1000\n",
	  { "fork: #7 copies #1", "vm_area_dup() -> NULL: fork fails, -ENOMEM",
	    "vm_area_free(#5)", "vm_area_free(#7)", "T1 never runs",
	    "lock_vma_under_rcu -> #0", NULL }, "fork: copied", NULL, NULL, { { 0 } } },
	{ "a forker killed first: no fork, the child never runs",
	  "mm A: 0x1000-0x3000\nT0 A: fork\nT1 A: kill T0\nT2 B: fault 0x1000\n"
	  "schedule: T1*5 T0\n",
	  { "kill T0", "T2 never runs", "exit: mmput(mm A)", NULL },
	  "fork: mm A", NULL, NULL, { { 0 } } },
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

/* The last value the run stored to (kind, vma) in events [0, upto),
 * atomic or plain (a plain field's kind may hold two fields: the last
 * written of them). */
static int64_t ops_last_store(const struct sim_event *ev, size_t upto,
			      uint8_t kind, int vma, int64_t none)
{
	int64_t v = none;

	for (size_t i = 0; i < upto; i++) {
		const struct sim_access *a = &ev[i].a;

		if (ev[i].kind == SIM_EV_ACCESS && a->obj_kind == kind &&
		    a->obj_idx == vma &&
		    (a->kind == SIM_A_STORE || a->kind == SIM_A_RMW ||
		     a->kind == SIM_A_PLAIN_WRITE))
			v = a->val;
	}
	return v;
}

/* The case's lock states at its note; the number of failed checks. */
static unsigned ops_states_check(const struct ops_case *c,
				 const struct sim_event *ev, size_t n)
{
	long at = ops_find_note(ev, n, 0, c->state_at);
	unsigned bad = 0;

	if (at < 0) {
		fprintf(stderr, "[%s] no note '%s'\n", c->name, c->state_at);
		return 1;
	}
	for (unsigned k = 0; k < 2 && (k == 0 || c->states[k].vma); k++) {
		const struct ops_state *w = &c->states[k];
		int64_t rc = ops_last_store(ev, (size_t)at, OBJ_VMA_REFCNT, w->vma, -1);
		int64_t seq = ops_last_store(ev, (size_t)at, OBJ_VMA_LOCK_SEQ, w->vma, -1);

		if (rc != w->refcnt || (uint32_t)seq != w->lock_seq) {
			fprintf(stderr, "[%s] #%d at '%s': vm_refcnt %lld vm_lock_seq %lld, want %d %u\n",
				c->name, w->vma, c->state_at, (long long)rc,
				(long long)seq, w->refcnt, w->lock_seq);
			bad++;
		}
	}
	return bad;
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
	if (c->state_at)
		bad += ops_states_check(c, ev, n);
	return bad;
}

/*
 * A split that publishes its new VMA (attached, stored over the range it
 * was copied with) before setting the VMA's range (ops.h's test-only
 * switch): after the split the map gives, at the page the original kept,
 * the copy, which does not cover it.  The lookup-identity oracle must
 * catch it on the mmap-locked read and on the fault's fallback; the same
 * programs in the right order run clean.  The number of failed checks.
 */
static unsigned ops_split_order(enum backend_kind b)
{
	static const char *const vmt[] = {
		"vmt 3\nmm A: 0x1000-0x3000\nT0 A: write 0x2000 split; read-locked 0x2000\n",
		"vmt 3\nmm A: 0x1000-0x3000\nT0 A: write 0x2000 split; fault 0x2000\n",
	};
	static struct vmt_program p;
	struct harness_opts o;
	struct sim_result res;
	unsigned bad = 0;
	char err[128];

	harness_opts_default(&o);
	o.backend = b;
	for (size_t i = 0; i < sizeof(vmt) / sizeof(vmt[0]); i++) {
		if (vmt_parse(vmt[i], &p, NULL, err, sizeof(err))) {
			fprintf(stderr, "[split order] %s\n", err);
			return bad + 1;
		}
		harness_run(&p, &o, &res);
		if (res.verdict != VERDICT_CLEAN) {
			fprintf(stderr, "[split order %zu] right order: %s\n", i, res.msg);
			bad++;
		}
		ops_split_publish_early = true;
		harness_run(&p, &o, &res);
		ops_split_publish_early = false;
		if (res.verdict != VERDICT_LOOKUP_IDENTITY) {
			fprintf(stderr, "[split order %zu] wrong order: %s: %s\n", i,
				verdict_name(res.verdict), res.msg);
			bad++;
		} else {
			printf("  wrong split order: %s\n", res.msg);
		}
	}
	return bad;
}

/*
 * A fork's copies carry their parents' payload and end (read back from
 * the trace at the end of the copy), and two wrong forks (ops.h's
 * test-only switches) are caught: a copy attached before it moves to the
 * child (attach-discipline: vm_mm changes only on a detached VMA), a
 * parent copied without its write lock (unlocked-mutation at
 * copy_page_range()).  The number of failed checks.
 */
static unsigned ops_fork_checks(enum backend_kind b)
{
	static const char vmt[] = "mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: fork\n"
				  "T1 B: fault 0x1000\n";
	static const struct { bool *sw; enum verdict want; } wrong[] = {
		{ &ops_fork_attach_early, VERDICT_ATTACH_DISCIPLINE },
		{ &ops_fork_skip_parent_lock, VERDICT_UNLOCKED_MUTATION },
	};
	static struct vmt_program p;
	struct harness_opts o;
	struct sim_result res;
	const struct sim_event *ev;
	unsigned bad = 0;
	char err[128];

	if (vmt_parse(vmt, &p, NULL, err, sizeof(err))) {
		fprintf(stderr, "[fork] %s\n", err);
		return 1;
	}
	harness_opts_default(&o);
	o.backend = b;
	o.trace = true;
	harness_run(&p, &o, &res);
	size_t n = sim_trace(&ev);
	long at = ops_find_note(ev, n, 0, "fork: copied");

	if (res.verdict != VERDICT_CLEAN || at < 0)
		return 1;
	for (int k = 0; k < 2; k++) {	/* #2 copies #0, #3 copies #1 */
		int64_t want = 0x100 + 2 * k, end = 0x3000 + 0x4000 * k;	/* slots 0, 2 */

		if (ops_last_store(ev, (size_t)at, OBJ_VMA_PAYLOAD, 2 + k, -1) != want ||
		    ops_last_store(ev, (size_t)at, OBJ_VMA_RANGE, 2 + k, -1) != end) {
			fprintf(stderr, "[fork] #%d does not carry #%d's payload and range\n",
				2 + k, k);
			bad++;
		}
	}
	o.trace = false;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		*wrong[i].sw = true;
		harness_run(&p, &o, &res);
		*wrong[i].sw = false;
		if (res.verdict != wrong[i].want) {
			fprintf(stderr, "[fork] wrong fork %zu: %s: %s\n", i,
				verdict_name(res.verdict), res.msg);
			bad++;
		} else {
			printf("  wrong fork: %s\n", res.msg);
		}
	}
	return bad;
}

/* The VMAs a walk shows ("walk: #n start-end" notes), joined. */
static void ops_walk_shown(const struct sim_event *ev, size_t n, char *out,
			   size_t len)
{
	size_t w = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == SIM_EV_NOTE && !strncmp(ev[i].note, "walk: #", 7) &&
		    w < len)
			w += (size_t)snprintf(out + w, len - w, "%s;", ev[i].note);
}

/*
 * On a quiet mm a walk in read() calls of 1, 2 or 3 VMAs shows what the
 * walk in one read() shows, from every address of every layout of three
 * VMAs or fewer made of slots and split pages.  The number of failures.
 */
static unsigned ops_walk_chunks(enum backend_kind b)
{
	static const char *const mms[] = {
		"mm A: 0x1000-0x3000 0x5000-0x7000 0x7000-0x9000\nT0 A: ",
		"mm A: 0x3000-0x5000\nT0 A: write 0x3000 split; ",
		"mm A: 0x1000-0x3000 0x3000-0x5000\nT0 A: write 0x2000+2 split; ",
		"mm A: none\nT0 A: ",
	};
	static struct vmt_program p;
	static char text[256], whole[512], part[512];
	struct harness_opts o;
	struct sim_result res;
	const struct sim_event *ev;
	unsigned bad = 0;
	char err[128];
	size_t n;

	harness_opts_default(&o);
	o.backend = b;
	o.trace = true;
	for (size_t m = 0; m < sizeof(mms) / sizeof(mms[0]); m++)
	for (unsigned page = 0; page < VMT_PAGES; page++)
	for (unsigned chunk = 0; chunk <= 3; chunk++) {
		snprintf(text, sizeof(text), "%sread-locked 0x%x walk%s%.0u\n", mms[m],
			 (page + 1) * 0x1000, chunk ? " chunk " : "", chunk);
		if (vmt_parse(text, &p, NULL, err, sizeof(err))) {
			fprintf(stderr, "[walk chunks] %s: %s\n", text, err);
			return bad + 1;
		}
		harness_run(&p, &o, &res);
		n = sim_trace(&ev);
		ops_walk_shown(ev, n, part, sizeof(part));
		if (res.verdict != VERDICT_CLEAN) {
			fprintf(stderr, "[walk chunks] %s: %s\n", text, res.msg);
			bad++;
		}
		if (!chunk)
			memcpy(whole, part, sizeof(whole));
		else if (strcmp(whole, part)) {
			fprintf(stderr, "[walk chunks] %s: shows %s, the whole walk %s\n",
				text, part, whole);
			bad++;
		}
	}
	return bad;
}

/* Run text on backend b with a test-only wrong path (wrong) on or off;
 * 1 unless the verdict is want. */
static unsigned ops_expect(enum backend_kind b, const char *text, bool *wrong,
			   enum verdict want)
{
	static struct vmt_program p;
	struct harness_opts o;
	struct sim_result res;
	char err[128];

	if (vmt_parse(text, &p, NULL, err, sizeof(err))) {
		fprintf(stderr, "[wrong path] %s\n", err);
		return 1;
	}
	harness_opts_default(&o);
	o.backend = b;
	*wrong = want != VERDICT_CLEAN;
	harness_run(&p, &o, &res);
	*wrong = false;
	if (res.verdict != want) {
		fprintf(stderr, "[wrong path] %s: %s, want %s: %s\n", text,
			verdict_name(res.verdict), verdict_name(want), res.msg);
		return 1;
	}
	if (want != VERDICT_CLEAN)
		printf("  wrong path: %s\n", res.msg);
	return 0;
}

/*
 * The walk's oracles against the test-only wrong paths (ops.h): a walk
 * resumed from the start of the VMA it showed last shows it again, and a
 * query that looks up from a page above its address misses the VMA that
 * covers it.  Both programs run clean on the right path.
 */
static unsigned ops_walk_wrong_paths(enum backend_kind b)
{
	static const char resume[] =
		"mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: read-locked 0x1000 walk chunk 1\n";
	static const char query[] =
		"mm A: 0x1000-0x3000 0x5000-0x7000\nT0 A: read-locked 0x2000 query\n";
	unsigned bad = 0;

	bad += ops_expect(b, resume, &ops_walk_resume_at_start, VERDICT_CLEAN);
	bad += ops_expect(b, resume, &ops_walk_resume_at_start, VERDICT_LOOKUP_IDENTITY);
	bad += ops_expect(b, query, &ops_query_skips_page, VERDICT_CLEAN);
	bad += ops_expect(b, query, &ops_query_skips_page, VERDICT_LOOKUP_IDENTITY);
	return bad;
}

/* Every case on backend b; the number of cases that failed. */
static unsigned ops_semantics(enum backend_kind b)
{
	unsigned failed = 0;

	for (size_t i = 0; i < sizeof(ops_cases) / sizeof(ops_cases[0]); i++)
		failed += ops_case_run(&ops_cases[i], b) != 0;
	failed += ops_split_order(b) != 0;
	failed += ops_fork_checks(b) != 0;
	failed += ops_walk_chunks(b) != 0;
	failed += ops_walk_wrong_paths(b) != 0;
	return failed;
}

#endif /* VMLOCK_TESTS_OPS_SEMANTICS_H */
