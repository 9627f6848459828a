/* SPDX-License-Identifier: MIT */
/*
 * kworld.c - the kernel backend's world (kworld.h).  As the model's mm.c,
 * with the kernel's struct layout: VMA memory is never returned (an RCU
 * reader may hold a stale pointer), a freed object is handed out again at
 * once, vm_refcnt is never touched by alloc (it is 0).
 */
#include "kworld.h"

#include <string.h>

#include "lock/kdebug.h"
#include "lock/mt.h"
#include "lock/obj_kind.h"
#include "lock/rcu.h"
#include "scenario/program.h"
#include "util/assert.h"

/* Poison for vm_start/vm_end: what the slab's free pointer leaves. */
#define VMA_FREEPTR_POISON 0x6b6b6b6b6b6bUL

static struct {
	struct mm_struct mm[KWORLD_MMS];
	struct vm_area_struct vma[KWORLD_VMAS];
	uint8_t free_list[KWORLD_VMAS];
	unsigned nfree, nfresh;
	unsigned cache_size;		/* objects the cache may hold */
	bool mm_freed[KWORLD_MMS];
	/* A free happens-before the alloc that reuses the object. */
	struct sim_rwsem slab_lock;
} kw;

static struct {
	unsigned gen;			/* of the thread's last walk */
	unsigned long index;		/* where it started */
	uint64_t mark;			/* sim_spin_mark() at it */
} last_walk[SIM_MAX_THREADS];
static unsigned mas_gens;

_Static_assert(KSIM_PAGES == VMT_PAGES, "the shim's map is the program's");

static const struct sim_addr_codec mm_codec = { kw.mm, sizeof(kw.mm[0]) };

void kworld_reset(bool small)
{
	memset(&kw, 0, sizeof(kw));
	kw.cache_size = small ? VMT_SMALL_CACHE : KWORLD_VMAS;
	memset(last_walk, 0, sizeof(last_walk));
	mas_gens = 0;
	ksim_reset();
	rcu_gp_reset();
	mt_reset();
	for (int i = 0; i < KWORLD_VMAS; i++)
		kw.vma[i].ksim_idx = (uint8_t)i;
	sim_rwsem_init(&kw.slab_lock, OBJ_SLAB, 0, "slab_lock");
}

struct mm_struct *kworld_mm(int idx)
{
	VM_ASSERT(idx >= 0 && idx < KWORLD_MMS);
	return &kw.mm[idx];
}

struct vm_area_struct *kworld_vma(int idx)
{
	return idx >= 0 && idx < KWORLD_VMAS ? &kw.vma[idx] : NULL;
}

bool kworld_vma_born(int idx)
{
	return (unsigned)idx < kw.nfresh;
}

bool kworld_mm_freed(int idx)
{
	return kw.mm_freed[idx];
}

struct mm_struct *kworld_mm_init(int idx)
{
	struct mm_struct *mm = kworld_mm(idx);
	uint8_t i = (uint8_t)idx;

	mm->ksim_idx = i;
	sim_rwsem_init(&mm->mmap_lock.sem, OBJ_MM_LOCK, i, "mmap_lock");
	mm->mm_lock_seq.sequence = 0;
	sim_addr_atomic(&mm->mm_lock_seq.sequence, sizeof(unsigned), NULL,
			OBJ_MM_SEQ, i, "mm_lock_seq");
	mm->vma_writer_wait.task = NULL;
	sim_addr_atomic(&mm->vma_writer_wait.task, sizeof(void *),
			&ksim_task_codec, OBJ_MM_WAIT, i, "vma_writer_wait");
	/* mm_count starts at 1: the reference all users share. */
	sim_atomic_init(&mm->mm_count, 1, OBJ_MM_COUNT, i, "mm_count");
	sim_atomic_init(&mm->mm_users, 0, OBJ_MM_COUNT, i, "mm_users");
	mt_map_init(&mm->mm_mt.ksim_map, i, &mm->mmap_lock.sem);
	return mm;
}

void ksim_mm_free(struct mm_struct *mm)
{
	kdebug.mm_free(mm->ksim_idx);
	kw.mm_freed[mm->ksim_idx] = true;
}

void kmmget(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_users);
}

