/* SPDX-License-Identifier: MIT */
/*
 * bench_exec.c - executions per second of the harness on one core.
 *
 * Runs the fuzz target's entry point over a fixed set of inputs: the
 * program the target names (3 threads, 24 operations, a schedule
 * of preemptions, 16 choice bytes), generated from a fixed seed.
 * Benchmarks may read clocks; the runtime never does.
 *
 *   bench_exec [SECONDS] [OPS_PER_THREAD] [CHOICE_BYTES] [STRATEGY]
 *   bench_exec SECONDS corpus DIR
 *
 * OPS_PER_THREAD (default 8, at most 16) changes only the operation
 * count: 0 measures what every run costs whatever it does (decoding, the
 * world's setup, the threads' start and exit, exit_mmap()).
 * CHOICE_BYTES (default 16, at most 64): with 0 the weak-memory
 * simulation has no choices to keep views for.
 * STRATEGY says who schedules the same programs:
 *   target   the fuzz target's entry, the input's own schedule (default);
 *   explore  the fuzz target's entry with the explore bit set: the
 *            input's schedule, then a PRNG and a PCT schedule, as the
 *            fuzzer runs its fresh programs (one execution, three runs);
 *   prng     one run under the seeded PRNG scheduler, as bench/baseline
 *            runs it (no feedback hook), a new seed each run;
 *   pct      the same under PCT at depth 3.
 * The second form runs the files of DIR instead (the shipped seed
 * corpus, build/default/seed_corpus: binary inputs, at most 64) through
 * the fuzz target, as they are: their own threads, operations, schedules
 * and explore bits.
 *
 * BENCH_EXEC_RUNS=N runs N executions (whole passes, rounded up) instead
 * of SECONDS, so that a timer of the whole process can compare builds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>

#include "harness/harness.h"
#include "sim/strategy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 3 threads x nops ops over both mms, 12 schedule runs: bytes, encoded. */
static size_t make_input(uint64_t seed, unsigned nops, unsigned nchoices,
			 bool explore, uint8_t *out, size_t cap)
{
	struct vmt_program p;
	uint64_t rng = seed;

	memset(&p, 0, sizeof(p));
	p.version = VMT_FORMAT_VERSION;
	p.nthreads = 3;
	p.layout[0] = 0x5;
	p.layout[1] = 0x3;
	for (int t = 0; t < 3; t++) {
		p.threads[t].mm = (uint8_t)(t == 2);
		p.threads[t].nops = (uint8_t)nops;
		for (unsigned i = 0; i < nops; i++) {
			struct vmt_op *op = &p.threads[t].ops[i];
			uint64_t r = prng_next(&rng);

			op->kind = (uint8_t)(r % 6);	/* no kill, no exit */
			op->page = (uint8_t)((r >> 8) % VMT_PAGES);
			op->len = (op->kind == VMT_OP_WRITE || op->kind == VMT_OP_MAP) ?
				  (uint8_t)(1 + (r >> 16) % 2) : 1;
		}
	}
	p.nsched = 12;
	for (int i = 0; i < 12; i++) {
		uint64_t r = prng_next(&rng);

		p.sched[i].thread = (uint8_t)(r % 3);
		p.sched[i].steps = (uint8_t)(1 + (r >> 8) % 40);
	}
	/* Choice bytes keep the weak-memory simulation busy for the whole
	 * run (VMLOCK_MEMORY=sc measures it off). */
	p.nchoices = (uint8_t)nchoices;
	for (unsigned i = 0; i < nchoices; i++)
		p.choices[i] = (uint8_t)(prng_next(&rng) >> 56);
	p.explore = explore;
	return vmt_encode(&p, out, cap);
}

enum { NINPUTS = 64 };

