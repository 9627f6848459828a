/* SPDX-License-Identifier: MIT */
/*
 * payload.c - the check on what a reader read, which needs no ghost state:
 * shared by the simulator's oracles and the real-thread stress driver.
 */
#include "check.h"

/* Invariant 12: a reader sees a whole update or none of it. */
void check_payload_at(int vma, uintptr_t flags, uintptr_t pgoff)
{
	if (flags != pgoff)
		sim_fail(VERDICT_TORN_READ,
			 "T%d read #%d mid-update: vm_flags %#lx but vm_pgoff %#lx",
			 sim_self(), vma, (unsigned long)flags,
			 (unsigned long)pgoff);
}
