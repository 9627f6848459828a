/* SPDX-License-Identifier: MIT */
/*
 * run.c - set up the world of a program and run it.
 */
#include "harness.h"
#include "../sim/tsan.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "../check/check.h"
#include "../lock/kdebug.h"
#include "../sim/strategy.h"
#include "../util/assert.h"

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

enum harness_explore harness_explore_from_env(void)
{
	const char *m = getenv("VMLOCK_EXPLORE");

	if (!m || !*m || strcmp(m, "both") == 0)
		return HE_BOTH;
	if (strcmp(m, "prng") == 0)
		return HE_PRNG;
	if (strcmp(m, "pct") == 0)
		return HE_PCT;
	fprintf(stderr, "vmlock: unknown VMLOCK_EXPLORE '%s' (both, prng or pct)\n", m);
	exit(2);
}

enum backend_kind harness_backend_from_env(void)
{
	const char *b = getenv("VMLOCK_BACKEND");
	enum backend_kind k;

	if (!b || !*b || !strcmp(b, "model"))
		k = BACKEND_MODEL;
	else if (!strcmp(b, "kernel"))
		k = BACKEND_KERNEL;
	else {
		fprintf(stderr, "vmlock: unknown VMLOCK_BACKEND '%s' (model or kernel)\n", b);
		exit(2);
	}
	if (k == BACKEND_KERNEL && !backend_kernel_copies[0]) {
		fprintf(stderr, "vmlock: VMLOCK_BACKEND=kernel, but this build has no kernel backend (configure with VMLOCK_KERNEL_SRC, or the kernel presets)\n");
		exit(2);
	}
	return k;
}

const struct backend *harness_backend(const struct harness_opts *o)
{
	if (o->backend == BACKEND_MODEL)
		return &backend_model;
	const struct backend *be = backend_kernel(variant_info(o->variant)->name);

	if (!be) {
		fprintf(stderr, "vmlock: this build has no kernel copy for variant '%s'\n",
			variant_info(o->variant)->name);
		exit(2);
	}
	return be;
}

void harness_backend_name(const struct harness_opts *o, char *buf, size_t len)
{
	const struct backend *be = harness_backend(o);

	if (be == &backend_model)
		snprintf(buf, len, "model");
	else if (!*be->variant)
		snprintf(buf, len, "kernel %s", be->version);
	else
		snprintf(buf, len, "kernel %s (patched: %s.patch)", be->version,
			 be->variant);
}

void harness_opts_from_env(struct harness_opts *o)
{
	harness_opts_default(o);
	o->backend = harness_backend_from_env();
	o->variant = harness_variant_from_env();
	if (o->backend == BACKEND_KERNEL)
		(void)harness_backend(o);	/* exits if the copy is missing */
	o->sc_only = harness_sc_only_from_env();
	o->explore = harness_explore_from_env();
}

static const struct {
	const char *name;
	unsigned kind;
} feedback_names[] = {
	{ "switch", SIM_FB_SWITCH }, { "refcnt", SIM_FB_REFCNT },
	{ "read-from", SIM_FB_READ_FROM }, { "cas", SIM_FB_CAS },
	{ "wake", SIM_FB_WAKE }, { "walk", SIM_FB_WALK },
};

static unsigned feedback_kind(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(feedback_names) / sizeof(feedback_names[0]); i++)
		if (strlen(feedback_names[i].name) == len &&
		    !strncmp(feedback_names[i].name, name, len))
			return feedback_names[i].kind;
	fprintf(stderr, "vmlock: unknown VMLOCK_FEEDBACK kind '%.*s' (switch, refcnt, read-from, cas, wake, walk; 0, 1 or all)\n",
		(int)len, name);
	exit(2);
}

unsigned harness_feedback_from_env(unsigned dflt)
{
	const char *v = getenv("VMLOCK_FEEDBACK");
	unsigned kinds = 0;

	if (!v || !*v || !strcmp(v, "1"))
		return dflt;
	if (!strcmp(v, "all"))
		return SIM_FB_ALL;
	if (!strcmp(v, "0"))
		return 0;
	for (const char *p = v; *p; ) {
		size_t len = strcspn(p, ",");

		kinds |= feedback_kind(p, len);
		p += len + (p[len] == ',');
	}
	return kinds;
}

/* The threads; in a program with a fork, those of mm B are the child's
 * and wait for it (program.h): spawned held, the fork starts them. */
