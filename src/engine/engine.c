/* SPDX-License-Identifier: MIT */
/*
 * engine.c - the in-process coverage-guided loop (engine.h says what it
 * is): a corpus of inputs, the features their runs covered, and the
 * mutator that makes the next input from them.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "../mutator/explicit.h"
#include "../mutator/mutator.h"
#include "../sim/sim.h"
#include "../util/assert.h"

/* The policy of fuzz/mutator_libfuzzer.c (measured there): one call in
 * EXPLICIT_ONE_IN is a run-aware schedule mutation; of the rest, one in
 * CROSS_ONE_IN a crossover. */
#define EXPLICIT_ONE_IN	2
#define CROSS_ONE_IN	3
/* One run-aware mutation in DEEPEN_ONE_IN starts a deepening chain of
 * VMT_DEEPEN_STEPS inputs (vmt_mutate_explicit_deepen()): each a visit
 * at a window at or after the previous visit, in the run the previous
 * input made; only once VMT_DEEPEN_STALE inputs in a row covered nothing
 * new (bench/results/deep-variants.md). */
#define DEEPEN_ONE_IN	2
/* The first FRESH_FIRST inputs are random programs
 * (bench/results/fresh-programs.md): the corpus starts from several
 * shapes of program instead of the mutations of one. */
#define FRESH_FIRST	4

struct corpus_input {
	uint8_t data[VMT_MAX_INPUT];
	size_t size;
	/* The program with its schedule made explicit and the run's
	 * windows (the run-aware mutation's starting point), made the first
	 * time it is needed: NULL and !explicit_tried until then, NULL after
	 * if it cannot be. */
	struct vmt_explicit *explicit;
	bool explicit_tried;
};

/* A deepening chain: the explicit form of the run its last input made,
 * where its next visit may go, and how many inputs it has left. */
struct chain {
	struct vmt_explicit x;
	unsigned from;
	unsigned left;
	bool recording;		/* the input being run is the chain's */
};

struct engine {
	struct engine_cfg cfg;
	struct mut_rng rng;
	struct engine_stats stats;
	struct corpus_input *corpus;
	unsigned cap;
	unsigned kinds;			/* feedback kinds (VMLOCK_FEEDBACK) */
	/* The run's event counts, and which counters it touched (so that
	 * collecting and clearing them costs what the run covered). */
	uint8_t counts[ENGINE_COUNTERS];
	uint16_t touched[ENGINE_COUNTERS];
	unsigned ntouched;
	/* Per counter, a bit per bucket some earlier run reached. */
	uint8_t seen[ENGINE_COUNTERS];
	struct chain chain;
	unsigned long last_fresh;	/* the last input that covered something new */
};

/* The runtime's feedback hook has no argument: the engine running now. */
static struct engine *running;

static void count_event(uint32_t key)
{
	struct engine *e = running;
	unsigned i = key % ENGINE_COUNTERS;

	if (e->counts[i] == 0)
		e->touched[e->ntouched++] = (uint16_t)i;
	if (e->counts[i] < 255)
		e->counts[i]++;
}

/* The runtime's events to engine e for one run, and back off after it
 * (NULL): a report traced later runs without them. */
static void feedback_to(struct engine *e)
{
	running = e;
	sim_hooks.feedback = e ? count_event : NULL;
	sim_hooks.feedback_kinds = e ? e->kinds : 0;
}

/* libFuzzer's buckets of a hit count: 1, 2, 3, 4-7, 8-15, 16-31,
 * 32-127, 128+. */
static unsigned bucket(unsigned c)
{
	VM_ASSERT(c > 0);
	return c >= 128 ? 7 : c >= 32 ? 6 : c >= 16 ? 5 : c >= 8 ? 4 :
	       c >= 4 ? 3 : c - 1;
}

/* Counter i's count as a feature; true if no run had it before. */
static bool feature(struct engine *e, unsigned i, unsigned count)
{
	uint8_t bit = (uint8_t)(1u << bucket(count));

	if (e->seen[i] & bit)
		return false;
	e->seen[i] |= bit;
	e->stats.features++;
	return true;
}

/* The run's features; true if one was new.  Clears the counts. */
static bool collect(struct engine *e)
{
	bool fresh = false;

	for (unsigned k = 0; k < e->ntouched; k++) {
		unsigned i = e->touched[k];

		fresh |= feature(e, i, e->counts[i]);
		e->counts[i] = 0;
	}
	e->ntouched = 0;
	return fresh;
}

static void keep(struct engine *e, const uint8_t *data, size_t size)
{
	if (e->stats.corpus == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->corpus = realloc(e->corpus, e->cap * sizeof(*e->corpus));
		VM_ASSERT(e->corpus != NULL);
	}
	struct corpus_input *c = &e->corpus[e->stats.corpus++];

	memset(c, 0, sizeof(*c));
	memcpy(c->data, data, size);
	c->size = size;
	if (e->cfg.on_new)
		e->cfg.on_new(e->cfg.arg, data, size);
}

/* The chain's input p, not its last, has run with recording on (one
 * run: its explore bit is clear): the next visit starts from that run. */
static void chain_follow(struct chain *ch, struct vmt_program *p)
{
	ch->recording = false;
	if (vmt_explicit_from_recorded(p, &ch->x.w))
		ch->x.p = *p;
	else
		ch->left = 0;
}

/* The chain's next input (0: it has ended). */
static size_t chain_next(struct engine *e, uint8_t *out)
{
	struct chain *ch = &e->chain;
	size_t n = 0;

	if (ch->left > 0)
		n = vmt_mutate_explicit_deepen(&ch->x, ch->from, out,
					       e->cfg.max_len,
					       mut_rng_next(&e->rng), &ch->from);
	ch->left = n ? ch->left - 1 : 0;
	/* Only an input a next step starts from is run recorded. */
	ch->recording = ch->left > 0;
	return n;
}

