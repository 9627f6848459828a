/* SPDX-License-Identifier: MIT */
/*
 * history.c - the weak-memory simulation: which store a load reads.
 *
 * Every atomic location keeps its last SIM_HISTORY stores in modification
 * order (mo), which is the order the simulation executes them in.  A load
 * may read any of them that is not older than its coherence floor:
 *
 *  - the newest store that happens before the load (write-read coherence,
 *    through the vector clocks: store epoch <= the reader's clock of the
 *    writer);
 *  - the newest store this thread has read or written (read-read and
 *    write-read coherence), and the newest store another thread read in a
 *    read that happens before this load (CoRR through happens-before;
 *    kept for that thread's last two epochs);
 *  - what seq_cst fences published: each fence, in the order the
 *    simulation runs them (their total order S), joins the thread's view
 *    of every location with the global one and publishes the result, as
 *    the SC fences of the promising semantics (Kang et al. 2017) do.
 *
 * RMWs and failed CASes read the latest store.  seq_cst loads read the
 * latest store too (stronger than C11, which lets a seq_cst load read a
 * non-seq_cst store that is not the latest; the model has no seq_cst
 * loads).  What is not modelled: load buffering (a load reads only stores
 * that were already executed, so no value comes from the future, and no
 * out-of-thin-air value either), and stores placed in mo before a store
 * already executed.  Relacy and loom make the same choice; CDSChecker and
 * GenMC also explore load buffering.  See README "Weak memory".
 *
 * The choice is data: the strategy's choice bytes (from the fuzz input,
 * or a PRNG).  One byte = bits 0-5 "gap", bits 6-7 "depth - 1": the next
 * `gap` loads that have a choice read the latest store, the one after
 * reads `depth` stores back (at most as far as its floor allows); then
 * the next byte.  With no bytes left every load reads the latest store,
 * so an input without choice bytes runs sequentially consistent.
 */
#include "internal.h"
#include "history_read.h"

#include <string.h>

void sim_history_next_byte(void)
{
	const struct sim_strategy *s = sim.cfg.strategy;

	sim.rf.byte = -1;
	if (!sim.cfg.sc_only && s->choice)
		sim.rf.byte = s->choice(sim.cfg.strategy_ctx);
	sim.rf.gap = sim.rf.byte < 0 ? 0 : (unsigned)sim.rf.byte & 63;
}

void sim_history_reset(void)
{
	memset(sim.sc_view, 0, sizeof(sim.sc_view));
	sim.nwritten = 0;
	sim.stale_reads = 0;
	sim_history_next_byte();
}

void sim_history_init(uint16_t loc, int32_t v)
{
	for (int t = 0; t < SIM_MAX_THREADS; t++)
		sim.seen[t][loc] = 0;
	sim.sc_view[loc] = 0;
	sim.nstores[loc] = 0;
	sim_history_write(loc, v, NULL);
}

uint32_t sim_store_number(const sim_atomic_t *x)
{
	return sim.nstores[x->loc];
}

void sim_raise_floor(int tid, uint16_t loc, uint32_t idx)
{
	VM_ASSERT(tid >= 0 && tid < SIM_MAX_THREADS);
	VM_ASSERT(loc > 0 && loc < sim.nlocs && idx <= sim.nstores[loc]);
	if (sim.seen[tid][loc] < idx)
		sim.seen[tid][loc] = idx;
}

/* The oldest store still in the history of location loc. */
static uint32_t oldest(uint16_t loc)
{
	uint32_t n = sim.nstores[loc];

	return n > SIM_HISTORY ? n - SIM_HISTORY + 1 : 1;
}

/* The newest read of another thread that happens before us. */
static uint32_t reads_floor(const struct sim_loc_state *l,
			    const struct vclock *vc)
{
	uint32_t lo = 0;

	for (int u = 0; u < sim.n; u++) {
		const struct sim_read_rec *r = &l->rd[u];

		if (u == sim.cur)
			continue;
		if (r->idx > lo && r->clk <= vc->c[u])
			lo = r->idx;
		else if (r->prev_idx > lo && r->prev_clk <= vc->c[u])
			lo = r->prev_idx;
	}
	return lo;
}

