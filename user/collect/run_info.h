/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run described as plain data: what was traced, for how long, how it
 * ended, which probes measured it. main fills it (trace/describe.c); the
 * reports read only this and the snapshot, never the loader's own
 * structures.
 */
#ifndef IOTRACE_RUN_INFO_H
#define IOTRACE_RUN_INFO_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "deep.h"

enum run_end {
	RUN_END_DURATION,	/* -d elapsed */
	RUN_END_SIGINT,		/* Ctrl-C */
	RUN_END_SIGTERM,
	RUN_END_EXITED,		/* the target (with several: every target) exited */
	RUN_END_OTHER,		/* another signal, or stdout failed: end_other says */
};

/* The optional fentry/kprobe layer with exact kernel counts */
enum exact_state {
	EXACT_FENTRY,		/* live through fentry */
	EXACT_KPROBE,		/* live through kprobes (fentry failed: fentry_error) */
	EXACT_FAILED,		/* both refused: fentry_error, kprobe_error */
	EXACT_NOT_TRIED,	/* not_tried says why */
};

/* Where a CPU time figure comes from (bits of cpu_use.sources) */
enum cpu_source {
	CPU_PROC,		/* /proc/PID/stat at the start and at the end (or at exit) */
	CPU_PROC_BEFORE_EXIT,	/* the last read before it exited and was reaped: lower bound */
	CPU_RUSAGE,		/* the launched command's rusage when we reaped it */
	CPU_SOURCE_NR,
};

struct cpu_use {
	double user_s, system_s;
	unsigned int sources;		/* bit per enum cpu_source; 0: nothing read */
};

struct proc_cpu {
	pid_t pid;
	char comm[16];
	struct cpu_use cpu;
};

struct run_info {
	/* what was traced */
	pid_t pid;			/* the launched command, or the first -p */
	char comm[16];
	int npids;			/* processes named (1 when launched) */
	bool launched;			/* -- CMD */
	int wait_status;		/* launched and reaped: its wait status; else -1 */
	bool follow;			/* -f: their children too */
	bool many;			/* several processes (-p A,B or -f) */

	/* how long and how it ended */
	double elapsed_s;
	enum run_end end;
	const char *end_other;		/* RUN_END_OTHER: "SIGHUP", "stdout closed" ... */

	/* the probes that measured it */
	const char *syscall_probe;	/* "tp_btf" or "raw_tp" */
	bool sched;			/* sched_switch+waking: time asleep, wakeups */
	const char *live[8];		/* attached probe names, NULL-terminated */
	enum exact_state exact;
	char fentry_error[64];		/* why fentry did not attach ("" if it did) */
	char kprobe_error[64];
	const char *not_tried;		/* EXACT_NOT_TRIED: why */
	const char *exact_names[DEEP_NR];
	__u64 exact_counts[DEEP_NR];	/* EXACT_FENTRY, EXACT_KPROBE */

	/* epoll state read from /proc (attached, or forks followed) */
	bool epoll_read;
	unsigned int epoll_fds;		/* per process that holds one */
	unsigned int epoll_registrations;
	unsigned int epoll_unreadable;

	/* CPU time of the traced processes while traced */
	struct cpu_use cpu;		/* all of them */
	struct proc_cpu *cpus;		/* each, by pid */
	size_t ncpus;
	unsigned int cpu_unread;	/* forked and gone before any reading */

	/* what the text report shows */
	bool all_threads;		/* --threads */
	bool stacks;			/* --stacks */
	bool light;			/* --light: what it leaves out, collect/measured.h says */
	unsigned int time_every;	/* 1 call in this many timed (--light) */
	char why_light[200];		/* full mode was asked for, did not load: why */

	/* -r: what the figures cover (set by the replay, read by every report) */
	bool from_events;		/* rebuilt from the recorded events, not the final snapshot */
	bool windowed;			/* --from/--to: a window of the recording */
	double window_from_s, window_to_s;	/* seconds from its start, when windowed */
};

void run_info_free(struct run_info *run);

/* "proc", "rusage", "proc_before_exit", or several joined by "+" */
const char *cpu_source_name(unsigned int sources, char *buf, size_t len);
/* The process's CPU figures, or NULL */
const struct proc_cpu *run_cpu_of(const struct run_info *run, pid_t pid);

/* "duration", "Ctrl-C", "SIGTERM", "target exited" / "targets exited" */
const char *run_end_name(const struct run_info *run);
static inline bool run_exact_live(const struct run_info *run)
{
	return run->exact == EXACT_FENTRY || run->exact == EXACT_KPROBE;
}

#endif