static void spawn_threads(const struct vmt_program *p, const struct backend *be)
{
	bool forks = vmt_program_forker(p) >= 0;

	for (int t = 0; t < p->nthreads; t++) {
		void *arg = (void *)(intptr_t)t;
		bool child = forks && p->threads[t].mm == 1;

		VM_ASSERT((child ? sim_spawn_held(be->thread_body, arg)
				 : sim_spawn(be->thread_body, arg)) == t);
		be->thread_init(t, p->threads[t].mm, &p->threads[t]);
		check_thread_mm(t, p->threads[t].mm);
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
		strat_pct_windows(&spct, o->pct_windows);
		cfg->strategy = &strategy_pct;
		cfg->strategy_ctx = &spct;
		return;
	case HS_DFS:
		strat_dfs_rewind(o->dfs);
		cfg->strategy = &strategy_dfs;
		cfg->strategy_ctx = o->dfs;
		return;
	case HS_BYTES:
		break;
	}
	if (o->long_sched) {
		strat_bytes_init(&sb, o->long_sched, o->nlong, p->choices,
				 p->nchoices);
		cfg->strategy = &strategy_bytes;
		cfg->strategy_ctx = &sb;
		return;
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
		.no_hash = o->no_hash,
	};

	VM_ASSERT(p->nthreads >= 1 && p->nthreads <= VMT_MAX_THREADS);
	sim_setup();
	pick_strategy(p, o, &cfg);
	if (o->record) {
		strat_record_init(&srec, cfg.strategy, cfg.strategy_ctx);
		cfg.strategy = &strategy_record;
		cfg.strategy_ctx = &srec;
	}
	const struct backend *be = harness_backend(o);

	/* The model's variants are run-time switches; the kernel's are
	 * copies of the lock's files, with the switches off, but for a
	 * caller's defect (variant.h), whose switch is in the operations. */
	vmlock_variant = be == &backend_model || variant_info(o->variant)->caller ?
			 o->variant : V_NONE;
	vmlock_backend = be;
	kdebug_reset();
	sim_begin(&cfg);
	be->setup_world(p);
	check_begin();
	spawn_threads(p, be);
	unsigned tsan_before = san_tsan_reports();

	sim_run(res);
	tsan_verdict(res, san_tsan_reports() - tsan_before);
}

uint64_t harness_input_hash(const uint8_t *d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ULL;
	return h;
}

/* What the derived schedules of an input are seeded with: a hash of
 * the program's encoding. */
static uint64_t derived_seed(const struct vmt_program *p)
{
	uint8_t buf[VMT_MAX_INPUT];

	return harness_input_hash(buf, vmt_encode(p, buf, sizeof(buf)));
}

/* The derived PCT run drops the thread at a window one time in this many
 * (strat_pct_windows()): of 1 in 2, 3, 4 and none, 2 found the most
 * variants fastest from their repros' programs, and none kept PCT from
 * every lifetime bug (bench/results/window-pct.md). */
#define DERIVED_PCT_WINDOWS 2

/* The options of run `which` of an input (harness_run_input), seeded from
 * h = derived_seed(). */
static struct harness_opts derived_opts(const struct harness_opts *o,
					uint64_t h, unsigned which)
{
	struct harness_opts d = *o;

	d.strategy = o->explore == HE_PCT ||
		     (o->explore == HE_BOTH && which == 2) ? HS_PCT : HS_PRNG;
	/* Each schedule's seed is its own, whatever else runs: VMLOCK_EXPLORE
	 * picks runs, and never changes one. */
	d.seed = h + (d.strategy == HS_PCT ? 2 : 1);
	d.pct_depth = 3;
	d.pct_windows = DERIVED_PCT_WINDOWS;
	return d;
}

void harness_run_input(const struct vmt_program *p, const struct harness_opts *o,
		       struct sim_result *res, unsigned *which)
{
	unsigned runs = !p->explore || o->strategy != HS_BYTES ? 1 :
			o->explore == HE_BOTH ? 3 : 2;

	*which = 0;
	harness_run(p, o, res);
	if (res->verdict != VERDICT_CLEAN || runs == 1)
		return;
	uint64_t h = derived_seed(p);	/* once for the derived runs */

	while (res->verdict == VERDICT_CLEAN && ++*which < runs) {
		struct harness_opts d = derived_opts(o, h, *which);

		harness_run(p, &d, res);
	}
	if (res->verdict == VERDICT_CLEAN)
		*which = 0;
}

struct harness_opts harness_derived_opts(const struct vmt_program *p,
					 const struct harness_opts *o,
					 unsigned which)
{
	return derived_opts(o, derived_seed(p), which);
}

bool harness_settle_as(struct vmt_program *p, const struct harness_opts *d,
		       const struct harness_opts *o, struct sim_result *res)
{
	struct harness_opts r = *d;
	struct vmt_program q = *p;

	r.record = true;
	harness_run(p, &r, res);
	if (!harness_recorded(&q))
		return false;
	q.explore = 0;
	*p = q;
	harness_run(p, o, res);
	return true;
}

bool harness_settle(struct vmt_program *p, const struct harness_opts *o,
		    struct sim_result *res)
{
	unsigned which;

	harness_run_input(p, o, res, &which);
	if (which == 0)
		return true;
	struct harness_opts d = derived_opts(o, derived_seed(p), which);

	return harness_settle_as(p, &d, o, res);
}

void harness_trace_input(struct vmt_program *p, const struct harness_opts *o,
			 struct sim_result *res)
{
	struct harness_opts t = *o;
	unsigned which;

	t.trace = false;
	if (!harness_settle(p, &t, res)) {
		harness_run_input(p, &t, res, &which);
		t = derived_opts(o, derived_seed(p), which);
	}
	t.trace = true;
	harness_run(p, &t, res);
}

unsigned harness_recorded_windows(uint16_t *out, unsigned max)
{
	unsigned n = srec.nwindows < max ? srec.nwindows : max;

	memcpy(out, srec.windows, n * sizeof(out[0]));
	return n;
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

unsigned harness_recorded_long(struct vmt_program *p,
			       struct sim_sched_run *out, unsigned max)
{
	if (srec.overflow || srec.nruns > max ||
	    srec.nchoices > VMT_MAX_CHOICES)
		return 0;
	memcpy(out, srec.runs, srec.nruns * sizeof(out[0]));
	p->nchoices = (uint8_t)srec.nchoices;
	memcpy(p->choices, srec.choices, srec.nchoices);
	return srec.nruns;
}
