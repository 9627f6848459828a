/* SPDX-License-Identifier: MIT */
/*
 * mm.c - the mm's life, rcuwait, the address map and the VMA cache.
 */
#include "mm.h"

#include <string.h>

#include "mmap_lock.h"
#include "../util/assert.h"
#include "../util/sanitizer.h"

struct lock_world world;
int vm_refcnt_flag = 1 << VM_REFCNT_EXCLUDE_READERS_BIT_KERNEL;

/* Poison for vm_start/vm_end: what the slab's free pointer leaves. */
#define VMA_FREEPTR_POISON 0x6b6b6b6b6b6bUL

void lock_world_reset(bool small_limit)
{
	VM_UNPOISON(world.mm, sizeof(world.mm));
	san_fresh_pages(&world, sizeof(world));
	memset(&world, 0, sizeof(world));
	vm_refcnt_flag = 1 << (small_limit ? VM_REFCNT_EXCLUDE_READERS_BIT_SMALL
					   : VM_REFCNT_EXCLUDE_READERS_BIT_KERNEL);
	world.cache_size = small_limit ? VMT_SMALL_CACHE : VMA_POOL_SIZE;
	for (int i = 0; i < VMA_POOL_SIZE; i++)
		world.vma[i].idx = (uint8_t)i;
	sim_rwsem_init(&world.slab_lock, OBJ_SLAB, 0, "slab_lock");
	rcu_gp_reset();
	mt_reset();
}

struct mm_struct *mm_init_world(int idx)
{
	VM_ASSERT(idx >= 0 && idx < MM_POOL_SIZE);
	struct mm_struct *mm = &world.mm[idx];
	uint8_t i = (uint8_t)idx;

	mm->idx = i;
	sim_rwsem_init(&mm->mmap_lock, OBJ_MM_LOCK, i, "mmap_lock");
	sim_atomic_init(&mm->mm_lock_seq, 0, OBJ_MM_SEQ, i, "mm_lock_seq");
	sim_atomic_init(&mm->vma_writer_wait, 0, OBJ_MM_WAIT, i,
			"vma_writer_wait");
	/* mm_count starts at 1: the reference all users share. */
	sim_atomic_init(&mm->mm_count, 1, OBJ_MM_COUNT, i, "mm_count");
	sim_atomic_init(&mm->mm_users, 0, OBJ_MM_COUNT, i, "mm_users");
	mt_map_init(&mm->mm_mt, i, &mm->mmap_lock);
	return mm;
}

/* ---- pins and users (kernel/fork.c) ---- */

void mmgrab(struct mm_struct *mm)
{
	sim_note("mmgrab(mm %c)", 'A' + mm->idx);
	sim_fetch_add(&mm->mm_count, 1, SIM_RELAXED, SIM_SITE("mmgrab"));
	kdebug.mm_pin(mm->idx, +1);
}

static void __mmdrop(struct mm_struct *mm)
{
	sim_note("__mmdrop(mm %c): freed", 'A' + mm->idx);
	kdebug.mm_free(mm->idx);
	world.mm_freed[mm->idx] = true;
	VM_POISON(mm, sizeof(*mm));
}

/* Drop one mm_count reference. */
static void mm_count_put(struct mm_struct *mm)
{
	/* atomic_dec_and_test() is fully ordered: whoever frees sees all
	 * that the other pin holders did. */
	if (sim_fetch_add(&mm->mm_count, -1, SIM_SEQ_CST,
			  SIM_SITE("mmdrop")) == 1)
		__mmdrop(mm);
}

/* A thread's pin taken with mmgrab(). */
void mmdrop(struct mm_struct *mm)
{
	uint8_t idx = mm->idx;	/* the mm may be freed by our put */

	sim_note("mmdrop(mm %c)", 'A' + idx);
	mm_count_put(mm);	/* the pin covers its own decrement */
	kdebug.mm_pin(idx, -1);
}

