// SPDX-License-Identifier: MIT
/*
 * test_mutator.c - unit tests of the structure-aware mutator.
 *
 * Over many programs (decoded from random bytes of a fixed PRNG stream, so
 * a failure replays) and many seeds:
 *  - every result is canonical: one vmt_decode() gives, so encode -> decode
 *    is the identity on it, and its bytes are the canonical encoding;
 *  - every result is within the limits of program.h and the size limit;
 *  - the same input and seed give the same output, for mutation and
 *    crossover alike;
 *  - vmt_mutate() always changes the program, and every mutation kind is
 *    reached and changes the program when it applies;
 *  - a few kinds do exactly what they say (a shift keeps the sum of the
 *    two runs, a removed thread leaves no run behind, a fresh program's
 *    ops lean to the VMAs it has);
 *  - an explicit schedule is the same execution (verdict, steps, trace
 *    hash), under the correct lock and under a variant;
 *  - with --afl LIB, the AFL++ plug-in loads and mutates the same way.
 *
 * Exit status 0 when every check passes; each failure prints file:line.
 */
#include "harness/harness.h"
#include "mutator/explicit.h"
#include "mutator/mutator.h"
#include "mutator/internal.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkf.h"

#define PROGRAMS	2000
#define SEEDS		20
#define REACH_TRIES	20000



static struct mut_rng test_rng = { .state = 0x5eed0001 };

/* A program decoded from random bytes: the fuzzer's view of the world. */
static void random_program(struct vmt_program *p)
{
	uint8_t buf[VMT_MAX_INPUT];
	size_t n = mut_rng_below(&test_rng, sizeof(buf) + 1), i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)mut_rng_next(&test_rng);
	/* An op count that fits what follows, so there are ops to mutate. */
	if (n > 3)
		buf[3] = (uint8_t)mut_rng_below(&test_rng, (unsigned)(n - 3) / 2 + 1);
	vmt_decode(buf, n, p);
}

