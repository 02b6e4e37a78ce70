// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen's connections and its event loop: connect them all, then issue
 * requests (closed loop, or due at fixed times with --rate) until -n or -d
 * says to stop, watching every request's --timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

struct results res;
const char *const err_names[NERR] = { "timeout", "closed", "bad_reply" };

static struct lconn *conns;
static int epfd;
static uint64_t t0, t_end;		/* run start; end of issuing for -d (ns) */
static uint64_t busy;			/* requests in flight */
static long *free_list, nfree;		/* --rate: active connections waiting for work */
static long nactive_alive;

void setup_conns(void)
{
	lathist_init(&res.lat);
	lathist_init(&res.slow_lat);
	conns = calloc(cfg.conns, sizeof(*conns));
	free_list = calloc(cfg.active, sizeof(*free_list));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || !free_list || epfd < 0)
		fail("failed to set up: %s", strerror(errno));
}

void conn_error(struct lconn *c, enum err kind, const char *why)
{
	if (c->state == DEAD)
		return;
	if (c->state == BUSY)
		busy--;
	res.errors[kind]++;	/* also when an idle connection is closed under us */
	if (cfg.verbose)
		fprintf(stderr, "loadgen: connection %ld: %s: %s\n", (long)(c - conns),
			err_names[kind], why);
	if (c->active)
		nactive_alive--;
	c->state = DEAD;
	close(c->fd);
	c->fd = -1;
}

static void send_request(struct lconn *c, uint64_t due)
{
	c->state = BUSY;
	c->seq = res.sent++;
	res.slow_sent += c->slow;
	c->sent = c->got = 0;
	c->hdr_len = 0;
	c->body_left = -1;
	c->t_due = due;
	c->t_sent = now_ns();
	busy++;
	write_request(c);
}

/* When request number n is due with --rate (ns). */
static uint64_t due_time(uint64_t n)
{
	return t0 + (uint64_t)(n * (NSEC / cfg.rate));
}

static bool can_issue(uint64_t now)
{
	if (interrupted || (cfg.requests && res.sent >= (uint64_t)cfg.requests))
		return false;
	if (cfg.rate)
		return due_time(res.sent) < t_end;
	return now < t_end;
}

void reply_done(struct lconn *c)
{
	uint64_t now = now_ns();

	lathist_record(c->slow ? &res.slow_lat : &res.lat, now - c->t_due);
	res.ok++;
	res.slow_ok += c->slow;
	busy--;
	c->state = IDLE;
	if (cfg.rate)
		free_list[nfree++] = c - conns;
	else if (can_issue(now))
		send_request(c, now);
}

static void start_connect(struct lconn *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg.port),
				  .sin_addr = cfg.host };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				  .data.ptr = c };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		fail("failed to create socket %ld: %s", (long)(c - conns), strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS)
		fail("failed to connect to %s:%d: %s%s", cfg.host_str, cfg.port, strerror(errno),
		     errno == ECONNREFUSED ? " (is a server listening there?)" : "");
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev))
		fail("failed to watch socket: %s", strerror(errno));
	c->state = CONNECTING;
}

/* A connect finished (EPOLLOUT or an error): did it work? */
static void finish_connect(struct lconn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	c->state = IDLE;
	if (err == ECONNRESET || err == EPIPE) {
		conn_error(c, E_CLOSED, "reset right after connecting");
		return;
	}
	if (err)
		fail("failed to connect to %s:%d: %s%s", cfg.host_str, cfg.port, strerror(err),
		     err == ECONNREFUSED ? " (is a server listening there?)" : "");
}

static void on_event(struct lconn *c, unsigned int events)
{
	static char buf[65536];

	if (c->state == DEAD)
		return;
	if (c->state == CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		finish_connect(c);
		if (c->state == DEAD)
			return;
	}
	if (c->state == BUSY && (events & EPOLLOUT) && !write_request(c))
		return;
	if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		return;
	/* Edge-triggered: read until EAGAIN. */
	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof(buf));

		if (n > 0) {
			res.bytes_in += n;
			if (!take_reply(c, buf, n))
				return;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			return;
		conn_error(c, E_CLOSED, n ? strerror(errno) : "closed by the server");
		return;
	}
}

