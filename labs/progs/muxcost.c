// SPDX-License-Identifier: GPL-2.0
/*
 * muxcost: the cost of one select, poll or epoll_wait call on NFDS
 * watched fds of which READY (default 1) are ready (E3 and the TLPI table).
 *
 *   muxcost select|poll|epoll NFDS CALLS [READY]
 *
 * The fds are both ends of NFDS/2 AF_UNIX socket pairs; one byte written
 * into each of the first READY pairs (and never read) makes READY fds
 * readable. Each call has timeout 0 and must return exactly READY ready
 * fds. select takes fds below FD_SETSIZE only. Prints: ns_per_call N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
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

static void die(const char *what)
{
	fprintf(stderr, "muxcost: failed to %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct epoll_event ev, *events;
	struct pollfd *pfds;
	struct rlimit rl;
	fd_set tmpl, in;
	long nfds, calls, ready = 1, i, ret = 0;
	int *fds, maxfd = 0, epfd = -1;
	long long start;

	if ((argc != 4 && argc != 5) || (nfds = atol(argv[2])) < 2 ||
	    (calls = atol(argv[3])) < 1 || (argc == 5 && (ready = atol(argv[4])) < 1) ||
	    ready > nfds / 2) {
		fprintf(stderr, "usage: muxcost select|poll|epoll NFDS CALLS [READY <= NFDS/2]\n");
		return 2;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("raise RLIMIT_NOFILE");
	fds = calloc(nfds + 1, sizeof(*fds));
	pfds = calloc(nfds, sizeof(*pfds));
	events = calloc(ready, sizeof(*events));
	if (!fds || !pfds || !events)
		die("allocate the fds");
	for (i = 0; i < nfds; i += 2)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, &fds[i]))
			die("create a socket pair");
	for (i = 0; i < ready; i++)		/* fds[2i] is now readable, forever */
		if (write(fds[2 * i + 1], "x", 1) != 1)
			die("write the one byte");
	FD_ZERO(&tmpl);
	epfd = epoll_create1(0);
	for (i = 0; i < nfds; i++) {
		if (fds[i] > maxfd)
			maxfd = fds[i];
		pfds[i].fd = fds[i];
		pfds[i].events = POLLIN;
		ev.events = EPOLLIN;
		ev.data.fd = fds[i];
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &ev))
			die("register an fd");
		if (fds[i] < FD_SETSIZE)
			FD_SET(fds[i], &tmpl);
	}
	if (!strcmp(argv[1], "select") && maxfd >= FD_SETSIZE) {
		fprintf(stderr, "muxcost: select takes fds below %d\n", FD_SETSIZE);
		return 2;
	}
	start = now_ns();
	for (i = 0; i < calls; i++) {
		if (!strcmp(argv[1], "select")) {
			struct timeval tv = { 0, 0 };

			in = tmpl;	/* the kernel overwrote it: rebuild (S7) */
			ret = syscall(SYS_select, maxfd + 1, &in, NULL, NULL, &tv);
		} else if (!strcmp(argv[1], "poll")) {
			ret = syscall(SYS_poll, pfds, nfds, 0);
		} else {
			ret = syscall(SYS_epoll_wait, epfd, events, (int)ready, 0);
		}
		if (ret != ready) {
			fprintf(stderr, "muxcost: call %ld returned %ld, expected %ld ready fd(s)\n",
				i, ret, ready);
			return 1;
		}
	}
	printf("ns_per_call %.1f\n", (double)(now_ns() - start) / calls);
	return 0;
}
