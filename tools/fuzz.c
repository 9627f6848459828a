/* SPDX-License-Identifier: MIT */
/*
 * fuzz.c - `vmlock fuzz`: the in-process engine (src/engine/) from the
 * command line.  Seed inputs (files or directories, .vmt or binary) run
 * first; then new inputs until a violation, --runs, or --seconds.
 *
 * On a violation the input is written to DIR/crash-<hash> (--artifacts,
 * default the current directory), the report goes to stderr, and the
 * exit status is 1.  Otherwise 0 after the summary line.  --corpus DIR
 * (made if missing) is read as seed inputs first, and keeps every input
 * that joins the corpus (binary, named by hash): the next campaign, of
 * this engine or any other, starts from it.
 *
 * The engine never reads a clock; this command does, for the exec/s of
 * its progress lines and for --seconds, which it checks between slices
 * of runs.  Everything but those two is a function of the seed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "cli.h"
#include "../src/engine/engine.h"
#include "../src/mutator/mutator.h"

#define SLICE 1024UL	/* runs between clock reads */

struct fuzz_args {
	uint64_t seed;
	unsigned long runs;		/* new inputs; ULONG_MAX: no limit */
	unsigned long seconds;		/* 0: no limit */
	size_t max_len;
	const char *corpus_dir, *artifact_dir;
	int first_input;		/* argv index of the seed inputs */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char fuzz_usage[] =
	"  fuzz [--seed S] [--runs N] [--seconds T] [--max-len L] [--corpus DIR]\n"
	"       [--artifacts DIR] [SEED...]  the in-process engine: run the seed inputs (files or\n"
	"                                  directories), then new inputs made by the mutator and kept\n"
	"                                  for new concurrency feedback, until a violation (written to\n"
	"                                  DIR/crash-HASH with its settings in DIR/crash-HASH.vmlock,\n"
	"                                  DIR made if missing; reported, exit 1), N new inputs or T\n"
	"                                  seconds\n";

/* One option and its value into a; a usage error's status, or 0. */
static int option(const char *o, const char *v, struct fuzz_args *a)
{
	unsigned long long n;

	if (strcmp(o, "--corpus") == 0 || strcmp(o, "--artifacts") == 0) {
		if (!*v)
			return usage_error("fuzz: %s needs a directory", o);
		*(strcmp(o, "--corpus") == 0 ? &a->corpus_dir : &a->artifact_dir) = v;
		return 0;
	}
	if (strcmp(o, "--seed") != 0 && strcmp(o, "--runs") != 0 &&
	    strcmp(o, "--seconds") != 0 && strcmp(o, "--max-len") != 0)
		return usage_error("fuzz: unknown option '%s'", o);
	if (!parse_number(v, &n))
		return usage_error("fuzz: bad value '%s' for %s (expected a whole number)", v, o);
	if (strcmp(o, "--seed") == 0)
		a->seed = n;
	else if (strcmp(o, "--runs") == 0)
		a->runs = (unsigned long)n;
	else if (strcmp(o, "--seconds") == 0)
		a->seconds = (unsigned long)n;
	else
		a->max_len = (size_t)n;
	return 0;
}

/* mkdir -p DIR (NULL: nothing to make); false on failure. */
static bool make_dir(const char *dir)
{
	char path[4096];

	if (!dir)
		return true;
	snprintf(path, sizeof(path), "%s", dir);
	for (char *s = path + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = 0;
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "vmlock fuzz: %s: %s\n", path, strerror(errno));
			return false;
		}
		if (!(*s = c))
			return true;
	}
}

static int parse(int argc, char **argv, struct fuzz_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->seed = 1;
	a->runs = ULONG_MAX;
	a->max_len = ENGINE_MAX_LEN;
	a->artifact_dir = ".";
	for (i = 0; i < argc && argv[i][0] == '-'; i += 2) {
		int rc;

		if (i + 1 == argc)
			return usage_error("fuzz: %s needs a value", argv[i]);
		if ((rc = option(argv[i], argv[i + 1], a)) != 0)
			return rc;
	}
	if (a->max_len < VMT_MUT_MIN_CAP || a->max_len > VMT_MAX_INPUT)
		return usage_error("fuzz: bad value %zu for --max-len (expected %d..%d)",
				   a->max_len, VMT_MUT_MIN_CAP, VMT_MAX_INPUT);
	a->first_input = i;
	return 0;
}

