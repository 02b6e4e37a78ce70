/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capture file of -w, read back by -r (doc/capture-format.md): one
 * gzip stream holding a magic and version, then framed records
 * {u32 type, u32 length, payload}: the header, blocks of events, and the
 * final snapshot with the run's description. Little-endian throughout.
 */
#ifndef IOTRACE_CAPTURE_H
#define IOTRACE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <zlib.h>
#include <linux/types.h>
#include "collect/run_info.h"
#include "collect/snapshot.h"

#define CAP_MAGIC		"IOTRCAP\n"
#define CAP_VERSION		1
#define CAP_MAX_RECORD		(64u << 20)	/* a longer record is corruption */
#define CAP_THREADS_CHUNK	1024		/* threads per CAP_THREADS record */
#define CAP_MAX_THREADS		(1u << 20)

enum cap_type {
	CAP_HEADER = 1,		/* tags: what was recorded, how, when */
	CAP_EVENTS = 2,		/* struct rec_call / rec_proc back to back */
	CAP_RUN = 10,		/* tags: struct run_info */
	CAP_THREADS = 11,	/* per thread: ids, comm, present, mux_stats rows; repeats */
	CAP_ERRS = 12,
	CAP_DROPS = 13,		/* struct drop_counts as u64s, in field order */
	CAP_WAKES = 14,		/* wake rows with their stacks */
	CAP_KSYMS = 15,		/* the name of every frame in the wake rows */
	CAP_FDS = 16,
	CAP_CLOSED = 17,
	CAP_EPOLLS = 18,
	CAP_ALLSYS = 19,	/* all_syscalls: u32 n, n x (u32 nr, u64 calls, failed, total_ns) */
	CAP_END = 99,		/* record counts; a file without it is partial */
};

/* Header tags (CAP_HEADER) */
enum cap_hdr_tag {
	HDR_IOTRACE_VERSION = 1,	/* str */
	HDR_KERNEL = 2,			/* str: uname -r */
	HDR_ARGV = 3,			/* strs: the command line, NUL-separated */
	HDR_TARGETS = 4,		/* u32 pids */
	HDR_TARGET_COMM = 5,		/* str: the first target's comm */
	HDR_PROBES = 6,			/* strs: the probes that were live */
	HDR_START_REALTIME = 7,		/* u64 ns since the epoch */
	HDR_START_MONO = 8,		/* u64 ns, CLOCK_MONOTONIC: the events' clock */
	HDR_SYSCALLS = 9,		/* strs: enum mux_sys names, in order */
	HDR_STATS_LAYOUT = 10,		/* fields of struct mux_stats: name, offset, size, n */
	HDR_FOLLOW = 11,		/* u32 0/1 */
	HDR_LAUNCHED = 12,		/* u32 0/1 */
	HDR_LIGHT = 13,			/* u64 0/1: the light programs ran (absent: full) */
	HDR_TIME_EVERY = 14,		/* u64: 1 call in this many timed (absent: 1) */
	HDR_WHY_LIGHT = 15,		/* str: full mode was asked for, did not load: why */
};

/* Run tags (CAP_RUN): struct run_info field by field */
enum cap_run_tag {
	RUN_PID = 1, RUN_COMM, RUN_NPIDS, RUN_LAUNCHED, RUN_WAIT_STATUS, RUN_FOLLOW, RUN_MANY,
	RUN_ELAPSED,		/* the double's bits */
	RUN_END, RUN_SYSCALL_PROBE, RUN_SCHED,
	RUN_LIVE,		/* strs */
	RUN_EXACT, RUN_FENTRY_ERROR, RUN_KPROBE_ERROR,
	RUN_NOT_TRIED,		/* absent: NULL */
	RUN_EXACT_NAME, RUN_EXACT_COUNT,	/* repeated, in order */
	RUN_EPOLL_READ, RUN_EPOLL_FDS, RUN_EPOLL_REGS, RUN_EPOLL_UNREADABLE,
	RUN_END_OTHER_NAME,	/* absent: NULL */
	RUN_CPU,		/* double user_s, double system_s, u32 sources */
	RUN_CPU_UNREAD,
	RUN_PROC_CPU,		/* repeated: u32 pid, char comm[16], then as RUN_CPU */
};

/* Counts at the end (CAP_END) */
struct cap_counts {
	__u64 calls;		/* call records written */
	__u64 calls_dropped;	/* ring buffer full: not recorded (totals exact) */
	__u64 procs;
	__u64 procs_dropped;
};

/* A decoded event: one of the two, by kind */
struct rec_call;
struct rec_proc;

