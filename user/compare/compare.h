/* SPDX-License-Identifier: GPL-2.0 */
/* iotrace --compare: JSON reports side by side. */
#ifndef IOTRACE_COMPARE_H
#define IOTRACE_COMPARE_H

#include <stdbool.h>
#include <stdio.h>
#include "collect/measured.h"
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
	bool poll_wait;			/* has poll/ppoll waits */
	bool p_known;			/* the main wait's percentiles: some call timed */
	bool oncpu_known;		/* every wait with calls had a timed call (--light) */

	/* how it was measured (compare_mode.c): mode, sampling, span */
	struct run_info run;		/* mode, time_every, sched, window, as the report says */
	bool missing[FIG_NR];		/* figures it did not measure: never a finding */
};

/* compare_capture.c: open a report or a recording (-w) as a report; 0 or -1 (error set) */
int compare_open(struct report *r, const char *path, double *busy_s);
/* compare_findings.c: one line per finding, computed from the figures */
void compare_findings(FILE *f, const struct compare_side *s, int n);

/* Read the figures of a report; 0, or -1 with r->error set. */
int compare_load(struct compare_side *s, struct report *r);
/* The table's rows, in order */
enum compare_row {
	R_FILE, R_TARGET, R_MODE, R_DURATION, R_THREADS, R_REQUESTS, R_RATE_CPU, R_RATE_BUSY,
	R_SYSCALLS, R_WAITS, R_CTL, R_READS, R_WRITES, R_EAGAIN, R_MAIN, R_P50, R_P99,
	R_WATCHED, R_READY, R_EXAMINED, R_BYTES_IN, R_BYTES_OUT, R_ONCPU,
	R_WAKEUPS, R_DROPS, R_NR,
};

/* The rows of the table, and the cell of side i of the n in one row ("-": not measured) */
int compare_rows(void);
const char *compare_label(int row);
void compare_cell(char cell[COMPARE_CELL], const struct compare_side *s, int n, int i, int row);

/* compare_mode.c: how a report measured (mode, sampling, window, not_measured); 0 or -1 */
int compare_load_mode(struct compare_side *s, struct report *r);
/* "full", "light(1/16)", "full+window": the column's mode */
void compare_mode_cell(char cell[COMPARE_CELL], const struct compare_side *s);
/* Side i measured the figure of row otherwise than another side did: how, else NULL */
const char *compare_differs(const struct compare_side *s, int n, int i, int row, char *buf,
			    size_t len);
/* The lines under the table: which cells ("~") were measured otherwise, and how */
void compare_notes(FILE *f, const struct compare_side *s, int n);
/* say(): one line per finding, "- " and wrapped under 80 columns */
void compare_say(FILE *f, const char *first, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The figure a row rests on (FIG_NR: none), and whether side s lacks it */
enum figure compare_row_figure(int row);
bool compare_missing(const struct compare_side *s, int row);

/* compare_html.c: the compare table, bars per request and the findings. 0 or 1 */
int compare_html(const char *path, const struct compare_side *s, int n);

/* Print the table (and with html, write its page); 0, or 1 after a one-line error. */
int compare_reports(char **paths, int n, const char *html);

#endif
