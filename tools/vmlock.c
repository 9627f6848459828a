/* SPDX-License-Identifier: MIT */
/*
 * vmlock - the command line: replay, trace, encode, decode, variants,
 * explore, fuzz (tools/fuzz.c).  Exit status: 0 clean, 1 a violation (or
 * an expectation not met), 2 bad input or usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../src/litmus/litmus.h"
#include "../src/sim/strategy.h"

#define MAX_FILE (1 << 20)

static const char usage[] =
	"usage: vmlock COMMAND [ARGS]\n"
	"  replay [--expect] FILE|DIR...   run inputs (.vmt text or binary); exit 1 on a violation\n"
	"                                  --expect: check each .vmt's 'expect' line for the variant\n"
	"  trace [--all] FILE              print the program and its interleaving, even when clean\n"
	"  hash FILE|DIR...                print each input's verdict and trace hash\n"
	"  encode IN.vmt OUT               write the binary form\n"
	"  decode IN                       print the .vmt text of a binary input\n"
	"  minimize FILE                   shrink a failing input (ops, schedule, choices) keeping its\n"
	"                                  verdict; print it as .vmt and as a column trace\n"
	"  variants                        list the bug variants\n"
	"  explore [--strategy runs|prng|pct|exhaustive] [--depth D] [--seed S] [--runs N]\n"
	"          [--preemptions K] FILE  search schedules of one program; exit 1 at the first\n"
	"                                  violation, printed as a program with its schedule;\n"
	"                                  exhaustive: every schedule with at most K (2)\n"
	"                                  preemptions, up to N runs\n"
	"  fuzz [--seed S] [--runs N] [--seconds T] [--max-len L] [--corpus DIR]\n"
	"       [--artifacts DIR] [SEED...]  the in-process engine: run the seed inputs (files or\n"
	"                                  directories), then new inputs made by the mutator and kept\n"
	"                                  for new concurrency feedback, until a violation (written to\n"
	"                                  DIR/crash-HASH, reported, exit 1), N new inputs or T seconds\n"
	"  litmus [--json] FILE|DIR...     run the kernel's C litmus tests on the simulator\n"
	"  --version                       the version, the build, the backends it has\n"
	"VMLOCK_BACKEND=model|kernel: the lock the runs drive (default: model; kernel: the\n"
	"  kernel tree's own files, in builds configured with VMLOCK_KERNEL_SRC).\n"
	"VMLOCK_VARIANT=<name> selects a bug variant (default: the correct lock).\n"
	"VMLOCK_MEMORY=sc turns the weak-memory simulation off (default: weak).\n"
	"VMLOCK_EXPLORE=prng|pct: the explore bit adds only that schedule (default: both).\n";

int die_usage(void)
{
	fputs(usage, stderr);
	return 2;
}

static bool is_vmt(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".vmt") == 0;
}

/* Reads at most cap - 1 bytes and a NUL; *whole is false if more were left. */
static size_t read_file(const char *path, char *buf, size_t cap, bool *whole)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "vmlock: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	size_t n = fread(buf, 1, cap - 1, f);

	*whole = n < cap - 1 || fgetc(f) == EOF;
	if (ferror(f)) {	/* a directory, an I/O error */
		fprintf(stderr, "vmlock: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fclose(f);
	buf[n] = 0;
	return n;
}

/* A malformed .vmt: "FILE:LINE:COL: what", the parser's format, exit 2. */
static void __attribute__((noreturn))
bad_text(const char *path, const char *buf, size_t off, const char *what)
{
	unsigned long line = 1;
	size_t bol = 0;

	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n') {
			line++;
			bol = i + 1;
		}
	fprintf(stderr, "%s:%lu:%zu: %s\n", path, line, off - bol + 1, what);
	exit(2);
}

void load(const char *path, struct vmt_program *p, struct vmt_meta *meta)
{
	static char buf[MAX_FILE];
	bool whole;
	size_t n = read_file(path, buf, sizeof(buf), &whole);

	memset(meta, 0, sizeof(*meta));
	if (!is_vmt(path)) {
		/* The decoder reads at most VMT_MAX_INPUT bytes anyway. */
		vmt_decode((const uint8_t *)buf, n, p);
		return;
	}
	char err[256];
	size_t len = strlen(buf);

	/* The parser reads a C string: a NUL would silently end the file. */
	if (len != n)
		bad_text(path, buf, len, "NUL byte (expected text)");
	if (!whole)
		bad_text(path, buf, n, "file too long (expected at most 1 MiB)");
	if (vmt_parse(buf, p, meta, err, sizeof(err))) {
		fprintf(stderr, "%s:%s\n", path, err);
		exit(2);
	}
}

