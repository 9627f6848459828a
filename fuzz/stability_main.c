/* SPDX-License-Identifier: MIT */
/*
 * stability_main.c - is the fuzz target's coverage a function of its input?
 *
 * A main for the libFuzzer build of the fuzz target (it needs the
 * coverage instrumentation, not the libFuzzer driver).  It runs every input
 * RUNS times in one process, in name order, and compares the coverage of
 * each run with the input's first run, the way libFuzzer sees coverage:
 * the inline 8-bit edge counters and the extra counters of the concurrency
 * feedback, each in libFuzzer's hit-count buckets.  Any difference is an
 * unstable edge, printed with its source location: coverage that depends
 * on what ran before (state left by an earlier run, a one-time path), or
 * on something that is not the input at all.  AFL++ measures the same
 * thing in its calibration ("stability" in fuzzer_stats).
 *
 *   vmlock_fuzz_stability [-runs=N] [-warm] FILE|DIR...
 *
 * -warm runs every input once before the check, so that one-time paths
 * (the first use of something in the process) are behind: what is left is
 * coverage that depends on the previous runs or on no input at all.
 * Without it, an input's first run is compared as AFL++ compares it.
 * A target that runs nothing is stable too: the check counts only if it
 * measured something.  At least -min-inputs=N inputs (default 1), every
 * input covering at least MIN_EDGES edges in its first run, the inputs
 * together MIN_UNION_EDGES (a fixed floor, not a share of the target's
 * edges: a build with the kernel backend has thousands more that the
 * model's runs never reach), and some input setting a feedback counter
 * (where the target has them).
 *
 * Exit status 0 when every input covered the same in every run, 1 if not
 * or if too little ran, 2 on bad usage or an unreadable input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char *vmlock_fuzz_input_name;

/* The sanitizer runtime's symbolizer (ASan and UBSan builds have it). */
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t len);

#define INPUT_BYTES	(1 << 16)
#define MAX_EDGES	(1 << 16)
#define MAX_REPORTS	20
/* An input's first run decodes it (the smallest fixtures: some 50 edges);
 * a target that ignores its input covers one or two. */
#define MIN_EDGES	16
#define MIN_UNION_EDGES	128

/* The instrumentation hands over its counters and PCs at start-up. */
static uint8_t *edges, *edges_end;
static const uintptr_t *pcs;

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop)
{
	if (!edges) {		/* one module: the program itself */
		edges = start;
		edges_end = stop;
	}
}

void __sanitizer_cov_pcs_init(const uintptr_t *start, const uintptr_t *stop)
{
	(void)stop;
	if (!pcs)
		pcs = start;	/* pairs: PC, flags */
}

/* The fuzz target's extra counters (vmlock_fuzz.c). */
extern uint8_t __start___libfuzzer_extra_counters[] __attribute__((weak));
extern uint8_t __stop___libfuzzer_extra_counters[] __attribute__((weak));

/* libFuzzer's hit-count buckets: 0, 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
static uint8_t bucket(uint8_t c)
{
	if (c < 4)
		return c;
	if (c < 8)
		return 4;
	if (c < 16)
		return 5;
	if (c < 32)
		return 6;
	return c < 128 ? 7 : 8;
}

struct cov {
	uint8_t edge[MAX_EDGES];
	uint8_t extra[MAX_EDGES];
};

static size_t nedges(void)
{
	return (size_t)(edges_end - edges);
}

static size_t nextra(void)
{
	if (!__start___libfuzzer_extra_counters)
		return 0;
	return (size_t)(__stop___libfuzzer_extra_counters -
			__start___libfuzzer_extra_counters);
}

static void run(const uint8_t *data, size_t size, struct cov *c)
{
	size_t i;

	/* The extra counters are not cleared here: the target must start
	 * each run from zero itself, AFL++ does not know them. */
	memset(edges, 0, nedges());
	LLVMFuzzerTestOneInput(data, size);
	for (i = 0; i < nedges(); i++)
		c->edge[i] = bucket(edges[i]);
	for (i = 0; i < nextra(); i++)
		c->extra[i] = bucket(__start___libfuzzer_extra_counters[i]);
}

static unsigned reports;