/* What -r read. Strings and rows are owned; capture_free releases them. */
struct capture {
	/* header */
	char version[64];
	char kernel[128];
	char argv[1024];		/* space-separated */
	__u32 targets[64];
	int ntargets;
	char comm[16];
	__u64 start_realtime, start_mono;
	bool follow, launched;
	const char *probes[8];
	char probe_names[8][40];
	struct cap_layout *layout;	/* the recorded struct mux_stats, mapped to ours */
	__u32 stats_size;		/* its size: one row's bytes in CAP_THREADS */
	unsigned int sections;		/* bit per CAP_RUN..CAP_EPOLLS read */
	__u64 *ksym_addrs;		/* CAP_KSYMS, until the snapshot is complete */
	char **ksym_names;
	size_t nksyms;
	/* the final snapshot and run: have_snapshot when all of it was read */
	bool have_snapshot;
	struct run_info run;
	char run_strs[8 + 3][40];	/* live[], syscall_probe, not_tried, end_other */
	char exact_strs[DEEP_NR][40];
	struct snapshot snap;
	bool have_end;
	struct cap_counts counts;
	/* what was read, and where it broke */
	__u64 events, calls, procs;
	__u64 end_ts;			/* the latest end of an event read (ns, the events' clock) */
	__u32 last_snap;		/* the last CAP_RUN..CAP_ALLSYS type read: they come in order */
	bool have_tid;			/* last_tid is set: tids increase through CAP_THREADS */
	__u32 last_tid;
	bool broken;
	const char *why;		/* what did not add up, for the message, or NULL */
	__u64 broken_at;		/* byte offset in the uncompressed stream */
	char error[160];
};

/* Called for each event as it is read: call or proc is set */
struct capture;
typedef void (*capture_event_fn)(void *ctx, const struct capture *c, const struct rec_call *call,
				 const struct rec_proc *proc);

/*
 * Read a capture from fd (a gzip stream, or the same bytes uncompressed);
 * path names it in messages. 0: complete and consistent (each record of a
 * kind once, threads each once, as many events as the end record counts:
 * doc/capture-format.md, Consistency); 1: broken (c->error says where,
 * what came before it is in c); -errno: not a capture at all, or not
 * readable (message printed). Never reads past a record's length, never
 * allocates more than the bytes read justify.
 */
int capture_read_fd(int fd, const char *path, struct capture *c, capture_event_fn fn, void *ctx);
int capture_read(const char *path, struct capture *c, capture_event_fn fn, void *ctx);
void capture_free(struct capture *c);

/* capture_snap.c: the final snapshot's records into c->snap and c->run */
struct cur;
int capture_layout(struct capture *c, struct cur *v);
int capture_snap_record(struct capture *c, __u32 type, struct cur *p);
/* capture_check.c: after a record of rows, each key once; 0, -EINVAL (c->why), -ENOMEM */
int capture_check_rows(struct capture *c, __u32 type);
/* after CAP_END: totals, wake classes, symbol table; have_snapshot */
void capture_snap_finish(struct capture *c);
void capture_snap_free(struct capture *c);

/* The recording's end, seconds from its start: its last event's end, or its duration */
double capture_end_s(const struct capture *c);

/* Writing (capture_write.c): the framing over a gzFile */
struct capbuf {
	unsigned char *p;
	size_t len, cap;
	bool oom;
};

void capbuf_put(struct capbuf *b, const void *data, size_t n);
void capbuf_u32(struct capbuf *b, __u32 v);
void capbuf_u64(struct capbuf *b, __u64 v);
void capbuf_tag(struct capbuf *b, __u16 tag, const void *data, __u32 n);
void capbuf_tag_str(struct capbuf *b, __u16 tag, const char *s);
void capbuf_tag_u64(struct capbuf *b, __u16 tag, __u64 v);
void capbuf_free(struct capbuf *b);
/* zlib's error as -errno: the system's (ENOSPC...) when a write or read failed */
int capture_gz_errno(gzFile gz, int saved_errno);
/* one record {type, len, payload}; 0 or -errno */
int capture_put_record(gzFile gz, __u32 type, const struct capbuf *b);
/* the magic and version */
int capture_put_magic(gzFile gz);
/* the header's layout tags: syscall names and struct mux_stats fields */
void capture_put_layout(struct capbuf *b);
/* the final snapshot and run description, then CAP_END */
int capture_put_final(gzFile gz, const struct snapshot *snap, const struct run_info *run,
		      const struct cap_counts *counts);

#endif
