/* SPDX-License-Identifier: MIT */
/*
 * harness.h - run one program over the model: set up the world, spawn the
 * threads, run them under a strategy with the oracles on, give the result.
 *
 * This is the narrow interface every front end uses: the fuzz target, the
 * vmlock CLI, the tests and the benchmarks.
 */
#ifndef VMLOCK_HARNESS_HARNESS_H
#define VMLOCK_HARNESS_HARNESS_H

#include <stdio.h>

#include "backend.h"
#include "../lock/variant.h"
#include "../scenario/program.h"
#include "../sim/sim.h"

enum harness_strategy {
	HS_BYTES,	/* the program's own schedule runs and choices */
	HS_PRNG,	/* seeded preemptions */
	HS_PCT,		/* PCT with depth pct_depth */
	HS_DFS,		/* bounded exhaustive search: the schedule dfs gives */
};

/* The derived schedules an input with the explore bit also runs under. */
enum harness_explore {
	HE_BOTH,	/* a seeded PRNG schedule, then PCT at depth 3 */
	HE_PRNG,	/* the PRNG schedule only */
	HE_PCT,		/* PCT only */
};

struct strat_dfs;
struct sim_sched_run;

struct harness_opts {
	enum backend_kind backend;	/* the model (default) or the kernel */
	enum variant variant;	/* the model's switch, or the kernel copy */
	enum harness_strategy strategy;
	uint64_t seed;		/* HS_PRNG, HS_PCT */
	unsigned pct_depth;	/* HS_PCT: 1 .. 8 */
	unsigned pct_windows;	/* HS_PCT: window drops one in N (0: none) */
	struct strat_dfs *dfs;	/* HS_DFS: the search, rewound per run */
	uint32_t step_budget;	/* 0: the default */
	bool trace;		/* record events for a report */
	bool record;		/* record the schedule (harness_recorded) */
	bool sc_only;		/* weak-memory simulation off: loads read
				 * the latest store, choices are ignored */
	bool no_hash;		/* res->hash not wanted: stays 0 */
	enum harness_explore explore;	/* HE_BOTH by default */
	/* HS_BYTES: these runs instead of the program's own schedule (one
	 * longer than the encoding holds, while the minimiser shortens it);
	 * NULL: the program's. */
	const struct sim_sched_run *long_sched;
	unsigned nlong;
};

#define HARNESS_STEP_BUDGET 20000

void harness_opts_default(struct harness_opts *o);
/* Run p; res gets the verdict, message, counts and trace hash. */
void harness_run(const struct vmt_program *p, const struct harness_opts *o,
		 struct sim_result *res);
/*
 * The runs an input stands for: its own schedule, then, if p->explore is
 * set (and o asks for the input's own schedule), a seeded PRNG schedule
 * and PCT at depth 3 with window drops (o->explore: both, or one of
 * them), seeded by the program's encoding.  Stops at the first
 * violation; *which says which run it was (0, then 1, 2 in that order).
 */
void harness_run_input(const struct vmt_program *p, const struct harness_opts *o,
		       struct sim_result *res, unsigned *which);
/*
 * As harness_run_input; if a derived run failed, rewrite p into the
 * program that fails in one run under its own schedule (the derived
 * schedule and choices written down, explore cleared).  Returns false if
 * that schedule does not fit the encoding (p is left as it was).
 */
bool harness_settle(struct vmt_program *p, const struct harness_opts *o,
		    struct sim_result *res);
/* The options of p's derived run `which` (1, 2) under o. */
struct harness_opts harness_derived_opts(const struct vmt_program *p,
					 const struct harness_opts *o,
					 unsigned which);
/* harness_settle() with the derived run's options d given: run p under d
 * recording, write the schedule down, run it under o. */
bool harness_settle_as(struct vmt_program *p, const struct harness_opts *d,
		       const struct harness_opts *o, struct sim_result *res);

/*
 * For a report or a trace: settle p (harness_settle), then run with
 * tracing the run that shows its verdict (its own schedule if clean).  If
 * the failing derived schedule cannot be written down, p stays as it is
 * and that derived run is traced.
 */
void harness_trace_input(struct vmt_program *p, const struct harness_opts *o,
			 struct sim_result *res);

/* Print a report of the last run (which must have had o->trace set):
 * the verdict first, the replay hint, the column trace, the state. */
void harness_report(FILE *out, const struct vmt_program *p,
		    const struct harness_opts *o, const struct sim_result *res,
		    const char *input_name);
