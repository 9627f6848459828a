/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - how a run ends.
 *
 * Every failure has a name; the name is the first word of a report and the
 * key crash deduplication uses.  The runtime raises the liveness and race
 * verdicts, the oracles in src/check/ raise the rest.  The table of names
 * and one-line meanings is in verdict.c; keep the two in the same order.
 */
#ifndef VMLOCK_SIM_VERDICT_H
#define VMLOCK_SIM_VERDICT_H

enum verdict {
	VERDICT_CLEAN = 0,
	/* liveness (runtime) */
	VERDICT_DEADLOCK,		/* no thread can run, no wait satisfied */
	VERDICT_LOST_WAKEUP,		/* a sleeper's condition holds, nobody woke it */
	VERDICT_LIVELOCK,		/* spinners wait for progress nobody can make */
	/* races (runtime) */
	VERDICT_DATA_RACE,		/* plain accesses not ordered by happens-before */
	VERDICT_TSAN_REPORT,		/* ThreadSanitizer reported (tsan build) */
	/* the lock's invariants (oracles) */
	VERDICT_REFCNT_ENCODING,	/* vm_refcnt outside {0} u [1,L] u [F,F+L] */
	VERDICT_INC_WHILE_EXCLUDED,	/* a reader incremented from 0 or with F set */
	VERDICT_EXCLUSION,		/* a read lock and a write lock at once */
	VERDICT_ATTACH_DISCIPLINE,	/* attach/detach from the wrong state */
	VERDICT_DETACH_WITH_READERS,	/* detach returned with increments left */
	VERDICT_FREE_WITH_REFS,		/* vm_area_free with refcnt != 0 */
	VERDICT_LOOKUP_IDENTITY,	/* lookup returned the wrong VMA */
	VERDICT_REF_BALANCE,		/* put without a get, or a get never put */
	VERDICT_USE_AFTER_DROP,		/* VMA touched without a reference */
	VERDICT_MM_USE_AFTER_FREE,	/* mm touched after its last mmdrop */
	VERDICT_HELD_LOCK,		/* lockdep-style held-lock imbalance */
	VERDICT_SEQ_PARITY,		/* mm_lock_seq odd <=> mmap write-held */
	VERDICT_KILLABLE_STATE,		/* -EINTR left the VMA locked or F set */
	VERDICT_LOCK_ORDER,		/* blocking on mmap_lock under a VMA read lock */
	VERDICT_UNLOCKED_MUTATION,	/* VMA fields changed without the write lock */
	VERDICT_TORN_READ,		/* a reader saw a half-done update */
	VERDICT_RCU_SCOPE,		/* RCU section rules broken */
	VERDICT_KERNEL_WARN,		/* a WARN_ON/VM_WARN_ON in the model fired */
	/* lifetimes (oracles, src/check/lifetime.c, refcount.c) */
	VERDICT_REFCOUNT_SATURATE,	/* refcount_warn_saturate(): overflow, 0, underflow */
	VERDICT_HELD_AT_EXIT,		/* a thread ended holding a lock or reference */
	VERDICT_LEAK,			/* unreferenced, never freed; a pin never dropped */
	VERDICT_RCU_USE_AFTER_FREE,	/* a map node read after its grace period freed it */
	VERDICT__COUNT,
};

const char *verdict_name(enum verdict v);
const char *verdict_meaning(enum verdict v);
/* VERDICT__COUNT if unknown. */
enum verdict verdict_from_name(const char *name);

/*
 * The mutation check's switch (tests/mute_oracles.sh): in a build
 * configured with -DVMLOCK_MUTE_HOOK=ON, and only there, the verdict named
 * by the environment variable VMLOCK_MUTE_VERDICT is never raised (the
 * runtime goes on as if its check had passed), so the check can show a
 * test fails without it.  Every other build has no switch at all.
 */
#ifdef VMLOCK_MUTE_HOOK
#include <stdbool.h>
bool verdict_muted(enum verdict v);
#else
#define verdict_muted(v) ((void)(v), 0)
#endif

#endif /* VMLOCK_SIM_VERDICT_H */