void kmm_count_put(struct mm_struct *mm)
{
	/* Fully ordered: whoever frees sees all the pin holders did. */
	if (atomic_dec_and_test(&mm->mm_count)) {
		sim_note("__mmdrop(mm %c): freed", 'A' + mm->ksim_idx);
		ksim_mm_free(mm);
	}
}

/* First use of a pool object in this run: its fields are born. */
static void vma_birth(struct vm_area_struct *vma)
{
	uint8_t i = vma->ksim_idx;

	vma->vm_lock_seq = UINT_MAX;
	sim_addr_plain(&vma->vm_start, sizeof(long), NULL, OBJ_VMA_RANGE, i, "vm_start");
	sim_addr_plain(&vma->vm_end, sizeof(long), NULL, OBJ_VMA_RANGE, i, "vm_end");
	sim_addr_plain(&vma->vm_mm, sizeof(void *), &mm_codec, OBJ_VMA_MM, i, "vm_mm");
	sim_addr_plain(&vma->vm_flags, sizeof(long), NULL, OBJ_VMA_PAYLOAD, i, "vm_flags");
	sim_addr_plain(&vma->vm_pgoff, sizeof(long), NULL, OBJ_VMA_PAYLOAD, i, "vm_pgoff");
	sim_addr_atomic(&vma->vm_lock_seq, sizeof(unsigned), NULL,
			OBJ_VMA_LOCK_SEQ, i, "vm_lock_seq");
	sim_atomic_init(&vma->vm_refcnt.refs, 0, OBJ_VMA_REFCNT, i, "vm_refcnt");
}

static struct vm_area_struct *cache_take(unsigned reuse)
{
	if (kw.nfree) {
		unsigned k = kw.nfree - 1 - reuse % kw.nfree;
		struct vm_area_struct *vma = &kw.vma[kw.free_list[k]];

		memmove(&kw.free_list[k], &kw.free_list[k + 1], kw.nfree - 1 - k);
		kw.nfree--;
		return vma;
	}
	if (kw.nfresh < kw.cache_size) {
		struct vm_area_struct *vma = &kw.vma[kw.nfresh++];

		vma_birth(vma);
		return vma;
	}
	return NULL;
}

/* kmem_cache_alloc(): an object of the cache, maybe one just freed and
 * still seen by RCU readers; NULL when the pool is used up. */
static struct vm_area_struct *cache_alloc(struct mm_struct *mm, unsigned reuse,
					  const char *what)
{
	sim_down_write(&kw.slab_lock, SIM_SITE("kmem_cache_alloc"));
	struct vm_area_struct *vma = cache_take(reuse);

	sim_up_write(&kw.slab_lock, SIM_SITE("kmem_cache_alloc"));
	if (!vma)
		return NULL;
	sim_note_window();	/* a lifetime window, as the model's (src/lock/mm.h) */
	kdebug.vma_alloc(vma->ksim_idx, mm->ksim_idx);
	sim_note("%s() -> #%u (mm %c)", what, vma->ksim_idx, 'A' + mm->ksim_idx);
	return vma;
}

/* vma_init()'s memset of the plain fields: local writes, as the model's
 * (src/lock/mm.c says why, and what of the memset is left out). */
static void vma_memset(struct vm_area_struct *vma)
{
	sim_addr_write(&vma->vm_start, 0, SIM_SITE_LOCAL("memset(vma)"));
	sim_addr_write(&vma->vm_end, 0, SIM_SITE_LOCAL("memset(vma)"));
	sim_addr_write(&vma->vm_flags, 0, SIM_SITE_LOCAL("memset(vma)"));
	sim_addr_write(&vma->vm_pgoff, 0, SIM_SITE_LOCAL("memset(vma)"));
}

/* vm_area_alloc() and vma_init(): memset, vm_mm, the kernel's
 * vma_lock_init() on an object RCU readers may still see. */
struct vm_area_struct *kvm_area_alloc(struct mm_struct *mm, unsigned reuse)
{
	struct vm_area_struct *vma = cache_alloc(mm, reuse, "vm_area_alloc");

	if (!vma)
		return NULL;
	vma_memset(vma);
	sim_addr_write(&vma->vm_mm, (uintptr_t)mm, SIM_SITE("vma->vm_mm ="));
	vma_lock_init(vma, false);
	return vma;
}

