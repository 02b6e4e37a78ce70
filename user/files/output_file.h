/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An output file as the user named it (-j, --html, --interval-json, --plot's
 * page): "-" is stdout; a regular file, or a new one, is written beside
 * itself and renamed into place once complete, so a file already there
 * survives a run that fails or is killed; anything else (a FIFO, a device,
 * /dev/stdout) is written in place. Nothing is ever removed but the
 * temporary file this run created: a failed write to a device leaves it be.
 */
#ifndef IOTRACE_OUTPUT_FILE_H
#define IOTRACE_OUTPUT_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct out_file {
	const char *path;	/* as given, for messages */
	FILE *f;		/* stdout, the temporary file, or path itself (in place) */
	char tmp[PATH_MAX];	/* "DEST.partial-XXXXXX", renamed over dest when complete */
	char dest[PATH_MAX];	/* path, symlinks resolved */
};

/*
 * Open path (gz: written gzip-compressed); no path: nothing to do, f stays
 * NULL. 0, or -1 after a one-line error.
 */
int out_file_open(struct out_file *o, const char *path, bool gz);
/*
 * The output is complete: flush, check every write, close and rename it
 * into place. 0, or -1 after "failed to write PATH: ..." (the temporary
 * file is removed; a file written in place is left as it is).
 */
int out_file_commit(struct out_file *o);
/* Not complete: close, and remove the temporary file (only it). Safe to call twice. */
void out_file_discard(struct out_file *o);

/* output_gz.c: a FILE that writes gzip to fd (taken over; fsync'd on fclose with sync) */
FILE *gz_fdopen_write(int fd, bool sync);
/* FILE.gz: the JSON outputs are written compressed */
bool path_is_gz(const char *path);

#endif
