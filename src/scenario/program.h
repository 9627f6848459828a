/* SPDX-License-Identifier: MIT */
/*
 * program.h - the concurrent program a fuzz input decodes into.
 *
 * A program is a few simulated threads, each bound to one mm and running a
 * list of operations, plus the schedule (run lengths) that interleaves them
 * and the choice bytes that later decisions (reads-from under weak memory)
 * consume.  The same structure is produced by the byte decoder (decode.c),
 * by the .vmt text parser (vmt.c), and consumed by the encoder, the printer
 * and the harness.  This header is the single source of truth for the op set.
 *
 * Address model: each mm has VMT_PAGES pages; page p is the address
 * (p + 1) * VMT_PAGE_SIZE.  The initial layout is a bitmask of VMT_SLOTS
 * slots, slot i covering pages [2i, 2i + 2).
 */
#ifndef VMLOCK_SCENARIO_PROGRAM_H
#define VMLOCK_SCENARIO_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#define VMT_FORMAT_VERSION 4
#define VMT_MAX_THREADS 4
#define VMT_MAX_MMS 2
#define VMT_MAX_OPS_PER_THREAD 16
#define VMT_MAX_OPS 48		/* total over all threads */
#define VMT_MAX_SCHED 64	/* run-length schedule entries */
#define VMT_MAX_CHOICES 64	/* reads-from and other choice bytes */
#define VMT_PAGES 8
#define VMT_SLOTS 4
#define VMT_PAGE_SIZE 0x1000UL
/* The VMA cache of the small configuration (small_limit): every initial
 * layout fits, one VMA more does not. */
#define VMT_SMALL_CACHE (VMT_SLOTS * VMT_MAX_MMS)

/* Largest binary encoding: 5 header bytes, 2 per op, the schedule, choices. */
#define VMT_MAX_INPUT (5 + 2 * VMT_MAX_OPS + VMT_MAX_SCHED + VMT_MAX_CHOICES)

_Static_assert(VMT_MAX_THREADS <= 4, "thread id is 2 bits in the encoding");
_Static_assert(VMT_SLOTS * 2 == VMT_PAGES, "slot i covers pages 2i, 2i+1");

/* The operations.  Three bits in the encoding: eight kinds. */
enum vmt_op_kind {
	/* lock_vma_under_rcu(mm, addr), read the VMA, vma_end_read();
	 * on failure the mmap_read_lock() fallback, or (careful, v3)
	 * lock_mm_and_find_vma(). */
	VMT_OP_FAULT = 0,
	/* mmap_read_lock (or its killable or trylock form, v3), vma_lookup,
	 * vma_start_read_locked, mmap_read_unlock, read the VMA,
	 * vma_end_read.  With VMT_F_WALK (v3): the /proc/pid/maps reader,
	 * every VMA from the address up under RCU with lock_next_vma(), the
	 * mmap read lock (in the flags' form) its fallback; its arg (v4)
	 * splits it into read() calls or makes it PROCMAP_QUERY's lookup
	 * (VMT_WALK_*, below). */
	VMT_OP_READ_LOCKED = 1,
	/* mmap_write_lock, vma_start_write(_killable) on each VMA in
	 * [addr, addr + len), change its fields, mmap_write_unlock (or
	 * mmap_write_downgrade then mmap_read_unlock).  Split (v3): first
	 * the VMAs that reach past the range are split at its ends
	 * (__split_vma(), the new part from vm_area_dup()), as mprotect()
	 * and madvise() do. */
	VMT_OP_WRITE = 2,
	/* mmap_write_lock, vm_area_alloc (may reuse a freed object: the
	 * realloc), fill, vma_start_write, insert, vma_mark_attached. */
	VMT_OP_MAP = 3,
	/* mmap_write_lock, vma_start_write, vma_mark_detached, remove from
	 * the tree, (downgrade), vm_area_free.  Merge (v3): if the page
	 * below the VMA is mapped, the VMA is merged into that neighbour
	 * instead (both write-locked, the neighbour expanded over it, the
	 * tree updated, the VMA detached and freed: commit_merge(),
	 * vma_complete()); with no neighbour it is the plain unmap. */
	VMT_OP_UNMAP = 4,
	/* As UNMAP up to the detach, then the unmap fails and the VMA is
	 * attached again (vma_mark_attached). */
	VMT_OP_REATTACH = 5,
	/* Send a fatal signal to another thread (wakes a killable wait). */
	VMT_OP_KILL = 6,
	/* The thread exits now; the last thread of an mm tears it down.
	 * With VMT_F_FORK (v4) it is `fork` instead, and the thread goes on:
	 * dup_mmap() of its mm (A) into mm B, the child (below). */
	VMT_OP_EXIT = 7,
	VMT_OP__COUNT = 8,
};

