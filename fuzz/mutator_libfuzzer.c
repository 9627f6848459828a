/* SPDX-License-Identifier: MIT */
/*
 * mutator_libfuzzer.c - libFuzzer's hooks for the structure-aware mutator
 * (src/mutator/).  Linked into the libFuzzer target when the build option
 * VMLOCK_CUSTOM_MUTATOR is on.
 *
 * A call is one of three, decided by the seed libFuzzer passes (so a run
 * with -seed replays):
 *  - one in EXPLICIT_ONE_IN: a run-aware schedule mutation (explicit.h),
 *    which aims preemptions at steps of the real run; one of those in
 *    DEEPEN_ONE_IN starts a deepening chain, which goes on while libFuzzer
 *    mutates the chain's last input again (it stacks up to -mutate_depth
 *    mutations, running each, until one is new), for VMT_DEEPEN_STEPS
 *    inputs at most; chains start only once the corpus has not grown for
 *    VMT_DEEPEN_STALE calls (as the calls see it: growth below);
 *  - one in BYTES_ONE_IN of the rest: libFuzzer's own byte mutations
 *    (LLVMFuzzerMutate), which still reach what the program level cannot
 *    express (its compare tables, values the decoder folds);
 *  - otherwise program-level mutations (vmt_mutate_bytes).
 * bench/find_variants.sh measured these ratios against their neighbours
 * (README, "Structure-aware mutation").
 */
#include <stddef.h>
#include <stdint.h>

#include "../src/harness/harness.h"
#include "../src/mutator/explicit.h"

#define EXPLICIT_ONE_IN		2
#define DEEPEN_ONE_IN		2
#define BYTES_ONE_IN		8
/* Crossover gets half of libFuzzer's picks; a third of those mutate. */
#define CROSS_MUTATE_ONE_IN	3

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* libFuzzer's own code is not instrumented: under MemorySanitizer what
 * LLVMFuzzerMutate() writes looks uninitialised until said otherwise (as
 * libFuzzer says it of the inputs it passes). */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define WRITTEN_BY_LIBFUZZER(p, n) __msan_unpoison(p, n)
#endif
#endif
#ifndef WRITTEN_BY_LIBFUZZER
#define WRITTEN_BY_LIBFUZZER(p, n) ((void)(p), (void)(n))
#endif

/* The variant the target runs, so recorded runs are the target's. */
static enum variant target_variant(void)
{
	static enum variant v;
	static int known;

	if (!known) {
		v = harness_variant_from_env();
		known = 1;
	}
	return v;
}

/* The deepening chain: its last input (by hash), where its next visit
 * may go, the inputs it has left. */
static struct {
	uint64_t last;
	unsigned from, left;
} chain;

/* The chain's next input from data (its last), in place; 0 if it ended. */
static size_t chain_step(uint8_t *data, size_t size, size_t max_size,
			 uint64_t seed)
{
	struct vmt_explicit e;
	size_t n = 0;

	if (chain.left > 0 &&
	    vmt_explicit_make(data, size, target_variant(), &e))
		n = vmt_mutate_explicit_deepen(&e, chain.from, data, max_size,
					       seed, &chain.from);
	chain.left = n ? chain.left - 1 : 0;
	if (n)
		chain.last = harness_input_hash(data, n);
	return n;
}

/*
 * How long the search has gone without growing: the calls since libFuzzer
 * last passed an input none of its calls passed before.  libFuzzer's
 * calls pass either a corpus input (a mutation's first) or the last
 * output (a stacked one, up to -mutate_depth): a corpus input never
 * passed before is one it kept since.  The hashes of the inputs passed
 * are kept in an open-addressed set; once it is half full, nothing more
 * counts as new (the corpus is then far beyond where chains wait).
 */
#define PASSED_SLOTS	(1u << 15)
static struct {
	uint64_t last_out;		/* the last call's output */
	uint64_t passed[PASSED_SLOTS];	/* 0: an empty slot */
	unsigned count;
	unsigned long stale;
} growth;

/* True if h was passed before; remembers it. */
static int passed_before(uint64_t h)
{
	unsigned i;

	h |= 1;				/* never 0, the empty slot */
	for (i = (unsigned)(h % PASSED_SLOTS); growth.passed[i] != 0; i = (i + 1) % PASSED_SLOTS)
		if (growth.passed[i] == h)
			return 1;
	if (growth.count >= PASSED_SLOTS / 2)
		return 1;
	growth.passed[i] = h;
	growth.count++;
	return 0;
}

/* A call passed data (hash h): is it a corpus input new to the calls? */
static void note_passed(uint64_t h)
{
	if (h != growth.last_out && !passed_before(h))
		growth.stale = 0;
	else
		growth.stale++;
}

/* A run-aware schedule mutation of data, in place (0: none applies). */
static size_t explicit_mutation(uint8_t *data, size_t size, size_t max_size,
				struct mut_rng *r)
{
	if (growth.stale >= VMT_DEEPEN_STALE &&
	    mut_rng_below(r, DEEPEN_ONE_IN) == 0) {
		chain.from = 0;
		chain.left = VMT_DEEPEN_STEPS;
		return chain_step(data, size, max_size, mut_rng_next(r));
	}
	return vmt_mutate_explicit_bytes(data, size, data, max_size,
					 mut_rng_next(r), target_variant());
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct mut_rng r = { .state = seed };
	uint64_t h = harness_input_hash(data, size);
	size_t n = 0;

	note_passed(h);
	if (chain.left > 0 && h == chain.last)
		n = chain_step(data, size, max_size, mut_rng_next(&r));
	else
		chain.left = 0;
	if (!n && mut_rng_below(&r, EXPLICIT_ONE_IN) == 0)
		n = explicit_mutation(data, size, max_size, &r);
	if (!n && mut_rng_below(&r, BYTES_ONE_IN) != 0)
		n = vmt_mutate_bytes(data, size, data, max_size,
				     mut_rng_next(&r), NULL);
	/* n == 0: bytes were drawn, or the limit is below a header. */
	if (!n) {
		n = LLVMFuzzerMutate(data, size, max_size);
		WRITTEN_BY_LIBFUZZER(data, n);
	}
	growth.last_out = harness_input_hash(data, n);
	return n;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed)
{
	struct mut_rng r = { .state = seed };

	/*
	 * libFuzzer picks crossover as often as every other mutation
	 * together; mutating instead some of the time keeps the program
	 * level in charge.
	 */
	size_t n;

	note_passed(harness_input_hash(data1, size1));
	if (!passed_before(harness_input_hash(data2, size2)))
		growth.stale = 0;	/* data2 is always a corpus input */
	if (mut_rng_below(&r, CROSS_MUTATE_ONE_IN) == 0)
		n = vmt_mutate_bytes(data1, size1, out, max_out_size,
				     mut_rng_next(&r), NULL);
	else
		n = vmt_crossover_bytes(data1, size1, data2, size2, out,
					max_out_size, mut_rng_next(&r));
	growth.last_out = harness_input_hash(out, n);
	return n;
}
