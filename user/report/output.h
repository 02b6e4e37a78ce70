/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the reports go and whether they got there: a write that fails is an
 * error, and the JSON file is replaced only by a complete report.
 */
#ifndef IOTRACE_OUTPUT_H
#define IOTRACE_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct json_out {
	const char *path;	/* as given to -j */
	FILE *f;		/* stdout for "-", else the temporary file */
	char tmp[PATH_MAX];	/* written here, renamed over path when complete */
	char dest[PATH_MAX];	/* path, symlinks resolved */
};

/*
 * -j PATH: "-" is stdout; a regular file (or a new one) is written to a
 * temporary file beside it, so a report already there survives until the
 * new one is complete; anything else (a FIFO, /dev/...) is opened as is.
 * No path: nothing to do. 0, or -1 after a one-line error.
 */
int json_out_open(struct json_out *j, const char *path);
/* The report is written: flush, close, rename into place. 0 or -1 (error printed). */
int json_out_commit(struct json_out *j);
/* Not committed: remove the temporary file. Safe to call twice. */
void json_out_discard(struct json_out *j);

/* Flush f and check every earlier write; -1 after "failed to write WHAT: ..." */
int output_flush(FILE *f, const char *what);
/* A write to f failed (e.g. EPIPE from an interval summary). */
bool output_failed(FILE *f);
/* Why tracing ends after output_failed(stdout): "stdout closed" or "output error". */
const char *output_failure_reason(FILE *f);
/*
 * The stream for the final text report: f, or stderr when f is stdout and
 * its reader is gone (so the report is not lost; the exit status is 1).
 */
FILE *output_text_stream(FILE *f);
/* At exit, with the stream of the text report: 0, or -1 if stdout was lost
 * or a write to it failed (error printed). */
int output_finish(FILE *text);

/* output_gz.c: a FILE that writes gzip (for -j FILE.gz) */
FILE *gz_fopen_write(const char *path);
/* the same on an open fd (taken over; fsync'd on fclose) */
FILE *gz_fdopen_write(int fd);
bool path_is_gz(const char *path);

#endif
