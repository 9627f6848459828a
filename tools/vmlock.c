/* SPDX-License-Identifier: MIT */
/*
 * vmlock - the command line: replay, trace, encode, decode, variants,
 * explore, fuzz (tools/fuzz.c).  Exit status: 0 clean, 1 a violation (or
 * an expectation not met), 2 bad input or usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../src/litmus/litmus.h"
#include "../src/sim/strategy.h"

#define MAX_FILE (1 << 20)

/* Each command's synopsis, as `vmlock help CMD` prints it. */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const char env_help[] =
	"VMLOCK_BACKEND=model|kernel: the lock the runs drive (default: model; kernel: the\n"
	"  kernel tree's own files, in builds configured with VMLOCK_KERNEL_SRC).\n"
	"VMLOCK_VARIANT=<name> selects a bug variant (default: the correct lock).\n"
	"VMLOCK_MEMORY=sc turns the weak-memory simulation off (default: weak).\n"
	"VMLOCK_EXPLORE=prng|pct: the explore bit adds only that schedule (default: both).\n"
	"VMLOCK_LAYOUT=columns|compact: the trace's layout (default: columns for up to\n"
	"  two CPUs, within 80 columns; compact, one line per event, for more).\n"
	"A file vmlock writes carries its settings (FILE.vmlock beside a binary\n"
	"input, a '# replay:' line in a .vmt); a variable set by the user wins.\n"
	"Exit status: 0 clean, 1 a violation, 2 bad input or usage.\n";

static void print_usage(FILE *out);

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vmlock: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	print_usage(stderr);
	return 2;
}

bool parse_number(const char *v, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 0);
	return !errno && *v && !*end && *v != '-';
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

/* Text a person wrote (a README, a .vmt without its name): every byte
 * printable or a blank, and more than a few of them.  Binary inputs start
 * with the format's version byte, which is not printable. */
static bool looks_like_text(const char *buf, size_t n)
{
	if (n < 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(buf[i] >= 0x20 && buf[i] < 0x7f) && !strchr("\t\n\r", buf[i]))
			return false;
	return true;
}

