// SPDX-License-Identifier: GPL-2.0
/*
 * Output that fails is an error, never a silent exit 0; the JSON report is
 * written beside its destination and renamed into place, so an interrupted
 * or failed run never leaves a truncated file over an earlier report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report/output.h"

static bool stdout_lost;	/* the final report went to stderr instead */

static int open_failed(const char *path, int err)
{
	fprintf(stderr, "iotrace: failed to open %s: %s\n", path, strerror(err));
	return -1;
}

/* The temporary file "DEST.partial-XXXXXX", with the mode (and owner) DEST has or would get */
static int open_temporary(struct json_out *j, const struct stat *old)
{
	mode_t mask = umask(0);
	int fd, err;

	umask(mask);
	if (snprintf(j->tmp, sizeof(j->tmp), "%s.partial-XXXXXX", j->dest) >= (int)sizeof(j->tmp))
		return open_failed(j->path, ENAMETOOLONG);
	fd = mkstemp(j->tmp);
	if (fd < 0) {
		err = errno;
		j->tmp[0] = '\0';
		return open_failed(j->path, err);
	}
	if (old) {
		/* as fopen("w") would: keep the owner and mode of the report replaced */
		if (fchown(fd, old->st_uid, old->st_gid) && errno != EPERM)
			return open_failed(j->path, errno);
		fchmod(fd, old->st_mode & 07777);
	} else {
		fchmod(fd, 0666 & ~mask);
	}
	/* -j FILE.gz: the report gzip-compressed (a cookie FILE, no fileno) */
	j->f = path_is_gz(j->dest) ? gz_fdopen_write(fd) : fdopen(fd, "w");
	if (!j->f) {
		err = errno;
		close(fd);
		json_out_discard(j);
		return open_failed(j->path, err);
	}
	return 0;
}

int json_out_open(struct json_out *j, const char *path)
{
	struct stat st;
	bool exists;

	memset(j, 0, sizeof(*j));
	j->path = path;
	if (!path)
		return 0;
	if (!strcmp(path, "-")) {
		j->f = stdout;
		return 0;
	}
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return open_failed(path, errno);
	if (exists && !S_ISREG(st.st_mode)) {
		/* a FIFO or a device (/dev/stdout): nothing to replace, write to it */
		j->f = fopen(path, "w");
		return j->f ? 0 : open_failed(path, errno);
	}
	if (exists && access(path, W_OK))
		return open_failed(path, errno);
	/* a symlink to a report: replace the report, keep the link */
	if (exists ? !realpath(path, j->dest) :
	    snprintf(j->dest, sizeof(j->dest), "%s", path) >= (int)sizeof(j->dest))
		return open_failed(path, exists ? errno : ENAMETOOLONG);
	return open_temporary(j, exists ? &st : NULL);
}

int json_out_commit(struct json_out *j)
{
	int err = 0;

	if (!j->f || j->f == stdout)
		return 0;	/* stdout: report_json flushed and checked it */
	if (fflush(j->f) || ferror(j->f) ||
	    (j->tmp[0] && fileno(j->f) >= 0 && fsync(fileno(j->f))))
		err = errno ? errno : EIO;
	if (fclose(j->f) && !err)
		err = errno;
	j->f = NULL;
	if (!err && j->tmp[0] && rename(j->tmp, j->dest))
		err = errno;
	if (err) {
		fprintf(stderr, "iotrace: failed to write %s: %s\n", j->path, strerror(err));
		json_out_discard(j);
		return -1;
	}
	j->tmp[0] = '\0';
	return 0;
}

void json_out_discard(struct json_out *j)
{
	if (j->f && j->f != stdout)
		fclose(j->f);
	j->f = NULL;
	if (j->tmp[0])
		unlink(j->tmp);
	j->tmp[0] = '\0';
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
