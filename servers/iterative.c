// SPDX-License-Identifier: GPL-2.0
/*
 * iterative: blocking IO, one client at a time.
 *
 * The model: the first server of every text (Stevens, UNP vol. 1, Figure
 * 1.9; the Python texts' "while True: conn, addr = s.accept()"). accept()
 * blocks until a client connects; then read() blocks until it sends, write()
 * answers, and only when the client leaves does the server accept the next.
 *
 * Claims it demonstrates:
 *   M1, M2  each read() blocks through both phases: waiting for data, then
 *           copying it to user memory. One syscall per request.
 *   M5      the baseline the multiplexers are compared with: one connection,
 *           one read per request, no wait syscall in front of it.
 *   M10     with --slow-ms a SLOW request sleeps in the only thread: here
 *           the other clients wait anyway, as they do for any client.
 *
 * Quirks:
 *   - A second client is connected (the kernel finishes the handshake and
 *     queues it, up to the listen backlog) but gets no answer until the
 *     first one closes: its requests sit in the socket buffer.
 *   - SIGINT/SIGTERM: the handler shuts down the listening socket and the
 *     client's socket, so a blocked accept() or read() returns at once.
 */
#include <errno.h>
#include <sys/socket.h>

#include "conn.h"
#include "server.h"

static const char doc[] =
	"iterative: a blocking server that serves one client at a time.\v"
	"EXAMPLES:\n"
	"  iterative -p 0                 # echo on an ephemeral port\n"
	"  iterative -p 0 --slow-ms 200   # a SLOW line sleeps 200 ms first\n"
	"  iterative -p 8080 --proto http # then: curl http://127.0.0.1:8080/\n";

static const struct argp argp = { NULL, NULL, NULL, doc, common_argp_children, NULL, NULL };

int main(int argc, char **argv)
{
	opt.model = "iterative";
	server_parse_args(&argp, argc, argv);
	server_setup(0);
	server_ready();

	while (!stop) {
		struct conn *c;
		int fd = server_accept(0);

		if (fd < 0)
			continue;
		c = conn_new(fd, sizeof(*c));
		if (!c)
			continue;
		server_wake_on_stop(fd);
		if (!stop)
			conn_serve_blocking(c);	/* the others wait in the backlog */
		server_wake_on_stop(-1);
		conn_close(c);
	}
	return server_exit();
}
