/* SPDX-License-Identifier: MIT */
#ifndef VMLOCK_KSHIM_LINUX_TRACEPOINT_DEFS_H
#define VMLOCK_KSHIM_LINUX_TRACEPOINT_DEFS_H
/* Tracing is off (CONFIG_TRACING unset). */
#define DECLARE_TRACEPOINT(tp)
#define tracepoint_enabled(tp) 0
#endif
