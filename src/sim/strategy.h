/* SPDX-License-Identifier: MIT */
/*
 * strategy.h - who runs next.
 *
 * Three strategies behind struct sim_strategy:
 *  - bytes: the schedule is data from the fuzz input, as run lengths
 *    ("thread t makes the next n accesses"); when the runs are used up the
 *    running thread goes on until it sleeps or ends.  The fuzzing default.
 *  - prng: a seeded PRNG preempts at each point with probability 1/4.
 *  - pct: PCT (priorities with d - 1 change points over k steps), and,
 *    if asked, a drop of the running thread's priority below all at a
 *    window, one time in `window_one_in`.
 * Choice bytes (which store a load reads, history.c) come from the input
 * for bytes, and from the PRNG for prng and pct.
 * All are deterministic functions of their inputs.
 */
#ifndef VMLOCK_SIM_STRATEGY_H
#define VMLOCK_SIM_STRATEGY_H

#include "sim.h"

struct sim_sched_run {
	uint8_t thread;
	uint8_t steps;
};

struct strat_bytes {
	const struct sim_sched_run *runs;
	unsigned nruns;
	const uint8_t *choices;
	unsigned nchoices;
	/* state */
	unsigned idx, cidx;
	uint32_t remaining;
	int target;
};

/* PRNG strategies hand out as many choice bytes as an input can hold, so
 * the recording of their run replays. */
#define STRAT_MAX_CHOICES 64

struct strat_prng {
	uint64_t state;
	unsigned nchoices;	/* choice bytes handed out */
};

#define PCT_MAX_DEPTH 8
struct strat_pct {
	uint64_t rng;
	unsigned depth;			/* d: bug depth aimed at */
	uint32_t step;
	uint32_t change[PCT_MAX_DEPTH];	/* steps where priorities drop */
	int prio[SIM_MAX_THREADS];
	/* Window drops (strat_pct_windows()): 0 (none), or one window in
	 * window_one_in lowers the thread that made it below every thread,
	 * to `low` (then one less for the next).  at_window: the access the
	 * last pick let run was a window. */
	unsigned window_one_in;
	int low;
	bool at_window;
	unsigned nchoices;	/* choice bytes handed out */
	/* The last pick and the ready mask it was made on: with the same
	 * mask and no change point, the next pick is the same thread. */
	unsigned last_ready;
	int last_pick;
};

/*
 * record: wraps another strategy and writes down its picks as runs, so any
 * schedule (prng, pct) can be replayed by the bytes strategy and printed.
 */
#define RECORD_MAX_RUNS 256
#define RECORD_MAX_WINDOWS 32
struct strat_record {
	const struct sim_strategy *inner;
	void *inner_ctx;
	struct sim_sched_run runs[RECORD_MAX_RUNS];
	unsigned nruns;
	uint8_t choices[STRAT_MAX_CHOICES];	/* the choice bytes taken */
	unsigned nchoices;
	bool overflow;		/* more runs or choices than fit */
	uint32_t picks;		/* steps so far: the runs' sum */
	/* The steps (from 0) whose access was a window, in order; the first
	 * RECORD_MAX_WINDOWS of them. */
	uint16_t windows[RECORD_MAX_WINDOWS];
	unsigned nwindows;
};

/*
 * dfs: bounded exhaustive search (bounded.c).  Run, then strat_dfs_next()
 * until it returns false: every schedule with at most `bound` preemptions
 * ran once.  overflow: a run had more decision points than are recorded,
 * so the search is not complete.
 */
#define DFS_MAX_POINTS 4096
struct dfs_point {
	uint8_t ready;		/* ready threads (bit mask) */
	uint8_t cur;		/* the thread that ran last */
	uint8_t chosen;
};
struct strat_dfs {
	unsigned bound;
	unsigned nprefix;
	uint8_t prefix[DFS_MAX_POINTS];	/* decisions the next run follows */
	unsigned npts;
	struct dfs_point pts[DFS_MAX_POINTS];	/* decisions of this run */
	unsigned long schedules;	/* runs set up after the first */
	bool overflow;
};

