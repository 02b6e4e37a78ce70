/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A capture's figures rebuilt from its events, over a time window (-r
 * --from/--to) or the whole file (a file cut before its final snapshot).
 */
#ifndef IOTRACE_WINDOW_H
#define IOTRACE_WINDOW_H

#include <stddef.h>
#include <linux/types.h>
#include "capture/capture.h"
#include "capture/timeline.h"
#include "collect/snapshot.h"

/* Figures rebuilt from the events of [from_s, to_s) (seconds from the start) */
struct window {
	double from_s, to_s;		/* to_s 0: to the end */
	__u64 start_ns;			/* the header's CLOCK_MONOTONIC start */
	struct snapshot snap;
	size_t cap_threads, cap_errs;
	struct thread_stats *last;	/* the thread of the previous event */
	struct { __u32 sys, hash; __u64 count; } *woken;	/* wakeups by stack hash */
	size_t nwoken, cap_woken;
	struct { __u32 tgid; char comm[16]; } procs[256];	/* exec'd names */
	size_t nprocs;
	__u64 first_ts, last_ts;	/* of the calls in the window */
	__u64 req_first, req_last;	/* start of the first request, end of the last (all) */
	struct timeline *tl;		/* --html: the calls of the window over time, or NULL */
	int err;
};

void window_event(void *ctx, const struct capture *c, const struct rec_call *call,
		  const struct rec_proc *proc);
/* Names, wakeup classes and totals once the capture is read */
void window_finish(struct window *w, const struct capture *c);
void window_free(struct window *w);
/* The hash the BPF side gives a waker's stack (record.bpf.h) */
__u32 wake_stack_hash(const __u64 *ips);

#endif
