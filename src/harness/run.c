/* SPDX-License-Identifier: MIT */
/*
 * run.c - set up the world of a program and run it.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "../check/check.h"
#include "../lock/mmap_lock.h"
#include "../sim/strategy.h"

static struct op_ctx ctx[VMT_MAX_THREADS];

void harness_opts_default(struct harness_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->variant = V_NONE;
	o->strategy = HS_BYTES;
	o->pct_depth = 2;
	o->step_budget = HARNESS_STEP_BUDGET;
}

enum variant harness_variant_from_env(void)
{
	const char *name = getenv("VMLOCK_VARIANT");
	enum variant v = variant_from_name(name);

	if (v == V__COUNT) {
		fprintf(stderr, "vmlock: unknown VMLOCK_VARIANT '%s' (see 'vmlock variants')\n",
			name);
		exit(2);
	}
	return v;
}

bool harness_sc_only_from_env(void)
{
	const char *m = getenv("VMLOCK_MEMORY");

	if (!m || !*m || strcmp(m, "weak") == 0)
		return false;
	if (strcmp(m, "sc") == 0)
		return true;
	fprintf(stderr, "vmlock: unknown VMLOCK_MEMORY '%s' (weak or sc)\n", m);
	exit(2);
}

/* An initial VMA, attached before any thread runs (main context: no
 * scheduling points, no oracles yet). */
static void setup_vma(struct mm_struct *mm, unsigned slot, unsigned payload)
{
	unsigned long start = vmt_page_addr(2 * slot);
	unsigned long end = start + 2 * VMT_PAGE_SIZE;
	struct vm_area_struct *vma = vm_area_alloc(mm, 0);

	VM_ASSERT(vma != NULL);
	vma->vm_start.v = start;
	vma->vm_end.v = end;
	vma->vm_flags.v = payload;
	vma->vm_pgoff.v = payload;
	/* Main context: a store every thread sees, no scheduling point. */
	sim_store(&vma->vm_refcnt, 1, SIM_RELAXED, SIM_SITE("setup_vma"));
	vma_iter_store(mm, vma, start, end);
}

static void setup_world(const struct vmt_program *p)
{
	lock_world_reset(p->small_limit);
	for (int m = 0; m < VMT_MAX_MMS; m++) {
		struct mm_struct *mm = mm_init_world(m);

		for (unsigned s = 0; s < VMT_SLOTS; s++)
			if (p->layout[m] & (1u << s))
				setup_vma(mm, s, 0x100u * (m + 1) + s);
	}
}

static void thread_body(void *arg)
{
	struct op_ctx *c = arg;

	for (unsigned i = 0; i < c->prog->nops; i++) {
		const struct vmt_op *op = &c->prog->ops[i];

		if (op->kind == VMT_OP_EXIT || sim_fatal_signal_pending())
			break;
		op_run(c, op);
	}
	sim_note("exit: mmput(mm %c)", 'A' + c->mm->idx);
	mmput(c->mm);
}

static void spawn_threads(const struct vmt_program *p)
{
	for (int t = 0; t < p->nthreads; t++) {
		struct op_ctx *c = &ctx[t];

		c->tid = t;
		c->mm = &world.mm[p->threads[t].mm];
		c->prog = &p->threads[t];
		c->writes = 0;
		mmget(c->mm);
		check_thread_mm(t, c->mm->idx);
		VM_ASSERT(sim_spawn(thread_body, c) == t);
	}
}

static struct strat_record srec;
static struct strat_bytes sb;
static struct strat_prng sp;
static struct strat_pct spct;
static struct sim_sched_run runs[VMT_MAX_SCHED];

static void pick_strategy(const struct vmt_program *p,
			  const struct harness_opts *o, struct sim_run_cfg *cfg)
{
	switch (o->strategy) {
	case HS_PRNG:
		strat_prng_init(&sp, o->seed);
		cfg->strategy = &strategy_prng;
		cfg->strategy_ctx = &sp;
		return;
	case HS_PCT:
		strat_pct_init(&spct, o->seed, o->pct_depth, p->nthreads, 400);
		cfg->strategy = &strategy_pct;
		cfg->strategy_ctx = &spct;
		return;
	case HS_BYTES:
		break;
	}
	for (unsigned i = 0; i < p->nsched; i++) {
		runs[i].thread = p->sched[i].thread;
		runs[i].steps = p->sched[i].steps;
	}
	strat_bytes_init(&sb, runs, p->nsched, p->choices, p->nchoices);
	cfg->strategy = &strategy_bytes;
	cfg->strategy_ctx = &sb;
}

/* TSan's reports of this run: the verdict if the oracles found nothing,
 * a note on the oracles' verdict otherwise. */
static void tsan_verdict(struct sim_result *res, unsigned reports)
{
	size_t len = strlen(res->msg);

	if (!reports)
		return;
	if (res->verdict != VERDICT_CLEAN) {
		snprintf(res->msg + len, sizeof(res->msg) - len,
			 " [ThreadSanitizer reported too]");
		return;
	}
	res->verdict = VERDICT_TSAN_REPORT;
	snprintf(res->msg, sizeof(res->msg),
		 "ThreadSanitizer reported %u race(s) in this run", reports);
}

void harness_run(const struct vmt_program *p, const struct harness_opts *o,
		 struct sim_result *res)
{
	struct sim_run_cfg cfg = {
		.step_budget = o->step_budget ? o->step_budget : HARNESS_STEP_BUDGET,
		.trace = o->trace,
		.sc_only = o->sc_only,
	};

	VM_ASSERT(p->nthreads >= 1 && p->nthreads <= VMT_MAX_THREADS);
	sim_setup();
	pick_strategy(p, o, &cfg);
	if (o->record) {
		strat_record_init(&srec, cfg.strategy, cfg.strategy_ctx);
		cfg.strategy = &strategy_record;
		cfg.strategy_ctx = &srec;
	}
	vmlock_variant = o->variant;
	kdebug_reset();
	sim_begin(&cfg);
	setup_world(p);
	check_begin();
	spawn_threads(p);
	unsigned tsan_before = harness_tsan_reports();

	sim_run(res);
	tsan_verdict(res, harness_tsan_reports() - tsan_before);
}

bool harness_recorded(struct vmt_program *p)
{
	if (srec.overflow || srec.nruns > VMT_MAX_SCHED ||
	    srec.nchoices > VMT_MAX_CHOICES)
		return false;
	p->nsched = (uint8_t)srec.nruns;
	for (unsigned i = 0; i < srec.nruns; i++) {
		p->sched[i].thread = srec.runs[i].thread;
		p->sched[i].steps = srec.runs[i].steps;
	}
	p->nchoices = (uint8_t)srec.nchoices;
	memcpy(p->choices, srec.choices, srec.nchoices);
	return true;
}