/* Write the input to DIR/PREFIX<hash>; the path goes to path. */
static void write_input(const char *dir, const char *prefix, const uint8_t *d,
			size_t n, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s%016llx", dir, prefix,
		 (unsigned long long)harness_input_hash(d, n));
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "vmlock fuzz: %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static void keep_new(void *arg, const uint8_t *d, size_t n)
{
	const struct fuzz_args *a = arg;
	char path[4096];

	if (a->corpus_dir)
		write_input(a->corpus_dir, "", d, n, path, sizeof(path));
}

struct fuzz_run {
	struct engine *e;
	struct engine_find find;
	bool found;
};

/* A seed input: the bytes of a binary file, or a .vmt's encoding. */
static void seed_one(void *arg, const char *path)
{
	struct fuzz_run *r = arg;
	struct vmt_program p;
	struct vmt_meta meta;
	uint8_t buf[VMT_MAX_INPUT];

	if (r->found)
		return;
	load(path, &p, &meta);
	size_t n = vmt_encode(&p, buf, sizeof(buf));

	r->found = engine_seed(r->e, buf, n, &r->find);
}

static void progress(const struct engine *e, double t0, const char *what)
{
	struct engine_stats s;
	double dt = now() - t0;

	engine_stats(e, &s);
	fprintf(stderr, "#%lu %s corpus: %u features: %u exec/s: %.0f\n",
		s.runs, what, s.corpus, s.features, dt > 0 ? s.runs / dt : 0.0);
}

/* Fuzz in slices until a find or a limit; progress at powers of two. */
static void fuzz_loop(struct fuzz_run *r, const struct fuzz_args *a, double t0)
{
	unsigned long done = 0, next_report = SLICE;
	struct engine_stats s;

	while (done < a->runs) {
		unsigned long n = a->runs - done < SLICE ? a->runs - done : SLICE;

		if (a->seconds && now() - t0 >= (double)a->seconds)
			return;
		r->found = engine_fuzz(r->e, n, &r->find);
		if (r->found)
			return;
		done += n;
		engine_stats(r->e, &s);
		if (s.runs >= next_report) {
			progress(r->e, t0, "pulse");
			next_report *= 2;
		}
	}
}

/* The find: a line at once (what and where), the input written, then
 * the report (traced again, on stderr). */
static int report(struct fuzz_run *r, const struct fuzz_args *a,
		  const struct engine_cfg *c)
{
	struct vmt_program p;
	char path[4096];

	printf("vmlock fuzz: %s at run %lu (seed %llu)\n",
	       verdict_name(r->find.res.verdict), r->find.run,
	       (unsigned long long)a->seed);
	fflush(stdout);
	write_input(a->artifact_dir, "crash-", r->find.data, r->find.size,
		    path, sizeof(path));
	replay_env_write(path, &c->opts);
	printf("vmlock fuzz: input written to %s, its settings to %s%s (vmlock minimize %s shrinks it)\n",
	       path, path, SIDECAR_SUFFIX, path);
	fflush(stdout);
	vmt_decode(r->find.data, r->find.size, &p);
	harness_report_find(stderr, &p, &c->opts, &r->find.res, path);
	return 1;
}

int cmd_fuzz(int argc, char **argv)
{
	struct fuzz_args a;
	struct engine_cfg c;
	struct fuzz_run r = { 0 };
	struct engine_stats s;

	int rc = parse(argc, argv, &a);

	if (rc != 0)
		return rc;
	/* Both directories made now: a finding is never lost to a missing
	 * one after the campaign. */
	if (!make_dir(a.corpus_dir) || !make_dir(a.artifact_dir))
		return 2;
	memset(&c, 0, sizeof(c));
	c.seed = a.seed;
	c.max_len = a.max_len;
	harness_opts_from_env(&c.opts);
	c.on_new = keep_new;
	c.arg = &a;
	r.e = engine_new(&c);
	double t0 = now();

	/* The corpus directory is read as well as written: a campaign
	 * resumes where the last stopped. */
	if (a.corpus_dir)
		for_each_input(a.corpus_dir, seed_one, &r);
	for (int i = a.first_input; i < argc && !r.found; i++)
		for_each_input(argv[i], seed_one, &r);
	if (!r.found) {
		progress(r.e, t0, "INITED");
		fuzz_loop(&r, &a, t0);
	}
	int status = r.found ? report(&r, &a, &c) : 0;

	engine_stats(r.e, &s);
	if (!r.found)
		printf("vmlock fuzz: %lu runs, corpus %u, features %u: no violation (variant %s)\n",
		       s.runs, s.corpus, s.features,
		       variant_info(c.opts.variant)->name);
	engine_free(r.e);
	return status;
}
