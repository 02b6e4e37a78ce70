/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU time the traced processes used while traced: /proc/PID/stat utime
 * and stime at attach (0 for a process forked while traced) and at the
 * end, read again every refresh so a process that exits and is reaped by
 * its parent keeps its last figure; a launched command we reap gives its
 * rusage instead.
 */
#ifndef IOTRACE_CPU_H
#define IOTRACE_CPU_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <linux/types.h>
#include "collect/run_info.h"

struct cpu_proc {
	pid_t pid;
	char comm[16];
	unsigned long long starttime;	/* /proc field 22: tells a reused pid apart */
	__u64 start[2];			/* utime, stime (ticks) when tracing began */
	__u64 last[2];			/* at the last read */
	__u64 children[2];		/* cutime, cstime at the last read */
	bool seen;			/* last[] holds a reading */
	bool final;			/* exited: last[] (or rusage) is the whole */
	bool read_at_exit;		/* last[] was read from the zombie: complete */
	bool rusage;			/* a launched command we reaped */
	struct timeval ru[2];		/* its rusage: user, system */
};

struct cpu_table {
	struct cpu_proc *p;
	size_t n, cap;
	unsigned int unread;		/* forked and gone before any reading */
};

/* Start counting pid: from now (attached), or from 0 (forked while traced). */
void cpu_track(struct cpu_table *t, pid_t pid, bool forked);
bool cpu_tracked(const struct cpu_table *t, pid_t pid);
/* A process forked while traced that exited before we could read it */
void cpu_unread(struct cpu_table *t);
/* Read every process not yet final. */
void cpu_sample(struct cpu_table *t);
/* The launched command was reaped with this rusage (its children's times included). */
void cpu_reaped(struct cpu_table *t, pid_t pid, const struct rusage *ru);
/* Per process and in total, for the reports; run_info_free frees them. */
void cpu_describe(const struct cpu_table *t, struct run_info *run);
void cpu_free(struct cpu_table *t);

#endif