void mmget(struct mm_struct *mm)
{
	sim_fetch_add(&mm->mm_users, 1, SIM_RELAXED, SIM_SITE("mmget"));
}

void mmput(struct mm_struct *mm)
{
	if (sim_fetch_add(&mm->mm_users, -1, SIM_SEQ_CST,
			  SIM_SITE("mmput")) == 1) {
		exit_mmap(mm);
		mm_count_put(mm);	/* the reference all users shared */
	}
}

/* ---- rcuwait ---- */

/*
 * rcuwait_wait_event(): publish ourselves, then loop { set our state (a
 * full barrier); condition?  fatal signal?  sleep }.  The condition is
 * tested before the signal, so a satisfied condition wins over a kill.
 */
int rcuwait_wait_event(sim_atomic_t *w, bool (*cond)(void *), void *arg,
		       int state)
{
	int ret = 0;

	/* prepare_to_rcuwait(): rcu_assign_pointer(w->task, current). */
	sim_store(w, sim_self() + 1, SIM_RELEASE,
		  SIM_SITE("rcu_assign_pointer(w->task, current)"));
	for (;;) {
		/* Pairs with the smp_mb() in rcuwait_wake_up(): either we see
		 * the waker's change, or it sees our task pointer and state. */
		sim_set_current_state((enum sim_task_state)state,
				      SIM_SITE("set_current_state()"));
		if (cond(arg))
			break;
		if (state == TASK_KILLABLE && sim_fatal_signal_pending()) {
			ret = -EINTR;
			break;
		}
		sim_schedule(cond, arg, SIM_SITE("schedule()"));
	}
	/* finish_rcuwait(). */
	sim_store(w, 0, SIM_RELEASE, SIM_SITE("rcu_assign_pointer(w->task, NULL)"));
	sim_set_task_running();
	return ret;
}

bool rcuwait_wake_up(sim_atomic_t *w)
{
	bool ret = false;

	/* Pairs with set_current_state() in rcuwait_wait_event(). */
	smp_mb();
	rcu_read_lock();	/* task structs are RCU-freed */
	int32_t task = sim_load(w, SIM_ACQUIRE, SIM_SITE("rcu_dereference(w->task)"));

	if (task)
		ret = sim_wake_up_process(task - 1,
					  SIM_SITE("wake_up_process(w->task)"));
	rcu_read_unlock();
	return ret;
}

/* ---- the address map ---- */

static int page_of(unsigned long addr)
{
	VM_ASSERT(addr >= VMT_PAGE_SIZE && addr % VMT_PAGE_SIZE == 0);
	int p = (int)(addr / VMT_PAGE_SIZE) - 1;

	VM_ASSERT(p < VMT_PAGES);
	return p;
}

static struct vm_area_struct *slot_vma(int v)
{
	VM_ASSERT(v >= 0 && v <= VMA_POOL_SIZE);
	return v ? &world.vma[v - 1] : NULL;
}

/* RCU walk from the root (mt.h). */
struct vm_area_struct *mas_walk(struct mm_struct *mm, unsigned long addr)
{
	return slot_vma(mt_walk(&mm->mm_mt, NULL, page_of(addr),
				SIM_SITE("rcu_dereference(mt->ma_root)")));
}

/* The first page at or after addr (addresses below the map start at
 * its first page). */
static unsigned long page_at_or_after(unsigned long addr)
{
	if (addr < VMT_PAGE_SIZE)
		return VMT_PAGE_SIZE;
	return (addr + VMT_PAGE_SIZE - 1) & ~(VMT_PAGE_SIZE - 1);
}

/*
 * vma_next(): the first VMA at or after the iterator; the iterator moves
 * past the slots that hold it (the maple tree's range of the entry, which
 * the tree knows without reading the VMA), through its cached node.
 */
