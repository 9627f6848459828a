/* SPDX-License-Identifier: MIT */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	const char *meaning;
} verdicts[VERDICT__COUNT] = {
	[VERDICT_CLEAN] = { "clean", "no violation" },
	[VERDICT_DEADLOCK] = { "deadlock", "no thread can run and no waiter's condition holds" },
	[VERDICT_LOST_WAKEUP] = { "lost-wakeup", "a sleeping waiter's condition holds but nobody woke it" },
	[VERDICT_LIVELOCK] = { "livelock", "threads retry forever, waiting for progress no thread can make" },
	[VERDICT_DATA_RACE] = { "data-race", "two accesses to a plain VMA field, one a write, not ordered by happens-before" },
	[VERDICT_TSAN_REPORT] = { "tsan-report", "ThreadSanitizer reported a race between simulated threads (its report is above)" },
	[VERDICT_REFCNT_ENCODING] = { "refcnt-encoding", "vm_refcnt left {0} u [1, L] u [F, F + L] (invariant 1)" },
	[VERDICT_INC_WHILE_EXCLUDED] = { "inc-while-excluded", "a reader raised vm_refcnt from 0 or while F was set (invariant 3)" },
	[VERDICT_EXCLUSION] = { "exclusion", "a VMA was read-locked and write-locked at once (invariant 2)" },
	[VERDICT_ATTACH_DISCIPLINE] = { "attach-discipline", "attach or detach from the wrong state or without the write lock (invariant 5)" },
	[VERDICT_DETACH_WITH_READERS] = { "detach-with-readers", "vma_mark_detached returned while a thread still held an increment (invariant 5)" },
	[VERDICT_FREE_WITH_REFS] = { "free-with-refs", "vm_area_free with vm_refcnt != 0 or an increment outstanding (invariant 6)" },
	[VERDICT_LOOKUP_IDENTITY] = { "lookup-identity", "lock_vma_under_rcu returned a VMA that is not attached, not of the mm, or not covering the address (invariant 7)" },
	[VERDICT_REF_BALANCE] = { "ref-balance", "a put without a matching get (invariant 8); a get never put is held-at-exit" },
	[VERDICT_USE_AFTER_DROP] = { "use-after-drop", "a VMA was touched by a thread holding no reference, lock or RCU right to it (invariant 9)" },
	[VERDICT_MM_USE_AFTER_FREE] = { "mm-use-after-free", "an mm was touched after its last mmdrop, or without a pin (invariant 9)" },
	[VERDICT_HELD_LOCK] = { "held-lock", "the held-lock record went out of balance: a lock acquired twice or released unheld (lockdep)" },
	[VERDICT_SEQ_PARITY] = { "seq-parity", "mm_lock_seq parity disagrees with the mmap write lock (invariant 11)" },
	[VERDICT_KILLABLE_STATE] = { "killable-state", "a killed vma_start_write_killable left the VMA locked or F set (invariant 13)" },
	[VERDICT_LOCK_ORDER] = { "lock-order", "blocked on mmap_lock or a VMA write lock while holding a VMA read lock (invariant 15)" },
	[VERDICT_UNLOCKED_MUTATION] = { "unlocked-mutation", "VMA fields changed while the VMA was attached and not write-locked (invariant 16)" },
	[VERDICT_TORN_READ] = { "torn-read", "a reader saw a half-done update of the VMA (invariants 2, 12)" },
	[VERDICT_RCU_SCOPE] = { "rcu-scope", "an RCU read section was left unbalanced or used after release (invariant 14); one left open at the end is held-at-exit" },
	[VERDICT_KERNEL_WARN] = { "kernel-warn", "a WARN_ON in the model fired" },
	[VERDICT_REFCOUNT_SATURATE] = { "refcount-saturate", "a refcount_t overflowed, was added to at 0 or went below 0: refcount_warn_saturate() (the kernel saturates it and WARNs)" },
	[VERDICT_HELD_AT_EXIT] = { "held-at-exit", "a thread ended holding a lock, a reference or an RCU read section (lockdep: lock held when returning to user space)" },
	[VERDICT_LEAK] = { "leak", "an object whose last user or reference is gone was never freed, or a pin was never dropped (kmemleak)" },
	[VERDICT_RCU_USE_AFTER_FREE] = { "rcu-use-after-free", "a node of the address map was read after the grace period that followed its replacement freed it (KASAN: slab-use-after-free)" },
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT__COUNT ? verdicts[v].name : "?";
}

const char *verdict_meaning(enum verdict v)
{
	return (unsigned)v < VERDICT__COUNT ? verdicts[v].meaning : "?";
}

enum verdict verdict_from_name(const char *name)
{
	for (unsigned i = 0; i < VERDICT__COUNT; i++)
		if (strcmp(verdicts[i].name, name) == 0)
			return (enum verdict)i;
	return VERDICT__COUNT;
}

#ifdef VMLOCK_MUTE_HOOK
/* Read once: the same verdict is muted for the whole process. */
bool verdict_muted(enum verdict v)
{
	static int muted = -1;	/* -1: not read yet */

	if (muted < 0) {
		const char *name = getenv("VMLOCK_MUTE_VERDICT");

		muted = name ? (int)verdict_from_name(name) : VERDICT__COUNT;
	}
	return (int)v == muted;
}
#endif