static void parse_text(const char *path, const char *buf, size_t n, bool whole,
		       struct vmt_program *p, struct vmt_meta *meta)
{
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

/* A file not named .vmt: its bytes decoded, unless it is .vmt text
 * after all; a warning says how anything implausible was read. */
static void load_binary(const char *path, const char *buf, size_t n,
			bool whole, struct vmt_program *p, struct vmt_meta *meta)
{
	struct vmt_program tp;
	struct vmt_meta tm;
	char err[256];

	if (looks_like_text(buf, n) && whole && vmt_parse(buf, &tp, &tm, err, sizeof(err)) == 0) {
		fprintf(stderr, "vmlock: warning: %s is .vmt text without the .vmt name: read as .vmt\n",
			path);
		*p = tp;
		*meta = tm;
		return;
	}
	if (looks_like_text(buf, n) || n > VMT_MAX_INPUT)
		fprintf(stderr, "vmlock: warning: %s is neither .vmt text (no .vmt name, %s) nor a plausible binary input (%zu%s bytes%s): read as binary, its first %d bytes decoded\n",
			path, looks_like_text(buf, n) ? "does not parse" : "not text",
			n, whole ? "" : "+", looks_like_text(buf, n) ? " of text" : "",
			VMT_MAX_INPUT);
	/* The decoder reads at most VMT_MAX_INPUT bytes anyway. */
	vmt_decode((const uint8_t *)buf, n, p);
}

void load(const char *path, struct vmt_program *p, struct vmt_meta *meta)
{
	static char buf[MAX_FILE];
	bool whole;
	size_t n = read_file(path, buf, sizeof(buf), &whole);

	memset(meta, 0, sizeof(*meta));
	if (is_vmt(path)) {
		parse_text(path, buf, n, whole, p, meta);
		replay_env_apply(path, buf, true);
		return;
	}
	load_binary(path, buf, n, whole, p, meta);
	replay_env_apply(path, buf, meta->nexpect || looks_like_text(buf, n));
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
	unsigned unstated;	/* failures under a variant no line names */
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
	} else if (c->check_expect && !want && res.verdict != VERDICT_CLEAN) {
		/* A variant's failure nobody wrote down is not a pass. */
		c->unstated++;
		printf("%s: %s under %s, and no 'expect %s:' line: %s\n", path,
		       got, variant_info(o.variant)->name,
		       variant_info(o.variant)->name, res.msg);
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
	if (i < argc && argv[i][0] == '-')
		return usage_error("replay: unknown option '%s'", argv[i]);
	if (i >= argc)
		return usage_error("replay: no FILE or DIR given");
	for (; i < argc; i++)
		for_each_input(argv[i], replay_cb, &c);
	if (c.check_expect) {
		/* A variant must have at least one repro that names it. */
		printf("%u inputs, %u with an expectation: %u as expected, %u not",
		       c.files, c.checked, c.checked - c.mismatches, c.mismatches);
		if (c.unstated)
			printf("; %u failed with none", c.unstated);
		printf("\n");
		return c.mismatches || c.unstated || !c.checked ? 1 : 0;
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
		return usage_error("hash: no FILE or DIR given");
	if (argv[0][0] == '-')
		return usage_error("hash: unknown option '%s'", argv[0]);
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

	if (argc >= 1 && argv[0][0] == '-' && !all)
		return usage_error("trace: unknown option '%s'", argv[0]);
	if (argc != 1 && !all)
		return usage_error("trace: one FILE expected, %d arguments given", argc);
	load(argv[argc - 1], &p, &meta);
	harness_opts_from_env(&o);
	harness_trace_input(&p, &o, &res);
	print_program(&p, &meta);
	printf("\n");
	if (res.verdict != VERDICT_CLEAN) {
		harness_report(stdout, &p, &o, &res, argv[argc - 1]);
		if (all) {	/* the report's trace leaves reads out */
			printf("\nevery access:\n");
			harness_print_trace(stdout, &p, true);
		}
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
		return usage_error("encode: IN.vmt and OUT expected, %d arguments given", argc);
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
		return usage_error("decode: one IN expected, %d arguments given", argc);
	load(argv[0], &p, &meta);
	print_program(&p, &meta);
	return 0;
}

/* FILE.min.vmt for FILE or FILE.vmt. */
static void minimized_name(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in);

	if (is_vmt(in))
		n -= 4;
	snprintf(out, cap, "%.*s.min.vmt", (int)n, in);
}

/* The repro as .vmt: its settings and provenance as comments, then the
 * program with the verdict it expects under its variant. */
static void print_repro(FILE *out, const struct vmt_program *p,
			const struct harness_opts *o, enum verdict v,
			const char *from, unsigned before_ops, unsigned before_runs,
			unsigned tries)
{
	static char text[1 << 16];
	struct vmt_meta meta = { .nexpect = 1 };
	char env[160];

	harness_replay_env(o, env, sizeof(env));
	snprintf(meta.expect[0].variant, sizeof(meta.expect[0].variant), "%s",
		 o->variant == V_NONE ? "" : variant_info(o->variant)->name);
	snprintf(meta.expect[0].verdict, sizeof(meta.expect[0].verdict), "%s",
		 verdict_name(v));
	vmt_print(p, &meta, text, sizeof(text));
	fprintf(out, "%s%s\n", REPLAY_COMMENT, env);
	fprintf(out, "# minimized from %s: %u -> %u ops, %u -> %u schedule runs, %u candidates run\n",
		from, before_ops, vmt_program_nops(p), before_runs, p->nsched, tries);
	fputs(text, out);
}

static int cmd_minimize(int argc, char **argv)
{
	struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	struct sim_result res;
	char name[4096];

	if (argc != 1)
		return usage_error("minimize: one FILE expected, %d arguments given", argc);
	load(argv[0], &p, &meta);
	harness_opts_from_env(&o);
	if (!harness_settle_shrinking(&p, &o, &res)) {
		fprintf(stderr, "vmlock: %s fails only under a derived schedule too long to write down, even shrunk\n",
			argv[0]);
		return 2;
	}
	if (res.verdict == VERDICT_CLEAN) {
		fprintf(stderr, "vmlock: %s runs clean under VMLOCK_VARIANT=%s: nothing to minimize\n",
			argv[0], variant_info(o.variant)->name);
		return EXIT_NOTHING_TO_MINIMIZE;
	}
	p.explore = 0;		/* settled: its own schedule fails */
	unsigned before_ops = vmt_program_nops(&p), before_runs = p.nsched;
	unsigned tries = harness_minimize(&p, &o);

	o.trace = true;
	harness_run(&p, &o, &res);
	minimized_name(argv[0], name, sizeof(name));
	FILE *f = fopen(name, "w");

	if (!f) {
		fprintf(stderr, "vmlock: %s: %s\n", name, strerror(errno));
		return 2;
	}
	print_repro(f, &p, &o, res.verdict, argv[0], before_ops, before_runs, tries);
	if (fclose(f) != 0) {
		fprintf(stderr, "vmlock: %s: %s\n", name, strerror(errno));
		return 2;
	}
	print_repro(stdout, &p, &o, res.verdict, argv[0], before_ops, before_runs, tries);
	printf("\n");
	harness_report(stdout, &p, &o, &res, name);
	return 0;
}

static int cmd_variants(int argc, char **argv)
{
	if (argc)
		return usage_error("variants: no arguments expected, '%s' given", argv[0]);
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

/* One option and its value into e; a usage error's status, or 0. */
static int explore_option(const char *k, const char *v, struct explore_opts *e)
{
	unsigned long long n;

	if (strcmp(k, "--strategy") == 0) {
		e->runs = strcmp(v, "runs") == 0;
		e->h.strategy = strcmp(v, "pct") == 0 ? HS_PCT :
				strcmp(v, "prng") == 0 ? HS_PRNG :
				strcmp(v, "exhaustive") == 0 ? HS_DFS : HS_BYTES;
		if (!e->runs && e->h.strategy == HS_BYTES)
			return usage_error("explore: bad value '%s' for --strategy (expected runs, prng, pct or exhaustive)", v);
		return 0;
	}
	if (strcmp(k, "--preemptions") != 0 && strcmp(k, "--depth") != 0 &&
	    strcmp(k, "--seed") != 0 && strcmp(k, "--runs") != 0 &&
	    strcmp(k, "--windows") != 0)
		return usage_error("explore: unknown option '%s'", k);
	if (!parse_number(v, &n))
		return usage_error("explore: bad value '%s' for %s (expected a whole number)", v, k);
	if (strcmp(k, "--preemptions") == 0)
		e->preemptions = (unsigned)n;
	else if (strcmp(k, "--depth") == 0 && (n < 1 || n > 8))
		return usage_error("explore: bad value '%s' for --depth (expected 1..8)", v);
	else if (strcmp(k, "--depth") == 0)
		e->h.pct_depth = (unsigned)n;
	else if (strcmp(k, "--windows") == 0 && n > 1000000)
		return usage_error("explore: bad value '%s' for --windows (expected 0..1000000)", v);
	else if (strcmp(k, "--windows") == 0)
		e->h.pct_windows = (unsigned)n;
	else if (strcmp(k, "--seed") == 0)
		e->h.seed = n;
	else
		e->count = (unsigned long)n;
	return 0;
}

/* The index of the FILE argument, or minus a usage error's status. */
static int explore_parse(int argc, char **argv, struct explore_opts *e)
{
	int i, rc;

	harness_opts_from_env(&e->h);
	e->runs = true;
	e->count = 10000;
	e->preemptions = 2;
	for (i = 0; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 == argc)
			return -usage_error("explore: %s needs a value", argv[i]);
		if ((rc = explore_option(argv[i], argv[i + 1], e)) != 0)
			return -rc;
	}
	if (i != argc - 1)
		return -usage_error("explore: one FILE expected after the options, %d given", argc - i);
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
	struct harness_opts env;
	int file = explore_parse(argc, argv, &e);

	if (file < 0)
		return -file;
	load(argv[file], &p, &meta);
	/* The settings the file carries, read after it. */
	harness_opts_from_env(&env);
	e.h.variant = env.variant;
	e.h.sc_only = env.sc_only;
	e.h.explore = env.explore;
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

		if (list[i]->d_name[0] != '.' && !is_sidecar(list[i]->d_name)) {
			snprintf(full, sizeof(full), "%s/%s", path, list[i]->d_name);
			for_each_input(full, fn, arg);
		}
		free(list[i]);
	}
	free(list);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VMLOCK_HAS_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define VMLOCK_HAS_TSAN 1
#endif
#if __has_feature(memory_sanitizer)
#define VMLOCK_HAS_MSAN 1
#endif
#endif

/*
 * The version, the backend and the build, in one place: a backend adds
 * its own line here (the kernel backend, the kernel's version).
 */
static int print_version(FILE *out)
{
	fprintf(out, "vmlock %s\n", VMLOCK_VERSION);
	backend_describe(out);
	fprintf(out, "build: %s %s, %s, sanitizers:%s%s%s%s\n",
#ifdef __clang__
		"clang",
#else
		"gcc",
#endif
		__VERSION__, VMLOCK_BUILD_TYPE,
#if defined(__SANITIZE_ADDRESS__) || defined(VMLOCK_HAS_ASAN)
		" address",
#else
		"",
#endif
#if defined(__SANITIZE_THREAD__) || defined(VMLOCK_HAS_TSAN)
		" thread",
#else
		"",
#endif
#ifdef VMLOCK_HAS_MSAN
		" memory",
#else
		"",
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(VMLOCK_HAS_ASAN) && \
    !defined(__SANITIZE_THREAD__) && !defined(VMLOCK_HAS_TSAN) && !defined(VMLOCK_HAS_MSAN)
		" none"
#else
		""
#endif
		);
	return 0;
}

static const struct command commands[] = {
	{ "replay", cmd_replay,
	  "  replay [--expect] FILE|DIR...   run inputs (.vmt text or binary); exit 1 on a violation\n"
	  "                                  --expect: check each .vmt's 'expect' line for the variant\n"
	  "                                  (a failure with no line for the variant does not pass)\n" },
	{ "trace", cmd_trace,
	  "  trace [--all] FILE              print the program and its interleaving, even when clean\n"
	  "                                  --all: every access, reads and fences too (after the\n"
	  "                                  report when the run fails)\n" },
	{ "hash", cmd_hash,
	  "  hash FILE|DIR...                print each input's verdict and trace hash\n" },
	{ "encode", cmd_encode,
	  "  encode IN.vmt OUT               write the binary form\n" },
	{ "decode", cmd_decode,
	  "  decode IN                       print the .vmt text of a binary input\n" },
	{ "minimize", cmd_minimize,
	  "  minimize FILE                   shrink a failing input keeping its verdict, until no\n"
	  "                                  op, flag, schedule run or choice can go or be simpler;\n"
	  "                                  write FILE.min.vmt (settings, expect line), print it\n"
	  "                                  and its trace; exit 0, 3 if FILE runs clean\n" },
	{ "variants", cmd_variants,
	  "  variants                        list the bug variants\n" },
	{ "explore", cmd_explore,
	  "  explore [--strategy runs|prng|pct|exhaustive] [--depth D] [--windows Q] [--seed S]\n"
	  "          [--runs N] [--preemptions K] FILE\n"
	  "                                  search schedules of one program; exit 1 at the first\n"
	  "                                  violation, printed as a program with its schedule;\n"
	  "                                  pct: depth D, and with Q > 0 a drop of the thread\n"
	  "                                  below all at a lifetime window one time in Q;\n"
	  "                                  exhaustive: every schedule with at most K (2)\n"
	  "                                  preemptions, up to N runs\n" },
	{ "fuzz", cmd_fuzz, fuzz_usage },
	{ "litmus", lit_main,
	  "  litmus [--json] FILE|DIR...     run the kernel's C litmus tests on the simulator\n" },
	{ NULL, NULL, NULL },
};

static void print_usage(FILE *out)
{
	fputs("usage: vmlock COMMAND [ARGS]    (vmlock help COMMAND, vmlock --version)\n", out);
	for (const struct command *c = commands; c->name; c++)
		fputs(c->help, out);
	fputs(env_help, out);
}

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static bool is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* vmlock help [CMD]: to stdout, exit 0. */
static int help(int argc, char **argv)
{
	const struct command *c = argc ? find_command(argv[0]) : NULL;

	if (argc > 1)
		return usage_error("help: one COMMAND expected, %d given", argc);
	if (argc && !c)
		return usage_error("help: unknown command '%s'", argv[0]);
	if (!c) {
		print_usage(stdout);
		return 0;
	}
	printf("usage: vmlock %s ...\n%s%s", c->name, c->help, env_help);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("no command given");
	const char *cmd = argv[1];
	const struct command *c = find_command(cmd);

	if (is_help(cmd) || strcmp(cmd, "help") == 0)
		return help(argc - 2, argv + 2);
	if (strcmp(cmd, "--version") == 0)
		return print_version(stdout);
	if (!c)
		return usage_error(cmd[0] == '-' ? "unknown option '%s'" : "unknown command '%s'", cmd);
	if (argc > 2 && is_help(argv[2]))
		return help(1, argv + 1);
	return c->fn(argc - 2, argv + 2);
}
