// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for the metrics exporter: exactly N poll() calls at a
 * steady RATE per second, each on one pipe that is never ready, timeout 0.
 *
 *   paced_poll N RATE
 *
 * Call i is made at start + i / RATE (absolute deadlines, so the pace does
 * not drift), after "ready PID" is printed; then it prints "done N" and
 * exits.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec start, at;
	struct pollfd pfd = { .events = POLLIN };
	long n, rate, i, calls = 0;
	int p[2];

	if (argc != 3 || (n = atol(argv[1])) <= 0 || (rate = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: paced_poll N RATE\n");
		return 2;
	}
	if (pipe(p))
		return 1;
	pfd.fd = p[0];
	printf("ready %d\n", getpid());
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < n; i++) {
		long long ns = start.tv_nsec + i * 1000000000LL / rate;

		at.tv_sec = start.tv_sec + ns / 1000000000LL;
		at.tv_nsec = ns % 1000000000LL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
		calls += poll(&pfd, 1, 0) == 0;
	}
	printf("done %ld\n", calls);
	return 0;
}
