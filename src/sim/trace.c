/* SPDX-License-Identifier: MIT */
/*
 * trace.c - the event record of a run, kept only when tracing.
 *
 * Fuzzing runs do not trace: a report re-runs the same input with tracing
 * on, which gives the same interleaving because runs are deterministic.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

#define TRACE_MAX_EVENTS (1u << 16)
#define TRACE_ARENA (1u << 20)

static struct sim_event events[TRACE_MAX_EVENTS];
static size_t nevents;
static char arena[TRACE_ARENA];
static size_t arena_used;

void sim_trace_reset(void)
{
	nevents = 0;
	arena_used = 0;
}

static struct sim_event *trace_new(int tid, enum sim_event_kind kind)
{
	if (nevents == TRACE_MAX_EVENTS)
		return NULL;	/* the budget bounds a run; keep the prefix */
	struct sim_event *e = &events[nevents++];

	e->step = sim.steps;
	e->tid = (int8_t)tid;
	e->kind = (uint8_t)kind;
	e->note = NULL;
	return e;
}

void sim_trace_access(const struct sim_access *a)
{
	struct sim_event *e = trace_new(a->tid, SIM_EV_ACCESS);

	if (e)
		e->a = *a;
}

void sim_trace_event(int tid, enum sim_event_kind kind)
{
	trace_new(tid, kind);
}

void sim_trace_note(int tid, const char *fmt, va_list ap)
{
	size_t room = TRACE_ARENA - arena_used;

	if (room < 2)
		return;
	char *text = arena + arena_used;
	int n = vsnprintf(text, room, fmt, ap);

	if (n < 0)
		return;
	arena_used += ((size_t)n < room ? (size_t)n : room - 1) + 1;
	struct sim_event *e = trace_new(tid, SIM_EV_NOTE);

	if (e)
		e->note = text;
}

size_t sim_trace(const struct sim_event **out)
{
	*out = events;
	return nevents;
}
