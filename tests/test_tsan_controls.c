/* SPDX-License-Identifier: MIT */
/*
 * test_tsan_controls.c - the verdict tsan-report can fire (tsan build).
 *
 * The harness turns a ThreadSanitizer report during a run the oracles
 * found clean into the verdict tsan-report (src/harness/run.c).  The
 * positive control: a two-reader program run through harness_run, with a
 * race planted where only TSan can see it: each simulated thread writes
 * one word through the model's own access path (san_real_plain_write, the
 * accesses TSan watches) from the feedback hook, with nothing ordering the
 * two writes.  The oracles see no shared field, so the run's verdict must
 * be tsan-report; without the planted writes the same run is clean.
 *
 * Built in the tsan preset only.  The last line is "N passed, M failed".
 */
#include <stdint.h>
#include <string.h>

#include "harness/harness.h"
#include "util/assert.h"
#include "util/sanitizer.h"

#include "testing.h"

#ifndef VMLOCK_TSAN
#error "test_tsan_controls is built with ThreadSanitizer only"
#endif

/* real.c: the model's plain store, as TSan sees it. */
void san_real_plain_write(uintptr_t *p, uintptr_t v);

/* Renewed per run (sanitizer.h): TSan reports an address once. */
static struct {
	uintptr_t word;
} SAN_PAGE_ALIGNED planted;
static bool plant;

static void feedback(uint32_t key)
{
	if (plant)
		san_real_plain_write(&planted.word, key);
}

static const char program_text[] =
	"mm A: 0x1000-0x3000\n"
	"T0 A: fault 0x1000\n"
	"T1 A: fault 0x1000\n";

static void run(bool with_race, struct sim_result *res)
{
	static struct vmt_program p;
	struct vmt_meta meta;
	struct harness_opts o;
	char err[160];

	VM_ASSERT(vmt_parse(program_text, &p, &meta, err, sizeof(err)) == 0);
	harness_opts_default(&o);
	san_fresh_pages(&planted, sizeof(planted));
	plant = with_race;
	sim_hooks.feedback = feedback;
	sim_hooks.feedback_kinds = SIM_FB_REFCNT;
	harness_run(&p, &o, res);
	sim_hooks.feedback = NULL;
	sim_hooks.feedback_kinds = 0;
}

static void test_planted_race_is_the_verdict(void)
{
	struct sim_result res;

	run(true, &res);
	CHECKF(res.verdict == VERDICT_TSAN_REPORT, "the run ended %s: %s",
	       verdict_name(res.verdict), res.msg);
	CHECKF(strstr(res.msg, "ThreadSanitizer reported"), "report: %s", res.msg);
}

static void test_without_the_race_clean(void)
{
	struct sim_result res;

	run(false, &res);
	CHECKF(res.verdict == VERDICT_CLEAN, "the run ended %s: %s",
	       verdict_name(res.verdict), res.msg);
}

int main(void)
{
	static const struct test_case tests[] = {
		{ "planted_race_is_the_verdict", test_planted_race_is_the_verdict },
		{ "without_the_race_clean", test_without_the_race_clean },
	};

	return run_tests(tests, sizeof(tests) / sizeof(tests[0]), NULL);
}
