/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the vmlock command's files share (tools/vmlock.c has the
 * commands and the helpers, tools/fuzz.c the fuzz command, replay_env.c
 * the settings a finding carries beside it).
 */
#ifndef VMLOCK_TOOLS_CLI_H
#define VMLOCK_TOOLS_CLI_H

#include "../src/harness/harness.h"

/* "vmlock: " and the message, one line, then the usage, on stderr;
 * returns the exit status of a usage error (2). */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A whole number in v (any base strtoull reads), or false. */
bool parse_number(const char *v, unsigned long long *out);

/* Load a program from .vmt text or binary; exits 2 on a malformed .vmt.
 * The settings the file carries (replay_env_apply) go to the environment. */
void load(const char *path, struct vmt_program *p, struct vmt_meta *meta);

/* fn(arg, file) for the file, or for every file under the directory
 * (names starting with '.' and sidecars skipped, in name order); exits 2
 * if missing. */
void for_each_input(const char *path, void (*fn)(void *, const char *),
		    void *arg);

/* The settings of a finding (replay_env.c): a sidecar PATH.vmlock beside
 * a binary input, a "# replay: VMLOCK_..." comment in a .vmt. */
#define SIDECAR_SUFFIX ".vmlock"
#define REPLAY_COMMENT "# replay: "
/* From the user's environment, plus what path carries (text: the .vmt's
 * text; else the sidecar is read) where the user set nothing. */
void replay_env_apply(const char *path, const char *text, bool is_text);
/* PATH.vmlock with the settings of o; exits 2 if it cannot be written. */
void replay_env_write(const char *path, const struct harness_opts *o);
bool is_sidecar(const char *path);

/* vmlock fuzz (tools/fuzz.c). */
int cmd_fuzz(int argc, char **argv);
extern const char fuzz_usage[];

/* Exit status of vmlock minimize when the input runs clean. */
#define EXIT_NOTHING_TO_MINIMIZE 3

#endif /* VMLOCK_TOOLS_CLI_H */