/*
 * vm_area_dup(): the fields copied from orig (vm_area_init_from(); orig
 * is stable, the caller holds the mmap write lock, so its reads are plain
 * C here), then the kernel's own vma_lock_init(new, true): vm_refcnt 0,
 * vm_lock_seq UINT_MAX, on an object a stale RCU reader may still try.
 */
struct vm_area_struct *kvm_area_dup(struct vm_area_struct *orig, unsigned reuse)
{
	struct vm_area_struct *vma = cache_alloc(orig->vm_mm, reuse, "vm_area_dup");

	if (!vma)
		return NULL;
	sim_addr_write(&vma->vm_mm, (uintptr_t)orig->vm_mm, SIM_SITE("new->vm_mm ="));
	sim_addr_write(&vma->vm_start, orig->vm_start, SIM_SITE("new->vm_start ="));
	sim_addr_write(&vma->vm_end, orig->vm_end, SIM_SITE("new->vm_end ="));
	sim_addr_write(&vma->vm_flags, orig->vm_flags, SIM_SITE("new->vm_flags ="));
	sim_addr_write(&vma->vm_pgoff, orig->vm_pgoff, SIM_SITE("new->vm_pgoff ="));
	vma_lock_init(vma, true);
	return vma;
}

void kvma_set_vm_mm(struct vm_area_struct *vma, struct mm_struct *mm)
{
	sim_addr_write(&vma->vm_mm, (uintptr_t)mm, SIM_SITE("tmp->vm_mm = mm"));
}

void kvm_area_free(struct vm_area_struct *vma)
{
	sim_note_window();	/* a lifetime window */
	kdebug.vma_free(vma->ksim_idx);
	vma_assert_detached(vma);
	sim_note("vm_area_free(#%u)", vma->ksim_idx);
	/* The free pointer overlays vm_start/vm_end. */
	kvma_set_range(vma, VMA_FREEPTR_POISON, VMA_FREEPTR_POISON);
	sim_down_write(&kw.slab_lock, SIM_SITE("kmem_cache_free"));
	VM_ASSERT(kw.nfree < KWORLD_VMAS);
	kw.free_list[kw.nfree++] = vma->ksim_idx;
	sim_up_write(&kw.slab_lock, SIM_SITE("kmem_cache_free"));
}

void kvma_set_range(struct vm_area_struct *vma, unsigned long start,
		    unsigned long end)
{
	sim_addr_write(&vma->vm_start, start, SIM_SITE("vma->vm_start ="));
	sim_addr_write(&vma->vm_end, end, SIM_SITE("vma->vm_end ="));
}

static int page_of(unsigned long addr)
{
	VM_ASSERT(addr >= KSIM_PAGE_SIZE && addr % KSIM_PAGE_SIZE == 0);
	int p = (int)(addr / KSIM_PAGE_SIZE) - 1;

	VM_ASSERT(p < KSIM_PAGES);
	return p;
}

static struct vm_area_struct *slot_vma(int v)
{
	VM_ASSERT(v >= 0 && v <= KWORLD_VMAS);
	return v ? &kw.vma[v - 1] : NULL;
}

/* Under the mmap lock: the lock orders us after the writers. */
struct vm_area_struct *kvma_lookup(struct mm_struct *mm, unsigned long addr)
{
	return slot_vma(mt_lookup(&mm->mm_mt.ksim_map, page_of(addr),
				  SIM_SITE_LOCAL("rcu_dereference_protected(mt->ma_root)")));
}

bool kmm_range_free(struct mm_struct *mm, unsigned long start,
		    unsigned long end)
{
	for (unsigned long a = start; a < end; a += KSIM_PAGE_SIZE)
		if (kvma_lookup(mm, a))
			return false;
	return true;
}

/* mas_store() of [start, end): the writer's copy of the node, published
 * (rcu_assign_pointer()); the old node is freed after a grace period. */
static void map_store(struct mm_struct *mm, unsigned long start,
		      unsigned long end, int v)
{
	if (end > start)
		mt_store(&mm->mm_mt.ksim_map, page_of(start),
			 (int)((end - start) / KSIM_PAGE_SIZE), v);
}

