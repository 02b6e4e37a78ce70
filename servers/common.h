/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code every reference server shares: the command line, the listening socket,
 * start/stop, per-connection buffers and the two protocols.
 *
 * A server file only decides *when* to accept, read and write; everything
 * about *what* the bytes mean lives here, once, so that the servers differ
 * only in their IO model.
 *
 * Protocols:
 *   echo  A line ends in '\n'; the answer is the same line upper-cased
 *         (bytes 'a'..'z' only, so NULs and binary pass through unchanged).
 *   http  Minimal HTTP/1.1 with keep-alive and pipelining: any GET gets a
 *         fixed 200 response with Content-Length; anything else gets a 400
 *         and the connection is closed after it.
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
#ifndef SERVERS_COMMON_H
#define SERVERS_COMMON_H

#include <argp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IN_MAX		(64 * 1024)	/* bytes of unprocessed input kept */
#define OUT_HIGH	(64 * 1024)	/* stop reading above this much queued output */
#define DEFAULT_PORT	8080
#define WANT_NOFILE	65536		/* RLIMIT_NOFILE the servers ask for */

enum proto { PROTO_ECHO, PROTO_HTTP };

struct server_opts {
	const char *model;	/* "epoll", "epoll-edge", ...: start line and messages */
	int port;		/* 0: an ephemeral port, replaced by the real one */
	enum proto proto;
	bool verbose;		/* -v: one line per connection on stderr */
};

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

extern struct server_opts opt;
extern volatile sig_atomic_t stop;	/* set by SIGINT/SIGTERM */
extern int listen_fd;

/*
 * accept4() on listen_fd with SOCK_CLOEXEC and flags (SOCK_NONBLOCK or 0).
 * Returns the new fd, or -1: EAGAIN (no more clients), EINTR and
 * ECONNABORTED are quiet, anything else is logged unless the server is
 * stopping.
 */
int server_accept(int flags);

/* Statistics printed on exit; tests compare them with loadgen's counts. */
extern atomic_ulong stat_conns;		/* connections accepted and served */
extern atomic_ulong stat_requests;	/* lines or HTTP requests answered */
extern atomic_ulong stat_refused;	/* connections closed at once (select: fd too big) */

/* Table of live connections indexed by fd (sized by RLIMIT_NOFILE). */
extern struct conn **conn_table;
extern int conn_table_size;

/* Add these to a server's argp as .children to get -p, --proto, -v, -h. */
extern const struct argp_child common_argp_children[];

/* Parse the command line; exits with a one-line error on bad input. */
void server_parse_args(const struct argp *argp, int argc, char **argv);

/*
 * For a server's own argp parser: parse a number in [min, max] into *out;
 * on a bad number print one line on stderr and return EINVAL.
 */
error_t arg_long(const char *what, const char *arg, long min, long max, long *out);

/*
 * Raise RLIMIT_NOFILE, install the SIGINT/SIGTERM handlers, create the
 * listening socket on 127.0.0.1:opt.port (sock_flags: e.g. SOCK_NONBLOCK)
 * and set listen_fd. Exits with a one-line error on failure.
 */
void server_setup(int sock_flags);

/* Print the start line on stdout, flushed: the server is ready. */
void server_ready(void);

/* Close the listening socket and every connection, print the stats line. */
int server_exit(void);

/*
 * The stop handler shuts listen_fd down, which wakes a server blocked in
 * accept(), select(), poll() or epoll_wait(). A server blocked elsewhere
 * (a blocking read) names that fd here, or -1.
 */
void server_wake_on_stop(int fd);

/* Block or unblock SIGINT and SIGTERM in the calling thread. */
void server_block_signals(bool block);

/* One line on stderr: "<model>: <message>". */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Connections. conn_new() allocates size bytes (at least sizeof(struct conn),
 * so a server may embed struct conn first in its own struct), registers it in
 * conn_table and counts it. conn_close() closes the fd and frees it.
 */
struct conn *conn_new(int fd, size_t size);
void conn_close(struct conn *c);
void conns_close_all(void);
void conns_shutdown_all(void);

/* What the connection can do next, given its buffers. */
bool conn_want_read(const struct conn *c);
bool conn_want_write(const struct conn *c);
bool conn_done(const struct conn *c);
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

/* Answer what the input buffer holds; called by the functions above. */
void conn_process(struct conn *c);

/*
 * One read(2) or send(2) on the connection. conn_read returns the bytes read,
 * 0 at end of input, -1 with errno (EAGAIN, EINTR, ECONNRESET...).
 * conn_write returns the bytes written or -1 with errno.
 */
ssize_t conn_read(struct conn *c);
ssize_t conn_write(struct conn *c);

/*
 * Edge-triggered servers: write and read until EAGAIN or nothing is left to
 * do. Returns false when the connection should be closed.
 */
bool conn_drain(struct conn *c);

#endif