static int same(const struct vmt_program *a, const struct vmt_program *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static int within_limits(const struct vmt_program *p)
{
	unsigned total = 0, t, i;

	if (p->nthreads < 1 || p->nthreads > VMT_MAX_THREADS)
		return 0;
	for (t = 0; t < p->nthreads; t++) {
		if (p->threads[t].nops > VMT_MAX_OPS_PER_THREAD ||
		    p->threads[t].mm >= VMT_MAX_MMS)
			return 0;
		total += p->threads[t].nops;
	}
	if (total > VMT_MAX_OPS || p->nsched > VMT_MAX_SCHED ||
	    p->nchoices > VMT_MAX_CHOICES)
		return 0;
	for (i = 0; i < p->nsched; i++)
		if (p->sched[i].thread >= p->nthreads ||
		    p->sched[i].steps < 1 || p->sched[i].steps > 64)
			return 0;
	return p->layout[0] < 16 && p->layout[1] < 16 && p->small_limit <= 1;
}

/* Canonical, within the limits, and encoding within cap bytes. */
static int check_canonical(const struct vmt_program *p, size_t cap,
			   const char *what, unsigned seed)
{
	uint8_t buf[VMT_MAX_INPUT];
	struct vmt_program q;
	size_t n = vmt_encode(p, buf, sizeof(buf));

	if (!CHECKF(within_limits(p), "%s seed %u: outside the limits", what, seed))
		return 0;
	if (!CHECKF(n >= VMT_MUT_MIN_CAP && n <= cap, "%s seed %u: %zu bytes, cap %zu",
		    what, seed, n, cap))
		return 0;
	vmt_decode(buf, n, &q);
	return CHECKF(same(p, &q), "%s seed %u: encode -> decode changes it", what, seed);
}

static void test_mutate_canonical(void)
{
	static const size_t caps[] = { VMT_MAX_INPUT, 128, 32, VMT_MUT_MIN_CAP };

	for (unsigned k = 0; k < PROGRAMS; k++) {
		struct vmt_program p, q;
		size_t cap = caps[k % 4];

		random_program(&p);
		vmt_canonicalize(&p, cap);
		for (unsigned s = 0; s < SEEDS; s++) {
			struct vmt_mut_log log;

			q = p;
			CHECKF(vmt_mutate(&q, s, cap, &log) == log.n && log.n >= 1,
			       "program %u seed %u: %u mutations", k, s, log.n);
			if (!check_canonical(&q, cap, "mutate", s))
				return;
			CHECKF(!same(&p, &q), "program %u seed %u: unchanged", k, s);
		}
	}
}

/* The byte form: canonical bytes out, the same bytes for the same seed. */
static void test_bytes(void)
{
	for (unsigned k = 0; k < PROGRAMS; k++) {
		uint8_t in[VMT_MAX_INPUT], out[VMT_MAX_INPUT], again[VMT_MAX_INPUT];
		uint8_t canon[VMT_MAX_INPUT];
		size_t n = mut_rng_below(&test_rng, 64), cap = 5 + k % 200, m, m2, c;
		struct vmt_program p;

		for (size_t i = 0; i < n; i++)
			in[i] = (uint8_t)mut_rng_next(&test_rng);
		m = vmt_mutate_bytes(in, n, out, cap, k, NULL);
		m2 = vmt_mutate_bytes(in, n, again, cap, k, NULL);
		if (!CHECKF(m >= VMT_MUT_MIN_CAP && m <= cap, "input %u: %zu bytes", k, m))
			return;
		CHECKF(m == m2 && !memcmp(out, again, m), "input %u: not deterministic", k);
		vmt_decode(out, m, &p);
		c = vmt_encode(&p, canon, sizeof(canon));
		CHECKF(c == m && !memcmp(canon, out, m), "input %u: bytes not canonical", k);
		/* In place, as libFuzzer calls it. */
		memcpy(again, in, n);
		m2 = vmt_mutate_bytes(again, n, again, cap, k, NULL);
		CHECKF(m == m2 && !memcmp(out, again, m), "input %u: in place differs", k);
	}
	CHECKF(vmt_mutate_bytes(NULL, 0, (uint8_t[4]){ 0 }, 4, 1, NULL) == 0,
	       "%s", "a cap below the header must be refused");
}

static void test_crossover(void)
{
	unsigned differs = 0;

	for (unsigned k = 0; k < PROGRAMS; k++) {
		struct vmt_program a, b, out, again;
		size_t cap = k % 2 ? VMT_MAX_INPUT : 64;

		random_program(&a);
		random_program(&b);
		vmt_canonicalize(&a, cap);
		vmt_canonicalize(&b, cap);
		vmt_crossover(&a, &b, k, cap, &out);
		vmt_crossover(&a, &b, k, cap, &again);
		if (!check_canonical(&out, cap, "crossover", k))
			return;
		CHECKF(same(&out, &again), "crossover %u: not deterministic", k);
		CHECKF(!same(&out, &a), "crossover %u: gives back its first input", k);
		differs += !same(&out, &b);
	}
	CHECKF(differs > PROGRAMS / 2, "only %u of %u crossovers differ from b",
	       differs, PROGRAMS);
}

/* Every kind applies somewhere and then changes the program. */
static void test_every_kind(void)
{
	unsigned applied[VMT_MUT__COUNT] = { 0 }, logged[VMT_MUT__COUNT] = { 0 };

	for (unsigned k = 0; k < REACH_TRIES; k++) {
		struct vmt_program p, q;
		unsigned kind = k % VMT_MUT__COUNT;
		struct mut_rng r = { .state = k };
		struct vmt_mut_log log;

		random_program(&p);
		q = p;
		if (vmt_mutate_one(&q, kind, &r, VMT_MAX_INPUT)) {
			applied[kind]++;
			CHECKF(!same(&p, &q), "kind %s applied without a change",
			       vmt_mutation_name(kind));
			check_canonical(&q, VMT_MAX_INPUT, vmt_mutation_name(kind), k);
		} else {
			CHECKF(same(&p, &q), "kind %s not applied but changed p",
			       vmt_mutation_name(kind));
		}
		vmt_mutate(&p, k, VMT_MAX_INPUT, &log);
		for (unsigned i = 0; i < log.n; i++)
			logged[log.kinds[i]]++;
	}
	for (unsigned kind = 0; kind < VMT_MUT__COUNT; kind++) {
		CHECKF(applied[kind] > 0, "kind %s never applies", vmt_mutation_name(kind));
		CHECKF(logged[kind] > 0, "vmt_mutate never picks %s", vmt_mutation_name(kind));
	}
}

/*
 * The op-flags mutation and a new op's fields reach every flag set each
 * kind has (vmt_op_flags(), so a flag added there is picked up: walk of
 * read-locked, split of write, merge of unmap), and nothing else.
 */
static void test_every_flag_set(void)
{
	for (unsigned kind = 0; kind < VMT_OP__COUNT; kind++) {
		unsigned seen = 0, want = 0;

		for (unsigned f = 0; f < 8; f++)
			if (vmt_op_canonical_flags(kind, f) == f)
				want |= 1u << f;
		for (unsigned k = 0; k < 400; k++) {
			struct vmt_program p;
			struct mut_rng r = { .state = k };

			memset(&p, 0, sizeof(p));
			p.version = VMT_FORMAT_VERSION;
			p.nthreads = 2;
			p.threads[0].nops = 1;
			p.threads[0].ops[0] = (struct vmt_op){ .kind = (uint8_t)kind, .len = 1 };
			(void)vmt_mutate_one(&p, VMT_MUT_OP_FLAGS, &r, VMT_MAX_INPUT);
			seen |= 1u << p.threads[0].ops[0].flags;
			mut_random_fields(&p, 0, &r, &p.threads[0].ops[0]);
			seen |= 1u << p.threads[0].ops[0].flags;
		}
		CHECKF(seen == want, "%s: flag sets reached %#x, canonical %#x",
		       vmt_op_name(kind), seen, want);
	}
}

/*
 * A read-locked op's random fields: a walk's arg (v4) only with the walk
 * flag, every arg form reached (whole, chunk, query), and the flags drawn
 * as before (the arg is drawn after them, only for a walk).
 */
static void test_walk_arg(void)
{
	unsigned walks = 0, whole = 0, chunk = 0, query = 0;

	for (unsigned k = 0; k < 4000; k++) {
		struct vmt_program p;
		struct mut_rng r = { .state = k };
		struct vmt_op op = { .kind = VMT_OP_READ_LOCKED, .len = 1 };

		memset(&p, 0, sizeof(p));
		p.nthreads = 1;
		mut_random_fields(&p, 0, &r, &op);
		if (!(op.flags & VMT_F_WALK)) {
			CHECKF(op.arg == 0, "read-locked without walk drew arg %u", op.arg);
			continue;
		}
		walks++;
		whole += op.arg == VMT_WALK_WHOLE;
		query += op.arg == VMT_WALK_QUERY;
		chunk += op.arg >= 1 && op.arg <= VMT_WALK_CHUNK_MAX;
	}
	CHECKF(walks && whole && chunk && query,
	       "walks %u: whole %u, chunk %u, query %u", walks, whole, chunk, query);
	CHECKF(whole + chunk + query == walks, "walks %u: whole %u, chunk %u, query %u",
	       walks, whole, chunk, query);
}

/* The seed corpus's detach-racing-reader: T0 fault, T1 unmap, 4 runs. */
static void racing_reader(struct vmt_program *p)
{
	memset(p, 0, sizeof(*p));
	p->version = VMT_FORMAT_VERSION;
	p->nthreads = 2;
	p->layout[0] = 1;
	p->threads[0].nops = 1;
	p->threads[0].ops[0] = (struct vmt_op){ .kind = VMT_OP_FAULT, .len = 1 };
	p->threads[1].nops = 1;
	p->threads[1].ops[0] = (struct vmt_op){ .kind = VMT_OP_UNMAP, .len = 1 };
	p->nsched = 4;
	p->sched[0] = (struct vmt_run){ 0, 2 };
	p->sched[1] = (struct vmt_run){ 1, 10 };
	p->sched[2] = (struct vmt_run){ 0, 3 };
	p->sched[3] = (struct vmt_run){ 1, 1 };
}

static unsigned total_steps(const struct vmt_program *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->nsched; i++)
		n += p->sched[i].steps;
	return n;
}

