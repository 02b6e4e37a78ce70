// SPDX-License-Identifier: GPL-2.0
/*
 * poll: IO multiplexing with poll(2) over an array of struct pollfd.
 *
 * The model: UNP vol. 1, Figure 6.25-6.26 (the echo server with a pollfd
 * "client[]" array). The server keeps one pollfd per socket, the listening
 * socket first; poll() blocks until one or more are ready and fills in
 * revents; the server handles those and calls poll() again.
 *
 * Claims it demonstrates:
 *   P1      no FD_SETSIZE limit, and the requested events (events) are kept
 *           apart from the results (revents): the array is not rebuilt
 *           between calls, an entry's events change only when what the
 *           connection wants changes.
 *   P2      every call still copies the whole array into the kernel and
 *           polls every entry, ready or not: O(n) per call.
 *   M5      two syscalls per request: poll(), then read().
 *   M10     one thread: with --slow-ms a SLOW request puts it to sleep, and
 *           every other client waits as long.
 *
 * Quirks:
 *   - POLLHUP and POLLERR are reported even when not asked for; both are
 *     handled by reading, which returns 0 or the error.
 *   - A closed connection is removed by moving the last entry into its slot,
 *     so the array stays dense; conns[] moves along with it.
 *   - POLLNVAL would mean a closed fd was left in the array: a bug, logged.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "conn.h"
#include "server.h"

static const char doc[] =
	"poll: one thread, poll() on an array of pollfd.\v"
	"EXAMPLES:\n"
	"  poll -p 0                  # echo on an ephemeral port\n"
	"  poll -p 0 --slow-ms 200    # a SLOW line stalls every client (M10)\n"
	"  poll -p 8080 --proto http  # then: wrk -c 1000 http://127.0.0.1:8080/\n";

static const struct argp argp = { NULL, NULL, NULL, doc, common_argp_children, NULL, NULL };

static struct pollfd *fds;	/* fds[0] is the listening socket */
static struct conn **conns;	/* conns[i] goes with fds[i] */
static int nfds;

/* What this connection waits for, in poll's terms. */
static short wanted(const struct conn *c)
{
	return (conn_want_read(c) ? POLLIN : 0) | (conn_want_write(c) ? POLLOUT : 0);
}

static void accept_clients(void)
{
	for (;;) {
		int fd = server_accept(SOCK_NONBLOCK);
		struct conn *c;

		if (fd < 0)
			return;
		c = conn_new(fd, sizeof(*c));
		if (!c)
			continue;
		fds[nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
		conns[nfds++] = c;
	}
}

static void remove_entry(int i)
{
	conn_close(conns[i]);
	fds[i] = fds[--nfds];
	conns[i] = conns[nfds];
}

int main(int argc, char **argv)
{
	opt.model = "poll";
	server_parse_args(&argp, argc, argv);
	server_setup(SOCK_NONBLOCK);

	/* One entry per possible fd: the array never needs to grow. */
	fds = calloc(conn_table_size, sizeof(*fds));
	conns = calloc(conn_table_size, sizeof(*conns));
	if (!fds || !conns) {
		logmsg("failed to allocate the pollfd array: out of memory");
		return 1;
	}
	fds[0] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	nfds = 1;
	server_ready();

	while (!stop) {
		int nready = poll(fds, nfds, -1);

		if (nready < 0) {
			if (errno != EINTR)
				logmsg("poll: %m");
			continue;
		}
		/* Walk the array backwards so that remove_entry() moves only visited entries. */
		for (int i = nfds - 1; i >= 1; i--) {
			struct conn *c = conns[i];
			short rev = fds[i].revents;

			if (!rev)
				continue;
			if (rev & POLLNVAL)
				logmsg("fd %d: POLLNVAL, not open", fds[i].fd);
			if ((rev & (POLLIN | POLLHUP | POLLERR)) && conn_want_read(c) &&
			    conn_read(c) < 0 && errno != EAGAIN) {
				remove_entry(i);
				continue;
			}
			if ((rev & POLLOUT) && conn_write(c) < 0 && errno != EAGAIN) {
				remove_entry(i);
				continue;
			}
			if (conn_done(c) || (rev & POLLNVAL)) {
				remove_entry(i);
				continue;
			}
			fds[i].events = wanted(c);	/* usually unchanged (P1) */
		}
		if ((fds[0].revents & POLLIN) && !stop)
			accept_clients();
	}
	free(fds);
	free(conns);
	return server_exit();
}
