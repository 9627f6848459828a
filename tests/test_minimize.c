/* SPDX-License-Identifier: MIT */
/*
 * test_minimize.c - harness_minimize() gives 1-minimal repros.
 *
 *   test_minimize CORPUS_DIR          every `expect VARIANT: VERDICT` repro
 *   test_minimize VARIANT FILE...     binary findings (libFuzzer's crash
 *                                     files) under VARIANT
 *
 * Each input is settled (its failing schedule written down) and
 * minimised; the result must fail with the same verdict, and no single
 * step this test makes on its own must keep it: dropping one op, clearing
 * one flag bit, making a two-page op one page, dropping one schedule run,
 * shortening one run by a step, dropping one reads-from choice or making
 * it 0.  The same steps on the inputs before minimising must find
 * something to remove in at least one of them (the check can fail).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/harness/harness.h"

static unsigned failures, checked, reducible_before;

static bool fails_with(const struct vmt_program *p, const struct harness_opts *o,
		       enum verdict v)
{
	struct sim_result res;

	harness_run(p, o, &res);
	return res.verdict == v;
}

static void remove_at(void *base, unsigned *n, unsigned i, size_t size)
{
	char *b = base;

	memmove(b + i * size, b + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
	memset(b + *n * size, 0, size);
}

/* The first single step that keeps verdict v, described in what; false
 * if there is none (p is 1-minimal). */
static bool one_step_keeps(const struct vmt_program *p, const struct harness_opts *o,
			   enum verdict v, char *what, size_t n)
{
	struct vmt_program c;
	unsigned k;

	for (int t = 0; t < p->nthreads; t++)
		for (unsigned i = 0; i < p->threads[t].nops; i++) {
			const struct vmt_op *op = &p->threads[t].ops[i];

			c = *p;
			k = c.threads[t].nops;
			remove_at(c.threads[t].ops, &k, i, sizeof(c.threads[t].ops[0]));
			c.threads[t].nops = (uint8_t)k;
			if (fails_with(&c, o, v))
				return snprintf(what, n, "T%d op %u dropped", t, i), true;
			for (unsigned b = 0; b < 8; b++) {
				c = *p;
				c.threads[t].ops[i].flags &= (uint8_t)~(1u << b);
				if ((op->flags & 1u << b) && fails_with(&c, o, v))
					return snprintf(what, n, "T%d op %u flag %#x cleared", t, i, 1u << b), true;
			}
			c = *p;
			c.threads[t].ops[i].len = 1;
			if (op->len > 1 && fails_with(&c, o, v))
				return snprintf(what, n, "T%d op %u one page", t, i), true;
		}
	for (unsigned i = 0; i < p->nsched; i++) {
		c = *p;
		k = c.nsched;
		remove_at(c.sched, &k, i, sizeof(c.sched[0]));
		c.nsched = (uint8_t)k;
		if (fails_with(&c, o, v))
			return snprintf(what, n, "run %u dropped", i), true;
		c = *p;
		c.sched[i].steps--;
		if (p->sched[i].steps > 1 && fails_with(&c, o, v))
			return snprintf(what, n, "run %u one step shorter", i), true;
	}
	for (unsigned i = 0; i < p->nchoices; i++) {
		c = *p;
		k = c.nchoices;
		remove_at(c.choices, &k, i, 1);
		c.nchoices = (uint8_t)k;
		if (fails_with(&c, o, v))
			return snprintf(what, n, "choice %u dropped", i), true;
		c = *p;
		c.choices[i] = 0;
		if (p->choices[i] && fails_with(&c, o, v))
			return snprintf(what, n, "choice %u made 0", i), true;
	}
	return false;
}

static void check_one(const char *name, struct vmt_program *p, enum variant variant)
{
	struct harness_opts o;
	struct sim_result res;
	char what[128];

	harness_opts_default(&o);
	o.variant = variant;
	if (!harness_settle_shrinking(p, &o, &res) || res.verdict == VERDICT_CLEAN) {
		printf("FAIL %s (%s): does not fail under its own schedule\n", name,
		       variant_info(variant)->name);
		failures++;
		return;
	}
	p->explore = 0;
	enum verdict v = res.verdict;
	unsigned ops = vmt_program_nops(p), runs = p->nsched;

	if (one_step_keeps(p, &o, v, what, sizeof(what)))
		reducible_before++;
	harness_minimize(p, &o);
	checked++;
	if (!fails_with(p, &o, v)) {
		printf("FAIL %s (%s): the result lost %s\n", name, variant_info(variant)->name,
		       verdict_name(v));
		failures++;
	} else if (one_step_keeps(p, &o, v, what, sizeof(what))) {
		printf("FAIL %s (%s): not 1-minimal, %s keeps %s\n", name,
		       variant_info(variant)->name, what, verdict_name(v));
		failures++;
	} else {
		printf("%-40s %-20s %-20s %u -> %u ops, %u -> %u runs\n", name,
		       variant_info(variant)->name, verdict_name(v), ops,
		       vmt_program_nops(p), runs, p->nsched);
	}
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 16];

	if (!f)
		return NULL;
	*n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[*n] = 0;
	fclose(f);
	return buf;
}

static void check_vmt(const char *path)
{
	size_t n;
	char *text = slurp(path, &n), err[256];
	struct vmt_program p;
	struct vmt_meta meta;

	if (!text || vmt_parse(text, &p, &meta, err, sizeof(err))) {
		printf("FAIL %s: cannot read\n", path);
		failures++;
		return;
	}
	for (unsigned i = 0; i < meta.nexpect; i++) {
		enum variant v = variant_from_name(meta.expect[i].variant);
		struct vmt_program q = p;

		if (!meta.expect[i].variant[0] || strcmp(meta.expect[i].verdict, "clean") == 0)
			continue;
		check_one(path, &q, v);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2) {
		struct dirent **list;
		int n = scandir(argv[1], &list, NULL, alphasort);

		for (int i = 0; i < n; i++) {
			size_t l = strlen(list[i]->d_name);
			char path[4096];

			if (l > 4 && strcmp(list[i]->d_name + l - 4, ".vmt") == 0) {
				snprintf(path, sizeof(path), "%s/%s", argv[1], list[i]->d_name);
				check_vmt(path);
			}
			free(list[i]);
		}
		free(list);
	} else if (argc > 2) {
		enum variant v = variant_from_name(argv[1]);

		for (int i = 2; i < argc; i++) {
			size_t n;
			char *d = slurp(argv[i], &n);
			struct vmt_program p;

			if (!d) {
				printf("FAIL %s: cannot read\n", argv[i]);
				failures++;
				continue;
			}
			vmt_decode((const uint8_t *)d, n, &p);
			check_one(argv[i], &p, v);
		}
	}
	if (!reducible_before) {
		printf("FAIL: no input was reducible before minimising: the check cannot fail\n");
		failures++;
	}
	printf("%u repros minimised, %u reducible before, %u failures\n", checked,
	       reducible_before, failures);
	return failures || !checked;
}
