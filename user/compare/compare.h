/* SPDX-License-Identifier: GPL-2.0 */
/* iotrace --compare: JSON reports side by side. */
#ifndef IOTRACE_COMPARE_H
#define IOTRACE_COMPARE_H

#include <stdbool.h>
#include <stdio.h>
#include "report/report_reader.h"

#define COMPARE_MAX	4	/* columns that fit in 80 */
#define COMPARE_CELL	13	/* a cell with its NUL: 12 characters at most */

/* The figures of one report, summed over the syscalls they concern */
struct compare_side {
	const char *path;
	char name[COMPARE_CELL];
	double duration, requests, syscalls, waits, ctl, reads, writes, eagain;
	double watched, watched_calls, ready, examined, scans;
	double bytes_in, bytes_out, oncpu, wakeups, drops, threads;
	const char *main_wait;		/* the wait syscall with the most calls */
	double main_calls, p50, p99;
	double passes;			/* select/poll scan passes (lower bound) */
	double ctl_add, ctl_mod, ctl_del;
	double oncpu_sq;		/* waits: sum of squares of on-CPU per call (ns^2, from
					 * the log2 histogram's slot midpoints): the noise */
	double cpu_s;			/* CPU time of the traced processes; 0: not in the report */
	double busy_s;			/* first to last request (recordings); 0: unknown */
	bool scan_wait, epoll_wait;	/* has select/poll waits; epoll waits */
};

/* compare_capture.c: open a report or a recording (-w) as a report; 0 or -1 (error set) */
int compare_open(struct report *r, const char *path, double *busy_s);
/* compare_findings.c: one line per finding, computed from the figures */
void compare_findings(FILE *f, const struct compare_side *s, int n);

/* Read the figures of a report; 0, or -1 with r->error set. */
int compare_load(struct compare_side *s, struct report *r);
/* The rows of the table, and the cell of one side in one row. */
int compare_rows(void);
const char *compare_label(int row);
void compare_cell(char cell[COMPARE_CELL], const struct compare_side *s, int row);

/* compare_html.c: the compare table, bars per request and the findings. 0 or 1 */
int compare_html(const char *path, const struct compare_side *s, int n);

/* Print the table (and with html, write its page); 0, or 1 after a one-line error. */
int compare_reports(char **paths, int n, const char *html);

#endif
