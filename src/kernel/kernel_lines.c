/* SPDX-License-Identifier: MIT */
/*
 * kernel_lines.c - a plain access's pc as the kernel's function and
 * file:line (kernel_lines.h).
 */
#include "kernel_lines.h"

#include <stdint.h>

bool kernel_lines_describe(const void *pc, struct sim_pc_info *out)
{
	for (const struct kernel_line *l = kernel_lines; l->anchor; l++) {
		if ((uintptr_t)pc - (uintptr_t)l->anchor != (uintptr_t)l->off)
			continue;
		*out = (struct sim_pc_info){ l->func, l->file, l->line };
		return true;
	}
	return false;
}

