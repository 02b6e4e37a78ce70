// SPDX-License-Identifier: GPL-2.0
/*
 * Output that fails is an error, never a silent exit 0; the JSON report is
 * an output file (files/output_file.h), so an interrupted or failed run
 * never leaves a truncated file over an earlier report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report/output.h"

static bool stdout_lost;	/* the final report went to stderr instead */

int json_out_open(struct json_out *j, const char *path)
{
	int err = out_file_open(&j->out, path, path && path_is_gz(path));

	j->f = j->out.f;
	return err;
}

int json_out_commit(struct json_out *j)
{
	int err;

	/* stdout: report_json flushed and checked it, and said so */
	if (j->f == stdout)
		return 0;
	err = out_file_commit(&j->out);
	j->f = NULL;
	return err;
}

void json_out_discard(struct json_out *j)
{
	out_file_discard(&j->out);
	j->f = NULL;
}

int output_flush(FILE *f, const char *what)
{
	bool earlier = ferror(f);

	errno = 0;
	if (fflush(f) == 0 && !earlier)
		return 0;
	fprintf(stderr, "iotrace: failed to write %s: %s\n", what,
		errno ? strerror(errno) : "an earlier write failed");
	__fpurge(f);	/* exit() would try the same write again */
	return -1;
}

bool output_failed(FILE *f)
{
	return ferror(f);
}

/* A pipe or socket whose reader has gone: writing gets EPIPE. */
static bool reader_gone(FILE *f)
{
	struct pollfd p = { .fd = fileno(f), .events = POLLOUT };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

const char *output_failure_reason(FILE *f)
{
	return reader_gone(f) ? "stdout closed" : "output error";
}

FILE *output_text_stream(FILE *f)
{
	if (f != stdout || !reader_gone(stdout))
		return f;
	stdout_lost = true;
	fprintf(stderr, "iotrace: failed to write to stdout: %s; the report follows on stderr\n",
		strerror(EPIPE));
	__fpurge(stdout);
	return stderr;
}

int output_finish(FILE *text)
{
	if (stdout_lost)
		return -1;
	return text == stdout ? output_flush(stdout, "the report") : 0;
}
