// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen: an epoll-based load generator for the reference servers.
 *
 * It opens -c connections to 127.0.0.1:PORT; the first -a of them are active
 * and send requests, the others stay connected and idle (the "10,000 idle
 * clients" of the C10K discussions). Each active connection has at most one
 * request outstanding:
 *
 *   closed loop (default): a connection sends its next request as soon as
 *     the previous answer is in.
 *   --rate R: requests are due at fixed times, R per second in total, each
 *     taken by a free active connection. When none is free the request waits,
 *     and its latency counts from when it was due, not from when it could be
 *     sent (so a stalled server cannot hide its stalls: no "coordinated
 *     omission").
 *
 * Every reply is checked: echo replies must equal the upper-cased request
 * byte for byte; http replies must have status 200 and exactly
 * Content-Length body bytes. Latency is kept in a histogram with ~3%
 * resolution; min, max and the counts are exact.
 *
 * Bounds: -n or -d (default -d 5) ends the run; a request with no complete
 * reply after --timeout seconds (default 5) is an error and its connection
 * is closed; connecting has the same timeout. Only loopback addresses are
 * accepted. RLIMIT_NOFILE is raised to fit -c.
 *
 * Exit status: 0 if every request succeeded, 1 if any failed or the server
 * could not be reached, 2 for bad arguments.
 */
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../lib/numparse.h"

#define MAX_CONNECTING	512		/* connects in flight at once */
#define MAX_CONNS	60000		/* about the loopback ephemeral port range */
#define HDR_MAX		8192		/* longest http response header accepted */
#define SUB_BITS	5		/* histogram: 32 sub-buckets per power of two */
#define NBUCKETS	((64 - SUB_BITS) << SUB_BITS)
#define NSEC		1000000000ULL

enum state { CONNECTING, IDLE, BUSY, DEAD };
enum err { E_TIMEOUT, E_CLOSED, E_BAD_REPLY, NERR };
static const char *const err_names[NERR] = { "timeout", "closed", "bad_reply" };

struct lconn {
	int fd;
	enum state state;
	bool active;
	uint64_t seq;		/* request number: picks the echo payload */
	size_t sent;		/* request bytes written */
	size_t got;		/* reply bytes received */
	uint64_t t_due;		/* latency counts from here (ns) */
	uint64_t t_sent;	/* the request's first write (ns), for --timeout */
	/* http reply parsing */
	char *hdr;
	size_t hdr_len;
	long body_left;		/* -1: still in the header */
};

static struct {
	struct in_addr host;
	const char *host_str;
	int port;
	bool http;
	long conns, active, size, requests;
	double rate, duration, timeout;
	const char *json;
	bool verbose;
} cfg = {
	.host_str = "127.0.0.1", .port = 8080, .conns = 10, .active = -1, .size = 64,
	.timeout = 5,
};

static struct lconn *conns;
static int epfd;
static volatile sig_atomic_t interrupted;

static char *pattern, *upattern;	/* echo: letters, and the same upper-cased */
static char *http_req;
static size_t req_len;			/* bytes per request */

static uint64_t t0, t_end;		/* run start; end of issuing for -d (ns) */
static uint64_t issued, ok, errors[NERR], busy, bytes_out, bytes_in;
static uint64_t lat_min = UINT64_MAX, lat_max, lat_sum, hist[NBUCKETS];
static long *free_list, nfree;		/* --rate: active connections waiting for work */
static long nactive_alive;

/* ---- command line ------------------------------------------------------ */

enum { OPT_RATE = 'r', OPT_PROTO = 0x100, OPT_HOST, OPT_TIMEOUT, OPT_HELP = 'h' };

static const struct argp_option options[] = {
	{ "port", 'p', "PORT", 0, "Server port on the host (default 8080)", 0 },
	{ "host", OPT_HOST, "ADDR", 0, "Server address, loopback only (default 127.0.0.1)", 0 },
	{ "proto", OPT_PROTO, "NAME", 0, "echo (default) or http", 0 },
	{ "connections", 'c', "N", 0, "Connections in total (default 10)", 1 },
	{ "active", 'a', "N", 0, "N of the connections send requests, the rest idle (default: all)", 1 },
	{ "rate", OPT_RATE, "R", 0, "Fixed rate, R requests/s in total (default: closed loop)", 1 },
	{ "size", 's', "BYTES", 0, "Request size (default 64; echo: line with its \\n)", 1 },
	{ "duration", 'd', "SECONDS", 0, "Send requests for this long (default 5)", 2 },
	{ "requests", 'n', "N", 0, "Send N requests in total, then stop", 2 },
	{ "timeout", OPT_TIMEOUT, "SECONDS", 0, "Connect and reply timeout (default 5)", 2 },
	{ "json", 'j', "FILE", 0, "Also write the results as JSON to FILE ('-': stdout only)", 3 },
	{ "verbose", 'v', NULL, 0, "Log every failed request on stderr", 3 },
	{ "help", OPT_HELP, NULL, 0, "Give this help list", -1 },
	{ 0 }
};

static const char doc[] =
	"loadgen: drive a reference server with many connections; check every reply.\v"
	"Reports req/s and latency p50/p90/p99/max in microseconds. Exit status 0 if\n"
	"every request succeeded, 1 if any failed or the server was not there.\n"
	"\n"
	"EXAMPLES:\n"
	"  loadgen -p 8080 -c 10 -n 10000          # 10 connections, closed loop\n"
	"  loadgen -p 8080 -c 10000 -a 10 -d 10    # 10 active, 9990 idle\n"
	"  loadgen -p 8080 --rate 5000 -d 5 -j out.json --proto http\n";

static const struct argp argp;
static bool error_reported;

static error_t num(const char *what, const char *arg, long min, long max, long *out)
{
	if (parse_long("loadgen", what, arg, min, max, out))
		return 0;
	error_reported = true;
	return EINVAL;
}

static error_t secs(const char *what, const char *arg, double max, double *out)
{
	if (parse_seconds("loadgen", what, arg, max, out))
		return 0;
	error_reported = true;
	return EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	long v;

	switch (key) {
	case 'p':
		if (num("port", arg, 1, 65535, &v))
			return EINVAL;
		cfg.port = v;
		break;
	case OPT_HOST:
		cfg.host_str = !strcmp(arg, "localhost") ? "127.0.0.1" : arg;
		if (inet_pton(AF_INET, cfg.host_str, &cfg.host) != 1 ||
		    (ntohl(cfg.host.s_addr) >> 24) != 127) {
			fprintf(stderr, "loadgen: refusing host '%s': only loopback addresses "
				"(127.0.0.0/8) are allowed\n", arg);
			error_reported = true;
			return EINVAL;
		}
		break;
	case OPT_PROTO:
		if (strcmp(arg, "echo") && strcmp(arg, "http")) {
			fprintf(stderr, "loadgen: invalid proto '%s': expected echo or http\n", arg);
			error_reported = true;
			return EINVAL;
		}
		cfg.http = !strcmp(arg, "http");
		break;
	case 'c':
		return num("connection count", arg, 1, MAX_CONNS, &cfg.conns);
	case 'a':
		return num("active connection count", arg, 1, MAX_CONNS, &cfg.active);
	case OPT_RATE:
		if (num("rate", arg, 1, 10000000, &v))
			return EINVAL;
		cfg.rate = v;
		break;
	case 's':
		return num("request size", arg, 1, 16 << 20, &cfg.size);
	case 'd':
		return secs("duration", arg, 3600, &cfg.duration);
	case 'n':
		return num("request count", arg, 1, 1000000000, &cfg.requests);
	case OPT_TIMEOUT:
		return secs("timeout", arg, 600, &cfg.timeout);
	case 'j':
		cfg.json = arg;
		break;
	case 'v':
		cfg.verbose = true;
		break;
	case OPT_HELP:
		argp_help(&argp, stdout, ARGP_HELP_STD_HELP, "loadgen");
		exit(0);
	case ARGP_KEY_ARG:
		fprintf(stderr, "loadgen: unexpected argument '%s' (see --help)\n", arg);
		error_reported = true;
		return EINVAL;
	case ARGP_KEY_ERROR:
		if (!error_reported && state->next > 0 && state->next <= state->argc)
			fprintf(stderr, "loadgen: unknown option or missing value '%s' (see --help)\n",
				state->argv[state->next - 1]);
		error_reported = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- time and latency -------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Histogram bucket of v ns: exact below 64, then 32 sub-buckets per power of two. */
static int bucket(uint64_t v)
{
	int shift = v < (2u << SUB_BITS) ? 0 : 63 - __builtin_clzll(v) - SUB_BITS;
	int idx = (shift << SUB_BITS) + (int)(v >> shift);

	return idx < NBUCKETS ? idx : NBUCKETS - 1;
}

/* The middle of bucket idx, in ns. */
static double bucket_mid(int idx)
{
	int shift = idx < (2 << SUB_BITS) ? 0 : (idx >> SUB_BITS) - 1;
	uint64_t low = (uint64_t)(idx - (shift << SUB_BITS)) << shift;

	return low + ((1ULL << shift) - 1) / 2.0;
}

static void record(uint64_t lat)
{
	hist[bucket(lat)]++;
	lat_sum += lat;
	if (lat < lat_min)
		lat_min = lat;
	if (lat > lat_max)
		lat_max = lat;
}

/* Latency percentile p (0..100) in microseconds. */
static double percentile(double p)
{
	uint64_t want = (uint64_t)ceil(ok * p / 100.0), seen = 0;

	if (!ok)
		return 0;
	for (int i = 0; i < NBUCKETS; i++) {
		seen += hist[i];
		if (seen >= want && hist[i]) {
			double v = bucket_mid(i);

			v = v < lat_min ? lat_min : v > lat_max ? lat_max : v;
			return v / 1000.0;
		}
	}
	return lat_max / 1000.0;
}

/* ---- requests ---------------------------------------------------------- */

static void build_requests(void)
{
	static const char head[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
	static const char pad[] = "X-Pad: ";

	if (!cfg.http) {
		/* Request k is size-1 letters starting at letter k % 26, then '\n'. */
		req_len = cfg.size;
		pattern = malloc(req_len + 26);
		upattern = malloc(req_len + 26);
		if (!pattern || !upattern)
			fail("failed to allocate the requests: out of memory");
		for (size_t i = 0; i < req_len + 26; i++) {
			pattern[i] = 'a' + i % 26;
			upattern[i] = 'A' + i % 26;
		}
		return;
	}
	/* One GET, padded with an X-Pad header (at least one byte) up to --size. */
	size_t min = sizeof(head) - 1 + 2;
	size_t fixed = min + sizeof(pad) - 1 + 2;

	req_len = (size_t)cfg.size > fixed ? (size_t)cfg.size : min;
	http_req = malloc(req_len);
	if (!http_req)
		fail("failed to allocate the requests: out of memory");
	memcpy(http_req, head, sizeof(head) - 1);
	if (req_len > min) {
		char *p = http_req + sizeof(head) - 1;

		memcpy(p, pad, sizeof(pad) - 1);
		p += sizeof(pad) - 1;
		memset(p, 'a', req_len - fixed);
		memcpy(p + req_len - fixed, "\r\n", 2);
	}
	memcpy(http_req + req_len - 2, "\r\n", 2);
}

static void conn_error(struct lconn *c, enum err kind, const char *why)
{
	if (c->state == DEAD)
		return;
	if (c->state == BUSY) {
		busy--;
		errors[kind]++;
	} else {
		errors[kind]++;		/* an idle connection closed under us */
	}
	if (cfg.verbose)
		fprintf(stderr, "loadgen: connection %ld: %s: %s\n", (long)(c - conns),
			err_names[kind], why);
	if (c->active)
		nactive_alive--;
	c->state = DEAD;
	close(c->fd);
	c->fd = -1;
}

/* Write as much of the current request as the socket takes. */
static bool write_request(struct lconn *c)
{
	while (c->sent < req_len) {
		struct iovec iov[2];
		int n = 0;
		ssize_t w;

		if (cfg.http) {
			iov[n++] = (struct iovec){ http_req + c->sent, req_len - c->sent };
		} else {
			size_t off = c->seq % 26;

			if (c->sent < req_len - 1)
				iov[n++] = (struct iovec){ pattern + off + c->sent,
							   req_len - 1 - c->sent };
			iov[n++] = (struct iovec){ "\n", 1 };
		}
		w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EAGAIN)
				return true;	/* the EPOLLOUT edge brings us back */
			conn_error(c, E_CLOSED, strerror(errno));
			return false;
		}
		c->sent += w;
		bytes_out += w;
	}
	return true;
}

static void send_request(struct lconn *c, uint64_t due)
{
	c->state = BUSY;
	c->seq = issued++;
	c->sent = c->got = 0;
	c->hdr_len = 0;
	c->body_left = -1;
	c->t_due = due;
	c->t_sent = now_ns();
	busy++;
	write_request(c);
}

static bool can_issue(uint64_t now)
{
	if (interrupted || (cfg.requests && issued >= (uint64_t)cfg.requests))
		return false;
	if (cfg.rate)
		return t0 + (uint64_t)(issued * (NSEC / cfg.rate)) < t_end;
	return now < t_end;
}

static void reply_done(struct lconn *c)
{
	uint64_t now = now_ns();

	record(now - c->t_due);
	ok++;
	busy--;
	c->state = IDLE;
	if (cfg.rate)
		free_list[nfree++] = c - conns;
	else if (can_issue(now))
		send_request(c, now);
}

/* Parse the http response header in c->hdr; returns false on a bad reply. */
static bool http_header(struct lconn *c, const char *end)
{
	const char *p = c->hdr;
	long len = -1;

	if (strncmp(p, "HTTP/1.", 7) || strncmp(p + 8, " 200", 4))
		return false;
	for (p = strstr(p, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n"))
		if (!strncasecmp(p + 2, "Content-Length:", 15))
			len = strtol(p + 17, NULL, 10);
	c->body_left = len;
	return len >= 0;
}

/* Check the bytes [p, p + n) of a reply. Returns false if the connection died. */
static bool take_reply(struct lconn *c, const char *p, size_t n)
{
	while (n) {
		size_t k;

		if (c->state == DEAD)
			return false;	/* the next request could not be sent */
		if (c->state != BUSY) {
			conn_error(c, E_BAD_REPLY, "data nobody asked for");
			return false;
		}
		if (!cfg.http) {
			size_t off = c->seq % 26;

			k = n < req_len - c->got ? n : req_len - c->got;
			for (size_t i = 0; i < k; i++) {
				size_t at = c->got + i;
				char want = at < req_len - 1 ? upattern[off + at] : '\n';

				if (p[i] != want) {
					conn_error(c, E_BAD_REPLY, "echo reply differs from the request");
					return false;
				}
			}
			c->got += k;
			if (c->got == req_len)
				reply_done(c);
		} else if (c->body_left < 0) {
			char *end;

			if (!c->hdr && !(c->hdr = malloc(HDR_MAX + 1)))
				fail("out of memory");
			k = n < HDR_MAX - c->hdr_len ? n : HDR_MAX - c->hdr_len;
			memcpy(c->hdr + c->hdr_len, p, k);
			c->hdr_len += k;
			c->hdr[c->hdr_len] = '\0';
			end = strstr(c->hdr, "\r\n\r\n");
			if (!end && c->hdr_len == HDR_MAX) {
				conn_error(c, E_BAD_REPLY, "http header too long");
				return false;
			}
			if (end) {
				/* Give back what follows the header: it is body. */
				size_t used = end + 4 - c->hdr;

				k -= c->hdr_len - used;
				if (!http_header(c, end)) {
					conn_error(c, E_BAD_REPLY, "http status is not 200 or no length");
					return false;
				}
				if (!c->body_left)
					reply_done(c);
			}
		} else {
			k = n < (size_t)c->body_left ? n : (size_t)c->body_left;
			c->body_left -= k;
			if (!c->body_left)
				reply_done(c);
		}
		p += k;
		n -= k;
	}
	return true;
}

/* ---- connections ------------------------------------------------------- */

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
			bytes_in += n;
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

static void raise_nofile(long need)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur >= (rlim_t)need)
		return;
	if (rl.rlim_max < (rlim_t)need)
		rl.rlim_max = need;
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fail("failed to raise RLIMIT_NOFILE to %ld for -c %ld: %s", need, cfg.conns,
		     strerror(errno));
}

/* Open every connection, MAX_CONNECTING at a time. */
static void connect_all(void)
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

static void run(void)
{
	struct epoll_event events[256];
	uint64_t now = now_ns(), last_check = now;

	t0 = now;
	t_end = cfg.duration ? t0 + (uint64_t)(cfg.duration * NSEC) : UINT64_MAX;
	for (long i = 0; i < cfg.active; i++) {
		conns[i].active = true;
		nactive_alive++;
		if (cfg.rate)
			free_list[nfree++] = i;
		else if (can_issue(now))
			send_request(&conns[i], now);
	}

	while (nactive_alive > 0 && (busy || can_issue(now))) {
		struct timespec tmo = { 0, 100 * 1000 * 1000 };
		uint64_t wake = now + 100 * 1000 * 1000;
		int n;

		if (cfg.rate && nfree && can_issue(now)) {
			uint64_t due = t0 + (uint64_t)(issued * (NSEC / cfg.rate));

			if (due < wake)
				wake = due;
		}
		if (t_end > now && t_end < wake)
			wake = t_end;
		tmo.tv_sec = (wake - now) / NSEC;
		tmo.tv_nsec = wake > now ? (wake - now) % NSEC : 0;
		n = epoll_pwait2(epfd, events, 256, &tmo, NULL);
		if (n < 0 && errno != EINTR)
			fail("epoll_wait failed: %s", strerror(errno));
		for (int i = 0; i < n; i++)
			on_event(events[i].data.ptr, events[i].events);

		now = now_ns();
		/* --rate: hand every request that is due to a free connection. */
		while (cfg.rate && nfree && can_issue(now)) {
			uint64_t due = t0 + (uint64_t)(issued * (NSEC / cfg.rate));
			struct lconn *c = &conns[free_list[--nfree]];

			if (due > now) {
				nfree++;
				break;
			}
			if (c->state == IDLE)
				send_request(c, due);
		}
		if (now - last_check > 100 * 1000 * 1000) {
			check_timeouts(now);
			last_check = now;
		}
	}
}

/* ---- report ------------------------------------------------------------ */

static uint64_t total_errors(void)
{
	uint64_t sum = 0;

	for (int i = 0; i < NERR; i++)
		sum += errors[i];
	return sum;
}

static void report(FILE *f, double secs)
{
	fprintf(f, "loadgen: %s:%d, proto %s, %zu-byte requests\n", cfg.host_str, cfg.port,
		cfg.http ? "http" : "echo", req_len);
	fprintf(f, "connections: %ld (%ld active, %ld idle), ", cfg.conns, cfg.active,
		cfg.conns - cfg.active);
	if (cfg.rate)
		fprintf(f, "fixed rate %.0f req/s\n", cfg.rate);
	else
		fprintf(f, "closed loop\n");
	fprintf(f, "requests: %lu ok, %lu errors, %lu sent in %.3f s\n", ok, total_errors(),
		issued, secs);
	fprintf(f, "throughput: %.1f req/s\n", secs > 0 ? ok / secs : 0);
	fprintf(f, "latency (us): p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", percentile(50),
		percentile(90), percentile(99), lat_max / 1000.0);
	fprintf(f, "errors: timeout %lu, closed %lu, bad reply %lu\n", errors[E_TIMEOUT],
		errors[E_CLOSED], errors[E_BAD_REPLY]);
}

static void report_json(FILE *f, double secs)
{
	fprintf(f, "{\n  \"host\": \"%s\",\n  \"port\": %d,\n  \"proto\": \"%s\",\n",
		cfg.host_str, cfg.port, cfg.http ? "http" : "echo");
	fprintf(f, "  \"connections\": %ld,\n  \"active\": %ld,\n  \"rate\": %.0f,\n"
		"  \"request_bytes\": %zu,\n", cfg.conns, cfg.active, cfg.rate, req_len);
	fprintf(f, "  \"duration_s\": %.6f,\n  \"sent\": %lu,\n  \"ok\": %lu,\n"
		"  \"errors\": %lu,\n", secs, issued, ok, total_errors());
	fprintf(f, "  \"errors_by_kind\": {\"timeout\": %lu, \"closed\": %lu, \"bad_reply\": %lu},\n",
		errors[E_TIMEOUT], errors[E_CLOSED], errors[E_BAD_REPLY]);
	fprintf(f, "  \"req_per_s\": %.3f,\n", secs > 0 ? ok / secs : 0);
	fprintf(f, "  \"latency_us\": {\"min\": %.3f, \"mean\": %.3f, \"p50\": %.3f, "
		"\"p90\": %.3f, \"p99\": %.3f, \"max\": %.3f},\n",
		ok ? lat_min / 1000.0 : 0, ok ? lat_sum / 1000.0 / ok : 0, percentile(50),
		percentile(90), percentile(99), lat_max / 1000.0);
	fprintf(f, "  \"bytes_sent\": %lu,\n  \"bytes_received\": %lu\n}\n", bytes_out, bytes_in);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int main(int argc, char **argv)
{
	struct sigaction act = { .sa_handler = on_signal };
	double secs;

	inet_pton(AF_INET, cfg.host_str, &cfg.host);
	if (argp_parse(&argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, NULL))
		return 2;
	if (cfg.active < 0)
		cfg.active = cfg.conns;
	if (cfg.active > cfg.conns) {
		fprintf(stderr, "loadgen: invalid active connection count %ld: more than -c %ld\n",
			cfg.active, cfg.conns);
		return 2;
	}
	if (!cfg.duration && !cfg.requests)
		cfg.duration = 5;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	raise_nofile(cfg.conns + 64);
	build_requests();
	conns = calloc(cfg.conns, sizeof(*conns));
	free_list = calloc(cfg.active, sizeof(*free_list));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || !free_list || epfd < 0)
		fail("failed to set up: %s", strerror(errno));

	connect_all();
	run();
	secs = (now_ns() - t0) / 1e9;

	if (!cfg.json || strcmp(cfg.json, "-"))
		report(stdout, secs);
	if (cfg.json) {
		FILE *f = strcmp(cfg.json, "-") ? fopen(cfg.json, "w") : stdout;

		if (!f)
			fail("failed to open %s: %s", cfg.json, strerror(errno));
		report_json(f, secs);
		if (f != stdout)
			fclose(f);
	}
	for (long i = 0; i < cfg.conns; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	return total_errors() ? 1 : 0;
}
