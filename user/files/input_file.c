// SPDX-License-Identifier: GPL-2.0
/*
 * The input file (see input_file.h): peeked bytes kept and read again, gzip
 * read through inflate, and a stream handed to an fd reader through a pipe
 * that a thread fills with the peeked bytes, then the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "files/input_file.h"

#define CHUNK		(1 << 16)
#define HEAD_MAX	(1 << 20)	/* raw bytes a peek may read ahead */

static int failed(struct in_file *in, const char *why)
{
	snprintf(in->why, sizeof(in->why), "%s", why);
	return -1;
}

int in_file_open(struct in_file *in, const char *path)
{
	struct stat st;

	memset(in, 0, sizeof(*in));
	in->path = path;
	in->keep = true;
	in->gz = -1;
	in->start = -1;
	/* a dup: closing it leaves stdin to the rest of the program */
	in->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) :
				    fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	if (in->fd < 0)
		return -1;
	if (!fstat(in->fd, &st) && S_ISREG(st.st_mode))
		in->start = lseek(in->fd, 0, SEEK_CUR);
	return 0;
}

/* read(2) until n bytes or the end */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t got;

	while (done < n) {
		got = read(fd, (char *)buf + done, n - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		done += got;
	}
	return done;
}

/* Raw bytes: the head first, then the fd; while peeking, each one kept in the head */
static ssize_t raw_read(struct in_file *in, unsigned char *buf, size_t n)
{
	ssize_t got;

	if (in->off == in->nhead && in->keep) {
		if (in->nhead >= HEAD_MAX)
			return 0;	/* a peek that needs more is not one */
		if (in->cap - in->nhead < CHUNK) {
			unsigned char *h = realloc(in->head, in->cap + CHUNK);

			if (!h)
				return failed(in, strerror(ENOMEM));
			in->head = h;
			in->cap += CHUNK;
		}
		got = read(in->fd, in->head + in->nhead, CHUNK);
		while (got < 0 && errno == EINTR)
			got = read(in->fd, in->head + in->nhead, CHUNK);
		if (got < 0)
			return failed(in, strerror(errno));
		in->nhead += got;
	}
	if (in->off < in->nhead) {
		got = in->nhead - in->off < n ? in->nhead - in->off : n;
		memcpy(buf, in->head + in->off, got);
		in->off += got;
		return got;
	}
	got = read(in->fd, buf, n);
	while (got < 0 && errno == EINTR)
		got = read(in->fd, buf, n);
	return got < 0 ? failed(in, strerror(errno)) : got;
}

/* gzip or not: the first two raw bytes, kept */
static int sniff(struct in_file *in)
{
	unsigned char b[2];
	ssize_t got = 0, n = 0;
	bool keep = in->keep;

	in->keep = true;
	while (got < 2 && (n = raw_read(in, b + got, 2 - got)) > 0)
		got += n;
	in->keep = keep;
	if (n < 0)
		return -1;
	in->off = 0;		/* read again */
	in->gz = got == 2 && b[0] == 0x1f && b[1] == 0x8b;
	if (!in->gz)
		return 0;
	in->z = calloc(1, sizeof(*in->z));
	in->zin = malloc(CHUNK);
	if (!in->z || !in->zin || inflateInit2(in->z, 16 + MAX_WBITS) != Z_OK) {
		free(in->z);
		in->z = NULL;
		return failed(in, strerror(ENOMEM));
	}
	return 0;
}

/* Decompressed bytes; gzip members one after the other read as one, as gzip -d does */
static ssize_t inflate_read(struct in_file *in, unsigned char *buf, size_t n)
{
	z_stream *z = in->z;
	ssize_t got;
	int ret;

	z->next_out = buf;
	z->avail_out = n;
	while (z->avail_out == n) {
		if (!z->avail_in) {
			got = raw_read(in, in->zin, CHUNK);
			if (got < 0)
				return -1;
			if (got == 0) {
				if (z->total_in || z->total_out)
					return failed(in, "gzip data cut short");
				return 0;	/* the end, after a whole member */
			}
			z->next_in = in->zin;
			z->avail_in = got;
		}
		ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END)
			inflateReset(z);	/* total_* back to 0: at a member's end */
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return failed(in, ret == Z_MEM_ERROR ? strerror(ENOMEM) :
					  "corrupt gzip data");
	}
	return n - z->avail_out;
}

