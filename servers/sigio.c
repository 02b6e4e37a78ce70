// SPDX-License-Identifier: GPL-2.0
/*
 * sigio: signal-driven IO with O_ASYNC and F_SETSIG.
 *
 * The model: Stevens' "signal-driven IO" (UNP vol. 1, Figure 6.4 and
 * chapter 25). Each socket is put in O_ASYNC mode with this process as its
 * owner (F_SETOWN); the kernel then sends a signal when the socket becomes
 * readable or writable, and the process does its IO when told. Plain SIGIO
 * does not say which socket, so UDP is the usual example; with F_SETSIG the
 * kernel sends a queued real-time signal instead, whose siginfo carries the
 * fd (si_fd) and the event (si_band), which makes TCP servers workable.
 *
 * Here the signals are blocked and collected with sigwaitinfo(), the
 * synchronous way to receive them (no handler runs in the middle of the code).
 *
 * Claims it demonstrates:
 *   M8      it works, and this file shows why it is rarely used: every
 *           quirk below.
 *   M1      the signal only ends phase 1 (waiting); the read() that follows
 *           still copies the data (phase 2).
 *   M10     one thread: with --slow-ms a SLOW request puts it to sleep, and
 *           every other client waits as long.
 *
 * Quirks:
 *   - O_ASYNC is not inherited by accept(): each new socket needs F_SETOWN,
 *     F_SETSIG and O_ASYNC, and data that arrived before that raised no
 *     signal, so the socket is read once right away.
 *   - The signal is edge-like (sent on arrival of data, or when space frees
 *     up after EAGAIN), so each socket is drained until EAGAIN (conn_drain).
 *   - Real-time signals queue up to RLIMIT_SIGPENDING; when the queue is
 *     full the kernel sends plain SIGIO instead, and the server must then
 *     try every socket.
 *   - A signal may name an fd that has since been closed, or reused by a
 *     new connection: harmless here, the read just says EAGAIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "server.h"

static const char doc[] =
	"sigio: signal-driven IO: O_ASYNC sockets, F_SETSIG, sigwaitinfo().\v"
	"EXAMPLES:\n"
	"  sigio -p 0                  # echo on an ephemeral port\n"
	"  sigio -p 0 --slow-ms 200    # a SLOW line stalls every client (M10)\n"
	"  sigio -p 8080 --proto http  # then: wrk http://127.0.0.1:8080/\n";

static const struct argp argp = { NULL, NULL, NULL, doc, common_argp_children, NULL, NULL };

static int maxfd;

/* Ask the kernel to signal us (SIGRTMIN, with the fd in si_fd) on IO for fd. */
static int enable_async(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETOWN, getpid()) || fcntl(fd, F_SETSIG, SIGRTMIN) ||
	    fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK)) {
		logmsg("fd %d: failed to enable O_ASYNC: %m", fd);
		return -1;
	}
	return 0;
}

static void handle(struct conn *c)
{
	if (!conn_drain(c))
		conn_close(c);
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
		if (enable_async(fd)) {
			conn_close(c);
			continue;
		}
		if (fd > maxfd)
			maxfd = fd;
		handle(c);	/* data sent before O_ASYNC was set raised no signal */
	}
}

/* The real-time signal queue overflowed (plain SIGIO): try every socket. */
static void handle_all(void)
{
	accept_clients();
	for (int fd = 0; fd <= maxfd; fd++)
		if (conn_table[fd])
			handle(conn_table[fd]);
}

int main(int argc, char **argv)
{
	sigset_t set;
	siginfo_t si;

	opt.model = "sigio";
	server_parse_args(&argp, argc, argv);
	server_setup(SOCK_NONBLOCK);

	/* Block the signals we wait for, so sigwaitinfo() gets them instead of a handler. */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGIO);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (enable_async(listen_fd))
		return 1;
	server_ready();

	while (!stop) {
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0) {
			if (errno != EINTR)
				logmsg("sigwaitinfo: %m");
			continue;
		}
		if (sig == SIGINT || sig == SIGTERM) {
			stop = 1;
		} else if (sig == SIGIO) {
			handle_all();
		} else if (si.si_fd == listen_fd) {
			accept_clients();
		} else if (si.si_fd >= 0 && si.si_fd < conn_table_size && conn_table[si.si_fd]) {
			handle(conn_table[si.si_fd]);
		}
		while (maxfd > 0 && !conn_table[maxfd])
			maxfd--;
	}
	return server_exit();
}
