/* SPDX-License-Identifier: MIT */
/*
 * test_trace_golden.c - the runs of the corpus and its mutants do not
 * change.
 *
 * The inputs: every .vmt file of the corpus and 100 mutants of each (the structure-
 * aware mutator, seeds 1-100), about 2100 programs that reach the detach
 * windows, stale reads and reuse the corpus is built around.  For the
 * correct lock and every variant, with weak memory on and off, every
 * input runs as the fuzz target runs it (its explore runs included) and
 * each run's verdict and trace hash fold into one value per
 * configuration, pinned in tests/trace_golden.txt.
 *
 * A change to the runtime's speed must leave the values as they are; a
 * change to the model, the runtime's semantics, the mutator or the corpus
 * changes them on purpose, and the file is then rewritten with
 * `test_trace_golden --print corpus > tests/trace_golden.txt` (the commit
 * says why).  Every build (gcc, clang with sanitizers, AFL++, TSan) must
 * give the same values: determinism across builds, on inputs beyond the
 * corpus.
 *
 * The same programs, with the explore bit set, also check that
 * VMLOCK_EXPLORE picks runs and changes none: the result with both
 * derived schedules is the first failure of the own schedule, the PRNG
 * run of HE_PRNG and the PCT run of HE_PCT, in that order.
 *
 *   test_trace_golden --print CORPUS_DIR | CORPUS_DIR GOLDEN_FILE
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "mutator/mutator.h"

enum { MUTANTS = 100, MAX_FILES = 64 };

static struct vmt_program corpus[MAX_FILES];
static unsigned ncorpus;

static int is_vmt(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 4 && !strcmp(e->d_name + len - 4, ".vmt");
}

static void load_file(const char *dir, const char *name)
{
	static char text[1 << 16];
	char path[512], err[128];
	struct vmt_meta meta;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	if (ncorpus == MAX_FILES || vmt_parse(text, &corpus[ncorpus], &meta, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, ncorpus == MAX_FILES ? "too many files" : err);
		exit(1);
	}
	ncorpus++;
}

/* The .vmt files in name order: readdir's order is the file system's. */
static void load_corpus(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, is_vmt, alphasort);

	if (n < 0) {
		perror(dir);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		load_file(dir, list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

static uint64_t fold(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL;
}

static uint64_t config_hash(enum variant v, bool sc_only)
{
	struct harness_opts o;
	struct sim_result res;
	uint64_t h = 14695981039346656037ULL;
	unsigned which;

	harness_opts_default(&o);
	o.variant = v;
	o.sc_only = sc_only;
	for (unsigned i = 0; i < ncorpus; i++) {
		for (unsigned k = 0; k <= MUTANTS; k++) {
			struct vmt_program p = corpus[i];

			if (k)
				vmt_mutate(&p, k, VMT_MAX_INPUT, NULL);
			harness_run_input(&p, &o, &res, &which);
			h = fold(h, res.hash);
			h = fold(h, (uint64_t)res.verdict << 8 | which);
		}
	}
	return h;
}

/* One line per configuration: "<variant> <weak|sc> <hash>". */
static int print_all(void)
{
	for (int v = 0; v < V__COUNT; v++)
		for (int sc = 0; sc < 2; sc++)
			printf("%s %s %016llx\n", variant_info((enum variant)v)->name,
			       sc ? "sc" : "weak",
			       (unsigned long long)config_hash((enum variant)v, sc));
	return 0;
}

static int check_line(const char *name, const char *mem, unsigned long long want)
{
	enum variant v = variant_from_name(name);
	uint64_t got;

	if (v == V__COUNT || (strcmp(mem, "weak") && strcmp(mem, "sc"))) {
		fprintf(stderr, "unknown configuration %s %s\n", name, mem);
		return 1;
	}
	got = config_hash(v, !strcmp(mem, "sc"));
	if (got == want)
		return 0;
	fprintf(stderr, "%s %s: runs hash to %016llx, pinned %016llx\n", name, mem,
		(unsigned long long)got, want);
	return 1;
}

static int compare(const char *path)
{
	FILE *f = fopen(path, "r");
	char name[64], mem[8];
	unsigned long long want;
	int lines = 0, bad = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	while (fscanf(f, "%63s %7s %llx", name, mem, &want) == 3) {
		bad += check_line(name, mem, want);
		lines++;
	}
	fclose(f);
	if (lines != 2 * V__COUNT) {
		fprintf(stderr, "%s: %d configurations, want %d\n", path, lines, 2 * V__COUNT);
		bad++;
	}
	if (!bad)
		printf("%d configurations x %u inputs: as pinned\n", lines,
		       ncorpus * (MUTANTS + 1));
	return bad != 0;
}

struct outcome {
	enum verdict verdict;
	unsigned which;
	uint64_t hash;
};

static struct outcome run_mode(const struct vmt_program *p, enum variant v,
			       enum harness_explore mode)
{
	struct harness_opts o;
	struct sim_result res;
	struct outcome out;

	harness_opts_default(&o);
	o.variant = v;
	o.explore = mode;
	harness_run_input(p, &o, &res, &out.which);
	out.verdict = res.verdict;
	out.hash = res.hash;
	return out;
}

/* a failed in its run a_which, b failed the same way in its run b_which. */
static bool same_failure(struct outcome a, unsigned a_which, struct outcome b,
			 unsigned b_which)
{
	return a.verdict != VERDICT_CLEAN && a.verdict == b.verdict &&
	       a.hash == b.hash && a.which == a_which && b.which == b_which;
}

/* HE_BOTH against HE_PRNG and HE_PCT on one program; counts[w] counts the
 * failures HE_BOTH found in run w. */
static bool explore_consistent(const struct vmt_program *p, enum variant v,
			       unsigned counts[3])
{
	struct outcome both = run_mode(p, v, HE_BOTH);
	struct outcome prng = run_mode(p, v, HE_PRNG);
	struct outcome pct = run_mode(p, v, HE_PCT);

	if (prng.verdict != VERDICT_CLEAN && prng.which == 0) {
		counts[0]++;
		return same_failure(prng, 0, both, 0) && same_failure(prng, 0, pct, 0);
	}
	if (prng.verdict != VERDICT_CLEAN) {
		counts[1]++;
		return same_failure(prng, 1, both, 1);
	}
	if (pct.verdict != VERDICT_CLEAN) {
		counts[2]++;
		return same_failure(pct, 1, both, 2);
	}
	return both.verdict == VERDICT_CLEAN;
}

/* Every variant, weak memory, the corpus and 20 mutants of each file. */
static int check_explore_modes(void)
{
	unsigned counts[3] = { 0, 0, 0 }, bad = 0, n = 0;

	for (int v = 1; v < V__COUNT; v++) {
		for (unsigned i = 0; i < ncorpus; i++) {
			for (unsigned k = 0; k <= 20; k++) {
				struct vmt_program p = corpus[i];

				if (k)
					vmt_mutate(&p, k, VMT_MAX_INPUT, NULL);
				p.explore = 1;
				n++;
				if (!explore_consistent(&p, (enum variant)v, counts)) {
					fprintf(stderr, "%s: corpus file %u, mutant %u: VMLOCK_EXPLORE changed a run\n",
						variant_info((enum variant)v)->name, i, k);
					bad++;
				}
			}
		}
	}
	/* Each kind of run must have found something, or the check is
	 * empty. */
	for (int w = 0; w < 3; w++)
		if (!counts[w]) {
			fprintf(stderr, "explore modes: no failure in run %d of %u programs\n", w, n);
			bad++;
		}
	if (!bad)
		printf("explore modes: %u programs, failures in the own/PRNG/PCT run %u/%u/%u, consistent\n",
		       n, counts[0], counts[1], counts[2]);
	return bad != 0;
}

int main(int argc, char **argv)
{
	bool print = argc > 1 && !strcmp(argv[1], "--print");

	if (argc != 3) {
		fprintf(stderr, "usage: test_trace_golden --print CORPUS_DIR | CORPUS_DIR GOLDEN_FILE\n");
		return 2;
	}
	load_corpus(argv[print ? 2 : 1]);
	if (print)
		return print_all();
	int bad = compare(argv[2]);

	return check_explore_modes() || bad;
}
