/* SPDX-License-Identifier: MIT */
/* trace/events/mmap_lock.h (shim): tracing is off. */
#ifndef VMLOCK_KSHIM_TRACE_EVENTS_MMAP_LOCK_H
#define VMLOCK_KSHIM_TRACE_EVENTS_MMAP_LOCK_H
#include <linux/export.h>
#endif
