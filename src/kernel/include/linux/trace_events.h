/* SPDX-License-Identifier: MIT */
/* linux/trace_events.h (shim): nothing the lock uses. */
#ifndef VMLOCK_KSHIM_LINUX_TRACE_EVENTS_H
#define VMLOCK_KSHIM_LINUX_TRACE_EVENTS_H
#endif