/* A shift moves one preemption: same runs, same total, two runs change. */
static void test_shift_moves_one_preemption(void)
{
	for (unsigned k = 0; k < 200; k++) {
		struct vmt_program p, q;
		struct mut_rng r = { .state = k };
		unsigned changed = 0;

		racing_reader(&p);
		vmt_canonicalize(&p, VMT_MAX_INPUT);
		q = p;
		if (!CHECKF(vmt_mutate_one(&q, VMT_MUT_SCHED_SHIFT, &r, VMT_MAX_INPUT),
			    "seed %u: no shift", k))
			return;
		CHECKF(q.nsched == p.nsched && total_steps(&q) == total_steps(&p),
		       "seed %u: runs or total changed", k);
		for (unsigned i = 0; i < p.nsched; i++) {
			CHECKF(q.sched[i].thread == p.sched[i].thread,
			       "seed %u: run %u changed thread", k, i);
			changed += q.sched[i].steps != p.sched[i].steps;
		}
		CHECKF(changed == 2, "seed %u: %u runs changed", k, changed);
	}
}

/* Removing a thread takes its runs and ops along. */
static void test_thread_remove(void)
{
	struct vmt_program p, q;
	struct mut_rng r = { .state = 3 };
	unsigned runs_of[2] = { 0, 0 };

	racing_reader(&p);
	vmt_canonicalize(&p, VMT_MAX_INPUT);
	q = p;
	CHECKF(vmt_mutate_one(&q, VMT_MUT_THREAD_REMOVE, &r, VMT_MAX_INPUT),
	       "%s", "thread-remove does not apply to two threads");
	CHECKF(q.nthreads == 1 && vmt_program_nops(&q) == 1, "%u threads, %u ops",
	       q.nthreads, vmt_program_nops(&q));
	for (unsigned i = 0; i < p.nsched; i++)
		runs_of[p.sched[i].thread]++;
	/* The survivor keeps exactly its own runs. */
	CHECKF(q.nsched == runs_of[q.threads[0].ops[0].kind == VMT_OP_UNMAP],
	       "%u runs left", q.nsched);
}

/* From the empty input, mutations build a concurrent program. */
static void test_grows_from_empty(void)
{
	uint8_t buf[128];
	size_t n = 0;
	unsigned k;
	struct vmt_program p;

	for (k = 0; k < 200; k++) {
		n = vmt_mutate_bytes(buf, n, buf, sizeof(buf), k, NULL);
		vmt_decode(buf, n, &p);
		if (p.nthreads >= 2 && vmt_program_nops(&p) >= 2 && p.nsched >= 2)
			break;
	}
	CHECKF(k < 200, "%s", "no two-thread program with a schedule in 200 mutations");
}

/* A fresh program has the explore bit on and owes nothing to the old one:
 * over a few seeds, every thread count and both mms turn up. */
static void test_program_fresh(void)
{
	unsigned threads = 0, mms = 0, k;

	for (k = 0; k < 64; k++) {
		struct vmt_program p;
		struct mut_rng r = { .state = k };

		memset(&p, 0, sizeof(p));
		p.version = VMT_FORMAT_VERSION;
		p.nthreads = 1;
		if (!CHECKF(vmt_mutate_one(&p, VMT_MUT_PROGRAM_FRESH, &r, VMT_MAX_INPUT),
			    "seed %u: program-fresh not applied", k))
			return;
		CHECKF(p.explore, "seed %u: a fresh program without the explore bit", k);
		threads |= 1u << (p.nthreads - 1);
		for (unsigned t = 0; t < p.nthreads; t++)
			mms |= 1u << p.threads[t].mm;
	}
	CHECKF(threads == 15 && mms == 3, "thread counts %#x, mms %#x", threads, mms);
}