/* What a run depends on besides its input, as the environment that
 * replays it: "VMLOCK_VARIANT=v VMLOCK_MEMORY=weak|sc VMLOCK_BACKEND=b"
 * (the report's replay line, the sidecar of a crash file).  Returns the
 * length. */
size_t harness_replay_env(const struct harness_opts *o, char *buf, size_t n);
/* FNV-1a of an input's bytes: the seed of its derived schedules (of its
 * encoding), and the name of a file vmlock fuzz writes. */
uint64_t harness_input_hash(const uint8_t *d, size_t n);
/* A fuzzer's find: input failed under o with *first (harness_run_input);
 * trace it again (the trace hash on) and report it as harness_report()
 * does.  The traced run must fail as the first did. */
void harness_report_find(FILE *out, const struct vmt_program *input,
			 const struct harness_opts *o,
			 const struct sim_result *first, const char *input_name);
/* The column trace only (vmlock trace); all: every access, not only the
 * ones that change the lock's state. */
void harness_print_trace(FILE *out, const struct vmt_program *p, bool all);
/* The state of every VMA and mm at the end of the last run. */
void harness_print_state(FILE *out);

/*
 * Shrink p in place while it fails with the same verdict: fewer ops,
 * fewer and shorter schedule runs, fewer choices and initial VMAs.
 * Returns the number of candidate runs tried (0 if p runs clean).
 */
unsigned harness_minimize(struct vmt_program *p, const struct harness_opts *o);
/*
 * harness_settle() for a program about to be minimised: if the failing
 * derived schedule has more runs than the encoding holds, shorten it
 * (drop runs while it fails with the verdict) until it fits, and write
 * that down.  False if it cannot be recorded or shortened enough (p is
 * left as it was).
 */
bool harness_settle_shrinking(struct vmt_program *p,
			      const struct harness_opts *o,
			      struct sim_result *res);

/*
 * The schedule and choice bytes the last run (with o->record) followed,
 * as run lengths and choices in p: false if they do not fit the
 * encoding's limits.
 */
bool harness_recorded(struct vmt_program *p);
/* The same for a schedule of up to max runs, more than p holds: the
 * runs into runs (their number returned), the choice bytes into p; 0 if
 * they did not fit. */
unsigned harness_recorded_long(struct vmt_program *p,
			       struct sim_sched_run *runs, unsigned max);

/*
 * The windows of the last recorded run (sim_note_window()): the steps,
 * counted from 0 over the whole run, whose access touched a VMA under
 * RCU without a reference.  Up to max of them into out; returns how many.
 */
unsigned harness_recorded_windows(uint16_t *out, unsigned max);

/* The backend o names with its variant (the kernel copy built from
 * kernel/patches/<variant>.patch); exits 2 if this build lacks it. */
const struct backend *harness_backend(const struct harness_opts *o);
/* "model" or "kernel 7.3.4" (with " (patched: <variant>)" for a copy). */
void harness_backend_name(const struct harness_opts *o, char *buf, size_t len);
/* VMLOCK_BACKEND from the environment: "model" (the default, also when
 * unset or empty, in every build) or "kernel"; exits 2 on anything else
 * or on "kernel" in a build without the kernel backend. */
enum backend_kind harness_backend_from_env(void);
/* VMLOCK_VARIANT from the environment; exits 2 on an unknown name. */
enum variant harness_variant_from_env(void);
/* VMLOCK_MEMORY from the environment: "weak" (the default) or "sc";
 * exits 2 on anything else.  Returns true for "sc". */
bool harness_sc_only_from_env(void);
/* VMLOCK_EXPLORE from the environment: "both" (the default), "prng" or
 * "pct"; exits with a message on anything else. */
enum harness_explore harness_explore_from_env(void);
/* The defaults, with the backend, the variant, the memory model and the
 * explore mode the environment names (the four above). */
void harness_opts_from_env(struct harness_opts *o);
/* VMLOCK_FEEDBACK from the environment: the kinds of concurrency feedback
 * an engine reports (enum sim_feedback_kind): dflt, the engine's own
 * default (SIM_FB_DEFAULT for the fuzz target), when unset or "1", none
 * for "0", every kind for "all", or a comma-separated list of switch,
 * refcnt, read-from, cas, wake and walk; exits with a message on anything
 * else. */
unsigned harness_feedback_from_env(unsigned dflt);

#endif /* VMLOCK_HARNESS_HARNESS_H */
