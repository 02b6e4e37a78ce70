/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which figures a run measured: the one rule every report, --compare,
 * --metrics and --check follow. A figure not measured in a run's mode
 * (--light, a kernel without the sched tracepoints, a window of a
 * recording, a report rebuilt from recorded events) is absent or null in
 * JSON, "-" in text, empty in HTML and not exported; never a 0.
 */
#ifndef IOTRACE_MEASURED_H
#define IOTRACE_MEASURED_H

#include <stdbool.h>
#include <stddef.h>
#include "collect/run_info.h"

enum figure {
	FIG_CALLS,		/* calls, failures by errno, interruptions, timeouts */
	FIG_LATENCY,		/* latency and its histogram (--light: sampled) */
	FIG_READY,		/* fds ready per call */
	FIG_WATCHED,		/* fds watched by poll and epoll */
	FIG_WATCHED_SELECT,	/* fds watched (and so examined) by select, pselect6 */
	FIG_UNREADABLE,		/* select/poll calls whose fd lists could not be read */
	FIG_READINESS,		/* ready fds by fd, re-reports; fds, fds_closed */
	FIG_REWRITES,		/* what select and poll wrote back (S7, P1) */
	FIG_IO,			/* reads, writes, accepts: bytes and fd kinds */
	FIG_ALL_SYSCALLS,	/* every syscall by name (--light: its time sampled) */
	FIG_TIME,		/* time asleep and preempted, sleeps, wakeups */
	FIG_ONCPU,		/* time on CPU inside the calls (--light: sampled) */
	FIG_COPY_PHASE,		/* a read's time on CPU after its wakeup (M1) */
	FIG_HISTOGRAMS,		/* per-call histograms of on-CPU time and fds examined */
	FIG_WAKE_CLASSES,	/* who woke the thread, by class */
	FIG_WAKE_STACKS,	/* waker stacks and contexts, wakeups outside the calls */
	FIG_COPIES,		/* bytes copied by poll and epoll calls (derived) */
	FIG_COPIES_SELECT,	/* bytes copied by select, pselect6, ppoll (derived) */
	FIG_REGISTRATIONS,	/* select/poll wait-queue registrations (derived) */
	FIG_PASSES,		/* scan passes and fds examined (derived lower bounds) */
	FIG_EPOLL_INTEREST,	/* epoll interest sets at the end, waits on unknown ones */
	FIG_CPU,		/* CPU time of the traced processes */
	FIG_EXACT,		/* exact in-kernel counts (fentry/kprobe layer) */
	FIG_NR,
};

#define FIGURE_KEYS	6	/* JSON keys of a figure, at most */

/* Why f was not measured in this run, or NULL when it was */
const char *figure_missing(const struct run_info *run, enum figure f);
/*
 * How f was measured when not as full mode measures it over every call
 * ("sampled: 1 call in 16 timed"), or NULL. buf holds the words.
 */
const char *figure_differs(const struct run_info *run, enum figure f, char *buf, size_t len);

/* Of the timed calls only (--light times 1 in N): not a total of every call */
bool figure_sampled(const struct run_info *run, enum figure f);

/* What --check, the text header and not_measured call it */
const char *figure_name(enum figure f);
/* Derived from the arguments by the kernel's rules, not read at a probe */
bool figure_derived(enum figure f);
/* The JSON keys it fills (paths in a syscall row or from the root), NULL-terminated */
const char *const *figure_keys(enum figure f);
/* The figure of that name, or FIG_NR */
enum figure figure_by_name(const char *name);
/* The fds watched of a wait: select's are read from its sets, poll's and epoll's are not */
enum figure figure_watched(unsigned int sys);
/* The bytes copied by a call: select's and ppoll's need user memory, poll's and epoll's not */
enum figure figure_copies(unsigned int sys);
/* 1 in this many calls timed: 1 when every call is */
unsigned int run_timed_one_in(const struct run_info *run);

#endif