/* Prints the differences of b from a; returns how many there are. */
static unsigned compare(const char *path, unsigned r, const struct cov *a,
			const struct cov *b)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < nedges(); i++) {
		char where[256];

		if (a->edge[i] == b->edge[i])
			continue;
		n++;
		if (reports++ >= MAX_REPORTS)
			continue;
		__sanitizer_symbolize_pc((void *)pcs[2 * i], "%F %L", where,
					 sizeof(where));
		printf("%s: run %u: edge %zu (%s): bucket %u, first run %u\n",
		       path, r, i, where, b->edge[i], a->edge[i]);
	}
	for (i = 0; i < nextra(); i++) {
		if (a->extra[i] == b->extra[i])
			continue;
		n++;
		if (reports++ < MAX_REPORTS)
			printf("%s: run %u: feedback counter %zu: bucket %u, first run %u\n",
			       path, r, i, b->extra[i], a->extra[i]);
	}
	return n;
}

static unsigned inputs, unstable_inputs, unstable_edges, runs = 4;
static int warming;
/* What the first runs covered: the fewest edges of an input, and
 * whether any input set a feedback counter. */
static size_t min_covered = (size_t)-1, union_covered;
static int feedback_seen;

static void note_covered(const struct cov *c)
{
	static uint8_t seen[MAX_EDGES];
	size_t n = 0, i;

	for (i = 0; i < nedges(); i++) {
		n += c->edge[i] != 0;
		union_covered += c->edge[i] && !seen[i];
		seen[i] |= c->edge[i] != 0;
	}
	for (i = 0; i < nextra(); i++)
		feedback_seen |= c->extra[i] != 0;
	if (n < min_covered)
		min_covered = n;
}

static int check_file(const char *path)
{
	static uint8_t buf[INPUT_BYTES];
	static struct cov first, again;
	FILE *f = fopen(path, "rb");
	size_t n;
	unsigned r, bad = 0;

	if (!f) {
		fprintf(stderr, "stability: cannot open %s\n", path);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	vmlock_fuzz_input_name = path;
	if (warming) {
		LLVMFuzzerTestOneInput(buf, n);
		return 0;
	}
	run(buf, n, &first);
	note_covered(&first);
	for (r = 2; r <= runs; r++) {
		run(buf, n, &again);
		bad += compare(path, r, &first, &again);
	}
	inputs++;
	unstable_inputs += bad != 0;
	unstable_edges += bad;
	return 0;
}

static int check_path(const char *path)
{
	struct dirent **list;
	struct stat st;
	int n, i, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "stability: cannot open %s\n", path);
		return 2;
	}
	if (!S_ISDIR(st.st_mode))
		return check_file(path);
	n = scandir(path, &list, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char full[4096];

		if (list[i]->d_name[0] != '.') {
			snprintf(full, sizeof(full), "%s/%s", path, list[i]->d_name);
			rc |= check_path(full);
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

int main(int argc, char **argv)
{
	int i, rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	if (!edges || !pcs || nedges() > MAX_EDGES || nextra() > MAX_EDGES) {
		fprintf(stderr, "stability: no coverage instrumentation (build with the libfuzzer preset)\n");
		return 2;
	}
	int warm = 0;
	unsigned min_inputs = 1;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strncmp(argv[i], "-runs=", 6) && atoi(argv[i] + 6) >= 2)
			runs = (unsigned)atoi(argv[i] + 6);
		else if (!strcmp(argv[i], "-warm"))
			warm = 1;
		else if (!strncmp(argv[i], "-min-inputs=", 12) && atoi(argv[i] + 12) >= 1)
			min_inputs = (unsigned)atoi(argv[i] + 12);
		else
			return 2;
	}
	for (warming = warm; warming >= 0; warming--) {
		for (int j = i; j < argc; j++)
			rc |= check_path(argv[j]);
	}
	if (rc || !inputs)
		return 2;
	printf("stability: %u inputs%s, %u runs each, %zu edges and %zu feedback counters: "
	       "%u inputs with %u unstable counters\n", inputs,
	       warm ? " (after a warm-up pass)" : "", runs, nedges(), nextra(),
	       unstable_inputs, unstable_edges);
	printf("stability: the inputs covered %zu edges, the fewest an input %zu; feedback counters %s\n",
	       union_covered, min_covered, feedback_seen ? "set" : "never set");
	if (inputs < min_inputs || min_covered < MIN_EDGES ||
	    union_covered < MIN_UNION_EDGES || (nextra() && !feedback_seen)) {
		printf("stability: too little ran to measure (wanted %u inputs, %d edges each, %d in all, feedback)\n",
		       min_inputs, MIN_EDGES, MIN_UNION_EDGES);
		return 1;
	}
	return unstable_inputs ? 1 : 0;
}