/* Whether to stop after `execs` executions started at t0, now t. */
static bool done(unsigned long execs, double t0, double t, double seconds)
{
	const char *runs = getenv("BENCH_EXEC_RUNS");

	if (runs)
		return execs >= strtoul(runs, NULL, 10);
	return t - t0 >= seconds;
}
static uint8_t in[NINPUTS][VMT_MAX_INPUT];
static size_t len[NINPUTS];
static struct vmt_program prog[NINPUTS];

static int ninputs = NINPUTS;

/* One pass over the inputs through the fuzz target. */
static void pass_target(void)
{
	for (int i = 0; i < ninputs; i++)
		LLVMFuzzerTestOneInput(in[i], len[i]);
}

/* The files of dir as the inputs, in name order; returns their number. */
static int load_dir(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort), k = 0;

	for (int i = 0; i < n; i++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (list[i]->d_name[0] != '.' && k < NINPUTS &&
		    (f = fopen(path, "rb")) != NULL) {
			len[k] = fread(in[k], 1, sizeof(in[k]), f);
			k += len[k] > 0;
			fclose(f);
		}
		free(list[i]);
	}
	free(n >= 0 ? list : NULL);
	return k;
}

/* bench_exec SECONDS corpus DIR */
static int bench_corpus(double seconds, const char *dir)
{
	unsigned long execs = 0;
	double t0, t;

	ninputs = load_dir(dir);
	if (ninputs == 0) {
		fprintf(stderr, "bench_exec: no inputs in %s\n", dir);
		return 2;
	}
	t0 = now();
	do {
		pass_target();
		execs += (unsigned long)ninputs;
		t = now();
	} while (!done(execs, t0, t, seconds));
	printf("%.0f exec/s (%lu executions in %.2f s; the %d inputs of %s)\n",
	       execs / (t - t0), execs, t - t0, ninputs, dir);
	return 0;
}

/* One pass over the programs under o's strategy, a new seed each run. */
static void pass_strategy(struct harness_opts *o)
{
	struct sim_result res;

	for (int i = 0; i < NINPUTS; i++) {
		o->seed++;
		harness_run(&prog[i], o, &res);
	}
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	unsigned nops = argc > 2 ? (unsigned)atoi(argv[2]) : 8;
	unsigned nchoices = argc > 3 ? (unsigned)atoi(argv[3]) : 16;
	const char *mode = argc > 4 ? argv[4] : "target";
	unsigned long execs = 0;
	struct harness_opts o;

	if (argc > 3 && !strcmp(argv[2], "corpus"))
		return bench_corpus(seconds, argv[3]);

	if (nops > VMT_MAX_OPS_PER_THREAD || nchoices > VMT_MAX_CHOICES) {
		fprintf(stderr, "bench_exec: at most %d operations per thread and %d choice bytes\n",
			VMT_MAX_OPS_PER_THREAD, VMT_MAX_CHOICES);
		return 2;
	}
	harness_opts_from_env(&o);
	o.no_hash = true;
	o.pct_depth = 3;
	if (!strcmp(mode, "prng") || !strcmp(mode, "pct"))
		o.strategy = !strcmp(mode, "prng") ? HS_PRNG : HS_PCT;
	else if (strcmp(mode, "target") && strcmp(mode, "explore")) {
		fprintf(stderr, "bench_exec: STRATEGY is target, explore, prng or pct\n");
		return 2;
	}
	for (int i = 0; i < NINPUTS; i++) {
		len[i] = make_input((uint64_t)i + 1, nops, nchoices,
				    !strcmp(mode, "explore"), in[i], sizeof(in[i]));
		vmt_decode(in[i], len[i], &prog[i]);
	}
	double t0 = now(), t;

	do {
		if (o.strategy == HS_BYTES)
			pass_target();
		else
			pass_strategy(&o);
		execs += NINPUTS;
		t = now();
	} while (!done(execs, t0, t, seconds));
	printf("%.0f exec/s (%lu executions in %.2f s; 3 threads, %u ops; %s)\n",
	       execs / (t - t0), execs, t - t0, 3 * nops, mode);
	return 0;
}