/* The verdict a .vmt expects for the running variant, or NULL. */
static const char *expected(const struct vmt_meta *meta, enum variant v)
{
	const char *name = v == V_NONE ? "" : variant_info(v)->name;

	for (unsigned i = 0; i < meta->nexpect; i++)
		if (strcmp(meta->expect[i].variant, name) == 0)
			return meta->expect[i].verdict;
	return NULL;
}

struct replay_ctx {
	bool check_expect;
	unsigned files, bugs, checked, mismatches;
};

static void replay_one(struct replay_ctx *c, const char *path)
{
	struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	struct sim_result res;
	unsigned which;

	load(path, &p, &meta);
	harness_opts_from_env(&o);
	harness_run_input(&p, &o, &res, &which);
	c->files++;
	const char *got = verdict_name(res.verdict);
	const char *want = expected(&meta, o.variant);

	/* The correct lock must replay every input clean, stated or not. */
	if (!want && o.variant == V_NONE)
		want = "clean";
	if (c->check_expect && want)
		c->checked++;
	if (c->check_expect && want && strcmp(want, got) != 0) {
		c->mismatches++;
		printf("%s: %s, expected %s: %s\n", path, got, want, res.msg);
	} else if (res.verdict != VERDICT_CLEAN) {
		printf("%s: %s: %s\n", path, got, res.msg);
	}
	if (res.verdict != VERDICT_CLEAN)
		c->bugs++;
}

static void replay_cb(void *arg, const char *path)
{
	replay_one(arg, path);
}

static int cmd_replay(int argc, char **argv)
{
	struct replay_ctx c = { 0 };
	int i = 0;

	if (i < argc && strcmp(argv[i], "--expect") == 0) {
		c.check_expect = true;
		i++;
	}
	if (i >= argc)
		return die_usage();
	for (; i < argc; i++)
		for_each_input(argv[i], replay_cb, &c);
	if (c.check_expect) {
		/* A variant must have at least one repro that names it. */
		printf("%u inputs, %u with an expectation: %u as expected, %u not\n",
		       c.files, c.checked, c.checked - c.mismatches, c.mismatches);
		return c.mismatches || !c.checked ? 1 : 0;
	}
	printf("%u inputs, %u clean, %u with a violation\n", c.files,
	       c.files - c.bugs, c.bugs);
	return c.bugs ? 1 : 0;
}

static void hash_cb(void *arg, const char *path)
{
	struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	struct sim_result res;
	unsigned which;

	(void)arg;
	load(path, &p, &meta);
	harness_opts_from_env(&o);
	harness_run_input(&p, &o, &res, &which);
	printf("%016llx %s %u %s\n", (unsigned long long)res.hash,
	       verdict_name(res.verdict), res.steps, path);
}

static int cmd_hash(int argc, char **argv)
{
	if (argc < 1)
		return die_usage();
	for (int i = 0; i < argc; i++)
		for_each_input(argv[i], hash_cb, NULL);
	return 0;
}

static void print_program(const struct vmt_program *p,
			  const struct vmt_meta *meta)
{
	static char text[1 << 16];

	vmt_print(p, meta, text, sizeof(text));
	fputs(text, stdout);
}

static int cmd_trace(int argc, char **argv)
{
	struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	struct sim_result res;

	bool all = argc == 2 && strcmp(argv[0], "--all") == 0;

	if (argc != 1 && !all)
		return die_usage();
	load(argv[argc - 1], &p, &meta);
	harness_opts_from_env(&o);
	harness_trace_input(&p, &o, &res);
	print_program(&p, &meta);
	printf("\n");
	if (res.verdict != VERDICT_CLEAN) {
		harness_report(stdout, &p, &o, &res, argv[argc - 1]);
		return 1;
	}
	harness_print_trace(stdout, &p, all);
	printf("\nclean: %u steps, %u context switches, trace hash %016llx%s\n",
	       res.steps, res.switches, (unsigned long long)res.hash,
	       res.truncated ? " (cut by the step budget)" : "");
	harness_print_state(stdout);
	return 0;
}

