/* SPDX-License-Identifier: GPL-2.0 */
/* A copy of the kernel's aggregates at one moment, per thread and in total. */
#ifndef IOTRACE_SNAPSHOT_H
#define IOTRACE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/ksyms.h"

struct iotrace_bpf;
struct frame_names;

/* Wakeups with one kernel stack and one waker comm, classified */
struct wake_row {
	__u32 sys;
	char waker[TASK_COMM_LEN];
	__u64 count;
	struct wake_info info;
	__u64 ips[MAX_STACK_DEPTH];
};

struct fd_row {
	__u32 tgid;			/* fd numbers are per process */
	__s32 fd;
	__u64 reports;
	__u64 rereports;
};

struct epoll_row {
	__u32 tgid;
	__s32 epfd;
	__s64 registrations;
};

struct thread_stats {
	__u32 tid;
	__u32 tgid;
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
	struct sys_count all[SYSCALL_SLOTS];	/* every syscall, by number (all_syscalls) */
	/* final snapshot only (snapshot_take with ksyms) */
	__u64 wake[MUX_NR][WAKE_NR];
	__u64 wake_ctx[MUX_NR][CTX_NR];
	struct wake_row *wakes;		/* most frequent first */
	size_t nwakes;
	struct fd_row *fdrows;		/* open fds, most re-reported first */
	size_t nfdrows;
	struct closed_fds closed;	/* fds closed while traced */
	struct epoll_row *epolls;
	size_t nepolls;
	struct ksyms *ksyms;		/* names for the frames in wakes */
};

/* One traced process, from its threads' figures */
struct proc_row {
	__u32 tgid;
	char comm[TASK_COMM_LEN];	/* its main thread's, else its first thread's */
	unsigned int threads;
	__u64 mux_calls;		/* multiplexer waits and epoll_ctl calls */
};

/* The processes the snapshot's threads belong to, by pid; caller frees. */
size_t snapshot_processes(const struct snapshot *snap, struct proc_row **out);

/* full: also wakeups (with symbolized stacks), fds and epoll interest sets */
int snapshot_take(struct snapshot *snap, struct iotrace_bpf *skel, bool full);
/* full, naming the frames from names (frame_names.h): kallsyms read for new ones only */
int snapshot_take_named(struct snapshot *snap, struct iotrace_bpf *skel,
			struct frame_names *names);
void snapshot_free(struct snapshot *snap);

/* allsys.c: every syscall by number, summed over the CPUs */
int allsys_read(struct sys_count *all, int map_fd);
/* Calls of every syscall */
__u64 allsys_calls(const struct snapshot *snap);
/* The numbers with calls, most called first; returns how many (caller frees) */
size_t allsys_sorted(const struct snapshot *snap, __u32 **out);

/* IO of one kind of file, summed over the syscalls of a group */
struct io_sum {
	__u64 calls, data_calls, bytes;
};

/* snapshot_sums.c: sums[kind] over the syscalls of group (is_read, is_write, is_accept) */
void snapshot_io(const struct snapshot *snap, int (*group)(unsigned int sys),
		 struct io_sum sums[FD_KIND_NR]);
/* Requests: socket reads that returned data */
__u64 snapshot_requests(const struct snapshot *snap);

/* snapshot_sums.c: arithmetic on the figures */
/* Merge src into dst (sums, min/max, histograms). */
void stats_merge(struct mux_stats *dst, const struct mux_stats *src);
/* total[] and present from the threads */
void snapshot_sum_threads(struct snapshot *snap);
/* cur - prev for the counters and histograms (max and min stay cur's) */
void snapshot_diff(struct snapshot *out, const struct snapshot *cur,
		   const struct snapshot *prev);
#define SNAP_ALL_THREADS	0xffffffffu
/* Calls of sys (by tid, or SNAP_ALL_THREADS) that ended in EINTR/ERESTART* */
__u64 snapshot_interrupted(const struct snapshot *snap, __u32 tid, __u32 sys);
/* Errors of one kind (e.g. EAGAIN) for sys over all threads */
__u64 snapshot_errno(const struct snapshot *snap, unsigned int sys, unsigned int err);
/* Calls of the syscalls of one kind (is_wait, is_epoll_ctl, ... from iotrace.h) */
__u64 snapshot_calls(const struct snapshot *snap, int (*kind)(unsigned int sys));
/* Some syscall of that kind has figures */
bool snapshot_any(const struct snapshot *snap, int (*kind)(unsigned int sys));
/* --light times a sample of calls: latency figures are over these */
static inline __u64 timed_calls(const struct mux_stats *s)
{
	return s->calls - s->untimed_calls;
}

/* Time on CPU of the timed calls (derived: latency minus time off CPU) */
static inline __u64 oncpu_ns(const struct mux_stats *s)
{
	return s->lat_total - (s->sleep_ns + s->runq_ns - s->untimed_off_ns);
}

/* On CPU per fd examined (derived); --light: per timed call over per call */
static inline double oncpu_per_examined(const struct mux_stats *s)
{
	if (!s->examined || !timed_calls(s))
		return 0;
	return (double)oncpu_ns(s) / timed_calls(s) * s->calls / s->examined;
}

static inline double mean_lat(const struct mux_stats *s)
{
	return timed_calls(s) ? (double)s->lat_total / timed_calls(s) : 0;
}

/* qsort that takes an empty list (NULL base) */
void sort_rows(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
