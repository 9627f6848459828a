/* SPDX-License-Identifier: MIT */
/*
 * stress_main.c - vmlock_stress: the lock model on real threads, the way a
 * kernel developer stress-tests a lock by hand.
 *
 * For each input (a .vmt file or a binary fuzz input) the program's
 * threads run as pthreads over the world the fuzzer's runs start from,
 * released together by a start barrier so that they really overlap; the
 * world is set up again from main between iterations.  The schedule and
 * choice bytes of the input are ignored: the hardware and the OS
 * interleave.  The first finding ends the process with exit status 1:
 *
 *   WARN     a WARN_ON_ONCE in the model fired
 *   verdict  a check of the operations (real_check.c) or lockdep
 *            (real_lockdep.c) failed; the verdict names which
 *   TSan     ThreadSanitizer reported (tsan build; its report is above)
 *   hang     an iteration did not end within --hang seconds: a hung task
 *
 * Threads stuck in a wait cannot be cancelled cleanly, so a finding is
 * printed and the process exits at once, from the thread that found it.
 * This is the baseline bench/stress_variants.sh compares the fuzzer with;
 * it measures wall-clock time, which the deterministic runtime never does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/harness.h"
#include "sim/tsan.h"
#include "lock/mm.h"
#include "real_lockdep.h"
#include "real_sim.h"
#include "harness/ops.h"

static const char usage[] =
	"usage: vmlock_stress [--iterations N] [--seconds S] [--hang S] INPUT|DIR...\n"
	"  runs each input's threads on real pthreads, N iterations per input\n"
	"  --iterations N  iterations per input (default 1000; with --seconds, per pass)\n"
	"  --seconds S     pass over the inputs again and again for S seconds\n"
	"  --hang S        an iteration still running after S s is a hang (default 10)\n"
	"  VMLOCK_VARIANT=<name> runs a bug variant ('vmlock variants' lists them)\n"
	"exit status: 0 nothing found, 1 a finding, 2 bad usage or input\n";

static struct {
	unsigned long iterations;
	double seconds;		/* 0: one pass */
	double hang;
} opt = { 1000, 0, 10 };

/* Where we are, for a finding's report: written by main while the
 * workers wait at the gate, read by the worker that finds something. */
static struct {
	const char *input;
	unsigned long iteration;	/* of this input, from 1 */
	unsigned long total;		/* iterations started, all inputs */
	double t0;
	unsigned tsan_before;		/* TSan's count when it started */
} where;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- findings ---- */

static void __attribute__((noreturn))
report(const char *kind, const char *name, const char *msg)
{
	static int taken;
	const struct variant_info *vi = variant_info(vmlock_variant);
	bool tsan_too = san_tsan_reports() != where.tsan_before &&
			strcmp(kind, "TSan") != 0;

	if (__atomic_exchange_n(&taken, 1, __ATOMIC_SEQ_CST))
		for (;;)
			pause();	/* another thread reports first */
	printf("vmlock_stress: %s: %s%s\n", name, msg,
	       tsan_too ? " [ThreadSanitizer reported too]" : "");
	printf("  variant %s (%s), input %s, iteration %lu of it\n",
	       vi->name, vi->seed, where.input, where.iteration);
	printf("result: found %s %s seconds=%.2f iterations=%lu input=%s\n",
	       kind, name, now() - where.t0, where.total, where.input);
	fflush(stdout);
	_exit(1);
}

void stress_finding(enum verdict v, const char *msg)
{
	report(v == VERDICT_KERNEL_WARN ? "WARN" : "verdict", verdict_name(v), msg);
}

static void check_tsan(void)
{
	unsigned n = san_tsan_reports() - where.tsan_before;
	char msg[160];

	if (!n)
		return;
	snprintf(msg, sizeof(msg),
		 "ThreadSanitizer reported %u race(s) in this iteration (the report is above)", n);
	report("TSan", verdict_name(VERDICT_TSAN_REPORT), msg);
}

/* ---- the gate: main hands out iterations, workers report them done ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	int nthreads;
	unsigned long gen;		/* the iteration handed out */
	unsigned long finished[SIM_MAX_THREADS];	/* last gen done */
	int ndone;
	bool quit;
	int arrived;			/* ATOMIC: the start barrier */
} gate = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.go = PTHREAD_COND_INITIALIZER,
};

/* The watchdog's clock is the monotonic one, as now()'s. */
static void gate_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&gate.done, &attr);
	pthread_condattr_destroy(&attr);
}

static struct op_ctx ctx[SIM_MAX_THREADS];