/* Op flags (three bits); what a bit means depends on the kind. */
#define VMT_F_KILLABLE	0x1	/* WRITE: vma_start_write_killable();
				 * READ_LOCKED (v3): mmap_read_lock_killable() */
#define VMT_F_DOWNGRADE	0x2	/* WRITE, UNMAP: mmap_write_downgrade() */
#define VMT_F_WALK	0x2	/* READ_LOCKED (v3): walk every VMA from the
				 * address up, as /proc/pid/maps does */
#define VMT_F_TRYLOCK	0x4	/* READ_LOCKED (v3): mmap_read_trylock() first */
#define VMT_F_SPLIT	0x4	/* WRITE (v3): split at the range's ends first */
#define VMT_F_MERGE	0x4	/* UNMAP (v3): merge into the VMA below */
#define VMT_F_CAREFUL	0x1	/* FAULT (v3): lock_mm_and_find_vma() fallback */
#define VMT_F_STACK	0x2	/* FAULT (v3), with CAREFUL: the VMA above the
				 * address grows down (VM_GROWSDOWN) */
#define VMT_F_FORK	0x1	/* EXIT (v4): `fork`, not an exit */

/*
 * The arg of a READ_LOCKED with VMT_F_WALK (v4; 0 in older versions):
 * 0 the whole walk in one read() (the v3 walk), 1 .. VMT_WALK_CHUNK_MAX
 * a read() returns after that many VMAs (the seq_file's m_stop(), then the
 * next read()'s m_start() resumes from the walk's position), and
 * VMT_WALK_QUERY the PROCMAP_QUERY ioctl's lookup of the VMA covering the
 * address or the first above it (query_vma_find_by_addr()).
 */
#define VMT_WALK_WHOLE		0
#define VMT_WALK_CHUNK_MAX	14
#define VMT_WALK_QUERY		15

struct vmt_op {
	uint8_t kind;		/* enum vmt_op_kind */
	uint8_t flags;		/* VMT_F_* */
	uint8_t page;		/* 0 .. VMT_PAGES - 1 */
	uint8_t len;		/* 1 or 2 pages (WRITE, MAP) */
	uint8_t arg;		/* MAP: reuse index into the free list (0 =
				 * most recently freed); KILL: target thread;
				 * READ_LOCKED with WALK (v4): VMT_WALK_* */
};

/*
 * fork (v4): kernel/fork.c's dup_mm() and mm/mmap.c's dup_mmap() in a
 * thread of mm A, whose child is mm B.  A program with a fork starts
 * with mm B empty (the decoder clears its layout), and mm B's threads
 * are the child's: they start when the fork has succeeded (a child runs
 * only after fork returns), and never if it fails, is killed or never
 * happens (its thread exited first); a thread that never starts is not
 * a deadlock, and mm B then never had a user.  Only the first fork of a
 * program counts: the decoder drops a later one, and a fork in a thread
 * of mm B (an mm has one parent here: mm A).
 */