/* Thread t's first op of kind on page at or after op `from` (-1: none). */
static int find_op(const struct vmt_program *p, unsigned t, unsigned kind,
		   int page, unsigned from)
{
	for (unsigned i = from; i < p->threads[t].nops; i++) {
		const struct vmt_op *op = &p->threads[t].ops[i];

		if (op->kind == kind && (page < 0 || op->page == page))
			return (int)i;
	}
	return -1;
}

/* Does p hold program-lifetime's skeleton: a reader (fault or
 * read-locked) and another thread's unmap of one page of one mm, and a
 * thread of the other mm that maps a page and then acts on it (or
 * exits)? */
static bool has_lifetime(const struct vmt_program *p)
{
	for (unsigned rd = 0; rd < p->nthreads; rd++)
		for (unsigned i = 0; i < p->threads[rd].nops; i++) {
			const struct vmt_op *op = &p->threads[rd].ops[i];
			unsigned m = p->threads[rd].mm;
			bool unmapped = false, mapped = false;

			if (op->kind != VMT_OP_FAULT && op->kind != VMT_OP_READ_LOCKED)
				continue;
			for (unsigned u = 0; u < p->nthreads; u++) {
				if (u == rd)
					continue;
				if (p->threads[u].mm == m)
					unmapped |= find_op(p, u, VMT_OP_UNMAP, op->page, 0) >= 0;
				for (int k = 0; p->threads[u].mm != m &&
				     (k = find_op(p, u, VMT_OP_MAP, -1, (unsigned)k)) >= 0; k++) {
					int pg = p->threads[u].ops[k].page;

					for (unsigned a = (unsigned)k + 1; a < p->threads[u].nops; a++)
						mapped |= p->threads[u].ops[a].page == pg ||
							  vmt_op_ends_thread(&p->threads[u].ops[a]);
				}
			}
			if (unmapped && mapped)
				return true;
		}
	return false;
}

/* program-lifetime: every program it makes, canonical, has its skeleton
 * and the explore bit, from any starting program; a fresh program has
 * the skeleton far less often (the check can fail). */
static void test_program_lifetime(void)
{
	unsigned fresh_has = 0;

	for (unsigned k = 0; k < 64; k++) {
		struct vmt_program p;
		struct mut_rng r = { .state = k };

		memset(&p, 0, sizeof(p));
		p.version = VMT_FORMAT_VERSION;
		p.nthreads = 1;
		if (!CHECKF(vmt_mutate_one(&p, VMT_MUT_PROGRAM_LIFETIME, &r, VMT_MAX_INPUT),
			    "seed %u: program-lifetime not applied", k))
			return;
		CHECKF(p.explore, "seed %u: without the explore bit", k);
		CHECKF(p.nthreads >= 3, "seed %u: %u threads", k, p.nthreads);
		CHECKF(has_lifetime(&p), "seed %u: no reader, unmap and map-then-act", k);
		r.state = k;
		vmt_mutate_one(&p, VMT_MUT_PROGRAM_FRESH, &r, VMT_MAX_INPUT);
		fresh_has += has_lifetime(&p);
	}
	CHECKF(fresh_has < 16, "%u of 64 fresh programs have the skeleton", fresh_has);
}

/* Whether op of thread t of p acts on a VMA p has (the test's own
 * reading of "has": its mm's initial layout or a MAP in that mm). */
static int on_a_vma(const struct vmt_program *p, unsigned t,
		    const struct vmt_op *op)
{
	unsigned m = p->threads[t].mm, slots = p->layout[m];

	for (unsigned u = 0; u < p->nthreads; u++)
		for (unsigned i = 0; i < p->threads[u].nops; i++) {
			const struct vmt_op *o = &p->threads[u].ops[i];

			unsigned last = o->page + o->len - 1u;	/* clipped */

			if (p->threads[u].mm == m && o->kind == VMT_OP_MAP)
				slots |= 1u << (o->page / 2) |
					 1u << ((last < VMT_PAGES ? last : VMT_PAGES - 1u) / 2);
		}
	return slots >> (op->page / 2) & 1;
}

static int acts_on_a_vma(unsigned kind)
{
	return kind != VMT_OP_MAP && kind != VMT_OP_KILL && kind != VMT_OP_EXIT;
}

/* mut_lean_to_vmas(): most ops that act on a VMA but are on none move to
 * one (of 13062 such ops, 8973 on one before and 12076 after), one
 * already there stays, every other
 * op and field stays, and some ops keep a page no VMA covers (the miss
 * paths stay in reach). */
