/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the reports go and whether they got there: a write that fails is an
 * error, and the JSON file is replaced only by a complete report.
 */
#ifndef IOTRACE_OUTPUT_H
#define IOTRACE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "files/output_file.h"

/*
 * A JSON output (-j, --interval-json, --check -j): an output file
 * (files/output_file.h), written gzip-compressed when its name ends in .gz.
 */
struct json_out {
	struct out_file out;
	FILE *f;		/* what the JSON goes to: out.f; NULL without a path */
};

/* No path: nothing to do. 0, or -1 after a one-line error. */
int json_out_open(struct json_out *j, const char *path);
/* The report is written: flush, close, rename into place. 0 or -1 (error printed). */
int json_out_commit(struct json_out *j);
/* Not committed: remove the temporary file (never a file it did not create). Safe twice. */
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

#endif
