// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing a connection with read(2) and write(2): one call at a
 * time, until EAGAIN (edge-triggered servers), or blocking (one thread per
 * client).
 */
#include <errno.h>
#include <unistd.h>

#include "conn.h"
#include "server.h"

ssize_t conn_read(struct conn *c)
{
	size_t room;
	char *p = conn_in_space(c, &room);
	ssize_t n;

	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	n = read(c->fd, p, room);
	if (n > 0)
		conn_in_commit(c, n);
	else if (n == 0)
		conn_in_eof(c);
	return n;
}

ssize_t conn_write(struct conn *c)
{
	size_t len;
	const char *p = conn_out_data(c, &len);
	ssize_t n = write(c->fd, p, len);

	if (n > 0)
		conn_out_consume(c, n);
	return n;
}

/*
 * For edge-triggered servers (epoll --edge, sigio): write and read until both
 * fail with EAGAIN or have nothing to do, since readiness is reported once
 * per change. Reading stops while the output queue is full; the write that
 * drains it makes room, so the loop goes round again.
 */
bool conn_drain(struct conn *c)
{
	bool progress = true;

	while (progress) {
		progress = false;
		while (conn_want_write(c)) {
			if (conn_write(c) < 0) {
				if (errno != EAGAIN && errno != EINTR)
					return false;
				break;	/* socket buffer full: wait for the next "writable" */
			}
			progress = true;
		}
		while (conn_want_read(c)) {
			if (conn_read(c) < 0) {
				if (errno != EAGAIN && errno != EINTR)
					return false;
				break;	/* drained: wait for the next "readable" */
			}
			progress = true;
		}
	}
	return !conn_done(c);
}

void conn_serve_blocking(struct conn *c)
{
	while (!stop && !conn_done(c)) {
		if (conn_want_write(c)) {
			if (conn_write(c) < 0 && errno != EINTR)
				break;
		} else if (conn_read(c) < 0 && errno != EINTR) {
			break;		/* ECONNRESET and friends */
		}
	}
}