static void test_lean_to_vmas(void)
{
	unsigned before = 0, after = 0, total = 0, missed = 0;

	for (unsigned k = 0; k < PROGRAMS; k++) {
		struct mut_rng r = { .state = k };
		struct vmt_program p, q;

		random_program(&p);
		q = p;
		mut_lean_to_vmas(&q, &r);
		if (!check_canonical(&q, VMT_MAX_INPUT, "lean", k))
			return;
		for (unsigned t = 0; t < p.nthreads; t++)
			for (unsigned i = 0; i < p.threads[t].nops; i++) {
				const struct vmt_op *a = &p.threads[t].ops[i];
				const struct vmt_op *b = &q.threads[t].ops[i];
				int was = on_a_vma(&p, t, a), is = on_a_vma(&q, t, b);

				if (!CHECKF(a->kind == b->kind && a->flags == b->flags &&
					    a->len == b->len && a->arg == b->arg &&
					    (acts_on_a_vma(a->kind) || a->page == b->page),
					    "seed %u: op %u.%u changed more than its page", k, t, i) ||
				    !CHECKF(!was || a->page == b->page,
					    "seed %u: op %u.%u left the VMA it was on", k, t, i))
					return;
				if (!acts_on_a_vma(a->kind))
					continue;
				total++;
				before += was;
				after += is;
				missed += !is;
			}
	}
	/* Three in four of the ops on no VMA move (MUT_LEAN_KEEP_ONE_IN);
	 * at least half must have. */
	CHECKF(total > 1000 && 2 * (after - before) >= total - before && missed > 0,
	       "of %u ops on a VMA, %u before and %u after (%u missed)",
	       total, before, after, missed);
}

/* Swarm selection (VMLOCK_SWARM): masks are never empty and cover every
 * kind; a swarmed program has only the mask's kinds, and its ops of those
 * kinds are the ones it had. */
static void test_swarm(void)
{
	unsigned seen = 0, k;

	for (k = 0; k < 256; k++) {
		struct mut_rng r = { .state = k };
		struct vmt_program p, q;
		unsigned mask = mut_swarm_mask(&r);

		if (!CHECKF(mask && mask < 1u << VMT_OP__COUNT, "seed %u: mask %#x", k, mask))
			return;
		seen |= mask;
		random_program(&p);
		q = p;
		mut_swarm(&q, mask, &r);
		for (unsigned t = 0; t < p.nthreads; t++)
			for (unsigned i = 0; i < p.threads[t].nops; i++) {
				const struct vmt_op *a = &p.threads[t].ops[i];
				const struct vmt_op *b = &q.threads[t].ops[i];

				if (!CHECKF(mask >> b->kind & 1, "seed %u: kind %u outside mask %#x",
					    k, b->kind, mask) ||
				    !CHECKF(!(mask >> a->kind & 1) || !memcmp(a, b, sizeof(*a)),
					    "seed %u: op %u.%u of a kind in the mask changed", k, t, i))
					return;
			}
	}
	CHECKF(seen == (1u << VMT_OP__COUNT) - 1, "kinds ever in a mask %#x", seen);
}

/* ---- run-aware ---- */

static void run(const struct vmt_program *p, enum variant v,
		struct sim_result *res)
{
	struct harness_opts o;

	harness_opts_default(&o);
	o.variant = v;
	harness_run(p, &o, res);
}

static int same_execution(const struct vmt_program *p, enum variant v,
			  unsigned k)
{
	struct vmt_program q = *p;
	struct sim_result a, b;

	if (!vmt_schedule_make_explicit(&q, v, NULL))
		return 1;	/* too long to record: nothing to compare */
	run(p, v, &a);
	run(&q, v, &b);
	return CHECKF(a.verdict == b.verdict && a.steps == b.steps &&
		      a.hash == b.hash, "program %u: explicit schedule runs "
		      "differently (%u/%u steps)", k, a.steps, b.steps);
}

/*
 * A reader faults on 0x3000 and, as the schedule says, runs to its end
 * before the unmapper, which frees that VMA and maps 0x5000 with the same
 * object.  The recorded run's windows are the reader's steps on the VMA
 * it found without a reference yet; a preemption at one lets the
 * unmapper free and hand out the object under the reader: the S2 find
 * under no-identity-check, clean under the correct lock (the identity and
 * address checks send the reader to the fallback).  With the windows, 64
 * mutations find it more often than without (19 against 1 when written).
 */
static const char window_program[] =
	"vmt 2\n"
	"mm B: 0x3000-0x5000 0x7000-0x9000\n"
	"T0 B: fault 0x3000\n"
	"T1 B: unmap 0x3000; map 0x5000 reuse 0\n"
	"schedule: T0*64\n";

/* Of 64 run-aware mutations of e, how many find S2 under
 * no-identity-check; each must run clean under the correct lock. */
static unsigned window_finds(const struct vmt_explicit *e)
{
	struct sim_result res;
	unsigned finds = 0;

	for (unsigned k = 0; k < 64; k++) {
		uint8_t out[VMT_MAX_INPUT];
		size_t n = vmt_mutate_explicit_program(e, out, sizeof(out), k);
		struct vmt_program m;

		if (!n)
			continue;
		vmt_decode(out, n, &m);
		run(&m, V_NONE, &res);
		CHECKF(res.verdict == VERDICT_CLEAN, "seed %u: the correct lock: %s",
		       k, verdict_name(res.verdict));
		run(&m, V_NO_IDENTITY_CHECK, &res);
		finds += res.verdict == VERDICT_LOOKUP_IDENTITY;
	}
	return finds;
}

