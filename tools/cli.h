/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the vmlock command's files share (tools/vmlock.c has the
 * commands and the helpers, tools/fuzz.c the fuzz command).
 */
#ifndef VMLOCK_TOOLS_CLI_H
#define VMLOCK_TOOLS_CLI_H

#include "../src/harness/harness.h"

/* Print the usage; returns the exit status of a usage error (2). */
int die_usage(void);

/* Load a program from .vmt text or binary; exits 2 on a malformed .vmt. */
void load(const char *path, struct vmt_program *p, struct vmt_meta *meta);

/* fn(arg, file) for the file, or for every file under the directory
 * (names starting with '.' skipped, in name order); exits 2 if missing. */
void for_each_input(const char *path, void (*fn)(void *, const char *),
		    void *arg);

/* vmlock fuzz (tools/fuzz.c). */
int cmd_fuzz(int argc, char **argv);

#endif /* VMLOCK_TOOLS_CLI_H */
