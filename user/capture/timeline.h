/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recording's calls over time, per process, in at most TL_BINS bins: the
 * bins start 10 ms wide and double (pairs merge) whenever the recording
 * outgrows them, so memory stays fixed however long it is.
 */
#ifndef IOTRACE_TIMELINE_H
#define IOTRACE_TIMELINE_H

#include <linux/types.h>

#define TL_BINS		256
#define TL_PROCS	6	/* processes drawn apart; the rest are "others" */

struct tl_bin {
	__u64 calls;		/* every traced call that began in the bin */
	__u64 waits;		/* select/poll/epoll waits */
	__u64 ready;		/* fds ready, summed over the waits */
	__u64 wait_ns;		/* the waits' latency, summed */
};

struct tl_proc {
	__u32 tgid;		/* 0: others */
	char comm[16];
	struct tl_bin bins[TL_BINS];
};

struct timeline {
	__u64 start_ns;		/* bin 0 starts here (the recording's start) */
	__u64 width_ns;		/* of a bin */
	int nbins;		/* bins in use */
	int nprocs;
	struct tl_proc procs[TL_PROCS + 1];
};

void timeline_init(struct timeline *tl, __u64 start_ns);
/* One call: its process, syscall, entry time, latency and return value */
void timeline_add(struct timeline *tl, __u32 tgid, unsigned int sys, __u64 ts, __u64 dur,
		  __s64 ret);

#endif