static void test_window_preemption(void)
{
	struct vmt_program p;
	struct vmt_explicit e, none;
	struct vmt_meta meta;
	struct sim_result res;
	uint8_t in[VMT_MAX_INPUT];
	char err[128];

	if (!CHECKF(vmt_parse(window_program, &p, &meta, err, sizeof(err)) == 0,
		    "window program: %s", err))
		return;
	run(&p, V_NO_IDENTITY_CHECK, &res);
	CHECKF(res.verdict == VERDICT_CLEAN, "as written the reader is alone: %s",
	       verdict_name(res.verdict));
	e.w.n = 0;
	if (!CHECKF(vmt_explicit_make(in, vmt_encode(&p, in, sizeof(in)), V_NONE,
				      &e) && e.w.n > 0,
		    "the recorded run: %u windows", e.w.n))
		return;
	/* The reader's touches without a reference, and T1's lifetime
	 * events (the free, the reuse): both kinds of window are there. */
	unsigned by[2] = { 0, 0 };

	for (unsigned i = 0; i < e.w.n; i++) {
		unsigned pos = 0, j = 0;

		while (j < e.p.nsched && pos + e.p.sched[j].steps <= e.w.step[i])
			pos += e.p.sched[j++].steps;
		if (CHECKF(j < e.p.nsched, "window %u at step %u past the runs",
			   i, e.w.step[i]))
			by[e.p.sched[j].thread]++;
	}
	CHECKF(by[0] > 0 && by[1] >= 2,
	       "windows: %u the reader's, %u of T1's free and reuse", by[0], by[1]);
	none = e;
	none.w.n = 0;
	unsigned with = window_finds(&e), without = window_finds(&none);

	CHECKF(with > without, "64 mutations found S2 %u times with the windows, "
	       "%u without", with, without);
}

/*
 * The deep variant exit-detach-no-wait (D3, corpus/deep-exit-detach-
 * stranger.vmt) one step short: the reader stalls at its walk while the
 * VMA is freed and mapped into mm B, and makes its increment inside B's
 * exit; but as written it then runs to its end, so its put comes before
 * the exit's detach and the run is clean.  Its recorded windows are the
 * reader's walk, B's alloc and exit, and the reader's put on the recycled
 * VMA: the bug is an order of the threads' pieces between them (the
 * reader stops again before its put while the exit detaches), which the
 * interleaving of pieces reaches and a single preemption cannot.  Each
 * interleaving keeps every thread's number of steps.
 */
static const char deep_program[] =
	"vmt 2\n"
	"mm A: 0x1000-0x3000\n"
	"T0 A: fault 0x1000\n"
	"T1 A: unmap 0x1000\n"
	"T2 B: map 0x1000+2; exit\n"
	"schedule: T0*4 T1*22 T2*30 T0*64\n";

/* Each thread's steps in p's schedule. */
static void thread_steps(const struct vmt_program *p, unsigned *steps)
{
	memset(steps, 0, VMT_MAX_THREADS * sizeof(steps[0]));
	for (unsigned i = 0; i < p->nsched; i++)
		steps[p->sched[i].thread] += p->sched[i].steps;
}

/* Interleavings tried on the deep program: one in about ten thousand
 * is the bug (5 of 60000 when written), found with no schedule search. */
#define INTERLEAVINGS 60000

static void test_windows_interleave(void)
{
	struct vmt_program p;
	struct vmt_explicit e;
	struct vmt_meta meta;
	struct sim_result res;
	uint8_t in[VMT_MAX_INPUT];
	char err[128];
	unsigned finds = 0, made = 0, want[VMT_MAX_THREADS], got[VMT_MAX_THREADS];

	if (!CHECKF(vmt_parse(deep_program, &p, &meta, err, sizeof(err)) == 0,
		    "deep program: %s", err))
		return;
	run(&p, V_EXIT_DETACH_NO_WAIT, &res);
	CHECKF(res.verdict == VERDICT_CLEAN, "as written the put is early: %s",
	       verdict_name(res.verdict));
	if (!CHECKF(vmt_explicit_make(in, vmt_encode(&p, in, sizeof(in)),
				      V_EXIT_DETACH_NO_WAIT, &e) && e.w.n >= 3,
		    "the recorded run: %u windows", e.w.n))
		return;
	thread_steps(&e.p, want);
	for (unsigned k = 0; k < INTERLEAVINGS; k++) {
		struct vmt_program q = e.p;

		if (!vmt_windows_interleave(&q, &e.w, k))
			continue;
		made++;
		thread_steps(&q, got);
		if (!CHECKF(!memcmp(want, got, sizeof(want)),
			    "seed %u: steps per thread %u %u %u, not %u %u %u", k,
			    got[0], got[1], got[2], want[0], want[1], want[2]))
			break;
		vmt_canonicalize(&q, VMT_MAX_INPUT);
		if (k < 256) {
			run(&q, V_NONE, &res);
			CHECKF(res.verdict == VERDICT_CLEAN,
			       "seed %u: the correct lock: %s", k,
			       verdict_name(res.verdict));
		}
		run(&q, V_EXIT_DETACH_NO_WAIT, &res);
		finds += res.verdict == VERDICT_FREE_WITH_REFS;
	}
	CHECKF(made > INTERLEAVINGS / 2, "%u of %u interleavings made", made,
	       INTERLEAVINGS);
	CHECKF(finds > 0, "%u interleavings found D3 %u times", made, finds);
}

