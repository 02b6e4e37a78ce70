// SPDX-License-Identifier: GPL-2.0
/*
 * epoll: IO multiplexing with epoll(7), level-triggered, or edge-triggered
 * with --edge (model name "epoll-edge").
 *
 * The model: the epoll(7) man page's event loop. Each socket is registered
 * once with epoll_ctl(ADD); epoll_wait() blocks until some are ready and
 * returns only those.
 *
 *   level-triggered (default): epoll_wait reports a socket for as long as it
 *     is ready, like select and poll. On a report the server reads once and
 *     writes the answer at once, as real servers do (nginx, redis): only if
 *     output stays pending (the socket buffer is full) does it ask for
 *     EPOLLOUT with epoll_ctl(MOD), until the output drains, then goes back
 *     to EPOLLIN. In the usual case that is no epoll_ctl per request.
 *   --mod-per-request: the textbook's level-triggered loop instead. One read
 *     or one write per report, and the registration always says what the
 *     connection waits for: an answer is queued, MOD to EPOLLIN | EPOLLOUT;
 *     it is written on the next report, MOD back to EPOLLIN. Two
 *     epoll_ctl(MOD) per request.
 *   edge-triggered (--edge): a socket is registered once for EPOLLIN |
 *     EPOLLOUT | EPOLLET and never modified. It is reported when its state
 *     changes, so on each report the server reads and writes until EAGAIN:
 *     data left unread would never be reported again.
 *
 * Claims it demonstrates:
 *   E1, E2  the registration is copied into the kernel once, at ADD;
 *           epoll_wait copies no fd set in.
 *   E3      with many idle connections epoll_wait does not look at them.
 *   E5      the two modes; --edge drains every socket until EAGAIN.
 *   E6      no FD_SETSIZE: bounded only by RLIMIT_NOFILE (raised to 65536).
 *   E7      epoll_ctl calls cost a syscall each: --mod-per-request pays two
 *           epoll_ctl(MOD) per request, the default none (unless a socket
 *           buffer fills), edge-triggered mode none at all.
 *   M10     with --slow-ms, a SLOW request puts the one thread to sleep and
 *           every other client waits for it.
 *
 * Quirks:
 *   - A closed fd leaves the epoll set by itself (the last reference to the
 *     socket goes away), so no epoll_ctl(DEL) is needed before close().
 *   - epoll_event.data.ptr carries the struct conn; the listening socket has
 *     data.ptr == NULL.
 *   - Edge-triggered: when reading stops because the output queue is full,
 *     the rest of the input waits in the socket; the EPOLLOUT edge that comes
 *     once the answers drain brings the server back to read it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "conn.h"
#include "server.h"

#define MAX_EVENTS	256

struct econn {
	struct conn c;
	unsigned int events;	/* what is registered now (level-triggered) */
};

static bool edge;
static bool mod_per_request;
static int epfd;

enum { OPT_EDGE = 0x200, OPT_MOD_PER_REQUEST };