/* The next iteration after seen, or 0 when told to quit. */
static unsigned long gate_next(unsigned long seen)
{
	unsigned long gen;

	pthread_mutex_lock(&gate.lock);
	while (gate.gen == seen && !gate.quit)
		pthread_cond_wait(&gate.go, &gate.lock);
	gen = gate.quit ? 0 : gate.gen;
	pthread_mutex_unlock(&gate.lock);
	return gen;
}

/* Everybody arrives before anybody starts: the threads overlap. */
static void start_barrier(void)
{
	__atomic_fetch_add(&gate.arrived, 1, __ATOMIC_RELAXED);
	for (unsigned spins = 0;
	     __atomic_load_n(&gate.arrived, __ATOMIC_RELAXED) < gate.nthreads;
	     spins++)
		if (spins > 64)
			sched_yield();
}

static void gate_finish(int tid, unsigned long gen)
{
	pthread_mutex_lock(&gate.lock);
	gate.finished[tid] = gen;
	gate.ndone++;
	pthread_cond_signal(&gate.done);
	pthread_mutex_unlock(&gate.lock);
}

static void *worker_main(void *arg)
{
	int tid = (int)(intptr_t)arg;
	unsigned long gen = 0;

	real_sim_thread_init(tid);
	while ((gen = gate_next(gen)) != 0) {
		start_barrier();
		real_sim_thread_begin();
		real_lockdep_thread_begin();
		harness_thread_body(&ctx[tid]);
		real_lockdep_thread_exit();
		gate_finish(tid, gen);
	}
	return NULL;
}

/* Under gate.lock, the iteration's threads not done: a hung task. */
static void __attribute__((noreturn)) report_hang(void)
{
	char msg[320], where_[96];
	size_t len = 0;

	check_tsan();	/* a race reported before the hang came first */
	for (int t = 0; t < gate.nthreads && len < sizeof(msg); t++) {
		const char *in = real_sim_blocked_in(t, where_, sizeof(where_));

		if (gate.finished[t] == gate.gen)
			continue;
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%sT%d %s",
					len ? ", " : "", t,
					in ? in : "running (not asleep)");
	}
	if (len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - len,
			 ": not done after %.0f s", opt.hang);
	report("hang", "hang", msg);
}

/* Release the workers into one iteration and wait for all of them. */
static void iteration_run(void)
{
	double end = now() + opt.hang;
	struct timespec deadline = {
		.tv_sec = (time_t)end,
		.tv_nsec = (long)((end - (double)(time_t)end) * 1e9),
	};

	pthread_mutex_lock(&gate.lock);
	__atomic_store_n(&gate.arrived, 0, __ATOMIC_RELAXED);
	gate.ndone = 0;
	gate.gen++;
	pthread_cond_broadcast(&gate.go);
	while (gate.ndone < gate.nthreads)
		if (pthread_cond_timedwait(&gate.done, &gate.lock, &deadline) ==
		    ETIMEDOUT && gate.ndone < gate.nthreads)
			report_hang();
	pthread_mutex_unlock(&gate.lock);
}

/* The world of p, as the fuzzer's runs start from it. */
static void iteration_setup(const struct vmt_program *p)
{
	harness_setup_world(p);
	for (int t = 0; t < p->nthreads; t++) {
		ctx[t] = (struct op_ctx){
			.tid = t,
			.mm = &world.mm[p->threads[t].mm],
			.prog = &p->threads[t],
		};
		mmget(ctx[t].mm);
	}
	real_sim_reset(p->nthreads);
}

/* Up to max iterations of p (fewer if the deadline passes); how many ran. */
static unsigned long run_input(const struct vmt_program *p, const char *name,
			       unsigned long max, double deadline)
{
	pthread_t th[SIM_MAX_THREADS];
	unsigned long i;

	gate.nthreads = p->nthreads;
	gate.gen = 0;
	gate.quit = false;
	memset(gate.finished, 0, sizeof(gate.finished));
	for (int t = 0; t < p->nthreads; t++)
		if (pthread_create(&th[t], NULL, worker_main, (void *)(intptr_t)t)) {
			perror("vmlock_stress: pthread_create");
			exit(2);
		}
	where.input = name;
	for (i = 0; i < max && (!deadline || now() < deadline); i++) {
		where.iteration = i + 1;
		where.total++;
		where.tsan_before = san_tsan_reports();
		iteration_setup(p);
		iteration_run();
		check_tsan();
	}
	pthread_mutex_lock(&gate.lock);
	gate.quit = true;
	pthread_cond_broadcast(&gate.go);
	pthread_mutex_unlock(&gate.lock);
	for (int t = 0; t < p->nthreads; t++)
		pthread_join(th[t], NULL);
	return i;
}

/* ---- inputs ---- */

struct input {
	char *path;
	struct vmt_program prog;
};