/* The thread that makes step `at` of explicit schedule p (-1 past it). */
static int thread_at(const struct vmt_program *p, unsigned at)
{
	unsigned pos = 0;

	for (unsigned i = 0; i < p->nsched; i++) {
		if (at < pos + p->sched[i].steps)
			return p->sched[i].thread;
		pos += p->sched[i].steps;
	}
	return -1;
}

/*
 * A deepening step visits at a window at or after `from`: every step
 * before its visit is made by the thread that made it in the recorded
 * run, *next lies past `from`, the explore bit is clear, and no window at
 * or after `from` means no step.
 */
static void test_deepen_from(void)
{
	struct vmt_program p;
	struct vmt_explicit e;
	struct vmt_meta meta;
	uint8_t in[VMT_MAX_INPUT], out[VMT_MAX_INPUT];
	char err[128];
	unsigned made = 0;

	if (!CHECKF(vmt_parse(deep_program, &p, &meta, err, sizeof(err)) == 0,
		    "deep program: %s", err))
		return;
	p.explore = 1;
	if (!CHECKF(vmt_explicit_make(in, vmt_encode(&p, in, sizeof(in)),
				      V_NONE, &e) && e.w.n >= 3,
		    "the recorded run: %u windows", e.w.n))
		return;
	unsigned from = e.w.step[e.w.n / 2], next = 0;

	for (unsigned k = 0; k < 256; k++) {
		struct vmt_program q;
		size_t n = vmt_mutate_explicit_deepen(&e, from, out, sizeof(out),
						      k, &next);
		unsigned at = 0;

		if (!n)
			continue;
		made++;
		vmt_decode(out, n, &q);
		check_canonical(&q, sizeof(out), "deepen", k);
		while (at + 1 < next && thread_at(&q, at) == thread_at(&e.p, at))
			at++;
		if (!CHECKF(next > from && at + 1 == next && !q.explore,
			    "seed %u: from %u, next %u, same threads to step %u, "
			    "explore %u", k, from, next, at, q.explore))
			return;
	}
	CHECKF(made > 128, "%u of 256 deepening steps made", made);
	CHECKF(!vmt_mutate_explicit_deepen(&e, e.w.step[e.w.n - 1] + 1, out,
					   sizeof(out), 1, &next),
	       "%s", "a step with no window left");
}

/* Chains tried on the deep program with its schedule dropped: their
 * 24000 runs found D3 9 times when written, as many single run-aware
 * mutations of the program's own run 0 times. */
#define CHAINS 6000

/* Runs of chains of deepening steps from e, each step from the run the
 * last made (recorded): how many find D3, up to `runs` runs. */
static unsigned chain_finds(const struct vmt_explicit *start, unsigned runs)
{
	struct harness_opts o;
	struct sim_result res;
	unsigned finds = 0, k = 0;

	harness_opts_default(&o);
	o.variant = V_EXIT_DETACH_NO_WAIT;
	o.record = true;
	while (k < runs) {
		struct vmt_explicit x = *start;
		unsigned from = 0;

		for (unsigned s = 0; s < VMT_DEEPEN_STEPS && k < runs; s++) {
			uint8_t out[VMT_MAX_INPUT];
			size_t n = vmt_mutate_explicit_deepen(&x, from, out,
							      sizeof(out), ++k,
							      &from);

			if (!n)
				break;
			vmt_decode(out, n, &x.p);
			harness_run(&x.p, &o, &res);
			if (res.verdict != VERDICT_CLEAN) {
				finds += res.verdict == VERDICT_FREE_WITH_REFS;
				break;
			}
			if (!vmt_explicit_from_recorded(&x.p, &x.w))
				break;
		}
	}
	return finds;
}

/* As many single run-aware mutations of e's run: how many find D3. */
static unsigned single_finds(const struct vmt_explicit *e, unsigned runs)
{
	struct sim_result res;
	unsigned finds = 0;

	for (unsigned k = 1; k <= runs; k++) {
		uint8_t out[VMT_MAX_INPUT];
		size_t n = vmt_mutate_explicit_program(e, out, sizeof(out), k);
		struct vmt_program q;

		if (!n)
			continue;
		vmt_decode(out, n, &q);
		run(&q, V_EXIT_DETACH_NO_WAIT, &res);
		finds += res.verdict == VERDICT_FREE_WITH_REFS;
	}
	return finds;
}

/*
 * D3 needs a stall at the reader's walk, then the unmapper and B's map and
 * exit up to its detach, then the reader's increment and a second stall
 * before its put: a window (the put on the recycled VMA) that only a run
 * with the first stall has.  A chain reaches it, single mutations of the
 * program's own run do not.  The chains' inputs run clean under the
 * correct lock.
 */
