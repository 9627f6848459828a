/* SPDX-License-Identifier: MIT */
/*
 * addr.c - locations found by address: fields of plain C type in objects
 * the runtime does not lay out (sim.h, "Locations found by address").
 *
 * Marked accesses (READ_ONCE and the like) go through sim_addr_load() and
 * sim_addr_store(), with their value.  Plain accesses of instrumented code
 * arrive as hooks called before the access (the KCSAN technique: the
 * compiler's ThreadSanitizer instrumentation, with our own __tsan_*
 * definitions): the hook is a scheduling point and the access the oracles
 * see, but the code's own load or store follows it, with a value the hook
 * does not know.  Two consequences, handled by one pending record:
 *
 *  - a plain write is recorded (its store in the weak-memory history, or
 *    the plain field's value) after it happened, at the thread's next call
 *    into the runtime; every switch away from a thread flushes it first
 *    (sched.c), so no other thread runs in between and the order of
 *    events is the one the code made;
 *  - a plain read of an atomic field takes a reads-from choice like a
 *    READ_ONCE: the hook chooses the store and, if it is not the latest,
 *    writes its value into the field for the load that follows, and the
 *    flush writes the latest value back.  So a plain read can read stale
 *    values, as the hardware and the kernel's memory model allow (seed S1:
 *    the reader's read of vm_lock_seq satisfied before its increment).
 *
 * A plain read or write of an atomic field is checked by the weak-memory
 * simulation and the oracles, not by the race detector, which watches the
 * plain fields (as the model has them).
 */
#include "internal.h"

#include <string.h>

#define ADDR_MAX 128
#define ADDR_SLOTS 512		/* open addressing, a power of two */

struct addr_ent {
	uintptr_t addr;
	uint8_t size;
	bool atomic;
	const struct sim_addr_codec *codec;
	sim_atomic_t a;		/* atomic: the location and its history */
	sim_plain_t p;		/* plain: the location and its value */
	struct sim_site rd, wr, commit;
};

static struct addr_ent ents[ADDR_MAX];
static unsigned nents;
static uint16_t slots[ADDR_SLOTS];	/* entry index + 1, or 0 */

enum { PEND_NONE, PEND_COMMIT, PEND_RESTORE };
static struct {
	struct addr_ent *e;
	int what;
	uint64_t restore;	/* PEND_RESTORE: the latest value's bits */
	const void *pc;		/* PEND_COMMIT: the write's */
} pend;
bool sim_addr_pending;

/* The pc of the plain access being made: its access records it (the
 * thread's, as a scheduling point in between runs others). */
static void set_pc(const void *pc)
{
	if (sim_in_fiber())
		sim_cur()->plain_pc = pc;
}

static unsigned slot_of(uintptr_t addr)
{
	return (unsigned)((addr >> 2) * 0x9e3779b1u) % ADDR_SLOTS;
}

void sim_addr_reset(void)
{
	memset(slots, 0, sizeof(slots));
	nents = 0;
	pend.what = PEND_NONE;
	sim_addr_pending = false;
}

static struct addr_ent *lookup(uintptr_t addr)
{
	for (unsigned s = slot_of(addr);; s = (s + 1) % ADDR_SLOTS) {
		unsigned i = slots[s];

		if (!i)
			return NULL;
		if (ents[i - 1].addr == addr)
			return &ents[i - 1];
	}
}

static uint64_t mem_read(const struct addr_ent *e)
{
	uint64_t v = 0;

	memcpy(&v, (const void *)e->addr, e->size);	/* little-endian */
	return v;
}

static void mem_write(const struct addr_ent *e, uint64_t v)
{
	memcpy((void *)e->addr, &v, e->size);
}

/* A field's bits as the location's value, and back. */
static uint64_t encode(const struct addr_ent *e, uint64_t v)
{
	const struct sim_addr_codec *c = e->codec;

	if (!c || !v)
		return v;
	uintptr_t off = (uintptr_t)v - (uintptr_t)c->base;

	VM_ASSERT(off % c->stride == 0);
	return off / c->stride + 1;
}

static uint64_t decode(const struct addr_ent *e, uint64_t v)
{
	const struct sim_addr_codec *c = e->codec;

	if (!c || !v)
		return v;
	return (uintptr_t)c->base + (v - 1) * c->stride;
}

static int32_t atomic_val(const struct addr_ent *e, uint64_t bits)
{
	uint64_t v = encode(e, bits);

	VM_ASSERT(e->codec || e->size <= 4);
	return (int32_t)(uint32_t)v;
}

/* The field's bits for an atomic location's value. */
static uint64_t atomic_bits(const struct addr_ent *e, int32_t v)
{
	uint64_t u = e->size < 4 ? (uint32_t)v & ((1u << (8 * e->size)) - 1)
				 : (uint32_t)v;
	return decode(e, u);
}

static struct addr_ent *add(void *addr, unsigned size,
			    const struct sim_addr_codec *c, const char *field)
{
	VM_ASSERT(size == 1 || size == 2 || size == 4 || size == 8);
	VM_ASSERT(nents < ADDR_MAX && !lookup((uintptr_t)addr));
	struct addr_ent *e = &ents[nents++];
	unsigned s = slot_of((uintptr_t)addr);

	*e = (struct addr_ent){ .addr = (uintptr_t)addr, .size = (uint8_t)size,
				.codec = c };
	e->rd = (struct sim_site){ .func = field, .what = "plain read" };
	e->wr = (struct sim_site){ .func = field, .what = "plain write" };
	e->commit = (struct sim_site){ .func = field, .what = "plain write",
				       .local = true };
	while (slots[s])
		s = (s + 1) % ADDR_SLOTS;
	slots[s] = (uint16_t)nents;
	return e;
}

