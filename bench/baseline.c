/* SPDX-License-Identifier: MIT */
/*
 * baseline.c - the ways people test a lock without a coverage-guided
 * fuzzer, on the same runtime: random programs, each run under
 *
 *   random   its own random bytes: ops, schedule and choices (no feedback)
 *   prng     a seeded PRNG scheduler (preempt with probability 1/4)
 *   pct      PCT with bug depth d (--depth, 1-3)
 *
 * until the first violation or a run budget.  Prints one line:
 * "<runs> <seconds> <verdict>" (verdict "-" if none within the budget).
 * VMLOCK_VARIANT selects the variant, as everywhere.  Benchmarks may read
 * clocks; the runtime never does.
 *
 *   baseline random|prng|pct SEED MAX_RUNS [DEPTH]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/harness.h"
#include "sim/strategy.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A random input of 8 to VMT_MAX_INPUT bytes: the fuzzer's raw material
 * without the fuzzer. */
static size_t random_input(uint64_t *rng, uint8_t *buf)
{
	size_t n = 8 + (size_t)(prng_next(rng) % (VMT_MAX_INPUT - 7));

	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(prng_next(rng) >> 56);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: baseline random|prng|pct SEED MAX_RUNS [DEPTH]\n");
		return 2;
	}
	struct harness_opts o;
	uint64_t seed = strtoull(argv[2], NULL, 0), rng = seed;
	unsigned long max = strtoul(argv[3], NULL, 0), r;
	uint8_t buf[VMT_MAX_INPUT];
	struct vmt_program p;
	struct sim_result res;

	harness_opts_from_env(&o);
	o.no_hash = true;	/* the verdict is all it reads */
	o.strategy = strcmp(argv[1], "prng") == 0 ? HS_PRNG :
		     strcmp(argv[1], "pct") == 0 ? HS_PCT : HS_BYTES;
	o.pct_depth = argc > 4 ? (unsigned)atoi(argv[4]) : 2;
	double t0 = now();

	for (r = 1; r <= max; r++) {
		vmt_decode(buf, random_input(&rng, buf), &p);
		o.seed = seed * 1000003u + r;
		harness_run(&p, &o, &res);
		if (res.verdict != VERDICT_CLEAN)
			break;
	}
	printf("%lu %.2f %s\n", r > max ? max : r, now() - t0,
	       r > max ? "-" : verdict_name(res.verdict));
	return 0;
}
