/* SPDX-License-Identifier: GPL-2.0 */
/* One parser for /proc/PID/stat, for the process list and the CPU time. */
#ifndef IOTRACE_PROC_STAT_H
#define IOTRACE_PROC_STAT_H

#include <sys/types.h>
#include <linux/types.h>

struct proc_stat {
	char state;			/* R, S, D, Z, X ... */
	pid_t ppid;
	char comm[16];
	__u64 utime, stime;		/* clock ticks */
	__u64 cutime, cstime;		/* of the children it reaped */
	unsigned long long starttime;	/* ticks after boot: tells a reused pid apart */
};

/* 0, or -errno (-EINVAL: a line we cannot parse) */
int proc_stat_read(pid_t pid, struct proc_stat *st);

#endif
