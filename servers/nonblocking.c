// SPDX-License-Identifier: GPL-2.0
/*
 * nonblocking: O_NONBLOCK sockets polled in a loop, with no multiplexer.
 *
 * The model: Stevens' "non-blocking IO" (UNP vol. 1, Figure 6.2) and the
 * texts' Python busy loop (setblocking(False), try accept / recv on every
 * socket, except BlockingIOError: pass, time.sleep). Every socket is
 * non-blocking; one thread walks all of them again and again, asking each
 * one "anything for me?". A read on a socket with no data fails at once with
 * EAGAIN instead of sleeping.
 *
 * Claims it demonstrates:
 *   M3      read() returns EAGAIN at once while no data is ready, so the
 *           program must ask again and again; when data is there, the copy
 *           phase still runs inside read().
 *   M4      the loop burns a CPU even when every client is idle, and the time
 *           between two passes over a socket is added to its latency.
 *           --sleep-us N sleeps after a pass that found nothing to do (the
 *           texts' time.sleep()): less CPU, more latency.
 *   M10     one thread: with --slow-ms a SLOW request stops the loop, and
 *           every other client waits as long.
 *
 * Quirks:
 *   - A pass costs one accept() plus a read() per connection whether or not
 *     anything happened: with 10,000 idle clients that is 10,001 syscalls
 *     per pass, all failing with EAGAIN.
 *   - SIGINT/SIGTERM only set a flag; the loop never blocks, so it sees the
 *     flag on the next pass.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "server.h"

static long sleep_us;	/* sleep after an idle pass; 0: pure busy polling */

enum { OPT_SLEEP = 0x200 };

static const struct argp_option options[] = {
	{ "sleep-us", OPT_SLEEP, "N", 0, "Sleep N microseconds after an idle pass (default 0)", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key == OPT_SLEEP)
		return cli_long("sleep", arg, 0, 10000000, &sleep_us);
	return ARGP_ERR_UNKNOWN;
}

static const char doc[] =
	"nonblocking: non-blocking sockets polled in a busy loop, no select/poll/epoll.\v"
	"EXAMPLES:\n"
	"  nonblocking -p 0                # busy polling: one CPU at 100%\n"
	"  nonblocking -p 0 --sleep-us 1000 # sleep 1 ms after an idle pass\n"
	"  nonblocking -p 0 --slow-ms 200   # a SLOW line stalls every client (M10)\n";

static const struct argp argp = { options, parse_opt, NULL, doc, common_argp_children, NULL, NULL };

/* Accept every waiting client; EAGAIN means there is none. Returns the number accepted. */
static int try_accept(int *maxfd)
{
	int n = 0;

	for (;;) {
		int fd = server_accept(SOCK_NONBLOCK);

		if (fd < 0)
			return n;
		if (conn_new(fd, sizeof(struct conn)) && fd > *maxfd)
			*maxfd = fd;
		n++;
	}
}

/* Ask one connection for data and write what is queued. Returns true if anything moved. */
static bool try_conn(struct conn *c)
{
	bool progress = false;

	if (conn_want_read(c)) {
		/* EAGAIN: "no data yet", ask again on the next pass. */
		if (conn_read(c) >= 0)
			progress = true;
		else if (errno != EAGAIN && errno != EINTR)
			goto drop;	/* ECONNRESET and friends */
	}
	if (conn_want_write(c)) {
		if (conn_write(c) > 0)
			progress = true;
		else if (errno != EAGAIN && errno != EINTR)
			goto drop;
	}
	if (!conn_done(c))
		return progress;
drop:
	conn_close(c);
	return true;
}

int main(int argc, char **argv)
{
	int maxfd = 0;

	opt.model = "nonblocking";
	server_parse_args(&argp, argc, argv);
	server_setup(SOCK_NONBLOCK);
	server_ready();

	while (!stop) {
		bool progress = try_accept(&maxfd) > 0;

		/* Walk every connection, ready or not: there is no one to tell us which. */
		for (int fd = 0; fd <= maxfd; fd++)
			if (conn_table[fd] && try_conn(conn_table[fd]))
				progress = true;
		while (maxfd > 0 && !conn_table[maxfd])
			maxfd--;
		if (!progress && sleep_us)
			usleep(sleep_us);
	}
	return server_exit();
}
