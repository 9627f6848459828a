/* SPDX-License-Identifier: MIT */
/*
 * cli.c - vmlock litmus [--json] [--max-execs N] FILE|DIR...
 *
 * One line per test: its name, our verdict for the condition (Never,
 * Sometimes, Always), the executions that satisfy it of all explored, the
 * expected verdict (the file's Result: line) and ok or DISAGREE; a test
 * with a primitive the simulator cannot express prints "unsupported: what"
 * and no verdict; so does a test whose verdict is Never or Always where
 * an execution the simulator never produces could change it
 * ("unsupported: load buffering (...)" and the other blind spots of
 * blind.c; our verdict follows in
 * parentheses, in --json as "verdict").  Directories are walked in name
 * order for *.litmus.  Exit status: 2 if a file cannot be read or parsed
 * (file:line:col: what was expected, on stderr), else 1 if a verdict
 * disagrees, else 0: unsupported tests are not checked.
 */
#include "interp.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sim/sim.h"

struct opts {
	bool json;
	unsigned long max_execs;
	int status;
	unsigned ntests, nagree, ndisagree, nunsupported, nnone;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void json_prims(const struct lit_test *t)
{
	bool first = true;

	fputs(",\"primitives\":[", stdout);
	for (int i = 0; i < lit_nprims(); i++) {
		if (!(t->prims_used[i / 64] & (1ull << (i % 64))))
			continue;
		if (!first)
			putchar(',');
		json_str(lit_prim(i)->name);
		first = false;
	}
	putchar(']');
}

static void report(struct opts *o, const struct lit_test *t, const char *status,
		   const struct lit_result *r, const char *why)
{
	if (o->json) {
		fputs("{\"file\":", stdout);
		json_str(t->path);
		fputs(",\"name\":", stdout);
		json_str(t->name);
		fputs(",\"status\":", stdout);
		json_str(status);
		if (r) {
			printf(",\"verdict\":\"%s\",\"sat\":%lu,\"execs\":%lu,\"filtered\":%lu,\"blocked\":%lu",
			       r->verdict, r->sat, r->execs, r->filtered, r->blocked);
		}
		fputs(",\"expected\":", stdout);
		json_str(t->expected);
		if (why) {
			fputs(",\"unsupported\":", stdout);
			json_str(why);
		}
		json_prims(t);
		puts("}");
		return;
	}
	if (why) {
		printf("%-56s unsupported: %s", t->name, why);
		if (r)
			printf(" (ours %s %lu/%lu)", r->verdict, r->sat, r->execs);
		putchar('\n');
		return;
	}
	char frac[48];

	snprintf(frac, sizeof(frac), "%lu/%lu", r->sat, r->execs);
	printf("%-56s %-9s %15s  expected %-9s %s\n", t->name, r->verdict, frac,
	       t->expected[0] ? t->expected : "-", status);
}

static bool is_verdict(const char *w)
{
	return !strcmp(w, "Never") || !strcmp(w, "Sometimes") || !strcmp(w, "Always");
}

static void run_file(struct opts *o, const char *path)
{
	static struct lit_test t;
	struct lit_result r;
	char err[256];
	char *text = slurp(path);

	if (!text) {
		fprintf(stderr, "%s: cannot read\n", path);
		o->status = 2;
		return;
	}
	lit_arena_reset();
	int rc = lit_parse(path, text, &t, err, sizeof(err));

	free(text);
	o->ntests++;
	if (t.unsupported[0]) {
		o->nunsupported++;
		report(o, &t, "unsupported", NULL, t.unsupported);
		return;
	}
	if (rc != 0) {
		fprintf(stderr, "%s\n", err);
		o->status = 2;
		return;
	}
	lit_find_deps(&t);
	lit_explore(&t, o->max_execs, &r);
	if (r.error[0]) {
		o->nunsupported++;
		report(o, &t, "unsupported", NULL, r.error);
		return;
	}
	char why[200];

	if (strcmp(r.verdict, "Sometimes") != 0 && lit_blind_spot(&t, why, sizeof(why))) {
		/* An execution we never produce could be the one that turns
		 * Never or Always into Sometimes: no verdict. */
		o->nunsupported++;
		report(o, &t, "unsupported", &r, why);
		return;
	}
	const char *status = "ok";

	if (!is_verdict(t.expected)) {
		status = "no-expectation";
		o->nnone++;
	} else if (strcmp(t.expected, r.verdict) != 0) {
		status = "DISAGREE";
		o->ndisagree++;
		if (o->status == 0)
			o->status = 1;
	} else {
		o->nagree++;
	}
	report(o, &t, status, &r, NULL);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && strcmp(s + n - k, suf) == 0;
}

static void run_path(struct opts *o, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: no such file or directory\n", path);
		o->status = 2;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(o, path);
		return;
	}
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *full = malloc(strlen(path) + strlen(e->d_name) + 2);
		struct stat es;

		sprintf(full, "%s/%s", path, e->d_name);
		if (stat(full, &es) == 0 && (S_ISDIR(es.st_mode) || has_suffix(full, ".litmus"))) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = full;
		} else {
			free(full);
		}
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		run_path(o, names[i]);
		free(names[i]);
	}
	free(names);
}

int lit_main(int argc, char **argv)
{
	struct opts o = { .max_execs = 5000000 };
	int i = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			o.json = true;
		} else if (strcmp(argv[i], "--max-execs") == 0 && i + 1 < argc) {
			o.max_execs = strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: vmlock litmus [--json] [--max-execs N] FILE|DIR...\n");
			return 2;
		}
	}
	if (i == argc) {
		fprintf(stderr, "usage: vmlock litmus [--json] [--max-execs N] FILE|DIR...\n");
		return 2;
	}
	for (; i < argc; i++)
		run_path(&o, argv[i]);
	if (!o.json)
		printf("%u tests: %u agree, %u disagree, %u unsupported, %u without an expected verdict\n",
		       o.ntests, o.nagree, o.ndisagree, o.nunsupported, o.nnone);
	return o.status;
}
