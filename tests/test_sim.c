/* SPDX-License-Identifier: MIT */
/*
 * test_sim.c - unit tests of the deterministic runtime (src/sim/) on its
 * own: no lock model, no oracles.
 *
 * The simulated threads touch a small world of locations created here
 * (atomics A[], plain fields P[], rwsems L[]).  Each thread appends its tid
 * to a log right after an access returns; because a switch can only happen
 * at the scheduling point before an access, the log is the order in which
 * the accesses ran.
 *
 * Most tests drive the interleaving with "prefer", a strategy of this file:
 * the running thread goes on until it sleeps or ends (then the lowest ready
 * thread runs), unless a thread has set g_prefer to a ready thread.  The
 * bytes, prng and pct strategies are tested on their own.
 *
 * Covers: bytes runs (exact interleaving, exhausted runs, not-ready targets,
 * zero-length runs, choices), prng and pct determinism, pct depth 1, run
 * determinism, the race detector (release/acquire, relaxed, fences, release
 * sequences, seq_cst fences, rwsem), liveness verdicts (deadlock, lost
 * wake-up, livelock, spinning, fatal signals), the step budget, sim_fail and
 * reuse across many runs, oracle hooks, and the trace.
 *
 * Prints every failed check as file:line; the last line is
 * "N passed, M failed"; exit status 1 if any test failed.
 */
#include "sim/sim.h"
#include "sim/strategy.h"
#include "sim/verdict.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- the test framework ---- */

#include "testing.h"

#define CHECK_VERDICT(res, v)						\
	CHECKF((res).verdict == (v), "verdict %s (\"%s\"), expected %s", \
	       verdict_name((res).verdict), (res).msg, verdict_name(v))

#define TEST(name) static void test_##name(void)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the world the threads share ---- */

#define NA 5
#define NP 2
#define NL 2
#define SITE(what) SIM_SITE(what)

static sim_atomic_t A[NA];
static sim_plain_t P[NP];
static struct sim_rwsem L[NL];

static void world_init(void)
{
	static const char *const an[NA] = { "a0", "a1", "a2", "flag", "x" };
	static const char *const pn[NP] = { "data", "data2" };
	static const char *const ln[NL] = { "lock0", "lock1" };

	for (uint8_t i = 0; i < NA; i++)
		sim_atomic_init(&A[i], 0, 1, i, an[i]);
	for (uint8_t i = 0; i < NP; i++)
		sim_plain_init(&P[i], 0, 2, i, pn[i]);
	for (uint8_t i = 0; i < NL; i++)
		sim_rwsem_init(&L[i], 3, i, ln[i]);
}

#define FLAG (&A[3])

/* ---- the access log ---- */

#define LOG_MAX 512
static int logv[LOG_MAX];
static unsigned nlog;

static void log_tid(void)
{
	if (nlog < LOG_MAX)
		logv[nlog++] = sim_self();
}

static void show_seq(const char *label, const int *v, unsigned n)
{
	fprintf(stderr, "    %s:", label);
	for (unsigned i = 0; i < n; i++)
		fprintf(stderr, " %d", v[i]);
	fputc('\n', stderr);
}

/* Did the log come out as exp[0 .. n)?  Prints both if not. */
static bool log_is(const int *exp, unsigned n)
{
	bool same = nlog == n && memcmp(logv, exp, n * sizeof(int)) == 0;

	if (!same) {
		show_seq("expected", exp, n);
		show_seq("got     ", logv, nlog);
	}
	return same;
}

/* One access (a relaxed load of the thread's own atomic), logged. */
static void acc(void)
{
	(void)sim_load(&A[sim_self()], SIM_RELAXED, SITE("acc"));
	log_tid();
}

/* ---- strategies and runs ---- */

/* Who the "prefer" strategy runs next, when ready (-1: nobody). */
static int g_prefer;

static int prefer_pick(void *ctx, int cur, unsigned ready)
{
	(void)ctx;
	if (g_prefer >= 0 && (ready & (1u << g_prefer)))
		return g_prefer;
	if (cur >= 0 && (ready & (1u << cur)))
		return cur;
	return __builtin_ctz(ready);
}

static int prefer_choice(void *ctx)
{
	(void)ctx;
	return -1;
}

static const struct sim_strategy strategy_prefer = {
	.name = "prefer",
	.pick = prefer_pick,
	.choice = prefer_choice,
};

static struct strat_bytes g_sb;
static struct strat_prng g_sp;
static struct strat_pct g_pct;

static struct sim_run_cfg cfg_of(const struct sim_strategy *s, void *ctx)
{
	return (struct sim_run_cfg){
		.strategy = s, .strategy_ctx = ctx, .step_budget = 100000,
	};
}

static struct sim_run_cfg cfg_prefer(void)
{
	return cfg_of(&strategy_prefer, NULL);
}

static struct sim_run_cfg cfg_bytes(const struct sim_sched_run *r,
				    unsigned n)
{
	strat_bytes_init(&g_sb, r, n, NULL, 0);
	return cfg_of(&strategy_bytes, &g_sb);
}

static struct sim_run_cfg cfg_prng(uint64_t seed)
{
	strat_prng_init(&g_sp, seed);
	return cfg_of(&strategy_prng, &g_sp);
}

typedef void (*thread_fn)(void *);

struct prog {
	int n;
	thread_fn fn[SIM_MAX_THREADS];
	void *arg[SIM_MAX_THREADS];
};

static void run_prog(const struct sim_run_cfg *cfg, const struct prog *p,
		     struct sim_result *res)
{
	sim_begin(cfg);
	world_init();
	nlog = 0;
	g_prefer = -1;
	for (int i = 0; i < p->n; i++)
		CHECK(sim_spawn(p->fn[i], p->arg[i]) == i);
	sim_run(res);
}

/* Run p with the prefer strategy. */
static void run_prefer(const struct prog *p, struct sim_result *res)
{
	struct sim_run_cfg cfg = cfg_prefer();

	run_prog(&cfg, p, res);
}

#define ARG(n) ((void *)(intptr_t)(n))

/* A thread making n accesses. */
static void th_acc(void *arg)
{
	for (int i = 0; i < (int)(intptr_t)arg; i++)
		acc();
}

static struct prog prog_acc(int nthreads, const int *naccs)
{
	struct prog p = { .n = nthreads };

	for (int i = 0; i < nthreads; i++) {
		p.fn[i] = th_acc;
		p.arg[i] = ARG(naccs[i]);
	}
	return p;
}

