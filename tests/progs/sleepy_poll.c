// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for --light's sampled timing: exactly N poll() calls on
 * one pipe that is never ready, each timing out after MS milliseconds, so
 * every call has the same latency (asleep MS ms) and returns 0. The array
 * has a second entry with fd -1, which the kernel ignores: 1 fd watched
 * of 2 entries per call.
 *
 *   sleepy_poll N MS
 *
 * Prints "done T" at the end, T the calls that timed out (N when right).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct pollfd pfd[2] = { { .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	long n, ms, i, timeouts = 0;
	int p[2];

	if (argc != 3 || (n = atol(argv[1])) <= 0 || (ms = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: sleepy_poll N MS\n");
		return 2;
	}
	if (pipe(p))
		return 1;
	pfd[0].fd = p[0];
	for (i = 0; i < n; i++)
		timeouts += poll(pfd, 2, ms) == 0;
	printf("done %ld\n", timeouts);
	return 0;
}
