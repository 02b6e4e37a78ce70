/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbols from /proc/kallsyms, and what a waker's stack says. */
#ifndef IOTRACE_KSYMS_H
#define IOTRACE_KSYMS_H

#include <stddef.h>
#include <linux/types.h>

struct ksyms;

/* Symbols of the functions containing addrs (stack frames), from /proc/kallsyms */
struct ksyms *ksyms_load(const __u64 *addrs, size_t naddrs);
/* A table from a capture: names[i] (NULL: none) of addrs[i]; takes the names */
struct ksyms *ksyms_from(const __u64 *addrs, char **names, size_t n);
void ksyms_free(struct ksyms *ks);
/* How many functions the table names (0: kallsyms gave none) */
size_t ksyms_count(const struct ksyms *ks);
/* Name of the function containing addr, or NULL. */
const char *ksyms_name(const struct ksyms *ks, __u64 addr);
/* The same, and the function's [start, end) (end 0: unknown; from ksyms_load only) */
const char *ksyms_span(const struct ksyms *ks, __u64 addr, __u64 *start, __u64 *end);

enum wake_class {
	WAKE_POLLWAKE,		/* select/poll wait queue entry (fs/select.c) */
	WAKE_EPOLL,		/* ep_poll_callback / ep_autoremove_wake_function */
	WAKE_AUTOREMOVE,	/* autoremove_wake_function: accept, pipe, UDP read ... */
	WAKE_DIRECT,		/* __wake_up_common straight into try_to_wake_up */
	WAKE_TIMEOUT,		/* hrtimer_wakeup, timers */
	WAKE_SIGNAL,		/* signal delivery */
	WAKE_IO_URING,
	WAKE_FUTEX,
	WAKE_OTHER,		/* classified by name only: see the stack */
	WAKE_NO_STACK,		/* the stack could not be captured */
	WAKE_NR,
};

enum wake_context { CTX_TASK, CTX_SOFTIRQ, CTX_HARDIRQ, CTX_NR };

struct wake_info {
	enum wake_class cls;
	enum wake_context ctx;
	const char *waker_fn;	/* the frame just above try_to_wake_up */
};

const char *wake_class_name(enum wake_class c);
const char *wake_context_name(enum wake_context c);
/* Classify a stack (innermost frame first) as captured at sched_waking. */
void wake_classify(const struct ksyms *ks, const __u64 *ips, size_t n, struct wake_info *out);

#endif
