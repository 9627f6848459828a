/* SPDX-License-Identifier: MIT */
/*
 * history_read.h - the read half of the weak-memory simulation (history.c
 * has the rest and the model it follows): which store a load reads.  Inline
 * in every atomic access (memory.c) and in the seq_cst fence (history.c);
 * the rare paths stay out of line in history.c.
 */
#ifndef VMLOCK_SIM_HISTORY_READ_H
#define VMLOCK_SIM_HISTORY_READ_H

#include "internal.h"

/* Does store r happen before a thread with clock vc? */
static VM_ALWAYS_INLINE bool
store_hb(const struct sim_store_rec *r, const struct vclock *vc)
{
	return r->tid < 0 || r->clk <= vc->c[r->tid];
}

/* The oldest store the running thread may read.  The common cases
 * inline: nothing newer than what we saw, or the latest store happens
 * before us. */
static VM_ALWAYS_INLINE uint32_t
floor_of(const struct sim_loc_state *l, uint16_t loc)
{
	uint32_t n = sim.nstores[loc];

	if (sim.seen[sim.cur][loc] == n ||
	    store_hb(&sim.hist[loc][n % SIM_HISTORY], &sim_cur()->vc))
		return n;
	return sim_history_floor_slow(l, loc);
}

/* How many stores back from the latest to read, of ncand candidates. */
static VM_ALWAYS_INLINE unsigned rf_pick(unsigned ncand)
{
	const struct sim_strategy *s = sim.cfg.strategy;

	if (__builtin_expect(s->rf != NULL, 0)) {
		unsigned back = s->rf(sim.cfg.strategy_ctx, ncand);

		VM_ASSERT(back < ncand);
		return back;
	}
	if (sim.rf.gap > 0) {
		sim.rf.gap--;
		return 0;
	}
	unsigned depth = 1 + ((unsigned)sim.rf.byte >> 6);

	sim_history_next_byte();
	return depth < ncand ? depth : ncand - 1;
}

/* The running thread read store idx: its coherence floor, and the record
 * later readers' floors use (CoRR through happens-before). */
static VM_ALWAYS_INLINE void
note_read(struct sim_loc_state *l, uint16_t loc, uint32_t idx)
{
	struct sim_read_rec *r = &l->rd[sim.cur];
	uint32_t now = sim_cur()->vc.c[sim.cur];

	sim.seen[sim.cur][loc] = idx;
	if (r->clk != now && r->idx) {
		r->prev_idx = r->idx;
		r->prev_clk = r->clk;
	}
	r->idx = idx;
	r->clk = now;
}

/* The store a load reads: the latest, or an older one that coherence and
 * happens-before allow, as the input's choice bytes say.  RMWs and
 * seq_cst loads (latest) read the latest. */
static VM_ALWAYS_INLINE const struct sim_store_rec *
sim_history_read(struct sim_loc_state *l, uint16_t loc, bool latest,
		 struct sim_access *a)
{
	uint32_t idx = sim.nstores[loc];

	if (sim.rf.byte >= 0) {
		uint32_t lo = latest ? idx : floor_of(l, loc);

		if (lo < idx) {
			idx -= rf_pick(idx - lo + 1);
			if (idx != sim.nstores[loc] && a->site->local) {
				/* A local access reads a location nobody
				 * else may write now: no choice exists. */
				VM_ASSERT(!"a local load with a stale store");
			}
		}
		/* A latest read (a failed CAS too) is a read: later loads
		 * of the thread may not read older (CoRR). */
		note_read(l, loc, idx);
	}
	const struct sim_store_rec *r = &sim.hist[loc][idx % SIM_HISTORY];

	a->rf_tid = r->tid;
	a->rf_idx = idx;
	a->rf_stale = (uint8_t)(sim.nstores[loc] - idx);
	if (a->rf_stale)
		sim.stale_reads++;
	return r;
}

#endif /* VMLOCK_SIM_HISTORY_READ_H */
