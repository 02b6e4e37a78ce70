// SPDX-License-Identifier: GPL-2.0
/* -j FILE.gz: the reports write to a FILE; this one compresses through zlib. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "files/output_file.h"

struct gz_cookie {
	gzFile gz;
	int sync_fd;		/* a dup of the file's fd, to fsync after the trailer */
};

static ssize_t gz_write(void *cookie, const char *buf, size_t n)
{
	struct gz_cookie *c = cookie;
	int done = n ? gzwrite(c->gz, buf, n) : 0;

	return done > 0 ? done : (n ? -1 : 0);
}

/* The trailer, then the data on disk: the file is complete when this returns 0 */
static int gz_close(void *cookie)
{
	struct gz_cookie *c = cookie;
	int err = gzclose(c->gz) != Z_OK;

	if (c->sync_fd >= 0) {
		err |= fsync(c->sync_fd) != 0;
		close(c->sync_fd);
	}
	free(c);
	return err ? EOF : 0;
}

static FILE *gz_file(gzFile gz, int sync_fd)
{
	cookie_io_functions_t io = { .write = gz_write, .close = gz_close };
	struct gz_cookie *c = malloc(sizeof(*c));
	FILE *f = NULL;

	if (c) {
		*c = (struct gz_cookie){ .gz = gz, .sync_fd = sync_fd };
		f = fopencookie(c, "w", io);
	}
	if (!f) {
		free(c);
		gzclose(gz);
		if (sync_fd >= 0)
			close(sync_fd);
	}
	return f;
}

FILE *gz_fdopen_write(int fd, bool sync)
{
	int sync_fd = sync ? dup(fd) : -1;
	gzFile gz = gzdopen(fd, "wb6");

	if (!gz) {
		if (sync_fd >= 0)
			close(sync_fd);
		close(fd);
		return NULL;
	}
	return gz_file(gz, sync_fd);
}

bool path_is_gz(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}
