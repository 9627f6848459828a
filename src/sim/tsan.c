/* SPDX-License-Identifier: MIT */
/*
 * tsan.c - ThreadSanitizer's side of the runtime (tsan build): its report
 * counter, its default options, and the self-check that proves it sees
 * the simulated threads.
 *
 * TSan prints its report and goes on; halt_on_error would deadlock under
 * libFuzzer (toolchain.md).  Its report hook counts instead, and the
 * harness turns a report during a run the oracles found clean into a
 * verdict.  Equal reports are not suppressed: the traced re-run of a
 * finding must report it again.
 *
 * A TSan build can be blind: an ignorelist that matches every file, a
 * fiber switch that synchronises, a file built without -fsanitize=thread.
 * It then reports nothing, and every "no report" reads as a pass.  So
 * each TSan binary plants a race at start-up (san_selfcheck()): it runs
 * itself again as a child process, in which two threads of the binary's
 * own kind write one location without ordering, the child's stderr
 * thrown away; the child's exit status says whether TSan reported it.
 * No report: the binary says so in one line and exits.
 */
#define _GNU_SOURCE
#include "tsan.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	 * and the tools' own exit status says so.  atexit_sleep_ms=0: no
	 * second's wait at exit for threads to report (fibers count as
	 * threads; a finding ends the process on purpose). */
	return "suppress_equal_stacks=0:suppress_equal_addresses=0:"
	       "report_signal_unsafe=0:exitcode=0:atexit_sleep_ms=0";
}

unsigned san_tsan_reports(void)
{
	return reports;
}

/* The child's exit statuses (anything else: the probe did not run). */
enum { PROBE_REPORTED = 0, PROBE_BLIND = 93 };

#define PROBE_CHILD_ENV "VMLOCK_TSAN_PROBE_CHILD"
extern char **environ;

/*
 * The child is this binary run again (a fresh process: one thread, and
 * TSan options of our own, where a fork would inherit the parent's
 * threads, which mute TSan in a forked child, and its options): no
 * symbolizer for the expected report (starting one took a second), no
 * halt, exit code 0.  Its stderr is thrown away unless show.
 */
static int probe_status(bool show)
{
	static char child_env[] = PROBE_CHILD_ENV "=1";
	char opts[1024], *argv[] = { "vmlock-tsan-probe", NULL };
	const char *user = getenv("TSAN_OPTIONS");
	size_t n = 0;
	int st;

	snprintf(opts, sizeof(opts), "TSAN_OPTIONS=%s:symbolize=%d:"
		 "halt_on_error=0:exitcode=0:atexit_sleep_ms=0",
		 user ? user : "", show);
	while (environ[n])
		n++;
	char **env = calloc(n + 3, sizeof(*env));

	if (!env)
		return -1;
	size_t j = 0;

	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TSAN_OPTIONS=", 13))
			env[j++] = environ[i];
	env[j++] = opts;
	env[j++] = child_env;
	env[j] = NULL;
	fflush(NULL);
	pid_t pid = fork();

	if (pid == 0) {
		int null = show ? -1 : open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);	/* the expected report */
		execve("/proc/self/exe", argv, env);
		_exit(127);
	}
	free(env);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void san_selfcheck(void (*plant)(void), const char *what)
{
	const char *env = getenv("VMLOCK_TSAN_PROBE");

	if (getenv(PROBE_CHILD_ENV)) {		/* we are the probe */
		unsigned before = reports;

		plant();
		_exit(reports != before ? PROBE_REPORTED : PROBE_BLIND);
	}

	if (env && !strcmp(env, "skip")) {
		fprintf(stderr, "vmlock: ThreadSanitizer self-check skipped "
			"(VMLOCK_TSAN_PROBE=skip): a blind build would go unnoticed\n");
		return;
	}
	/* show: the child's report is printed (to see what TSan sees). */
	int st = probe_status(env && !strcmp(env, "show"));

	if (st == PROBE_REPORTED) {
		/* Quiet when it passes (tools' output stays theirs), unless
		 * asked to say so. */
		if (env && (!strcmp(env, "verbose") || !strcmp(env, "show")))
			fprintf(stderr, "vmlock: ThreadSanitizer self-check passed: "
				"a planted race between two %s was reported\n", what);
		return;
	}
	if (st == PROBE_BLIND)
		fprintf(stderr, "vmlock: ThreadSanitizer is blind: a planted race "
			"between two %s was not reported; check which objects "
			"have access hooks (ctest -R build.tsan-instrumentation) and "
			"the ignorelist (build/<preset>/tsan_ignorelist.txt)\n", what);
	else
		fprintf(stderr, "vmlock: ThreadSanitizer self-check could not run "
			"(probe status %d)\n", st);
	exit(SAN_SELFCHECK_EXIT);
}
#else
unsigned san_tsan_reports(void)
{
	return 0;
}

void san_selfcheck(void (*plant)(void), const char *what)
{
	(void)plant;
	(void)what;
}
#endif
