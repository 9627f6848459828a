/* SPDX-License-Identifier: MIT */
/*
 * test_engine.c - the in-process engine (src/engine/): every variant found
 * within a run budget from nothing, the correct lock never flagged, the
 * same seed the same search, finds that replay and that the correct lock
 * passes, seeds run first, and features only from the feedback.  Work is
 * bounded by runs, never by time.  A find counts only through a verdict
 * the corpus (the directory given) expects of its variant.
 *
 *   test_engine CORPUS_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "testing.h"

/* Far above the slowest find of seeds 1-3 (README, "vmlock fuzz"). */
#define FIND_BUDGET 60000UL
#define CLEAN_BUDGET 20000UL

static unsigned kept;

/* expected[v][d]: a repro of the corpus expects verdict d of variant v
 * (its "expect VARIANT: VERDICT" lines). */
static bool expected[V__COUNT][VERDICT__COUNT];
static unsigned nexpected;

static void expect_file(const char *path)
{
	static char text[1 << 16];
	static struct vmt_program p;
	struct vmt_meta meta;
	char err[160];
	FILE *f = fopen(path, "r");
	size_t n;

	CHECKF(f != NULL, "cannot open %s", path);
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	if (vmt_parse(text, &p, &meta, err, sizeof(err))) {
		CHECKF(0, "%s:%s", path, err);
		return;
	}
	for (unsigned i = 0; i < meta.nexpect; i++) {
		enum variant v = variant_from_name(meta.expect[i].variant);
		enum verdict d = verdict_from_name(meta.expect[i].verdict);

		CHECKF(v < V__COUNT && d < VERDICT__COUNT, "%s: expect %s: %s",
		       path, meta.expect[i].variant, meta.expect[i].verdict);
		if (v < V__COUNT && d < VERDICT__COUNT) {
			expected[v][d] = true;
			nexpected++;
		}
	}
}

/* A verdict a variant is known to give that no repro of the corpus
 * shows yet: the detach that waits for F + 1 sleeps for good once its
 * temporary reader has left (the count stays F). */
static const struct {
	enum variant v;
	enum verdict d;
} also_expected[] = {
	{ V_DETACH_WAITS_FOR_F1, VERDICT_DEADLOCK },
};

static void load_expectations(const char *dir)
{
	for (size_t i = 0; i < sizeof(also_expected) / sizeof(also_expected[0]); i++)
		expected[also_expected[i].v][also_expected[i].d] = true;
	DIR *d = opendir(dir);
	char path[4096];

	CHECKF(d != NULL, "cannot open the corpus %s", dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".vmt")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			expect_file(path);
		}
	}
	closedir(d);
}

static void count_new(void *arg, const uint8_t *d, size_t n)
{
	(void)arg;
	CHECK(n > 0 && n <= ENGINE_MAX_LEN && d != NULL);
	kept++;
}

static struct engine *make(enum variant v, uint64_t seed)
{
	struct engine_cfg c;

	memset(&c, 0, sizeof(c));
	harness_opts_default(&c.opts);
	c.opts.variant = v;
	c.seed = seed;
	c.max_len = ENGINE_MAX_LEN;
	c.on_new = count_new;
	kept = 0;
	return engine_new(&c);
}

/* The find's verdict under variant v, and under the correct lock. */
static void replay(const struct engine_find *f, enum variant v,
		   enum verdict *under_v, enum verdict *correct)
{
	struct harness_opts o;
	struct vmt_program p;
	struct sim_result res;
	unsigned which;

	harness_opts_default(&o);
	vmt_decode(f->data, f->size, &p);
	o.variant = v;
	harness_run_input(&p, &o, &res, &which);
	*under_v = res.verdict;
	o.variant = V_NONE;
	harness_run_input(&p, &o, &res, &which);
	*correct = res.verdict;
}

static void test_variants_found(void)
{
	static struct engine_find f;

	for (int v = V_NONE + 1; v < V__COUNT; v++) {
		/* The deep variants take minutes, not a unit test's budget:
		 * bench/deep_find.sh measures them. */
		if (variant_is_deep((enum variant)v))
			continue;
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct engine *e = make((enum variant)v, seed);
			bool found = engine_fuzz(e, FIND_BUDGET, &f);
			enum verdict got, correct;

			CHECKF(found, "%s, seed %llu: nothing in %lu runs",
			       variant_info((enum variant)v)->name,
			       (unsigned long long)seed, FIND_BUDGET);
			engine_free(e);
			if (!found)
				continue;
			CHECKF(expected[v][f.res.verdict],
			       "%s, seed %llu: found through %s, which no repro expects of it: %s",
			       variant_info((enum variant)v)->name,
			       (unsigned long long)seed, verdict_name(f.res.verdict),
			       f.res.msg);
			replay(&f, (enum variant)v, &got, &correct);
			CHECKF(got == f.res.verdict, "%s: replays as %s, found as %s",
			       variant_info((enum variant)v)->name,
			       verdict_name(got), verdict_name(f.res.verdict));
			CHECKF(correct == VERDICT_CLEAN,
			       "%s: the correct lock fails its find: %s",
			       variant_info((enum variant)v)->name,
			       verdict_name(correct));
		}
	}
}

