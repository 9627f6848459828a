/* SPDX-License-Identifier: MIT */
/*
 * mutator_afl.c - the structure-aware mutator (src/mutator/) as an AFL++
 * custom mutator library, libvmlock_mutator.so:
 *
 *   AFL_CUSTOM_MUTATOR_LIBRARY=build/afl/libvmlock_mutator.so afl-fuzz ...
 *
 * The API is AFL++ 4.04c's (docs/custom_mutators.md); symbols are looked
 * up by name, so no AFL++ header is needed.  AFL++ runs its own stages as
 * well unless AFL_CUSTOM_MUTATOR_ONLY is set.  The library has no
 * instrumentation and no runtime: only the decoder, the encoder and the
 * mutator.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/mutator/mutator.h"

/* The library is built with hidden visibility: only the API is exported. */
#define AFL_API __attribute__((visibility("default")))

/* One in CROSS_ONE_IN calls with a second input crosses the two over. */
#define CROSS_ONE_IN	4

struct vmlock_afl {
	struct mut_rng rng;
	struct vmt_mut_log log;
	int crossed;
	uint8_t out[VMT_MAX_INPUT];
	char desc[96];
};

AFL_API void *afl_custom_init(void *afl, unsigned int seed)
{
	struct vmlock_afl *m = calloc(1, sizeof(*m));

	(void)afl;
	if (!m) {
		perror("vmlock mutator: afl_custom_init");
		return NULL;
	}
	/* AFL++'s seed (-s) makes the stream, so a seeded campaign replays. */
	m->rng.state = seed;
	return m;
}

AFL_API size_t afl_custom_fuzz(void *data, unsigned char *buf, size_t buf_size,
		       unsigned char **out_buf, unsigned char *add_buf,
		       size_t add_buf_size, size_t max_size)
{
	struct vmlock_afl *m = data;
	size_t cap = max_size < sizeof(m->out) ? max_size : sizeof(m->out);
	size_t n;

	m->log.n = 0;
	m->crossed = add_buf && mut_rng_below(&m->rng, CROSS_ONE_IN) == 0;
	if (m->crossed)
		n = vmt_crossover_bytes(buf, buf_size, add_buf, add_buf_size,
					m->out, cap, mut_rng_next(&m->rng));
	else
		n = vmt_mutate_bytes(buf, buf_size, m->out, cap,
				     mut_rng_next(&m->rng), &m->log);
	/* 0: AFL++ skips this round (only when max_size is below a header). */
	*out_buf = m->out;
	return n;
}

/* Names the mutations in the file names of new queue entries. */
AFL_API const char *afl_custom_describe(void *data, size_t max_description_len)
{
	struct vmlock_afl *m = data;
	size_t len = 0;

	if (m->crossed) {
		snprintf(m->desc, sizeof(m->desc), "vmlock-crossover");
	} else {
		len = (size_t)snprintf(m->desc, sizeof(m->desc), "vmlock");
		for (unsigned i = 0; i < m->log.n && len < sizeof(m->desc); i++)
			len += (size_t)snprintf(m->desc + len, sizeof(m->desc) - len,
						"-%s", vmt_mutation_name(m->log.kinds[i]));
	}
	if (max_description_len < sizeof(m->desc))
		m->desc[max_description_len] = '\0';
	return m->desc;
}

AFL_API void afl_custom_deinit(void *data)
{
	free(data);
}
