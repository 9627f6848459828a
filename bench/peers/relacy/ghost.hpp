/* SPDX-License-Identifier: MIT */
/*
 * ghost.hpp - the oracles of the Relacy port that Relacy has no detector
 * for, as ghost state the lock's code updates beside its atomics.  Each
 * assertion is one invariant of docs/lock.md, and its text starts with the
 * verdict our oracles give for it (src/check/), so the two reports can be
 * set side by side.  Relacy's own detectors give the rest: data races on
 * the plain fields (rl::var), deadlocks (a sleeper nobody wakes), livelocks.
 *
 * Ghost state is plain C++: Relacy switches fibers only inside its own
 * operations, so an update right after an atomic is one step with it, and
 * the ghost is sequentially consistent by construction.
 */
#ifndef VMLOCK_RELACY_GHOST_HPP
#define VMLOCK_RELACY_GHOST_HPP

#include <relacy/relacy.hpp>

namespace vl {

struct ghost {
	enum { T = 3, V = 2, M = 2 };
	int refs[T][V];		/* increments each task holds on each VMA */
	int readers[V];		/* successful read locks */
	int writer[V];		/* the task holding the VMA write lock, or -1 */
	int owner[V];		/* the mm a VMA object belongs to, or -1 */
	bool attached[V];
	unsigned long start[V], end[V];
	unsigned mmap_held[M];	/* tasks holding the mmap lock, a bit each */
	bool mm_freed[M];

	void init()
	{
		for (int v = 0; v < V; v++) {
			for (int t = 0; t < T; t++)
				refs[t][v] = 0;
			readers[v] = 0;
			writer[v] = owner[v] = -1;
			attached[v] = false;
			start[v] = end[v] = 0;
		}
		for (int m = 0; m < M; m++) {
			mmap_held[m] = 0;
			mm_freed[m] = false;
		}
	}

	void ref(int v, int t, int d)
	{
		refs[t][v] += d;
		RL_ASSERT(!"refcount: a put without its increment" || refs[t][v] >= 0);
	}

	/* Invariant 9: a task touches a VMA's fields only holding a
	 * reference, or the mmap lock of its mm. */
	void touch(int v, int t)
	{
		bool locked = owner[v] >= 0 && (mmap_held[owner[v]] & (1u << t));

		RL_ASSERT(!"use-after-drop: VMA touched after the last put" ||
			  refs[t][v] > 0 || locked);
	}

	void mm_touch(int m)
	{
		RL_ASSERT(!"use-after-free: a freed mm touched" || !mm_freed[m]);
	}

	void attach(int v, bool on) { attached[v] = on; }

	/* Invariants 2 and 7, at a successful lock_vma_under_rcu(). */
	void read_locked(int v, int mm, unsigned long addr)
	{
		RL_ASSERT(!"exclusion: read lock on a write-locked VMA" ||
			  writer[v] < 0);
		RL_ASSERT(!"lookup-identity: the VMA is not the caller's" ||
			  (owner[v] == mm && attached[v] && start[v] <= addr &&
			   addr < end[v]));
		readers[v]++;
	}

	void read_unlock(int v) { readers[v]--; }

	/* Invariant 2, from the writer's side. */
	void write_locked(int v, int t)
	{
		RL_ASSERT(!"exclusion: write lock with a reader inside" ||
			  readers[v] == 0);
		writer[v] = t;
	}

	void end_write_all(int m)
	{
		for (int v = 0; v < V; v++)
			if (owner[v] == m)
				writer[v] = -1;
	}

	/* Invariant 5: after vma_mark_detached() no task holds an increment. */
	void detached(int v)
	{
		int n = 0;

		for (int t = 0; t < T; t++)
			n += refs[t][v];
		RL_ASSERT(!"detach-with-readers: detached with an increment out" ||
			  n == 0);
	}

	/* Invariant 16: the payload pair changes only under the write lock. */
	static void payload(uintptr_t flags, uintptr_t pgoff)
	{
		RL_ASSERT(!"payload: half-done update seen" || flags == pgoff);
	}
};

} /* namespace vl */

#endif
