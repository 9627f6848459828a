/* SPDX-License-Identifier: MIT */
/*
 * report.c - a violation as a person reads it: the verdict first (crash
 * deduplication keys on the first line), how to replay it, the
 * interleaving with one column per simulated CPU (as in the review mails),
 * and the state at the point of failure.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "../check/check.h"
#include "../util/assert.h"

#define GUTTER 7
#define MAIL_WIDTH 80	/* a report pasted into a mail: no wider */

/*
 * The layout of the interleaving (VMLOCK_LAYOUT): columns, one per
 * simulated CPU, as in the review mails, or compact, one line per event
 * with its CPU named at the start.  By default columns for one or two
 * CPUs, whose lines stay within MAIL_WIDTH, compact for three or four.
 */
enum layout { LAYOUT_COLUMNS, LAYOUT_COMPACT };

static enum layout layout;
static int col_width = 36;

static enum layout layout_for(const struct vmt_program *p)
{
	const char *v = getenv("VMLOCK_LAYOUT");

	if (v && strcmp(v, "columns") == 0)
		return LAYOUT_COLUMNS;
	if (v && strcmp(v, "compact") == 0)
		return LAYOUT_COMPACT;
	return p->nthreads <= 2 ? LAYOUT_COLUMNS : LAYOUT_COMPACT;
}

/* Two columns fill a mail's width; more get the same width each. */
static void set_layout(const struct vmt_program *p)
{
	layout = layout_for(p);
	col_width = (MAIL_WIDTH - 1 - GUTTER) / 2;
}

/* vm_refcnt in the spec's words: 0, 1, n, F, F+n. */
static void fmt_refcnt(char *buf, size_t n, int64_t v)
{
	const int64_t F = VM_REFCNT_EXCLUDE_READERS_FLAG;

	if (v >= F && v <= 2 * F - 1)
		snprintf(buf, n, v == F ? "F" : "F+%lld", (long long)(v - F));
	else
		snprintf(buf, n, "%lld", (long long)v);
}

/*
 * Where an access was made: its function, and in the kernel backend the
 * kernel source's file:line before it ("mm/mmap_lock.c:123 vma_start_read"):
 * a marked access's site names them, a plain access's pc does
 * (sim_pc_describe()).  The model's sites name the function only.
 */
static const char *fmt_where(const struct sim_access *a, char *buf, size_t n)
{
	struct sim_pc_info pi = { a->site->func, a->site->file, a->site->line };

	if (a->pc && sim_pc_describe && sim_pc_describe(a->pc, &pi) &&
	    sim_site_func_name)
		pi.func = sim_site_func_name(pi.func);
	if (!pi.file)
		return pi.func;
	snprintf(buf, n, "%s:%u %s", pi.file, pi.line, pi.func);
	return buf;
}

static void fmt_refcnt_access(const struct sim_access *a, const char *where,
			      const struct sim_loc_info *li, char *buf, size_t n)
{
	char o[16], v[16];

	fmt_refcnt(o, sizeof(o), a->old);
	fmt_refcnt(v, sizeof(v), a->val);
	if (a->kind == SIM_A_CAS_FAIL)
		snprintf(buf, n, "#%u refcnt %s: %s fails", li->obj_idx, v,
			 where);
	else if (a->kind == SIM_A_LOAD)
		snprintf(buf, n, "#%u refcnt = %s (%s)", li->obj_idx, v, where);
	else
		snprintf(buf, n, "#%u refcnt %s -> %s (%s)", li->obj_idx, o, v,
			 where);
}

/* A load that read an older store (weak memory): always shown. */
static void fmt_stale_read(const struct sim_access *a, const char *where,
			   const struct sim_loc_info *li, char *buf, size_t n)
{
	char obj[32], from[24];

	if (obj_is_mm(li->obj_kind))
		snprintf(obj, sizeof(obj), "mm %c", 'A' + li->obj_idx);
	else
		snprintf(obj, sizeof(obj), "#%u", li->obj_idx);
	if (a->rf_tid >= 0)
		snprintf(from, sizeof(from), "T%d", a->rf_tid);
	else
		snprintf(from, sizeof(from), "init");
	snprintf(buf, n, "%s.%s = %lld stale: %s #%u, %u newer (%s)", obj,
		 li->field, (long long)a->val, from, a->rf_idx, a->rf_stale,
		 where);
}

