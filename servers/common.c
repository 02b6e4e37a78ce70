// SPDX-License-Identifier: GPL-2.0
/*
 * Shared code for the reference servers: see common.h for the protocols and
 * the buffering rules every server follows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "../lib/numparse.h"

struct server_opts opt = { .model = "server", .port = DEFAULT_PORT, .proto = PROTO_ECHO };
volatile sig_atomic_t stop;
int listen_fd = -1;

atomic_ulong stat_conns;
atomic_ulong stat_requests;
atomic_ulong stat_refused;

struct conn **conn_table;
int conn_table_size;
/* Taken around conn_table updates: the blocking server changes it from many threads. */
static pthread_mutex_t conn_table_lock = PTHREAD_MUTEX_INITIALIZER;

static volatile sig_atomic_t wake_fd = -1;

/* ---- command line ------------------------------------------------------ */

enum { OPT_PROTO = 0x100 };

static const struct argp_option common_options[] = {
	{ "port", 'p', "PORT", 0, "TCP port on 127.0.0.1 (default 8080, 0: any free port)", 0 },
	{ "proto", OPT_PROTO, "NAME", 0, "Protocol: echo (default) or http", 0 },
	{ "verbose", 'v', NULL, 0, "Log every connection on stderr", 0 },
	{ "help", 'h', NULL, 0, "Give this help list", -1 },
	{ 0 }
};

static const struct argp *top_argp;
static bool error_reported;	/* a parser already printed its one-line error */

error_t arg_long(const char *what, const char *arg, long min, long max, long *out)
{
	if (parse_long(opt.model, what, arg, min, max, out))
		return 0;
	error_reported = true;
	return EINVAL;
}

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	long v;

	switch (key) {
	case 'p':
		if (arg_long("port", arg, 0, 65535, &v))
			return EINVAL;
		opt.port = v;
		break;
	case OPT_PROTO:
		if (!strcmp(arg, "echo")) {
			opt.proto = PROTO_ECHO;
		} else if (!strcmp(arg, "http")) {
			opt.proto = PROTO_HTTP;
		} else {
			fprintf(stderr, "%s: invalid proto '%s': expected echo or http\n",
				opt.model, arg);
			error_reported = true;
			return EINVAL;
		}
		break;
	case 'v':
		opt.verbose = true;
		break;
	case 'h':
		argp_help(top_argp, stdout, ARGP_HELP_STD_HELP, program_invocation_short_name);
		exit(0);
	case ARGP_KEY_ARG:
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", opt.model, arg);
		error_reported = true;
		return EINVAL;
	case ARGP_KEY_ERROR:
		/* getopt found an unknown option or a missing value: say which. */
		if (!error_reported && state->next > 0 && state->next <= state->argc)
			fprintf(stderr, "%s: unknown option or missing value '%s' (see --help)\n",
				opt.model, state->argv[state->next - 1]);
		else if (!error_reported)
			fprintf(stderr, "%s: invalid arguments (see --help)\n", opt.model);
		error_reported = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp common_argp = {
	common_options, common_parse, NULL, NULL, NULL, NULL, NULL
};

const struct argp_child common_argp_children[] = {
	{ &common_argp, 0, NULL, 0 },
	{ 0 }
};

void server_parse_args(const struct argp *argp, int argc, char **argv)
{
	/*
	 * argp's own messages take two lines ("Try --help..."), so errors are
	 * printed by the parsers above and argp's help is replaced by -h.
	 */
	top_argp = argp;
	if (argp_parse(argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, NULL))
		exit(2);
}

/* ---- start and stop ---------------------------------------------------- */

void logmsg(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	/* One write(2) per line, so lines from several threads do not mix. */
	n = snprintf(line, sizeof(line), "%s: ", opt.model);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

static void die(const char *what)
{
	fprintf(stderr, "%s: failed to %s: %s\n", opt.model, what, strerror(errno));
	exit(1);
}

static void on_stop(int sig)
{
	int saved = errno;

	(void)sig;
	stop = 1;
	/* shutdown(2) is async-signal-safe; it wakes a thread blocked on the socket. */
	if (listen_fd >= 0)
		shutdown(listen_fd, SHUT_RDWR);
	if (wake_fd >= 0)
		shutdown(wake_fd, SHUT_RDWR);
	errno = saved;
}

void server_wake_on_stop(int fd)
{
	wake_fd = fd;
}

void server_block_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* Ask for WANT_NOFILE descriptors (root may raise the hard limit too). */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("get RLIMIT_NOFILE");
	if (rl.rlim_max < WANT_NOFILE) {
		struct rlimit want = { WANT_NOFILE, WANT_NOFILE };

		if (!setrlimit(RLIMIT_NOFILE, &want))
			rl = want;
	}
	if (rl.rlim_cur < WANT_NOFILE && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < WANT_NOFILE ? rl.rlim_max : WANT_NOFILE;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("raise RLIMIT_NOFILE");
	}
	conn_table_size = rl.rlim_cur > (1 << 20) ? (1 << 20) : (int)rl.rlim_cur;
}

void server_setup(int sock_flags)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(opt.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sigaction act = { .sa_handler = on_stop };	/* no SA_RESTART: EINTR */
	socklen_t len = sizeof(sa);
	int one = 1;

	raise_nofile();
	conn_table = calloc(conn_table_size, sizeof(*conn_table));
	if (!conn_table)
		die("allocate the connection table");

	/* A write to a peer that reset must fail with EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | sock_flags, 0);
	if (listen_fd < 0)
		die("create socket");
	if (setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("set SO_REUSEADDR");
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "%s: failed to bind 127.0.0.1:%d: %s\n", opt.model, opt.port,
			strerror(errno));
		exit(1);
	}
	if (listen(listen_fd, SOMAXCONN))
		die("listen");
	if (getsockname(listen_fd, (struct sockaddr *)&sa, &len))
		die("get the bound port");
	opt.port = ntohs(sa.sin_port);

	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
}

void server_ready(void)
{
	printf("%s: listening on 127.0.0.1:%d (proto %s)\n", opt.model, opt.port,
	       opt.proto == PROTO_HTTP ? "http" : "echo");
	fflush(stdout);
}

int server_exit(void)
{
	server_block_signals(true);
	if (listen_fd >= 0) {
		close(listen_fd);
		listen_fd = -1;
	}
	conns_close_all();
	printf("%s: served %lu requests on %lu connections, refused %lu\n", opt.model,
	       atomic_load(&stat_requests), atomic_load(&stat_conns), atomic_load(&stat_refused));
	fflush(stdout);
	return 0;
}

/* ---- connections ------------------------------------------------------- */

struct conn *conn_new(int fd, size_t size)
{
	struct conn *c;

	if (fd >= conn_table_size || size < sizeof(*c) || !(c = calloc(1, size))) {
		logmsg("fd %d: cannot track this connection, closing it", fd);
		close(fd);
		atomic_fetch_add(&stat_refused, 1);
		return NULL;
	}
	c->fd = fd;
	pthread_mutex_lock(&conn_table_lock);
	conn_table[fd] = c;
	pthread_mutex_unlock(&conn_table_lock);
	atomic_fetch_add(&stat_conns, 1);
	if (opt.verbose) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);

		if (!getpeername(fd, (struct sockaddr *)&peer, &len))
			logmsg("fd %d: connection from 127.0.0.1:%d", fd, ntohs(peer.sin_port));
	}
	return c;
}

