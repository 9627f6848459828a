/* SPDX-License-Identifier: MIT */
/*
 * tsan_report.c - ThreadSanitizer's findings as a verdict (tsan build).
 *
 * TSan prints its report and goes on; halt_on_error would deadlock under
 * libFuzzer (toolchain.md).  Its report hook counts instead, and the
 * harness turns a report during a run the oracles found clean into the
 * verdict tsan-report, so the fuzz target aborts from its own context
 * and the replay tool exits 1.  Equal reports are not suppressed: the
 * traced re-run of a finding must report it again.
 */
#include "harness.h"
#include "../util/sanitizer.h"

#ifdef VMLOCK_TSAN
static volatile unsigned reports;

/* Called inside TSan's reporting: it must not be instrumented. */
void __tsan_on_report(void *report);
__attribute__((no_sanitize("thread")))
void __tsan_on_report(void *report)
{
	(void)report;
	reports++;
}

/* Runs while TSan initialises: it must not be instrumented. */
const char *__tsan_default_options(void);
__attribute__((no_sanitize("thread")))
const char *__tsan_default_options(void)
{
	/* exitcode=0: a report is already a verdict (or a note on one),
	 * and the tools' own exit status says so. */
	return "suppress_equal_stacks=0:suppress_equal_addresses=0:"
	       "report_signal_unsafe=0:exitcode=0";
}

unsigned harness_tsan_reports(void)
{
	return reports;
}
#else
unsigned harness_tsan_reports(void)
{
	return 0;
}
#endif