static void test_deepen_chain(void)
{
	struct vmt_program p;
	struct vmt_explicit e;
	struct vmt_meta meta;
	struct sim_result res;
	uint8_t in[VMT_MAX_INPUT], out[VMT_MAX_INPUT];
	char err[128];
	unsigned from = 0;

	if (!CHECKF(vmt_parse(deep_program, &p, &meta, err, sizeof(err)) == 0,
		    "deep program: %s", err))
		return;
	p.nsched = 0;		/* each thread to its end, in turn */
	if (!CHECKF(vmt_explicit_make(in, vmt_encode(&p, in, sizeof(in)),
				      V_EXIT_DETACH_NO_WAIT, &e),
		    "%s", "the recorded run"))
		return;
	for (unsigned k = 0; k < 256; k++) {
		size_t n = vmt_mutate_explicit_deepen(&e, 0, out, sizeof(out),
						      k, &from);
		struct vmt_program q;

		if (!n)
			continue;
		vmt_decode(out, n, &q);
		run(&q, V_NONE, &res);
		CHECKF(res.verdict == VERDICT_CLEAN, "seed %u: the correct lock: %s",
		       k, verdict_name(res.verdict));
	}
	unsigned chained = chain_finds(&e, CHAINS * VMT_DEEPEN_STEPS);
	unsigned single = single_finds(&e, CHAINS * VMT_DEEPEN_STEPS);

	CHECKF(chained > single, "%u runs: chains found D3 %u times, single "
	       "mutations %u", CHAINS * VMT_DEEPEN_STEPS, chained, single);
}

static void test_explicit_schedule(void)
{
	struct vmt_program p;
	unsigned recorded = 0;

	racing_reader(&p);
	same_execution(&p, V_NONE, 0);
	same_execution(&p, V_NARROW_WAKE, 0);
	p.nsched = 0;	/* all of it implicit */
	memset(p.sched, 0, sizeof(p.sched));
	same_execution(&p, V_NONE, 0);
	for (unsigned k = 0; k < PROGRAMS / 4; k++) {
		struct vmt_program q;
		uint8_t in[VMT_MAX_INPUT], out[VMT_MAX_INPUT];
		size_t n, m;

		random_program(&p);
		if (!same_execution(&p, V_NONE, k))
			return;
		q = p;
		recorded += vmt_schedule_make_explicit(&q, V_NONE, NULL);
		n = vmt_encode(&p, in, sizeof(in));
		m = vmt_mutate_explicit_bytes(in, n, out, sizeof(out), k, V_NONE);
		if (m) {
			vmt_decode(out, m, &q);
			check_canonical(&q, sizeof(out), "explicit", k);
		}
	}
	CHECKF(recorded > PROGRAMS / 8, "only %u schedules recorded", recorded);
}

/* ---- the AFL++ plug-in ---- */

typedef void *(*afl_init_fn)(void *, unsigned);
typedef size_t (*afl_fuzz_fn)(void *, unsigned char *, size_t, unsigned char **,
			      unsigned char *, size_t, size_t);
typedef const char *(*afl_describe_fn)(void *, size_t);
typedef void (*afl_deinit_fn)(void *);

/* Two instances with one seed make the same outputs, all canonical. */
static void test_afl_plugin(const char *path)
{
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	afl_init_fn init;
	afl_fuzz_fn fuzz;
	afl_describe_fn describe;
	afl_deinit_fn deinit;
	void *m1, *m2;
	unsigned char in[] = { 1, 1, 1, 2, 0x20, 0, 0x60, 0 }, other[] = { 1, 0 };

	if (!CHECKF(lib, "dlopen %s: %s", path, dlerror()))
		return;
	*(void **)&init = dlsym(lib, "afl_custom_init");
	*(void **)&fuzz = dlsym(lib, "afl_custom_fuzz");
	*(void **)&describe = dlsym(lib, "afl_custom_describe");
	*(void **)&deinit = dlsym(lib, "afl_custom_deinit");
	if (!CHECKF(init && fuzz && describe && deinit, "%s", "missing afl_custom_* symbols"))
		return;
	CHECKF(!dlsym(lib, "vmt_mutate"), "%s", "the plug-in exports its internals");
	m1 = init(NULL, 7);
	m2 = init(NULL, 7);
	for (unsigned k = 0; k < 1000; k++) {
		unsigned char *o1, *o2;
		size_t n1 = fuzz(m1, in, sizeof(in), &o1, k % 3 ? NULL : other, 2, 4096);
		size_t n2 = fuzz(m2, in, sizeof(in), &o2, k % 3 ? NULL : other, 2, 4096);
		struct vmt_program p;

		CHECKF(n1 == n2 && !memcmp(o1, o2, n1), "call %u: instances differ", k);
		CHECKF(strncmp(describe(m1, 64), "vmlock", 6) == 0, "call %u: describe", k);
		vmt_decode(o1, n1, &p);
		if (!check_canonical(&p, VMT_MAX_INPUT, "afl plug-in", k))
			break;
	}
	deinit(m1);
	deinit(m2);
	dlclose(lib);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--afl")) {
		test_afl_plugin(argv[2]);
	} else {
		test_mutate_canonical();
		test_bytes();
		test_crossover();
		test_every_kind();
		test_every_flag_set();
		test_walk_arg();
		test_shift_moves_one_preemption();
		test_thread_remove();
		test_grows_from_empty();
		test_program_fresh();
		test_program_lifetime();
		test_lean_to_vmas();
		test_swarm();
		test_explicit_schedule();
		test_window_preemption();
		test_windows_interleave();
		test_deepen_from();
		test_deepen_chain();
	}
	if (failures) {
		fprintf(stderr, "test_mutator: %u checks failed\n", failures);
		return 1;
	}
	printf("test_mutator: all checks passed\n");
	return 0;
}
