/* SPDX-License-Identifier: MIT */
/* stress_world.h - a program's world and thread body (stress_world.c). */
#ifndef VMLOCK_STRESS_WORLD_H
#define VMLOCK_STRESS_WORLD_H

#include "harness/ops.h"

/* From main, threads idle: both mms and the program's initial VMAs. */
void stress_world_setup(const struct vmt_program *p);
/* A thread's operations in order until an exit or a fatal signal, then
 * mmput() (the last user of an mm tears it down). */
void stress_thread_body(struct op_ctx *c);

#endif /* VMLOCK_STRESS_WORLD_H */
