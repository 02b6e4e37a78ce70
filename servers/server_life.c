// SPDX-License-Identifier: GPL-2.0
/*
 * A server's lifecycle: the listening socket, the start line, the stop
 * signals and the stats line on exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "nofile.h"
#include "server.h"

struct server_opts opt = { .model = "server", .port = DEFAULT_PORT, .proto = PROTO_ECHO };
volatile sig_atomic_t stop;
int listen_fd = -1;

atomic_ulong stat_conns;
atomic_ulong stat_requests;
atomic_ulong stat_refused;

static volatile sig_atomic_t wake_fd = -1;

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

void server_setup(int sock_flags)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(opt.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sigaction act = { .sa_handler = on_stop };	/* no SA_RESTART: EINTR */
	socklen_t len = sizeof(sa);
	long nofile = nofile_raise(WANT_NOFILE);	/* root may raise the hard limit too */
	int one = 1;

	if (nofile < 0)
		die("raise RLIMIT_NOFILE");
	conn_table_size = nofile > (1 << 20) ? (1 << 20) : (int)nofile;
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

int server_accept(int flags)
{
	int fd = accept4(listen_fd, NULL, NULL, flags | SOCK_CLOEXEC);

	if (fd < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED && !stop)
		logmsg("accept: %m");
	return fd;
}
