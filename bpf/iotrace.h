/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structures shared by the kernel side (iotrace.bpf.c) and the loader.
 * Only fixed-size types: this header is included by both worlds.
 */
#ifndef IOTRACE_H
#define IOTRACE_H

#define TASK_COMM_LEN		16

/* The syscalls iotrace aggregates; epoll_ctl is split by operation. */
enum mux_sys {
	MUX_SELECT,
	MUX_PSELECT6,
	MUX_POLL,
	MUX_PPOLL,
	MUX_EPOLL_WAIT,
	MUX_EPOLL_PWAIT,
	MUX_EPOLL_PWAIT2,
	MUX_EPOLL_CTL_ADD,
	MUX_EPOLL_CTL_MOD,
	MUX_EPOLL_CTL_DEL,
	MUX_EPOLL_CTL_BADOP,	/* epoll_ctl with an op the kernel rejects */
	MUX_READ,		/* read, readv, recvfrom, recvmsg */
	MUX_WRITE,		/* write, writev, sendto, sendmsg */
	MUX_ACCEPT,		/* accept, accept4 */
	MUX_URING,		/* io_uring_enter: submit and wait for completions */
	MUX_OUTSIDE,		/* no traced call: only wakeups are counted */
	MUX_NR,
	MUX_NONE = 0xff,
};

/*
 * Latency histogram: log2 octaves split in 2^HIST_SUB_BITS linear
 * sub-buckets (HdrHistogram style), so percentiles are within 12.5%.
 * Values below 2^HIST_SUB_BITS ns have a slot each; the last slot
 * holds everything from 2^(HIST_MAX_MSB + 1) ns (~73 minutes) up.
 */
#define HIST_SUB_BITS		3
#define HIST_SUB		(1 << HIST_SUB_BITS)
#define HIST_MAX_MSB		41
#define HIST_SLOTS		((HIST_MAX_MSB - HIST_SUB_BITS + 2) << HIST_SUB_BITS)

/* Sentinel for "fds watched could not be determined" */
#define WATCHED_UNKNOWN		0xffffffffu

/* Kernel stack frames kept per wakeup */
#define MAX_STACK_DEPTH		32

/* Small log2 histograms of per-call figures: slot k counts [2^(k-1), 2^k) */
#define LOG2_SLOTS		32

struct stats_key {
	__u32 tid;
	__u32 sys;		/* enum mux_sys */
};

/* Per thread and syscall; only the owning thread writes it. */
struct mux_stats {
	__u64 calls;		/* completed calls (entry and exit seen) */
	__u64 errors;		/* ret < 0, interrupts included; by errno in errs */
	__u64 timeouts;		/* ret == 0 for the waiting syscalls */
	__u64 lat_total;	/* ns */
	__u64 lat_max;		/* ns */
	__u64 watched_total;	/* fds watched, summed over watched_calls */
	__u64 watched_calls;	/* calls whose fds watched is known */
	__u64 ready_total;	/* sum of ret > 0: fds (select: bits) ready */
	__u64 restarts;		/* calls re-entered through restart_syscall */
	__u32 watched_min;
	__u32 watched_max;
	__u32 ready_max;
	__u32 unreadable;	/* fd sets / pollfd arrays we failed to read */
	__u32 unknown_interest;	/* epoll waits on an epoll fd of unknown size */
	__u32 tgid;
	__u32 tid;
	__u32 pad;
	char comm[TASK_COMM_LEN];
	/* kernel internals (select/poll/epoll unless noted) */
	__u64 passes;		/* select/poll scan passes: 1 + wakeups, lower bound */
	__u64 examined;		/* fds examined: watched x passes (derived) */
	__u64 registrations;	/* wait-queue entries by the kernel's rules (derived) */
	__u64 approx_regs;	/* calls whose registrations were approximated */
	__u64 bytes_in;		/* user->kernel copies by the kernel's rules (derived) */
	__u64 bytes_out;	/* kernel->user copies (derived) */
	__u64 wakeups;		/* sched_waking of this thread inside the call */
	__u64 sleep_ns;		/* off CPU, asleep (voluntary switch) inside the call */
	__u64 runq_ns;		/* off CPU, preempted but runnable, inside the call */
	__u64 slept_calls;	/* calls that slept at least once */
	__u64 copy_ns;		/* on CPU from the last wakeup to exit (read phase 2) */
	__u64 io_bytes;		/* reads/writes: bytes returned (observed) */
	__u64 data_calls;	/* reads/writes: calls that returned bytes; accepts: fds */
	__u64 reports;		/* fd readiness reports (ready fds returned) */
	__u64 rereports;	/* ... of an fd reported by the previous call, untouched since */
	__u64 unmapped;		/* epoll events whose data maps to no fd we know */
	__u32 hist_examined[LOG2_SLOTS];	/* fds examined per call */
	__u32 hist_oncpu[LOG2_SLOTS];		/* ns on CPU per call */
	__u32 hist[HIST_SLOTS];	/* latency, see HIST_* */
};