/* One line of text for an access, or "" if the trace leaves it out. */
static void fmt_access(const struct sim_access *a, bool all, char *buf,
		       size_t n)
{
	char wbuf[160];
	const char *where = fmt_where(a, wbuf, sizeof(wbuf));

	buf[0] = 0;
	if (a->kind == SIM_A_FENCE) {
		if (all)
			snprintf(buf, n, "%s (%s)", a->site->what, where);
		return;
	}
	const struct sim_loc_info *li = a->info;
	bool write = a->kind == SIM_A_STORE || a->kind == SIM_A_RMW ||
		     a->kind == SIM_A_PLAIN_WRITE;

	buf[0] = 0;
	if (a->rf_stale) {
		fmt_stale_read(a, where, li, buf, n);
	} else if (li->obj_kind == OBJ_VMA_REFCNT &&
	    (write || a->kind == SIM_A_CAS_FAIL || all)) {
		fmt_refcnt_access(a, where, li, buf, n);
	} else if (li->obj_kind == OBJ_VMA_LOCK_SEQ && write) {
		snprintf(buf, n, "#%u vm_lock_seq = %d (%s)", li->obj_idx,
			 (int)a->val, where);
	} else if (li->obj_kind == OBJ_MM_SEQ && write) {
		snprintf(buf, n, "mm %c mm_lock_seq %lld -> %lld",
			 'A' + li->obj_idx, (long long)a->old, (long long)a->val);
	} else if (a->kind == SIM_A_LOCK && li->obj_kind != OBJ_SLAB) {
		snprintf(buf, n, "%s mm %c", a->site->what, 'A' + li->obj_idx);
	} else if (all && obj_is_mm(li->obj_kind)) {
		snprintf(buf, n, "%s: %s mm %c.%s = %lld", where,
			 a->site->what, 'A' + li->obj_idx, li->field, (long long)a->val);
	} else if (all) {
		snprintf(buf, n, "%s: %s #%u.%s = %lld", where,
			 a->site->what, li->obj_idx, li->field, (long long)a->val);
	}
}

static void fmt_event(const struct sim_event *e, bool all, char *buf, size_t n)
{
	switch (e->kind) {
	case SIM_EV_ACCESS:
		fmt_access(&e->a, all, buf, n);
		break;
	case SIM_EV_NOTE:
		snprintf(buf, n, "%s", e->note);
		break;
	case SIM_EV_BLOCK:
		snprintf(buf, n, "(sleeps)");
		break;
	case SIM_EV_WAKE:
		snprintf(buf, n, "(woken)");
		break;
	case SIM_EV_END:
		snprintf(buf, n, "(ends)");
		break;
	default:
		buf[0] = 0;
	}
}

/* Print text in column tid, wrapped at the column width; compact: after
 * the CPU's name, wrapped at the mail's width. */
static void print_in_column(FILE *out, uint32_t step, int tid, const char *text)
{
	bool compact = layout == LAYOUT_COMPACT;
	int indent = compact ? 6 : tid * col_width;
	size_t width = compact ? MAIL_WIDTH - 1 - GUTTER - 6 : (size_t)col_width - 1;
	size_t len = strlen(text);
	bool first = true;

	do {
		size_t take = len > width ? width : len;

		if (first)
			fprintf(out, "%*u ", GUTTER - 1, step);
		else
			fprintf(out, "%*s", GUTTER, "");
		if (compact && first)
			fprintf(out, "CPU%d  %.*s\n", tid, (int)take, text);
		else
			fprintf(out, "%*s%.*s\n", indent, "", (int)take, text);
		text += take;
		len -= take;
		first = false;
	} while (len);
}

/* The CPUs' names: column headings, or a legend (compact).  No trailing
 * blanks: the last heading is not padded. */
static void print_header(FILE *out, const struct vmt_program *p)
{
	fprintf(out, "%*s", GUTTER, "step");
	for (int t = 0; t < p->nthreads; t++) {
		char h[65];

		snprintf(h, sizeof(h), " CPU%d (T%d, mm %c)", t, t,
			 'A' + p->threads[t].mm);
		if (layout == LAYOUT_COMPACT)
			fprintf(out, "%s%s", h, t + 1 < p->nthreads ? "," : "");
		else if (t + 1 < p->nthreads)
			fprintf(out, "%-*s", col_width, h);
		else
			fprintf(out, "%s", h);
	}
	fprintf(out, "\n");
}

static void print_trace(FILE *out, const struct vmt_program *p, bool all)
{
	const struct sim_event *ev;
	size_t n = sim_trace(&ev);
	char buf[256];

	set_layout(p);
	print_header(out, p);
	for (size_t i = 0; i < n; i++) {
		fmt_event(&ev[i], all, buf, sizeof(buf));
		if (buf[0])
			print_in_column(out, ev[i].step, ev[i].tid, buf);
	}
}

void harness_print_trace(FILE *out, const struct vmt_program *p, bool all)
{
	print_trace(out, p, all);
}

static void print_state(FILE *out)
{
	const struct backend *be = vmlock_backend;

	for (int i = 0; i < VMA_POOL_SIZE; i++) {
		char refcnt[16], ghost_text[128];

		if (!be->vma_born(i))
			continue;
		int mm = be->vma_mm(i);

		fmt_refcnt(refcnt, sizeof(refcnt), be->vma_refcnt(i));
		check_describe_vma_at(i, ghost_text, sizeof(ghost_text));
		fprintf(out, "  #%d gen %u refcnt %s (%s) vm_mm=%c [%#lx, %#lx) vm_lock_seq=%d\n",
			i, check_vma_gen(i), refcnt, ghost_text,
			mm >= 0 ? 'A' + mm : '-', (unsigned long)be->vma_start(i),
			(unsigned long)be->vma_end(i), be->vma_lock_seq(i));
	}
	for (int m = 0; m < MM_POOL_SIZE; m++) {
		const struct sim_rwsem *lock = be->mm_lock(m);

		if (be->mm_freed(m)) {
			fprintf(out, "  mm %c: freed\n", 'A' + m);
			continue;
		}
		fprintf(out, "  mm %c: mm_lock_seq %d, mmap_lock %s, users %d, pins %d\n",
			'A' + m, be->mm_lock_seq(m),
			lock->count < 0 ? "write-held" :
			lock->count > 0 ? "read-held" : "free",
			be->mm_users(m), be->mm_count(m));
	}
}