VM_NOINLINE uint32_t sim_history_floor_slow(const struct sim_loc_state *l,
					   uint16_t loc)
{
	const struct vclock *vc = &sim_cur()->vc;
	uint32_t lo = sim.seen[sim.cur][loc];
	uint32_t n = sim.nstores[loc];
	uint32_t r = reads_floor(l, vc);

	lo = r > lo ? r : lo;
	for (uint32_t i = n; i > lo && i >= oldest(loc); i--)
		if (store_hb(&sim.hist[loc][i % SIM_HISTORY], vc))
			return i;
	return lo > oldest(loc) ? lo : oldest(loc);
}

struct sim_store_rec *sim_history_write(uint16_t loc, int32_t v,
					const struct sim_site *s)
{
	uint32_t n = ++sim.nstores[loc];
	struct sim_store_rec *r = &sim.hist[loc][n % SIM_HISTORY];
	bool fiber = sim_in_fiber();

	r->val = v;
	r->site = s;
	r->tid = (int8_t)(fiber ? sim.cur : -1);
	r->clk = fiber ? sim_cur()->vc.c[sim.cur] : 0;
	vclock_clear(&r->sync);
	/* The views (seen, and the locations a seq_cst fence walks) serve
	 * only loads that may read an older store: none once the choice
	 * bytes are used up (sim_history_next_byte() never takes another),
	 * or with the simulation off. */
	if (sim.rf.byte < 0)
		return r;
	if (n == 2) {
		VM_ASSERT(sim.nwritten < SIM_MAX_LOCS);
		sim.written[sim.nwritten++] = loc;
	}
	if (fiber)
		sim.seen[sim.cur][loc] = n;
	return r;
}

/*
 * max without a select instruction: AFL++ 4.04c's instrumentation of this
 * select overran the object's guard array (it read the next section as a
 * guard and crashed, depending on link order).
 */
static uint32_t max_u32(uint32_t a, uint32_t b)
{
	uint32_t b_wins = -(uint32_t)(b > a);	/* all ones or zero */

	return a ^ ((a ^ b) & b_wins);
}

/*
 * A seq_cst fence: the thread's view of every atomic location (what it
 * read or wrote, and the newest store that happens before it) joins the
 * view earlier fences published, and is published for later ones.
 */
void sim_history_sc_fence(void)
{
	/* The locations whose view is not simply the latest store: the
	 * thread had not seen it and no earlier fence published it.  The
	 * first pass sets every view to the latest without a branch (which
	 * case holds depends on the run: a branch mispredicts) and lists
	 * these with their old views; the second computes their views.
	 * Each location's view depends on its own state only, so the order
	 * does not matter. */
	struct pending { uint16_t loc; uint32_t seen, sc_view; } todo[SIM_MAX_LOCS];
	uint32_t *seen;
	unsigned k = 0;

	if (sim.rf.byte < 0)
		return;		/* no stale read can follow: views unused */
	seen = sim.seen[sim.cur];
	for (unsigned i = 0; i < sim.nwritten; i++) {
		uint16_t loc = sim.written[i];
		uint32_t n = sim.nstores[loc];

		todo[k] = (struct pending){ loc, seen[loc], sim.sc_view[loc] };
		k += (todo[k].seen != n) & (todo[k].sc_view != n);
		seen[loc] = n;
		sim.sc_view[loc] = n;
	}
	for (unsigned j = 0; j < k; j++) {
		uint16_t loc = todo[j].loc;
		uint32_t v;

		seen[loc] = todo[j].seen;	/* floor_of() reads it */
		v = max_u32(floor_of(&sim.locs[loc], loc), todo[j].sc_view);
		seen[loc] = v;
		sim.sc_view[loc] = v;
	}
}