/* Wakeups of a traced thread, by the syscall it was in and the waker's stack */
/*
 * The stack is part of the key, not a stack-map id: a stack map loses a
 * stack whose hash bucket another stack holds (-EEXIST), and the wakeup
 * would go unclassified. Wakeups are rare next to syscalls; a 280-byte
 * key costs nothing that matters there.
 */
struct wake_key {
	__u32 sys;		/* enum mux_sys; MUX_OUTSIDE when in no traced call */
	__u32 pad;
	char waker[TASK_COMM_LEN];	/* current at sched_waking */
	__u64 ips[MAX_STACK_DEPTH];	/* kernel stack at sched_waking, 0-padded */
};

/* Readiness history of one fd of the target */
struct fd_key {
	__u32 tgid;
	__s32 fd;
};

struct fd_state {
	__u64 last_call;	/* the thread call sequence that last reported it */
	__u32 last_tid;
	__u32 touched;		/* read/write/accept on it since that report */
	__u64 reports;
	__u64 rereports;
};

/* epoll_event.data registered for an fd, to map returned events to fds */
struct epdata_key {
	__u32 tgid;
	__u32 pad;
	__u64 data;
};

struct err_key {
	__u32 tid;
	__u16 sys;		/* enum mux_sys */
	__u16 err;		/* -ret: errno, or 512..516 for ERESTART* */
};

struct interest_key {
	__u32 tgid;
	__s32 epfd;
};

/*
 * Readiness of the fds closed (or replaced by dup2) while traced: their
 * rows leave the fds map because the number will be reused.
 */
struct closed_fds {
	__u64 fds;
	__u64 reports;
	__u64 rereports;
	__u64 max_rereports;	/* the most re-reported closed fd */
};

/* What iotrace could not record, reported so no loss is silent. */
struct drop_counts {
	__u64 stats_full;	/* stats map full: a call went uncounted */
	__u64 errs_full;	/* errs map full */
	__u64 interest_full;	/* interest map full: an epoll fd untracked */
	__u64 wakes_full;	/* wakes map full: a wakeup uncounted */
	__u64 fds_full;		/* fd readiness map full: an fd untracked */
	__u64 slot_collisions;	/* two threads, one in-flight slot: a call lost */
	__u64 targets_full;	/* targets map full: a forked process not followed */
};

/*
 * The first STATS_SLOTS threads keep their figures in array slots (an
 * inlined lookup, ~90 ns cheaper per call than the hash); later threads,
 * and all with --stats-entries, use the stats hash.
 */
#define STATS_SLOTS		64

/* Processes traced at once (-p PID,PID... and those --follow adds) */
#define MAX_TARGETS		4096
/* targets map values */
#define TARGET_GIVEN		1	/* named by the user, or found at start */
#define TARGET_FORKED		2	/* added by a fork; user space seeds it */

#endif /* IOTRACE_H */
