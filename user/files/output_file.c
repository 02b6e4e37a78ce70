// SPDX-License-Identifier: GPL-2.0
/*
 * The output file (see output_file.h): a regular file is replaced whole or
 * not at all; a FIFO or a device is written in place and never removed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "files/output_file.h"

static int open_failed(const char *path, int err)
{
	fprintf(stderr, "iotrace: failed to open %s: %s\n", path, strerror(err));
	return -1;
}

/* The temporary file "DEST.partial-XXXXXX", with the mode (and owner) DEST has or would get */
static int open_temporary(struct out_file *o, const struct stat *old, bool gz)
{
	mode_t mask = umask(0);
	int fd, err;

	umask(mask);
	if (snprintf(o->tmp, sizeof(o->tmp), "%s.partial-XXXXXX", o->dest) >= (int)sizeof(o->tmp)) {
		o->tmp[0] = '\0';
		return open_failed(o->path, ENAMETOOLONG);
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		err = errno;
		o->tmp[0] = '\0';
		return open_failed(o->path, err);
	}
	if (old) {
		/* as fopen("w") would: keep the owner and mode of the file replaced */
		if (fchown(fd, old->st_uid, old->st_gid) && errno != EPERM) {
			err = errno;
			close(fd);
			out_file_discard(o);
			return open_failed(o->path, err);
		}
		fchmod(fd, old->st_mode & 07777);
	} else {
		fchmod(fd, 0666 & ~mask);
	}
	o->f = gz ? gz_fdopen_write(fd, true) : fdopen(fd, "w");
	if (!o->f) {
		err = errno;
		if (!gz)	/* gz_fdopen_write took it over */
			close(fd);
		out_file_discard(o);
		return open_failed(o->path, err);
	}
	return 0;
}

/* A FIFO, a device, /dev/stdout, a dangling symlink: written as it is, never removed */
static int open_in_place(struct out_file *o, bool gz)
{
	FILE *f = fopen(o->path, "w");
	int fd;

	if (f && gz) {
		fd = dup(fileno(f));
		fclose(f);
		f = fd >= 0 ? gz_fdopen_write(fd, false) : NULL;
	}
	o->f = f;
	return f ? 0 : open_failed(o->path, errno ? errno : ENOMEM);
}

int out_file_open(struct out_file *o, const char *path, bool gz)
{
	struct stat st;
	bool exists;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!path)
		return 0;
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return open_failed(path, errno);
	if (!exists && !lstat(path, &st))
		return open_in_place(o, gz);	/* a dangling symlink: creates its target */
	if (exists && !S_ISREG(st.st_mode))
		return open_in_place(o, gz);
	if (exists && access(path, W_OK))
		return open_failed(path, errno);
	/* a symlink to a file: replace the file, keep the link */
	if (exists ? !realpath(path, o->dest) :
	    snprintf(o->dest, sizeof(o->dest), "%s", path) >= (int)sizeof(o->dest))
		return open_failed(path, exists ? errno : ENAMETOOLONG);
	return open_temporary(o, exists ? &st : NULL, gz);
}

int out_file_commit(struct out_file *o)
{
	int err = 0;

	if (!o->f)
		return 0;
	errno = 0;
	if (fflush(o->f) || ferror(o->f) ||
	    (o->tmp[0] && fileno(o->f) >= 0 && fsync(fileno(o->f))))
		err = errno ? errno : EIO;
	if (o->f == stdout) {
		if (err)
			__fpurge(stdout);	/* exit() would try the same write again */
	} else if (fclose(o->f) && !err) {
		err = errno ? errno : EIO;
	}
	o->f = NULL;
	if (!err && o->tmp[0] && rename(o->tmp, o->dest))
		err = errno;
	if (err) {
		fprintf(stderr, "iotrace: failed to write %s: %s\n", o->path, strerror(err));
		out_file_discard(o);
		return -1;
	}
	o->tmp[0] = '\0';
	return 0;
}

void out_file_discard(struct out_file *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);		/* ours: created by this run */
	o->tmp[0] = '\0';
}