/* Run one input; keep it if it covered something new.  True if it failed. */
static bool run_one(struct engine *e, const uint8_t *data, size_t size,
		    struct engine_find *f)
{
	struct vmt_program p;
	struct harness_opts o = e->cfg.opts;
	unsigned which;

	VM_ASSERT(size <= VMT_MAX_INPUT);
	e->stats.runs++;
	vmt_decode(data, size, &p);
	o.record = e->chain.recording;
	feedback_to(e);
	harness_run_input(&p, &o, &f->res, &which);
	feedback_to(NULL);
	bool fresh = collect(e);

	if (e->chain.recording)
		chain_follow(&e->chain, &p);

	if (f->res.verdict != VERDICT_CLEAN) {
		memcpy(f->data, data, size);
		f->size = size;
		f->run = e->stats.runs;
		return true;
	}
	if (fresh) {
		keep(e, data, size);
		e->last_fresh = e->stats.runs;
	}
	return false;
}

/* A corpus input, the later ones likelier: the later of two uniform
 * picks, so input i (from 0) of n comes with probability (2i + 1) / n^2,
 * close to libFuzzer's weight i + 1 without entropic scheduling. */
static struct corpus_input *pick(struct engine *e)
{
	unsigned n = e->stats.corpus;
	unsigned a = mut_rng_below(&e->rng, n), b = mut_rng_below(&e->rng, n);

	return &e->corpus[a > b ? a : b];
}

/* The run-aware schedule mutation of c (0: none applies). */
static size_t mutate_explicit(struct engine *e, struct corpus_input *c,
			      uint8_t *out)
{
	if (!c->explicit_tried) {
		struct vmt_explicit x;

		c->explicit_tried = true;
		if (!vmt_explicit_make(c->data, c->size, e->cfg.opts.variant, &x))
			return 0;
		c->explicit = malloc(sizeof(x));
		VM_ASSERT(c->explicit != NULL);
		*c->explicit = x;
	}
	if (!c->explicit)
		return 0;
	if (e->stats.runs - e->last_fresh >= VMT_DEEPEN_STALE &&
	    mut_rng_below(&e->rng, DEEPEN_ONE_IN) == 0) {
		e->chain = (struct chain){ .x = *c->explicit,
					   .left = VMT_DEEPEN_STEPS };
		return chain_next(e, out);
	}
	return vmt_mutate_explicit_program(c->explicit, out, e->cfg.max_len,
					   mut_rng_next(&e->rng));
}

/* A random program (the mutator's program-fresh): the first inputs, and
 * any while there is nothing to mutate. */
static size_t fresh_input(struct engine *e, uint8_t *out)
{
	struct vmt_program p;

	vmt_decode(out, 0, &p);
	bool made = vmt_mutate_one(&p, VMT_MUT_PROGRAM_FRESH, &e->rng,
				   e->cfg.max_len);
	size_t n = vmt_encode(&p, out, e->cfg.max_len);

	VM_ASSERT(made && n > 0);
	return n;
}

/* The next input, from a corpus input. */
static size_t next_input(struct engine *e, uint8_t *out)
{
	size_t n = 0, cap = e->cfg.max_len;
	unsigned ncorp = e->stats.corpus;

	if (!ncorp || e->stats.runs < FRESH_FIRST)
		return fresh_input(e, out);
	if ((n = chain_next(e, out)) > 0)
		return n;
	struct corpus_input *c = pick(e);

	if (mut_rng_below(&e->rng, EXPLICIT_ONE_IN) == 0)
		n = mutate_explicit(e, c, out);
	if (n == 0 && ncorp > 1 && mut_rng_below(&e->rng, CROSS_ONE_IN) == 0) {
		const struct corpus_input *b =
			&e->corpus[mut_rng_below(&e->rng, ncorp)];

		n = vmt_crossover_bytes(c->data, c->size, b->data, b->size,
					out, cap, mut_rng_next(&e->rng));
	}
	if (n == 0)
		n = vmt_mutate_bytes(c->data, c->size, out, cap,
				     mut_rng_next(&e->rng), NULL);
	VM_ASSERT(n > 0 && n <= cap);
	return n;
}

struct engine *engine_new(const struct engine_cfg *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));

	VM_ASSERT(e != NULL);
	VM_ASSERT(cfg->max_len >= VMT_MUT_MIN_CAP &&
		  cfg->max_len <= VMT_MAX_INPUT);
	e->cfg = *cfg;
	e->cfg.opts.no_hash = true;	/* the verdict and feedback are all it reads */
	e->kinds = harness_feedback_from_env(ENGINE_FEEDBACK_DEFAULT);
	/* splitmix64 steps its state by a constant: seeds n and n + 1 must
	 * not be one stream a step apart, so the seed is spread first. */
	e->rng.state = cfg->seed * 0xd1b54a32d192ed03ULL;
	return e;
}

void engine_free(struct engine *e)
{
	for (unsigned i = 0; i < e->stats.corpus; i++)
		free(e->corpus[i].explicit);
	free(e->corpus);
	free(e);
}

bool engine_seed(struct engine *e, const uint8_t *data, size_t size,
		 struct engine_find *f)
{
	return run_one(e, data, size < VMT_MAX_INPUT ? size : VMT_MAX_INPUT, f);
}

bool engine_fuzz(struct engine *e, unsigned long n, struct engine_find *f)
{
	uint8_t buf[VMT_MAX_INPUT];

	for (unsigned long i = 0; i < n; i++)
		if (run_one(e, buf, next_input(e, buf), f))
			return true;
	return false;
}

void engine_stats(const struct engine *e, struct engine_stats *s)
{
	*s = e->stats;
}