struct vm_area_struct *vma_next(struct vma_iterator *vmi)
{
	const unsigned long end = vmt_page_addr(VMT_PAGES - 1) + VMT_PAGE_SIZE;
	unsigned long a = vmi->index < end ? page_at_or_after(vmi->index) : end;
	int p = a < end ? page_of(a) : VMT_PAGES;
	int next;
	int v = mt_next(&vmi->mm->mm_mt, &vmi->node, p, &next,
			SIM_SITE("rcu_dereference(mt->ma_root)"));

	vmi->index = next < VMT_PAGES ? vmt_page_addr(next) : end;
	return slot_vma(v);
}

/* Under the mmap lock: the lock orders us after the writers. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	return slot_vma(mt_lookup(&mm->mm_mt, page_of(addr),
				  SIM_SITE_LOCAL("rcu_dereference_protected(mt->ma_root)")));
}

/* mas_store() of [start, end): the writer's copy of the node, published
 * (rcu_assign_pointer()); the old node is freed after a grace period. */
static void map_store(struct mm_struct *mm, unsigned long start,
		      unsigned long end, int v)
{
	if (end > start)
		mt_store(&mm->mm_mt, page_of(start),
			 (int)((end - start) / VMT_PAGE_SIZE), v);
}

void vma_iter_store(struct mm_struct *mm, struct vm_area_struct *vma,
		    unsigned long start, unsigned long end)
{
	map_store(mm, start, end, vma->idx + 1);
}

void vma_iter_clear(struct mm_struct *mm, unsigned long start,
		    unsigned long end)
{
	map_store(mm, start, end, 0);
}

bool mm_range_free(struct mm_struct *mm, unsigned long start,
		   unsigned long end)
{
	for (unsigned long a = start; a < end; a += VMT_PAGE_SIZE)
		if (vma_lookup(mm, a))
			return false;
	return true;
}

/* ---- the vm_area_struct cache (SLAB_TYPESAFE_BY_RCU) ---- */

/* First use of a pool object in this run: its locations are born. */
static void vma_birth(struct vm_area_struct *vma)
{
	uint8_t i = vma->idx;

	sim_plain_init(&vma->vm_start, 0, OBJ_VMA_RANGE, i, "vm_start");
	sim_plain_init(&vma->vm_end, 0, OBJ_VMA_RANGE, i, "vm_end");
	sim_plain_init(&vma->vm_mm, 0, OBJ_VMA_MM, i, "vm_mm");
	sim_plain_init(&vma->vm_flags, 0, OBJ_VMA_PAYLOAD, i, "vm_flags");
	sim_plain_init(&vma->vm_pgoff, 0, OBJ_VMA_PAYLOAD, i, "vm_pgoff");
	sim_atomic_init(&vma->vm_lock_seq, -1, OBJ_VMA_LOCK_SEQ, i, "vm_lock_seq");
	sim_atomic_init(&vma->vm_refcnt, 0, OBJ_VMA_REFCNT, i, "vm_refcnt");
	vma->born = true;
}

