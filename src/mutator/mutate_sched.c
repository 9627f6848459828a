// SPDX-License-Identifier: MIT
/*
 * mutate_sched.c - mutations of the schedule, the choice bytes and the
 * initial world.
 *
 * The schedule is a list of runs "thread t makes the next n accesses".  A
 * preemption is the boundary between two runs, so moving a boundary while
 * keeping the sum of the two runs (sched-shift) moves one preemption and
 * leaves every later one where it was in absolute steps; that is the
 * schedule's smallest meaningful change.
 */
#include "internal.h"
#include "../util/assert.h"

#include <string.h>

#define STEPS_MAX 64

unsigned mut_random_steps(struct mut_rng *r)
{
	switch (mut_rng_below(r, 4)) {
	case 0:
	case 1:
		return 1 + mut_rng_below(r, 4);
	case 2:
		return 5 + mut_rng_below(r, 12);
	default:
		return 17 + mut_rng_below(r, STEPS_MAX - 16);
	}
}

/* A small distance, 1 most often. */
static unsigned small_delta(struct mut_rng *r)
{
	return mut_one_in(r, 4) ? 1 + mut_rng_below(r, 16)
				: 1 + mut_rng_below(r, 3);
}

static unsigned other_thread(const struct vmt_program *p, unsigned t,
			     struct mut_rng *r)
{
	VM_ASSERT(p->nthreads >= 2);
	return (t + 1 + mut_rng_below(r, p->nthreads - 1u)) % p->nthreads;
}

void mut_sched_insert_at(struct vmt_program *p, unsigned i,
			    unsigned thread, unsigned steps)
{
	VM_ASSERT(p->nsched < VMT_MAX_SCHED && i <= p->nsched);
	VM_ASSERT(steps >= 1 && steps <= STEPS_MAX);
	memmove(&p->sched[i + 1], &p->sched[i],
		(p->nsched - i) * sizeof(p->sched[0]));
	p->sched[i].thread = (uint8_t)thread;
	p->sched[i].steps = (uint8_t)steps;
	p->nsched++;
}

static void sched_delete_at(struct vmt_program *p, unsigned i)
{
	VM_ASSERT(i < p->nsched);
	memmove(&p->sched[i], &p->sched[i + 1],
		(p->nsched - i - 1u) * sizeof(p->sched[0]));
	p->nsched--;
	memset(&p->sched[p->nsched], 0, sizeof(p->sched[0]));
}

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

bool mut_sched_shift(struct vmt_program *p, struct mut_rng *r)
{
	unsigned i, a, b, later, earlier, d;

	if (p->nsched < 2)
		return false;
	i = mut_rng_below(r, p->nsched - 1u);
	a = p->sched[i].steps;
	b = p->sched[i + 1].steps;
	/* Room to move the boundary later (a grows) or earlier (b grows). */
	later = min_u(STEPS_MAX - a, b - 1);
	earlier = min_u(a - 1, STEPS_MAX - b);
	if (!later && !earlier)
		return false;
	d = small_delta(r);
	if (earlier && (!later || mut_one_in(r, 2))) {
		d = min_u(d, earlier);
		a -= d;
		b += d;
	} else {
		d = min_u(d, later);
		a += d;
		b -= d;
	}
	p->sched[i].steps = (uint8_t)a;
	p->sched[i + 1].steps = (uint8_t)b;
	return true;
}

bool mut_sched_steps(struct vmt_program *p, struct mut_rng *r)
{
	struct vmt_run *run;
	unsigned steps;

	if (!p->nsched)
		return false;
	run = &p->sched[mut_rng_below(r, p->nsched)];
	if (mut_one_in(r, 3)) {
		steps = mut_random_steps(r);
	} else {
		unsigned d = small_delta(r);

		steps = mut_one_in(r, 2) ? run->steps + d
					 : (run->steps > d ? run->steps - d : 1);
	}
	steps = min_u(steps, STEPS_MAX);
	if (steps == run->steps)
		return false;
	run->steps = (uint8_t)steps;
	return true;
}

bool mut_sched_thread(struct vmt_program *p, struct mut_rng *r)
{
	struct vmt_run *run;

	if (!p->nsched || p->nthreads < 2)
		return false;
	run = &p->sched[mut_rng_below(r, p->nsched)];
	run->thread = (uint8_t)other_thread(p, run->thread, r);
	return true;
}

/*
 * A preemption inside a run: (t, a+b) becomes (t, a)(u, b), or, half the
 * time, (t, a)(u, c)(t, b), a visit by u after which t goes on.
 */
bool mut_sched_split(struct vmt_program *p, struct mut_rng *r)
{
	unsigned i, a, b, t, u;

	if (!p->nsched || p->nthreads < 2 || p->nsched >= VMT_MAX_SCHED)
		return false;
	i = mut_rng_below(r, p->nsched);
	t = p->sched[i].thread;
	if (p->sched[i].steps < 2)
		return false;
	a = 1 + mut_rng_below(r, p->sched[i].steps - 1u);
	b = p->sched[i].steps - a;
	u = other_thread(p, t, r);
	p->sched[i].steps = (uint8_t)a;
	if (p->nsched + 2 <= VMT_MAX_SCHED && mut_one_in(r, 2)) {
		mut_sched_insert_at(p, i + 1, u, mut_random_steps(r));
		mut_sched_insert_at(p, i + 2, t, b);
	} else {
		mut_sched_insert_at(p, i + 1, u, b);
	}
	return true;
}

