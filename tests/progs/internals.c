// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workloads for the kernel-internals figures (claims S1-S6, P2,
 * E1-E5, M1-M4). Each prints a JSON line with the facts a test needs
 * (fd numbers, its own counts).
 *
 *   internals scan SYSCALL K M   K blocking waits on M idle sockets; a peer
 *                                thread writes 1 byte to one of them 30 ms
 *                                into each wait; the caller reads it.
 *                                SYSCALL: select pselect6 poll ppoll epoll
 *   internals zero SYSCALL K M   K zero-timeout waits on M idle sockets
 *   internals recv DELAY SIZE    one blocking TCP recv; the peer sends SIZE
 *                                bytes after DELAY ms
 *   internals nbloop DELAY       non-blocking read loop until the peer
 *                                writes after DELAY ms
 *   internals listen N [close]   select N times on a listening socket with
 *                                one connection never accepted; then close it
 *   internals et N               edge-triggered epoll on a never-drained
 *                                socket, N waits of 10 ms
 *   internals writable N         select N times with a connected socket,
 *                                never written, in the write set
 *   internals beyond FD          a readable socket moved to fd FD (above
 *                                FD_SETSIZE), waited on once each with
 *                                select (a bitmap of FD + 1 bits), poll
 *                                and epoll, timeout 0
 *
 * --wait first: set up, then print "ready PID" and wait for SIGUSR1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "oracle.h"

#define MAX_M 256

static int near[MAX_M], far[MAX_M];	/* socketpair ends: we wait on near */
static int rounds, target, delay_ms;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int pending;

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The peer: on each go, wait delay_ms, then make near[target] readable. */
static void *peer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < rounds; i++) {
		pthread_mutex_lock(&lock);
		while (!pending)
			pthread_cond_wait(&go, &lock);
		pending = 0;
		pthread_mutex_unlock(&lock);
		sleep_ms(delay_ms);
		if (write(far[target], "x", 1) != 1)
			exit(1);
	}
	return NULL;
}

static void release_peer(void)
{
	pthread_mutex_lock(&lock);
	pending = 1;
	pthread_cond_signal(&go);
	pthread_mutex_unlock(&lock);
}

static void make_pairs(int m)
{
	int sv[2], i;

	for (i = 0; i < m; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			exit(1);
		near[i] = sv[0];
		far[i] = sv[1];
	}
}

/* One wait on near[0..m): returns what the syscall returned. */
static long wait_once(const char *sys, int m, int ms, int epfd)
{
	struct timespec ts = { 0, ms * 1000000L };
	struct timeval tv = { 0, ms * 1000 };
	struct pollfd p[MAX_M];
	struct epoll_event ev[4];
	fd_set in;
	int i, n = 0;

	if (!strcmp(sys, "epoll"))
		return epoll_wait(epfd, ev, 4, ms);
	if (!strcmp(sys, "select") || !strcmp(sys, "pselect6")) {
		FD_ZERO(&in);
		for (i = 0; i < m; i++) {
			FD_SET(near[i], &in);
			if (near[i] >= n)
				n = near[i] + 1;
		}
		if (!strcmp(sys, "select"))
			return syscall(SYS_select, n, &in, NULL, NULL, ms < 0 ? NULL : &tv);
		return select(n, &in, NULL, NULL, ms < 0 ? NULL : &tv);
	}
	for (i = 0; i < m; i++)
		p[i] = (struct pollfd){ .fd = near[i], .events = POLLIN };
	if (!strcmp(sys, "poll"))
		return poll(p, m, ms);
	return ppoll(p, m, ms < 0 ? NULL : &ts, NULL);
}

static int make_epoll(int m)
{
	int epfd = epoll_create1(0), i;

	for (i = 0; i < m; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = near[i] };

		epoll_ctl(epfd, EPOLL_CTL_ADD, near[i], &ev);
	}
	return epfd;
}

static void print_fds(int m)
{
	int i, maxfd = 0;

	for (i = 0; i < m; i++)
		if (near[i] > maxfd)
			maxfd = near[i];
	printf("{\"maxfd\": %d, \"target\": %d}\n", maxfd, near[target]);
}

static int run_scan(const char *sys, int k, int m)
{
	pthread_t th;
	int epfd = -1, i;
	char c;

	rounds = k;
	delay_ms = 30;
	make_pairs(m);
	target = m / 2;
	if (!strcmp(sys, "epoll"))
		epfd = make_epoll(m);
	pthread_create(&th, NULL, peer, NULL);
	for (i = 0; i < k; i++) {
		release_peer();
		if (wait_once(sys, m, -1, epfd) != 1)
			return 1;
		if (read(near[target], &c, 1) != 1)
			return 1;
	}
	pthread_join(th, NULL);
	print_fds(m);
	return 0;
}

static int run_zero(const char *sys, int k, int m)
{
	int epfd = -1, i;

	make_pairs(m);
	if (!strcmp(sys, "epoll"))
		epfd = make_epoll(m);
	for (i = 0; i < k; i++)
		if (wait_once(sys, m, 0, epfd) != 0)
			return 1;
	print_fds(m);
	return 0;
}

