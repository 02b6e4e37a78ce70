/* SPDX-License-Identifier: GPL-2.0 */
/* A copy of the kernel's aggregates at one moment, per thread and in total. */
#ifndef IOTRACE_SNAPSHOT_H
#define IOTRACE_SNAPSHOT_H

#include <stddef.h>
#include <linux/types.h>
#include "iotrace.h"

struct iotrace_bpf;

struct thread_stats {
	__u32 tid;
	char comm[TASK_COMM_LEN];
	unsigned int present;		/* bit per enum mux_sys with data */
	struct mux_stats sys[MUX_NR];
};

struct err_count {
	__u32 tid;
	__u32 sys;
	__u32 err;
	__u64 count;
};

struct snapshot {
	struct thread_stats *threads;	/* sorted by tid */
	size_t nthreads;
	struct mux_stats total[MUX_NR];	/* all threads merged */
	unsigned int present;
	struct err_count *errs;
	size_t nerrs;
	struct drop_counts drops;
};

int snapshot_take(struct snapshot *snap, struct iotrace_bpf *skel);
/* cur - prev for the counters and histograms (max and min stay cur's) */
void snapshot_diff(struct snapshot *out, const struct snapshot *cur,
		   const struct snapshot *prev);
void snapshot_free(struct snapshot *snap);

/* Merge src into dst (sums, min/max, histograms). */
void stats_merge(struct mux_stats *dst, const struct mux_stats *src);
#define SNAP_ALL_THREADS	0xffffffffu
/* Calls of sys (by tid, or SNAP_ALL_THREADS) that ended in EINTR/ERESTART* */
__u64 snapshot_interrupted(const struct snapshot *snap, __u32 tid, __u32 sys);

#endif
