/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reports: a snapshot and the run's description in, text or JSON out.
 * A figure the run did not measure (collect/measured.h) is "-" in text,
 * null in JSON, empty in HTML.
 */
#ifndef IOTRACE_REPORT_H
#define IOTRACE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "collect/run_info.h"
#include "collect/snapshot.h"
#include "report/fmt.h"

/* The calls of one syscall, with the errno table split into failures and interrupts. */
struct sys_row {
	const struct mux_stats *s;
	__u64 interrupted;
	__u64 failed;
};

void sys_row_of(struct sys_row *r, const struct snapshot *snap, __u32 tid, unsigned int sys,
		const struct mux_stats *s);

/* A traced process: its calls (none: threads 0) and its CPU time (NULL: not read) */
struct process_row {
	struct proc_row p;
	const struct proc_cpu *cpu;
};

/* Processes with calls or CPU figures, by pid; caller frees. */
size_t report_processes(const struct snapshot *snap, const struct run_info *run,
			struct process_row **out);
void report_processes_text(FILE *f, const struct process_row *p, size_t n, bool all,
			   size_t max_rows);
/* "cpu: ..." line: the traced processes' CPU time while traced */
void report_cpu_text(FILE *f, const struct run_info *run);

/* Kernel internals: work per call, time, wakeups, reads/writes, readiness */
void report_kernel_text(FILE *f, const struct snapshot *snap, const struct run_info *run);
/* report_io.c: reads, writes, accepts by syscall and by the kind of file */
void report_io_text(FILE *f, const struct snapshot *snap, const struct run_info *run);
/* report_all.c: every syscall by name, and syscalls per request over all of them */
void report_all_text(FILE *f, const struct snapshot *snap, const struct run_info *run);
void report_text(FILE *f, const struct snapshot *snap, const struct run_info *run);
void report_interval(FILE *f, const struct snapshot *delta, double secs, bool timestamp);
int report_json(FILE *f, const struct snapshot *snap, const struct run_info *run);
/* --interval-json: one line of counters for [start_s, end_s] (whole: the trace's) */
int report_json_line(FILE *f, const struct snapshot *snap, const struct run_info *run,
		     double start_s, double end_s, bool whole);

#endif
