/* SPDX-License-Identifier: MIT */
/*
 * report.c - a violation as a person reads it: the verdict first (crash
 * deduplication keys on the first line), how to replay it, the
 * interleaving with one column per simulated CPU (as in the review mails),
 * and the state at the point of failure.
 */
#include "harness.h"

#include <string.h>

#include "../check/check.h"
#include "../util/assert.h"

#define GUTTER 7

/* Columns share about 180 characters; never narrower than 44. */
static int col_width = 44;

static void set_col_width(const struct vmt_program *p)
{
	int w = 180 / (p->nthreads ? p->nthreads : 1);

	col_width = w < 44 ? 44 : w > 64 ? 64 : w;
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

static void fmt_refcnt_access(const struct sim_access *a,
			      const struct sim_loc_info *li, char *buf, size_t n)
{
	char o[16], v[16];

	fmt_refcnt(o, sizeof(o), a->old);
	fmt_refcnt(v, sizeof(v), a->val);
	if (a->kind == SIM_A_CAS_FAIL)
		snprintf(buf, n, "#%u refcnt %s: %s fails", li->obj_idx, v,
			 a->site->func);
	else if (a->kind == SIM_A_LOAD)
		snprintf(buf, n, "#%u refcnt = %s (%s)", li->obj_idx, v,
			 a->site->func);
	else
		snprintf(buf, n, "#%u refcnt %s -> %s (%s)", li->obj_idx, o, v,
			 a->site->func);
}

/* A load that read an older store (weak memory): always shown. */
static void fmt_stale_read(const struct sim_access *a,
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
		 a->site->func);
}

/* One line of text for an access, or "" if the trace leaves it out. */
static void fmt_access(const struct sim_access *a, bool all, char *buf,
		       size_t n)
{
	buf[0] = 0;
	if (a->kind == SIM_A_FENCE) {
		if (all)
			snprintf(buf, n, "%s (%s)", a->site->what, a->site->func);
		return;
	}
	const struct sim_loc_info *li = a->info;
	bool write = a->kind == SIM_A_STORE || a->kind == SIM_A_RMW ||
		     a->kind == SIM_A_PLAIN_WRITE;

	buf[0] = 0;
	if (a->rf_stale) {
		fmt_stale_read(a, li, buf, n);
	} else if (li->obj_kind == OBJ_VMA_REFCNT &&
	    (write || a->kind == SIM_A_CAS_FAIL || all)) {
		fmt_refcnt_access(a, li, buf, n);
	} else if (li->obj_kind == OBJ_VMA_LOCK_SEQ && write) {
		snprintf(buf, n, "#%u vm_lock_seq = %d (%s)", li->obj_idx,
			 (int)a->val, a->site->func);
	} else if (li->obj_kind == OBJ_MM_SEQ && write) {
		snprintf(buf, n, "mm %c mm_lock_seq %lld -> %lld",
			 'A' + li->obj_idx, (long long)a->old, (long long)a->val);
	} else if (a->kind == SIM_A_LOCK && li->obj_kind != OBJ_SLAB) {
		snprintf(buf, n, "%s mm %c", a->site->what, 'A' + li->obj_idx);
	} else if (all && obj_is_mm(li->obj_kind)) {
		snprintf(buf, n, "%s: %s mm %c.%s = %lld", a->site->func,
			 a->site->what, 'A' + li->obj_idx, li->field, (long long)a->val);
	} else if (all) {
		snprintf(buf, n, "%s: %s #%u.%s = %lld", a->site->func,
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

/* Print text in column tid, wrapped at the column width. */
static void print_in_column(FILE *out, uint32_t step, int tid, const char *text)
{
	size_t len = strlen(text);
	bool first = true;

	do {
		size_t take = len > (size_t)col_width - 1 ? (size_t)col_width - 1 : len;

		if (first)
			fprintf(out, "%*u ", GUTTER - 1, step);
		else
			fprintf(out, "%*s", GUTTER, "");
		fprintf(out, "%*s%.*s\n", tid * col_width, "", (int)take, text);
		text += take;
		len -= take;
		first = false;
	} while (len);
}

static void print_header(FILE *out, const struct vmt_program *p)
{
	fprintf(out, "%*s", GUTTER, "step");
	for (int t = 0; t < p->nthreads; t++) {
		char h[65];

		snprintf(h, sizeof(h), " CPU%d (T%d, mm %c)", t, t,
			 'A' + p->threads[t].mm);
		fprintf(out, "%-*s", col_width, h);
	}
	fprintf(out, "\n");
}

static void print_trace(FILE *out, const struct vmt_program *p, bool all)
{
	const struct sim_event *ev;
	size_t n = sim_trace(&ev);
	char buf[256];

	set_col_width(p);
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

void harness_print_state(FILE *out)
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

void harness_report(FILE *out, const struct vmt_program *p,
		    const struct harness_opts *o, const struct sim_result *res,
		    const char *input_name)
{
	const struct variant_info *vi = variant_info(o->variant);
	char be[96];

	harness_backend_name(o, be, sizeof(be));
	fprintf(out, "vmlock: %s: %s\n", verdict_name(res->verdict), res->msg);
	fprintf(out, "  invariant: %s\n", verdict_meaning(res->verdict));
	fprintf(out, "  backend %s, variant %s (%s), input %s\n", be, vi->name,
		vi->seed, input_name ? input_name : "(memory)");
	fprintf(out, "  replay: VMLOCK_BACKEND=%s VMLOCK_VARIANT=%s vmlock trace %s\n",
		o->backend == BACKEND_KERNEL ? "kernel" : "model", vi->name,
		input_name ? input_name : "INPUT");
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
