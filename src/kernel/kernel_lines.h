/* SPDX-License-Identifier: MIT */
/*
 * kernel_lines.h - where the kernel backend's plain accesses are in the
 * kernel's source: a table made at build time from the kernel objects'
 * line info (kernel_lines.sh), looked up by a hook's return address when a
 * trace is printed (sim_pc_describe), never during a run.
 */
#ifndef VMLOCK_KERNEL_LINES_H
#define VMLOCK_KERNEL_LINES_H

#include <stdbool.h>

#include "sim/sim.h"

/* One hook call: its return address is anchor + off. */
struct kernel_line {
	void (*anchor)(void);	/* a global function of the same object */
	long off;
	const char *func, *file;
	unsigned line;
};
/* Ends with a row whose anchor is NULL. */
extern const struct kernel_line kernel_lines[];

bool kernel_lines_describe(const void *pc, struct sim_pc_info *out);

#endif /* VMLOCK_KERNEL_LINES_H */
