/* SPDX-License-Identifier: MIT */
/*
 * linux/seqlock.h (shim): the seqcount mm_lock_seq is, with the orders
 * the model gives it (src/lock/mmap_lock.h, mm_lock_seqcount_begin()):
 * the writer's increment on begin is a release store (LKMM orders the
 * down_write() acquire's past before it, C11 needs the release), each
 * smp_wmb() a release fence, the end's increment a WRITE_ONCE; the
 * reader's raw_read_seqcount() an acquire load.  Pairs: begin/end's
 * stores with the acquire of raw_read_seqcount() in vma_start_read().
 * The writer reads its own sequence (it holds the mmap write lock): a
 * local access, no scheduling point.
 */
#ifndef VMLOCK_KSHIM_LINUX_SEQLOCK_H
#define VMLOCK_KSHIM_LINUX_SEQLOCK_H

#include <linux/compiler.h>

typedef struct seqcount {
	unsigned sequence;
} seqcount_t;

static inline void seqcount_init(seqcount_t *s)
{
	s->sequence = 0;
}

static inline unsigned ksim_seq_own(seqcount_t *s)
{
	return (unsigned)sim_addr_load(&s->sequence, SIM_RELAXED,
				       SIM_SITE_LOCAL("s->sequence"));
}

static inline void do_raw_write_seqcount_begin(seqcount_t *s)
{
	sim_addr_store(&s->sequence, ksim_seq_own(s) + 1, SIM_RELEASE,
		       SIM_SITE("s->sequence++"));
	smp_wmb();
}

static inline void do_raw_write_seqcount_end(seqcount_t *s)
{
	unsigned seq = ksim_seq_own(s);

	smp_wmb();
	WRITE_ONCE(s->sequence, seq + 1);
}

#define raw_read_seqcount(s) smp_load_acquire(&(s)->sequence)
#define raw_seqcount_try_begin(s, start)				\
	({ (start) = raw_read_seqcount(s); !((start) & 1); })
#define read_seqcount_retry(s, start)					\
	({ smp_rmb(); READ_ONCE((s)->sequence) != (start); })

#endif