static int cmd_encode(int argc, char **argv)
{
	struct vmt_program p;
	struct vmt_meta meta;
	uint8_t out[VMT_MAX_INPUT];

	if (argc != 2)
		return die_usage();
	load(argv[0], &p, &meta);
	size_t n = vmt_encode(&p, out, sizeof(out));
	FILE *f = fopen(argv[1], "wb");

	if (!n || !f || fwrite(out, 1, n, f) != n) {
		fprintf(stderr, "vmlock: cannot write %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	return 0;
}

static int cmd_decode(int argc, char **argv)
{
	struct vmt_program p;
	struct vmt_meta meta;

	if (argc != 1)
		return die_usage();
	load(argv[0], &p, &meta);
	print_program(&p, &meta);
	return 0;
}

static int cmd_minimize(int argc, char **argv)
{
	struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	struct sim_result res;

	if (argc != 1)
		return die_usage();
	load(argv[0], &p, &meta);
	harness_opts_from_env(&o);
	if (!harness_settle(&p, &o, &res)) {
		fprintf(stderr, "vmlock: %s fails only under a derived schedule too long to write down\n",
			argv[0]);
		return 2;
	}
	if (res.verdict == VERDICT_CLEAN) {
		fprintf(stderr, "vmlock: %s runs clean: nothing to minimize\n", argv[0]);
		return 2;
	}
	p.explore = 0;		/* settled: its own schedule fails */
	unsigned before_ops = vmt_program_nops(&p), before_runs = p.nsched;
	unsigned tries = harness_minimize(&p, &o);

	o.trace = true;
	harness_run(&p, &o, &res);
	printf("# minimized: %u -> %u ops, %u -> %u schedule runs, %u candidates run\n",
	       before_ops, vmt_program_nops(&p), before_runs, p.nsched, tries);
	print_program(&p, NULL);
	printf("\n");
	harness_report(stdout, &p, &o, &res, argv[0]);
	return 1;
}

static int cmd_variants(void)
{
	struct harness_opts o;
	char be[96];

	harness_opts_from_env(&o);
	harness_backend_name(&o, be, sizeof(be));
	/* On stderr: scripts read the list's first column. */
	fprintf(stderr, "backend %s (VMLOCK_BACKEND)\n", be);
	for (unsigned v = 1; v < V__COUNT; v++) {
		const struct variant_info *vi = variant_info((enum variant)v);
		bool kernel = backend_kernel(vi->name) != NULL;

		printf("%-22s %s  %s%s\n", vi->name, vi->seed, vi->change,
		       o.backend == BACKEND_KERNEL && kernel ?
		       " [kernel/patches/ copy]" : "");
	}
	return 0;
}

static int cmd_version(void)
{
	printf("vmlock %s (build %s, engine %s, %s)\n", VMLOCK_VERSION,
	       VMLOCK_BUILD_TYPE, VMLOCK_ENGINE_NAME, VMLOCK_COMPILER);
	backend_describe(stdout);
	return 0;
}

/* Random run-length schedules for p: the strategy the fuzzer's bytes
 * drive, with a PRNG choosing the runs instead of a fuzzer. */
static void random_schedule(struct vmt_program *p, uint64_t *rng)
{
	p->nsched = (uint8_t)(1 + prng_next(rng) % 12);
	for (unsigned i = 0; i < p->nsched; i++) {
		uint64_t r = prng_next(rng);

		p->sched[i].thread = (uint8_t)(r % p->nthreads);
		p->sched[i].steps = (uint8_t)(1 + (r >> 8) % 64);
	}
}

struct explore_opts {
	struct harness_opts h;
	bool runs;		/* random run-length schedules */
	unsigned long count;
	unsigned preemptions;	/* exhaustive: the bound k */
};

/* Returns the index of the FILE argument, or -1. */
static int explore_parse(int argc, char **argv, struct explore_opts *e)
{
	int i;

	harness_opts_from_env(&e->h);
	e->runs = true;
	e->count = 10000;
	e->preemptions = 2;
	for (i = 0; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--strategy") == 0) {
			e->runs = strcmp(v, "runs") == 0;
			e->h.strategy = strcmp(v, "pct") == 0 ? HS_PCT :
					strcmp(v, "prng") == 0 ? HS_PRNG :
					strcmp(v, "exhaustive") == 0 ? HS_DFS : HS_BYTES;
			if (!e->runs && e->h.strategy == HS_BYTES)
				return -1;	/* unknown strategy */
		} else if (strcmp(k, "--preemptions") == 0) {
			e->preemptions = (unsigned)strtoul(v, NULL, 0);
		} else if (strcmp(k, "--depth") == 0) {
			e->h.pct_depth = (unsigned)strtoul(v, NULL, 0);
		} else if (strcmp(k, "--seed") == 0) {
			e->h.seed = strtoull(v, NULL, 0);
		} else if (strcmp(k, "--runs") == 0) {
			e->count = strtoul(v, NULL, 0);
		} else {
			break;
		}
	}
	if (i != argc - 1 || e->h.pct_depth < 1 || e->h.pct_depth > 8)
		return -1;
	return i;
}

/*
 * Every schedule of the program with at most k preemptions: a violation
 * (printed with its schedule), or a proof of absence up to the bound.
 */
static int explore_exhaustive(struct vmt_program *p, struct explore_opts *e)
{
	static struct strat_dfs dfs;
	struct sim_result res;
	unsigned long n = 0;

	strat_dfs_init(&dfs, e->preemptions);
	e->h.dfs = &dfs;
	do {
		harness_run(p, &e->h, &res);
		n++;
		if (res.verdict != VERDICT_CLEAN) {
			printf("# schedule %lu: %s: %s\n", n, verdict_name(res.verdict),
			       res.msg);
			e->h.record = true;
			harness_run(p, &e->h, &res);
			if (!harness_recorded(p)) {
				printf("# (schedule too long for the encoding)\n");
				return 1;
			}
			print_program(p, NULL);
			return 1;
		}
	} while (n < e->count && strat_dfs_next(&dfs));
	bool complete = n < e->count || !strat_dfs_next(&dfs);

	printf("%lu schedules with at most %u preemptions: no violation (%s)\n",
	       n, e->preemptions,
	       dfs.overflow ? "incomplete: a run had more decision points than recorded" :
	       complete ? "complete: every such schedule ran" :
	       "incomplete: --runs reached");
	return 0;
}

static int cmd_explore(int argc, char **argv)
{
	struct explore_opts e;
	struct vmt_program p;
	struct vmt_meta meta;
	struct sim_result res;
	int file = explore_parse(argc, argv, &e);

	if (file < 0)
		return die_usage();
	load(argv[file], &p, &meta);
	if (e.h.strategy == HS_DFS)
		return explore_exhaustive(&p, &e);
	uint64_t seed0 = e.h.seed, rng = e.h.seed;

	for (unsigned long r = 0; r < e.count; r++) {
		e.h.seed = seed0 + r;
		if (e.runs)
			random_schedule(&p, &rng);
		harness_run(&p, &e.h, &res);
		if (res.verdict == VERDICT_CLEAN)
			continue;
		printf("# run %lu (seed %llu): %s: %s\n", r,
		       (unsigned long long)e.h.seed, verdict_name(res.verdict),
		       res.msg);
		if (!e.runs) {
			/* Replay the find with its schedule written down. */
			e.h.record = true;
			harness_run(&p, &e.h, &res);
			if (!harness_recorded(&p)) {
				printf("# (schedule too long for the encoding)\n");
				return 1;
			}
		}
		print_program(&p, NULL);
		return 1;
	}
	printf("%lu runs clean\n", e.count);
	return 0;
}

void for_each_input(const char *path, void (*fn)(void *, const char *),
		    void *arg)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "vmlock: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		fn(arg, path);
		return;
	}
	struct dirent **list;
	int n = scandir(path, &list, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char full[4096];

		if (list[i]->d_name[0] != '.') {
			snprintf(full, sizeof(full), "%s/%s", path, list[i]->d_name);
			for_each_input(full, fn, arg);
		}
		free(list[i]);
	}
	free(list);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return die_usage();
	const char *cmd = argv[1];

	argc -= 2;
	argv += 2;
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc, argv);
	if (strcmp(cmd, "trace") == 0)
		return cmd_trace(argc, argv);
	if (strcmp(cmd, "hash") == 0)
		return cmd_hash(argc, argv);
	if (strcmp(cmd, "encode") == 0)
		return cmd_encode(argc, argv);
	if (strcmp(cmd, "decode") == 0)
		return cmd_decode(argc, argv);
	if (strcmp(cmd, "minimize") == 0)
		return cmd_minimize(argc, argv);
	if (strcmp(cmd, "variants") == 0)
		return cmd_variants();
	if (strcmp(cmd, "--version") == 0)
		return cmd_version();
	if (strcmp(cmd, "explore") == 0)
		return cmd_explore(argc, argv);
	if (strcmp(cmd, "fuzz") == 0)
		return cmd_fuzz(argc, argv);
	if (strcmp(cmd, "litmus") == 0)
		return lit_main(argc, argv);
	return die_usage();
}