void kvma_iter_store(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long start, unsigned long end)
{
	map_store(mm, start, end, vma->ksim_idx + 1);
}

void kvma_iter_clear(struct mm_struct *mm, unsigned long start,
		     unsigned long end)
{
	map_store(mm, start, end, 0);
}

unsigned ksim_mas_gen(void)
{
	return ++mas_gens;
}

/*
 * A walk again on the same cursor from the same address with nothing
 * written since the last one, under RCU alone (lock_vma_under_rcu()'s and
 * lock_next_vma()'s -EAGAIN retry: the VMA was detached, the detacher has
 * not cleared the map yet) would read the same values and retry again:
 * the thread sleeps until another thread writes (sim_spin()), so a
 * schedule that merely starves the detacher is not reported, and a retry
 * nobody can end is a livelock.  The kernel's fairness, as the model's
 * lock functions have it.  A walk that moved on, or wrote (a reference
 * taken, as before lock_next_vma()'s second look at the map), or holds
 * the mmap lock (the map cannot change under it) is no retry.
 */
static void walk_retry(const struct ma_state *mas)
{
	const struct mm_struct *mm = container_of(mas->tree, struct mm_struct, mm_mt);
	const struct sim_rwsem *lock = &mm->mmap_lock.sem;
	int t = sim_self();

	if (t < 0 || lock->writer == t || (lock->readers & (1u << t)))
		return;
	if (last_walk[t].gen == mas->ksim_gen && last_walk[t].index == mas->index)
		sim_spin(last_walk[t].mark, SIM_SITE("lock_vma_under_rcu: walk again"));
	last_walk[t].gen = mas->ksim_gen;
	last_walk[t].index = mas->index;
	last_walk[t].mark = sim_spin_mark();
}

/* The page a walk state's index names, or -1 past the map. */
static int index_page(unsigned long index)
{
	if (index < KSIM_PAGE_SIZE || index >= (KSIM_PAGES + 1) * KSIM_PAGE_SIZE)
		return -1;
	return (int)(index / KSIM_PAGE_SIZE) - 1;
}

/* The RCU walk (src/lock/mt.h): through the node the walk state cached,
 * or from the root, whose rcu_dereference() pairs with the
 * rcu_assign_pointer() of mt_store(). */
void *mas_walk(struct ma_state *mas)
{
	int p = index_page(mas->index);

	walk_retry(mas);
	if (p < 0)
		return NULL;
	return slot_vma(mt_walk(&mas->tree->ksim_map, &mas->ksim_node, p,
				SIM_SITE_AS("mas_walk", "rcu_dereference(mt->ma_root)")));
}

/* vma_next(): the first VMA at or after the iterator, which moves past
 * the slots that hold it (the tree's range of the entry, known without
 * reading the VMA), reading on from the node it cached while it is set. */
struct vm_area_struct *vma_next(struct vma_iterator *vmi)
{
	const unsigned long end = (KSIM_PAGES + 1) * KSIM_PAGE_SIZE;
	struct ma_state *mas = &vmi->mas;
	unsigned long a = mas->index < KSIM_PAGE_SIZE ? KSIM_PAGE_SIZE :
			  mas->index < end ? mas->index & ~(KSIM_PAGE_SIZE - 1) : end;
	int next;

	walk_retry(mas);
	int v = mt_next(&mas->tree->ksim_map, &mas->ksim_node,
			a < end ? index_page(a) : KSIM_PAGES, &next,
			SIM_SITE_AS("vma_next", "rcu_dereference(mt->ma_root)"));

	/* The range moves on; the node stays (not mas_set()). */
	mas->index = mas->last = (unsigned long)(next + 1) * KSIM_PAGE_SIZE;
	return slot_vma(v);
}

int32_t kvma_peek_refcnt(const struct vm_area_struct *vma)
{
	return sim_peek(&vma->vm_refcnt.refs);
}

uint32_t kvma_peek_lock_seq(const struct vm_area_struct *vma)
{
	return (uint32_t)sim_addr_peek(&vma->vm_lock_seq);
}

uint32_t kmm_peek_seq(const struct mm_struct *mm)
{
	return (uint32_t)sim_addr_peek(&mm->mm_lock_seq.sequence);
}