static inline int vmt_op_is_fork(const struct vmt_op *op)
{
	return op->kind == VMT_OP_EXIT && (op->flags & VMT_F_FORK);
}

/* The thread's last op: an exit, not a fork. */
static inline int vmt_op_ends_thread(const struct vmt_op *op)
{
	return op->kind == VMT_OP_EXIT && !(op->flags & VMT_F_FORK);
}

struct vmt_thread {
	uint8_t mm;		/* 0 = mm A, 1 = mm B */
	uint8_t nops;
	struct vmt_op ops[VMT_MAX_OPS_PER_THREAD];
};

/* One run of the schedule: thread `thread` runs `steps` scheduling points. */
struct vmt_run {
	uint8_t thread;
	uint8_t steps;		/* 1 .. 64 */
};

struct vmt_program {
	uint8_t version;
	uint8_t nthreads;	/* 1 .. VMT_MAX_THREADS */
	/* 1: the small configuration, where the limits are reachable:
	 * F = 4, L = 3 (the model; the kernel's F is compiled in), and a VMA
	 * cache of VMT_SMALL_CACHE objects (both backends), so an mmap can
	 * fail with -ENOMEM. */
	uint8_t small_limit;
	/* 1: after its own schedule the program also runs under two
	 * schedules derived from it (a seeded PRNG and PCT; harness.h). */
	uint8_t explore;
	uint8_t layout[VMT_MAX_MMS];	/* initial VMAs: bitmask of slots */
	struct vmt_thread threads[VMT_MAX_THREADS];
	uint8_t nsched;
	struct vmt_run sched[VMT_MAX_SCHED];
	uint8_t nchoices;
	uint8_t choices[VMT_MAX_CHOICES];
};

/* Names used by the text format, the trace and the CLI. */
const char *vmt_op_name(unsigned kind);
int vmt_op_from_name(const char *name);	/* -1 if unknown */

/* What each kind's fields are (program.c): the flags it has, whether it
 * takes an address and a length.  The decoder, the parser, the printer,
 * the mutator and the checks read these. */
unsigned vmt_op_flags(unsigned kind);
unsigned vmt_op_flags_v2(unsigned kind);	/* those versions 1, 2 have */
/* Those an input of format `version` has (1 to VMT_FORMAT_VERSION). */
unsigned vmt_op_flags_in(unsigned kind, unsigned version);
/* flags reduced to what the kind has, in the canonical form the decoder
 * gives (a fault's stack dropped without careful). */
unsigned vmt_op_canonical_flags(unsigned kind, unsigned flags);
/* The .vmt word of flag `bit` of `kind`; NULL if the kind has no such flag. */
const char *vmt_flag_name(unsigned kind, unsigned bit);
int vmt_op_has_page(unsigned kind);
int vmt_op_has_len(unsigned kind);
/* The op's .vmt word: its kind's name, or "fork". */
const char *vmt_op_word(const struct vmt_op *op);
/* The thread that forks (the program's fork, in a thread of mm A), or -1. */
int vmt_program_forker(const struct vmt_program *p);
/* Does the op's arg mean something (MAP, KILL, a walk in version 4)?  A
 * walk's arg needs the walk flag: the decoder reads it only then. */
int vmt_op_has_walk_arg(const struct vmt_op *op);

/* A walk's read() size in VMAs (0: the whole walk in one read()), and
 * whether the op is the PROCMAP_QUERY lookup instead. */
static inline int vmt_op_is_query(const struct vmt_op *op)
{
	return vmt_op_has_walk_arg(op) && op->arg == VMT_WALK_QUERY;
}

static inline unsigned vmt_walk_chunk(const struct vmt_op *op)
{
	return vmt_op_has_walk_arg(op) && op->arg <= VMT_WALK_CHUNK_MAX ?
	       op->arg : 0;
}

