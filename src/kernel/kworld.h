/* SPDX-License-Identifier: MIT */
/*
 * kworld.h - the kernel backend's world of a run: two mms and a pool of
 * VMAs in the kernel's own struct layout (the shims' mm_types.h), each
 * field registered with the simulator under the model's names
 * (lock/obj_kind.h), the address map, the type-safe-by-RCU VMA cache.
 * Compiled against the shims; callers use the kernel's API names.
 */
#ifndef VMLOCK_KERNEL_KWORLD_H
#define VMLOCK_KERNEL_KWORLD_H

#include <linux/mm.h>
#include <linux/mmap_lock.h>

#define KWORLD_VMAS 16
#define KWORLD_MMS 2
#define KSIM_PAGE_SIZE 0x1000UL	/* the program format's VMT_PAGE_SIZE */

/* A new run's world; small: a cache of VMT_SMALL_CACHE objects (the
 * program's small configuration), else KWORLD_VMAS. */
void kworld_reset(bool small);
/* Set up mm idx (from main, before the threads). */
struct mm_struct *kworld_mm_init(int idx);
struct mm_struct *kworld_mm(int idx);
struct vm_area_struct *kworld_vma(int idx);
bool kworld_mm_freed(int idx);
/* Handed out at least once this run (its fields are registered). */
bool kworld_vma_born(int idx);

/* mm/vma_init.c: the cache; reuse picks which freed object comes back;
 * NULL when every object is live (kmem_cache_alloc() fails). */
struct vm_area_struct *kvm_area_alloc(struct mm_struct *mm, unsigned reuse);
/* vm_area_dup(): a detached copy of orig from the cache. */
struct vm_area_struct *kvm_area_dup(struct vm_area_struct *orig, unsigned reuse);
void kvm_area_free(struct vm_area_struct *vma);
/* dup_mmap()'s tmp->vm_mm = mm (a plain write with its value known). */
void kvma_set_vm_mm(struct vm_area_struct *vma, struct mm_struct *mm);
/* The harness's own writes of a VMA's fields (a plain write each). */
void kvma_set_range(struct vm_area_struct *vma, unsigned long start,
		    unsigned long end);
/* The address map: look a page up under the mmap lock, store
 * (rcu_assign_pointer) or clear pages; is a range free (mmap lock held)? */
struct vm_area_struct *kvma_lookup(struct mm_struct *mm, unsigned long addr);
bool kmm_range_free(struct mm_struct *mm, unsigned long start,
		    unsigned long end);
void kvma_iter_store(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long start, unsigned long end);
void kvma_iter_clear(struct mm_struct *mm, unsigned long start,
		     unsigned long end);

/* kernel/fork.c: a user (mmget; mmput is the copy's, kglue.h), and the
 * drop of the pin all users share. */
void kmmget(struct mm_struct *mm);
void kmm_count_put(struct mm_struct *mm);

/* The backend interface's world and peeks (harness/backend.h), shared by
 * every copy: kbackend.c. */
struct vmt_program;
void kbackend_setup_world(const struct vmt_program *p);

/* Peeks, without a scheduling point (oracles, reports, tests). */
int32_t kvma_peek_refcnt(const struct vm_area_struct *vma);
uint32_t kvma_peek_lock_seq(const struct vm_area_struct *vma);
uint32_t kmm_peek_seq(const struct mm_struct *mm);

/*
 * The condition a thread about to sleep in rcuwait waits for, as the
 * harness knows it (the kernel's condition is an expression inside
 * rcuwait_wait_event(), which the shim's bare schedule() cannot see):
 * that vma's vm_refcnt reaches target.  The lost-wake-up detector asks it
 * of a sleeper nobody woke.  Set before the call that may sleep, cleared
 * (vma NULL) after.
 */

#endif /* VMLOCK_KERNEL_KWORLD_H */