void conn_close(struct conn *c)
{
	if (opt.verbose)
		logmsg("fd %d: closed after %lu requests", c->fd, c->requests);
	/* Unregister before close(): the fd number may be reused at once. */
	pthread_mutex_lock(&conn_table_lock);
	conn_table[c->fd] = NULL;
	pthread_mutex_unlock(&conn_table_lock);
	close(c->fd);
	free(c->in.data);
	free(c->out.data);
	free(c);
}

void conns_close_all(void)
{
	for (int fd = 0; fd < conn_table_size; fd++)
		if (conn_table[fd])
			conn_close(conn_table[fd]);
}

/* Wake every thread blocked on a connection: its read returns 0. */
void conns_shutdown_all(void)
{
	pthread_mutex_lock(&conn_table_lock);
	for (int fd = 0; fd < conn_table_size; fd++)
		if (conn_table[fd])
			shutdown(fd, SHUT_RDWR);
	pthread_mutex_unlock(&conn_table_lock);
}

/* ---- buffers ----------------------------------------------------------- */

static size_t pending(const struct buf *b)
{
	return b->len - b->off;
}

/* Make room for need more bytes at the end, moving the data to the front first. */
static bool buf_reserve(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= need)
		return true;
	if (b->off) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= need)
			return true;
	}
	for (cap = b->cap ? b->cap : 4096; cap - b->len < need; cap *= 2)
		;
	p = realloc(b->data, cap);
	if (!p)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

bool conn_want_read(const struct conn *c)
{
	return !c->eof && !c->closing && pending(&c->out) < OUT_HIGH && pending(&c->in) < IN_MAX;
}

bool conn_want_write(const struct conn *c)
{
	return pending(&c->out) > 0;
}

bool conn_done(const struct conn *c)
{
	return c->closing && !pending(&c->out);
}

