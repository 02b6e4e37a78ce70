/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records of -w: what the ring buffer carries and the capture file
 * stores as is (little-endian, doc/capture-format.md). Only fixed-size
 * types: included by the BPF side and the loader.
 */
#ifndef IOTRACE_RECORD_H
#define IOTRACE_RECORD_H

/* kind: below MUX_NR a call of that enum mux_sys; from REC_FORK a process event */
#define REC_FORK		0x100	/* a traced process forked a process */
#define REC_EXEC		0x101	/* a traced thread's exec succeeded */
#define REC_EXIT		0x102	/* a traced thread exited */

/* call flags */
#define REC_RESTARTED		0x01	/* re-entered through restart_syscall */
#define REC_SLEPT		0x02	/* slept at least once inside the call */
/* reads, writes, accepts: 1 + the enum fd_kind of the fd, in bits 2-4 (0: none) */
#define REC_KIND_SHIFT		2
#define REC_KIND_MASK		0x1c

/* One traced call, emitted at its exit after its row was updated. */
struct rec_call {
	__u64 ts;		/* ns, CLOCK_MONOTONIC, at entry */
	__u16 kind;		/* enum mux_sys */
	__u8 flags;		/* REC_* */
	__u8 wakeups;		/* sched_waking inside the call, saturated at 255 */
	__u32 oncpu;		/* ns on CPU, saturated at 2^32 - 1 */
	__u64 dur;		/* ns, entry to exit */
	__u64 asleep;		/* ns off CPU asleep (voluntary switches) */
	__s64 ret;		/* the return value; waits: fds (select: bits) ready */
	__u32 tid;
	__u32 tgid;
	__u32 watched;		/* fds watched, or WATCHED_UNKNOWN */
	__u32 wake_hash;	/* the last waker's stack, hashed (0: not woken) */
};

/* fork, exec, exit */
struct rec_proc {
	__u64 ts;		/* ns, CLOCK_MONOTONIC */
	__u16 kind;		/* REC_FORK, REC_EXEC, REC_EXIT */
	__u16 pad;
	__u32 arg;		/* fork: the child's pid; exit: the exit code */
	__u32 tid;
	__u32 tgid;
	char comm[16];		/* fork: the parent's; exec: the new one; exit: the thread's */
};

/* Ring buffer size while recording: ~0.2 s at 1.45 M calls/s */
#define RECORD_RINGBUF_BYTES	(16u << 20)

#endif
