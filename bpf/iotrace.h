/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structures shared by the kernel side (iotrace.bpf.c) and the loader.
 * Only fixed-size types: this header is included by both worlds.
 */
#ifndef IOTRACE_H
#define IOTRACE_H

#define TASK_COMM_LEN		16

/*
 * The syscalls iotrace aggregates; epoll_ctl is split by operation. The IO
 * around the waits keeps the real syscall (nginx never calls read(2)).
 */
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
	/* reads: data in from the fd */
	MUX_READ,
	MUX_READV,
	MUX_PREAD64,
	MUX_RECVFROM,
	MUX_RECVMSG,
	/* writes: data out to the fd (sendfile, splice: the fd written to) */
	MUX_WRITE,
	MUX_WRITEV,
	MUX_SENDTO,
	MUX_SENDMSG,
	MUX_SENDFILE,
	MUX_SPLICE,
	/* accepts: new connections */
	MUX_ACCEPT,
	MUX_ACCEPT4,
	MUX_URING,		/* io_uring_enter: submit and wait for completions */
	MUX_OUTSIDE,		/* no traced call: only wakeups are counted */
	MUX_NR,
	MUX_NONE = 0xff,
};

/* The kind of file behind an IO call's fd, read from the kernel's file table */
enum fd_kind {
	FD_SOCKET,
	FD_FILE,		/* a regular file */
	FD_PIPE,		/* a pipe or FIFO */
	FD_EVENTFD,
	FD_OTHER,		/* tty, device, timerfd, a closed fd ... */
	FD_KIND_NR,
};

/*
 * Facts that depend on the order of enum mux_sys, defined here once for
 * both the BPF programs and the reports: reorder the enum, fix only these.
 */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* select, pselect6, poll, ppoll: the kernel scans every watched fd */
static __always_inline int is_scan(unsigned int sys)
{
	return sys <= MUX_PPOLL;
}

static __always_inline int is_epoll_wait(unsigned int sys)
{
	return sys >= MUX_EPOLL_WAIT && sys <= MUX_EPOLL_PWAIT2;
}

/* the waits: every select, poll and epoll_wait flavour */
static __always_inline int is_wait(unsigned int sys)
{
	return sys <= MUX_EPOLL_PWAIT2;
}

static __always_inline int is_epoll_ctl(unsigned int sys)
{
	return sys >= MUX_EPOLL_CTL_ADD && sys <= MUX_EPOLL_CTL_BADOP;
}

/*
 * The bytes it copies need user memory read (select's sigmask pack, a
 * timeout's value): --light leaves them out. poll's and epoll's follow
 * from the arguments alone.
 */
static __always_inline int copies_read_user(unsigned int sys)
{
	return sys == MUX_SELECT || sys == MUX_PSELECT6 || sys == MUX_PPOLL;
}

/* the multiplexer's own calls: waits and epoll_ctl */
static __always_inline int is_mux(unsigned int sys)
{
	return is_wait(sys) || is_epoll_ctl(sys);
}

static __always_inline int is_read(unsigned int sys)
{
	return sys >= MUX_READ && sys <= MUX_RECVMSG;
}

static __always_inline int is_write(unsigned int sys)
{
	return sys >= MUX_WRITE && sys <= MUX_SPLICE;
}

static __always_inline int is_accept(unsigned int sys)
{
	return sys == MUX_ACCEPT || sys == MUX_ACCEPT4;
}

/* reads, writes and accepts: the IO around the waits */
static __always_inline int is_io(unsigned int sys)
{
	return sys >= MUX_READ && sys <= MUX_ACCEPT4;
}

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

/*
 * Per thread and syscall; only the owning thread writes it. The field list
 * is written once: the struct, merge, subtract and the readers all expand
 * MUX_STATS_FIELDS, so a new field cannot be left out of any of them.
 *   F(type, name, how)        a scalar
 *   A(type, name, n, how)     an array of n
 * how: SUM (counters: merged by adding, subtracted between snapshots),
 *      MAX / MIN (extremes: merged as such, kept as the later value),
 *      ID (identity: tid, tgid, comm; never merged).
 */
