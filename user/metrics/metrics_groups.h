/* SPDX-License-Identifier: GPL-2.0 */
/* A snapshot's threads grouped into metric series: per process, or per thread. */
#ifndef IOTRACE_METRICS_GROUPS_H
#define IOTRACE_METRICS_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/snapshot.h"

struct metrics_group {
	__u32 tgid;
	__u32 tid;			/* per thread only; else 0 */
	char comm[TASK_COMM_LEN];	/* the process's (main thread's) or the thread's */
	__u64 calls[MUX_NR];		/* 0: no series for that syscall */
	struct mux_stats sys[MUX_NR];
};

struct metrics_err {
	size_t group;			/* index into rows */
	__u32 sys;
	__u32 err;
	__u64 count;
};

struct metrics_groups {
	struct metrics_group *rows;	/* by pid, then tid */
	size_t n;
	struct metrics_err *errs;
	size_t nerrs;
};

int metrics_groups_build(struct metrics_groups *gs, const struct snapshot *snap,
			 bool per_thread);
void metrics_groups_free(struct metrics_groups *gs);
/* A label value: "poll", "epoll_ctl_add", ... */
const char *metrics_sys_label(unsigned int sys);

#endif
