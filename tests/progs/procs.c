// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle for several processes (-p A,B and -f): a parent and N children
 * with exactly known calls.
 *
 *   procs [--wait] N K
 *   procs --exec PATH K      K polls, then exec PATH 0 K (a new comm)
 *
 * The parent creates an epoll fd with 2 registrations (2 epoll_ctl ADD),
 * forks N children, makes K poll() calls on one pipe (timeout 0, nothing
 * ready) and waits for them. Each child makes K poll() calls and K
 * epoll_wait() calls (timeout 0) on the epoll fd it inherited: 2 fds
 * watched per call, registrations no epoll_ctl of its own shows.
 *
 * --wait: fork first, then print "ready PID" (the parent's) and wait for
 * SIGUSR1, which the parent passes on to the children: attach with
 * -f -p PARENT, and the children are found at start. Without --wait the
 * children sleep 400 ms before their calls, so that iotrace -f, which
 * reads an inherited epoll fd from /proc within 200 ms, knows it.
 * Prints {"parent": PID, "children": [PID...]}.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "oracle.h"

#define MAX_KIDS	16

static int pipefd[2], epfd;

static void polls(int k)
{
	struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
	int i;

	for (i = 0; i < k; i++)
		poll(&p, 1, 0);
}

static void child(int k, int hold)
{
	struct timespec delay = { 0, 400 * 1000 * 1000 };
	struct epoll_event ev;
	sigset_t set;
	int i;

	if (hold) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigwaitinfo(&set, NULL);	/* mask inherited from the parent */
	} else {
		nanosleep(&delay, NULL);
	}
	polls(k);
	for (i = 0; i < k; i++)
		epoll_wait(epfd, &ev, 1, 0);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pid_t kids[MAX_KIDS];
	int hold = 0, n, k, i, sv[2];
	sigset_t set;

	if (argc == 4 && !strcmp(argv[1], "--exec")) {
		if (pipe(pipefd))
			return 1;
		polls(atoi(argv[3]));
		execl(argv[2], argv[2], "0", argv[3], (char *)NULL);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--wait")) {
		hold = 1;
		argv++;
		argc--;
	}
	if (argc != 3 || (n = atoi(argv[1])) < 0 || n > MAX_KIDS || (k = atoi(argv[2])) < 0) {
		fprintf(stderr, "usage: procs [--wait] N K (N <= %d)\n", MAX_KIDS);
		return 2;
	}
	if (pipe(pipefd) || pipe(sv) || (epfd = epoll_create1(0)) < 0)
		return 1;
	ev.data.fd = pipefd[0];
	epoll_ctl(epfd, EPOLL_CTL_ADD, pipefd[0], &ev);
	ev.data.fd = sv[0];
	epoll_ctl(epfd, EPOLL_CTL_ADD, sv[0], &ev);
	if (hold) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	fflush(stdout);
	for (i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			return 1;
		if (!kids[i])
			child(k, hold);
	}
	if (hold) {
		wait_for_go();
		for (i = 0; i < n; i++)
			kill(kids[i], SIGUSR1);
	}
	polls(k);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	printf("{\"parent\": %d, \"children\": [", getpid());
	for (i = 0; i < n; i++)
		printf("%s%d", i ? ", " : "", kids[i]);
	printf("]}\n");
	return 0;
}
