// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for per-thread figures: thread i (1..N, default 3)
 * makes 10 * i poll calls with 1 + (i - 1) % 3 fds watched and a zero
 * timeout; the main thread makes 2 select calls. Prints
 * {"TID": [poll calls, fds watched per call], ...}.
 * --wait: threads start only after SIGUSR1 (created after the attach).
 *
 *   threads [--wait] [N]      N <= 256
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/select.h>
#include <unistd.h>
#include "oracle.h"

#define MAX_THREADS	256
#define MAX_FDS		3

struct job {
	int index;	/* 1..N */
	int nfds;
	pid_t tid;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct pollfd p[MAX_FDS];
	int fds[2], i;

	j->tid = gettid();
	if (pipe(fds))
		return NULL;
	for (i = 0; i < j->nfds; i++)
		p[i] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	for (i = 0; i < 10 * j->index; i++)
		poll(p, j->nfds, 0);
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct job jobs[MAX_THREADS];
	static pthread_t th[MAX_THREADS];
	struct timeval tv = { 0, 0 };
	int i, n = 3;

	if (argc > 1 && !strcmp(argv[1], "--wait")) {
		argv++;
		argc--;
		wait_for_go();
	}
	if (argc > 1)
		n = atoi(argv[1]);
	if (n < 1 || n > MAX_THREADS)
		return 2;
	for (i = 0; i < n; i++) {
		jobs[i].index = i + 1;
		jobs[i].nfds = 1 + i % MAX_FDS;
		if (pthread_create(&th[i], NULL, worker, &jobs[i]))
			return 1;
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++)
		syscall(SYS_select, 0, NULL, NULL, NULL, &tv);
	printf("{\"%d\": [0, 0]", getpid());
	for (i = 0; i < n; i++)
		printf(", \"%d\": [%d, %d]", jobs[i].tid, 10 * jobs[i].index, jobs[i].nfds);
	printf("}\n");
	return 0;
}
