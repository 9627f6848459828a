/* SPDX-License-Identifier: MIT */
/*
 * tests.cpp - Relacy tests of the ported lock, one per shape of our corpus
 * repros, and the driver that runs one test under one scheduler:
 *
 *   vmlock_relacy TEST VARIANT SCHED [--seed S] [--iterations N] [--bound K]
 *
 * TEST: detach-racing-reader, reuse-across-mm, writer-waits-for-readers,
 * stale-read.  VARIANT: none or a name of `vmlock variants`.  SCHED: random,
 * bound (context bound K, default 1 as Relacy's), full.  The random scheduler draws
 * iteration i's choices from a generator seeded with the iteration number;
 * seed S starts at iteration S << 32 (the generator's multiplier and
 * increment come from those high bits), so seeds are disjoint streams.
 * The other two schedulers enumerate and have no seed.  N caps the
 * iterations of every scheduler (default 1,000,000).
 *
 * Prints one line: "relacy: TEST VARIANT SCHED seed S: RESULT at
 * iteration I in T s" or "... clean after I iterations in T s (R it/s)";
 * exit 1 on a failure, 0 when clean.  Relacy's own report (the failing
 * iteration's history) goes to stderr.
 */
#include "vma_lock.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

using namespace vl;

static const unsigned long A = 0x1000, END = 0x3000;

/* A reader faults while the unmapper write-locks and detaches its VMA. */
struct detach_racing_reader : rl::test_suite<detach_racing_reader, 2> {
	world w;
	void before();
	void after() { world_fini(&w); }
	void thread(unsigned i)
	{
		if (i == 0)
			op_fault(&w.mm[0], A);
		else
			op_unmap(&w.mm[0], A);
	}
};

/* A stalled reader of mm A meets its VMA recycled into mm B (the corpus's
 * reuse-across-mm).  The reader pins B across its put (mmgrab). */
struct reuse_across_mm : rl::test_suite<reuse_across_mm, 3> {
	world w;
	void before();
	void after() { world_fini(&w); }
	void thread(unsigned i)
	{
		if (i == 0) {
			op_fault(&w.mm[0], A);
		} else if (i == 1) {
			op_unmap(&w.mm[0], A);
		} else {
			op_map(&w.mm[1], A, END, 2);
		}
	}
};

/* Two readers inside; the writer sets F and sleeps until the last put. */
struct writer_waits_for_readers : rl::test_suite<writer_waits_for_readers, 3> {
	world w;
	void before();
	void after() { world_fini(&w); }
	void thread(unsigned i)
	{
		if (i < 2)
			op_fault(&w.mm[0], A);
		else
			op_write(&w.mm[0], A, 2);
	}
};

/* S1's shape: a reader's increment reads the count the writer restored
 * after storing vm_lock_seq; only the acquire makes it see that store. */
struct stale_read : rl::test_suite<stale_read, 2> {
	world w;
	void before();
	void after() { world_fini(&w); }
	void thread(unsigned i)
	{
		if (i == 0)
			op_fault(&w.mm[0], A);
		else
			op_write(&w.mm[0], A, 2);
	}
};

/* ---- the iteration cap: Relacy bounds only the random scheduler ---- */

static rl::iteration_t cap = 1000000, done;
static const char *line_prefix;
static std::chrono::steady_clock::time_point t0;
/* Relacy replays a failing iteration with its history on: not counted. */
static const rl::test_params *params;

static double seconds()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() -
					     t0).count();
}

static void clean_exit(rl::iteration_t n)
{
	double s = seconds();

	printf("%s: clean after %llu iterations in %.3f s (%.0f it/s)\n",
	       line_prefix, (unsigned long long)n, s, n / (s > 0 ? s : 1e-9));
	fflush(stdout);
	_exit(0);
}

/* Every test starts here: count the iteration, stop at the cap. */
static void begin_iteration(world *w)
{
	if (!params->collect_history && ++done > cap)
		clean_exit(cap);
	world_init(w);
	map_initial(&w->mm[0], A, END);
}

void detach_racing_reader::before() { begin_iteration(&w); }
void reuse_across_mm::before() { begin_iteration(&w); }
void writer_waits_for_readers::before() { begin_iteration(&w); }
void stale_read::before() { begin_iteration(&w); }

/* ---- the driver ---- */

static bool set_variant(const char *name)
{
	vmlock_variant = variant_from_name(name);
	return vmlock_variant != V__COUNT;
}

template <typename T>
static bool run(rl::test_params &p)
{
	return rl::simulate<T>(p);
}

static int usage()
{
	fprintf(stderr, "usage: vmlock_relacy TEST VARIANT random|bound|full "
		"[--seed S] [--iterations N] [--bound K]\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 4 || !set_variant(argv[2]))
		return usage();
	std::string test = argv[1], sched = argv[3];
	unsigned long long seed = 1;
	unsigned bound = 1;	/* Relacy's own default */

	for (int i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--iterations"))
			cap = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--bound"))
			bound = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	rl::test_params p;
	std::ostream null(nullptr);
	rl::iteration_t start = 1;

	params = &p;
	p.output_stream = &std::cerr;
	p.progress_stream = &null;
	if (sched == "random") {
		p.search_type = rl::sched_random;
		start = (rl::iteration_t)seed << 32;
		p.initial_state = std::to_string(start).c_str();
		p.iteration_count = start + cap;	/* the cap stops first */
	} else if (sched == "bound") {
		p.search_type = rl::sched_bound;
		p.context_bound = bound;
	} else if (sched == "full") {
		p.search_type = rl::sched_full;
	} else {
		return usage();
	}
	std::string name = sched == "bound" ? "bound-" + std::to_string(bound) : sched;
	std::string prefix = "relacy: " + test + " " + argv[2] + " " + name +
			     " seed " + (sched == "random" ? std::to_string(seed) : "-");
	line_prefix = prefix.c_str();

	t0 = std::chrono::steady_clock::now();
	bool ok;
	if (test == "detach-racing-reader")
		ok = run<detach_racing_reader>(p);
	else if (test == "reuse-across-mm")
		ok = run<reuse_across_mm>(p);
	else if (test == "writer-waits-for-readers")
		ok = run<writer_waits_for_readers>(p);
	else if (test == "stale-read")
		ok = run<stale_read>(p);
	else
		return usage();
	double s = seconds();
	if (ok)		/* the search ended before the cap */
		clean_exit(done);
	printf("%s: %s at iteration %llu in %.3f s\n", line_prefix,
	       rl::test_result_str(p.test_result),
	       (unsigned long long)(p.stop_iteration - start + 1), s);
	return 1;
}
