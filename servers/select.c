// SPDX-License-Identifier: GPL-2.0
/*
 * select: IO multiplexing with select(2), read, write and exceptional sets.
 *
 * The model: UNP vol. 1, Figures 6.21-6.22 (the "client[]" echo server), and
 * the texts' Python select server with its inputs/outputs lists and a
 * message queue per connection. One thread blocks in select() on every
 * socket at once; select returns the sockets that are ready and the server
 * reads (or accepts, or writes) only those. An answer is not written at
 * once: it is queued on the connection, the connection joins the write set,
 * and it is written when select reports it writable.
 *
 * Claims it demonstrates:
 *   M5      a request costs two syscalls, select() then read(); here three
 *           with the extra select() that reports the socket writable.
 *   M10     one thread: while it handles one client the others wait; with
 *           --slow-ms a SLOW request puts that thread to sleep, and every
 *           other client waits as long.
 *   S1-S4   every call hands all three sets to the kernel, which polls every
 *           fd in them, even if only one is ready.
 *   S5      fds at or above FD_SETSIZE (1024) cannot be put in an fd_set:
 *           such a connection is refused with a log line and closed.
 *   S7      the kernel overwrites the sets, so they are rebuilt before every
 *           call from the connection table.
 *   S8      a socket in the write set comes back writable at once, so it is
 *           only put there while its output queue is not empty.
 *
 * Quirks:
 *   - FD_SET() with fd >= FD_SETSIZE writes past the fd_set (glibc aborts
 *     with _FORTIFY_SOURCE, otherwise the stack is corrupted): hence the
 *     check in accept_clients().
 *   - The exceptional set reports TCP urgent data (MSG_OOB); it is read and
 *     dropped, or select() would report it forever.
 *   - A stop signal shuts the listening socket down, which makes it readable:
 *     select() returns even if the signal came just before the call.
 */
#include <errno.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "conn.h"
#include "server.h"

static const char doc[] =
	"select: one thread, select() on read, write and exceptional fd sets.\v"
	"EXAMPLES:\n"
	"  select -p 0                  # echo on an ephemeral port\n"
	"  select -p 0 --slow-ms 200    # a SLOW line stalls every client (M10)\n"
	"  select -p 8080 --proto http  # then: wrk -c 100 http://127.0.0.1:8080/\n";

static const struct argp argp = { NULL, NULL, NULL, doc, common_argp_children, NULL, NULL };

static int maxfd;	/* highest connection fd, bounds the walks below */

static void accept_clients(void)
{
	for (;;) {
		int fd = server_accept(SOCK_NONBLOCK);

		if (fd < 0)
			return;
		if (fd >= FD_SETSIZE) {
			logmsg("refusing fd %d: select() only handles fds below FD_SETSIZE (%d); "
			       "closing the connection", fd, FD_SETSIZE);
			close(fd);
			atomic_fetch_add(&stat_refused, 1);
			continue;
		}
		if (conn_new(fd, sizeof(struct conn)) && fd > maxfd)
			maxfd = fd;
	}
}

/* TCP urgent data is the only "exceptional condition" on a socket: drop it. */
static void drop_urgent(struct conn *c)
{
	char byte;

	if (recv(c->fd, &byte, 1, MSG_OOB) == 1 && opt.verbose)
		logmsg("fd %d: dropped urgent byte 0x%02x", c->fd, (unsigned char)byte);
}

int main(int argc, char **argv)
{
	opt.model = "select";
	server_parse_args(&argp, argc, argv);
	server_setup(SOCK_NONBLOCK);
	server_ready();

	while (!stop) {
		fd_set rset, wset, eset;
		int nfds = listen_fd;
		int nready;

		/* The sets are in/out arguments: rebuild them before every call (S7). */
		FD_ZERO(&rset);
		FD_ZERO(&wset);
		FD_ZERO(&eset);
		FD_SET(listen_fd, &rset);
		for (int fd = 0; fd <= maxfd; fd++) {
			struct conn *c = conn_table[fd];

			if (!c)
				continue;
			if (conn_want_read(c))
				FD_SET(fd, &rset);
			if (conn_want_write(c))
				FD_SET(fd, &wset);	/* only with output queued (S8) */
			FD_SET(fd, &eset);
			if (fd > nfds)
				nfds = fd;
		}

		nready = select(nfds + 1, &rset, &wset, &eset, NULL);
		if (nready < 0) {
			if (errno != EINTR)
				logmsg("select: %m");
			continue;
		}

		if (FD_ISSET(listen_fd, &rset) && !stop)
			accept_clients();
		for (int fd = 0; fd <= maxfd; fd++) {
			struct conn *c = conn_table[fd];

			if (!c)
				continue;
			if (FD_ISSET(fd, &eset))
				drop_urgent(c);
			/* read 0 (EOF) is fine; read < 0 other than EAGAIN: reset, drop it */
			if (FD_ISSET(fd, &rset) && conn_read(c) < 0 && errno != EAGAIN) {
				conn_close(c);
				continue;
			}
			if (FD_ISSET(fd, &wset) && conn_write(c) < 0 && errno != EAGAIN) {
				conn_close(c);
				continue;
			}
			if (conn_done(c))
				conn_close(c);
		}
		while (maxfd > 0 && !conn_table[maxfd])
			maxfd--;
	}
	return server_exit();
}