extern const struct sim_strategy strategy_bytes;

/* splitmix64: the project's PRNG (never libc rand): prng, pct, the
 * benchmarks' inputs. */
static inline uint64_t prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The first ready thread at or after t, cyclically: the ready mask
 * rotated right by t, its lowest bit.  No loop, no branch: the bytes
 * strategy asks at every scheduling point whose run's thread sleeps. */
_Static_assert((SIM_MAX_THREADS & (SIM_MAX_THREADS - 1)) == 0,
	       "strat_ready_from() rotates a mask of SIM_MAX_THREADS bits");
static inline int strat_ready_from(int t, unsigned ready)
{
	unsigned both = ready | ready << SIM_MAX_THREADS;	/* two turns */

	return (t + __builtin_ctz(both >> t)) & (SIM_MAX_THREADS - 1);
}

/* bytes, its common case, inline at every scheduling point: the run
 * goes on with the running thread.  Either the running thread is the
 * run's, or the run's thread sleeps and the running thread is the first
 * ready one after it (bytes_pick() gives the steps of a sleeping
 * thread's run to that one).  One step of the run is used, unless the
 * runs are used up; then the running thread is the run's from now on. */
static inline bool strat_bytes_goes_on(struct strat_bytes *c, int cur,
				       unsigned ready)
{
	if (c->remaining == 0 || !(ready & (1u << cur)) ||
	    (c->target != cur && strat_ready_from(c->target, ready) != cur))
		return false;
	if (c->remaining != UINT32_MAX)
		c->remaining--;
	else
		c->target = cur;
	return true;
}

/* pct, its common case inline: the same ready threads as at the last
 * pick, which was the running thread, and no change point at this step:
 * the priorities are as they were, so pct_pick() would pick it again. */
static inline bool strat_pct_goes_on(struct strat_pct *c, int cur,
				     unsigned ready)
{
	if (ready != c->last_ready || cur != c->last_pick || c->at_window)
		return false;
	for (unsigned i = 0; i + 1 < c->depth; i++)
		if (c->change[i] == c->step + 1)
			return false;
	c->step++;
	return true;
}

extern const struct sim_strategy strategy_dfs;
extern const struct sim_strategy strategy_record;
extern const struct sim_strategy strategy_prng;
extern const struct sim_strategy strategy_pct;

void strat_bytes_init(struct strat_bytes *c, const struct sim_sched_run *runs,
		      unsigned nruns, const uint8_t *choices,
		      unsigned nchoices);
void strat_prng_init(struct strat_prng *c, uint64_t seed);
/* k: the number of steps the change points are spread over. */
void strat_pct_init(struct strat_pct *c, uint64_t seed, unsigned depth,
		    unsigned nthreads, uint32_t k);
/*
 * Window drops on top of c's change points: at a window (sim_note_window(),
 * a reader on a VMA it holds no reference to, an exit's write lock and
 * detach, a killable sleep), one time in one_in the thread that made it
 * drops below every thread, the later drop below the earlier.  A lifetime
 * bug's windows are where its preemptions must land: a stale reader
 * stalled past a free and a reuse, then the other side stalled while the
 * reader comes in.  Change points at random steps hit a window of a few
 * steps in a run of a hundred only by chance, one point at a time.
 */
void strat_pct_windows(struct strat_pct *c, unsigned one_in);	/* 0: none */

void strat_record_init(struct strat_record *c, const struct sim_strategy *inner,
		       void *inner_ctx);

void strat_dfs_init(struct strat_dfs *c, unsigned bound);
/* Start the run again with the same decisions (a traced re-run). */
void strat_dfs_rewind(struct strat_dfs *c);
bool strat_dfs_next(struct strat_dfs *c);

#endif /* VMLOCK_SIM_STRATEGY_H */
