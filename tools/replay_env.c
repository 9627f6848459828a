/* SPDX-License-Identifier: MIT */
/*
 * replay_env.c - what a finding needs besides its bytes to replay: the
 * variant, the memory model and the backend, as the environment variables
 * that select them (harness_replay_env() writes them).
 *
 * A binary crash file vmlock writes gets a sidecar FILE.vmlock with that
 * line; a .vmt it writes carries it as a comment, "# replay: VMLOCK_...".
 * Reading an input applies them to the environment, except where the user
 * set a variable (the user's value wins, with a note when it differs).
 * Each input starts again from the user's environment, so the files of a
 * directory do not leak settings into each other.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const keys[] = {
	"VMLOCK_VARIANT", "VMLOCK_MEMORY", "VMLOCK_BACKEND",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static char *user[NKEYS];	/* the user's values, NULL if unset */
static bool saved;

static void restore_user_env(void)
{
	for (unsigned k = 0; k < NKEYS; k++) {
		if (!saved)
			user[k] = getenv(keys[k]) ? strdup(getenv(keys[k])) : NULL;
		else if (user[k])
			setenv(keys[k], user[k], 1);
		else
			unsetenv(keys[k]);
	}
	saved = true;
}

/* One KEY=VALUE word of a replay line: applied unless the user set KEY. */
static void apply_word(const char *path, const char *w, size_t n)
{
	for (unsigned k = 0; k < NKEYS; k++) {
		size_t kl = strlen(keys[k]);
		char value[64];

		if (n <= kl || strncmp(w, keys[k], kl) != 0 || w[kl] != '=' ||
		    n - kl - 1 >= sizeof(value))
			continue;
		snprintf(value, sizeof(value), "%.*s", (int)(n - kl - 1), w + kl + 1);
		if (!user[k])
			setenv(keys[k], value, 1);
		else if (strcmp(user[k], value) != 0)
			fprintf(stderr, "vmlock: note: %s was found with %s=%s; running with %s=%s from the environment\n",
				path, keys[k], value, keys[k], user[k]);
		return;
	}
}

static void apply_line(const char *path, const char *line)
{
	while (*line && *line != '\n') {
		size_t n = strcspn(line, " \t\n");

		if (n)
			apply_word(path, line, n);
		line += n;
		line += strspn(line, " \t");
	}
}

void replay_env_apply(const char *path, const char *text, bool is_text)
{
	restore_user_env();
	if (is_text) {
		/* Comment lines before the program: "# replay: VMLOCK_...". */
		for (const char *l = text; l && *l == '#'; l = strchr(l, '\n'), l = l ? l + 1 : l)
			if (strncmp(l, REPLAY_COMMENT, strlen(REPLAY_COMMENT)) == 0)
				apply_line(path, l + strlen(REPLAY_COMMENT));
		return;
	}
	char side[4096], line[256];

	snprintf(side, sizeof(side), "%s%s", path, SIDECAR_SUFFIX);
	FILE *f = fopen(side, "r");

	if (!f)
		return;
	if (fgets(line, sizeof(line), f))
		apply_line(side, line);
	fclose(f);
}

void replay_env_write(const char *path, const struct harness_opts *o)
{
	char side[4096], env[160];
	FILE *f;

	snprintf(side, sizeof(side), "%s%s", path, SIDECAR_SUFFIX);
	harness_replay_env(o, env, sizeof(env));
	f = fopen(side, "w");
	if (!f || fprintf(f, "%s\n", env) < 0 || fclose(f) != 0) {
		fprintf(stderr, "vmlock: %s: %s\n", side, strerror(errno));
		exit(2);
	}
}

bool is_sidecar(const char *path)
{
	size_t n = strlen(path), s = strlen(SIDECAR_SUFFIX);

	return n > s && strcmp(path + n - s, SIDECAR_SUFFIX) == 0;
}