#define MUX_STATS_FIELDS(F, A)						\
	F(__u64, calls, SUM)		/* completed calls (entry and exit seen) */ \
	F(__u64, errors, SUM)		/* ret < 0, interrupts included; by errno in errs */ \
	F(__u64, timeouts, SUM)		/* ret == 0 for the waiting syscalls */ \
	F(__u64, lat_total, SUM)	/* ns */ \
	F(__u64, lat_max, MAX)		/* ns */ \
	F(__u64, watched_total, SUM)	/* fds watched, summed over watched_calls */ \
	F(__u64, watched_calls, SUM)	/* calls whose fds watched is known */ \
	F(__u64, ready_total, SUM)	/* sum of ret > 0: fds (select: bits) ready */ \
	F(__u64, restarts, SUM)		/* calls re-entered through restart_syscall */ \
	F(__u32, watched_min, MIN)	/* WATCHED_UNKNOWN: none known yet */ \
	F(__u32, watched_max, MAX)					\
	F(__u32, ready_max, MAX)					\
	F(__u32, unreadable, SUM)	/* fd sets / pollfd arrays we failed to read */ \
	F(__u32, unknown_interest, SUM)	/* epoll waits on an epoll fd of unknown size */ \
	F(__u32, tgid, ID)						\
	F(__u32, tid, ID)						\
	F(__u32, pad, ID)						\
	A(char, comm, TASK_COMM_LEN, ID)				\
	/* kernel internals (select/poll/epoll unless noted) */		\
	F(__u64, passes, SUM)		/* select/poll scan passes: 1 + wakeups, lower bound */ \
	F(__u64, examined, SUM)		/* fds examined: watched x passes (derived) */ \
	F(__u64, registrations, SUM)	/* wait-queue entries by the kernel's rules (derived) */ \
	F(__u64, approx_regs, SUM)	/* calls whose registrations were approximated */ \
	F(__u64, bytes_in, SUM)		/* user->kernel copies by the kernel's rules (derived) */ \
	F(__u64, bytes_out, SUM)	/* kernel->user copies (derived) */ \
	F(__u64, wakeups, SUM)		/* sched_waking of this thread inside the call */ \
	F(__u64, sleep_ns, SUM)		/* off CPU, asleep (voluntary switch) inside the call */ \
	F(__u64, runq_ns, SUM)		/* off CPU, preempted but runnable, inside the call */ \
	F(__u64, slept_calls, SUM)	/* calls that slept at least once */ \
	F(__u64, copy_ns, SUM)		/* on CPU from the last wakeup to exit (read phase 2) */ \
	F(__u64, io_bytes, SUM)		/* reads/writes: bytes returned (observed) */ \
	F(__u64, data_calls, SUM)	/* reads/writes: calls that returned bytes; accepts: fds */ \
	A(__u64, kind_calls, FD_KIND_NR, SUM)	/* IO calls by enum fd_kind */ \
	A(__u64, kind_data, FD_KIND_NR, SUM)	/* ... that returned bytes (accepts: fds) */ \
	A(__u64, kind_bytes, FD_KIND_NR, SUM)	/* ... their bytes */ \
	F(__u64, reports, SUM)		/* fd readiness reports (ready fds returned) */ \
	F(__u64, rereports, SUM)	/* ... of an fd reported by the previous call, untouched since */ \
	F(__u64, unmapped, SUM)		/* epoll events whose data maps to no fd we know */ \
	/* S7/P1, observed: what the kernel wrote back into the caller's memory */ \
	F(__u64, rewrite_calls, SUM)	/* select/poll calls whose args were re-read at exit */ \
	F(__u64, set_bits_in, SUM)	/* select: bits set in the 3 sets at entry */ \
	F(__u64, set_bits_out, SUM)	/* select: bits set in the 3 sets at exit */ \
	F(__u64, tmo_rewritten, SUM)	/* select: calls whose timeout changed at exit */ \
	F(__u64, tmo_left_ns, SUM)	/* select: time left, as read back at exit */ \
	F(__u64, revents_set, SUM)	/* poll: entries with revents != 0 at exit */ \
	F(__u64, events_kept, SUM)	/* poll: entries whose events were unchanged at exit */ \
	F(__u64, pollfds_reread, SUM)	/* poll: entries re-read at exit */ \
	/* --light: calls not timed (0 in full mode): latency is of the others */ \
	F(__u64, untimed_calls, SUM)					\
	F(__u64, untimed_off_ns, SUM)	/* ... their time asleep + preempted */ \
	A(__u32, hist_examined, LOG2_SLOTS, SUM)	/* fds examined per call */ \
	A(__u32, hist_oncpu, LOG2_SLOTS, SUM)	/* ns on CPU per call */ \
	A(__u32, hist, HIST_SLOTS, SUM)	/* latency, see HIST_* */

#define MUX_STATS_FIELD(type, name, how)	type name;
#define MUX_STATS_ARRAY(type, name, n, how)	type name[n];
struct mux_stats {
	MUX_STATS_FIELDS(MUX_STATS_FIELD, MUX_STATS_ARRAY)
};
#undef MUX_STATS_FIELD
#undef MUX_STATS_ARRAY

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

/*
 * Every syscall of the traced processes, by number (all_syscalls): a
 * per-CPU array indexed by the x86_64 syscall number, summed by the
 * loader. Numbers from SYSCALL_NR_OTHER up (none today) share its slot.
 */
#define SYSCALL_SLOTS		512
#define SYSCALL_NR_OTHER	(SYSCALL_SLOTS - 1)

/*
 * --light times 1 call in this many (a power of two). A timed call costs two
 * clock reads (~60 ns each on the reference VM, bench section 11): at 1 in
 * 16 that is ~6 ns a call; at 1 in 8 --light sat at 1.25x the floor.
 */
#define LIGHT_TIME_EVERY	16
#define LIGHT_TIME_EVERY_STR	"16"

struct sys_count {
	__u64 calls;		/* completed: entry and exit seen */
	__u64 failed;		/* returned -4095..-1 (an errno or a restart code) */
	__u64 total_ns;		/* entry to exit, summed over the timed calls */
	__u64 untimed;		/* --light: calls whose clock was not read */
};

/* Processes traced at once (-p PID,PID... and those --follow adds) */
#define MAX_TARGETS		4096
/*
 * Several traced processes: their tgids as bits too (traced_bits), one
 * word per 64 tgids up to PID_MAX_LIMIT (4M on 64-bit), 512 KiB.
 */
#define TRACED_WORDS		65536
/*
 * targ_tgid with several targets: none. Their tgids are only bits, which
 * the loader clears when a process is gone, so a pid reused by an
 * unrelated process is not traced (a constant could not be cleared).
 * Not 0: that is the idle task's tgid at sched_switch.
 */
#define NO_TGID			0xffffffffu
/* targets map values */
#define TARGET_GIVEN		1	/* named by the user, or found at start */
#define TARGET_FORKED		2	/* added by a fork; user space seeds it */

#endif /* IOTRACE_H */