/*
 * One line within MAIL_WIDTH, broken at blanks; each continuation line
 * indented by its own leading blanks and four more.  mark ends every
 * broken line (" \\" keeps a shell command one command).  A word longer
 * than the line stays whole.
 */
static void put_wrapped(FILE *out, const char *line, const char *mark)
{
	size_t lead = strspn(line, " "), cont = lead + 4, indent = 0;
	size_t avail = MAIL_WIDTH - 1 - strlen(mark);

	while (indent + strlen(line) > MAIL_WIDTH - 1) {
		size_t cut = 0;

		for (size_t i = indent ? 0 : lead; line[i] && i + indent <= avail; i++)
			if (line[i] == ' ')
				cut = i;
		if (!cut)
			cut = strcspn(line + lead + 1, " ") + lead + 1;
		if (!line[cut])
			break;
		fprintf(out, "%*s%.*s%s\n", (int)indent, "", (int)cut, line, mark);
		line += cut + 1;
		indent = cont;
	}
	fprintf(out, "%*s%s\n", (int)indent, "", line);
}

/* Every line of text, wrapped. */
static void put_text_wrapped(FILE *out, char *text, const char *mark)
{
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		*nl = 0;
		put_wrapped(out, line, mark);
	}
}

/* What fn prints into out, wrapped within MAIL_WIDTH. */
static void print_wrapped(FILE *out, void (*fn)(FILE *, const void *),
			  const void *arg, const char *mark)
{
	char *text = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&text, &n);

	VM_ASSERT(m);
	fn(m, arg);
	VM_ASSERT(fclose(m) == 0);
	put_text_wrapped(out, text, mark);
	free(text);
}

static void print_state_cb(FILE *out, const void *arg)
{
	(void)arg;
	print_state(out);
}

void harness_print_state(FILE *out)
{
	print_wrapped(out, print_state_cb, NULL, "");
}

size_t harness_replay_env(const struct harness_opts *o, char *buf, size_t n)
{
	int k = snprintf(buf, n, "VMLOCK_VARIANT=%s VMLOCK_MEMORY=%s VMLOCK_BACKEND=%s",
			 variant_info(o->variant)->name, o->sc_only ? "sc" : "weak",
			 o->backend == BACKEND_KERNEL ? "kernel" : "model");

	VM_ASSERT(k > 0 && (size_t)k < n);
	return (size_t)k;
}

struct head {
	const struct vmt_program *p;
	const struct harness_opts *o;
	const struct sim_result *res;
	const char *input_name;
};

static void print_head(FILE *out, const void *arg)
{
	const struct head *h = arg;
	const struct variant_info *vi = variant_info(h->o->variant);
	char be[96];

	harness_backend_name(h->o, be, sizeof(be));
	fprintf(out, "vmlock: %s: %s\n", verdict_name(h->res->verdict), h->res->msg);
	fprintf(out, "  invariant: %s\n", verdict_meaning(h->res->verdict));
	fprintf(out, "  backend %s, variant %s (%s), input %s\n", be, vi->name,
		vi->seed, h->input_name ? h->input_name : "(memory)");
}

static void print_replay(FILE *out, const void *arg)
{
	const struct head *h = arg;
	char env[160];

	harness_replay_env(h->o, env, sizeof(env));
	fprintf(out, "  replay: %s vmlock trace %s\n", env,
		h->input_name ? h->input_name : "CRASH_FILE");
}

void harness_report(FILE *out, const struct vmt_program *p,
		    const struct harness_opts *o, const struct sim_result *res,
		    const char *input_name)
{
	struct head h = { p, o, res, input_name };

	print_wrapped(out, print_head, &h, "");
	print_wrapped(out, print_replay, &h, " \\");
	fprintf(out, "  %u steps, %u context switches, trace hash %016llx%s\n\n",
		res->steps, res->switches, (unsigned long long)res->hash,
		res->truncated ? " (cut by the step budget)" : "");
	print_trace(out, p, false);
	fprintf(out, "\nstate:\n");
	harness_print_state(out);
}

void harness_report_find(FILE *out, const struct vmt_program *input,
			 const struct harness_opts *o,
			 const struct sim_result *first, const char *input_name)
{
	struct vmt_program p = *input;
	struct harness_opts t = *o;
	struct sim_result res;

	t.no_hash = false;	/* the report prints the trace hash */
	harness_trace_input(&p, &t, &res);
	/* Determinism: the traced run is the run that failed. */
	VM_ASSERT(res.verdict == first->verdict);
	harness_report(out, &p, &t, &res, input_name);
}
