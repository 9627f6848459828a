/* SPDX-License-Identifier: MIT */
/* linux/limits.h (shim): C's limits.  glibc's <limits.h> includes this
 * name too, and finds this file (whose guard is then set): it takes
 * nothing from it. */
#ifndef VMLOCK_KSHIM_LINUX_LIMITS_H
#define VMLOCK_KSHIM_LINUX_LIMITS_H
#include <limits.h>
#endif