/* Open every connection, MAX_CONNECTING at a time. */
void connect_all(void)
{
	struct epoll_event events[256];
	uint64_t deadline = now_ns() + (uint64_t)(cfg.timeout * NSEC);
	long started = 0, done = 0;

	while (done < cfg.conns) {
		while (started < cfg.conns && started - done < MAX_CONNECTING)
			start_connect(&conns[started++]);
		int n = epoll_wait(epfd, events, 256, 100);

		for (int i = 0; i < n; i++) {
			struct lconn *c = events[i].data.ptr;

			if (c->state == CONNECTING &&
			    (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
				done++;
			/* Connects, and notices a connection the server closed at once. */
			on_event(c, events[i].events);
		}
		if (now_ns() > deadline)
			fail("timed out connecting to %s:%d: %ld of %ld connected", cfg.host_str,
			     cfg.port, done, cfg.conns);
		if (interrupted)
			fail("interrupted while connecting");
	}
}

/* Look for requests that waited longer than --timeout. */
static void check_timeouts(uint64_t now)
{
	uint64_t limit = (uint64_t)(cfg.timeout * NSEC);

	for (long i = 0; i < cfg.active; i++)
		if (conns[i].state == BUSY && now > conns[i].t_sent && now - conns[i].t_sent > limit)
			conn_error(&conns[i], E_TIMEOUT, "no complete reply in time");
}

/* --rate: hand every request that is due to a free connection. */
static void issue_due(uint64_t now)
{
	while (nfree && can_issue(now)) {
		uint64_t due = due_time(res.sent);
		struct lconn *c = &conns[free_list[--nfree]];

		if (due > now) {
			nfree++;
			break;
		}
		if (c->state == IDLE)
			send_request(c, due);
	}
}

/* How long to wait for events: until the next due request, -d's end, or 100 ms. */
static struct timespec wait_time(uint64_t now)
{
	uint64_t wake = now + 100 * 1000 * 1000;

	if (cfg.rate && nfree && can_issue(now) && due_time(res.sent) < wake)
		wake = due_time(res.sent);
	if (t_end > now && t_end < wake)
		wake = t_end;
	if (wake < now)
		wake = now;
	return (struct timespec){ (wake - now) / NSEC, (wake - now) % NSEC };
}

/*
 * epoll_pwait2 (a timeout in ns, Linux 5.11) where the kernel has it;
 * epoll_wait in ms, rounded up, on older kernels (Debian 11's 5.10).
 */
static int wait_events(int epfd, struct epoll_event *ev, int max, const struct timespec *tmo)
{
	static bool no_pwait2;
	int n;

	if (!no_pwait2) {
		n = epoll_pwait2(epfd, ev, max, tmo, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		no_pwait2 = true;
	}
	return epoll_wait(epfd, ev, max, (int)(tmo->tv_sec * 1000 + (tmo->tv_nsec + 999999) / 1000000));
}

void run(void)
{
	struct epoll_event events[256];
	uint64_t now = now_ns(), last_check = now;

	t0 = now;
	t_end = cfg.duration ? t0 + (uint64_t)(cfg.duration * NSEC) : UINT64_MAX;
	for (long i = 0; i < cfg.active; i++) {
		conns[i].active = true;
		conns[i].slow = i < cfg.slow;
		nactive_alive++;
		if (cfg.rate)
			free_list[nfree++] = i;
		else if (can_issue(now))
			send_request(&conns[i], now);
	}

	while (nactive_alive > 0 && (busy || can_issue(now))) {
		struct timespec tmo = wait_time(now);
		int n = wait_events(epfd, events, 256, &tmo);

		if (n < 0 && errno != EINTR)
			fail("epoll_wait failed: %s", strerror(errno));
		for (int i = 0; i < n; i++)
			on_event(events[i].data.ptr, events[i].events);

		now = now_ns();
		if (cfg.rate)
			issue_due(now);
		if (now - last_check > 100 * 1000 * 1000) {
			check_timeouts(now);
			last_check = now;
		}
	}
	res.secs = (now_ns() - t0) / 1e9;
}

void close_all(void)
{
	for (long i = 0; i < cfg.conns; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
}
