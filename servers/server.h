/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every reference server shares besides its connections: the command
 * line, the listening socket, start and stop, statistics and log lines.
 *
 * A server file only decides *when* to accept, read and write; the bytes'
 * meaning (conn.h) and the process's lifecycle (here) live once, so that
 * the servers differ only in their IO model.
 */
#ifndef SERVERS_SERVER_H
#define SERVERS_SERVER_H

#include <argp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cli.h"

#define DEFAULT_PORT	8080
#define WANT_NOFILE	65536		/* RLIMIT_NOFILE the servers ask for */

enum proto { PROTO_ECHO, PROTO_HTTP };

struct server_opts {
	const char *model;	/* "epoll", "epoll-edge", ...: start line and messages */
	int port;		/* 0: an ephemeral port, replaced by the real one */
	enum proto proto;
	bool verbose;		/* -v: one line per connection on stderr */
	long slow_ms;		/* --slow-ms: a SLOW request sleeps this long first */
};

extern struct server_opts opt;
extern volatile sig_atomic_t stop;	/* set by SIGINT/SIGTERM */
extern int listen_fd;

/* Statistics printed on exit; tests compare them with loadgen's counts. */
extern atomic_ulong stat_conns;		/* connections accepted and served */
extern atomic_ulong stat_requests;	/* lines or HTTP requests answered */
extern atomic_ulong stat_refused;	/* connections closed at once (select: fd too big) */

/*
 * Add these to a server's argp as .children to get -p, --proto, -v,
 * --slow-ms, -h. A
 * server's own options use cli_long() and cli_error() (cli.h) for their
 * one-line errors.
 */
extern const struct argp_child common_argp_children[];

/* Parse the command line (prog: opt.model); exits 2 with one line on bad input. */
void server_parse_args(const struct argp *argp, int argc, char **argv);

/*
 * Raise RLIMIT_NOFILE, size the connection table, install the SIGINT/SIGTERM
 * handlers, create the listening socket on 127.0.0.1:opt.port (sock_flags:
 * e.g. SOCK_NONBLOCK) and set listen_fd. Exits with a one-line error on
 * failure.
 */
void server_setup(int sock_flags);

/* Print the start line on stdout, flushed: the server is ready. */
void server_ready(void);

/* Close the listening socket and every connection, print the stats line. */
int server_exit(void);

/*
 * accept4() on listen_fd with SOCK_CLOEXEC and flags (SOCK_NONBLOCK or 0).
 * Returns the new fd, or -1: EAGAIN (no more clients), EINTR and
 * ECONNABORTED are quiet, anything else is logged unless the server is
 * stopping.
 */
int server_accept(int flags);

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

#endif