/*
 * The oldest format version that expresses the program: 4 if it forks or
 * uses a walk's arg, 3 if it uses a version 3 kind or flag, else 2.  The
 * encoder writes it as byte 0 and the printer as the `vmt` line, so a
 * program older versions express keeps
 * its bytes and its text (and what is derived from them: seeds, hashes).
 */
unsigned vmt_program_version(const struct vmt_program *p);

static inline unsigned long vmt_page_addr(unsigned page)
{
	return (page + 1) * VMT_PAGE_SIZE;
}

/* Total number of operations over all threads. */
unsigned vmt_program_nops(const struct vmt_program *p);

/*
 * Binary form (decode.c, encode.c).
 *
 *   byte 0   format version: 1 to 4 (VMT_FORMAT_VERSION).  Version 2
 *            added the explore bit (version 1 reserved and ignored it),
 *            version 3 the kinds and flags marked v3 above, version 4
 *            the fork (EXIT with flag bit 0x1) and the arg of a
 *            READ_LOCKED with WALK (VMT_WALK_*).  Any other
 *            value decodes as version 1: the decoder never rejects an
 *            input.
 *   byte 1   bits 0-1: nthreads - 1; bits 2-5: mm of T0..T3;
 *            bit 6: small limit; bit 7: explore
 *   byte 2   initial layout: bits 0-3 mm A slots, bits 4-7 mm B slots
 *   byte 3   number of ops N (clipped to VMT_MAX_OPS and to the whole
 *            ops the bytes left hold)
 *   N x 2    op: first byte bits 6-7 thread, bits 3-5 kind, bits 0-2 flags;
 *            second byte bits 0-2 page, bit 3 len - 1, bits 4-7 arg.
 *            Version 3: FAULT and READ_LOCKED have flags, WRITE and
 *            UNMAP bit 2 (split, merge).  In versions 1 and 2 those bits
 *            are ignored, as they always were.  Version 4: EXIT's bit 0
 *            is the fork (ignored before, so an EXIT of versions 1-3
 *            stays an exit), and a READ_LOCKED with WALK has an arg
 *            (VMT_WALK_*; in versions 1 to 3 it decodes as 0, as it
 *            always did).
 *   byte     number of schedule runs S (clipped)
 *   S x 1    run: bits 0-1 thread, bits 2-7 steps - 1
 *   rest     choice bytes (up to VMT_MAX_CHOICES)
 *
 * Missing bytes read as 0.  Fewer bytes mean fewer ops and fewer
 * preemptions; a one-byte change changes one decision.  Thread numbers
 * are taken modulo nthreads, and a KILL of its own thread kills the next
 * one.  Ops of a thread after its EXIT, ops beyond a thread's limit, a
 * KILL in a one-thread program, a fork in a thread of mm B and every fork
 * after the first are dropped; a program with a fork has mm B's layout
 * cleared (the child starts empty).  Fields an op kind does not
 * use decode as 0 (len as 1), so a decoded program is canonical.
 */
void vmt_decode(const uint8_t *data, size_t size, struct vmt_program *p);
size_t vmt_encode(const struct vmt_program *p, uint8_t *out, size_t cap);

/*
 * Text form (.vmt, vmt.c).  vmt_parse returns 0 on success, or -1 with a
 * message "LINE:COL: what" in err.  Expectations (`expect:` lines) are
 * returned in exp.
 */
#define VMT_MAX_EXPECT 16
struct vmt_expect {
	char variant[32];	/* "" = the correct lock */
	char verdict[32];	/* "clean" or a verdict name */
};
struct vmt_meta {
	unsigned nexpect;
	struct vmt_expect expect[VMT_MAX_EXPECT];
};
int vmt_parse(const char *text, struct vmt_program *p, struct vmt_meta *meta,
	      char *err, size_t errlen);
/* Print a program as .vmt text; returns the length written (snprintf-like). */
size_t vmt_print(const struct vmt_program *p, const struct vmt_meta *meta,
		 char *out, size_t cap);

#endif /* VMLOCK_SCENARIO_PROGRAM_H */