static struct input *inputs;
static size_t ninputs, cap_inputs;

static bool is_vmt(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && strcmp(path + n - 4, ".vmt") == 0;
}

static void __attribute__((noreturn)) bad_input(const char *path, const char *what)
{
	fprintf(stderr, "vmlock_stress: %s: %s\n", path, what);
	exit(2);
}

/* A .vmt file is parsed; anything else decodes (the decoder rejects
 * nothing). */
static void load(const char *path, struct vmt_program *p)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "rb");

	if (!f)
		bad_input(path, strerror(errno));
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = 0;
	if (!is_vmt(path)) {
		vmt_decode((const uint8_t *)buf, n, p);
		return;
	}
	struct vmt_meta meta;
	char err[256];

	if (strlen(buf) != n)
		bad_input(path, "NUL byte (expected text)");
	if (vmt_parse(buf, p, &meta, err, sizeof(err)))
		bad_input(path, err);
}

static void add_file(const char *path)
{
	if (ninputs == cap_inputs) {
		cap_inputs = cap_inputs ? 2 * cap_inputs : 64;
		inputs = realloc(inputs, cap_inputs * sizeof(*inputs));
		if (!inputs)
			bad_input(path, "out of memory");
	}
	inputs[ninputs].path = strdup(path);
	load(path, &inputs[ninputs].prog);
	/* A fork's child threads start when the fork returns; here every
	 * thread starts at the barrier: a program with a fork is left out. */
	if (vmt_program_forker(&inputs[ninputs].prog) >= 0) {
		free(inputs[ninputs].path);
		return;
	}
	ninputs++;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of a directory, in name order. */
static void add_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;

	if (!d)
		bad_input(dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || asprintf(&names[n], "%s/%s", dir, e->d_name) < 0)
			bad_input(dir, "out of memory");
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			add_file(names[i]);
		free(names[i]);
	}
	free(names);
}

static void add_arg(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		bad_input(path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		add_dir(path);
	else
		add_file(path);
}

/* ---- main ---- */

static double number(const char *s, const char *flag)
{
	char *end;
	double v = strtod(s ? s : "", &end);

	if (!s || *end || v < 0) {
		fprintf(stderr, "vmlock_stress: %s wants a number\n%s", flag, usage);
		exit(2);
	}
	return v;
}

static int parse_args(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--iterations") == 0)
			opt.iterations = (unsigned long)number(v, a);
		else if (strcmp(a, "--seconds") == 0)
			opt.seconds = number(v, a);
		else if (strcmp(a, "--hang") == 0)
			opt.hang = number(v, a);
		else {
			fputs(usage, strcmp(a, "--help") ? stderr : stdout);
			exit(strcmp(a, "--help") ? 2 : 0);
		}
	}
	if (i == argc || !opt.iterations || opt.hang <= 0) {
		fputs(usage, stderr);
		exit(2);
	}
	return i;
}

static void select_variant(void)
{
	const char *name = getenv("VMLOCK_VARIANT");

	vmlock_variant = variant_from_name(name);
	if (vmlock_variant == V__COUNT) {
		fprintf(stderr, "vmlock_stress: unknown VMLOCK_VARIANT '%s' (see 'vmlock variants')\n",
			name);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	/* First: the probe's child runs this binary again, without args. */
	real_tsan_selfcheck();
	/* Our lines and TSan's reports (stderr) in the order they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = parse_args(argc, argv); i < argc; i++)
		add_arg(argv[i]);
	if (!ninputs)
		bad_input(argv[argc - 1], "no inputs");
	select_variant();
	real_lockdep_install();
	gate_init();
	printf("vmlock_stress: variant %s, %zu inputs, %lu iterations each%s, hang after %.0f s\n",
	       variant_info(vmlock_variant)->name, ninputs, opt.iterations,
	       opt.seconds ? " per pass" : "", opt.hang);
	where.t0 = now();
	double deadline = opt.seconds ? where.t0 + opt.seconds : 0;
	unsigned passes = 0;

	do {
		for (size_t k = 0; k < ninputs && (!deadline || now() < deadline); k++) {
			double t = now();
			unsigned long n = run_input(&inputs[k].prog, inputs[k].path,
						    opt.iterations, deadline);

			if (!deadline)
				printf("  %s: %lu iterations, %.0f/s\n", inputs[k].path,
				       n, (double)n / (now() - t));
		}
		passes++;
	} while (deadline && now() < deadline);
	double s = now() - where.t0;

	printf("result: clean seconds=%.2f iterations=%lu passes=%u rate=%.0f/s\n",
	       s, where.total, passes, (double)where.total / s);
	return 0;
}
