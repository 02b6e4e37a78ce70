// SPDX-License-Identifier: GPL-2.0
/* -j FILE.gz: the reports write to a FILE; this one compresses through zlib. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include "capture.h"

static ssize_t gz_write(void *cookie, const char *buf, size_t n)
{
	int done = n ? gzwrite(cookie, buf, n) : 0;

	return done > 0 ? done : (n ? -1 : 0);
}

static int gz_close(void *cookie)
{
	return gzclose(cookie) == Z_OK ? 0 : EOF;
}

FILE *gz_fopen_write(const char *path)
{
	cookie_io_functions_t io = { .write = gz_write, .close = gz_close };
	gzFile gz = gzopen(path, "wb6");
	FILE *f;

	if (!gz)
		return NULL;
	f = fopencookie(gz, "w", io);
	if (!f)
		gzclose(gz);
	return f;
}

bool path_is_gz(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}