/* Run prog_acc under the bytes runs; compare the log with exp. */
static bool bytes_gives(const struct sim_sched_run *runs, unsigned nruns,
			int nthreads, const int *naccs, const int *exp,
			unsigned nexp)
{
	struct prog p = prog_acc(nthreads, naccs);
	struct sim_run_cfg cfg = cfg_bytes(runs, nruns);
	struct sim_result res;

	run_prog(&cfg, &p, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	return log_is(exp, nexp);
}

/* ================= scheduling ================= */

/* "thread t makes the next n accesses" (strategy.h), then the runs are
 * used up and the running thread goes on. */
TEST(bytes_exact_interleaving)
{
	static const int two[] = { 2, 2 }, four[] = { 4, 4 };
	static const struct sim_sched_run r1[] = { { 0, 1 }, { 1, 1 } };
	static const int e1[] = { 0, 1, 1, 0 };
	static const struct sim_sched_run r2[] = {
		{ 0, 2 }, { 1, 2 }, { 0, 2 }, { 1, 2 },
	};
	static const int e2[] = { 0, 0, 1, 1, 0, 0, 1, 1 };

	CHECKF(bytes_gives(r1, NELEM(r1), 2, two, e1, NELEM(e1)),
	       "runs T0*1 T1*1: T0 must make 1 access first (a run that "
	       "starts a thread loses one step)");
	CHECKF(bytes_gives(r2, NELEM(r2), 2, four, e2, NELEM(e2)),
	       "runs T0*2 T1*2 T0*2 T1*2 must alternate pairs");
}

/* Runs that survive the off-by-one of the first step: single steps. */
TEST(bytes_long_runs)
{
	static const int naccs[] = { 3, 3, 3 };
	static const struct sim_sched_run r[] = { { 2, 200 } };
	static const int e[] = { 2, 2, 2, 0, 0, 0, 1, 1, 1 };

	CHECK(bytes_gives(r, NELEM(r), 3, naccs, e, NELEM(e)));
}

TEST(bytes_exhausted_runs_continue)
{
	static const int n33[] = { 3, 3 }, n34[] = { 3, 4 };
	static const struct sim_sched_run r[] = { { 1, 2 } };
	static const int e0[] = { 0, 0, 0, 1, 1, 1 };
	static const int e1[] = { 1, 1, 1, 1, 0, 0, 0 };

	CHECK(bytes_gives(NULL, 0, 2, n33, e0, NELEM(e0)));
	CHECK(bytes_gives(r, NELEM(r), 2, n34, e1, NELEM(e1)));
}

/* A target that ended or was never spawned: the next ready thread,
 * counting up from the target and wrapping around. */
TEST(bytes_not_ready_goes_cyclic)
{
	static const int n3[] = { 2, 2, 2 };
	static const struct sim_sched_run r1[] = { { 1, 200 } };
	static const int e1[] = { 1, 1, 2, 2, 0, 0 };
	static const struct sim_sched_run r2[] = { { 2, 200 } };
	static const int e2[] = { 2, 2, 0, 0, 1, 1 };
	static const struct sim_sched_run r3[] = { { 3, 200 } };
	static const int e3[] = { 0, 0, 1, 1, 2, 2 };

	CHECK(bytes_gives(r1, NELEM(r1), 3, n3, e1, NELEM(e1)));
	CHECK(bytes_gives(r2, NELEM(r2), 3, n3, e2, NELEM(e2)));
	CHECK(bytes_gives(r3, NELEM(r3), 3, n3, e3, NELEM(e3)));
}

/* strat_ready_from() (a rotated mask) against the plain cyclic search,
 * for every thread and every non-empty ready mask. */
TEST(ready_from_is_cyclic_search)
{
	for (unsigned ready = 1; ready < 1u << SIM_MAX_THREADS; ready++)
		for (int t = 0; t < SIM_MAX_THREADS; t++) {
			int want = t;

			while (!(ready & (1u << want)))
				want = (want + 1) % SIM_MAX_THREADS;
			CHECKF(strat_ready_from(t, ready) == want,
			       "ready %#x from T%d: got T%d, want T%d", ready, t,
			       strat_ready_from(t, ready), want);
		}
}

/* Sleeper/waker pair for the exhausted-runs test. */
static void th_sleep_once(void *arg)
{
	(void)arg;
	acc();
	sim_set_current_state(SIM_TASK_UNINTERRUPTIBLE, SITE("sleep"));
	if (sim_load(FLAG, SIM_ACQUIRE, SITE("cond")) == 0)
		sim_schedule(NULL, NULL, SITE("sleep"));
	sim_set_task_running();
	acc();
}

static bool g_woke;

static void th_wake_0(void *arg)
{
	(void)arg;
	acc();
	sim_store(FLAG, 1, SIM_RELEASE, SITE("cond"));
	log_tid();
	g_woke = sim_wake_up_process(0, SITE("wake"));
	log_tid();
	acc();
	acc();
}

/* With no runs left, a sleeper hands over to the next thread, which goes
 * on to its end although it woke the sleeper half way. */
TEST(bytes_exhausted_block_then_continue)
{
	struct prog p = { 2, { th_sleep_once, th_wake_0 }, { 0 } };
	struct sim_run_cfg cfg = cfg_bytes(NULL, 0);
	struct sim_result res;
	static const int e[] = { 0, 1, 1, 1, 1, 1, 0 };

	g_woke = false;
	run_prog(&cfg, &p, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(g_woke);
	CHECK(log_is(e, NELEM(e)));
}

/* A zero-length run makes no accesses; later runs still apply. */
TEST(bytes_zero_length_run)
{
	static const int n33[] = { 3, 3 };
	static const struct sim_sched_run r[] = { { 0, 0 }, { 1, 200 } };
	static const int e[] = { 1, 1, 1, 0, 0, 0 };

	CHECKF(bytes_gives(r, NELEM(r), 2, n33, e, NELEM(e)),
	       "a run with steps == 0 switched the bytes strategy into "
	       "'runs used up' mode: every later run was ignored");
}

TEST(bytes_choices)
{
	static const uint8_t ch[] = { 7, 3 };
	struct strat_bytes c;

	strat_bytes_init(&c, NULL, 0, ch, NELEM(ch));
	CHECK(strategy_bytes.choice(&c) == ch[0]);
	CHECK(strategy_bytes.choice(&c) == ch[1]);
	CHECK(strategy_bytes.choice(&c) == -1);	/* used up */
	CHECK(strategy_bytes.choice(&c) == -1);
}

/* Three threads of fetch_adds on one shared atomic: the values each
 * thread sees depend on the interleaving. */
static void th_fadd(void *arg)
{
	for (int i = 0; i < (int)(intptr_t)arg; i++) {
		(void)sim_fetch_add(&A[0], 1, SIM_RELAXED, SITE("fadd"));
		log_tid();
	}
}

static const struct prog prog_fadd = {
	3, { th_fadd, th_fadd, th_fadd }, { ARG(8), ARG(8), ARG(8) },
};

struct outcome {
	struct sim_result res;
	int log[LOG_MAX];
	unsigned nlog;
};

static void run_outcome(const struct sim_run_cfg *cfg, const struct prog *p,
			struct outcome *o)
{
	run_prog(cfg, p, &o->res);
	memcpy(o->log, logv, sizeof(logv));
	o->nlog = nlog;
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->res.hash == b->res.hash && a->res.steps == b->res.steps &&
	       a->res.switches == b->res.switches &&
	       a->res.verdict == b->res.verdict && a->nlog == b->nlog &&
	       memcmp(a->log, b->log, a->nlog * sizeof(int)) == 0;
}

static unsigned count_distinct(const uint64_t *h, unsigned n)
{
	unsigned d = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned j = 0;

		while (j < i && h[j] != h[i])
			j++;
		d += j == i;
	}
	return d;
}

TEST(prng_deterministic)
{
	static struct outcome a, b;
	uint64_t h[16];

	for (uint64_t seed = 1; seed <= 16; seed++) {
		struct sim_run_cfg c1 = cfg_prng(seed);

		run_outcome(&c1, &prog_fadd, &a);
		struct sim_run_cfg c2 = cfg_prng(seed);

		run_outcome(&c2, &prog_fadd, &b);
		CHECK_VERDICT(a.res, VERDICT_CLEAN);
		CHECKF(same_outcome(&a, &b), "seed %u", (unsigned)seed);
		h[seed - 1] = a.res.hash;
	}
	CHECKF(count_distinct(h, 16) >= 8, "only %u distinct hashes",
	       count_distinct(h, 16));
}

TEST(pct_deterministic)
{
	static struct outcome a, b;
	uint64_t h[16];

	for (uint64_t seed = 1; seed <= 16; seed++) {
		strat_pct_init(&g_pct, seed, 3, 3, 30);
		struct sim_run_cfg c1 = cfg_of(&strategy_pct, &g_pct);

		run_outcome(&c1, &prog_fadd, &a);
		strat_pct_init(&g_pct, seed, 3, 3, 30);
		struct sim_run_cfg c2 = cfg_of(&strategy_pct, &g_pct);

		run_outcome(&c2, &prog_fadd, &b);
		CHECK_VERDICT(a.res, VERDICT_CLEAN);
		CHECKF(same_outcome(&a, &b), "seed %u", (unsigned)seed);
		h[seed - 1] = a.res.hash;
	}
	CHECKF(count_distinct(h, 16) >= 4, "only %u distinct hashes",
	       count_distinct(h, 16));
}

/* Without the trace hash (the fuzz target's setting) a run is the same
 * run: same steps, switches, verdict and log; only the hash is 0. */
TEST(no_hash_same_run)
{
	static struct outcome a, b;

	for (uint64_t seed = 1; seed <= 16; seed++) {
		struct sim_run_cfg c1 = cfg_prng(seed);

		run_outcome(&c1, &prog_fadd, &a);
		struct sim_run_cfg c2 = cfg_prng(seed);

		c2.no_hash = true;
		run_outcome(&c2, &prog_fadd, &b);
		CHECKF(a.res.hash != 0 && b.res.hash == 0, "seed %u", (unsigned)seed);
		b.res.hash = a.res.hash;
		CHECKF(same_outcome(&a, &b), "seed %u", (unsigned)seed);
	}
}

/* The log pct depth 1 must give: threads whole, highest priority first. */
static unsigned pct_expected(const int *prio, int n, int per, int *exp)
{
	unsigned k = 0;
	bool used[SIM_MAX_THREADS] = { false };

	for (int round = 0; round < n; round++) {
		int best = -1;

		for (int t = 0; t < n; t++)
			if (!used[t] && (best < 0 || prio[t] > prio[best]))
				best = t;
		used[best] = true;
		for (int i = 0; i < per; i++)
			exp[k++] = best;
	}
	return k;
}

TEST(pct_depth1_priority_order)
{
	static const int naccs[] = { 4, 4, 4 };
	struct prog p = prog_acc(3, naccs);
	int exp[12], firsts = 0;

	for (uint64_t seed = 1; seed <= 12; seed++) {
		struct sim_result res;
		int prio[SIM_MAX_THREADS];

		strat_pct_init(&g_pct, seed, 1, 3, 50);
		memcpy(prio, g_pct.prio, sizeof(prio));
		struct sim_run_cfg cfg = cfg_of(&strategy_pct, &g_pct);
		unsigned n = pct_expected(prio, 3, 4, exp);

		run_prog(&cfg, &p, &res);
		CHECK_VERDICT(res, VERDICT_CLEAN);
		CHECKF(log_is(exp, n), "seed %u", (unsigned)seed);
		firsts |= 1 << exp[0];
	}
	CHECKF(__builtin_popcount((unsigned)firsts) >= 2,
	       "the priorities never changed with the seed");
}

/* Two accesses, a window, two more. */
static void th_window(void *arg)
{
	(void)arg;
	acc();
	acc();
	sim_note_window();	/* the access just made was a window */
	acc();
	acc();
}

/* The log of th_window twice under pct depth 1 (no change points) with
 * window drops one in one_in, recorded if record. */
static void pct_window_log(unsigned one_in, bool record, int *hi)
{
	static struct strat_record rec;
	struct prog p = { .n = 2, .fn = { th_window, th_window } };
	struct sim_result res;

	strat_pct_init(&g_pct, 7, 1, 2, 50);
	strat_pct_windows(&g_pct, one_in);
	*hi = g_pct.prio[0] > g_pct.prio[1] ? 0 : 1;
	struct sim_run_cfg cfg = cfg_of(&strategy_pct, &g_pct);

	if (record) {
		strat_record_init(&rec, &strategy_pct, &g_pct);
		cfg = cfg_of(&strategy_record, &rec);
	}
	run_prog(&cfg, &p, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
}

/* A window drop sends the thread that made the window below the other,
 * the later drop below the earlier; without drops the higher thread runs
 * whole; a recorded run drops as the plain one (its wrapper passes the
 * window on). */
TEST(pct_window_drops)
{
	int hi, exp[8];

	pct_window_log(0, false, &hi);
	for (int i = 0; i < 8; i++)
		exp[i] = i < 4 ? hi : 1 - hi;
	CHECK(log_is(exp, 8));
	for (int rec = 0; rec < 2; rec++) {
		pct_window_log(1, rec, &hi);
		for (int i = 0; i < 8; i++)
			exp[i] = (i / 2) % 2 == 0 ? hi : 1 - hi;
		CHECKF(log_is(exp, 8), "recorded %d", rec);
	}
}

/* ================= determinism ================= */

/* Locks, plain fields and atomics mixed. */
static void th_mixed(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < 3; i++) {
		sim_down_write(&L[0], SITE("lock"));
		uintptr_t v = sim_plain_read(&P[0], SITE("data"));

		sim_plain_write(&P[0], v + 1, SITE("data"));
		sim_up_write(&L[0], SITE("unlock"));
		(void)sim_fetch_add(&A[0], me, SIM_ACQ_REL, SITE("count"));
		log_tid();
		sim_down_read(&L[0], SITE("rlock"));
		(void)sim_plain_read(&P[0], SITE("data"));
		sim_up_read(&L[0], SITE("runlock"));
	}
}

static const struct prog prog_mixed = {
	3, { th_mixed, th_mixed, th_mixed }, { ARG(1), ARG(2), ARG(3) },
};

TEST(same_program_same_result)
{
	static const struct sim_sched_run r[] = {
		{ 1, 3 }, { 0, 5 }, { 2, 1 }, { 1, 7 }, { 0, 2 }, { 2, 4 },
	};
	static struct outcome a, b, c;
	struct sim_run_cfg cfg = cfg_bytes(r, NELEM(r));

	run_outcome(&cfg, &prog_mixed, &a);
	cfg = cfg_bytes(r, NELEM(r));
	run_outcome(&cfg, &prog_mixed, &b);
	CHECK_VERDICT(a.res, VERDICT_CLEAN);
	CHECK(same_outcome(&a, &b));
	CHECK(a.res.steps > 0 && a.res.switches > 0);
	CHECK(sim_peek_plain(&P[0]) == 9);
	cfg = cfg_bytes(NULL, 0);
	run_outcome(&cfg, &prog_mixed, &c);
	CHECK_VERDICT(c.res, VERDICT_CLEAN);
	CHECK(c.res.hash != a.res.hash);
}

/* ================= the race detector ================= */

/* Message passing: T0 writes data, then publishes flag; T1 reads flag,
 * then data.  A fence mo of -1 means no fence. */
struct mp_case {
	const char *name;
	bool sync;		/* false: no flag at all */
	int wfence_before, wfence_after;
	enum sim_mo st_mo, ld_mo;
	int rfence_before, rfence_after;
	enum verdict expect;
};

static const struct mp_case *g_mp;
static int32_t g_seen;

static void fence_if(int mo)
{
	if (mo >= 0)
		sim_fence((enum sim_mo)mo, SITE("fence"));
}

static void th_mp_writer(void *arg)
{
	(void)arg;
	sim_plain_write(&P[0], 42, SITE("data"));
	if (!g_mp->sync)
		return;
	fence_if(g_mp->wfence_before);
	sim_store(FLAG, 1, g_mp->st_mo, SITE("flag"));
	fence_if(g_mp->wfence_after);
}

static void th_mp_reader(void *arg)
{
	(void)arg;
	if (g_mp->sync) {
		fence_if(g_mp->rfence_before);
		g_seen = sim_load(FLAG, g_mp->ld_mo, SITE("flag"));
		fence_if(g_mp->rfence_after);
	}
	(void)sim_plain_read(&P[0], SITE("data"));
}

#define NOF (-1)

static const struct mp_case mp_cases[] = {
	{ "no synchronisation", false, NOF, NOF, 0, 0, NOF, NOF,
	  VERDICT_DATA_RACE },
	{ "release store, acquire load", true, NOF, NOF, SIM_RELEASE,
	  SIM_ACQUIRE, NOF, NOF, VERDICT_CLEAN },
	{ "seq_cst store, seq_cst load", true, NOF, NOF, SIM_SEQ_CST,
	  SIM_SEQ_CST, NOF, NOF, VERDICT_CLEAN },
	{ "relaxed store, relaxed load", true, NOF, NOF, SIM_RELAXED,
	  SIM_RELAXED, NOF, NOF, VERDICT_DATA_RACE },
	{ "relaxed store, acquire load", true, NOF, NOF, SIM_RELAXED,
	  SIM_ACQUIRE, NOF, NOF, VERDICT_DATA_RACE },
	{ "release store, relaxed load", true, NOF, NOF, SIM_RELEASE,
	  SIM_RELAXED, NOF, NOF, VERDICT_DATA_RACE },
	{ "release fence + relaxed store, acquire load", true, SIM_RELEASE,
	  NOF, SIM_RELAXED, SIM_ACQUIRE, NOF, NOF, VERDICT_CLEAN },
	{ "relaxed store + release fence after it", true, NOF, SIM_RELEASE,
	  SIM_RELAXED, SIM_ACQUIRE, NOF, NOF, VERDICT_DATA_RACE },
	{ "release store, relaxed load + acquire fence", true, NOF, NOF,
	  SIM_RELEASE, SIM_RELAXED, NOF, SIM_ACQUIRE, VERDICT_CLEAN },
	{ "acquire fence before the relaxed load", true, NOF, NOF,
	  SIM_RELEASE, SIM_RELAXED, SIM_ACQUIRE, NOF, VERDICT_DATA_RACE },
	{ "relaxed store, relaxed load + acquire fence", true, NOF, NOF,
	  SIM_RELAXED, SIM_RELAXED, NOF, SIM_ACQUIRE, VERDICT_DATA_RACE },
	{ "release fence / acquire fence, relaxed flag", true, SIM_RELEASE,
	  NOF, SIM_RELAXED, SIM_RELAXED, NOF, SIM_ACQUIRE, VERDICT_CLEAN },
	{ "seq_cst fence pair, relaxed flag", true, SIM_SEQ_CST, NOF,
	  SIM_RELAXED, SIM_RELAXED, NOF, SIM_SEQ_CST, VERDICT_CLEAN },
};

TEST(race_message_passing)
{
	static const struct prog p = { 2, { th_mp_writer, th_mp_reader },
				       { 0 } };

	for (unsigned i = 0; i < NELEM(mp_cases); i++) {
		struct sim_result res;

		g_mp = &mp_cases[i];
		g_seen = -1;
		run_prefer(&p, &res);	/* T0 to its end, then T1 */
		CHECKF(res.verdict == g_mp->expect,
		       "%s: verdict %s (\"%s\"), expected %s", g_mp->name,
		       verdict_name(res.verdict), res.msg,
		       verdict_name(g_mp->expect));
		if (g_mp->sync)
			CHECKF(g_seen == 1, "%s: flag read %d", g_mp->name,
			       (int)g_seen);
		if (res.verdict == VERDICT_DATA_RACE)
			CHECK(res.fail_tid == 1 && strstr(res.msg, "data"));
	}
}

/* Plain/plain pairs with no synchronisation at all. */
static void th_pwrite(void *arg)
{
	(void)arg;
	sim_plain_write(&P[0], (uintptr_t)sim_self() + 1, SITE("data"));
}

static void th_pread(void *arg)
{
	(void)arg;
	(void)sim_plain_read(&P[0], SITE("data"));
}

TEST(race_plain_pairs)
{
	static const struct prog ww = { 2, { th_pwrite, th_pwrite }, { 0 } };
	static const struct prog rw = { 2, { th_pread, th_pwrite }, { 0 } };
	static const struct prog rr = { 2, { th_pread, th_pread }, { 0 } };
	static const struct prog w1 = { 1, { th_pwrite }, { 0 } };
	struct sim_result res;

	run_prefer(&ww, &res);
	CHECK_VERDICT(res, VERDICT_DATA_RACE);
	CHECK(res.fail_tid == 1);
	run_prefer(&rw, &res);
	CHECK_VERDICT(res, VERDICT_DATA_RACE);
	run_prefer(&rr, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	run_prefer(&w1, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
}

/* Release sequences: T0 writes data and release-stores 1; T1 changes the
 * flag (mode below); T2 acquire-loads T1's value and reads data. */
enum seq_mode { SEQ_FADD, SEQ_CAS, SEQ_STORE };
static enum seq_mode g_seq;

static void th_seq_head(void *arg)
{
	(void)arg;
	sim_plain_write(&P[0], 42, SITE("data"));
	sim_store(FLAG, 1, SIM_RELEASE, SITE("flag"));
}

static void th_seq_middle(void *arg)
{
	int32_t exp = 1;

	(void)arg;
	if (g_seq == SEQ_FADD)
		(void)sim_fetch_add(FLAG, 1, SIM_RELAXED, SITE("flag"));
	else if (g_seq == SEQ_CAS)
		CHECK(sim_cmpxchg(FLAG, &exp, 2, SIM_RELAXED, SIM_RELAXED,
				  SITE("flag")));
	else
		sim_store(FLAG, 2, SIM_RELAXED, SITE("flag"));
}

static void th_seq_tail(void *arg)
{
	(void)arg;
	g_seen = sim_load(FLAG, SIM_ACQUIRE, SITE("flag"));
	(void)sim_plain_read(&P[0], SITE("data"));
}

static enum verdict run_seq(enum seq_mode m)
{
	static const struct prog p = {
		3, { th_seq_head, th_seq_middle, th_seq_tail }, { 0 },
	};
	struct sim_result res;

	g_seq = m;
	g_seen = -1;
	run_prefer(&p, &res);
	CHECK(g_seen == 2);
	return res.verdict;
}

TEST(race_release_sequence)
{
	CHECK(run_seq(SEQ_FADD) == VERDICT_CLEAN);
	CHECK(run_seq(SEQ_CAS) == VERDICT_CLEAN);
	CHECK(run_seq(SEQ_STORE) == VERDICT_DATA_RACE);
}

/* Two seq_cst fences and no atomic the reader reads from: C11 gives no
 * happens-before (fences synchronise only through an atomic object), so
 * the plain pair races whatever order the fences ran in. */
static void th_sc_writer(void *arg)
{
	(void)arg;
	sim_plain_write(&P[0], 42, SITE("data"));
	sim_fence(SIM_SEQ_CST, SITE("mb"));
}

static void th_sc_reader(void *arg)
{
	(void)arg;
	sim_fence(SIM_SEQ_CST, SITE("mb"));
	(void)sim_plain_read(&P[0], SITE("data"));
}

TEST(race_sc_fences_without_communication)
{
	static const struct prog p = { 2, { th_sc_writer, th_sc_reader },
				       { 0 } };
	struct sim_result res;

	run_prefer(&p, &res);
	CHECKF(res.verdict == VERDICT_DATA_RACE,
	       "verdict %s: two seq_cst fences with no reads-from between "
	       "them were taken as synchronisation (memory.c sim_hb_fence "
	       "joins sc_clock into the thread's clock)",
	       verdict_name(res.verdict));
}

/* rwsem: writer under the write lock, reader under the read lock. */
static void th_locked_writer(void *arg)
{
	sim_down_write(&L[0], SITE("lock"));
	g_prefer = (int)(intptr_t)arg;	/* let the other one try now */
	sim_plain_write(&P[0], 7, SITE("data"));
	sim_up_write(&L[0], SITE("unlock"));
}

static void th_locked_reader(void *arg)
{
	sim_down_read(&L[0], SITE("rlock"));
	g_prefer = (int)(intptr_t)arg;
	g_seen = (int32_t)sim_plain_read(&P[0], SITE("data"));
	sim_up_read(&L[0], SITE("runlock"));
}

static void th_downgrader(void *arg)
{
	(void)arg;
	sim_down_write(&L[0], SITE("lock"));
	sim_plain_write(&P[0], 9, SITE("data"));
	sim_downgrade_write(&L[0], SITE("downgrade"));
	(void)sim_plain_read(&P[0], SITE("data"));
	sim_up_read(&L[0], SITE("runlock"));
}

TEST(race_rwsem_orders)
{
	struct prog wr = { 2, { th_locked_writer, th_locked_reader },
			   { ARG(-1), ARG(-1) } };
	struct prog rw = { 2, { th_locked_reader, th_locked_writer },
			   { ARG(-1), ARG(-1) } };
	struct prog contend = { 2, { th_locked_writer, th_locked_reader },
				{ ARG(1), ARG(0) } };
	struct prog down = { 2, { th_downgrader, th_locked_reader },
			     { 0, ARG(-1) } };
	struct prog nolock = { 2, { th_locked_writer, th_pread },
			       { ARG(-1), 0 } };
	struct sim_result res;

	run_prefer(&wr, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	run_prefer(&rw, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	g_seen = -1;
	run_prefer(&contend, &res);	/* the reader sleeps on the writer */
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(g_seen == 7);
	run_prefer(&down, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	run_prefer(&nolock, &res);
	CHECK_VERDICT(res, VERDICT_DATA_RACE);
}

/* ================= liveness ================= */

/* AB-BA: T0 takes L0 then L1, T1 takes L1 then L0. */
static void th_lock_ab(void *arg)
{
	int first = (int)(intptr_t)arg;

	sim_down_write(&L[first], SITE("first"));
	g_prefer = 1 - sim_self();	/* the other takes its first lock */
	sim_down_write(&L[1 - first], SITE("second"));
	sim_up_write(&L[1 - first], SITE("unlock"));
	sim_up_write(&L[first], SITE("unlock"));
}

TEST(deadlock_ab_ba)
{
	static const struct prog p = { 2, { th_lock_ab, th_lock_ab },
				       { ARG(0), ARG(1) } };
	struct sim_result res;
	unsigned dl = 0;

	run_prefer(&p, &res);
	CHECK_VERDICT(res, VERDICT_DEADLOCK);
	CHECK(res.fail_tid == 0 && strstr(res.msg, "th_lock_ab"));
	for (uint64_t seed = 1; seed <= 64; seed++) {
		struct sim_run_cfg cfg = cfg_prng(seed);

		run_prog(&cfg, &p, &res);
		CHECK(res.verdict == VERDICT_CLEAN ||
		      res.verdict == VERDICT_DEADLOCK);
		dl += res.verdict == VERDICT_DEADLOCK;
	}
	CHECK(dl > 0 && dl < 64);
}

static bool flag_set(void *arg)
{
	(void)arg;
	return sim_peek(FLAG) != 0;
}

static bool g_after_sleep;

/* Sleeps until FLAG is set, the rcuwait way. */
static void th_waiter(void *arg)
{
	(void)arg;
	sim_set_current_state(SIM_TASK_UNINTERRUPTIBLE, SITE("wait"));
	if (sim_load(FLAG, SIM_ACQUIRE, SITE("cond")) == 0)
		sim_schedule(flag_set, NULL, SITE("wait"));
	sim_set_task_running();
	g_after_sleep = true;
}

static void th_setter(void *arg)
{
	sim_store(FLAG, 1, SIM_RELEASE, SITE("cond"));
	if (arg)
		g_woke = sim_wake_up_process(0, SITE("wake"));
}

TEST(lost_wakeup)
{
	struct prog lost = { 2, { th_waiter, th_setter }, { 0, 0 } };
	struct prog woken = { 2, { th_waiter, th_setter }, { 0, ARG(1) } };
	struct prog early = { 2, { th_setter, th_waiter }, { ARG(1), 0 } };
	struct sim_result res;

	g_after_sleep = false;
	run_prefer(&lost, &res);
	CHECK_VERDICT(res, VERDICT_LOST_WAKEUP);
	CHECK(res.fail_tid == 0 && !g_after_sleep);
	g_after_sleep = g_woke = false;
	run_prefer(&woken, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(g_after_sleep && g_woke);
	/* Waking a thread that is not asleep (here: T0 is the setter and
	 * wakes itself before anyone sleeps) returns false. */
	g_after_sleep = false;
	g_woke = true;
	run_prefer(&early, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(!g_woke && g_after_sleep);
}

/* Retries until FLAG is 1; counts its spins. */
static int g_spins;

static void th_spinner(void *arg)
{
	bool hand_over = arg != NULL;

	for (;;) {
		uint64_t mark = sim_spin_mark();

		if (sim_load(FLAG, SIM_ACQUIRE, SITE("poll")) == 1)
			break;
		if (hand_over)
			g_prefer = 1;	/* the setter runs before the spin */
		hand_over = false;
		g_spins++;
		sim_spin(mark, SITE("retry"));
	}
	g_after_sleep = true;
}

static void th_sleep_forever(void *arg)
{
	(void)arg;
	sim_set_current_state(SIM_TASK_UNINTERRUPTIBLE, SITE("forever"));
	sim_schedule(NULL, NULL, SITE("forever"));
}

TEST(livelock_spinner_alone)
{
	static const struct prog p = {
		2, { th_spinner, th_sleep_forever }, { 0 },
	};
	struct sim_result res;

	g_spins = 0;
	run_prefer(&p, &res);
	CHECK_VERDICT(res, VERDICT_LIVELOCK);
	CHECK(res.fail_tid == 0 && strstr(res.msg, "th_spinner"));
}

static void th_late_setter(void *arg)
{
	(void)arg;
	acc();
	acc();
	sim_store(FLAG, 1, SIM_RELEASE, SITE("cond"));
}

TEST(spinner_set_later_is_clean)
{
	static const struct prog p = {
		2, { th_spinner, th_late_setter }, { 0 },
	};
	struct sim_result res;

	g_spins = 0;
	g_after_sleep = false;
	run_prefer(&p, &res);	/* T0 spins first, T1 sets the flag */
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(g_spins == 1 && g_after_sleep);
}

/* The flag is set while the spinner stands at the scheduling point of
 * sim_spin(), after its failed poll: the write must still wake it. */
TEST(spinner_set_at_spin_point_is_clean)
{
	static const struct prog p = {
		2, { th_spinner, th_late_setter }, { ARG(1), 0 },
	};
	struct sim_result res;

	g_spins = 0;
	run_prefer(&p, &res);
	CHECKF(res.verdict == VERDICT_CLEAN,
	       "verdict %s (\"%s\"): a store made while the spinner was "
	       "preempted at sim_spin()'s own scheduling point is lost "
	       "(sched.c sim_spin marks T_SPINNING after sim_point)",
	       verdict_name(res.verdict), res.msg);
}

/* An iteration reads X, then FLAG; X is written between the two reads.
 * The retry would see X changed, so the spinner must retry, not sleep. */
static void th_two_reads(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t mark = sim_spin_mark();
		int32_t x = sim_load(&A[4], SIM_ACQUIRE, SITE("poll x"));

		g_prefer = 1;	/* the setter writes X now */
		int32_t f = sim_load(FLAG, SIM_ACQUIRE, SITE("poll flag"));

		g_prefer = -1;
		if (x == 1 || f == 1)
			break;
		g_spins++;
		sim_spin(mark, SITE("retry"));
	}
	g_after_sleep = true;
}

static void th_set_x(void *arg)
{
	(void)arg;
	sim_store(&A[4], 1, SIM_RELEASE, SITE("set x"));
}

TEST(spinner_sees_write_earlier_in_its_iteration)
{
	static const struct prog p = {
		2, { th_two_reads, th_set_x }, { 0 },
	};
	struct sim_result res;

	g_spins = 0;
	g_after_sleep = false;
	run_prefer(&p, &res);
	CHECKF(res.verdict == VERDICT_CLEAN,
	       "verdict %s (\"%s\"): a write after the iteration's first read "
	       "must make the spinner retry", verdict_name(res.verdict), res.msg);
	CHECK(g_spins == 1 && g_after_sleep);
}

TEST(spinner_clean_under_prng)
{
	static const struct prog p = {
		2, { th_spinner, th_late_setter }, { 0 },
	};
	unsigned bad = 0;
	uint64_t first_bad = 0;

	for (uint64_t seed = 1; seed <= 200; seed++) {
		struct sim_run_cfg cfg = cfg_prng(seed);
		struct sim_result res;

		run_prog(&cfg, &p, &res);
		if (res.verdict != VERDICT_CLEAN && !bad++)
			first_bad = seed;
	}
	CHECKF(bad == 0, "%u of 200 prng seeds gave a false verdict "
	       "(first: seed %u)", bad, (unsigned)first_bad);
}

/* Fatal signals: only a killable sleep is interrupted. */
static bool g_fatal_seen;

static void th_sleep_as(void *arg)
{
	enum sim_task_state st = (enum sim_task_state)(intptr_t)arg;

	CHECK(!sim_fatal_signal_pending());
	sim_set_current_state(st, SITE("sleep"));
	sim_schedule(NULL, NULL, SITE("sleep"));
	sim_set_task_running();
	g_fatal_seen = sim_fatal_signal_pending();
	g_after_sleep = true;
}

static void th_kill_0(void *arg)
{
	(void)arg;
	sim_send_fatal_signal(0, SITE("kill"));
}

static void th_wake_0_only(void *arg)
{
	(void)arg;
	g_woke = sim_wake_up_process(0, SITE("wake"));
}

TEST(fatal_signal_killable_only)
{
	struct prog killable = { 2, { th_sleep_as, th_kill_0 },
				 { ARG(SIM_TASK_KILLABLE), 0 } };
	struct prog unint = { 2, { th_sleep_as, th_kill_0 },
			      { ARG(SIM_TASK_UNINTERRUPTIBLE), 0 } };
	struct prog unint_woken = {
		3, { th_sleep_as, th_kill_0, th_wake_0_only },
		{ ARG(SIM_TASK_UNINTERRUPTIBLE), 0, 0 },
	};
	struct sim_result res;

	g_after_sleep = g_fatal_seen = false;
	run_prefer(&killable, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(g_after_sleep && g_fatal_seen);
	g_after_sleep = false;
	run_prefer(&unint, &res);
	CHECK_VERDICT(res, VERDICT_DEADLOCK);
	CHECK(res.fail_tid == 0 && !g_after_sleep);
	g_after_sleep = g_fatal_seen = g_woke = false;
	run_prefer(&unint_woken, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(g_woke && g_after_sleep && g_fatal_seen);
}

/* ================= step budget ================= */

static void th_forever(void *arg)
{
	(void)arg;
	for (;;)
		acc();
}

TEST(step_budget_truncates)
{
	static const struct prog loop = { 2, { th_forever, th_forever },
					  { 0 } };
	static const int five[] = { 5 };
	struct prog p5 = prog_acc(1, five);
	struct sim_run_cfg cfg = cfg_prng(3);
	struct sim_result res;

	cfg.step_budget = 50;
	run_prog(&cfg, &loop, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(res.truncated);
	/* steps counts the cut point (51), and a preempted thread's point
	 * whose access never ran: at most one access per other thread. */
	CHECKF(res.steps == 51, "steps %u", res.steps);
	CHECKF(nlog == 49 || nlog == 50, "%u accesses ran", nlog);
	cfg = cfg_prefer();
	cfg.step_budget = 5;	/* exactly enough */
	run_prog(&cfg, &p5, &res);
	CHECK(!res.truncated && res.steps == 5 && nlog == 5);
	cfg.step_budget = 4;
	run_prog(&cfg, &p5, &res);
	CHECK(res.truncated && nlog == 4);
}

/* ================= sim_fail and reuse ================= */

static bool g_after_fail;

static void th_fail_later(void *arg)
{
	(void)arg;
	acc();
	sim_fail(VERDICT_KERNEL_WARN, "boom %d", 7);
	g_after_fail = true;
}

/* Two accesses, then hands over to T0 (which fails), then more. */
static void th_busy(void *arg)
{
	(void)arg;
	acc();
	acc();
	g_prefer = 0;
	for (int i = 0; i < 10; i++)
		acc();
}

TEST(sim_fail_stops_run)
{
	static const struct prog p = { 2, { th_fail_later, th_busy }, { 0 } };
	struct sim_run_cfg cfg = cfg_prefer();
	struct sim_result res;
	static const int e[] = { 1, 1, 0 };

	g_after_fail = false;
	sim_begin(&cfg);
	world_init();
	nlog = 0;
	g_prefer = 1;	/* T1 first */
	sim_spawn(p.fn[0], NULL);
	sim_spawn(p.fn[1], NULL);
	sim_run(&res);
	CHECK_VERDICT(res, VERDICT_KERNEL_WARN);
	CHECK(res.fail_tid == 0);
	CHECK(strcmp(res.msg, "boom 7") == 0);
	CHECK(!g_after_fail);
	CHECK(log_is(e, NELEM(e)));
	CHECK(!res.truncated);
}

/* The mix for the reuse test: one clean program and failing ones that
 * end in every way, each stopping threads at different points. */
static void th_fail_at(void *arg)
{
	int n = (int)(intptr_t)arg;

	sim_down_write(&L[1], SITE("lock"));
	for (int i = 0; i < n; i++)
		acc();
	sim_fail(VERDICT_KERNEL_WARN, "fail after %d", n);
}

static const struct prog reuse_progs[] = {
	{ 3, { th_mixed, th_mixed, th_mixed }, { ARG(1), ARG(2), ARG(3) } },
	{ 2, { th_fail_at, th_mixed }, { ARG(3), ARG(1) } },
	{ 2, { th_pwrite, th_pwrite }, { 0 } },
	{ 2, { th_lock_ab, th_lock_ab }, { ARG(0), ARG(1) } },
	{ 2, { th_forever, th_fail_at }, { 0, ARG(5) } },
	{ 2, { th_spinner, th_sleep_forever }, { 0 } },
	{ 2, { th_waiter, th_setter }, { 0, 0 } },
};

static const enum verdict reuse_expect[] = {
	VERDICT_CLEAN, VERDICT_KERNEL_WARN, VERDICT_DATA_RACE,
	VERDICT_DEADLOCK, VERDICT_CLEAN /* truncated */, VERDICT_LIVELOCK,
	VERDICT_LOST_WAKEUP,
};

TEST(thousand_runs_nothing_leaks)
{
	static const struct sim_sched_run r[] = { { 1, 4 }, { 2, 3 },
						  { 0, 9 } };
	struct sim_result ref, res;
	unsigned bad = 0;

	memset(&ref, 0, sizeof(ref));

	for (unsigned i = 0; i < 1000; i++) {
		unsigned k = i % 2 ? 1 + (i / 2) % (NELEM(reuse_progs) - 1)
				   : 0;
		struct sim_run_cfg cfg = k == 0 ? cfg_bytes(r, NELEM(r))
						: cfg_prefer();

		cfg.step_budget = k == 4 ? 40 : 100000;
		run_prog(&cfg, &reuse_progs[k], &res);
		if (i == 0)
			ref = res;
		bool ok = res.verdict == reuse_expect[k] &&
			  res.truncated == (k == 4);

		if (k == 0)
			ok = ok && res.hash == ref.hash &&
			     res.steps == ref.steps &&
			     res.switches == ref.switches &&
			     sim_peek_plain(&P[0]) == 9;
		if (!ok && !bad++)
			fprintf(stderr, "    run %u (program %u): %s \"%s\"\n",
				i, k, verdict_name(res.verdict), res.msg);
	}
	CHECKF(bad == 0, "%u of 1000 runs went wrong", bad);
}

/* ================= hooks and trace ================= */

#define REC_MAX 64
static struct sim_access rec_pre[REC_MAX], rec_post[REC_MAX];
static unsigned nrec_pre, nrec_post, exits;

static void hook_pre(const struct sim_access *a)
{
	if (nrec_pre < REC_MAX)
		rec_pre[nrec_pre++] = *a;
}

static void hook_post(const struct sim_access *a)
{
	if (nrec_post < REC_MAX)
		rec_post[nrec_post++] = *a;
}

static void hook_exit(int tid)
{
	exits |= 1u << tid;
}

/* T0: load a0, note, store a0 = 5.  T1: plain write, fetch_add. */
static void th_traced0(void *arg)
{
	(void)arg;
	(void)sim_load(&A[0], SIM_ACQUIRE, SITE("load"));
	log_tid();
	sim_note("hello %d", 5);
	g_prefer = 1;
	sim_store(&A[0], 5, SIM_RELEASE, SITE("store"));
	log_tid();
}

static void th_traced1(void *arg)
{
	(void)arg;
	sim_plain_write(&P[1], 3, SITE("pw"));
	log_tid();
	g_prefer = 0;
	(void)sim_fetch_add(&A[1], 2, SIM_RELAXED, SITE("fadd"));
	log_tid();
}

static const struct prog prog_traced = {
	2, { th_traced0, th_traced1 }, { 0 },
};

/* What the four accesses are, in the order they must run. */
static const struct {
	int tid;
	uint8_t kind;
	int loc;		/* index: 0, 1 = A[0], A[1]; 2 = P[1] */
	int64_t val;
} traced_exp[] = {
	{ 0, SIM_A_LOAD, 0, 0 },
	{ 1, SIM_A_PLAIN_WRITE, 2, 3 },
	{ 0, SIM_A_STORE, 0, 5 },
	{ 1, SIM_A_RMW, 1, 2 },
};

static uint16_t traced_loc(int i)
{
	return i == 2 ? P[1].loc : A[i].loc;
}

static bool access_is(const struct sim_access *a, unsigned i)
{
	return a->tid == traced_exp[i].tid &&
	       a->kind == traced_exp[i].kind &&
	       a->loc == traced_loc(traced_exp[i].loc) &&
	       a->val == traced_exp[i].val && a->site != NULL;
}

TEST(hooks_see_every_access)
{
	struct sim_result res;

	nrec_pre = nrec_post = exits = 0;
	sim_hooks = (struct sim_hooks){ .pre = hook_pre, .post = hook_post,
					.thread_exit = hook_exit };
	run_prefer(&prog_traced, &res);
	sim_hooks = (struct sim_hooks){ 0 };
	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(nrec_pre == NELEM(traced_exp) && nrec_post == nrec_pre);
	for (unsigned i = 0; i < nrec_post && i < NELEM(traced_exp); i++) {
		CHECKF(access_is(&rec_post[i], i), "post hook, access %u", i);
		CHECK(rec_pre[i].tid == rec_post[i].tid &&
		      rec_pre[i].kind == rec_post[i].kind);
	}
	CHECK(exits == 3);
	CHECK(strcmp(sim_loc(P[1].loc)->field, "data2") == 0);
	CHECK(sim_loc(P[1].loc)->is_plain && !sim_loc(A[1].loc)->is_plain);
}

/* T0 stores a0 and compare-exchanges a1; T1 loads a0 after it and
 * compare-exchanges a1 too: a read of another thread's store, a CAS won
 * and one lost. */
static void th_fb0(void *arg)
{
	int32_t e = 0;

	(void)arg;
	sim_store(&A[0], 7, SIM_RELEASE, SITE("fb store"));
	(void)sim_cmpxchg(&A[1], &e, 1, SIM_ACQ_REL, SIM_RELAXED, SITE("fb cas0"));
	g_prefer = 1;
}

static void th_fb1(void *arg)
{
	int32_t e = 0;

	(void)arg;
	(void)sim_load(&A[0], SIM_ACQUIRE, SITE("fb load"));
	(void)sim_cmpxchg(&A[1], &e, 2, SIM_ACQ_REL, SIM_RELAXED, SITE("fb cas1"));
}

static const struct prog prog_fb = {
	2, { th_fb0, th_fb1 }, { 0 },
};

static unsigned fb_events;

static void hook_fb(uint32_t key)
{
	(void)key;
	fb_events++;
}

/* Events per kind: each kind reports only when it is asked for. */
static unsigned fb_count(unsigned kinds, struct sim_result *res)
{
	fb_events = 0;
	g_prefer = 0;
	sim_hooks = (struct sim_hooks){ .feedback = hook_fb,
					.feedback_kinds = kinds };
	run_prefer(&prog_fb, res);
	sim_hooks = (struct sim_hooks){ 0 };
	return fb_events;
}

TEST(feedback_kinds_select_events)
{
	struct sim_result res;
	unsigned none = fb_count(0, &res);
	unsigned sw = fb_count(SIM_FB_SWITCH, &res);

	CHECK_VERDICT(res, VERDICT_CLEAN);
	CHECK(none == 0);
	CHECKF(sw == res.switches && sw > 0, "%u switch events, %u switches",
	       sw, res.switches);
	CHECK(fb_count(SIM_FB_READ_FROM, &res) == 1);	/* the load of a0 */
	CHECK(fb_count(SIM_FB_CAS, &res) == 2);		/* won, lost */
	CHECK(fb_count(SIM_FB_DEFAULT, &res) == 3);	/* no switch events */
	CHECK(fb_count(SIM_FB_DEFAULT | SIM_FB_SWITCH, &res) == sw + 3);
}

/* The events of kind k, in order, into out; returns how many. */
static unsigned events_of(uint8_t k, const struct sim_event **out,
			  unsigned max)
{
	const struct sim_event *ev;
	size_t n = sim_trace(&ev);
	unsigned m = 0;

	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == k && m < max)
			out[m++] = &ev[i];
	return m;
}

TEST(trace_records_accesses_and_notes)
{
	struct sim_run_cfg cfg = cfg_prefer();
	const struct sim_event *acc_ev[8], *note_ev[4], *end_ev[4];
	struct sim_result res;

	cfg.trace = true;
	run_prog(&cfg, &prog_traced, &res);
	CHECK_VERDICT(res, VERDICT_CLEAN);
	unsigned na = events_of(SIM_EV_ACCESS, acc_ev, 8);

	CHECK(na == NELEM(traced_exp));
	for (unsigned i = 0; i < na && i < NELEM(traced_exp); i++) {
		CHECKF(access_is(&acc_ev[i]->a, i), "trace access %u", i);
		CHECK(acc_ev[i]->tid == traced_exp[i].tid);
	}
	CHECK(events_of(SIM_EV_NOTE, note_ev, 4) == 1);
	CHECK(note_ev[0]->tid == 0 && strcmp(note_ev[0]->note, "hello 5") == 0);
	/* The note lies between T0's load and T1's plain write. */
	CHECK(note_ev[0] > acc_ev[0] && note_ev[0] < acc_ev[1]);
	CHECK(events_of(SIM_EV_END, end_ev, 4) == 2);
	cfg.trace = false;
	run_prog(&cfg, &prog_traced, &res);
	CHECK(events_of(SIM_EV_ACCESS, acc_ev, 8) == 0);
}

/* ================= main ================= */

#define T(name) { #name, test_##name }

/*
 * Bounded exhaustive search over two threads of three accesses each: with
 * no preemption the two serial orders, with one preemption six schedules,
 * with enough of them all C(6, 3) = 20 interleavings, each exactly once.
 */
static unsigned dfs_count(unsigned bound, unsigned *distinct)
{
	static const int naccs[] = { 3, 3 };
	static struct strat_dfs dfs;
	struct prog p = prog_acc(2, naccs);
	uint64_t seen[64];
	unsigned n = 0;

	*distinct = 0;
	strat_dfs_init(&dfs, bound);
	do {
		struct sim_run_cfg cfg = cfg_of(&strategy_dfs, &dfs);
		struct sim_result res;
		uint64_t key = 0;

		strat_dfs_rewind(&dfs);
		run_prog(&cfg, &p, &res);
		CHECK(res.verdict == VERDICT_CLEAN && nlog == 6);
		for (unsigned i = 0; i < nlog; i++)
			key = key * 2 + (uint64_t)logv[i];
		bool dup = false;

		for (unsigned i = 0; i < *distinct; i++)
			dup |= seen[i] == key;
		if (!dup && *distinct < 64)
			seen[(*distinct)++] = key;
		n++;
	} while (strat_dfs_next(&dfs) && n < 1000);
	CHECK(!dfs.overflow);
	return n;
}

TEST(dfs_counts_schedules)
{
	unsigned distinct, n;

	n = dfs_count(0, &distinct);
	CHECKF(n == 2 && distinct == 2, "k=0: %u schedules, %u distinct", n, distinct);
	n = dfs_count(1, &distinct);
	CHECKF(n == 6 && distinct == 6, "k=1: %u schedules, %u distinct", n, distinct);
	n = dfs_count(10, &distinct);
	CHECKF(n == 20 && distinct == 20, "k=10: %u schedules, %u distinct", n, distinct);
}

static const struct test_case tests[] = {
	T(dfs_counts_schedules),
	T(bytes_exact_interleaving),
	T(bytes_long_runs),
	T(bytes_exhausted_runs_continue),
	T(bytes_not_ready_goes_cyclic),
	T(ready_from_is_cyclic_search),
	T(bytes_exhausted_block_then_continue),
	T(bytes_zero_length_run),
	T(bytes_choices),
	T(prng_deterministic),
	T(no_hash_same_run),
	T(pct_deterministic),
	T(pct_depth1_priority_order),
	T(pct_window_drops),
	T(same_program_same_result),
	T(race_message_passing),
	T(race_plain_pairs),
	T(race_release_sequence),
	T(race_sc_fences_without_communication),
	T(race_rwsem_orders),
	T(deadlock_ab_ba),
	T(lost_wakeup),
	T(livelock_spinner_alone),
	T(spinner_set_later_is_clean),
	T(spinner_set_at_spin_point_is_clean),
	T(spinner_sees_write_earlier_in_its_iteration),
	T(spinner_clean_under_prng),
	T(fatal_signal_killable_only),
	T(step_budget_truncates),
	T(sim_fail_stops_run),
	T(thousand_runs_nothing_leaks),
	T(hooks_see_every_access),
	T(feedback_kinds_select_events),
	T(trace_records_accesses_and_notes),
};

static void reset_hooks(void)
{
	sim_hooks = (struct sim_hooks){ 0 };
}

int main(void)
{
	sim_setup();
	return run_tests(tests, NELEM(tests), reset_hooks);
}