/* A TCP connection on loopback: *srv is the accepted end. */
static void tcp_pair(int *cli, int *srv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 1) || getsockname(l, (void *)&a, &len))
		exit(1);
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(*cli, (void *)&a, sizeof(a)))
		exit(1);
	*srv = accept(l, NULL, NULL);
	close(l);
}

/* The sender is a child process: its wakeup of us comes from another task. */
static int run_recv(int delay, int size)
{
	char *buf = calloc(1, size);
	int cli, srv;
	ssize_t n;

	tcp_pair(&cli, &srv);
	if (fork() == 0) {
		sleep_ms(delay);
		if (write(cli, buf, size) != size)
			_exit(1);
		_exit(0);
	}
	n = recv(srv, buf, size, MSG_WAITALL);
	printf("{\"fd\": %d, \"bytes\": %zd}\n", srv, n);
	free(buf);
	return n == size ? 0 : 1;
}

static int run_nbloop(int delay)
{
	long eagain = 0;
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		return 1;
	if (fork() == 0) {
		sleep_ms(delay);
		if (write(sv[1], "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	while (read(sv[0], &c, 1) < 0) {
		if (errno != EAGAIN)
			return 1;
		eagain++;
	}
	printf("{\"fd\": %d, \"eagain\": %ld}\n", sv[0], eagain);
	return 0;
}

static int run_listen(int n, int close_it)
{
	int cli, l, i;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct timeval tv;
	fd_set in;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 1) || getsockname(l, (void *)&a, &len))
		return 1;
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cli, (void *)&a, sizeof(a)))
		return 1;
	for (i = 0; i < n; i++) {
		FD_ZERO(&in);
		FD_SET(l, &in);
		tv = (struct timeval){ 1, 0 };
		if (syscall(SYS_select, l + 1, &in, NULL, NULL, &tv) != 1)
			return 1;
	}
	if (close_it)
		close(l);
	printf("{\"fd\": %d}\n", l);
	return 0;
}

static int run_et(int n)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int epfd, i, ready = 0;

	make_pairs(1);
	epfd = epoll_create1(0);
	ev.data.fd = near[0];
	epoll_ctl(epfd, EPOLL_CTL_ADD, near[0], &ev);
	if (write(far[0], "xy", 2) != 2)
		return 1;
	for (i = 0; i < n; i++)
		ready += epoll_wait(epfd, &ev, 1, 10);
	printf("{\"fd\": %d, \"ready\": %d}\n", near[0], ready);
	return 0;
}

static int run_writable(int n)
{
	struct timeval tv;
	fd_set out;
	int i;

	make_pairs(1);
	for (i = 0; i < n; i++) {
		FD_ZERO(&out);
		FD_SET(near[0], &out);
		tv = (struct timeval){ 1, 0 };
		if (syscall(SYS_select, near[0] + 1, NULL, &out, NULL, &tv) != 1)
			return 1;
	}
	printf("{\"fd\": %d}\n", near[0]);
	return 0;
}

/*
 * The kernel's select takes any nfds up to the fd table's size; 1024 is
 * only the size of glibc's fd_set (FD_SET past it is undefined), so the
 * bitmap here is our own.
 */
static int run_beyond(int fd)
{
	struct rlimit rl = { fd + 1, fd + 1 };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 };
	unsigned long *bits = calloc(fd / 64 + 1, sizeof(*bits));
	struct timeval tv = { 0, 0 };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int epfd, r[3];

	if (!bits || setrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	make_pairs(1);
	if (dup2(near[0], fd) != fd || write(far[0], "x", 1) != 1)
		return 1;
	epfd = epoll_create1(0);
	ev.data.fd = fd;
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
		return 1;
	bits[fd / 64] |= 1UL << (fd % 64);
	r[0] = syscall(SYS_select, fd + 1, bits, NULL, NULL, &tv);
	r[1] = poll(&p, 1, 0);
	r[2] = epoll_wait(epfd, &ev, 1, 0);
	printf("{\"fd\": %d, \"select\": %d, \"poll\": %d, \"epoll\": %d}\n",
	       fd, r[0], r[1], r[2]);
	free(bits);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--wait")) {
		wait_for_go();
		argv++;
		argc--;
	}
	if (argc == 5 && !strcmp(argv[1], "scan"))
		return run_scan(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "zero"))
		return run_zero(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return run_recv(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "nbloop"))
		return run_nbloop(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "writable"))
		return run_writable(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "beyond"))
		return run_beyond(atoi(argv[2]));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "listen"))
		return run_listen(atoi(argv[2]), argc == 4 && !strcmp(argv[3], "close"));
	if (argc == 3 && !strcmp(argv[1], "et"))
		return run_et(atoi(argv[2]));
	fprintf(stderr, "usage: see the comment at the top of internals.c\n");
	return 2;
}