static const struct argp_option options[] = {
	{ "edge", OPT_EDGE, NULL, 0, "Edge-triggered (EPOLLET): drain each socket until EAGAIN", 0 },
	{ "mod-per-request", OPT_MOD_PER_REQUEST, NULL, 0,
	  "Level-triggered the textbook way: EPOLLOUT asked for (epoll_ctl MOD) for every "
	  "answer, two MODs per request", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case OPT_EDGE:
		edge = true;
		return 0;
	case OPT_MOD_PER_REQUEST:
		mod_per_request = true;
		return 0;
	case ARGP_KEY_END:
		if (edge && mod_per_request) {
			cli_error("--mod-per-request is for level-triggered mode, not --edge");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char doc[] =
	"epoll: one thread, epoll_wait(); level-triggered, or edge-triggered with --edge.\v"
	"EXAMPLES:\n"
	"  epoll -p 0                   # level-triggered echo\n"
	"  epoll -p 0 --mod-per-request # two epoll_ctl(MOD) per request (E7)\n"
	"  epoll -p 0 --slow-ms 200     # a SLOW line stalls every client (M10)\n"
	"  epoll --edge -p 0            # edge-triggered, reported as epoll-edge\n"
	"  epoll -p 8080 --proto http   # then: wrk -c 1000 http://127.0.0.1:8080/\n";

static const struct argp argp = { options, parse_opt, NULL, doc, common_argp_children, NULL, NULL };

/* Level-triggered: register exactly what the connection waits for now. */
static void update_events(struct econn *ec)
{
	unsigned int want = (conn_want_read(&ec->c) ? EPOLLIN : 0) |
			    (conn_want_write(&ec->c) ? EPOLLOUT : 0);
	struct epoll_event ev = { .events = want, .data.ptr = ec };

	if (want != ec->events && !epoll_ctl(epfd, EPOLL_CTL_MOD, ec->c.fd, &ev))
		ec->events = want;	/* E7: one syscall per change */
}

static void accept_clients(void)
{
	for (;;) {
		int fd = server_accept(SOCK_NONBLOCK);
		struct epoll_event ev;
		struct econn *ec;

		if (fd < 0)
			return;
		ec = (struct econn *)conn_new(fd, sizeof(*ec));
		if (!ec)
			continue;
		ec->events = edge ? EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET : EPOLLIN;
		ev = (struct epoll_event){ .events = ec->events, .data.ptr = ec };
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
			logmsg("fd %d: epoll_ctl(ADD): %m", fd);
			conn_close(&ec->c);
		}
	}
}

/* Write until the output is gone or the socket buffer is full; false on an error. */
static bool write_now(struct conn *c)
{
	while (conn_want_write(c))
		if (conn_write(c) < 0)
			return errno == EAGAIN || errno == EINTR;
	return true;
}

/* Level-triggered: one read, then the answer, on each report. Returns false to close. */
static bool handle_level(struct econn *ec, unsigned int events)
{
	struct conn *c = &ec->c;
	bool waiting_out = ec->events & EPOLLOUT;	/* a write found the buffer full */

	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && conn_want_read(c) &&
	    conn_read(c) < 0 && errno != EAGAIN)
		return false;
	if (mod_per_request) {
		/* The textbook loop: write only when reported writable. */
		if ((events & (EPOLLOUT | EPOLLERR)) && conn_want_write(c) &&
		    conn_write(c) < 0 && errno != EAGAIN)
			return false;
	} else if (!waiting_out || (events & (EPOLLOUT | EPOLLERR))) {
		if (!write_now(c))	/* the answer goes out now: no EPOLLOUT, no MOD */
			return false;
	}
	if (conn_done(c))
		return false;
	update_events(ec);
	return true;
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	struct epoll_event events[MAX_EVENTS];

	opt.model = "epoll";
	server_parse_args(&argp, argc, argv);
	if (edge) {
		opt.model = "epoll-edge";
		ev.events |= EPOLLET;	/* accept_clients() accepts until EAGAIN */
	}
	server_setup(SOCK_NONBLOCK);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev)) {
		logmsg("failed to set up epoll: %m");
		return 1;
	}
	server_ready();

	while (!stop) {
		int n = epoll_wait(epfd, events, MAX_EVENTS, -1);

		if (n < 0) {
			if (errno != EINTR)
				logmsg("epoll_wait: %m");
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct econn *ec = events[i].data.ptr;
			bool keep;

			if (!ec) {
				if (!stop)
					accept_clients();
				continue;
			}
			/* Edge-triggered: read and write until EAGAIN (conn_drain). */
			keep = edge ? conn_drain(&ec->c) : handle_level(ec, events[i].events);
			if (!keep)
				conn_close(&ec->c);
		}
	}
	close(epfd);
	return server_exit();
}
