// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for per-thread figures: thread i (1..3) makes 10 * i
 * poll calls with i fds watched and a zero timeout; the main thread makes
 * 2 select calls. Prints {"TID": [poll calls, fds watched per call], ...}.
 * --wait: threads start only after SIGUSR1 (created after the attach).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/select.h>
#include <unistd.h>
#include "oracle.h"

#define NTHREADS 3

struct job {
	int index;	/* 1..NTHREADS */
	pid_t tid;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct pollfd p[NTHREADS];
	int fds[2], i;

	j->tid = gettid();
	if (pipe(fds))
		return NULL;
	for (i = 0; i < j->index; i++)
		p[i] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	for (i = 0; i < 10 * j->index; i++)
		poll(p, j->index, 0);
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

int main(int argc, char **argv)
{
	struct job jobs[NTHREADS];
	pthread_t th[NTHREADS];
	struct timeval tv = { 0, 0 };
	int i;

	if (argc > 1 && !strcmp(argv[1], "--wait"))
		wait_for_go();
	for (i = 0; i < NTHREADS; i++) {
		jobs[i].index = i + 1;
		pthread_create(&th[i], NULL, worker, &jobs[i]);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++)
		syscall(SYS_select, 0, NULL, NULL, NULL, &tv);
	printf("{\"%d\": [0, 0]", getpid());
	for (i = 0; i < NTHREADS; i++)
		printf(", \"%d\": [%d, %d]", jobs[i].tid, 10 * jobs[i].index, jobs[i].index);
	printf("}\n");
	return 0;
}
