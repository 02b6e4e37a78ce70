/* SPDX-License-Identifier: GPL-2.0 */
/* The reports: a snapshot and the run's description in, text or JSON out. */
#ifndef IOTRACE_REPORT_H
#define IOTRACE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "fmt.h"
#include "run_info.h"
#include "snapshot.h"

/* The calls of one syscall, with the errno table split into failures and interrupts. */
struct sys_row {
	const struct mux_stats *s;
	__u64 interrupted;
	__u64 failed;
};

void sys_row_of(struct sys_row *r, const struct snapshot *snap, __u32 tid, unsigned int sys,
		const struct mux_stats *s);

/* Kernel internals: work per call, time, wakeups, reads/writes, readiness */
void report_kernel_text(FILE *f, const struct snapshot *snap, const struct run_info *run);
void report_text(FILE *f, const struct snapshot *snap, const struct run_info *run);
void report_interval(FILE *f, const struct snapshot *delta, double secs, bool timestamp);
int report_json(FILE *f, const struct snapshot *snap, const struct run_info *run);
/* --interval-json: one line of counters for [start_s, end_s] (whole: the trace's) */
int report_json_line(FILE *f, const struct snapshot *snap, double start_s, double end_s,
		     bool whole);

#endif
