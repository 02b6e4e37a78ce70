// SPDX-License-Identifier: GPL-2.0
/*
 * --compare operands: a JSON report, the same gzip-compressed (-j FILE.gz),
 * or a recording (-w), which is read as the JSON report its replay prints,
 * plus what only its events know: the busy window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"
#include "capture/window.h"
#include "compare/compare.h"
#include "files/input_file.h"
#include "report/report.h"

static int failed(struct report *r, const char *path, const char *why)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	snprintf(r->error, sizeof(r->error), "%s: %s", path, why);
	return -1;
}

/* As the report reader says it: "cannot read DIR: Is a directory" */
static int cannot_read(struct report *r, const char *path, const char *why)
{
	failed(r, path, why);
	snprintf(r->error, sizeof(r->error), "cannot read %s: %s", path, why);
	return -1;
}

/* The recording, read from the fd the input hands over (peeked bytes first) */
static int open_capture(struct report *r, struct in_file *in, double *busy_s)
{
	const char *path = in->path;
	struct window w = {};
	struct capture c;
	char *buf = NULL, why[200];
	size_t len = 0;
	FILE *mem;
	int fd = in_file_fd(in), err;

	if (fd < 0)
		return failed(r, path, in->why);
	if (capture_read_fd(fd, path, &c, window_event, &w) < 0)
		return failed(r, path, "not a readable recording");
	if (c.broken || !c.have_snapshot) {
		snprintf(why, sizeof(why), "%s: a partial recording is not compared",
			 c.broken ? c.error : "no final snapshot");
		window_free(&w);
		capture_free(&c);
		return failed(r, path, why);
	}
	if (w.req_last > w.req_first)
		*busy_s = (w.req_last - w.req_first) / 1e9;
	mem = open_memstream(&buf, &len);
	err = !mem || report_json(mem, &c.snap, &c.run);
	if (mem && fclose(mem))
		err = 1;
	window_free(&w);
	capture_free(&c);
	if (err) {
		free(buf);
		return failed(r, path, "failed to build its report");
	}
	err = report_parse(r, path, buf, len);
	free(buf);
	return err;
}

/*
 * Each operand is opened once and read once, from the stream: what is read
 * to tell a recording from a report is read again by the reader it goes
 * to, so stdin ("-"), a pipe, a FIFO or <(...) works as a file does.
 */
int compare_open(struct report *r, const char *path, double *busy_s)
{
	unsigned char magic[8] = {};
	struct in_file in;
	ssize_t got;
	int err;

	*busy_s = 0;
	if (in_file_open(&in, path))
		return cannot_read(r, path, strerror(errno));
	/* decompressed when gzip: a recording (-w) is gzip, a report may be (-j FILE.gz) */
	got = in_file_peek(&in, magic, sizeof(magic));
	if (got < 0)
		err = cannot_read(r, path, in.why);
	else if (got == sizeof(magic) && !memcmp(magic, CAP_MAGIC, sizeof(magic)))
		err = open_capture(r, &in, busy_s);
	else
		err = report_read(r, &in);
	in_file_close(&in);
	return err;
}