void sim_addr_atomic(void *addr, unsigned size, const struct sim_addr_codec *c,
		     uint8_t obj_kind, uint8_t obj_idx, const char *field)
{
	struct addr_ent *e = add(addr, size, c, field);

	e->atomic = true;
	sim_atomic_init(&e->a, atomic_val(e, mem_read(e)), obj_kind, obj_idx,
			field);
}

void sim_addr_plain(void *addr, unsigned size, const struct sim_addr_codec *c,
		    uint8_t obj_kind, uint8_t obj_idx, const char *field)
{
	struct addr_ent *e = add(addr, size, c, field);

	sim_plain_init(&e->p, encode(e, mem_read(e)), obj_kind, obj_idx, field);
}

void sim_addr_plain_range(const void *addr, size_t size)
{
	uintptr_t lo = (uintptr_t)addr, hi = lo + size;

	for (unsigned i = 0; i < nents; i++)
		VM_ASSERT(ents[i].addr + ents[i].size <= lo || ents[i].addr >= hi);
}

bool sim_addr_known(const void *addr)
{
	return lookup((uintptr_t)addr) != NULL;
}

uint16_t sim_addr_loc(const void *addr)
{
	const struct addr_ent *e = lookup((uintptr_t)addr);

	return !e ? 0 : e->atomic ? e->a.loc : e->p.loc;
}

void sim_addr_flush(void)
{
	struct addr_ent *e = pend.e;
	int what = pend.what;

	pend.what = PEND_NONE;
	sim_addr_pending = false;
	if (what == PEND_RESTORE) {
		mem_write(e, pend.restore);
	} else if (what == PEND_COMMIT && e->atomic) {
		/* The plain write's store, at the point its hook made. */
		set_pc(pend.pc);
		sim_store(&e->a, atomic_val(e, mem_read(e)), SIM_RELAXED,
			  &e->commit);
		set_pc(NULL);
	} else if (what == PEND_COMMIT) {
		e->p.v = encode(e, mem_read(e));
	}
}

static struct addr_ent *enter(const void *addr)
{
	struct addr_ent *e;

	if (sim_addr_pending)
		sim_addr_flush();
	e = lookup((uintptr_t)addr);
	VM_ASSERT(e != NULL);	/* a marked access of a registered field */
	return e;
}

static void pending(struct addr_ent *e, int what, uint64_t restore,
		    const void *pc)
{
	pend.e = e;
	pend.what = what;
	pend.restore = restore;
	pend.pc = pc;
	sim_addr_pending = true;
}

uint64_t sim_addr_load(const void *addr, enum sim_mo mo, const struct sim_site *s)
{
	struct addr_ent *e = enter(addr);

	VM_ASSERT(e->atomic);
	return atomic_bits(e, sim_load(&e->a, mo, s));
}

void sim_addr_store(void *addr, uint64_t v, enum sim_mo mo,
		    const struct sim_site *s)
{
	struct addr_ent *e = enter(addr);

	VM_ASSERT(e->atomic);
	sim_store(&e->a, atomic_val(e, v), mo, s);
	mem_write(e, v);
}

void sim_addr_write(void *addr, uint64_t v, const struct sim_site *s)
{
	struct addr_ent *e = enter(addr);

	if (e->atomic)
		sim_store(&e->a, atomic_val(e, v), SIM_RELAXED, s);
	else
		sim_plain_write(&e->p, encode(e, v), s);
	mem_write(e, v);
}

uint64_t sim_addr_peek(const void *addr)
{
	const struct addr_ent *e = lookup((uintptr_t)addr);

	VM_ASSERT(e != NULL);
	return e->atomic ? (uint64_t)(uint32_t)sim_peek(&e->a) : sim_peek_plain(&e->p);
}

static void plain_read(struct addr_ent *e)
{
	if (!e->atomic) {
		sim_plain_read(&e->p, &e->rd);
		VM_ASSERT(e->p.v == encode(e, mem_read(e)));
		return;
	}
	uint64_t latest = mem_read(e);
	uint64_t chosen = atomic_bits(e, sim_load(&e->a, SIM_RELAXED, &e->rd));

	if (chosen != latest) {
		mem_write(e, chosen);	/* what the load that follows reads */
		pending(e, PEND_RESTORE, latest, NULL);
	}
}

/* A hook's entry, after the pending flush; NULL if nobody registered the
 * address (not shared: a local, a stack object). */
static struct addr_ent *plain_ent(const void *addr, unsigned size)
{
	struct addr_ent *e;

	if (sim_addr_pending)
		sim_addr_flush();
	e = lookup((uintptr_t)addr);
	VM_ASSERT(!e || size == e->size);
	return e;
}

void sim_addr_plain_read(const void *addr, unsigned size, const void *pc)
{
	struct addr_ent *e = plain_ent(addr, size);

	if (!e)
		return;
	set_pc(pc);
	plain_read(e);
	set_pc(NULL);
}

void sim_addr_plain_write(const void *addr, unsigned size, const void *pc)
{
	struct addr_ent *e = plain_ent(addr, size);

	if (!e)
		return;
	set_pc(pc);
	if (e->atomic)
		sim_point(&e->wr);
	else		/* the race check now; the value at the flush */
		sim_plain_write(&e->p, e->p.v, &e->wr);
	set_pc(NULL);
	pending(e, PEND_COMMIT, 0, pc);
}