static ssize_t content_read(struct in_file *in, unsigned char *buf, size_t n)
{
	if (in->gz < 0 && sniff(in))
		return -1;
	return in->gz ? inflate_read(in, buf, n) : raw_read(in, buf, n);
}

ssize_t in_file_peek(struct in_file *in, void *buf, size_t n)
{
	ssize_t got;

	if (!in->keep)
		return failed(in, "peeked after reading");
	if (in->nahead < n) {
		unsigned char *a = realloc(in->ahead, n);

		if (!a)
			return failed(in, strerror(ENOMEM));
		in->ahead = a;
	}
	while (in->nahead < n) {
		got = content_read(in, in->ahead + in->nahead, n - in->nahead);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		in->nahead += got;
	}
	got = in->nahead < n ? in->nahead : n;
	memcpy(buf, in->ahead, got);
	return got;
}

ssize_t in_file_read(struct in_file *in, void *buf, size_t n)
{
	ssize_t got;

	in->keep = false;
	if (in->aoff < in->nahead) {
		got = in->nahead - in->aoff < n ? in->nahead - in->aoff : n;
		memcpy(buf, in->ahead + in->aoff, got);
		in->aoff += got;
	} else {
		got = content_read(in, buf, n);
	}
	if (got > 0)
		in->pos += got;
	return got;
}

struct feed {
	int from, to;
	unsigned char *head;
	size_t n;
};

static bool write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t put;

	while (n) {
		put = write(fd, p, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return false;	/* EPIPE: the reader is done */
		p += put;
		n -= put;
	}
	return true;
}

/* The peeked bytes, then the rest of the stream, into the pipe; ends with either end */
static void *feed(void *arg)
{
	struct feed *f = arg;
	unsigned char *buf = malloc(CHUNK);
	bool ok = buf && write_all(f->to, f->head, f->n);
	ssize_t got;

	while (ok && (got = read_full(f->from, buf, CHUNK)) > 0)
		ok = write_all(f->to, buf, got);
	close(f->from);
	close(f->to);
	free(f->head);
	free(buf);
	free(f);
	return NULL;
}

/* A pipe that yields head, then the rest of fd: a thread of its own fills it */
static int fed_pipe(struct in_file *in)
{
	struct feed *f = malloc(sizeof(*f));
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	int p[2], err;

	if (!f || pipe2(p, O_CLOEXEC)) {
		free(f);
		return failed(in, strerror(f ? errno : ENOMEM));
	}
	*f = (struct feed){ .from = in->fd, .to = p[1], .head = in->head, .n = in->nhead };
	/* no signal for the feeder: SIGPIPE, when the reader stops early, is its EPIPE */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &attr, feed, f);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		close(p[0]);
		close(p[1]);
		free(f);
		return failed(in, strerror(err));
	}
	in->head = NULL;	/* the feeder's now, and the fd too */
	in->nhead = in->off = in->cap = 0;
	in->fd = -1;
	return p[0];
}

int in_file_fd(struct in_file *in)
{
	int fd = in->fd;

	if (!in->keep || fd < 0)
		return failed(in, "read before it was handed over");
	if (in->nhead && in->start < 0)
		return fed_pipe(in);
	if (in->nhead && lseek(fd, in->start, SEEK_SET) != in->start)
		return failed(in, strerror(errno));
	in->fd = -1;
	return fd;
}

void in_file_close(struct in_file *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	if (in->z)
		inflateEnd(in->z);
	free(in->z);
	free(in->zin);
	free(in->head);
	free(in->ahead);
	in->z = NULL;
	in->zin = in->head = in->ahead = NULL;
	in->nhead = in->off = in->cap = in->nahead = in->aoff = 0;
}
