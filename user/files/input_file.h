/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An input file as the user named it (--compare's operands, -r, the JSON
 * reader), opened once and read once, from its start: "-" is stdin, and a
 * pipe, a FIFO, /dev/stdin or a process substitution reads as a regular
 * file does. What is read ahead to tell what the file holds is kept and
 * read again, never read by opening the file a second time.
 */
#ifndef IOTRACE_INPUT_FILE_H
#define IOTRACE_INPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct in_file {
	const char *path;	/* as given, for messages */
	int fd;			/* -1 once closed or handed over (in_file_fd) */
	off_t start;		/* a regular file: where it was opened; -1: a stream */
	unsigned char *head;	/* raw bytes read ahead, read again before fd */
	size_t nhead, off, cap;	/* bytes in head, of them consumed, room */
	bool keep;		/* still peeking: keep every raw byte read in head */
	int gz;			/* -1: not known yet; 1: gzip, read decompressed */
	struct z_stream_s *z;	/* gzip: the inflate state */
	unsigned char *zin;	/* gzip: its input */
	unsigned char *ahead;	/* content peeked, returned first by in_file_read */
	size_t nahead, aoff;
	unsigned long long pos;	/* content bytes in_file_read returned: offsets in messages */
	char why[64];		/* after -1: what went wrong, "corrupt gzip data" */
};

/* Open path ("-": stdin). 0, or -1 with errno set (nothing printed). */
int in_file_open(struct in_file *in, const char *path);
/*
 * The first n bytes of the content (decompressed when the file is gzip),
 * without consuming them: how many there are (fewer at the end), or -1
 * with in->why set.
 */
ssize_t in_file_peek(struct in_file *in, void *buf, size_t n);
/* The content from where the last read ended: bytes read, 0 at the end, -1 (in->why). */
ssize_t in_file_read(struct in_file *in, void *buf, size_t n);
/*
 * For a reader that takes an fd (the capture reader): an fd that reads the
 * file as it is, from its start, peeked bytes included; in_file_close no
 * longer touches it. Only before in_file_read. -1 with in->why set.
 */
int in_file_fd(struct in_file *in);
void in_file_close(struct in_file *in);

#endif
