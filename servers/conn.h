/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client connection: its buffers, the two protocols and the IO helpers
 * every reference server uses.
 *
 * Protocols:
 *   echo  A line ends in '\n'; the answer is the same line upper-cased
 *         (bytes 'a'..'z' only, so NULs and binary pass through unchanged).
 *   http  Minimal HTTP/1.1 with keep-alive and pipelining: any GET gets a
 *         fixed 200 response with Content-Length; anything else gets a 400
 *         and the connection is closed after it.
 *
 * A slow handler, on demand (--slow-ms MS): the echo line "SLOW" and the
 * request "GET /slow" get their usual answer only after the thread that
 * handles them has slept MS ms, as if the handler did blocking work there
 * (the texts' input()). In a one-thread event loop every other client waits
 * too (claim M10); in the thread-per-connection server only that client.
 *
 * Bounded buffering (the same for every server):
 *   - At most IN_MAX (64 KiB) of unprocessed input is kept per connection.
 *     An echo line longer than that is answered in IN_MAX pieces, each
 *     upper-cased, without waiting for its '\n'; a client that reads until
 *     '\n' still gets exactly its line upper-cased. An HTTP request header
 *     longer than IN_MAX gets a 400 and the connection is closed.
 *   - A server stops reading a connection while OUT_HIGH (64 KiB) or more of
 *     answers are queued for it (back-pressure), so a client that sends and
 *     never reads cannot grow the server's memory.
 *   - At end of input (the peer half-closed), an unfinished echo line is
 *     answered as it is, the queued output is sent, then the connection is
 *     closed. An unfinished HTTP request is dropped.
 */
#ifndef SERVERS_CONN_H
#define SERVERS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IN_MAX		(64 * 1024)	/* bytes of unprocessed input kept */
#define OUT_HIGH	(64 * 1024)	/* stop reading above this much queued output */

/* A byte queue: valid bytes are data[off, len). */
struct buf {
	char *data;
	size_t off;
	size_t len;
	size_t cap;
};

struct conn {
	int fd;
	bool eof;		/* the peer sent FIN: no more input will come */
	bool closing;		/* close as soon as the output queue is empty */
	bool out_busy;		/* a send is in flight from out (io_uring): do not touch it */
	struct buf in;		/* bytes read, not yet answered */
	struct buf out;		/* answers not yet written */
	unsigned long requests;	/* lines or HTTP requests answered */
};

/* Table of live connections indexed by fd (sized by RLIMIT_NOFILE). */
extern struct conn **conn_table;
extern int conn_table_size;

/*
 * Connections. conn_new() allocates size bytes (at least sizeof(struct conn),
 * so a server may embed struct conn first in its own struct), registers it in
 * conn_table and counts it. conn_close() closes the fd and frees it.
 */
struct conn *conn_new(int fd, size_t size);
void conn_close(struct conn *c);
void conns_close_all(void);
/* Wake every thread blocked on a connection: its read returns 0. */
void conns_shutdown_all(void);

/* What the connection can do next, given its buffers. */
bool conn_want_read(const struct conn *c);
bool conn_want_write(const struct conn *c);
bool conn_done(const struct conn *c);

/*
 * One read(2) or write(2) on the connection. conn_read returns the bytes
 * read, 0 at end of input, -1 with errno (EAGAIN, EINTR, ECONNRESET...).
 * conn_write returns the bytes written or -1 with errno.
 */
ssize_t conn_read(struct conn *c);
ssize_t conn_write(struct conn *c);

/*
 * Edge-triggered servers: write and read until EAGAIN or nothing is left to
 * do. Returns false when the connection should be closed.
 */
bool conn_drain(struct conn *c);

/*
 * Blocking IO: serve one client until it closes or the server stops. Each
 * read() and write() blocks the calling thread only (blocking, iterative).
 * Does not close the connection.
 */
void conn_serve_blocking(struct conn *c);

/*
 * Buffer-level API, for servers that hand buffers to the kernel (io_uring).
 * conn_in_space() is the only function that moves or grows the input buffer,
 * so a read may stay in flight into the space it returned until
 * conn_in_commit() or conn_in_eof().
 */
char *conn_in_space(struct conn *c, size_t *room);
void conn_in_commit(struct conn *c, size_t n);
void conn_in_eof(struct conn *c);
const char *conn_out_data(const struct conn *c, size_t *len);
void conn_out_consume(struct conn *c, size_t n);

/* Bytes waiting in a queue. */
static inline size_t buf_pending(const struct buf *b)
{
	return b->len - b->off;
}

/* Make room for need more bytes at the end of b; false when out of memory. */
bool buf_reserve(struct buf *b, size_t need);

/* Answer what the input buffer holds (proto.c); the functions above call it. */
void conn_process(struct conn *c);

#endif