static struct vm_area_struct *cache_take(unsigned reuse)
{
	if (world.nfree) {
		unsigned k = world.nfree - 1 - reuse % world.nfree;
		struct vm_area_struct *vma = &world.vma[world.free_list[k]];

		memmove(&world.free_list[k], &world.free_list[k + 1],
			world.nfree - 1 - k);
		world.nfree--;
		return vma;
	}
	if (world.nfresh < world.cache_size) {
		struct vm_area_struct *vma = &world.vma[world.nfresh++];

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
	sim_down_write(&world.slab_lock, SIM_SITE("kmem_cache_alloc"));
	struct vm_area_struct *vma = cache_take(reuse);

	sim_up_write(&world.slab_lock, SIM_SITE("kmem_cache_alloc"));
	if (!vma)
		return NULL;
	lifetime_window();
	kdebug.vma_alloc(vma->idx, mm->idx);
	sim_note("%s() -> #%u (mm %c)", what, vma->idx, 'A' + mm->idx);
	return vma;
}

/*
 * vma_init()'s memset of the plain fields.  Local writes (no scheduling
 * point): the object is detached and its allocator holds the mmap write
 * lock, so with a correct lock nobody else may touch these fields now;
 * the oracles verify that right, and the race detector sees the writes
 * as a reader's use of the object would.  Its write of vm_refcnt is left
 * out (0 over 0: a freed object is detached, and no reader raises a 0),
 * its write of vm_lock_seq too (vma_lock_init() writes it at once).
 */
static void vma_memset(struct vm_area_struct *vma)
{
	sim_plain_write(&vma->vm_start, 0, SIM_SITE_LOCAL("memset(vma)"));
	sim_plain_write(&vma->vm_end, 0, SIM_SITE_LOCAL("memset(vma)"));
	sim_plain_write(&vma->vm_flags, 0, SIM_SITE_LOCAL("memset(vma)"));
	sim_plain_write(&vma->vm_pgoff, 0, SIM_SITE_LOCAL("memset(vma)"));
}

/* vm_area_alloc() and vma_init(): memset, vm_mm, vma_lock_init(vma,
 * false).  vm_refcnt is 0 and must never be raised but by
 * vma_mark_attached(); the caller sets the range and the payload before
 * publishing. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm, unsigned reuse)
{
	struct vm_area_struct *vma = cache_alloc(mm, reuse, "vm_area_alloc");

	if (!vma)
		return NULL;
	vma_memset(vma);
	PLAIN_WRITE(vma->vm_mm, mm_id(mm));
	vma_lock_init(vma, false);
	return vma;
}

/*
 * vm_area_dup() (mm/vma_init.c): the cache's object (maybe recycled: a
 * stale RCU reader may still try vm_refcnt), the fields copied from orig
 * (vm_area_init_from(); never vm_refcnt or vm_lock_seq), then
 * vma_lock_init(new, true): vm_refcnt 0, vm_lock_seq UINT_MAX.  The copy
 * is detached.  The caller holds the mmap write lock, so orig's fields
 * are stable.
 */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig, unsigned reuse)
{
	struct mm_struct *mm = vma_mm_of(orig);
	struct vm_area_struct *vma = cache_alloc(mm, reuse, "vm_area_dup");

	if (!vma)
		return NULL;
	PLAIN_WRITE(vma->vm_mm, mm_id(mm));
	PLAIN_WRITE(vma->vm_start, PLAIN_READ_STABLE(orig->vm_start));
	PLAIN_WRITE(vma->vm_end, PLAIN_READ_STABLE(orig->vm_end));
	PLAIN_WRITE(vma->vm_flags, PLAIN_READ_STABLE(orig->vm_flags));
	PLAIN_WRITE(vma->vm_pgoff, PLAIN_READ_STABLE(orig->vm_pgoff));
	vma_lock_init(vma, true);
	return vma;
}

void vma_set_vm_mm(struct vm_area_struct *vma, struct mm_struct *mm)
{
	PLAIN_WRITE(vma->vm_mm, mm_id(mm));
}

void vm_area_free(struct vm_area_struct *vma)
{
	lifetime_window();
	kdebug.vma_free(vma->idx);
	vma_assert_detached(vma);
	sim_note("vm_area_free(#%u)", vma->idx);
	/* The free pointer overlays vm_start/vm_end. */
	PLAIN_WRITE(vma->vm_start, VMA_FREEPTR_POISON);
	PLAIN_WRITE(vma->vm_end, VMA_FREEPTR_POISON);
	sim_down_write(&world.slab_lock, SIM_SITE("kmem_cache_free"));
	VM_ASSERT(world.nfree < VMA_POOL_SIZE);
	world.free_list[world.nfree++] = vma->idx;
	sim_up_write(&world.slab_lock, SIM_SITE("kmem_cache_free"));
}
