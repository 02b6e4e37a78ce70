// SPDX-License-Identifier: GPL-2.0
/*
 * --compare operands: a JSON report, the same gzip-compressed (-j FILE.gz),
 * or a recording (-w), which is read as the JSON report its replay prints,
 * plus what only its events know: the busy window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "capture/capture.h"
#include "capture/window.h"
#include "compare/compare.h"
#include "report/report.h"

#define GZ_REPORT_MAX	(256u << 20)	/* as the report reader takes */

static int failed(struct report *r, const char *path, const char *why)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	snprintf(r->error, sizeof(r->error), "%s: %s", path, why);
	return -1;
}

/* The whole (decompressed) file, up to GZ_REPORT_MAX */
static char *read_gz(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 16;
	char *buf = malloc(cap), *nbuf;
	int got;

	*len = 0;
	if (!gz || !buf) {
		if (gz)
			gzclose(gz);
		free(buf);
		return NULL;
	}
	while ((got = gzread(gz, buf + *len, cap - *len)) > 0) {
		*len += got;
		if (*len == cap) {
			nbuf = cap <= GZ_REPORT_MAX ? realloc(buf, cap * 2) : NULL;
			if (!nbuf)
				break;
			buf = nbuf;
			cap *= 2;
		}
	}
	if (got < 0 || *len > GZ_REPORT_MAX) {
		free(buf);
		buf = NULL;
	}
	gzclose(gz);
	return buf;
}

static int open_capture(struct report *r, const char *path, double *busy_s)
{
	struct window w = {};
	struct capture c;
	char *buf = NULL, why[200];
	size_t len = 0;
	FILE *mem;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return failed(r, path, strerror(errno));
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

int compare_open(struct report *r, const char *path, double *busy_s)
{
	unsigned char magic[8] = {};
	char *buf;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	ssize_t got = fd >= 0 ? read(fd, magic, sizeof(magic)) : -1;

	if (fd >= 0)
		close(fd);
	*busy_s = 0;
	/* plain JSON (and any error opening it): the report reader's own messages */
	if (got < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		if (got == sizeof(magic) && !memcmp(magic, CAP_MAGIC, 8))
			return open_capture(r, path, busy_s);
		return report_open(r, path);
	}
	buf = read_gz(path, &len);
	if (!buf)
		return failed(r, path, "unreadable gzip data, or larger than the reader takes");
	if (len >= 8 && !memcmp(buf, CAP_MAGIC, 8)) {
		free(buf);
		return open_capture(r, path, busy_s);
	}
	err = report_parse(r, path, buf, len);
	free(buf);
	return err;
}