int server_accept(int flags)
{
	int fd = accept4(listen_fd, NULL, NULL, flags | SOCK_CLOEXEC);

	if (fd < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED && !stop)
		logmsg("accept: %m");
	return fd;
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

char *conn_in_space(struct conn *c, size_t *room)
{
	size_t free_max = IN_MAX - pending(&c->in);

	*room = 0;
	if (!free_max || !buf_reserve(&c->in, free_max < 4096 ? free_max : 4096))
		return NULL;
	*room = c->in.cap - c->in.len;
	if (*room > free_max)
		*room = free_max;
	return c->in.data + c->in.len;
}

void conn_in_commit(struct conn *c, size_t n)
{
	c->in.len += n;
	conn_process(c);
}

void conn_in_eof(struct conn *c)
{
	c->eof = true;
	conn_process(c);
}

const char *conn_out_data(const struct conn *c, size_t *len)
{
	*len = pending(&c->out);
	return c->out.data + c->out.off;
}

void conn_out_consume(struct conn *c, size_t n)
{
	c->out.off += n;
	if (c->out.off == c->out.len)
		c->out.off = c->out.len = 0;
	/* Room in the output queue again: answer input held back by it. */
	conn_process(c);
}

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
 * drains it makes room, so the loop goes round again. Returns false when the
 * connection should be closed.
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

/* ---- protocols --------------------------------------------------------- */

static bool out_append(struct conn *c, const char *p, size_t n, bool upper)
{
	char *dst;

	if (!buf_reserve(&c->out, n))
		return false;
	dst = c->out.data + c->out.len;
	if (upper) {
		for (size_t i = 0; i < n; i++)
			dst[i] = p[i] >= 'a' && p[i] <= 'z' ? p[i] - 'a' + 'A' : p[i];
	} else {
		memcpy(dst, p, n);
	}
	c->out.len += n;
	return true;
}

static void count_request(struct conn *c)
{
	c->requests++;
	atomic_fetch_add_explicit(&stat_requests, 1, memory_order_relaxed);
}

/*
 * Echo: answer one line upper-cased; return the bytes used, 0 to wait for
 * more. Without a '\n', a full buffer (IN_MAX) or the end of input is
 * answered as one piece.
 */
static size_t echo_unit(struct conn *c, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t k = nl ? (size_t)(nl - p) + 1 : n;

	if (!nl && n < IN_MAX && !c->eof)
		return 0;
	if (!out_append(c, p, k, true)) {
		c->closing = true;
		return n;
	}
	if (nl || c->eof)
		count_request(c);
	return k;
}

static const char http_ok[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 13\r\n"
	"\r\n"
	"hello, world\n";

static const char http_bad[] =
	"HTTP/1.1 400 Bad Request\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 12\r\n"
	"Connection: close\r\n"
	"\r\n"
	"bad request\n";

/* Does the header block [p, p + n) hold "Connection: close"? */
static bool http_wants_close(const char *p, size_t n)
{
	static const char name[] = "\r\nconnection:";
	const char *end = p + n;

	for (; p + sizeof(name) - 1 < end; p++) {
		if (strncasecmp(p, name, sizeof(name) - 1))
			continue;
		p += sizeof(name) - 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		return end - p >= 5 && !strncasecmp(p, "close", 5);
	}
	return false;
}

/* HTTP: answer one complete request; return the bytes used, 0 to wait for more. */
static size_t http_unit(struct conn *c, const char *p, size_t n)
{
	const char *end;

	/* Anything but a GET, or a header that never ends: 400, then close. */
	if (memcmp(p, "GET ", n < 4 ? n : 4))
		goto bad;
	end = memmem(p, n, "\r\n\r\n", 4);
	if (!end) {
		if (n >= IN_MAX)
			goto bad;
		return c->eof ? n : 0;	/* an unfinished request at EOF is dropped */
	}
	if (!out_append(c, http_ok, sizeof(http_ok) - 1, false)) {
		c->closing = true;
		return n;
	}
	count_request(c);
	if (http_wants_close(p, end - p + 2))
		c->closing = true;
	return end - p + 4;
bad:
	out_append(c, http_bad, sizeof(http_bad) - 1, false);
	c->closing = true;
	return n;
}

void conn_process(struct conn *c)
{
	/* io_uring may be sending from out: answers wait until that completes. */
	while (!c->out_busy && !c->closing && pending(&c->out) < OUT_HIGH && pending(&c->in)) {
		const char *p = c->in.data + c->in.off;
		size_t n = pending(&c->in);
		size_t used = opt.proto == PROTO_ECHO ? echo_unit(c, p, n) : http_unit(c, p, n);

		if (!used)
			break;
		c->in.off += used;
	}
	if (c->eof && !pending(&c->in))
		c->closing = true;
}