bool mut_sched_merge(struct vmt_program *p, struct mut_rng *r)
{
	unsigned i, steps;

	if (p->nsched < 2)
		return false;
	i = mut_rng_below(r, p->nsched - 1u);
	steps = min_u(p->sched[i].steps + p->sched[i + 1].steps, STEPS_MAX);
	if (mut_one_in(r, 2))
		p->sched[i].thread = p->sched[i + 1].thread;
	p->sched[i].steps = (uint8_t)steps;
	sched_delete_at(p, i + 1);
	return true;
}

bool mut_sched_insert(struct vmt_program *p, struct mut_rng *r)
{
	unsigned i, t;

	if (p->nsched >= VMT_MAX_SCHED)
		return false;
	/* One draw per statement: the order of a call's arguments is
	 * unspecified, and gcc and clang differ. */
	i = mut_rng_below(r, p->nsched + 1u);
	t = mut_rng_below(r, p->nthreads);
	mut_sched_insert_at(p, i, t, mut_random_steps(r));
	return true;
}

bool mut_sched_delete(struct vmt_program *p, struct mut_rng *r)
{
	if (!p->nsched)
		return false;
	sched_delete_at(p, mut_rng_below(r, p->nsched));
	return true;
}

/* Two to six short runs, each of another thread than the one before. */
bool mut_sched_fresh(struct vmt_program *p, struct mut_rng *r)
{
	unsigned n = 2 + mut_rng_below(r, 5), i, t;

	if (p->nthreads < 2)
		return false;
	t = mut_rng_below(r, p->nthreads);
	memset(p->sched, 0, sizeof(p->sched));
	for (i = 0; i < n; i++) {
		p->sched[i].thread = (uint8_t)t;
		p->sched[i].steps = (uint8_t)mut_random_steps(r);
		t = other_thread(p, t, r);
	}
	p->nsched = (uint8_t)n;
	return true;
}

/* ---- choices ---- */

/* Reads-from choices are taken modulo a few candidates: small values. */
static uint8_t random_choice(struct mut_rng *r)
{
	return (uint8_t)(mut_one_in(r, 2) ? mut_rng_below(r, 4)
					  : mut_rng_below(r, 256));
}

bool mut_choice_flip(struct vmt_program *p, struct mut_rng *r)
{
	unsigned bit;

	if (!p->nchoices)
		return false;
	bit = mut_rng_below(r, 8);	/* then the byte: one draw a statement */
	p->choices[mut_rng_below(r, p->nchoices)] ^= (uint8_t)(1u << bit);
	return true;
}

bool mut_choice_set(struct vmt_program *p, struct mut_rng *r)
{
	uint8_t *c, v;

	if (!p->nchoices)
		return false;
	c = &p->choices[mut_rng_below(r, p->nchoices)];
	v = random_choice(r);
	if (v == *c)
		v = (uint8_t)(v + 1);
	*c = v;
	return true;
}

bool mut_choice_insert(struct vmt_program *p, struct mut_rng *r)
{
	unsigned i;

	if (p->nchoices >= VMT_MAX_CHOICES)
		return false;
	i = mut_rng_below(r, p->nchoices + 1u);
	memmove(&p->choices[i + 1], &p->choices[i], p->nchoices - i);
	p->choices[i] = random_choice(r);
	p->nchoices++;
	return true;
}

bool mut_choice_delete(struct vmt_program *p, struct mut_rng *r)
{
	unsigned i;

	if (!p->nchoices)
		return false;
	i = mut_rng_below(r, p->nchoices);
	memmove(&p->choices[i], &p->choices[i + 1], p->nchoices - i - 1u);
	p->choices[--p->nchoices] = 0;
	return true;
}

/* ---- the world ---- */

bool mut_small_limit(struct vmt_program *p, struct mut_rng *r)
{
	(void)r;
	p->small_limit ^= 1;
	return true;
}

bool mut_explore(struct vmt_program *p, struct mut_rng *r)
{
	(void)r;
	p->explore ^= 1;
	return true;
}

bool mut_layout(struct vmt_program *p, struct mut_rng *r)
{
	/* Most often the mm of some thread: a VMA nobody sees does little. */
	unsigned m = mut_one_in(r, 4) ? mut_rng_below(r, VMT_MAX_MMS)
		   : p->threads[mut_rng_below(r, p->nthreads)].mm;

	p->layout[m] ^= (uint8_t)(1u << mut_rng_below(r, VMT_SLOTS));
	return true;
}

/* ---- the whole program ---- */

/*
 * A random program, as random bytes decode to one (the decoder never
 * rejects), with the explore bit on: the fuzzer keeps the random testing
 * and PCT baselines' reach (every shape of program, each run under a
 * PRNG and a PCT schedule as well) while feedback and the other
 * mutations work on what it keeps.  Without it, a campaign from an empty
 * corpus builds every program up one mutation at a time.  Its ops lean to
 * the VMAs it has (mut_lean_to_vmas(): bench/results/fresh-programs.md), so
 * that more of its readers and writers take a lock.
 */
void mut_random_program(struct vmt_program *p, struct mut_rng *r,
			size_t max_bytes)
{
	uint8_t buf[VMT_MAX_INPUT];
	size_t n = 8 + mut_rng_below(r, (unsigned)max_bytes - 7);

	VM_ASSERT(max_bytes > 8 && max_bytes <= VMT_MAX_INPUT);
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(mut_rng_next(r) >> 56);
	vmt_decode(buf, n, p);
}

bool mut_program_fresh(struct vmt_program *p, struct mut_rng *r)
{
	mut_random_program(p, r, VMT_MAX_INPUT);
#ifdef VMLOCK_SWARM
	mut_swarm(p, mut_swarm_mask(r), r);
#endif
	mut_lean_to_vmas(p, r);
	p->explore = 1;
	return true;
}