static void test_correct_lock_clean(void)
{
	static struct engine_find f;

	for (uint64_t seed = 1; seed <= 2; seed++) {
		struct engine *e = make(V_NONE, seed);
		struct engine_stats s;

		CHECKF(!engine_fuzz(e, CLEAN_BUDGET, &f), "seed %llu: %s: %s",
		       (unsigned long long)seed, verdict_name(f.res.verdict),
		       f.res.msg);
		engine_stats(e, &s);
		CHECK(s.runs == CLEAN_BUDGET);
		/* The feedback grew a corpus, every input reported once. */
		CHECK(s.corpus > 10 && s.corpus == kept);
		CHECK(s.features >= s.corpus);
		engine_free(e);
	}
}

/* The same seed makes the same search, in slices or at once; another
 * seed another. */
static void test_deterministic(void)
{
	static struct engine_find f1, f2, f3;
	struct engine *a = make(V_DETACH_NO_WAIT, 7);
	struct engine *b = make(V_DETACH_NO_WAIT, 7);
	struct engine *c = make(V_DETACH_NO_WAIT, 8);
	struct engine_stats sa, sb, sc;
	bool fb = false;

	CHECK(engine_fuzz(a, FIND_BUDGET, &f1));
	for (unsigned long i = 0; i < FIND_BUDGET / 100 && !fb; i++)
		fb = engine_fuzz(b, 100, &f2);
	CHECK(fb);
	CHECK(engine_fuzz(c, FIND_BUDGET, &f3));
	engine_stats(a, &sa);
	engine_stats(b, &sb);
	engine_stats(c, &sc);
	CHECK(f1.run == f2.run && f1.size == f2.size &&
	      memcmp(f1.data, f2.data, f1.size) == 0);
	CHECK(sa.corpus == sb.corpus && sa.features == sb.features);
	CHECK(f3.run != f1.run || f3.size != f1.size ||
	      memcmp(f3.data, f1.data, f1.size) != 0);
	engine_free(a);
	engine_free(b);
	engine_free(c);
}

/* A seed input runs as given: the find of one search, seeded into a
 * new engine, fails at its first run. */
static void test_seed_runs_first(void)
{
	static struct engine_find f, g;
	struct engine *e = make(V_NARROW_WAKE, 3);

	CHECK(engine_fuzz(e, FIND_BUDGET, &f));
	engine_free(e);
	e = make(V_NARROW_WAKE, 4);
	CHECK(engine_seed(e, f.data, f.size, &g));
	CHECK(g.run == 1 && g.res.verdict == f.res.verdict);
	engine_free(e);
	/* Under the correct lock the same seed runs clean, and is kept
	 * (the first input has only new features). */
	e = make(V_NONE, 4);
	CHECK(!engine_seed(e, f.data, f.size, &g));
	CHECK(kept == 1);
	engine_free(e);
}

/* Features come from the feedback alone: with none, nothing is kept and
 * the search is the mutator's from the empty input. */
static void test_no_feedback_no_features(void)
{
	static struct engine_find f;
	struct engine_stats s;

	setenv("VMLOCK_FEEDBACK", "0", 1);
	struct engine *e = make(V_NONE, 1);

	unsetenv("VMLOCK_FEEDBACK");
	CHECK(!engine_fuzz(e, 2000, &f));
	engine_stats(e, &s);
	CHECK(s.runs == 2000 && s.corpus == 0 && s.features == 0);
	engine_free(e);
}

int main(int argc, char **argv)
{
	static const struct test_case tests[] = {
		{ "variants_found", test_variants_found },
		{ "correct_lock_clean", test_correct_lock_clean },
		{ "deterministic", test_deterministic },
		{ "seed_runs_first", test_seed_runs_first },
		{ "no_feedback_no_features", test_no_feedback_no_features },
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_engine CORPUS_DIR\n");
		return 2;
	}
	load_expectations(argv[1]);
	if (test_failed || nexpected < V__COUNT) {
		fprintf(stderr, "no expectation read from %s\n", argv[1]);
		return 1;
	}
	return run_tests(tests, sizeof(tests) / sizeof(tests[0]), NULL);
}
